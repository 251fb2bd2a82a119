#!/usr/bin/env bash
# Start the Ledgerly API locally (loopback only).
#
#   ./run.sh [PORT] [MODE]
#
#   PORT  default 5055
#   MODE  "vulnerable" (default) or "fixed". If omitted, $TARGET_MODE is used.
#
# Examples:
#   ./run.sh                 # vulnerable mode on 127.0.0.1:5055
#   ./run.sh 5056 fixed      # fixed mode on 127.0.0.1:5056
#   TARGET_MODE=fixed ./run.sh 5057
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${1:-5055}"
MODE="${2:-${TARGET_MODE:-vulnerable}}"

case "$MODE" in
  fixed|vulnerable) ;;
  *) echo "run.sh: unknown mode '$MODE' (use 'vulnerable' or 'fixed')" >&2; exit 2 ;;
esac

PY=""
for cand in /usr/bin/python3 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import flask' >/dev/null 2>&1; then
    PY="$(command -v "$cand")"; break
  fi
done
if [ -z "$PY" ]; then
  echo "run.sh: no python3 with Flask found (apt-get install -y python3-flask)" >&2
  exit 1
fi

cd "$HERE"
export TARGET_MODE="$MODE"
export PYTHONDONTWRITEBYTECODE=1
exec "$PY" app.py "$PORT"
