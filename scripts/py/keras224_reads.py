#!/usr/bin/python3
"""Read a legacy Keras .h5 exactly as Keras 2.2.4 does, with its unconditional `.decode` calls.

Usage: keras224_reads.py FILE

Keras <= 2.3 (keras/engine/saving.py: load_attributes_from_hdf5_group, load_weights_from_hdf5_group,
_deserialize_model) calls `.decode('utf8')` on keras_version, backend, every layer_names and
weight_names entry and on model_config, so a variable-length string (h5py 3 returns `str`) raises
AttributeError. Prints one JSON object: the versions, the layer names and, per layer, the shapes of
the datasets its weight_names point at. Any exception propagates (non-zero exit) on purpose.
"""

import json
import sys

import h5py


def load_attributes_from_hdf5_group(group, name):
    # keras 2.2.4 keras/engine/saving.py, verbatim logic
    if name in group.attrs:
        data = [n.decode("utf8") for n in group.attrs[name]]
    else:
        data = []
        chunk_id = 0
        while "%s%d" % (name, chunk_id) in group.attrs:
            data.extend([n.decode("utf8") for n in group.attrs["%s%d" % (name, chunk_id)]])
            chunk_id += 1
    return data


def main(path):
    with h5py.File(path, "r") as f:
        result = {}
        if "model_config" in f.attrs:
            result["model_config"] = json.loads(f.attrs["model_config"].decode("utf-8"))
            result["root_keras_version"] = f.attrs["keras_version"].decode("utf8")
            result["root_backend"] = f.attrs["backend"].decode("utf8")
        g = f
        if "layer_names" not in f.attrs and "model_weights" in f:
            g = f["model_weights"]
        result["keras_version"] = g.attrs["keras_version"].decode("utf8")
        result["backend"] = g.attrs["backend"].decode("utf8")
        layer_names = load_attributes_from_hdf5_group(g, "layer_names")
        result["layer_names"] = layer_names
        result["weights"] = {}
        for name in layer_names:
            group = g[name]
            weight_names = load_attributes_from_hdf5_group(group, "weight_names")
            result["weights"][name] = [[w, list(group[w].shape)] for w in weight_names]
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
