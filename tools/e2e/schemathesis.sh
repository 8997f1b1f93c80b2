#!/usr/bin/env bash
# Prints the path of Schemathesis's `st`, installing it on first use into a virtualenv in the cache
# (${ALPHINTRA_CACHE:-~/.cache/alphintra}/venv-schemathesis), never into the repository. The
# versions are pinned, dependencies included, by schemathesis.requirements.txt beside this script;
# the venv is rebuilt when that file changes. Idempotent; safe to run concurrently (flock).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/schemathesis.requirements.txt"
cache="${ALPHINTRA_CACHE:-$HOME/.cache/alphintra}"
venv="$cache/venv-schemathesis"
stamp="$venv/.requirements.sha1"
want="$(sha1sum "$requirements" | cut -d' ' -f1)"

fail() { echo "schemathesis.sh: $*" >&2; exit 1; }

mkdir -p "$cache"
exec 9>"$cache/venv-schemathesis.lock"
flock 9
if [[ ! -x "$venv/bin/st" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  command -v python3 >/dev/null || fail "python3 is required (Python 3.9+ with the venv module)"
  echo "installing Schemathesis into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 ||
    fail "python3 cannot create a virtualenv; on Debian or Ubuntu install python3-venv (tools/run.sh does so when it runs as root)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2 ||
    { rm -rf "$venv"; fail "pip could not install $requirements"; }
  echo "$want" > "$stamp"
fi
"$venv/bin/st" --version >/dev/null || fail "$venv/bin/st does not run"
printf '%s\n' "$venv/bin/st"
