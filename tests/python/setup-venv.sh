#!/usr/bin/env bash
# Creates (or refreshes) the virtual environment of the grpcio peer:
#   tests/python/setup-venv.sh VENV_DIR [PYTHON]
# Installs tests/python/requirements.txt; does nothing when VENV_DIR already holds
# exactly those requirements. .ci/run calls it; the peer tests call it when needed.
set -euo pipefail
venv="$1"
python="${2:-python3}"
here="$(cd "$(dirname "$0")" && pwd)"
stamp="$venv/requirements.installed"
if [[ -x "$venv/bin/python" && -f "$stamp" ]] && cmp -s "$here/requirements.txt" "$stamp"; then
    exit 0
fi
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
cp "$here/requirements.txt" "$stamp"
