#!/usr/bin/env bash
# Runs the JMH decoder benchmarks. Extra arguments go to JMH, e.g.:
#   bench/run-jmh.sh                      # everything, the settings in DecodeBenchmark
#   bench/run-jmh.sh decodeToCsv -f 2     # one benchmark, two forks
#   bench/run-jmh.sh -h                   # JMH's options
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile
cp=$(mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java -cp "target/test-classes:target/classes:$cp" org.openjdk.jmh.Main "${@:-DecodeBenchmark}"
