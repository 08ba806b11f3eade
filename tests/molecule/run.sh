#!/usr/bin/env bash
# Run the molecule scenarios in real podman containers (make molecule):
#   tests/molecule/run.sh [scenario ...]        (default: default noncompliant)
# 1. setup_host.sh: podman, runc, debootstrap, containers.conf and the test image (cached by recipe hash);
# 2. apt_repo/build.py: the local signed stand-in of Signal's apt repository and an unsigned one;
# 3. apt_repo/serve.py: serves both on 127.0.0.1 (a free port, or HARDENING_SIGNAL_TEST_PORT), stopped on exit
#    whatever happens;
# 4. `molecule test -s NAME` for each scenario, one after the other (2 cores).
# Uses the project's virtual environment (.venv) for molecule and ansible-playbook.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
bin="$root/.venv/bin"
python="$bin/python"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(default noncompliant)

stamp() { date +%s; }
t0=$(stamp)
image=$(bash tests/molecule/setup_host.sh)
t1=$(stamp)
echo "molecule: image $image ready in $((t1 - t0)) s"

"$python" tests/molecule/apt_repo/build.py
fingerprint=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["fingerprint"])' .build/molecule/apt_repo/repo.json)

port_args=()
[ -n "${HARDENING_SIGNAL_TEST_PORT:-}" ] && port_args=(--port "$HARDENING_SIGNAL_TEST_PORT")
# Container names are global on the host: a run-specific suffix keeps two checkouts (or CI and a developer) from
# removing each other's containers. On exit, whatever this run left behind is removed (by that suffix only).
run_id="r$$$(date +%s | tail -c 5)"
cleanup() {
  "$python" tests/molecule/apt_repo/serve.py stop || true
  for name in $(podman ps -a --format '{{.Names}}'); do
    case "$name" in hs-*-"$run_id") podman rm -f -t 0 "$name" >/dev/null 2>&1 || true ;; esac
  done
}
trap cleanup EXIT
url=$("$python" tests/molecule/apt_repo/serve.py start "${port_args[@]}")
echo "molecule: repositories served at $url (signing key $fingerprint)"

export HARDENING_SIGNAL_TEST_RUN="$run_id"
export HARDENING_SIGNAL_TEST_IMAGE="$image"
export HARDENING_SIGNAL_TEST_REPO_URL="$url"
export HARDENING_SIGNAL_TEST_KEY_FINGERPRINT="$fingerprint"
export ANSIBLE_COLLECTIONS_PATH="$root/.build/collections"
export MOLECULE_GLOB="molecule/*/molecule.yml"
export ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 ANSIBLE_NOCOLOR=1 NO_COLOR=1
export PATH="$bin:$PATH"
mkdir -p "$(dirname "$root/.build/collections/ansible_collections/hardening/signal")"
[ -e "$root/.build/collections/ansible_collections/hardening/signal" ] || \
  ln -sfn "$root" "$root/.build/collections/ansible_collections/hardening/signal"

for scenario in "${scenarios[@]}"; do
  s0=$(stamp)
  log="$root/.build/molecule/$scenario.log"
  "$bin/molecule" test -s "$scenario" 2>&1 | tee "$log"
  # Molecule reports a step whose playbook is missing as a warning and goes on: here that is a failure.
  if grep -E "(prepare|verify|check|converge|idempotence): Executed: (Missing|Skipped|Disabled)" "$log"; then
    echo "molecule: scenario $scenario skipped a step (see above)" >&2
    exit 1
  fi
  echo "molecule: scenario $scenario passed in $(( $(stamp) - s0 )) s"
done
echo "molecule: all done in $(( $(stamp) - t0 )) s"
