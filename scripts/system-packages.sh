#!/usr/bin/env bash
# Installs what WeasyPrint and the tests need from Debian when the machine lacks it:
# libharfbuzz-subset0 (fast font subsetting), a CJK font (Chinese text), poppler-utils (pdftoppm,
# pdffonts for looking at PDFs), chromium (the browser test drives the Prefect UI with it) and
# PostgreSQL 15 (the database tests). Idempotent.
set -euo pipefail

wanted=(libharfbuzz-subset0 fonts-noto-cjk poppler-utils chromium)
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
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
