#!/usr/bin/env python3
"""The console under load: N small logs through a running jar while 20 clients follow /api/events and
API requests are made at 50 per second; then the same N without any client, in a fresh app. Prints
both times, the requests' latencies, and checks that every stream client saw every ledger event, in
order, without a gap.
    bench/console-load.py [N]      (default 1000; needs target/caravan.jar)
"""
import http.client, json, os, shutil, socket, subprocess, sys, tempfile, threading, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
CLIENTS, RATE = 20, 50
JAR = os.path.abspath("target/caravan.jar")
SAMPLE = open("samples/orangelight_DSLOG-Reader/2022_02_28 21_49_43 Mon.dslog", "rb").read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(work, port):
    env = dict(os.environ, CARAVAN_INTAKE_MIN_AGE="200", CARAVAN_INTAKE_POLL_INTERVAL="200",
               CARAVAN_CONSOLE_TOKEN="bench")
    log = open(os.path.join(work, "app.log"), "w")
    # camel.* settings as system properties: camel-main takes them so, not from the environment
    p = subprocess.Popen(["java"] + os.environ.get("JAVA_OPTS", "").split()
                         + ["-Dcamel.management.port=%d" % port, "-jar", JAR],
                         cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    while "started in" not in open(os.path.join(work, "app.log")).read():
        time.sleep(0.2)
    return p


def stage(work):
    staging = os.path.join(work, "staging")
    os.makedirs(staging)
    os.makedirs(os.path.join(work, "inbox"), exist_ok=True)
    for i in range(N):
        b = bytearray(SAMPLE)
        b[20 + 14 * 5 + 4] = i % 256
        b[20 + 14 * 6 + 4] = (i // 256) % 256
        open(os.path.join(staging, "f%05d.dslog" % i), "wb").write(b)
    return staging


def done(work):
    n = 0
    for root, _, files in os.walk(os.path.join(work, "archive")):
        n += sum(1 for f in files if not f.startswith(".") and (f.endswith(".dslog") or f.endswith(".v1.csv")))
    return n >= 2 * N


def run(with_load):
    work = tempfile.mkdtemp()
    port = free_port()
    staging = stage(work)
    app = start_app(work, port)
    stop = threading.Event()
    streams, latencies, failures = [], [], []

    def follow(seen):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("GET", "/api/events?backlog=0")
        r = c.getresponse()
        buf = b""
        while not stop.is_set():
            try:
                chunk = r.read1(65536)
            except (http.client.HTTPException, OSError):
                break  # the app stopped at the end of the run
            if not chunk:
                break
            buf += chunk
            while b"\n\n" in buf:
                block, buf = buf.split(b"\n\n", 1)
                for line in block.split(b"\n"):
                    if line.startswith(b"id: "):
                        seen.append(int(line[4:]))
        c.close()

    def requests():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        paths = ["/api/status", "/api/files?limit=50", "/api/matches"]
        k = 0
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                c.request("GET", paths[k % len(paths)])
                r = c.getresponse()
                r.read()
                if r.status != 200:
                    failures.append(r.status)
                latencies.append(time.monotonic() - t0)
            except Exception as e:
                failures.append(str(e))
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            k += 1
            time.sleep(max(0, 1 / RATE - (time.monotonic() - t0)))

    threads = []
    if with_load:
        for _ in range(CLIENTS):
            seen = []
            streams.append(seen)
            threads.append(threading.Thread(target=follow, args=(seen,), daemon=True))
        threads.append(threading.Thread(target=requests, daemon=True))
        for t in threads:
            t.start()
        time.sleep(1)
    cpu0 = os.times()
    start = time.monotonic()
    for f in os.listdir(staging):
        os.rename(os.path.join(staging, f), os.path.join(work, "inbox", f))
    while not done(work):
        time.sleep(0.2)
    secs = time.monotonic() - start
    time.sleep(2)  # the streams catch up
    # the ledger's newest event id, as the API sees it
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    stop.set()
    rss = int([l for l in open("/proc/%d/status" % app.pid) if l.startswith("VmHWM")][0].split()[1]) // 1024
    app.terminate()
    app.wait()
    shutil.rmtree(work)
    return secs, streams, latencies, failures, rss


def main():
    loaded = run(True)
    quiet = run(False)
    secs, streams, lat, failures, rss = loaded
    print("%d files, 20 stream clients + %d API requests/s: %.1f s (%.0f files/s), peak RSS %d MiB"
          % (N, RATE, secs, N / secs, rss))
    print("%d files, nobody watching:                       %.1f s (%.0f files/s), peak RSS %d MiB"
          % (N, quiet[0], N / quiet[0], quiet[4]))
    print("intake with the load: %+.0f %% time" % (100 * (secs / quiet[0] - 1)))
    lat.sort()
    if lat:
        print("API requests: %d, failed %d, latency p50 %.1f ms, p95 %.1f ms, max %.1f ms"
              % (len(lat), len(failures), 1000 * lat[len(lat) // 2], 1000 * lat[int(len(lat) * 0.95)], 1000 * lat[-1]))
    for i, seen in enumerate(streams):
        gaps = sum(1 for a, b in zip(seen, seen[1:]) if b != a + 1)
        if gaps or not seen:
            print("stream client %d: %d events, %d gaps" % (i, len(seen), gaps))
    counts = {len(s) for s in streams}
    print("stream clients: %d, each saw %s events, ids consecutive: %s"
          % (len(streams), sorted(counts), all(all(b == a + 1 for a, b in zip(s, s[1:])) for s in streams)))


main()
