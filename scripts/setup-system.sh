#!/usr/bin/env bash
# Installs what the cockpit's tests need from Debian and makes sure the
# database services they use are running. Safe to run again; does nothing
# that is already done. Needs root for apt-get and for starting services.
set -euo pipefail

packages=(make chromium chromium-driver fonts-wqy-microhei poppler-utils python3-venv)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}; run as root: apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL and MariaDB: the tests run every query on both (and on SQLite).
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
if command -v mariadb-admin >/dev/null && ! mariadb-admin -uroot -h 127.0.0.1 ping >/dev/null 2>&1; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
for _ in $(seq 1 60); do
  pg_ok=1; my_ok=1
  command -v pg_isready >/dev/null && { pg_isready -q -h 127.0.0.1 -p 5432 || pg_ok=0; }
  command -v mariadb-admin >/dev/null && { mariadb-admin -uroot -h 127.0.0.1 ping >/dev/null 2>&1 || my_ok=0; }
  if [ "$pg_ok" = 1 ] && [ "$my_ok" = 1 ]; then exit 0; fi
  sleep 1
done
echo "PostgreSQL or MariaDB did not come up on 127.0.0.1" >&2
exit 1
