#!/usr/bin/env bash
# Installs the grpc-js peer's packages:  tests/node/setup-node.sh DIR
# Puts tests/node/package.json in DIR and runs `npm install` there; does nothing when
# DIR already holds exactly that package.json's install. .ci/run calls it; the
# grpc-js tests call it when needed.
set -euo pipefail
dir="$1"
here="$(cd "$(dirname "$0")" && pwd)"
stamp="$dir/package.installed"
if [[ -d "$dir/node_modules/@grpc/grpc-js" && -f "$stamp" ]] && cmp -s "$here/package.json" "$stamp"; then
    exit 0
fi
rm -rf "$dir"
mkdir -p "$dir"
cp "$here/package.json" "$dir/package.json"
(cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
cp "$here/package.json" "$stamp"
