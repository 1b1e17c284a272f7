// Caravan's console: tiles from /api/status, the live feed from /api/events (Server-Sent Events read
// with fetch, so that a bearer token can go along; it resumes with Last-Event-ID), the ledger browser,
// matches with their plots (/api/files/{id}/series) and the batteries. No framework, nothing fetched
// from anywhere but this app.
const $ = (s) => document.querySelector(s);
const tokenField = $("#token");
tokenField.value = sessionStorage.getItem("caravan.token") || "";
tokenField.addEventListener("change", () => { sessionStorage.setItem("caravan.token", tokenField.value); load(); });

function headers() {
  const t = tokenField.value.trim();
  return t ? { Authorization: "Bearer " + t } : {};
}
async function api(path, options = {}) {
  const r = await fetch(path, { ...options, headers: { ...headers(), ...(options.headers || {}) } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.status);
  return body;
}
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c === null || c === undefined ? "" : c);
  return e;
}
// a refresh that fails (the app restarting) is shown by the badges and retried by the next event
const quietly = (promise) => promise.catch(() => {});
const num = (v, d = 2) => (v === null || v === undefined ? "–" : Number(v).toFixed(d));

// --- tiles
async function tiles() {
  let s;
  try { s = await api("/api/status"); } catch (e) { $("#health").textContent = "unreachable: " + e.message; $("#health").className = "badge down"; return; }
  $("#health").textContent = "health " + s.health.status;
  $("#health").className = "badge " + (s.health.status === "UP" ? "up" : "down");
  const box = $("#tiles");
  box.replaceChildren();
  for (const [name, src] of Object.entries(s.sources)) {
    const bad = src.error || (src.unsettled && src.unsettled.length) || (src.unreadable && src.unreadable.length);
    box.append(el("div", { class: "tile" + (bad ? " bad" : ""), "data-source": name },
      el("h3", {}, "source " + name),
      el("div", {}, `${src.files ?? 0} files, ${src.files_today ?? 0} today, ${src.failed ?? 0} failed`),
      el("div", {}, "last poll " + (src.last_poll || "–")),
      src.error ? el("div", { class: "why" }, src.error) : "",
      src.unsettled && src.unsettled.length ? el("div", { class: "why" }, "still changing: " + src.unsettled.join(", ")) : "",
      src.unreadable && src.unreadable.length ? el("div", { class: "why" }, "cannot open: " + src.unreadable.join(", ")) : ""));
  }
  for (const [name, d] of Object.entries(s.destinations)) {
    const bad = d.quarantined > 0 || (d.oldest_pending_age_s ?? 0) > 600;
    const err = d.last_error;
    box.append(el("div", { class: "tile" + (bad ? " bad" : ""), "data-destination": name },
      el("h3", {}, "destination " + name),
      el("div", {}, `${d.backlog ?? 0} waiting, ${d.verified_today ?? 0} verified today, ${d.quarantined ?? 0} quarantined`),
      d.oldest_pending_age_s !== null && d.oldest_pending_age_s !== undefined ? el("div", {}, `oldest waiting ${d.oldest_pending_age_s} s`) : "",
      err && bad ? el("div", { class: "why" }, `${err.error_class || "error"}: ${err.last_error}`) : ""));
  }
}

// --- the live feed
let lastEventId = null;
async function stream() {
  for (;;) {
    try {
      const h = headers();
      if (lastEventId !== null) h["Last-Event-ID"] = String(lastEventId);
      const r = await fetch("/api/events", { headers: h });
      if (!r.ok) throw new Error("HTTP " + r.status);
      $("#stream").textContent = "stream: live"; $("#stream").className = "badge up";
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
          const msg = {};
          for (const line of block.split("\n")) {
            const i = line.indexOf(": ");
            if (line.startsWith(":") || i < 0) continue;
            msg[line.slice(0, i)] = line.slice(i + 2);
          }
          if (msg.data) { lastEventId = Number(msg.id); shown(msg.event, JSON.parse(msg.data)); }
        }
      }
    } catch (e) {
      $("#stream").textContent = "stream: reconnecting"; $("#stream").className = "badge down";
    }
    await new Promise((ok) => setTimeout(ok, 2000));
  }
}
let refreshSoon = null;
let insightChanged = false;
function shown(event, e) {
  const feed = $("#feed");
  feed.prepend(el("li", { "data-event-id": e.id, "data-file-id": e.file_id ?? "" },
    el("span", { class: "ev " + event.toUpperCase() }, event), (e.file || "") + " ", el("small", {}, e.detail || "")));
  while (feed.children.length > 300) feed.lastChild.remove();
  // the tables follow the stream, at most once a second
  if (event === "summarized") insightChanged = true;
  clearTimeout(refreshSoon);
  refreshSoon = setTimeout(() => {
    quietly(files(true)); tiles();
    if (insightChanged) { insightChanged = false; quietly(insight()); }
  }, 1000);
}

// --- files
let nextPage = null;
async function files(reset) {
  const q = $("#q").value.trim(), state = $("#state").value;
  const url = reset || !nextPage ? "/api/files?limit=25" + (q ? "&q=" + encodeURIComponent(q) : "") + (state ? "&state=" + state : "") : nextPage;
  const page = await api(url);
  const body = $("#files tbody");
  if (reset || url !== nextPage) body.replaceChildren();
  for (const f of page.items) {
    body.append(el("tr", { "data-file-id": f.id, onclick: () => quietly(detail(f.id)) },
      el("td", {}, f.id), el("td", {}, f.name), el("td", {}, f.source), el("td", { class: f.state }, f.state), el("td", {}, f.first_seen)));
  }
  nextPage = page.next;
  $("#more").hidden = !nextPage;
}
$("#more").addEventListener("click", () => quietly(files(false)));
$("#search").addEventListener("submit", (e) => { e.preventDefault(); nextPage = null; quietly(files(true)); });

async function detail(id) {
  const f = await api("/api/files/" + id);
  const box = $("#detail");
  const canWrite = tokenField.value.trim() !== "";
  const deliveries = el("table", {}, el("tr", {}, ...["artifact", "destination", "state", "attempts", "verified by", "path", ""].map((h) => el("th", {}, h))));
  for (const d of f.deliveries) {
    deliveries.append(el("tr", { "data-delivery-id": d.id },
      el("td", {}, d.artifact), el("td", {}, d.destination), el("td", { class: d.state }, d.state), el("td", {}, d.attempts),
      el("td", {}, d.verify_method || ""), el("td", {}, d.remote_path || d.last_error || ""),
      el("td", {}, d.state === "QUARANTINED" && canWrite ? el("button", { class: "requeue", onclick: () => act(`/api/deliveries/${d.id}/requeue`, id) }, "requeue") : "")));
  }
  const history = el("ol", {}, ...f.history.map((h) => el("li", {}, `${h.at} ${h.event} ${h.detail || ""}`)));
  box.replaceChildren(
    el("h3", {}, `${f.name} (file ${f.id}, ${f.state})`),
    f.error ? el("p", { class: "FAILED" }, f.error) : "",
    canWrite ? el("p", {}, el("button", { class: "lock", onclick: () => act(`/api/files/${id}/lock`, id) }, "lock"), " ",
      el("button", { class: "unlock", onclick: () => act(`/api/files/${id}/unlock`, id) }, "unlock")) : "",
    el("div", { class: "scroll" }, deliveries), el("h4", {}, "history"), history);
}
async function act(path, fileId) {
  try { await api(path, { method: "POST" }); } catch (e) { alert(e.message); }
  quietly(detail(fileId));
}

// --- insight
async function insight() {
  const matches = await api("/api/matches");
  const body = $("#matches tbody");
  body.replaceChildren();
  matches.forEach((m, k) => body.append(el("tr", { "data-match": k, onclick: () => quietly(plot(m)) },
    el("td", {}, m.label), el("td", {}, m.day), el("td", {}, m.logs.length), el("td", {}, num(m.v_min)),
    el("td", {}, m.brownout_events), el("td", {}, num(m.energy_wh)), el("td", {}, num(m.resistance_mohm, 1)), el("td", {}, m.battery || ""))));
  const batteries = await api("/api/batteries");
  const b = $("#batteries tbody");
  b.replaceChildren();
  for (const x of batteries) {
    b.append(el("tr", { "data-battery": x.battery }, el("td", {}, x.battery), el("td", {}, x.matches), el("td", {}, x.last_used || ""),
      el("td", {}, num(x.v_min)), el("td", {}, num(x.resistance_mohm_first5, 1)), el("td", {}, num(x.resistance_mohm_last5, 1)),
      el("td", {}, x.brownout_events), el("td", { class: x.flagged ? "flag" : "" }, x.flags.join("; "))));
  }
}
const MODE_FILL = ["rgba(128,128,128,.18)", "rgba(255,190,0,.25)", "rgba(0,160,0,.18)"];
async function plot(m) {
  const box = $("#match");
  box.replaceChildren(el("h3", {}, m.label), el("p", {}, `${m.logs.join(", ")}: V min ${num(m.v_min)}, ${num(m.energy_wh)} Wh, peak ${num(m.i_peak, 1)} A`));
  for (const id of m.file_ids) {
    let s;
    try { s = await api(`/api/files/${id}/series?fields=volts,amps,mode,brownout&points=1500`); }
    catch (e) { box.append(el("p", {}, `file ${id}: ${e.message}`)); continue; }
    const node = el("div", { class: "plot", "data-file-id": id });
    box.append(node);
    new uPlot({
      title: `file ${id}: voltage and total current`, width: Math.max(300, Math.min(1150, box.clientWidth - 20)), height: 260,
      scales: { x: { time: false }, V: {}, A: {} },
      series: [{ label: "s" }, { label: "V", scale: "V", stroke: "#1f77b4" }, { label: "A", scale: "A", stroke: "#d62728" }],
      axes: [{}, { scale: "V" }, { scale: "A", side: 1, grid: { show: false } }],
      hooks: { drawClear: [(u) => {
        for (let i = 0, start = 0; i <= s.t.length; i++) {
          if (i === s.t.length || s.mode[i] !== s.mode[start]) {
            const x0 = u.valToPos(s.t[start], "x", true), x1 = u.valToPos(s.t[Math.min(i, s.t.length - 1)], "x", true);
            u.ctx.fillStyle = MODE_FILL[s.mode[start]]; u.ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
            start = i;
          }
        }
      }], draw: [(u) => {
        u.ctx.strokeStyle = "#d00";
        s.brownout.forEach((b, i) => { if (b) { const x = u.valToPos(s.t[i], "x", true); u.ctx.beginPath(); u.ctx.moveTo(x, u.bbox.top); u.ctx.lineTo(x, u.bbox.top + u.bbox.height); u.ctx.stroke(); } });
      }] },
    }, [s.t, s.volts, s.amps], node);
  }
}

function load() { tiles(); quietly(files(true)); quietly(insight()); }
load();
setInterval(tiles, 5000);
stream();
