#!/usr/bin/env bash
# Make sure LibreOffice (headless `soffice`) is on this machine for the slow test that opens the
# spreadsheets ldcli writes (tests/cli/test_spreadsheets.py: an xlsx and an --excel CSV converted with
# `soffice --headless --convert-to`); install Debian's package when missing and we are root. Without
# it that test is skipped, unless LDCLI_REQUIRE_OFFICE is set (CI sets it). Never fails the build
# where there is no apt-get.
set -euo pipefail
if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing LibreOffice Calc (apt-get) for the spreadsheet round-trip test" >&2
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; then
    exit 0
  fi
  echo "could not install LibreOffice: the spreadsheet round-trip test will be skipped" >&2
  exit 0
fi
echo "no LibreOffice: the spreadsheet round-trip test will be skipped (install Debian's 'libreoffice-calc-nogui')" >&2
