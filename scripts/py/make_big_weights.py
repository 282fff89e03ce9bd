#!/usr/bin/env python3
"""Write the ImageNet-size inputs of `npm run bench` into OUTDIR (default .fixtures/big).

Usage: make_big_weights.py OUTDIR [--models resnet50,vgg16] [--generator keras|h5py]

Per model NAME (resnet50: ~100 MB, vgg16: ~550 MB):
  NAME.h5             source, legacy full model (model.save('NAME.h5'))
  NAME.weights.h5     source, Keras 3 weights (save_weights('NAME.weights.h5'))
  NAME_target.h5      changed network, legacy full model, for the transfer row:
                      resnet50: conv4_block3 and conv4_block4 cut out (conv4_block2_out feeds
                      conv4_block5, same names otherwise);
                      vgg16: block4 removed (block3_pool feeds block5_conv1, 256 input channels),
                      fc1/fc2 pruned to 1024 units, 112x112 input so Flatten still gives 7x7x512.
  manifest.json       what was written, by which generator, in how many seconds.

--generator keras (default) builds the networks with real Keras (keras.applications, weights=None:
no download) and must run under the Keras venv python. When Keras cannot be imported the script
falls back to --generator h5py: the same layer names and shapes, random float32 values, written by
h5py in the legacy weights-only layout (layer_names / weight_names, tf.keras 2 dataset names); there
is no architecture then, and NAME.weights.h5 is a second legacy file (h5py cannot produce the Keras 3
layout without Keras), which the manifest says.
Existing files listed in a manifest from the same generator are kept.
"""

import json
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

MODELS = ("resnet50", "vgg16")
RESNET50_STAGES = (("conv2", 64, 3, 1), ("conv3", 128, 4, 2), ("conv4", 256, 6, 2), ("conv5", 512, 3, 2))
RESNET50_CUT = frozenset({"conv4_block3", "conv4_block4"})
VGG16_BLOCKS = (("block1", 64, 2), ("block2", 128, 2), ("block3", 256, 3), ("block4", 512, 3), ("block5", 512, 3))
VGG16_TARGET_UNITS = 1024
VGG16_TARGET_INPUT = 112


def file_names(model):
    return {"source_h5": f"{model}.h5", "source_weights_h5": f"{model}.weights.h5", "target_h5": f"{model}_target.h5"}


# ---------------------------------------------------------------- real Keras


def keras_resnet50_target(keras):
    from keras.src.applications.resnet import ResNet, residual_block_v1

    def stack_fn(x):
        for stage, filters, blocks, stride in RESNET50_STAGES:
            for index in range(1, blocks + 1):
                name = f"{stage}_block{index}"
                if name in RESNET50_CUT:
                    continue
                if index == 1:
                    x = residual_block_v1(x, filters, stride=stride, name=name)
                else:
                    x = residual_block_v1(x, filters, conv_shortcut=False, name=name)
        return x

    return ResNet(stack_fn, False, True, weights=None, name="resnet50_cut")


def keras_vgg16_target(keras):
    L = keras.layers
    inputs = keras.Input((VGG16_TARGET_INPUT, VGG16_TARGET_INPUT, 3), name="input_layer")
    x = inputs
    for block, filters, convs in VGG16_BLOCKS:
        if block == "block4":
            continue
        for k in range(1, convs + 1):
            x = L.Conv2D(filters, 3, activation="relu", padding="same", name=f"{block}_conv{k}")(x)
        x = L.MaxPooling2D(2, strides=2, name=f"{block}_pool")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.Dense(VGG16_TARGET_UNITS, activation="relu", name="fc1")(x)
    x = L.Dense(VGG16_TARGET_UNITS, activation="relu", name="fc2")(x)
    outputs = L.Dense(1000, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="vgg16_noblock4")


def write_with_keras(keras, model, outdir):
    names = file_names(model)
    keras.utils.set_random_seed(1)
    source = keras.applications.ResNet50(weights=None) if model == "resnet50" else keras.applications.VGG16(weights=None)
    source.save(os.path.join(outdir, names["source_h5"]))
    source.save_weights(os.path.join(outdir, names["source_weights_h5"]))
    params = int(source.count_params())
    layers = len(source.layers)
    del source
    keras.backend.clear_session()
    keras.utils.set_random_seed(2)
    target = keras_resnet50_target(keras) if model == "resnet50" else keras_vgg16_target(keras)
    target.save(os.path.join(outdir, names["target_h5"]))
    target_params = int(target.count_params())
    keras.backend.clear_session()
    return {"params": params, "layers": layers, "target_params": target_params}


# ---------------------------------------------------------------- h5py fallback


def conv(name, kh, kw, cin, cout, bias=True):
    weights = [("kernel", (kh, kw, cin, cout))]
    if bias:
        weights.append(("bias", (cout,)))
    return (name, weights)


def batch_norm(name, channels):
    return (name, [(w, (channels,)) for w in ("gamma", "beta", "moving_mean", "moving_variance")])


def plain(name):
    return (name, [])


def resnet50_layers(cut=frozenset()):
    """keras.applications ResNet50 (v1) layers in model.layers order: (name, [(weight, shape)])."""
    out = [plain("input_1"), plain("conv1_pad"), conv("conv1_conv", 7, 7, 3, 64), batch_norm("conv1_bn", 64)]
    out += [plain("conv1_relu"), plain("pool1_pad"), plain("pool1_pool")]
    channels = 64
    for stage, filters, blocks, _stride in RESNET50_STAGES:
        for index in range(1, blocks + 1):
            b = f"{stage}_block{index}"
            if b in cut:
                continue
            if index == 1:
                out += [conv(b + "_0_conv", 1, 1, channels, 4 * filters), batch_norm(b + "_0_bn", 4 * filters)]
            out += [conv(b + "_1_conv", 1, 1, channels, filters), batch_norm(b + "_1_bn", filters), plain(b + "_1_relu")]
            out += [conv(b + "_2_conv", 3, 3, filters, filters), batch_norm(b + "_2_bn", filters), plain(b + "_2_relu")]
            out += [conv(b + "_3_conv", 1, 1, filters, 4 * filters), batch_norm(b + "_3_bn", 4 * filters)]
            out += [plain(b + "_add"), plain(b + "_out")]
            channels = 4 * filters
    out += [plain("avg_pool"), ("predictions", [("kernel", (2048, 1000)), ("bias", (1000,))])]
    return out


def vgg16_layers(drop_block4=False, units=4096):
    out = [plain("input_1")]
    channels = 3
    for block, filters, convs in VGG16_BLOCKS:
        if drop_block4 and block == "block4":
            continue
        for k in range(1, convs + 1):
            out.append(conv(f"{block}_conv{k}", 3, 3, channels, filters))
            channels = filters
        out.append(plain(f"{block}_pool"))
    out += [plain("flatten"), ("fc1", [("kernel", (7 * 7 * 512, units)), ("bias", (units,))])]
    out += [("fc2", [("kernel", (units, units)), ("bias", (units,))])]
    out += [("predictions", [("kernel", (units, 1000)), ("bias", (1000,))])]
    return out


def write_legacy_weights(h5py, np, path, layers, seed):
    rng = np.random.default_rng(seed)
    to_bytes = lambda names: np.array([n.encode("ascii") for n in names])  # noqa: E731 - fixed-length S<n>, like Keras
    with h5py.File(path + ".partial", "w") as f:
        f.attrs["layer_names"] = to_bytes([name for name, _ in layers])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.15.0"
        for name, weights in layers:
            group = f.create_group(name)
            if not weights:
                group.attrs["weight_names"] = np.zeros((0,), dtype="float64")
                continue
            group.attrs["weight_names"] = to_bytes([f"{name}/{w}:0" for w, _ in weights])
            inner = group.create_group(name)
            for w, shape in weights:
                values = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.05)
                inner.create_dataset(f"{w}:0", data=values)
    os.replace(path + ".partial", path)


def write_with_h5py(model, outdir):
    import h5py
    import numpy as np

    names = file_names(model)
    source = resnet50_layers() if model == "resnet50" else vgg16_layers()
    target = resnet50_layers(RESNET50_CUT) if model == "resnet50" else vgg16_layers(True, VGG16_TARGET_UNITS)
    write_legacy_weights(h5py, np, os.path.join(outdir, names["source_h5"]), source, 1)
    write_legacy_weights(h5py, np, os.path.join(outdir, names["source_weights_h5"]), source, 1)
    write_legacy_weights(h5py, np, os.path.join(outdir, names["target_h5"]), target, 2)
    count = lambda layers: sum(int(np.prod(s)) for _, ws in layers for _, s in ws)  # noqa: E731
    return {"params": count(source), "layers": len(source), "target_params": count(target)}


# ---------------------------------------------------------------- main


def parse(argv):
    outdir, models, generator = None, list(MODELS), "keras"
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--models":
            models = [m for m in args.pop(0).split(",") if m]
        elif arg == "--generator":
            generator = args.pop(0)
        elif outdir is None:
            outdir = arg
        else:
            raise SystemExit(f"unexpected argument {arg}")
    unknown = [m for m in models if m not in MODELS]
    if unknown or generator not in ("keras", "h5py"):
        raise SystemExit(f"models must be among {MODELS}, generator keras or h5py")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    return os.path.normpath(outdir or os.path.join(root, ".fixtures", "big")), models, generator


def load_manifest(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {"models": {}}


def main(argv):
    outdir, models, generator = parse(argv)
    os.makedirs(outdir, exist_ok=True)
    keras = None
    fallback_reason = None
    if generator == "keras":
        try:
            from keras_jobs import import_keras

            keras = import_keras()
        except Exception as err:  # noqa: BLE001 - any import failure means: use the fallback
            fallback_reason = f"{type(err).__name__}: {err}"
            generator = "h5py"
    manifest_path = os.path.join(outdir, "manifest.json")
    manifest = load_manifest(manifest_path)
    for model in models:
        names = file_names(model)
        known = manifest["models"].get(model)
        present = all(os.path.exists(os.path.join(outdir, n)) for n in names.values())
        if known and known.get("generator") == generator and present:
            continue
        started = time.time()
        info = write_with_keras(keras, model, outdir) if keras else write_with_h5py(model, outdir)
        info.update(
            generator=generator,
            keras_version=keras.__version__ if keras else None,
            fallback_reason=fallback_reason,
            seconds=round(time.time() - started, 1),
            files={key: {"name": n, "bytes": os.path.getsize(os.path.join(outdir, n))} for key, n in names.items()},
        )
        if not keras:
            info["note"] = "h5py fallback: legacy weights-only files with random values; no architecture"
        manifest["models"][model] = info
        with open(manifest_path + ".partial", "w") as handle:
            json.dump(manifest, handle, indent=2)
        os.replace(manifest_path + ".partial", manifest_path)
        print(f"{model}: {generator}, {info['params']:,} params, {info['seconds']} s", file=sys.stderr)
    print(json.dumps(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
