#!/usr/bin/env python3
"""Write the demo pair that `npm start` preloads: a ResNet-style source and a changed target.

Usage: make_demo_pair.py [OUTDIR]        (run with the .venv-keras python; default public/demo)

source.h5     legacy full model (model.save): 96x96x3 input, four stages of basic residual
              blocks [2, 3, 3, 2] with BatchNorm, keras.applications.resnet-style layer names,
              10-class head `predictions`.
target.keras  the same network with conv3_block3 and conv4_block3 cut out, the inner
              (`_1_conv`) convolutions of stage conv4 and every convolution of stage conv5
              pruned to half their filters, and a new 5-class `predictions` head.
Both hold seeded random weights (different seeds), so nothing in the target already equals
the source.
"""

import json
import os
import sys

# keras_jobs sits beside this script; no __pycache__ left in the work tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from keras_jobs import import_keras  # noqa: E402

SOURCE_STAGES = {"conv2": (16, 2), "conv3": (32, 3), "conv4": (64, 3), "conv5": (128, 2)}
CUT_BLOCKS = {"conv3_block3", "conv4_block3"}
# Halve only the block-internal width in conv4 (its outputs feed the residual sum, so they stay),
# and the whole width of conv5 (every conv there, shortcut included).
HALF_INNER_STAGES = {"conv4"}
HALF_STAGES = {"conv5"}
MAX_TOTAL_BYTES = 5 * 1024 * 1024


def basic_block(L, x, filters, inner_filters, stride, name, with_shortcut):
    shortcut = x
    if with_shortcut:
        shortcut = L.Conv2D(filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = L.BatchNormalization(epsilon=1.001e-5, name=name + "_0_bn")(shortcut)
    x = L.Conv2D(inner_filters, 3, strides=stride, padding="same", name=name + "_1_conv")(x)
    x = L.BatchNormalization(epsilon=1.001e-5, name=name + "_1_bn")(x)
    x = L.Activation("relu", name=name + "_1_relu")(x)
    x = L.Conv2D(filters, 3, padding="same", name=name + "_2_conv")(x)
    x = L.BatchNormalization(epsilon=1.001e-5, name=name + "_2_bn")(x)
    x = L.Add(name=name + "_add")([shortcut, x])
    return L.Activation("relu", name=name + "_out")(x)


def resnet(keras, name, classes, cut=frozenset(), half_inner=frozenset(), half=frozenset()):
    L = keras.layers
    inputs = keras.Input((96, 96, 3), name="input_1")
    x = L.ZeroPadding2D(3, name="conv1_pad")(inputs)
    x = L.Conv2D(16, 7, strides=2, name="conv1_conv")(x)
    x = L.BatchNormalization(epsilon=1.001e-5, name="conv1_bn")(x)
    x = L.Activation("relu", name="conv1_relu")(x)
    x = L.ZeroPadding2D(1, name="pool1_pad")(x)
    x = L.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    channels = 16
    for stage, (filters, blocks) in SOURCE_STAGES.items():
        filters = filters // 2 if stage in half else filters
        inner = filters // 2 if stage in half_inner else filters
        for index in range(1, blocks + 1):
            block = f"{stage}_block{index}"
            if block in cut:
                continue
            stride = 2 if index == 1 and stage != "conv2" else 1
            x = basic_block(L, x, filters, inner, stride, block, with_shortcut=channels != filters or stride != 1)
            channels = filters
    x = L.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = L.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def fill_with_seeded_values(model, seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    for variable in model.weights:
        shape = tuple(variable.shape)
        if variable.path.endswith("moving_variance"):
            values = rng.uniform(0.5, 1.5, shape)
        elif variable.path.endswith("gamma"):
            values = 1.0 + rng.normal(0.0, 0.05, shape)
        else:
            values = rng.normal(0.0, 0.05, shape)
        variable.assign(values.astype(variable.dtype))


def main(argv):
    outdir = argv[0] if argv else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "public", "demo")
    outdir = os.path.normpath(outdir)
    os.makedirs(outdir, exist_ok=True)
    keras = import_keras()

    source = resnet(keras, "resnet_demo_source", 10)
    fill_with_seeded_values(source, 1)
    source_path = os.path.join(outdir, "source.h5")
    source.save(source_path)

    keras.backend.clear_session()
    target = resnet(keras, "resnet_demo_target", 5, CUT_BLOCKS, HALF_INNER_STAGES, HALF_STAGES)
    fill_with_seeded_values(target, 2)
    target_path = os.path.join(outdir, "target.keras")
    target.save(target_path)

    total = os.path.getsize(source_path) + os.path.getsize(target_path)
    summary = {
        "source": {"file": source_path, "params": int(source.count_params()), "layers": len(source.layers),
                   "bytes": os.path.getsize(source_path)},
        "target": {"file": target_path, "params": int(target.count_params()), "layers": len(target.layers),
                   "bytes": os.path.getsize(target_path)},
    }
    print(json.dumps(summary))
    if total > MAX_TOTAL_BYTES:
        print(f"demo pair is {total} bytes, over the {MAX_TOTAL_BYTES} byte budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
