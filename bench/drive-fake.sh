#!/usr/bin/env bash
# The Drive intake against the fake Drive v3 server (loopback, real Google client): complete listings
# of N files in 11 folders, then 1,000 downloads with MD5 check into landing.
#   bench/drive-fake.sh [N] [BYTES]      defaults: 5000 files of 102400 bytes
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile
cp=$(mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java -Xmx1g -cp "target/test-classes:target/classes:$cp" dev.caravan.bench.DriveIntakeBench "$@"
