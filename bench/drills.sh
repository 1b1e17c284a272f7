#!/usr/bin/env bash
# The fault drills of src/test/java/dev/caravan/app/DrillsTest.java at full size (mvn verify runs them
# small): 1,000 files, 20 x kill -9, the SFTP server down and S3 answering 503 for 60 s, PostgreSQL
# stopped for 30 s, the landing disk full. Needs root (the full disks are real tmpfs mounts).
#
#   bench/drills.sh [FILES] [KILLS] [OUTAGE_SECONDS] [DB_DOWN_SECONDS]
#
# Prints each drill's figures (also in target/drills/*.txt). A drill that loses or duplicates a file
# fails like the test it is.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-1000}
kills=${2:-20}
outage=${3:-60}
down=${4:-30}
rm -rf target/drills && mkdir -p target
start=$(date +%s)
mvn -B -q verify -Djacoco.skip=true -Dit.test=NONE -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dtest=DrillsTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcaravan.drill.files="$files" -Dcaravan.drill.kills="$kills" \
  -Dcaravan.drill.outage-seconds="$outage" -Dcaravan.drill.db-down-seconds="$down" \
  > target/drills.log 2>&1 || { tail -n 60 target/drills.log; echo "a drill failed: target/drills.log"; exit 1; }
echo "drills: files=$files kills=$kills outage=${outage}s db-down=${down}s, $(( $(date +%s) - start )) s in all"
for f in target/drills/*.txt; do
  echo "== $(basename "$f" .txt)"
  cat "$f"
done
