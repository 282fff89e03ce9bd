"""Real-Keras half of tests/keras/kerasOneForward.test.ts: our .keras of a Keras 1 file, run by Keras 3.

Usage: keras-one-forward.py JOBS.json
JOBS.json: a list of {"keras": our .keras, "weights": the original Keras 1 .h5, "arch": its JSON or
null (then the .h5's model_config), "batch": N, "seed": S}.

Per job, prints (one JSON list on the last line) what Keras 3 loaded and ran:
  variables     {layer name: [sha256 of each variable in layer.weights order]}
  output_shape  of model(x) for a fixed random x (the input shape Keras 1 saved)
  reference     {"keras1": max |keras3 - numpy|, "keras3_hard_sigmoid": ...}: the Keras 1 network
                computed by numpy straight from the ORIGINAL file's arrays and the ORIGINAL Keras 1
                config, as the Keras 1 TensorFlow backend ran it ('th' kernels transposed, not
                flipped; hard_sigmoid 0.2x + 0.5), and the same with Keras 3's hard_sigmoid (x/6 + 0.5).
It shares no code with Graft: it reads the Keras 1 names (convolution2d_1_W, lstm_1_W_i) itself.
"""
import hashlib
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")

import h5py  # noqa: E402
import numpy as np  # noqa: E402


def keras1_config(weights, arch):
    if arch:
        with open(arch, encoding="utf-8") as handle:
            return json.load(handle)
    with h5py.File(weights, "r") as h5:
        text = h5.attrs["model_config"]
    return json.loads(text.decode("utf-8") if hasattr(text, "decode") else text)


def stored_arrays(weights, layer):
    """{suffix: array} of a Keras 1 layer group: `W`, `b`, `W_i`, ... (names are `<layer>_<suffix>`)."""
    with h5py.File(weights, "r") as h5:
        root = h5["model_weights"] if "model_weights" in h5 else h5
        group = root[layer]
        return {name[len(layer) + 1 :]: np.asarray(group[name]) for name in group}


def activation(name, slope):
    if name == "linear":
        return lambda x: x
    if name == "relu":
        return lambda x: np.maximum(x, 0)
    if name == "tanh":
        return np.tanh
    if name == "sigmoid":
        return lambda x: 1 / (1 + np.exp(-x))
    if name == "hard_sigmoid":
        return lambda x: np.clip(slope * x + 0.5, 0, 1)
    if name == "softmax":

        def softmax(x):
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)

        return softmax
    raise ValueError(f"no reference for activation {name}")


def conv2d_th(x, kernel, bias, border_mode, subsample):
    """Keras 1 TF backend, dim_ordering 'th': kernel (out, in, kh, kw) transposed, correlation."""
    if tuple(subsample) != (1, 1):
        raise ValueError("reference covers subsample (1, 1) only")
    k = kernel.transpose(2, 3, 1, 0)  # (kh, kw, in, out)
    kh, kw = k.shape[:2]
    if border_mode == "same":
        x = np.pad(x, ((0, 0), (0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
    n, _, h, w = x.shape
    out = np.zeros((n, k.shape[3], h - kh + 1, w - kw + 1))
    for a in range(kh):
        for b in range(kw):
            out += np.einsum("nchw,co->nohw", x[:, :, a : a + out.shape[2], b : b + out.shape[3]], k[a, b])
    return out + bias.reshape(1, -1, 1, 1)


def max_pool_th(x, pool, strides):
    n, c, h, w = x.shape
    oh, ow = (h - pool[0]) // strides[0] + 1, (w - pool[1]) // strides[1] + 1
    out = np.full((n, c, oh, ow), -np.inf)
    for a in range(pool[0]):
        for b in range(pool[1]):
            out = np.maximum(out, x[:, :, a : a + strides[0] * oh : strides[0], b : b + strides[1] * ow : strides[1]])
    return out


def lstm(x, arrays, cfg, slope):
    """Keras 1 LSTM: gates i, f, c, o from the per-gate W_*, U_*, b_*."""
    act = activation(cfg["activation"], slope)
    inner = activation(cfg["inner_activation"], slope)
    units = arrays["U_i"].shape[0]
    h = np.zeros((x.shape[0], units))
    c = np.zeros_like(h)
    steps = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        gate = lambda g: xt @ arrays[f"W_{g}"] + h @ arrays[f"U_{g}"] + arrays[f"b_{g}"]  # noqa: E731
        i, f, o = inner(gate("i")), inner(gate("f")), inner(gate("o"))
        c = f * c + i * act(gate("c"))
        h = o * act(c)
        steps.append(h)
    return np.stack(steps, axis=1) if cfg.get("return_sequences") else h


def keras1_forward(config, weights, x, slope):
    layers = config["config"] if isinstance(config["config"], list) else config["config"]["layers"]
    for entry in layers:
        cls, cfg = entry["class_name"], entry["config"]
        if cls == "Convolution2D":
            if cfg["dim_ordering"] != "th":
                raise ValueError("reference covers dim_ordering 'th' only")
            w = stored_arrays(weights, cfg["name"])
            x = conv2d_th(x, w["W"], w["b"], cfg["border_mode"], cfg["subsample"])
            x = activation(cfg["activation"], slope)(x)
        elif cls == "MaxPooling2D":
            x = max_pool_th(x, cfg["pool_size"], cfg["strides"] or cfg["pool_size"])
        elif cls == "Activation":
            x = activation(cfg["activation"], slope)(x)
        elif cls == "Dropout":
            pass  # inference
        elif cls == "Flatten":
            x = x.reshape(x.shape[0], -1)
        elif cls == "Dense":
            w = stored_arrays(weights, cfg["name"])
            x = activation(cfg["activation"], slope)(x @ w["W"] + (w["b"] if cfg.get("bias", True) else 0))
        elif cls == "LSTM":
            x = lstm(x, stored_arrays(weights, cfg["name"]), cfg, slope)
        else:
            raise ValueError(f"no reference for Keras 1 class {cls}")
    return x


def batch_shape(config):
    layers = config["config"] if isinstance(config["config"], list) else config["config"]["layers"]
    return layers[0]["config"]["batch_input_shape"]


def run(keras, job):
    model = keras.saving.load_model(job["keras"], compile=False)
    variables = {
        layer.name: [
            hashlib.sha256(np.ascontiguousarray(keras.ops.convert_to_numpy(v)).tobytes()).hexdigest()
            for v in layer.weights
        ]
        for layer in model.layers
        if layer.weights
    }
    config = keras1_config(job["weights"], job.get("arch"))
    shape = [job["batch"]] + list(batch_shape(config)[1:])
    x = np.random.default_rng(job["seed"]).standard_normal(shape).astype("float32")
    y = np.asarray(keras.ops.convert_to_numpy(model(x, training=False)), dtype=np.float64)
    reference = {
        name: float(np.abs(y - keras1_forward(config, job["weights"], x.astype(np.float64), slope)).max())
        for name, slope in (("keras1", 0.2), ("keras3_hard_sigmoid", 1 / 6))
    }
    return {
        "ok": True,
        "variables": variables,
        "output_shape": list(y.shape),
        "output_abs_max": float(np.abs(y).max()),
        "reference": reference,
    }


def main(argv):
    with open(argv[0], encoding="utf-8") as handle:
        jobs = json.load(handle)
    import keras

    results = []
    for job in jobs:
        try:
            results.append(run(keras, job))
        except Exception as err:  # one job's failure is a result, not a crash
            results.append({"ok": False, "error": f"{type(err).__name__}: {err}"[:4000]})
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
