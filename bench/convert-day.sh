#!/usr/bin/env bash
# End to end: `caravan convert` on an event day's worth of logs (the orangelight samples copied N times,
# default 25 copies = 100 .dslog + 50 .dsevents, ~43 MB), from files on disk to CSV files on disk,
# RUNS times with the insight summaries (NAME.summary.json, the default) and RUNS times without
# (--no-summary), alternating so that both see the same machine. Wall time and the process's CPU
# (user + system, from the kernel's accounting of the finished child) per run.
#   bench/convert-day.sh [COPIES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-25}
runs=${2:-5}
[ -f target/caravan.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$copies"); do
  mkdir -p "$work/in/day$i"
  cp samples/orangelight_DSLOG-Reader/* "$work/in/day$i/"
done
echo "input: $(du -sh "$work/in" | cut -f1) in $(find "$work/in" -type f | wc -l) files"

# one run: wall and CPU seconds of the java process (GNU time: %e %U %S)
run() {
  local label=$1
  shift
  rm -rf "$work/out"
  local t
  t=$( { /usr/bin/time -f "%e %U %S" java -jar target/caravan.jar convert "$work/in" --out "$work/out" --quiet "$@" >/dev/null; } 2>&1 | tail -1)
  read -r wall user sys <<<"$t"
  printf "%-16s wall %6.2f s   cpu %6.2f s (user %.2f + sys %.2f)   summaries %s\n" \
    "$label" "$wall" "$(echo "$user + $sys" | bc)" "$user" "$sys" "$(find "$work/out" -name '*.summary.json' | wc -l)"
}
for r in $(seq 1 "$runs"); do
  run "with summary" 
  run "without" --no-summary
done
echo "output (last run): $(du -sh "$work/out" | cut -f1)"
