#!/usr/bin/env bash
# Installs Caravan as a systemd service; idempotent, non-interactive.
#   deploy/install.sh [--jar FILE] [--no-start]
# DESTDIR=/some/root stages every file below that root instead (no user, no chown, no systemctl).
# Creates the caravan system user; installs the jar in /opt/caravan, config and routes in /etc/caravan
# (kept when already there: an operator's edits are never overwritten), an environment file for
# secrets (0600), the data folders in /var/lib/caravan, and the unit; then enables and starts it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
jar="$project/target/caravan.jar"
start=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --no-start) start=no; shift ;;
    *) echo "usage: $0 [--jar FILE] [--no-start]" >&2; exit 2 ;;
  esac
done
[ -f "$jar" ] || { echo "no jar at $jar: build it with 'mvn -B package -DskipTests' or pass --jar" >&2; exit 2; }
root="${DESTDIR:-}"

if [ -z "$root" ] && ! id caravan >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/caravan --shell /usr/sbin/nologin caravan
fi

install -d -m 0755 "$root/opt/caravan" "$root/etc/caravan" "$root/etc/caravan/routes" "$root/etc/systemd/system"
install -d -m 0750 "$root/var/lib/caravan" "$root/var/lib/caravan/inbox" "$root/var/lib/caravan/archive" "$root/var/lib/caravan/data"
install -m 0644 "$jar" "$root/opt/caravan/caravan.jar"
install -m 0644 "$here/caravan.service" "$root/etc/systemd/system/caravan.service"

# configuration and routes: only what is missing, so the operator's edits stay
if [ ! -e "$root/etc/caravan/application.properties" ]; then
  install -m 0644 "$project/config/application.properties" "$root/etc/caravan/application.properties"
fi
for r in "$project"/routes/*.camel.yaml; do
  if [ ! -e "$root/etc/caravan/routes/$(basename "$r")" ]; then
    install -m 0644 "$r" "$root/etc/caravan/routes/$(basename "$r")"
  else
    cmp -s "$r" "$root/etc/caravan/routes/$(basename "$r")" || echo "kept your edited routes/$(basename "$r") (the new one is $r)"
  fi
done
if [ ! -e "$root/etc/caravan/caravan.env" ]; then
  install -m 0600 /dev/null "$root/etc/caravan/caravan.env"
  cat > "$root/etc/caravan/caravan.env" <<'ENV'
# Secrets and overrides for Caravan, read by systemd (KEY=value, one a line). Mode 0600.
#CARAVAN_SFTP_PASSWORD=
#CARAVAN_S3_ACCESS_KEY=
#CARAVAN_S3_SECRET_KEY=
#CARAVAN_DRIVE_SERVICE_ACCOUNT_KEY=/etc/caravan/drive-key.json
#JAVA_OPTS=-Xmx128m
ENV
fi

if [ -z "$root" ]; then
  chown -R caravan:caravan /var/lib/caravan
  chown root:caravan /etc/caravan/caravan.env && chmod 0640 /etc/caravan/caravan.env
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    if [ "$start" = yes ]; then
      systemctl enable --now caravan.service
    else
      systemctl enable caravan.service
    fi
  else
    echo "systemd is not running here: start it with 'systemctl enable --now caravan' where it is"
  fi
fi
echo "installed Caravan in ${root:-/}: jar /opt/caravan, settings /etc/caravan, data /var/lib/caravan"
