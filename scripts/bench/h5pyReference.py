#!/usr/bin/env python3
"""The h5py side of `npm run bench`: the same work as scripts/bench/measureGraft.ts, done with h5py.

Usage: h5pyReference.py TASK [--warm] ARGS...   (run with /usr/bin/python3: Debian h5py + numpy)
  list PATH          open, walk layer_names / weight_names (legacy) or every group (Keras 3), read
                     each dataset's shape and dtype
  read-all PATH      the same walk, then ds[()] on every dataset
  copy PATH OUT      the same walk and reads, each dataset written to OUT at the same path

Prints one JSON line: {ms, warmMs?, rssBeforeKiB, maxRssKiB, detail}; `ms` times the work after
`import h5py`; with --warm the task runs again in the same process and `warmMs` is that second run.
"""

import json
import resource
import sys
import time

import h5py

KERAS3_VARS = "vars"


def rss_kib():
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() // 1024


def names(attrs, key):
    """A Keras string-list attribute, including the chunked form (key0, key1, ...)."""
    if key in attrs:
        values = attrs[key]
    elif f"{key}0" in attrs:
        values = [v for k in range(len(attrs)) if f"{key}{k}" in attrs for v in attrs[f"{key}{k}"]]
    else:
        return []
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def legacy_datasets(f):
    root = f["model_weights"] if "model_weights" in f and "layer_names" not in f.attrs else f
    out = []
    for layer in names(root.attrs, "layer_names"):
        group = root[layer]
        for weight in names(group.attrs, "weight_names"):
            out.append(group[weight])
    return out, len(names(root.attrs, "layer_names"))


def keras3_datasets(f):
    out = []
    layers = 0

    def visit(name, obj):
        nonlocal layers
        if isinstance(obj, h5py.Group) and name.endswith("/" + KERAS3_VARS):
            layers += 1
            for k in sorted(obj.keys(), key=lambda s: int(s) if s.isdigit() else s):
                out.append(obj[k])

    f.visititems(visit)
    return out, layers


def walk(f):
    if "layer_names" in f.attrs or "model_weights" in f:
        return legacy_datasets(f)
    return keras3_datasets(f)


def describe(datasets, layers):
    elements = 0
    for ds in datasets:
        shape, _dtype = ds.shape, ds.dtype
        count = 1
        for size in shape:
            count *= size
        elements += count
    return {"layers": layers, "weights": len(datasets), "elements": elements}


def task_list(path):
    with h5py.File(path, "r") as f:
        datasets, layers = walk(f)
        return describe(datasets, layers)


def task_read_all(path):
    with h5py.File(path, "r") as f:
        datasets, layers = walk(f)
        detail = describe(datasets, layers)
        total = 0
        for ds in datasets:
            total += ds[()].nbytes
        detail.update(datasets=len(datasets), bytes=total)
        return detail


def task_copy(path, out):
    with h5py.File(path, "r") as f, h5py.File(out, "w") as g:
        datasets, layers = walk(f)
        detail = describe(datasets, layers)
        total = 0
        for ds in datasets:
            values = ds[()]
            g.create_dataset(ds.name, data=values)  # intermediate groups are created by h5py
            total += values.nbytes
        detail.update(datasets=len(datasets), bytes=total)
        return detail


TASKS = {"list": task_list, "read-all": task_read_all, "copy": task_copy}


def main(argv):
    if not argv or argv[0] not in TASKS:
        print(f"usage: h5pyReference.py {{{','.join(TASKS)}}} ARGS...", file=sys.stderr)
        return 2
    task, args = TASKS[argv[0]], argv[1:]
    warm = bool(args) and args[0] == "--warm"
    if warm:
        args = args[1:]

    def timed():
        start = time.perf_counter()
        detail = task(*args)
        return (time.perf_counter() - start) * 1000, detail

    before = rss_kib()
    ms, detail = timed()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"ms": ms, "rssBeforeKiB": before, "maxRssKiB": peak, "detail": detail}
    if warm:
        result["warmMs"] = timed()[0]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
