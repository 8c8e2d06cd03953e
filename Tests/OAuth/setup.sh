#!/usr/bin/env bash
# Installs the test authorization server (Glewlwyd, from Debian) and the small tools
# the scripts here use. Run as root; safe to run again (does nothing when all is present).
set -euo pipefail

need=(glewlwyd rnbyc jq curl sqlite3 openssl)
missing=()
for c in "${need[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all present (glewlwyd $(glewlwyd --version 2>&1 | head -1))"
  exit 0
fi
echo "setup: installing for: ${missing[*]}"

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: must run as root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# The package would otherwise write /etc/glewlwyd/glewlwyd.conf and set up a system
# database through dbconfig (and, with dbconfig-mysql, pull in a MariaDB client).
# We run our own instance with our own config and SQLite file, so ask for neither.
echo "glewlwyd glewlwyd/config_type select No configuration" | debconf-set-selections

apt_get() { apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"; }

if ! apt-cache policy glewlwyd 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  apt-get update -q
fi
pkgs=(glewlwyd rnbyc jq curl sqlite3 openssl ca-certificates)
if ! dpkg -s dbconfig-mysql >/dev/null 2>&1 && ! dpkg -s dbconfig-sqlite3 >/dev/null 2>&1 \
   && ! dpkg -s dbconfig-pgsql >/dev/null 2>&1; then
  pkgs+=(dbconfig-no-thanks)
fi
# Keep the package's postinst from starting a system-wide glewlwyd (0.0.0.0:4593): a
# temporary policy-rc.d says "no service starts", unless the machine already has one.
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  made_policy=1
fi
cleanup() { if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT
if ! apt_get install --no-install-recommends "${pkgs[@]}"; then
  apt-get update -q
  apt_get install --no-install-recommends "${pkgs[@]}"
fi

for c in "${need[@]}"; do
  command -v "$c" >/dev/null 2>&1 || { echo "setup: $c still missing" >&2; exit 1; }
done
echo "setup: done (glewlwyd $(glewlwyd --version 2>&1 | head -1))"
