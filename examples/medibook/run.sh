#!/usr/bin/env bash
# Usage: ./run.sh [PORT] [MODE]   MODE = vulnerable (default) | fixed
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm install --silent
export PORT="${1:-5077}" TARGET_MODE="${2:-vulnerable}"
exec node app.js
