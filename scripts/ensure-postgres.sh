#!/usr/bin/env bash
# Make sure PostgreSQL's server binaries (initdb, pg_ctl) are on this machine; install them with
# apt-get when missing and we are root. The test suite starts its own throwaway cluster with them.
set -euo pipefail
if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing PostgreSQL (apt-get) for the test suite" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  exit 0
fi
echo "PostgreSQL server binaries are missing: install the 'postgresql' package (Debian) and re-run" >&2
exit 1
