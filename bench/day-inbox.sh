#!/usr/bin/env bash
# A day of logs through the route application beside `caravan convert`, in the same run.
# The day set: the bundled orangelight samples (4 .dslog + 2 .dsevents) copied COPIES times (default
# 25: 150 files, 42.9 MB, 801,950 records and events), each copy's header time moved by a day, so no
# two files are the same bytes (the app would take a copy as a duplicate and decode nothing).
#   1. `caravan convert` of the day set, timed (JVM start included);
#   2. the jar as a service (warm: started first, untimed), the day set moved into its inbox, timed
#      until every raw file and its CSV is verified in the archive (the ledger says so).
# Both at JAVA_OPTS (default -Xmx128m, the Raspberry Pi case). CPU: the convert process's (GNU
# time), and the service's from /proc/PID/stat before and after the timed part.
#   bench/day-inbox.sh [COPIES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-25}
runs=${2:-1}
export JAVA_OPTS=${JAVA_OPTS:--Xmx128m}
# JAVA: another JDK for both, e.g. JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
java=${JAVA:-java}
[ -f target/caravan.jar ] || mvn -B -q package -DskipTests
jar=$(pwd)/target/caravan.jar
work=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; cp "$work/app/app.log" /tmp/day-inbox-last.log 2>/dev/null; cp "$work"/app/*.jfr /tmp/ 2>/dev/null || true; rm -rf "$work"' EXIT
python3 bench/day-set.py "$work/day" "$copies" samples/orangelight_DSLOG-Reader
files=$(find "$work/day" -type f | wc -l)
echo "day set: $files files, $(du -sb "$work/day" | cut -f1) bytes; $("$java" -version 2>&1 | head -1), JAVA_OPTS=$JAVA_OPTS"
ticks=$(getconf CLK_TCK)
cpu_of() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }

mkdir -p "$work/app/inbox"
touch "$work/app/app.log"
cd "$work/app"
CARAVAN_INTAKE_MIN_AGE=200 CARAVAN_INTAKE_POLL_INTERVAL=200 CARAVAN_DELIVER_POLL_INTERVAL=200 \
  CAMEL_MANAGEMENT_ENABLED=false "$java" $JAVA_OPTS ${APP_OPTS:-} -jar "$jar" > app.log 2>&1 &
pid=$!
until grep -q "Apache Camel .* started" app.log; do sleep 0.2; done
for r in $(seq 1 "$runs"); do
  rm -rf "$work/out"
  t=$( { /usr/bin/time -f "%e %U %S" "$java" $JAVA_OPTS -jar "$jar" convert "$work/day" --out "$work/out" --quiet >/dev/null; } 2>&1 | tail -1)
  read -r cwall cuser csys <<<"$t"
  # each run its own copy of the day set, renamed, so the app sees new files (and new bytes: one
  # byte of the header's fraction differs per run)
  mkdir -p "$work/stage$r"
  python3 - "$work/day" "$work/stage$r" "$r" <<'PY'
import os, sys
src, out, r = sys.argv[1], sys.argv[2], int(sys.argv[3])
for name in os.listdir(src):
    b = bytearray(open(os.path.join(src, name), "rb").read())
    b[19] = r % 256  # last byte of the LabVIEW fraction: under a nanosecond
    base, ext = os.path.splitext(name)
    open(os.path.join(out, f"{base} r{r}{ext}"), "wb").write(b)
PY
  before=$(cpu_of "$pid")
  start=$(date +%s.%N)
  mv "$work/stage$r"/* inbox/
  want=$((2 * files * r))
  # every raw file and CSV in the archive, and nothing left to verify (the console's status)
  until [ "$(find archive -type f \( -name '*.dslog' -o -name '*.dsevents' -o -name '*.csv' \) -not -name '.*' 2>/dev/null | wc -l)" -ge "$want" ] &&
    [ "$(curl -s localhost:8080/api/status | python3 -c 'import json,sys; print(json.load(sys.stdin)["destinations"]["archive"]["backlog"])' 2>/dev/null)" = 0 ]; do sleep 0.2; done
  end=$(date +%s.%N)
  after=$(cpu_of "$pid")
  awall=$(echo "$end - $start" | bc)
  printf "run %d  convert: wall %6.2f s cpu %6.2f s   app inbox->verified archive: wall %6.2f s cpu %6.2f s   ratio %.1fx\n" \
    "$r" "$cwall" "$(echo "$cuser + $csys" | bc)" "$awall" "$(echo "$after - $before" | bc)" "$(echo "$awall / $cwall" | bc -l)"
done
echo "peak RSS of the app's JVM: $(($(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024)) MiB"
