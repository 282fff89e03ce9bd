#!/usr/bin/env python3
"""Write small real-Keras models covering every layer kind Graft maps, in every file form.

Usage: make_keras_fixtures.py OUTDIR        (run with the .venv-keras python)

Each model is saved as <name>.keras, <name>.weights.h5 (Keras 3 native), <name>.h5 (legacy
full model via model.save) and <name>.json (to_json). Every variable holds seeded random
values (not its initializer), so a test can tell a loaded value from a fresh one.
OUTDIR/index.json is written last; its presence means the set is complete.
"""

import hashlib
import json
import os
import sys
import time
import zlib

# keras_jobs sits beside this script; no __pycache__ left in the work tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from keras_jobs import import_keras, is_container, walk_layers  # noqa: E402

# Keras chunks a legacy attribute above this many bytes into name0, name1, ... (HDF5 header limit).
HDF5_OBJECT_HEADER_LIMIT = 64512
LONG_NAME_LAYERS = 300
LONG_NAME_CHARS = 240


def model_builders(keras):
    L = keras.layers
    Input = keras.Input

    def functional(name, inputs, outputs):
        return keras.Model(inputs, outputs, name=name)

    def single(name, shape, *layers, dtype="float32"):
        inputs = Input(shape, dtype=dtype, name="input")
        x = inputs
        for layer in layers:
            x = layer(x)
        return functional(name, inputs, x)

    def sequential():
        return keras.Sequential(
            [Input((8,), name="input"), L.Dense(16, activation="relu", name="hidden"), L.Dense(4, name="logits")],
            name="sequential_mlp",
        )

    def conv_functional():
        inputs = Input((16, 16, 3), name="image")
        x = L.Conv2D(8, 3, padding="same", name="stem_conv")(inputs)
        x = L.BatchNormalization(name="stem_bn")(x)
        x = L.ReLU(name="stem_relu")(x)
        y = L.Conv2D(8, 3, padding="same", name="res_conv")(x)
        x = L.Add(name="res_add")([x, y])
        x = L.GlobalAveragePooling2D(name="pool")(x)
        return functional("functional_cnn", inputs, L.Dense(5, name="head")(x))

    def prelu():
        inputs = Input((5, 5, 3), name="input")
        x = L.Conv2D(4, 1, name="conv")(inputs)
        x = L.PReLU(shared_axes=[1, 2], name="prelu_shared")(x)
        x = L.GlobalAveragePooling2D(name="pool")(x)
        x = L.Dense(6, name="dense")(x)
        return functional("prelu", inputs, L.PReLU(name="prelu")(x))

    def lstm():
        return single("lstm", (7, 3), L.LSTM(4, return_sequences=True, name="lstm_seq"), L.LSTM(3, name="lstm_last"))

    def multi_head_attention():
        inputs = Input((4, 8), name="tokens")
        x = L.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")(inputs, inputs)
        x = L.GlobalAveragePooling1D(name="pool")(x)
        return functional("multi_head_attention", inputs, L.Dense(2, name="head")(x))

    def nested_functional():
        inner_in = Input((6,), name="inner_input")
        h = L.Dense(8, name="inner_dense")(inner_in)
        h = L.BatchNormalization(name="inner_bn")(h)
        inner = functional("inner_block", inner_in, L.Dense(4, name="inner_out")(h))
        inputs = Input((6,), name="input")
        x = L.Dense(6, name="pre")(inputs)
        x = inner(x)
        return functional("nested_functional", inputs, L.Dense(2, name="post")(x))

    def nested_sequential():
        inner = keras.Sequential(
            [L.Dense(6, name="inner_a"), L.BatchNormalization(name="inner_bn"), L.Dense(4, name="inner_b")],
            name="inner_seq",
        )
        return keras.Sequential([Input((5,), name="input"), inner, L.Dense(2, name="outer_head")], name="nested_sequential")

    def shared_layer():
        left = Input((6,), name="left")
        right = Input((6,), name="right")
        shared = L.Dense(4, name="shared")
        x = L.Concatenate(name="concat")([shared(left), shared(right)])
        return functional("shared_layer", [left, right], L.Dense(2, name="head")(x))

    def nested_frozen():
        inner_in = Input((5,), name="inner_input")
        h = L.BatchNormalization(name="inner_bn")(inner_in)
        h = L.Dense(4, name="frozen_dense")(h)
        h = L.Dense(3, name="inner_out")(h)
        inner = functional("frozen_block", inner_in, h)
        # Freezing moves frozen_dense's kernel/bias into the non-trainable tail of the legacy
        # order (keras-formats.md 1.5), which is the trap this fixture exists for.
        inner.get_layer("frozen_dense").trainable = False
        inputs = Input((5,), name="input")
        return functional("nested_frozen", inputs, L.Dense(2, name="head")(inner(inputs)))

    def long_names():
        inputs = Input((4,), name="input")
        x = inputs
        stem = ("long_layer_name_segment_" * 12)[: LONG_NAME_CHARS - 4]
        for index in range(LONG_NAME_LAYERS):
            name = f"{stem}{index:04d}"
            x = (L.Dense(2, name=name) if index % 2 == 0 else L.Activation("linear", name=name))(x)
        return functional("long_names", inputs, x)

    return [
        ("sequential_mlp", "Sequential MLP, compiled and fit one step (optimizer state saved)", sequential),
        ("functional_cnn", "Functional CNN with a residual Add", conv_functional),
        ("dense", "Dense with and without bias", lambda: single("dense", (8,), L.Dense(6, name="with_bias"),
                                                              L.Dense(3, use_bias=False, name="no_bias"))),
        ("conv1d", "Conv1D", lambda: single("conv1d", (12, 3), L.Conv1D(6, 3, name="conv1d"),
                                           L.GlobalAveragePooling1D(name="pool"))),
        ("conv2d", "Conv2D with and without bias", lambda: single("conv2d", (10, 10, 3), L.Conv2D(6, 3, name="conv"),
                                                                 L.Conv2D(4, 1, use_bias=False, name="pointwise"))),
        ("conv3d", "Conv3D", lambda: single("conv3d", (6, 6, 6, 2), L.Conv3D(4, 3, name="conv3d"))),
        ("conv2d_transpose", "Conv2DTranspose, kernel (kh, kw, out, in)",
         lambda: single("conv2d_transpose", (5, 5, 4), L.Conv2DTranspose(3, 3, strides=2, name="deconv"))),
        ("depthwise_conv2d", "DepthwiseConv2D, depth_multiplier 2",
         lambda: single("depthwise_conv2d", (8, 8, 4), L.DepthwiseConv2D(3, depth_multiplier=2, name="depthwise"))),
        ("separable_conv2d", "SeparableConv2D, depth_multiplier 2",
         lambda: single("separable_conv2d", (8, 8, 4), L.SeparableConv2D(6, 3, depth_multiplier=2, name="separable"))),
        ("batch_norm", "BatchNormalization default, center=False, scale=False, both False",
         lambda: single("batch_norm", (6,), L.BatchNormalization(name="bn_default"),
                        L.BatchNormalization(center=False, name="bn_no_center"),
                        L.BatchNormalization(scale=False, name="bn_no_scale"),
                        L.BatchNormalization(center=False, scale=False, name="bn_neither"),
                        L.Dense(3, name="head"))),
        ("layer_norm", "LayerNormalization", lambda: single("layer_norm", (5, 7), L.LayerNormalization(name="ln"),
                                                             L.Dense(3, name="head"))),
        ("embedding", "Embedding", lambda: single("embedding", (6,), L.Embedding(30, 4, name="embed"),
                                                  L.GlobalAveragePooling1D(name="pool"), L.Dense(2, name="head"),
                                                  dtype="int32")),
        ("prelu", "PReLU, plain and with shared_axes", prelu),
        ("simple_rnn", "SimpleRNN", lambda: single("simple_rnn", (7, 3), L.SimpleRNN(5, name="rnn"))),
        ("lstm", "two stacked LSTMs", lstm),
        ("gru_reset_after", "GRU reset_after=True, bias (2, 3u)",
         lambda: single("gru_reset_after", (7, 3), L.GRU(4, reset_after=True, name="gru"))),
        ("gru_no_reset_after", "GRU reset_after=False, bias (3u,)",
         lambda: single("gru_no_reset_after", (7, 3), L.GRU(4, reset_after=False, name="gru"))),
        ("bidirectional_lstm", "Bidirectional(LSTM)",
         lambda: single("bidirectional_lstm", (7, 3), L.Bidirectional(L.LSTM(4), name="bilstm"))),
        ("time_distributed_dense", "TimeDistributed(Dense)",
         lambda: single("time_distributed_dense", (5, 6), L.TimeDistributed(L.Dense(3), name="td"))),
        ("multi_head_attention", "MultiHeadAttention (self-attention)", multi_head_attention),
        ("nested_functional", "Functional inside a Functional", nested_functional),
        ("nested_sequential", "Sequential inside a Sequential", nested_sequential),
        ("shared_layer", "one Dense called on two inputs", shared_layer),
        ("nested_frozen", "nested Functional whose inner Dense is frozen", nested_frozen),
        ("long_names", f"{LONG_NAME_LAYERS} layers with {LONG_NAME_CHARS}-char names: layer_names is chunked in .h5",
         long_names),
    ]


def seeded_values(rng, variable):
    shape = tuple(variable.shape)
    if variable.path.endswith("moving_variance"):
        return rng.uniform(0.5, 1.5, shape)
    if variable.path.endswith("gamma"):
        return 1.0 + rng.normal(0.0, 0.1, shape)
    return rng.normal(0.0, 0.2, shape)


def fill_with_seeded_values(keras, model, name):
    import numpy as np

    rng = np.random.default_rng(zlib.crc32(name.encode()))
    for variable in model.weights:
        variable.assign(seeded_values(rng, variable).astype(variable.dtype))


def train_one_step(keras, model):
    import numpy as np

    rng = np.random.default_rng(7)
    model.compile(optimizer="adam", loss="mse")
    model.fit(rng.normal(size=(4, 8)), rng.normal(size=(4, 4)), epochs=1, batch_size=4, verbose=0)


def class_counts(layers):
    counts = {}
    for layer in layers:
        counts[type(layer).__name__] = counts.get(type(layer).__name__, 0) + 1
    return dict(sorted(counts.items()))


def describe_variables(keras, model):
    """Every variable, keyed the way keras_jobs.dump_variables names its datasets."""
    import numpy as np

    described = []
    for layer_path, layer in walk_layers(keras, model.layers):
        if is_container(keras, layer):
            continue
        for index, variable in enumerate(layer.weights):
            value = np.ascontiguousarray(keras.ops.convert_to_numpy(variable))
            described.append(
                {
                    "key": "/".join(layer_path + (str(index),)),
                    "path": variable.path,
                    "shape": list(value.shape),
                    "dtype": value.dtype.str,
                    "trainable": bool(variable.trainable),
                    "sha256": hashlib.sha256(value.tobytes()).hexdigest(),
                }
            )
    if len(described) != len(model.weights):
        raise RuntimeError(f"{model.name}: walked {len(described)} variables, model has {len(model.weights)}")
    return described


def nested_models(keras, model):
    return [
        {"name": layer.name, "class": type(layer).__name__, "layers": len(layer.layers), "classes": class_counts(layer.layers)}
        for layer in model.layers
        if isinstance(layer, keras.Model)
    ]


def chunked_attribute_names(path, group, attribute):
    import h5py

    with h5py.File(path, "r") as h5file:
        names = list(h5file[group].attrs.keys())
    return sorted(n for n in names if n.startswith(attribute) and n[len(attribute) :].isdigit())


def save_all_forms(model, outdir, name):
    files = {
        "keras": f"{name}.keras",
        "weights_h5": f"{name}.weights.h5",
        "h5": f"{name}.h5",
        "json": f"{name}.json",
    }
    model.save(os.path.join(outdir, files["keras"]))
    model.save_weights(os.path.join(outdir, files["weights_h5"]))
    model.save(os.path.join(outdir, files["h5"]))  # legacy full-model writer (deprecated in Keras 3)
    with open(os.path.join(outdir, files["json"]), "w", encoding="utf-8") as handle:
        handle.write(model.to_json())
    return files


def make_model_entry(keras, outdir, name, description, build):
    model = build()
    compiled = name == "sequential_mlp"
    if compiled:
        train_one_step(keras, model)
    fill_with_seeded_values(keras, model, name)
    files = save_all_forms(model, outdir, name)
    entry = {
        "name": name,
        "description": description,
        "class": type(model).__name__,
        "compiled": compiled,
        "files": files,
        "layers": len(model.layers),
        "weighted_layers": sum(1 for layer in model.layers if layer.weights),
        "weights": len(model.weights),
        "params": int(model.count_params()),
        "classes": class_counts(model.layers),
        "nested": nested_models(keras, model),
        "layer_names": [layer.name for layer in model.layers],
        "variables": describe_variables(keras, model),
    }
    if name == "long_names":
        chunks = chunked_attribute_names(os.path.join(outdir, files["h5"]), "model_weights", "layer_names")
        if len(chunks) < 2:
            raise RuntimeError(f"long_names.h5 was expected to have chunked layer_names, found {chunks}")
        entry["chunked_layer_names"] = chunks
    return entry


def main(argv):
    if len(argv) != 1:
        print("usage: make_keras_fixtures.py OUTDIR", file=sys.stderr)
        return 64
    outdir = argv[0]
    os.makedirs(outdir, exist_ok=True)
    index_path = os.path.join(outdir, "index.json")
    if os.path.exists(index_path):
        os.remove(index_path)
    started = time.monotonic()
    keras = import_keras()
    entries = []
    for name, description, build in model_builders(keras):
        keras.backend.clear_session()
        entries.append(make_model_entry(keras, outdir, name, description, build))
    index = {
        "generator": "scripts/py/make_keras_fixtures.py",
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "models": entries,
    }
    with open(index_path, "w", encoding="utf-8") as handle:
        json.dump(index, handle, indent=1)
    print(f"wrote {len(entries)} models to {outdir} in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
