#!/usr/bin/env bash
# Make sure a headless Chromium is on this machine for the slow tests that print and screenshot the
# HTML pages (tests/cli/test_documents_browser.py); install Debian's package when missing and we are
# root. Without it those tests are skipped, unless LDCLI_REQUIRE_BROWSER is set (CI sets it).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Chromium (apt-get) for the browser tests" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "no headless Chromium: the browser tests will be skipped (install Debian's 'chromium' package)" >&2
