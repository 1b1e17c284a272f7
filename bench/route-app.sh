#!/usr/bin/env bash
# End to end through the route application: N small DS logs (3,100-byte variants of a sample) copied
# into the inbox of a running jar, timed until every raw file and its CSV is verified in the archive.
#   bench/route-app.sh [N]        (default 1000)
#   bench/route-app.sh samples    the bundled samples (4 .dslog + 2 .dsevents, 1.7 MB, 32,078 records/events)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
[ -f target/caravan.jar ] || mvn -B -q package -DskipTests
jar=$(pwd)/target/caravan.jar
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; cp "$work/app.log" /tmp/route-app-last.log; rm -rf "$work"' EXIT
mkdir -p "$work/inbox" "$work/staging"
if [ "$n" = samples ]; then
  cp samples/orangelight_DSLOG-Reader/* "$work/staging/"
  n=6
else
python3 - "$work/staging" "$n" <<'PY'
import sys
src = open("samples/orangelight_DSLOG-Reader/2022_02_28 21_49_43 Mon.dslog", "rb").read()
out, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    b = bytearray(src)
    b[20 + 14 * 5 + 4] = i % 256          # CPU byte of record 5
    b[20 + 14 * 6 + 4] = (i // 256) % 256  # and of record 6: every file distinct
    open(f"{out}/f{i:05d}.dslog", "wb").write(b)
PY
fi
cd "$work"
CARAVAN_INTAKE_MIN_AGE=200 CARAVAN_INTAKE_POLL_INTERVAL=200 \
  CAMEL_MANAGEMENT_ENABLED=false java ${JAVA_OPTS:-} -jar "$jar" > app.log 2>&1 &
pid=$!
until grep -q "Apache Camel .* started" app.log; do sleep 0.2; done
start=$(date +%s.%N)
mv staging/* inbox/
# the raw files and their CSVs (the insight's summaries and day reports are counted apart)
until [ "$(find archive -type f \( -name '*.dslog' -o -name '*.dsevents' -o -name '*.csv' \) -not -name '.*' 2>/dev/null | wc -l)" -ge $((2 * n)) ]; do sleep 0.2; done
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc)
echo "$n files (raw + CSV each, verified) in $secs s: $(echo "scale=1; $n / $secs" | bc) files/s"
grep "\[caravan\]" app.log | tail -3 | cut -c1-160
echo "peak RSS of the JVM: $(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 )) MiB (JAVA_OPTS: ${JAVA_OPTS:-none})"
