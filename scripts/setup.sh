#!/usr/bin/env bash
# Installs what Showdown needs on Debian 12 (as root, or with sudo) and builds it:
# everything, or the targets named (scripts/setup.sh showdown).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake make pkg-config git ccache bubblewrap util-linux chromium
          libcurl4-openssl-dev libcpp-httplib-dev nlohmann-json3-dev libcli11-dev
          libtomlplusplus-dev libsqlite3-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Playwright MCP for the bundled task's screenshots, with Debian's chromium
# (never a browser download of its own).
if [ ! -x tasks/tag-manager/mcp/node_modules/.bin/playwright-mcp ]; then
  (cd tasks/tag-manager/mcp &&
   PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" ${1:+--target "$@"}
