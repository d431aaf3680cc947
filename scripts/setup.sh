#!/usr/bin/env bash
# Installs what Showdown needs on Debian 12 (as root, or with sudo) and builds it.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake make pkg-config git ccache bubblewrap
          libcurl4-openssl-dev libcpp-httplib-dev nlohmann-json3-dev libcli11-dev
          libtomlplusplus-dev libsqlite3-dev libgtest-dev libgmock-dev libbenchmark-dev
          nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
