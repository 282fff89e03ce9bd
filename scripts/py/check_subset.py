#!/usr/bin/python3
"""Check the variables real Keras loaded against the source file, with numpy only.

Usage: check_subset.py SPEC.json   (or "-" for stdin)

SPEC.json:
  {"checks": [{"name": str,
               "dump": keras_batch dump (.h5),
               "source": source weights (.h5 / .weights.h5 / .keras),
               "target": target file for `new` variables (may be null),
               "variables": [{"dump": "/<layer path>/<i>",
                              "relation": "exact" | "sliced" | "new",
                              "source": "/dataset path in source" | null,
                              "initial": "/dataset path in target" | null}]}]}

Prints ONE JSON object {"checks": [{"name", "results": [...]}]}; a result is
  {"dump", "relation", "ok", "problem" (null when ok), "shape", "source_shape",
   "indices": for every axis the source index of each target index (null when not ok)}.

  exact   the loaded bytes equal the source dataset's bytes (same dtype and shape).
  sliced  every axis is no longer than the source's; on each shorter axis every target
          slice lies inside exactly one source slice (set inclusion; seeded random values
          make that slice unique), those source indices rise strictly, and the loaded
          tensor equals S[np.ix_(I0, I1, ...)] byte for byte. Equal axes must be the identity.
  new     the loaded bytes equal the target file's own value (`initial`).

A single random float can repeat in a long vector, so the sliced 1-D variables of one layer
with the same target and source lengths (a BatchNormalization's gamma, beta, mean, variance)
find their source channels together: channel c is the tuple of their c-th values.

This shares no code with Graft: the source is read here with h5py, never through our readers.
Exit 0 when every check ran (whatever it found); 64 for a bad command line or spec.
"""

import io
import json
import sys
import zipfile

import h5py
import numpy as np

EXIT_USAGE = 64
KERAS_ARCHIVE_WEIGHTS = "model.weights.h5"


def open_h5(path):
    """A `.keras` zip is opened at its weights member; anything else as HDF5."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return h5py.File(io.BytesIO(archive.read(KERAS_ARCHIVE_WEIGHTS)), "r")
    return h5py.File(path, "r")


def as_bits(array):
    """Exact identity of each element: equal bit patterns, so -0.0 and 0.0 differ and no tolerance creeps in."""
    unsigned = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[array.dtype.itemsize]
    return np.ascontiguousarray(array).view(unsigned)


def same_bytes(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()


class SourceRows:
    """One source tensor's rows along one axis, sorted by value once: every dump compares against them."""

    def __init__(self, rows):
        flat = rows.ravel()
        order = np.argsort(flat, kind="stable")
        self.rows = rows
        self.ordered = flat[order]
        self.owner = order // rows.shape[1]


def containing_rows(target_rows, source):
    """For each target row, the source rows holding all of its values (as a set).

    Vectorised for the usual case (every value occurs once in the source); rows whose
    values repeat in the source fall back to intersecting the owner sets.
    """
    lo = np.searchsorted(source.ordered, target_rows, side="left")
    hi = np.searchsorted(source.ordered, target_rows, side="right")
    counts = hi - lo
    owners = source.owner[np.minimum(lo, source.ordered.size - 1)]
    once = (counts == 1).all(axis=1)
    one_owner = (owners == owners[:, :1]).all(axis=1)
    found = [{int(owners[t, 0])} if one_owner[t] else set() for t in range(len(once))]
    for t in np.flatnonzero(~once & (counts > 0).all(axis=1)):
        candidates = None
        for start, stop in zip(lo[t], hi[t]):
            rows = set(source.owner[start:stop].tolist())
            candidates = rows if candidates is None else candidates & rows
            if not candidates:
                break
        found[t] = candidates or set()
    for t in np.flatnonzero((counts == 0).any(axis=1)):
        found[t] = set()
    return found


_sorted_sources = {}


def source_rows(source, axis, name):
    """`name` (file and dataset) keys the cache; None sorts afresh."""
    key = None if name is None else (name, axis)
    if key is None or key not in _sorted_sources:
        rows = SourceRows(as_bits(np.moveaxis(source, axis, 0)).reshape(source.shape[axis], -1))
        if key is None:
            return rows
        _sorted_sources[key] = rows
    return _sorted_sources[key]


def axis_indices(loaded, source, axis, name=None):
    """(indices, problem) for one axis of a sliced tensor."""
    n_target, n_source = loaded.shape[axis], source.shape[axis]
    if n_target > n_source:
        return None, f"axis {axis}: target {n_target} is longer than source {n_source}"
    if n_target == n_source:
        return list(range(n_source)), None
    target_rows = as_bits(np.moveaxis(loaded, axis, 0)).reshape(n_target, -1)
    indices = []
    for t, rows in enumerate(containing_rows(target_rows, source_rows(source, axis, name))):
        if len(rows) != 1:
            what = "no source slice holds" if not rows else f"{len(rows)} source slices hold"
            return None, f"axis {axis}: {what} target slice {t}"
        indices.append(rows.pop())
    if any(b <= a for a, b in zip(indices, indices[1:])):
        return None, f"axis {axis}: source indices do not rise strictly: {indices}"
    return indices, None


def check_sliced(loaded, source, name, known=None):
    """`known`: this 1-D variable's source indices, already found jointly with its layer's other vectors."""
    if loaded.ndim != source.ndim:
        return None, f"rank {loaded.ndim} vs source rank {source.ndim}"
    if loaded.dtype != source.dtype:
        return None, f"dtype {loaded.dtype} vs source {source.dtype}"
    if known is not None:
        indices = [known]
    else:
        indices = []
        for axis in range(loaded.ndim):
            found, problem = axis_indices(loaded, source, axis, name)
            if problem:
                return None, problem
            indices.append(found)
    if not same_bytes(loaded, source[np.ix_(*indices)]):
        return None, "the slices were found, but the tensor is not S[np.ix_(...)] of them"
    return indices, None


def identity(shape):
    return [list(range(n)) for n in shape]


def joint_vectors(variables, dump, source, source_file):
    """{dump path: (indices, problem)} for the sliced 1-D variables that share a layer and lengths."""
    groups = {}
    for variable in variables:
        if variable["relation"] != "sliced" or variable["dump"] not in dump or variable["source"] not in source:
            continue
        loaded, expected = dump[variable["dump"]], source[variable["source"]]
        if loaded.ndim == 1 and expected.ndim == 1:
            layer = variable["dump"].rsplit("/", 1)[0]
            groups.setdefault((layer, loaded.shape[0], expected.shape[0]), []).append(variable)
    found = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        loaded = np.stack([as_bits(dump[m["dump"]][()]) for m in members], axis=1)
        expected = np.stack([as_bits(source[m["source"]][()]) for m in members], axis=1)
        indices, problem = axis_indices(loaded, expected, 0, (source_file, *(m["source"] for m in members)))
        names = ", ".join(m["dump"] for m in members)
        for m in members:
            found[m["dump"]] = (indices, f"jointly with {names}: {problem}" if problem else None)
    return found


def check_variable(variable, dump, source, source_file, target, joint):
    loaded = dump[variable["dump"]][()]
    relation = variable["relation"]
    result = {"dump": variable["dump"], "relation": relation, "shape": list(loaded.shape), "source_shape": None}
    indices, problem = None, None
    if relation == "new":
        if target is None or not variable.get("initial"):
            problem = "a new variable needs the target file and its dataset"
        else:
            initial = target[variable["initial"]][()]
            if same_bytes(loaded, initial):
                indices = identity(loaded.shape)
            else:
                problem = f"differs from the target's own value {variable['initial']}"
    else:
        expected = source[variable["source"]][()]
        result["source_shape"] = list(expected.shape)
        if relation == "exact":
            if same_bytes(loaded, expected):
                indices = identity(loaded.shape)
            elif loaded.shape != expected.shape or loaded.dtype != expected.dtype:
                problem = f"{loaded.dtype}{list(loaded.shape)} vs source {expected.dtype}{list(expected.shape)}"
            else:
                differing = int(np.count_nonzero(as_bits(loaded) != as_bits(expected)))
                problem = f"{differing} of {loaded.size} elements differ from {variable['source']}"
        elif relation == "sliced":
            known, problem = joint.get(variable["dump"], (None, None))
            if not problem:
                indices, problem = check_sliced(loaded, expected, (source_file, variable["source"]), known)
        else:
            problem = f"unknown relation {relation!r}"
    result.update(ok=problem is None, problem=problem, indices=indices)
    return result


def run_check(check):
    target_path = check.get("target")
    with h5py.File(check["dump"], "r") as dump, open_h5(check["source"]) as source:
        target = open_h5(target_path) if target_path else None
        try:
            joint = joint_vectors(check["variables"], dump, source, check["source"])
            results = []
            for variable in check["variables"]:
                try:
                    results.append(check_variable(variable, dump, source, check["source"], target, joint))
                except Exception as err:  # one bad variable must not hide the verdicts on the others
                    results.append({"dump": variable["dump"], "relation": variable.get("relation"), "ok": False,
                                    "problem": f"{type(err).__name__}: {err}", "indices": None})
            return {"name": check["name"], "results": results}
        finally:
            if target is not None:
                target.close()


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return EXIT_USAGE
    try:
        text = sys.stdin.read() if argv[0] == "-" else open(argv[0], encoding="utf-8").read()
        checks = json.loads(text)["checks"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"check_subset: {err}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(json.dumps({"checks": [run_check(check) for check in checks]}, separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
