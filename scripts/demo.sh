#!/usr/bin/env bash
# The README's first command: installs what is missing and builds (scripts/setup.sh),
# then runs the demo showdown and prints its report. Options go to `showdown demo`
# (--out DIR, --seed S, --parallel K).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh showdown
exec build/showdown demo "$@"
