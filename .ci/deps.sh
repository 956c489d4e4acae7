#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when they are missing: headless Chromium for the
# browser tests, poppler-utils (pdftoppm, pdftotext) for reading rendered cards, and zbar-tools, the
# second QR reader for the few symbols gozxing cannot decode, and python3-openpyxl, a reader of the IPK
# report's XLSX that did not write it.
# CUPS and the cups-pdf printer are set up by .ci/cups.sh.
set -euo pipefail
need=()
for pkg in chromium poppler-utils fonts-dejavu-core zbar-tools python3-openpyxl; do
  # dpkg-query prints "install ok installed" only for a fully installed package.
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "deps: missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
