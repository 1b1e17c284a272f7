#!/usr/bin/env bash
# End to end: `caravan convert` on an event day's worth of logs (the bundled samples copied N times,
# default 25 copies = 100 .dslog + 50 .dsevents, ~43 MB), from files on disk to CSV files on disk.
#   bench/convert-day.sh [COPIES]
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-25}
[ -f target/caravan.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$copies"); do
  mkdir -p "$work/in/day$i"
  cp samples/orangelight_DSLOG-Reader/* "$work/in/day$i/"
done
echo "input: $(du -sh "$work/in" | cut -f1) in $(find "$work/in" -type f | wc -l) files"
start=$(date +%s.%N)
java -jar target/caravan.jar convert "$work/in" --out "$work/out" --quiet
end=$(date +%s.%N)
echo "output: $(du -sh "$work/out" | cut -f1)"
echo "wall time: $(echo "$end - $start" | bc) s (JVM start included)"
