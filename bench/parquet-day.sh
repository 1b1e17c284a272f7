#!/usr/bin/env bash
# Records into Parquet beside `caravan convert`'s CSV, on the day set of bench/day-inbox.sh (the
# orangelight samples copied COPIES times, default 25: 150 files, 801,950 records and events), in the
# same run: `convert` (CSV and summaries), then `convert --parquet` (the same, and each CSV as typed
# zstd Parquet through DuckDB). Wall, CPU (user+sys) and peak RSS from GNU time, JVM start included;
# the Parquet step alone is the difference. At JAVA_OPTS (default -Xmx256m).
#   bench/parquet-day.sh [COPIES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-25}
runs=${2:-3}
export JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
java=${JAVA:-java}
[ -f target/caravan.jar ] || mvn -B -q package -DskipTests
jar=$(pwd)/target/caravan.jar
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/day-set.py "$work/day" "$copies" samples/orangelight_DSLOG-Reader
echo "day set: $(find "$work/day" -type f | wc -l) files, $(du -sb "$work/day" | cut -f1) bytes; $("$java" -version 2>&1 | head -1), JAVA_OPTS=$JAVA_OPTS"
run() { # label, the output files counted, convert's extra arguments
  rm -rf "$work/out"
  local t records
  t=$( { /usr/bin/time -f "%e %U %S %M" "$java" $JAVA_OPTS -jar "$jar" convert "$work/day" --out "$work/out" --quiet "${@:3}" > "$work/convert.out"; } 2>&1 | tail -1)
  records=$(grep -o '[0-9]* records/events' "$work/convert.out" | cut -d' ' -f1)
  read -r wall user sys rss <<<"$t"
  printf "  %-18s wall %6.2f s  cpu %6.2f s  peak RSS %4d MiB  %s records, %.0f records/s  %s: %s bytes\n" \
    "$1" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$records" "$(echo "$records / $wall" | bc -l)" "$2" \
    "$(find "$work/out" -name "$2" -type f -printf '%s\n' | awk '{s += $1} END {print s}')"
  echo "$wall $(echo "$user + $sys" | bc)" > "$work/$1.t"
}
for r in $(seq 1 "$runs"); do
  echo "run $r"
  run csv '*.csv'
  run csv+parquet '*.parquet' --parquet
  read -r cw cc < "$work/csv.t"
  read -r pw pc < "$work/csv+parquet.t"
  printf "  the Parquet step alone: wall %.2f s, cpu %.2f s; CSV alone (all of convert): wall %.2f s\n" \
    "$(echo "$pw - $cw" | bc)" "$(echo "$pc - $cc" | bc)" "$cw"
done
