#!/usr/bin/python3
"""Write inputs that Graft must reject with a clear message, plus a few valid controls.

Usage: make_bad_inputs.py OUTDIR        (h5py + numpy only: runs with /usr/bin/python3)

OUTDIR/index.json lists every file with a description and `code`: the GraftErrorCode
(src/model/errors.ts) that the definitions there call for, or null for a control file that
must load. index.json is written last; its presence means the set is complete.
"""

import io
import json
import os
import struct
import sys
import zipfile
import zlib

import h5py
import numpy as np

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

TEXT = b"This is a plain text file, not a Keras model.\nIt only has a .h5-like job to fail.\n"

# A minimal Keras 3 Sequential (Input(4) -> Dense(3, name="dense")), as Keras 3 writes it.
TINY_CONFIG = {
    "module": "keras",
    "class_name": "Sequential",
    "config": {
        "name": "tiny",
        "trainable": True,
        "dtype": "float32",
        "layers": [
            {
                "module": "keras.layers",
                "class_name": "InputLayer",
                "config": {"batch_shape": [None, 4], "dtype": "float32", "sparse": False, "name": "input_layer"},
                "registered_name": None,
            },
            {
                "module": "keras.layers",
                "class_name": "Dense",
                "config": {"name": "dense", "trainable": True, "dtype": "float32", "units": 3, "activation": "linear",
                           "use_bias": True},
                "registered_name": None,
                "build_config": {"input_shape": [None, 4]},
            },
        ],
        "build_input_shape": [None, 4],
    },
    "registered_name": None,
    "build_config": {"input_shape": [None, 4]},
}
TINY_METADATA = {"keras_version": "3.15.1", "date_saved": "2026-01-01@00:00:00"}


def png_bytes(width=8, height=8):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 32 % 256, y * 32 % 256, 128)) for x in range(width)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def fixed_strings(names):
    """Keras 2 / h5py 2 style fixed-length NULLPAD strings, readable by every Keras."""
    encoded = [name.encode("utf-8") for name in names]
    return np.array(encoded, dtype=f"S{max(len(n) for n in encoded)}")


def write_legacy_weights(path, rng, **dataset_options):
    """A Keras 2 style weights-only file: input_1 (no weights), dense (4->8), dense_1 (8->3).

    Datasets are big enough that cutting the file in half loses real data, not just padding.
    """
    layers = {
        "input_1": [],
        "dense": [("dense/kernel:0", (4, 8)), ("dense/bias:0", (8,))],
        "dense_1": [("dense_1/kernel:0", (8, 3)), ("dense_1/bias:0", (3,))],
        "dense_2": [("dense_2/kernel:0", (3, 512)), ("dense_2/bias:0", (512,))],
    }
    with h5py.File(path, "w") as h5file:
        h5file.attrs["layer_names"] = fixed_strings(list(layers))
        h5file.attrs["backend"] = np.bytes_(b"tensorflow")
        h5file.attrs["keras_version"] = np.bytes_(b"2.4.0")
        for layer, weights in layers.items():
            group = h5file.create_group(layer)
            if not weights:
                group.attrs["weight_names"] = np.zeros((0,), dtype=np.float64)
                continue
            group.attrs["weight_names"] = fixed_strings([name for name, _ in weights])
            for name, shape in weights:
                group.create_dataset(name, data=rng.normal(0, 0.2, shape).astype("<f4"), **dataset_options)


def write_not_keras(path, rng):
    with h5py.File(path, "w") as h5file:
        h5file.attrs["title"] = "random measurements"
        for group_index in range(3):
            group = h5file.create_group(f"experiment_{group_index}")
            group.attrs["operator"] = f"run {group_index}"
            for dataset_index in range(2):
                group.create_dataset(f"series_{dataset_index}", data=rng.normal(size=(16, 4)))
        h5file.create_dataset("labels", data=np.arange(10, dtype="<i4"))


def native_weights_bytes(rng):
    """model.weights.h5 for TINY_CONFIG in the Keras 3 layout."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5file:
        h5file.create_group("vars")
        dense_vars = h5file.create_group("layers/dense/vars")
        dense_vars.create_dataset("0", data=rng.normal(0, 0.2, (4, 3)).astype("<f4"))
        dense_vars.create_dataset("1", data=rng.normal(0, 0.2, (3,)).astype("<f4"))
        h5file.create_group("layers/input_layer/vars")
    return buffer.getvalue()


def write_zip(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            archive.writestr(info, data)


def write_truncated(source, target, fraction=0.5):
    with open(source, "rb") as handle:
        data = handle.read()
    with open(target, "wb") as handle:
        handle.write(data[: int(len(data) * fraction)])


def main(argv):
    if len(argv) != 1:
        print("usage: make_bad_inputs.py OUTDIR", file=sys.stderr)
        return 64
    outdir = argv[0]
    os.makedirs(outdir, exist_ok=True)
    index_path = os.path.join(outdir, "index.json")
    if os.path.exists(index_path):
        os.remove(index_path)
    rng = np.random.default_rng(20240601)

    def out(name):
        return os.path.join(outdir, name)

    entries = []

    def add(file, code, description):
        entries.append({"file": file, "code": code, "description": description, "bytes": os.path.getsize(out(file))})

    with open(out("text.txt"), "wb") as handle:
        handle.write(TEXT)
    add("text.txt", "not-hdf5", "plain text")

    with open(out("image.png"), "wb") as handle:
        handle.write(png_bytes())
    add("image.png", "not-hdf5", "a valid 8x8 RGB PNG")

    with open(out("empty.h5"), "wb"):
        pass
    add("empty.h5", "not-hdf5", "empty file with an .h5 name")

    with open(out("not_keras.json"), "w", encoding="utf-8") as handle:
        json.dump({"name": "graft", "version": "0.1.0", "dependencies": {"h5wasm": "0.10.3"}}, handle)
    add("not_keras.json", "not-keras", "valid JSON that is not a Keras model config")

    write_legacy_weights(out("control_weights.h5"), rng)
    add("control_weights.h5", None, "control: valid Keras 2 style weights-only file (fixed-length string attrs)")

    write_truncated(out("control_weights.h5"), out("truncated.h5"))
    add("truncated.h5", "truncated", "first half of control_weights.h5")

    write_not_keras(out("not_keras.h5"), rng)
    add("not_keras.h5", "not-keras", "HDF5 with random groups and datasets, no Keras attributes")

    write_legacy_weights(out("lzf_weights.h5"), rng, compression="lzf")
    add("lzf_weights.h5", "unsupported-filter", "Keras weights-only layout with LZF-compressed datasets")

    write_legacy_weights(out("gzip_weights.h5"), rng, compression="gzip", compression_opts=4, shuffle=True)
    add("gzip_weights.h5", None, "control: Keras weights-only layout, gzip + shuffle (filters h5wasm has)")

    config = json.dumps(TINY_CONFIG).encode("utf-8")
    metadata = json.dumps(TINY_METADATA).encode("utf-8")
    weights = native_weights_bytes(rng)
    write_zip(out("control.keras"), [("metadata.json", metadata), ("config.json", config), ("model.weights.h5", weights)])
    add("control.keras", None, "control: minimal valid .keras (Sequential Input(4) -> Dense(3))")

    write_zip(out("missing_config.keras"), [("metadata.json", metadata), ("model.weights.h5", weights)])
    add("missing_config.keras", "archive", ".keras zip without config.json")

    write_zip(out("weights_not_hdf5.keras"), [("metadata.json", metadata), ("config.json", config),
                                              ("model.weights.h5", TEXT)])
    add("weights_not_hdf5.keras", "archive", ".keras zip whose model.weights.h5 member is text, not HDF5")

    write_truncated(out("control.keras"), out("truncated.keras"))
    add("truncated.keras", "truncated", "first half of control.keras")

    with open(index_path, "w", encoding="utf-8") as handle:
        json.dump({"generator": "scripts/py/make_bad_inputs.py", "files": entries}, handle, indent=1)
    print(f"wrote {len(entries)} files to {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
