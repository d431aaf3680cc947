#!/usr/bin/env bash
# Proves the task works end to end: on a fresh copy of repo/ (npm ci), the base
# builds and fails every behaviour check; with solution/ applied it builds and
# passes them all; each edit in solution-mistakes/mistakes.json breaks the build with its error.
# Usage: tasks/tag-manager/verify.sh   (needs node 20 and npm; network or a warm npm cache)
set -u
TASK="$(cd "$(dirname "$0")" && pwd)"
export SHOWDOWN_TASK_DIR="$TASK"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CHECKS=(lib api page nav client)
status=0

fail() { echo "VERIFY FAILED: $*"; status=1; }

checkout() { # fresh copy of the base with dependencies installed
  rm -rf "$WORK/repo" && cp -r "$TASK/repo" "$WORK/repo" && rm -rf "$WORK/repo/node_modules" "$WORK/repo/dist"
  (cd "$WORK/repo" && npm ci --no-audit --no-fund --prefer-offline >/dev/null 2>&1) || fail "npm ci"
}

run_checks() { # expect: pass | fail
  for c in "${CHECKS[@]}"; do
    if (cd "$WORK/repo" && node "$TASK/checks/$c.mjs" >"$WORK/$c.log" 2>&1); then got=pass; else got=fail; fi
    echo "  check $c: $got"
    [ "$got" = "$1" ] || { fail "check $c should $1"; sed 's/^/    /' "$WORK/$c.log"; }
  done
}

echo "== base"
start=$(date +%s%N); checkout; echo "  npm ci: $(( ($(date +%s%N) - start) / 1000000 )) ms"
start=$(date +%s%N)
(cd "$WORK/repo" && npm run build >"$WORK/build.log" 2>&1) || { fail "base build"; cat "$WORK/build.log"; }
echo "  npm run build: $(( ($(date +%s%N) - start) / 1000000 )) ms ($(tail -1 "$WORK/build.log"))"
run_checks fail

echo "== solution"
cp -r "$TASK/solution/src" "$WORK/repo/"
(cd "$WORK/repo" && npm run build >"$WORK/build.log" 2>&1) || { fail "solution build"; cat "$WORK/build.log"; }
echo "  npm run build: $(tail -1 "$WORK/build.log")"
run_checks pass

for name in $(node -e 'for (const m of require(process.argv[1])) console.log(m.name)' \
                 "$TASK/solution-mistakes/mistakes.json"); do
  echo "== mistake $name"
  checkout
  cp -r "$TASK/solution/src" "$WORK/repo/"
  node -e '
    const fs = require("fs");
    const m = require(process.argv[1]).find((x) => x.name === process.argv[2]);
    const file = process.argv[3] + "/" + m.file;
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(m.find, m.replace));
  ' "$TASK/solution-mistakes/mistakes.json" "$name" "$WORK/repo"
  if (cd "$WORK/repo" && npm run build >"$WORK/build.log" 2>&1); then fail "$name should break the build"; fi
  grep -E "error TS[0-9]+" "$WORK/build.log" | sed 's/^/  /'
done

[ $status -eq 0 ] && echo "VERIFY OK"
exit $status
