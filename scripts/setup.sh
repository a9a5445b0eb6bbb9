#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine: npm packages, the engine's Maven
# artifacts and, where browser tests need it, Debian's Chromium. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: $1 not found: $2" >&2; exit 2; }; }
need node "install Node.js 20 or newer"
need java "install a JDK 17 or newer"
need mvn "install Apache Maven 3.8 or newer"

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then echo "error: Node.js $node_major found, 20 or newer needed" >&2; exit 2; fi

echo "== npm packages"
if [ "${CI:-}" = "true" ] || [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

echo "== engine launcher (Maven; the first run downloads OpenSearch 2.19.1 from Maven Central)"
(cd engine && mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt)

if [ -f scripts/setup_browser.sh ]; then
  bash scripts/setup_browser.sh
fi
echo "== setup done"
