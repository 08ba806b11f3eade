#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection laid out as ansible_collections/hardening/signal
# (ansible-test needs that path). Works offline: when ansible-test's cached get-pip bootstrap is
# missing, a stand-in that uses the interpreter's own pip wheel is put in its cache (a real script
# already in the cache is left alone). This script itself makes no network request.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python=${PYTHON_FOR_SANITY:-python}
# Outside the repository: inside it, ansible-test would list files with the outer git and find none.
# A fresh folder per run, so parallel runs never share one.
work=$(mktemp -d "${TMPDIR:-/tmp}/hardening-signal-sanity.XXXXXX")
trap 'rm -rf "$work"' EXIT
dest="$work/ansible_collections/hardening/signal"
mkdir -p "$dest"
# Only what the repository holds (tracked, or new and not ignored): no venv, no reports, no symlink loop.
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$dest")

pip_version=$("$python" - <<'PY'
import re, ansible_test, os
path = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
print(re.search(r"pip='([0-9.]+)'", open(path).read()).group(1))
PY
)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -s "$cache" ]; then
  mkdir -p "$(dirname "$cache")"
  echo "sanity: no cached get-pip ${pip_version}; installing the offline stand-in tests/sanity/get_pip_offline.py"
  cp "$root/tests/sanity/get_pip_offline.py" "$cache"
fi

cd "$dest"
ansible-test sanity --local --python 3.11 --color no "$@"
