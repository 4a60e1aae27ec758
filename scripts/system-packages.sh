#!/usr/bin/env bash
# Installs what WeasyPrint and the tests need from Debian when the machine lacks it:
# libharfbuzz-subset0 (fast font subsetting), a CJK font (Chinese text), poppler-utils (pdftoppm,
# pdffonts for looking at PDFs), chromium (the browser test drives the Prefect UI with it),
# nginx (the test of the documented reverse proxy) and PostgreSQL 15 (the database tests).
# Idempotent.
set -euo pipefail

wanted=(libharfbuzz-subset0 fonts-noto-cjk poppler-utils chromium nginx)
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || wanted+=(postgresql)

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "lianjie needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]} (apt-get)…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# No service starts on install (nginx would take port 80): the tests start their own.
blocker=/usr/sbin/policy-rc.d
own_blocker=false
if [ ! -e "$blocker" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$blocker" && chmod +x "$blocker" && own_blocker=true
fi
trap 'if $own_blocker; then rm -f "$blocker"; fi' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
