#!/usr/bin/env bash
# The decoders' fuzz tests for real (Jazzer, coverage-guided), each for its maxDuration in
# DslogFuzzTest (5 minutes), in a JVM held to a small heap: a reader that believed a length word and
# allocated for it would stop here with an OutOfMemoryError, reported as a finding.
#
#   bench/fuzz.sh [TARGETS...]      (default: dslog dsevents wpilog)   HEAP=128m to change the heap
#
# Prints each target's runs and outcome; findings land in
# src/test/resources/dev/caravan/dslog/DslogFuzzTestInputs/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(dslog dsevents wpilog)
heap=${HEAP:-128m}
mkdir -p target
status=0
for t in "${targets[@]}"; do
  log=target/fuzz-$t.log
  start=$(date +%s)
  if JAZZER_FUZZ=1 mvn -B verify -Djacoco.skip=true -Dit.test=NONE -Dfailsafe.failIfNoSpecifiedTests=false \
      -Dtest="DslogFuzzTest#$t" -Dsurefire.failIfNoSpecifiedTests=false -DargLine="-Xmx$heap" >"$log" 2>&1; then
    outcome=ok
  else
    outcome="FINDING (see $log)"
    status=1
  fi
  runs=$(grep -aoE "Done [0-9]+ runs in [0-9]+ second" "$log" | tail -1 || true)
  cov=$(grep -aoE "#[0-9]+[[:space:]]+(DONE|pulse)[[:space:]]+cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+" "$log" | tail -1 || true)
  echo "$t: $outcome; ${runs:-no run count}; $cov; heap $heap; $(( $(date +%s) - start )) s"
done
exit $status
