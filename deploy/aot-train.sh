#!/usr/bin/env bash
# Makes an AOT cache for Caravan on Java 25 or later: a training run of the service that takes a
# batch of files from an inbox to the archive (logs decoded, every copy verified), then stops; the
# JVM writes what it loaded, linked and found hot into the cache. A service started with
# -XX:AOTCache=FILE then starts and warms up in about half the CPU (bench/README.md, "An AOT cache
# on Java 25"). The cache belongs to that java and that jar: make it again after an upgrade of
# either (a stale cache is ignored, with a warning, never used).
#   deploy/aot-train.sh JAR OUT [LOGS_DIR]
# LOGS_DIR: DS logs and other files to take in the training run (e.g. the project's samples/); 300
# small random files are taken as well. JAVA: the java to train (default java); JAVA_OPTS: its
# options (give the service the same heap settings). CAMEL_SERVER_PORT: the console's port during
# the run (default 8080, on loopback).
set -euo pipefail
jar=$(realpath "${1:?usage: $0 JAR OUT [LOGS_DIR]}")
out=$(realpath -m "${2:?usage: $0 JAR OUT [LOGS_DIR]}")
logs=${3:-}
java=${JAVA:-java}
work=$(mktemp -d "${TMPDIR:-/tmp}/caravan-aot.XXXXXX")
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

mkdir -p "$work/inbox" "$work/archive" "$work/data" "$work/staging"
if [ -n "$logs" ]; then
  find "$logs" -type f \( -name '*.dslog' -o -name '*.dsevents' -o -name '*.wpilog' \) \
    -exec cp {} "$work/staging/" \;
fi
for i in $(seq -w 1 300); do
  head -c 4096 /dev/urandom > "$work/staging/train-$i.bin"
done
(cd "$work/staging" && ls) | sort > "$work/want"

rm -f "$out"
(cd "$work" && exec env CARAVAN_INBOX="$work/inbox" CARAVAN_ARCHIVE="$work/archive" \
  CARAVAN_DATA="$work/data" CAMEL_SERVER_HOST=127.0.0.1 \
  CAMEL_SERVER_PORT="${CAMEL_SERVER_PORT:-8080}" \
  "$java" ${JAVA_OPTS:-} -XX:AOTCacheOutput="$out" -jar "$jar" run > "$work/app.log" 2>&1) &
pid=$!
for _ in $(seq 600); do
  grep -q "Consumer started: file://" "$work/app.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/app.log" >&2; echo "the training run ended at its start" >&2; exit 1; }
  sleep 0.1
done
mv "$work/staging"/* "$work/inbox/"

# every file's copy in the archive, then until the archive stops growing (the decoded CSVs)
deadline=$((SECONDS + 600))
until [ -z "$(find "$work/archive" -type f -printf '%f\n' | sort -u | comm -23 "$work/want" -)" ]; do
  [ $SECONDS -lt $deadline ] || { tail -50 "$work/app.log" >&2; echo "training: files not archived in 600 s" >&2; exit 1; }
  sleep 0.5
done
last=-1
while :; do
  now=$(find "$work/archive" -type f | wc -l)
  [ "$now" = "$last" ] && break
  last=$now
  sleep 3
done

kill -TERM "$pid"
wait "$pid" || true # 143: stopped by the SIGTERM, as asked
pid=
if [ ! -s "$out" ]; then
  tail -50 "$work/app.log" >&2
  echo "no AOT cache written to $out (is $java version 25 or later?)" >&2
  exit 1
fi
echo "AOT cache: $out ($(du -h "$out" | cut -f1)), trained on $(wc -l < "$work/want") files, $("$java" -version 2>&1 | head -1)"
