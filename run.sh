#!/usr/bin/env bash
# ecomap's one entry point on a fresh machine (Python 3.11, pip, Node/npm, apt):
#   bash run.sh demo   set everything up, then serve synthetic demo data on the embedded store
#   bash run.sh test   set everything up, then run lint, type checks and the whole test suite
#   bash run.sh setup  only set up (.venv, pinned Python packages, front-end assets, Chromium)
# Extra arguments after `demo` go to `ecomap demo`; after `test`, to pytest.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; return 1; fi
}

setup_python() {
  "$PYTHON" - <<'PY' || { say "ecomap needs Python 3.11 or newer ($PYTHON)"; exit 1; }
import sys; sys.exit(sys.version_info < (3, 11))
PY
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  say "installing pinned Python packages"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
  local target=.
  [ -n "${1:-}" ] && target=".[$1]"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c constraints.txt -e "$target"
}

setup_frontend() {
  say "installing pinned front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
}

setup_browser() {
  if [ -x /usr/bin/chromium ]; then return; fi
  say "installing Debian's chromium for the browser tests"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
}

cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
  setup)
    setup_python test; setup_frontend; setup_browser ;;
  demo)
    setup_python ""; setup_frontend
    exec "$VENV/bin/ecomap" demo "$@" ;;
  test)
    setup_python test; setup_frontend; setup_browser
    say "ruff"; "$VENV/bin/ruff" check .
    say "mypy --strict"; "$VENV/bin/mypy"
    say "pytest (one worker per core)"; exec "$VENV/bin/pytest" --numprocesses=auto "$@" ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
