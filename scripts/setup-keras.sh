#!/usr/bin/env bash
# Creates .venv-keras/ (repo root) with real Keras 3, TensorFlow (CPU) and h5py, for the tests
# that check our files against real Keras. Reuses a working venv.
#
# Never fails the caller: when Keras cannot be installed it prints "SKIP: <why>", writes the
# reason to .venv-keras/UNAVAILABLE and exits 0, so test suites can skip with that reason.
# On success it writes .venv-keras/OK (the Keras version).
# A recent UNAVAILABLE is honoured for 6 hours so every test file does not retry a slow failing
# install; GRAFT_KERAS_RETRY=1 (or deleting .venv-keras) forces a new attempt.
set -u

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-keras"
system_python=/usr/bin/python3
log="$venv/setup.log"

mkdir -p "$venv" 2>/dev/null || {
  echo "SKIP: cannot create $venv"
  exit 0
}

# Test files run in parallel processes; only one may build the venv.
exec 9>"$venv/.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

keras_python_works() {
  [ -x "$venv/bin/python" ] &&
    "$venv/bin/python" -c 'import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ("keras", "tensorflow", "h5py")) else 1)' \
      >/dev/null 2>&1
}

unavailable() {
  rm -f "$venv/OK"
  printf '%s\n' "$1" >"$venv/UNAVAILABLE"
  echo "SKIP: $1"
  exit 0
}

last_line() {
  grep -v '^[[:space:]]*$' "$log" 2>/dev/null | tail -n 1 | cut -c1-300
}

if [ -f "$venv/OK" ] && keras_python_works; then
  echo "keras: reusing $venv ($(cat "$venv/OK"))"
  exit 0
fi

if [ -f "$venv/UNAVAILABLE" ] && [ "${GRAFT_KERAS_RETRY:-0}" != 1 ] &&
  [ -n "$(find "$venv/UNAVAILABLE" -mmin -360 2>/dev/null)" ]; then
  echo "SKIP: $(cat "$venv/UNAVAILABLE") (GRAFT_KERAS_RETRY=1 or rm -rf .venv-keras to retry)"
  exit 0
fi

[ -x "$system_python" ] || unavailable "$system_python not found"

# Start clean: a half-built venv from an interrupted run would otherwise be "reused".
rm -rf "$venv/bin" "$venv/lib" "$venv/lib64" "$venv/include" "$venv/share" "$venv/pyvenv.cfg" \
  "$venv/OK" "$venv/UNAVAILABLE"
: >"$log"

echo "keras: creating $venv (pip install keras tensorflow-cpu h5py) ..."
"$system_python" -m venv "$venv" >>"$log" 2>&1 ||
  unavailable "'$system_python -m venv' failed: $(last_line)"

PIP_RETRIES=0 "$venv/bin/pip" install --quiet --disable-pip-version-check keras tensorflow-cpu h5py >>"$log" 2>&1 ||
  unavailable "pip install keras tensorflow-cpu h5py failed: $(last_line)"

version="$(KERAS_BACKEND=tensorflow TF_CPP_MIN_LOG_LEVEL=3 CUDA_VISIBLE_DEVICES=-1 \
  "$venv/bin/python" -c 'import h5py, keras, tensorflow; print(keras.__version__, "tensorflow", tensorflow.__version__, "h5py", h5py.__version__)' \
  2>>"$log")" || unavailable "keras installed but does not import: $(last_line)"

printf 'keras %s\n' "$version" >"$venv/OK"
echo "keras: ready ($(cat "$venv/OK"))"
