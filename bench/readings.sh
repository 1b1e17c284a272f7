#!/usr/bin/env bash
# Readings through POST /api/readings to Parquet in the archive: CLIENTS clients (default 4) post
# READINGS readings (default 100,000) in batches of BATCH (default 500), keep-alive, bodies made
# before the clock starts. Timed: until every batch is answered 200 (acknowledged = on disk), then
# until every reading is in a Parquet file in the archive (window PT1M, grace PT1S; the readings' times
# are in the past, so each window is due at once). CPU from /proc/PID/stat, peak RSS (VmHWM) of the
# app at JAVA_OPTS (default -Xmx256m).
#   bench/readings.sh [READINGS] [CLIENTS] [BATCH]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
clients=${2:-4}
batch=${3:-500}
export JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
java=${JAVA:-java}
[ -f target/caravan.jar ] || mvn -B -q package -DskipTests
jar=$(pwd)/target/caravan.jar
work=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; cp "$work/app.log" /tmp/readings-last.log 2>/dev/null || true; cp "$work"/*.jfr /tmp/ 2>/dev/null || true; rm -rf "$work"' EXIT
port=18093
cd "$work"
CARAVAN_READINGS_ENABLED=true CARAVAN_READINGS_WINDOW=PT1M CARAVAN_READINGS_GRACE=${GRACE:-PT1S} \
  CARAVAN_READINGS_INTERVAL=500 CARAVAN_DELIVER_POLL_INTERVAL=200 CARAVAN_CONSOLE_TOKEN=bench \
  CARAVAN_INSIGHT_ENABLED=false CAMEL_MANAGEMENT_PORT=$port \
  "$java" $JAVA_OPTS ${APP_OPTS:-} -jar "$jar" > app.log 2>&1 &
pid=$!
until grep -q "Apache Camel .* started" app.log; do sleep 0.2; done
ticks=$(getconf CLK_TCK)
cpu_of() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
# CPU ticks per thread (tid name ticks), to say where the CPU went
threads_of() { for t in /proc/$1/task/*; do printf "%s %s %s\n" "${t##*/}" "$(tr ' ' '_' < "$t/comm")" "$(awk '{print $14 + $15}' "$t/stat")"; done 2>/dev/null; }
echo "$n readings, $clients clients, batches of $batch; $("$java" -version 2>&1 | head -1), JAVA_OPTS=$JAVA_OPTS"
cat > load.py <<'PY'
import http.client, json, os, sys, threading, time
n, clients, batch, port = (int(a) for a in sys.argv[1:5])
base = 1793491200  # 2026-11-01T00:00:00Z
def make(n, station_prefix, base):
  bodies = []
  for start in range(0, n, batch):
    rs = []
    for k in range(start, min(n, start + batch)):
        t = base + k * 0.01
        rs.append({"station": station_prefix + "%d" % (k % 3),
                   "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(t))) + ".%06dZ" % round((t % 1) * 1e6),
                   "values": {"seq": k, "temp_c": 20 + (k % 100) / 10, "rh_pct": 40 + k % 7}})
    bodies.append(json.dumps(rs).encode())
  return bodies
lock = threading.Lock()
failed = []
def client(bodies):
    c = http.client.HTTPConnection("127.0.0.1", port)
    while True:
        with lock:
            if not bodies:
                return
            b = bodies.pop()
        c.request("POST", "/api/readings", b, {"Authorization": "Bearer bench", "Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        if r.status != 200:
            failed.append(r.status)
def post(bodies):
  ts = [threading.Thread(target=client, args=(bodies,)) for _ in range(clients)]
  for t in ts: t.start()
  for t in ts: t.join()
# the JVM's first seconds are compiling: a warm-up of WARMUP readings (default n; other stations, a day earlier)
post(make(int(os.environ.get("WARMUP", n)), "warm", base - 86400))
bodies = make(n, "s", base)
print("warmed up", flush=True)
import os
while not os.path.exists("go"):  # the script reads the app's CPU, then lets us go on
    time.sleep(0.05)
start = time.time()
post(bodies)
wall = time.time() - start
print("acknowledged: %d readings in %.2f s, %.0f readings/s (%d batches refused)" % (n, wall, n / wall, len(failed)))
PY
/usr/bin/time -o client.time -f "%U %S" python3 load.py "$n" "$clients" "$batch" "$port" > load.out &
load=$!
until grep -q "warmed up" load.out; do sleep 0.2; done
before=$(cpu_of "$pid")
threads_of "$pid" > threads.before
touch go
wait $load
grep -v "warmed up" load.out
read -r cu cs < client.time
echo "the clients' CPU (python, warm-up and making the bodies included): $(echo "$cu + $cs" | bc) s"
acked=$(cpu_of "$pid")
threads_of "$pid" > threads.after
echo "where the app's CPU went while posting (threads, CPU s):"
join <(sort threads.before) <(sort threads.after) | awk -v t="$ticks" '{ d = ($5 - $3) / t; sub(/#?[0-9]+$/, "", $2); s[$2] += d } END { for (k in s) if (s[k] >= 0.05) printf "  %-40s %6.2f\n", k, s[k] }' | sort -k2 -rn | head -8
start=$(date +%s.%N)
if [ -n "${INGEST_ONLY:-}" ]; then  # e.g. with GRACE=PT1000H: no window is written meanwhile
  echo "app CPU: $(echo "$acked - $before" | bc) s while posting ($(echo "($acked - $before) * 1000000 / $n" | bc) µs per reading)"
  exit 0
fi
# every reading in a Parquet file in the archive
until [ "$(python3 - "$work/archive" <<'PY'
import sys, subprocess, glob
files = glob.glob(sys.argv[1] + "/station=*/*/*/*/*.parquet")
print(len(files))
PY
)" -ge 1 ] && ! ls data/readings/spool/*.jsonl data/readings/spool/*.sealed >/dev/null 2>&1 && [ -z "$(find data/readings/outbox -type f 2>/dev/null | head -1)" ] &&
  [ "$(curl -s localhost:$port/api/status | python3 -c 'import json,sys; print(json.load(sys.stdin)["destinations"]["archive"]["backlog"])' 2>/dev/null)" = 0 ]; do sleep 0.2; done
end=$(date +%s.%N)
after=$(cpu_of "$pid")
files=$(find archive -name '*.parquet' | wc -l)
echo "then into $files Parquet files in the archive (verified) $(echo "$end - $start" | bc) s later"
echo "app CPU: $(echo "$acked - $before" | bc) s while posting ($(echo "($acked - $before) * 1000000 / $n" | bc) µs per reading), $(echo "$after - $acked" | bc) s writing and delivering the windows"
echo "peak RSS of the app's JVM: $(($(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024)) MiB"
