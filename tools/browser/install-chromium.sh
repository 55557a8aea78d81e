#!/usr/bin/env bash
# Debian's chromium for the report page's browser test (test/report-browser.test.ts):
# installed once with apt-get as root, then a no-op; never a browser download
# through playwright. Prints the binary's path.
set -euo pipefail
find_bin() { command -v chromium || command -v chromium-browser || true; }
bin=$(find_bin)
if [ -z "$bin" ]; then
  if [ "$(id -u)" != 0 ]; then echo "install-chromium: chromium is missing and this is not root: run 'apt-get install -y chromium' as root" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends chromium >&2 || { apt-get update >&2 && apt-get install -y --no-install-recommends chromium >&2; }
  bin=$(find_bin)
fi
[ -n "$bin" ] || { echo "install-chromium: chromium was installed but is not on PATH" >&2; exit 1; }
echo "$bin"
