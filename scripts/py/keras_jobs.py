"""Run "can real Keras load this?" jobs and dump what it loaded, for keras_load.py / keras_batch.py.

A job is a dict:
  model         source of the architecture: `.keras` zip, full-model legacy `.h5`, or a
                `to_json()` / `config.json` file (may be omitted with load_model)
  weights       file given to `model.load_weights` (omit to dump the freshly built model)
  by_name       load_weights(by_name=True) (legacy .h5 only)
  skip_mismatch load_weights(skip_mismatch=True)
  load_model    instead of building + load_weights: keras.saving.load_model(weights)
  src_weights   build with load_model(model) so the source's own weights are in place
                before load_weights (default: build from the config only, so a layer
                that load_weights skipped still has fresh initializer values and a test
                cannot mistake leftover source values for loaded ones)
  dump          write every variable to this HDF5 file (see dump_variables)

A result is {"ok": true, "layers": N, "variables": M, ...} or
{"ok": false, "stage": "build"|"load"|"dump", "error": "..."}; both carry "warnings".
"""

import gc
import json
import logging
import os
import warnings
import zipfile

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
MAX_ERROR_CHARS = 4000
# Library deprecation chatter (numpy 2 __array__ etc.) says nothing about the files under test.
NOISE_WARNINGS = (DeprecationWarning, PendingDeprecationWarning)


def quiet_environment():
    # Must be set before TensorFlow is imported; CUDA probing and C++ INFO logs are noise here.
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
    os.environ.setdefault("PYTHONWARNINGS", "ignore")


def protect_stdout(log_path=None, verbose=False):
    """Keep stdout for our JSON only.

    TensorFlow's C++ logging ignores TF_CPP_MIN_LOG_LEVEL for some messages and Keras
    prints progress to stdout, so both file descriptors are redirected and the JSON is
    written to a private duplicate of the original stdout.
    """
    result_out = os.fdopen(os.dup(1), "w")
    if not verbose:
        target = os.open(log_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(target, 2)
        os.close(target)
    os.dup2(2, 1)
    return result_out


def import_keras():
    quiet_environment()
    import keras  # noqa: E402 - the environment above must come first

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    # TensorFlow's import leaves millions of long-lived objects; freezing them keeps every later
    # gc.collect() (one per job) from walking them again - most of a small job's time otherwise.
    gc.freeze()
    return keras


class CapturedLog(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


def describe_error(err):
    text = f"{type(err).__name__}: {err}"
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS] + " ..."


def sniff(path):
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if head == HDF5_SIGNATURE:
        return "hdf5"
    return "json"


def h5_model_config(path):
    import h5py

    with h5py.File(path, "r") as h5file:
        config = h5file.attrs.get("model_config")
    if config is None:
        raise ValueError(f"{path} has no model_config attribute (a weights-only file cannot build a model)")
    return config.decode("utf-8") if hasattr(config, "decode") else str(config)


def build_from_legacy_config(keras, config_text):
    """The path keras.models.load_model takes for a legacy .h5 (it also accepts Keras 2 configs)."""
    from keras.src.legacy.saving import json_utils, saving_utils

    return saving_utils.model_from_config(json_utils.decode(config_text))


def build_model(keras, src, src_weights):
    """Returns (model, how it was built)."""
    kind = sniff(src)
    if kind == "zip":
        if src_weights:
            return keras.saving.load_model(src, compile=False), "load_model"
        from keras.src.saving import saving_lib

        with zipfile.ZipFile(src) as archive:
            config_json = archive.read("config.json").decode("utf-8")
        # Same call load_model makes for a .keras archive, minus reading the weights.
        return saving_lib._model_from_config(config_json, None, False, True), "keras_config"
    if kind == "hdf5":
        if src_weights:
            try:
                return keras.models.load_model(src, compile=False), "load_model"
            except Exception:
                pass  # fall back to the config, which is what the spec of this tool asks for
        config_text = h5_model_config(src)
        try:
            return build_from_legacy_config(keras, config_text), "h5_model_config"
        except Exception as legacy_error:
            try:
                return keras.models.model_from_json(config_text), "h5_model_config_from_json"
            except Exception:
                raise legacy_error  # the error load_model itself would have given
    with open(src, encoding="utf-8") as handle:
        config_text = handle.read()
    try:
        return keras.models.model_from_json(config_text), "model_from_json"
    except Exception as first_error:
        try:
            return build_from_legacy_config(keras, config_text), "legacy_model_from_config"
        except Exception:
            raise first_error


def is_container(keras, layer):
    return isinstance(layer, keras.Model) and hasattr(layer, "layers")


def walk_layers(keras, layers, prefix=()):
    """Yields (path tuple, layer) for every layer, descending into nested models."""
    for layer in layers:
        path = prefix + (layer.name,)
        yield path, layer
        if is_container(keras, layer):
            yield from walk_layers(keras, layer.layers, path)


def count_weighted_top_layers(model):
    return sum(1 for layer in model.layers if layer.weights)


def dump_variables(keras, model, out_path):
    """Writes `<layer path>/<i>` for every variable of every non-container layer.

    `i` is the position in `layer.weights`; the attributes `path` (the variable's
    Keras path), `trainable` and `legacy_index` (position in trainable + non-trainable,
    the order legacy .h5 files use) let a test match datasets without guessing.
    """
    import h5py
    import numpy as np

    layer_count = 0
    variable_count = 0
    with h5py.File(out_path, "w") as out:
        out.attrs["model_name"] = model.name
        for path, layer in walk_layers(keras, model.layers):
            layer_count += 1
            if is_container(keras, layer):
                continue
            group = out.require_group("/".join(path))
            group.attrs["class_name"] = type(layer).__name__
            legacy_order = [id(v) for v in layer.trainable_weights + layer.non_trainable_weights]
            for index, variable in enumerate(layer.weights):
                dataset = group.create_dataset(str(index), data=np.asarray(keras.ops.convert_to_numpy(variable)))
                dataset.attrs["path"] = variable.path
                dataset.attrs["trainable"] = bool(variable.trainable)
                dataset.attrs["legacy_index"] = legacy_order.index(id(variable)) if id(variable) in legacy_order else -1
                variable_count += 1
    return layer_count, variable_count


def count_layers_and_variables(keras, model):
    layers = list(walk_layers(keras, model.layers))
    variables = sum(len(layer.weights) for _, layer in layers if not is_container(keras, layer))
    return len(layers), variables


def run_job(keras, job):
    captured = CapturedLog()
    root_logger = logging.getLogger()
    root_logger.addHandler(captured)
    result = {"ok": False}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = execute(keras, job)
        finally:
            root_logger.removeHandler(captured)
    messages = [f"{w.category.__name__}: {w.message}" for w in caught if not issubclass(w.category, NOISE_WARNINGS)]
    result["warnings"] = list(dict.fromkeys(messages + captured.messages))
    keras.backend.clear_session()
    gc.collect()
    return result


def execute(keras, job):
    weights = job.get("weights")
    stage = "build"
    try:
        if job.get("load_model"):
            stage = "load"
            target = weights or job.get("model")
            if not target:
                raise ValueError("load_model needs weights (or model) to name the file to load")
            model = keras.saving.load_model(target, compile=False)
            built_with = "load_model"
        else:
            if not job.get("model"):
                raise ValueError("a job needs model (or load_model)")
            model, built_with = build_model(keras, job["model"], bool(job.get("src_weights")))
            if weights:
                stage = "load"
                options = {}
                if job.get("by_name"):
                    options["by_name"] = True
                if job.get("skip_mismatch"):
                    options["skip_mismatch"] = True
                model.load_weights(weights, **options)
        stage = "dump"
        if job.get("dump"):
            layers, variables = dump_variables(keras, model, job["dump"])
        else:
            layers, variables = count_layers_and_variables(keras, model)
    except Exception as err:
        return {"ok": False, "stage": stage, "error": describe_error(err)}
    return {
        "ok": True,
        "layers": layers,
        "variables": variables,
        "weighted_layers": count_weighted_top_layers(model),
        "model_name": model.name,
        "built_with": built_with,
    }


def write_json_line(stream, value):
    stream.write(json.dumps(value, separators=(",", ":")) + "\n")
    stream.flush()


def keras_version(keras):
    return getattr(keras, "__version__", "unknown")

