"""Real-Keras half of the pruning proof (tests/keras/prunedKerasProof.test.ts).

`build OUT_DIR`: writes source.h5 (wide network whose dropped channels contribute nothing downstream),
target.h5 (the same architecture, narrower, fresh values), wide_target.h5 (wider than the source, for
Net2Net widening), input.json and source_output.json.
`check OUT_DIR TARGET`: loads TARGET (default target.h5), sets the weights graft planned (planned.json:
layer name -> list of {shape, values}), runs the same input and prints JSON with the largest difference
to the source output.

Keras itself runs the convolutions, the depth multiplier, BatchNormalization and Flatten here, so the
proof does not rest on our own reading of those layouts.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

H = W = 6
# Channels the wide source keeps meaningful in each group (the rest are weak producers, zero readers).
KEEP_A = [1, 2, 5, 7]  # conv1 (8)
KEEP_B = [0, 3, 4]  # conv2 + skip (6), joined by the Add, widened x2 by the depthwise multiplier
KEEP_C = [1, 3]  # conv3 (4), read flattened by fc


def network(a, b, c):
    inp = keras.Input((H, W, 3), name="img")
    x = layers.Conv2D(a, 3, padding="same", name="conv1")(inp)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.ReLU(name="relu1")(x)
    x = layers.Conv2D(b, 3, padding="same", name="conv2")(x)
    s = layers.Conv2D(b, 1, name="skip")(inp)
    x = layers.Add(name="add")([x, s])
    x = layers.ReLU(name="relu2")(x)
    x = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, name="dw")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    x = layers.Conv2D(c, 1, name="conv3")(x)
    x = layers.Flatten(name="flat")(x)
    out = layers.Dense(3, name="fc")(x)
    return keras.Model(inp, out, name="proof")


def randomize(model, rng):
    for layer in model.layers:
        values = []
        for w in layer.weights:
            name = w.path.split("/")[-1]
            shape = tuple(w.shape)
            if name == "moving_variance":
                values.append(rng.uniform(0.5, 1.5, shape))
            elif name == "gamma":
                values.append(rng.uniform(0.8, 1.2, shape))
            else:
                values.append(rng.uniform(-1, 1, shape))
        if values:
            layer.set_weights([v.astype("float32") for v in values])


def scale_except(array, axis, keep, factor):
    index = [slice(None)] * array.ndim
    for channel in range(array.shape[axis]):
        if channel not in keep:
            index[axis] = channel
            array[tuple(index)] *= factor


def build(out_dir):
    rng = np.random.default_rng(7)
    source = network(8, 6, 4)
    randomize(source, rng)
    get = lambda name: [w.copy() for w in source.get_layer(name).get_weights()]  # noqa: E731
    conv1, conv2, skip, conv3, fc = get("conv1"), get("conv2"), get("skip"), get("conv3"), get("fc")
    scale_except(conv1[0], 3, KEEP_A, 0.01)
    scale_except(conv2[0], 2, KEEP_A, 0.0)
    scale_except(conv2[0], 3, KEEP_B, 0.01)
    scale_except(skip[0], 3, KEEP_B, 0.01)
    # The depthwise multiplier turns channel b into outputs 2b and 2b+1.
    scale_except(conv3[0], 2, [2 * b + m for b in KEEP_B for m in range(2)], 0.0)
    scale_except(conv3[0], 3, KEEP_C, 0.01)
    # Flatten rows are (y * W + x) * C + c.
    scale_except(fc[0], 0, [p * 4 + c for p in range(H * W) for c in KEEP_C], 0.0)
    for name, values in [("conv1", conv1), ("conv2", conv2), ("skip", skip), ("conv3", conv3), ("fc", fc)]:
        source.get_layer(name).set_weights(values)
    source.save(os.path.join(out_dir, "source.h5"))
    target = network(4, 3, 2)
    randomize(target, np.random.default_rng(8))
    target.save(os.path.join(out_dir, "target.h5"))
    wide = network(12, 8, 5)
    randomize(wide, np.random.default_rng(9))
    wide.save(os.path.join(out_dir, "wide_target.h5"))
    x = rng.uniform(-1, 1, (1, H, W, 3)).astype("float32")
    y = source.predict(x, verbose=0)
    with open(os.path.join(out_dir, "input.json"), "w") as f:
        json.dump(x.tolist(), f)
    with open(os.path.join(out_dir, "source_output.json"), "w") as f:
        json.dump(y.tolist(), f)
    print(json.dumps({"ok": True, "source_output_max": float(np.abs(y).max())}))


def check(out_dir, target_file="target.h5"):
    target = keras.models.load_model(os.path.join(out_dir, target_file), compile=False)
    with open(os.path.join(out_dir, "planned.json")) as f:
        planned = json.load(f)
    for name, weights in planned.items():
        layer = target.get_layer(name)
        layer.set_weights([np.array(w["values"], dtype="float32").reshape(w["shape"]) for w in weights])
    with open(os.path.join(out_dir, "input.json")) as f:
        x = np.array(json.load(f), dtype="float32")
    with open(os.path.join(out_dir, "source_output.json")) as f:
        expected = np.array(json.load(f), dtype="float32")
    y = target.predict(x, verbose=0)
    print(json.dumps({"ok": True, "max_difference": float(np.abs(y - expected).max()), "output_max": float(np.abs(expected).max())}))


if __name__ == "__main__":
    {"build": build, "check": check}[sys.argv[1]](*sys.argv[2:])
