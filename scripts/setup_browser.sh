#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/browser/), only when it is missing.
# playwright-core drives it with executablePath /usr/bin/chromium; no browser is downloaded by npm.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "== chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi
echo "== chromium (Debian package, for the browser tests)"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: /usr/bin/chromium is missing and this is not root: run 'apt-get install -y chromium' as root" >&2; exit 2
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium
