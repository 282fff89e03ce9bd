"""Builds small Keras 3 models covering every layer kind the weight catalogue knows, fills every
variable with seeded random values, and saves each as `<name>.weights.h5` + `<name>.json` + legacy
`<name>.h5` (and a few as `<name>.keras`). Writes OUTDIR/index.json with what real Keras says about every layer:
its Python class and its variables in load order (trainable first, then non-trainable) with name,
shape, trainable flag and value sum, plus `to_snake_case` of every class in keras.layers. Used by
tests/keras/keras3RealModels.test.ts as the independent truth for weightCatalog.ts / nativePaths.ts.

Usage: python keras3-real-models.py OUTDIR   (needs keras 3 + a backend)
"""

import json
import os
import sys
import warnings

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
warnings.filterwarnings("ignore")

import inspect  # noqa: E402

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402
from keras.src.saving import serialization_lib  # noqa: E402
from keras.src.utils import naming  # noqa: E402

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
rng = np.random.RandomState(1234)


def randomise(model):
    for v in model.weights:
        dtype = np.dtype(v.dtype)
        if np.issubdtype(dtype, np.integer):
            v.assign(rng.randint(1, 100, size=v.shape).astype(dtype))
        else:
            v.assign(rng.normal(size=v.shape).astype(dtype))


def describe(model, prefix=""):
    out = {}
    for layer in model.layers:
        lid = prefix + layer.name
        if isinstance(layer, keras.Model):
            out.update(describe(layer, lid + "/"))
            continue
        ws = list(layer.trainable_weights) + list(layer.non_trainable_weights)
        out[lid] = {
            "class": type(layer).__name__,
            "weights": [
                {
                    "name": w.name,
                    "path": w.path,
                    "shape": list(w.shape),
                    "trainable": bool(w.trainable),
                    "sum": float(np.asarray(keras.ops.convert_to_numpy(w.value), dtype=np.float64).sum()),
                }
                for w in ws
            ],
        }
    return out


models = {}


def everything_functional():
    inp = keras.Input((8, 8, 3), name="img")
    x = L.Conv2D(4, 3, padding="same")(inp)
    x = L.Conv2D(4, 3, padding="same", use_bias=False)(x)
    x = L.BatchNormalization(center=False)(x)
    x = L.BatchNormalization(scale=False)(x)
    x = L.BatchNormalization(scale=False, center=False)(x)
    x = L.DepthwiseConv2D(3, padding="same")(x)
    x = L.SeparableConv2D(4, 3, padding="same")(x)
    x = L.Conv2DTranspose(5, 3, padding="same")(x)
    x = L.PReLU(shared_axes=[1, 2])(x)
    x = L.LayerNormalization()(x)
    x = L.LayerNormalization(rms_scaling=True)(x)
    x = L.GroupNormalization(groups=5)(x)
    x = L.Reshape((8, 40))(x)
    s = L.SimpleRNN(3, return_sequences=True)(x)
    lstm = L.LSTM(3, return_sequences=True)(x)
    g = L.GRU(3, return_sequences=True)(x)
    g2 = L.GRU(3, return_sequences=True, reset_after=False)(x)
    b = L.Bidirectional(L.LSTM(2, return_sequences=True))(x)
    b2 = L.Bidirectional(
        L.GRU(2, return_sequences=True),
        backward_layer=L.GRU(2, return_sequences=True, go_backwards=True),
    )(x)
    t = L.TimeDistributed(L.Dense(3))(x)
    m = L.MultiHeadAttention(num_heads=2, key_dim=3)(x, x)
    m2 = L.MultiHeadAttention(num_heads=2, key_dim=2, use_bias=False)(x, x)
    c = L.Concatenate()([s, lstm, g, g2, b, b2, t, m, m2])
    c = L.Conv1D(3, 2)(c)
    c = L.Conv1DTranspose(3, 2)(c)
    c = L.Flatten()(c)
    inner = keras.Sequential([keras.Input((c.shape[-1],)), L.Dense(5), L.Dense(4)], name="inner_seq")
    c = inner(c)
    i2 = keras.Input((4,))
    inner_f = keras.Model(i2, L.Dense(3)(L.Dense(4)(i2)), name="inner_fn")
    c = inner_f(c)
    e = L.EinsumDense("ab,bc->ac", output_shape=2, bias_axes="c")(c)
    out = L.Dense(2, name="head")(e)
    return keras.Model(inp, out, name="everything")


def more_functional():
    inp = keras.Input((6, 6, 6, 2))
    a = L.Conv3D(2, 3, padding="same")(inp)
    a = L.Conv3DTranspose(2, 3, padding="same", use_bias=False)(a)
    a = L.Reshape((6, 6, 12))(a)
    a = L.Conv2D(4, 3, groups=2, padding="same")(a)
    a = L.ConvLSTM1D(2, 3, padding="same", return_sequences=True)(a)
    a = L.Reshape((6, 12))(a)
    b = L.DepthwiseConv1D(3, padding="same")(a)
    b = L.SeparableConv1D(4, 3, padding="same", use_bias=False)(b)
    b = L.SimpleRNN(2, return_sequences=True, use_bias=False)(b)
    c = L.Bidirectional(L.SimpleRNN(2, return_sequences=True))(a)
    d = L.RNN(L.LSTMCell(3), return_sequences=True)(a)
    e = L.RNN([L.GRUCell(3), L.GRUCell(2)], return_sequences=True)(a)
    f = L.TimeDistributed(L.Dense(3, use_bias=False))(a)
    g = L.Attention(use_scale=True, score_mode="concat")([a, a])
    h = L.AdditiveAttention(use_scale=True)([a, a])
    i = L.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)(a, a)
    norm = L.Normalization()
    j = norm(a)
    k = L.RMSNormalization()(a)
    gn = L.GroupNormalization(groups=2, center=False)(a)
    m = L.LayerNormalization(center=False)(a)
    n = L.BatchNormalization(trainable=False)(a)
    o = L.Dense(3, trainable=False)(a)
    p = L.EinsumDense("abc,cd->abd", output_shape=(None, 2))(a)
    q = L.LSTM(2, use_bias=False, return_sequences=True)(a)
    r = L.GRU(2, return_sequences=True, trainable=False)(a)
    x = L.Concatenate()([b, c, d, e, f, g, h, i, j, k, gn, m, n, o, p, q, r])
    x = L.Flatten()(x)
    x2 = keras.Input((3,), dtype="int32")
    emb = L.Flatten()(L.Embedding(10, 2)(x2))
    y = L.Concatenate()([x, emb])
    y = L.Dense(2)(y)
    return keras.Model([inp, x2], y, name="more")


def nested_sequential():
    inner = keras.Sequential([L.Dense(6), L.BatchNormalization(), L.Dense(5)], name="block")
    inner2 = keras.Sequential([keras.Input((5,)), L.Dense(4), L.Dense(4, trainable=False)], name="block2")
    inner3 = keras.Sequential([keras.Input((4,)), L.Dense(4), L.BatchNormalization()], name="frozen_block")
    inner3.trainable = False
    model = keras.Sequential(
        [keras.Input((7,)), L.Dense(7), inner, L.Dropout(0.1), inner2, inner3, L.Dense(3), L.BatchNormalization()],
        name="seq_outer",
    )
    return model


def shared_and_reused():
    # The encoder shares the outer InputLayer (its container counts it, nothing is written twice);
    # a Dense is shared by two calls; two nested Functionals of the same class get functional, functional_1.
    inp = keras.Input((10,), name="x")
    h = L.Dense(8)(inp)
    h = L.Dense(6)(h)
    encoder = keras.Model(inp, h, name="encoder")
    j = keras.Input((6,))
    decoder = keras.Model(j, L.Dense(10)(L.Dense(8)(j)), name="decoder")
    shared = L.Dense(6, name="shared")
    z = encoder(inp)
    z = shared(z)
    z = shared(z)
    y = decoder(z)
    return keras.Model(inp, y, name="autoencoder")


def sequential_rnns():
    return keras.Sequential(
        [
            keras.Input((5, 4, 4, 2)),
            L.TimeDistributed(L.Conv2D(3, 2)),
            L.TimeDistributed(L.Flatten()),
            L.Bidirectional(L.GRU(3, return_sequences=True, reset_after=False)),
            L.GRU(2, return_sequences=True),
            L.LSTM(2),
            L.RepeatVector(3),
            L.TimeDistributed(L.Dense(1)),
        ],
        name="rnns",
    )


@keras.saving.register_keras_serializable(package="graft_test")
class MyScale(L.Layer):
    """A custom layer: one own variable plus a Dense held as an attribute (unknown to the catalogue)."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.proj = L.Dense(units)

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), name="scale")
        self.proj.build(input_shape)

    def call(self, x):
        return self.proj(x * self.scale)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def custom_layer():
    inp = keras.Input((5,))
    x = MyScale(4)(inp)
    x = MyScale(2)(x)
    return keras.Model(inp, L.Dense(1)(x), name="custom")


builders = {
    "everything": everything_functional,
    "more": more_functional,
    "nested_sequential": nested_sequential,
    "shared_and_reused": shared_and_reused,
    "sequential_rnns": sequential_rnns,
    "custom": custom_layer,
}
archives = {"shared_and_reused", "nested_sequential", "sequential_rnns", "custom"}

index = {"keras_version": keras.__version__, "models": [], "snake": {}, "public_names": {}}
for name, build in builders.items():
    model = build()
    randomise(model)
    model.save_weights(os.path.join(OUT, f"{name}.weights.h5"))
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        f.write(model.to_json())
    model.save(os.path.join(OUT, f"{name}.h5"))  # legacy full model, for the cross-reader check
    entry = {
        "name": name,
        "weights": f"{name}.weights.h5",
        "json": f"{name}.json",
        "legacy": f"{name}.h5",
        "layers": describe(model),
    }
    if name in archives:
        model.save(os.path.join(OUT, f"{name}.keras"))
        entry["keras"] = f"{name}.keras"
    index["models"].append(entry)

for public in dir(keras.layers):
    cls = getattr(keras.layers, public)
    if not inspect.isclass(cls):
        continue
    serialized = serialization_lib.serialize_with_public_class(cls, {})
    config_name = serialized["class_name"] if serialized else cls.__name__
    index["snake"][config_name] = naming.to_snake_case(cls.__name__)
    index["public_names"][config_name] = cls.__name__

with open(os.path.join(OUT, "index.json"), "w") as f:
    json.dump(index, f, indent=1)
print(json.dumps({"ok": True, "models": len(index["models"])}))
