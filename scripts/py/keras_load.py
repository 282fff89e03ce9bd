#!/usr/bin/env python3
"""Build a model with real Keras, load a weights file into it, dump what was loaded.

Usage: keras_load.py --model SRC --weights OURS [--by-name] [--skip-mismatch]
                     [--dump OUT.h5] [--load-model] [--src-weights] [--log FILE] [--verbose]

Prints ONE JSON line ({"ok": true, ...} or {"ok": false, "stage": ..., "error": ...}) and
exits 0 either way, so a caller can tell "Keras cannot rebuild this config" (stage build)
from "the weights file failed to load" (stage load). Exit 64 only for a bad command line.
See keras_jobs.py for the fields.
"""

import argparse
import os
import sys

# keras_jobs sits beside this script; no __pycache__ left in the work tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from keras_jobs import import_keras, protect_stdout, run_job, write_json_line  # noqa: E402


class UsageParser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"keras_load: {message}", file=sys.stderr)
        sys.exit(64)


def main(argv):
    parser = UsageParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="architecture source: .keras, full-model .h5, or model JSON")
    parser.add_argument("--weights", help="weights file for model.load_weights (or the file for --load-model)")
    parser.add_argument("--by-name", action="store_true")
    parser.add_argument("--skip-mismatch", action="store_true")
    parser.add_argument("--dump", help="write every loaded variable to this HDF5 file")
    parser.add_argument("--load-model", action="store_true", help="keras.saving.load_model(WEIGHTS) instead")
    parser.add_argument("--src-weights", action="store_true", help="build with load_model(SRC), keeping its weights")
    parser.add_argument("--log", help="append TensorFlow/Keras stderr here (default: discarded)")
    parser.add_argument("--verbose", action="store_true", help="leave stderr alone")
    args = parser.parse_args(argv)
    if not args.load_model and not args.model:
        parser.error("--model is required unless --load-model")
    if args.load_model and not (args.weights or args.model):
        parser.error("--load-model needs --weights (the file to load)")

    result_out = protect_stdout(args.log, args.verbose)
    job = {
        "model": args.model,
        "weights": args.weights,
        "by_name": args.by_name,
        "skip_mismatch": args.skip_mismatch,
        "dump": args.dump,
        "load_model": args.load_model,
        "src_weights": args.src_weights,
    }
    try:
        keras = import_keras()
    except Exception as err:
        write_json_line(result_out, {"ok": False, "stage": "import", "error": f"{type(err).__name__}: {err}"})
        return 0
    write_json_line(result_out, run_job(keras, job))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
