#!/usr/bin/env bash
# Caravan (intake -> SFTP, intake -> S3, each with read-back verification) side by side with
# `rclone copy` (no verification) of the same files to the same servers, in the same run:
#   OpenSSH sshd on 127.0.0.1:2222, key auth, login "caravanbench" (made if missing) with /bin/sh,
#     so Caravan verifies with sha256sum on the server; BENCH_SFTP_SHELL=no forces internal-sftp
#     (no shell: Caravan reads every copy back over SFTP)
#   S3Proxy on a free loopback port (filesystem backend)
# Sets: 1,000 x 100 KiB and 10 x 50 MiB random files. Caravan runs with -Xmx256m. It is a service, so
# it is timed warm: BENCH_WARMUP (default 200) other small files go through it first, untimed;
# BENCH_WARMUP=0 times a cold JVM (JIT compilation then takes much of the two cores).
# JAVA=/path/to/bin/java runs the app on another JDK, JAVA_OPTS adds options (e.g. an AOT cache).
#   bench/fanout-vs-rclone.sh [SETS] [DESTINATIONS]   defaults: "small large" "sftp s3"
#   (installs openssh-server and rclone from Debian if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
[ -f target/caravan.jar ] || mvn -B -q package -DskipTests
[ -f target/s3proxy/s3proxy.jar ] || mvn -B -q generate-test-resources
if ! command -v rclone >/dev/null || [ ! -x /usr/sbin/sshd ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server rclone
fi
unset AWS_CA_BUNDLE # breaks rclone's S3 backend here

# the SFTP login: a plain account with a plain shell, as on a lab's server (root's shell here runs
# a slow .bashrc at every command); StrictModes is off, so its home may be anywhere
user=caravanbench home=/var/tmp/caravanbench-home
if ! id "$user" >/dev/null 2>&1; then
  useradd -m -d "$home" -s /bin/sh "$user"
  usermod -p '*' "$user" # no password, but not locked: sshd refuses locked accounts without PAM
fi
work=$(mktemp -d /var/tmp/caravan-bench.XXXXXX)
chmod 755 "$work"
remote=$(basename "$work") # the SFTP folder of this run, under the login (home) folder
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; mkdir -p /tmp/bench-logs; for d in "$work"/caravan-*/; do cp "$d/app.log" "/tmp/bench-logs/$(basename "$d").log" 2>/dev/null || true; done; cp "$work"/ssh/sshd.log /tmp/bench-logs/ 2>/dev/null || true; rm -rf "$work" "${home:?}/$remote"; }
trap cleanup EXIT

# --- OpenSSH
# every run writes to its own folder in the login (home) folder, removed at the end: files left by an
# earlier run would make Caravan probe and read back numbered names, and rclone skip what it copied
mkdir -p /run/sshd "$work/ssh"
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/host" 
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/client"
cp "$work/ssh/client.pub" "$work/ssh/authorized_keys"
cat > "$work/ssh/sshd_config" <<CFG
ListenAddress 127.0.0.1
Port 2222
HostKey $work/ssh/host
PidFile $work/ssh/sshd.pid
AuthorizedKeysFile $work/ssh/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
MaxStartups 100:30:200
CFG
[ "${BENCH_SFTP_SHELL:-yes}" = no ] && echo "ForceCommand internal-sftp" >> "$work/ssh/sshd_config"
/usr/sbin/sshd -D -e -f "$work/ssh/sshd_config" 2> "$work/ssh/sshd.log" &
pids+=($!)
echo "[127.0.0.1]:2222 $(cut -d' ' -f1,2 "$work/ssh/host.pub")" > "$work/ssh/known_hosts"

# --- S3Proxy
s3port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/s3data/bench"
cat > "$work/s3proxy.properties" <<CFG
s3proxy.endpoint=http://127.0.0.1:$s3port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3data
CFG
java -Xmx512m -jar target/s3proxy/s3proxy.jar --properties "$work/s3proxy.properties" > "$work/s3proxy.log" 2>&1 &
pids+=($!)
until (echo > /dev/tcp/127.0.0.1/$s3port) 2>/dev/null; do sleep 0.2; done
until (echo > /dev/tcp/127.0.0.1/2222) 2>/dev/null; do sleep 0.1; done

# --- the files
python3 - "$work" <<'PY'
import os, sys
w = sys.argv[1]
os.makedirs(f"{w}/small", exist_ok=True); os.makedirs(f"{w}/large", exist_ok=True)
for i in range(int(os.environ.get("BENCH_SMALL", "1000"))):
    open(f"{w}/small/s{i:04d}.bin", "wb").write(os.urandom(100 * 1024))
os.makedirs(f"{w}/warm", exist_ok=True)
for i in range(int(os.environ.get("BENCH_WARMUP", "200"))):
    open(f"{w}/warm/w{i:04d}.bin", "wb").write(os.urandom(100 * 1024))
for i in range(10):
    open(f"{w}/large/l{i:02d}.bin", "wb").write(os.urandom(50 * 1024 * 1024))
PY

export RCLONE_CONFIG_SFTPB_TYPE=sftp RCLONE_CONFIG_SFTPB_HOST=127.0.0.1 RCLONE_CONFIG_SFTPB_PORT=2222 \
  RCLONE_CONFIG_SFTPB_USER=$user RCLONE_CONFIG_SFTPB_KEY_FILE="$work/ssh/client" \
  RCLONE_CONFIG_SFTPB_KNOWN_HOSTS_FILE="$work/ssh/known_hosts"
# rclone checks each SFTP copy with md5sum on the server (it needs a shell there: with
# BENCH_SFTP_SHELL=no it cannot, and says so); RCLONE_CONFIG_SFTPB_DISABLE_HASHCHECK=true turns that
# off. On S3 it always checks: a HEAD after each PUT, the ETag compared with the file's MD5.
export RCLONE_CONFIG_S3B_TYPE=s3 RCLONE_CONFIG_S3B_PROVIDER=Other RCLONE_CONFIG_S3B_ENDPOINT=http://127.0.0.1:$s3port \
  RCLONE_CONFIG_S3B_ACCESS_KEY_ID=bench RCLONE_CONFIG_S3B_SECRET_ACCESS_KEY=bench-secret RCLONE_CONFIG_S3B_FORCE_PATH_STYLE=true

now() { date +%s.%N; }
report() { # name set seconds files bytes
  printf '%-34s %-6s %8.2f s %8.1f files/s %8.1f MiB/s\n' "$1" "$2" "$3" "$(echo "$4 / $3" | bc -l)" "$(echo "$5 / 1048576 / $3" | bc -l)"
}

wait_verified() { # destination dir count
  until [ "$(grep -c -- "-> $1 verified" "$2/app.log")" -ge "$3" ]; do
    grep -q "QUARANTINED" "$2/app.log" && { echo "quarantined deliveries, see $2/app.log"; tail -5 "$2/app.log"; exit 1; }
    sleep 0.05
  done
}

# CPU seconds used by processes (their own and their reaped children's), by the servers (the sshd
# listener and its sessions with the commands they ran, S3Proxy), and by this script's reaped children
cpu_of() { # pid...
  local tick; tick=$(getconf CLK_TCK)
  for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null; done | awk -v t="$tick" '{s += $14 + $15 + $16 + $17} END {printf "%.2f", s / t}'
}
server_cpu() { # remote or destination: sshd or S3Proxy
  case "$1" in sftp*) cpu_of $(pgrep sshd) ;; *) cpu_of $(pgrep -f s3proxy.jar) ;; esac
}
# (`times` in this shell, not in a $(…) subshell, which has children of its own)
children_cpu() { tail -1 "$1" | awk '{split($1, u, /[ms]/); split($2, y, /[ms]/); printf "%.2f", u[1] * 60 + u[2] + y[1] * 60 + y[2]}'; }
cpu_line() { # client server wall files: both cores are shared by clients and servers, so CPU is the budget
  for v in "$1" "$2"; do
    if [ "$(echo "$v < 0" | bc)" = 1 ]; then echo "   CPU accounting error: $v s (a process was missed)"; exit 1; fi
  done
  printf '   CPU: client %.2f s (%.2f ms/file), server %.2f s (%.2f ms/file), together %.2f of the 2 cores\n' \
    "$1" "$(echo "1000 * $1 / $4" | bc -l)" "$2" "$(echo "1000 * $2 / $4" | bc -l)" "$(echo "($1 + $2) / $3" | bc -l)"
}

# BENCH_PROFILE=1: CPU seconds used during the timed part, per JVM thread (jstack) and by the
# servers' processes (sshd sessions with the commands they ran, S3Proxy), in /tmp/bench-logs
cpu_snapshot() { # jvm-pid before|after name
  jstack "$java_pid" > "/tmp/bench-logs/jstack-$3-$2.txt"
  for p in $(pgrep sshd) $(pgrep -f s3proxy.jar) "$java_pid"; do
    [ -r "/proc/$p/stat" ] && echo "$p $(awk '{print $2}' "/proc/$p/stat") $(cpu_of "$p")"
  done > "/tmp/bench-logs/procs-$3-$2.txt"
}

# a service between two bursts of files: the JIT compilers finish the work the warm-up gave them
# (with both cores busy they fall far behind); waits until they used < 50 ms CPU in a second, 60 s at most
jit_ticks() { # CPU clock ticks of the JVM's JIT compiler threads (all live as long as the JVM: see its flags)
  local sum=0
  for t in /proc/"$java_pid"/task/*; do
    if grep -q '^C[12] CompilerThre' "$t/comm" 2>/dev/null; then sum=$((sum + $(awk '{print $14 + $15}' "$t/stat"))); fi
  done
  echo "$sum"
}
settle_jit() {
  local last=-1 now_cpu
  for _ in $(seq 60); do
    now_cpu=$(jit_ticks)
    [ "$last" -ge 0 ] && [ $((now_cpu - last)) -lt 5 ] && break
    last=$now_cpu
    sleep 1
  done
}

caravan() { # destination set
  local dest=$1 set=$2 dir="$work/caravan-$1-$2"
  mkdir -p "$dir/inbox"
  local n; n=$(ls "$work/$set" | wc -l)
  (cd "$dir" && exec env CARAVAN_DESTINATIONS="$dest" CARAVAN_INTAKE_MIN_AGE=200 CARAVAN_INTAKE_CHECK_INTERVAL=100 \
    CARAVAN_INTAKE_POLL_INTERVAL=200 CARAVAN_DELIVER_POLL_INTERVAL=100 CAMEL_MANAGEMENT_ENABLED=false \
    CARAVAN_SFTP_ENABLED=true CARAVAN_SFTP_HOST=127.0.0.1 CARAVAN_SFTP_PORT=2222 CARAVAN_SFTP_USER=$user \
    CARAVAN_SFTP_PRIVATE_KEY="$work/ssh/client" CARAVAN_SFTP_KNOWN_HOSTS="$work/ssh/known_hosts" \
    CARAVAN_SFTP_BASE="$remote/caravan-$set" \
    CARAVAN_S3_ENABLED=true CARAVAN_S3_ENDPOINT=http://127.0.0.1:$s3port CARAVAN_S3_BUCKET=bench \
    CARAVAN_S3_PREFIX="caravan-$set" CARAVAN_S3_PATH_STYLE=true CARAVAN_S3_ACCESS_KEY=bench \
    CARAVAN_S3_SECRET_KEY=bench-secret CARAVAN_S3_PART_SIZE=16777216 \
    "${JAVA:-java}" -Xmx256m -XX:-UseDynamicNumberOfCompilerThreads ${JAVA_OPTS:-} -jar "$root/target/caravan.jar" > app.log 2>&1) &
  local pid=$! # env execs java: this is the JVM
  pids+=("$pid") # stopped by cleanup too, whichever way the script ends
  until grep -q "Consumer started: file://inbox" "$dir/app.log" 2>/dev/null; do sleep 0.1; done
  [ "$(cat /proc/$pid/comm)" = java ] || { echo "the app's pid $pid is not the JVM"; exit 1; }
  java_pid=$pid
  local warm; warm=$(ls "$work/warm" | wc -l)
  if [ "$warm" -gt 0 ]; then
    cp "$work/warm"/* "$dir/inbox/"
    wait_verified "$dest" "$dir" "$warm"
    settle_jit
  fi
  [ -n "${BENCH_PROFILE:-}" ] && cpu_snapshot "$pid" before "$dest-$set"
  local s0 j0 c0; s0=$(server_cpu "$dest"); j0=$(cpu_of "$pid"); c0=$(jit_ticks)
  local t0; t0=$(now)
  cp "$work/$set"/* "$dir/inbox/"
  wait_verified "$dest" "$dir" $((warm + n))
  local t1; t1=$(now)
  local s1 j1 c1; s1=$(server_cpu "$dest"); j1=$(cpu_of "$pid"); c1=$(jit_ticks)
  [ -n "${BENCH_PROFILE:-}" ] && cpu_snapshot "$pid" after "$dest-$set"
  local rss; rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill $pid; wait $pid || true
  local secs; secs=$(echo "$t1 - $t0" | bc -l)
  report "caravan -> $dest (verified)" "$set" "$secs" "$n" "$(du -sb "$work/$set" | cut -f1)"
  echo "   peak RSS of the JVM: $((rss / 1024)) MiB"
  cpu_line "$(echo "$j1 - $j0" | bc -l)" "$(echo "$s1 - $s0" | bc -l)" "$secs" "$n"
  # of the client's CPU, the JIT compiling code the burst made hot: paid once per JVM, not per file
  # (C2 compiles a method after thousands of calls; the 1,000 files are the first to reach that)
  local jit; jit=$(echo "($c1 - $c0) / $(getconf CLK_TCK)" | bc -l)
  if [ "$(echo "$jit < 0" | bc)" = 1 ]; then echo "   CPU accounting error: JIT $jit s (a compiler thread ended)"; exit 1; fi
  printf '   of the client CPU, the JIT compiler: %.2f s (%.2f ms/file); the rest: %.2f ms/file\n' \
    "$jit" "$(echo "1000 * $jit / $n" | bc -l)" "$(echo "1000 * ($j1 - $j0 - $jit) / $n" | bc -l)"
  printf '   ratio to rclone verified: %.2f (files/s over files/s, same run)\n' "$(echo "$rclone_secs / $secs" | bc -l)"
}

rclone_copy() { # remote set label [VAR=value...]: the set copied to its own folder, timed
  local remote=$1 set=$2 label=$3 tag; shift 3
  tag=$(echo "$label" | tr -c 'a-z\n' '-')
  local n; n=$(ls "$work/$set" | wc -l)
  local s0; s0=$(server_cpu "$remote"); times > "$work/times-before"
  local t0; t0=$(now)
  env "$@" rclone copy --transfers 4 "$work/$set" "${remote}rclone-$set-$tag"
  local t1; t1=$(now)
  times > "$work/times-after"
  local secs; secs=$(echo "$t1 - $t0" | bc -l)
  report "rclone -> ${remote%%:*} ($label)" "$set" "$secs" "$n" "$(du -sb "$work/$set" | cut -f1)"
  cpu_line "$(echo "$(children_cpu "$work/times-after") - $(children_cpu "$work/times-before")" | bc -l)" "$(echo "$(server_cpu "$remote") - $s0" | bc -l)" "$secs" "$n"
  last_rclone_secs=$secs
}

for set in ${1:-small large}; do
  for dest in ${2:-sftp s3}; do
    if [ "$dest" = sftp ]; then
      # the main figure: verified against verified; then rclone without its check
      rclone_copy "sftpb:$remote/" "$set" "md5sum checked"
      rclone_secs=$last_rclone_secs
      rclone_copy "sftpb:$remote/" "$set" "no check" RCLONE_CONFIG_SFTPB_DISABLE_HASHCHECK=true
    else
      rclone_copy s3b:bench/ "$set" "ETag checked"
      rclone_secs=$last_rclone_secs
    fi
    caravan "$dest" "$set"
  done
done
