#!/usr/bin/env python3
"""Run many keras_load.py jobs in one Python process (importing TensorFlow costs seconds).

Usage: keras_batch.py JOBS.json [--log FILE] [--verbose]

JOBS.json (or "-" for stdin) holds a JSON list of jobs, each the dict described in
keras_jobs.py (model, weights, by_name, skip_mismatch, dump, load_model, src_weights).
Prints ONE JSON line: the list of results in job order, each as keras_load.py prints it.
Exits 0 whenever it could read the jobs; 64 for a bad command line or unreadable jobs.
"""

import argparse
import json
import os
import sys

# keras_jobs sits beside this script; no __pycache__ left in the work tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from keras_jobs import import_keras, protect_stdout, run_job, write_json_line  # noqa: E402


def read_jobs(source):
    text = sys.stdin.read() if source == "-" else open(source, encoding="utf-8").read()
    jobs = json.loads(text)
    if not isinstance(jobs, list) or not all(isinstance(job, dict) for job in jobs):
        raise ValueError("jobs must be a JSON list of objects")
    return jobs


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jobs")
    parser.add_argument("--log", help="append TensorFlow/Keras stderr here (default: discarded)")
    parser.add_argument("--verbose", action="store_true", help="leave stderr alone")
    args = parser.parse_args(argv)
    try:
        jobs = read_jobs(args.jobs)
    except (OSError, ValueError) as err:
        print(f"keras_batch: {err}", file=sys.stderr)
        return 64

    result_out = protect_stdout(args.log, args.verbose)
    try:
        keras = import_keras()
    except Exception as err:
        failure = {"ok": False, "stage": "import", "error": f"{type(err).__name__}: {err}", "warnings": []}
        write_json_line(result_out, [failure for _ in jobs])
        return 0
    write_json_line(result_out, [run_job(keras, job) for job in jobs])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
