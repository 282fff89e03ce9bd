#!/usr/bin/python3
"""What Keras 2 loads from a Keras 1 / Theano legacy .h5, computed with numpy alone.

Usage: keras2-conversion-oracle.py FILE.h5 [ARCH.json]

Reads the file the way Keras 2.2.4's load_weights_from_hdf5_group does (layer_names, then each
group's weight_names in order, `keras_version` missing means '1', `backend` missing means unknown)
and applies the branches of keras/engine/saving.py preprocess_weights_for_loading that Keras 1 and
Theano files need. It shares no code with Graft's readers, so a test can hold our converted tensors
against it. Classes it does not know how to convert raise instead of passing through unconverted.

Prints one JSON object: {"keras_version", "backend", "layers": {name: [digest, ...]}} where each
digest is {"shape", "dtype", "sha256", "sum", "abs_sum"} of a weight in Keras 2 order (only layers
with weights).
"""

import hashlib
import json
import sys

import h5py
import numpy as np

# keras/legacy/interfaces.py renames these when Keras 2 reads a Keras 1 config.
KERAS1_CLASSES = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "AtrousConvolution2D": "Conv2D",
    "Deconvolution2D": "Conv2DTranspose",
}
# Keras 1 layers whose weights Keras 2 takes as they are.
KERAS1_UNCHANGED = {"Dense", "Embedding"}
CONV_LAYERS = {"Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose"}


def text(value):
    return value.decode("utf8") if hasattr(value, "decode") else str(value)


def layer_entries(model_config):
    config = model_config["config"]
    layers = config if isinstance(config, list) else config["layers"]
    return {entry["config"]["name"]: entry for entry in layers}


def data_format(config):
    if "data_format" in config:
        return config["data_format"]
    return {"th": "channels_first", "tf": "channels_last"}.get(config.get("dim_ordering"), "channels_last")


def convert_kernel(kernel):
    """keras.utils.conv_utils.convert_kernel: flip every spatial axis (Theano convolution -> correlation)."""
    slices = [slice(None, None, -1)] * kernel.ndim
    slices[-2:] = [slice(None), slice(None)]
    return np.copy(kernel[tuple(slices)])


def preprocess(class_name, config, weights, keras_version, backend):
    if keras_version == "1":
        class_name = KERAS1_CLASSES.get(class_name, class_name)
        if class_name == "Conv2D":
            if data_format(config) == "channels_first":
                # (filters, stack, rows, cols) -> (rows, cols, stack, filters)
                weights[0] = np.transpose(weights[0], (2, 3, 1, 0))
        elif class_name == "LSTM" and len(weights) == 12:
            # stored per gate in the order i, c, f, o; Keras 2 concatenates i, f, c, o
            weights = [np.concatenate([weights[k], weights[k + 6], weights[k + 3], weights[k + 9]], axis=-1) for k in range(3)]
        elif class_name == "GRU" and len(weights) == 9:
            weights = [np.concatenate([weights[k], weights[k + 3], weights[k + 6]], axis=-1) for k in range(3)]
        elif class_name not in KERAS1_UNCHANGED:
            raise NotImplementedError(f"no Keras 1 conversion here for {class_name}")
    if class_name in CONV_LAYERS and backend == "theano":
        weights[0] = convert_kernel(weights[0])
    return weights


def digest(array):
    array = np.ascontiguousarray(array)
    as_float = array.astype(np.float64)
    return {
        "shape": list(array.shape),
        "dtype": array.dtype.str,
        "sha256": hashlib.sha256(array.tobytes()).hexdigest(),
        "sum": float(as_float.sum()),
        "abs_sum": float(np.abs(as_float).sum()),
    }


def main(argv):
    with h5py.File(argv[0], "r") as h5file:
        if "model_config" in h5file.attrs:
            model_config = json.loads(text(h5file.attrs["model_config"]))
        else:
            with open(argv[1], encoding="utf-8") as handle:
                model_config = json.load(handle)
        entries = layer_entries(model_config)
        group = h5file["model_weights"] if "model_weights" in h5file else h5file
        keras_version = text(group.attrs["keras_version"]) if "keras_version" in group.attrs else "1"
        backend = text(group.attrs["backend"]) if "backend" in group.attrs else None
        layers = {}
        for name in (text(n) for n in group.attrs["layer_names"]):
            layer_group = group[name]
            weight_names = [text(n) for n in layer_group.attrs["weight_names"]]
            if not weight_names:
                continue
            weights = [np.asarray(layer_group[w][()]) for w in weight_names]
            entry = entries[name]
            converted = preprocess(entry["class_name"], entry["config"], weights, keras_version, backend)
            layers[name] = [digest(w) for w in converted]
    json.dump({"keras_version": keras_version, "backend": backend, "layers": layers}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
