#!/usr/bin/env bash
# The decoders fuzzed for real (Jazzer, coverage-guided, libFuzzer), each for MINUTES, in a JVM held
# to a small heap: a reader that believed a length word and allocated for it would stop here with an
# OutOfMemoryError, reported as a finding. The targets are DslogFuzzTest's checks on a classpath of
# the decoders alone (dev.caravan.dslog.FuzzTarget), seeded with DslogFuzzTest's inputs.
#
#   bench/fuzz.sh [MINUTES] [TARGETS...]     (default: 5 dslog dsevents wpilog)   HEAP=128m
#
# Prints each target's runs and coverage; a finding is written to target/fuzz/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-5}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(dslog dsevents wpilog)
heap=${HEAP:-128m}
mvn -B -q test-compile -Djacoco.skip=true
# the decoders, the checks and Jazzer: not the whole test classpath (Jazzer scans it all for hooks
# and runs out of memory on it)
m2=${MAVEN_REPO:-$HOME/.m2/repository}
version=$(grep -oP '(?<=<jazzer.version>)[^<]+' pom.xml)
jar() { find "$m2/$1" -name "$2-[0-9]*.jar" ! -name "*sources*" | sort -V | tail -1; }
cp="target/classes:target/test-classes"
cp="$cp:$m2/com/code-intelligence/jazzer/$version/jazzer-$version.jar"
cp="$cp:$m2/com/code-intelligence/jazzer-api/$version/jazzer-api-$version.jar"
for a in org/assertj:assertj-core net/bytebuddy:byte-buddy org/apache/commons/commons-csv:commons-csv \
  commons-io/commons-io:commons-io commons-codec/commons-codec:commons-codec; do
  cp="$cp:$(jar "${a%%:*}" "${a##*:}")"
done
seeds=src/test/resources/dev/caravan/dslog/DslogFuzzTestInputs
status=0
for t in "${targets[@]}"; do
  out=target/fuzz/$t
  rm -rf "$out" && mkdir -p "$out/corpus"
  [ -d "$seeds/$t" ] && cp "$seeds/$t"/* "$out/corpus/" 2>/dev/null || true
  log=target/fuzz/$t.log
  start=$(date +%s)
  if java -Xmx"$heap" -Dcaravan.fuzz.kind="$t" -cp "$cp" com.code_intelligence.jazzer.Jazzer \
      --target_class=dev.caravan.dslog.FuzzTarget --instrumentation_includes='dev.caravan.**' \
      --reproducer_path="$out" -max_total_time=$((minutes * 60)) -artifact_prefix="$out/" \
      "$out/corpus" >"$log" 2>&1; then
    outcome=ok
  else
    outcome="FINDING (see $log)"
    status=1
  fi
  runs=$(grep -aoE "Done [0-9]+ runs in [0-9]+ second" "$log" | tail -1 || true)
  cov=$(grep -aoE "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+" "$log" | tail -1 || true)
  echo "$t: $outcome; ${runs:-no run count}; $cov; heap $heap; $(( $(date +%s) - start )) s"
done
exit $status
