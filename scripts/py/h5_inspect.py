#!/usr/bin/python3
"""Dump an HDF5 file (or the weights member of a `.keras` zip) as one JSON object.

This is the independent reader our tests compare against: it uses only h5py and
numpy, never our own code, so a bug in Graft's readers or writers cannot hide in it.

Usage: h5_inspect.py FILE [--values PATH ...] [--member NAME]

Exit codes: 0 dump on stdout; 2 not HDF5 (also an empty file, or a zip whose
member is missing or not HDF5); 3 HDF5 or zip signature present but unreadable
(truncated or corrupt); 64 bad command line; 1 anything else (e.g. no such file).
"""

import argparse
import hashlib
import io
import json
import math
import sys
import zipfile

import h5py
import numpy as np
from h5py import h5d, h5l, h5t, h5z

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
EXIT_NOT_HDF5 = 2
EXIT_UNREADABLE = 3
EXIT_USAGE = 64

TYPE_CLASSES = {
    h5t.INTEGER: "int",
    h5t.FLOAT: "float",
    h5t.STRING: "string",
    h5t.BITFIELD: "bitfield",
    h5t.OPAQUE: "opaque",
    h5t.COMPOUND: "compound",
    h5t.REFERENCE: "reference",
    h5t.ENUM: "enum",
    h5t.VLEN: "vlen",
    h5t.ARRAY: "array",
    h5t.TIME: "time",
}
CSETS = {h5t.CSET_ASCII: "ascii", h5t.CSET_UTF8: "utf8"}
STRPADS = {h5t.STR_NULLTERM: "nullterm", h5t.STR_NULLPAD: "nullpad", h5t.STR_SPACEPAD: "spacepad"}
LAYOUTS = {
    h5d.COMPACT: "compact",
    h5d.CONTIGUOUS: "contiguous",
    h5d.CHUNKED: "chunked",
    h5d.VIRTUAL: "virtual",
}
FILTER_NAMES = {
    h5z.FILTER_DEFLATE: "gzip",
    h5z.FILTER_SHUFFLE: "shuffle",
    h5z.FILTER_FLETCHER32: "fletcher32",
    h5z.FILTER_SZIP: "szip",
    h5z.FILTER_NBIT: "nbit",
    h5z.FILTER_SCALEOFFSET: "scaleoffset",
    32000: "lzf",
}
LINK_TYPES = {h5l.TYPE_HARD: "hard", h5l.TYPE_SOFT: "soft", h5l.TYPE_EXTERNAL: "external"}


class InspectFailure(Exception):
    def __init__(self, exit_code, message):
        super().__init__(message)
        self.exit_code = exit_code


class UsageParser(argparse.ArgumentParser):
    # argparse exits 2 on bad usage, which would collide with "not HDF5".
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"h5_inspect: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def json_float(value):
    """JSON has no NaN/Infinity; JavaScript's JSON.parse rejects Python's spelling of them."""
    value = float(value)
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def decode_bytes(raw):
    return raw.decode("utf-8", errors="replace")


def to_json_value(value):
    """Turn whatever h5py returns (numpy scalars/arrays, bytes, Empty) into plain JSON."""
    if isinstance(value, h5py.Empty):
        return None
    if isinstance(value, (bytes, np.bytes_)):
        return decode_bytes(bytes(value))
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SOUV" or value.dtype.names:
            return [to_json_value(item) for item in value.tolist()] if value.ndim else to_json_value(value[()])
        if value.dtype.kind in "fc":
            return nested_floats(value)
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    if isinstance(value, (np.floating, float)):
        return json_float(value)
    if isinstance(value, (np.integer, np.bool_)):
        return value.item()
    if isinstance(value, np.void):
        return decode_bytes(value.tobytes()) if value.dtype.names is None else [to_json_value(v) for v in value]
    return value


def nested_floats(array):
    if array.dtype.kind == "c":
        array = np.abs(array)
    if array.ndim == 0:
        return json_float(array[()])
    return [nested_floats(row) if row.ndim else json_float(row) for row in array]


def describe_type(tid, shape):
    info = {
        "class": TYPE_CLASSES.get(tid.get_class(), f"class-{tid.get_class()}"),
        "itemsize": tid.get_size(),
        "shape": list(shape) if shape is not None else None,
    }
    if isinstance(tid, h5t.TypeStringID):
        info["vlen"] = bool(tid.is_variable_str())
        info["cset"] = CSETS.get(tid.get_cset(), str(tid.get_cset()))
        info["strpad"] = STRPADS.get(tid.get_strpad(), str(tid.get_strpad()))
    else:
        info["vlen"] = tid.get_class() == h5t.VLEN
    return info


def describe_attrs(obj):
    attrs = {}
    for name in obj.attrs:
        aid = obj.attrs.get_id(name)
        entry = {"type": describe_type(aid.get_type(), aid.shape)}
        try:
            entry["value"] = to_json_value(obj.attrs[name])
        except Exception as err:  # an exotic type h5py cannot turn into numpy
            entry["value"] = None
            entry["error"] = f"{type(err).__name__}: {err}"
        attrs[name] = entry
    return attrs


def describe_filters(dcpl):
    filters = []
    for index in range(dcpl.get_nfilters()):
        code, flags, values, name = dcpl.get_filter(index)
        filters.append(
            {
                "id": code,
                "name": FILTER_NAMES.get(code, decode_bytes(name) if name else f"filter-{code}"),
                "flags": flags,
                "options": list(values),
            }
        )
    return filters


def describe_dataset(path, ds):
    dcpl = ds.id.get_create_plist()
    layout = dcpl.get_layout()
    entry = {
        "path": path,
        "kind": "dataset",
        "shape": list(ds.shape) if ds.shape is not None else None,
        "dtype": ds.dtype.str,
        "type": describe_type(ds.id.get_type(), ds.shape),
        "layout": LAYOUTS.get(layout, f"layout-{layout}"),
        "chunks": list(ds.chunks) if ds.chunks else None,
        "filters": describe_filters(dcpl),
        "compression": ds.compression,
        "storage_size": ds.id.get_storage_size(),
        "external": [
            {"file": decode_bytes(name), "offset": offset, "size": size}
            for name, offset, size in (dcpl.get_external(i) for i in range(dcpl.get_external_count()))
        ],
        "attrs": describe_attrs(ds),
    }
    entry.update(summarize_data(ds))
    return entry


def summarize_data(ds):
    """Checksums that let a test compare values without shipping them all through JSON."""
    try:
        data = ds[()]
    except Exception as err:  # e.g. a filter this h5py build does not have
        return {"sha256": None, "sum": None, "abs_sum": None, "first": None, "read_error": f"{type(err).__name__}: {err}"}
    array = np.asarray(data)
    summary = {"sha256": None, "sum": None, "abs_sum": None, "first": None}
    if array.dtype.kind != "O":
        summary["sha256"] = hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()
    if array.dtype.kind in "biuf":
        as_float = array.astype(np.float64)
        summary["sum"] = json_float(as_float.sum())
        summary["abs_sum"] = json_float(np.abs(as_float).sum())
        summary["first"] = [json_float(v) for v in as_float.reshape(-1)[:4]]
    return summary


def walk(h5file):
    objects = [{"path": "/", "kind": "group", "attrs": describe_attrs(h5file)}]

    def visit(name, obj):
        path = "/" + name
        if isinstance(obj, h5py.Dataset):
            objects.append(describe_dataset(path, obj))
        elif isinstance(obj, h5py.Group):
            objects.append({"path": path, "kind": "group", "attrs": describe_attrs(obj)})
        else:
            objects.append({"path": path, "kind": "datatype", "attrs": describe_attrs(obj)})

    h5file.visititems(visit)
    return objects


def non_hard_links(h5file):
    """Keras refuses soft/external links; visititems skips them, so list them separately."""
    found = []

    def visit(name, info):
        if info.type != h5l.TYPE_HARD:
            path = "/" + decode_bytes(name)
            link = h5file.get(path, getlink=True)
            entry = {"path": path, "type": LINK_TYPES.get(info.type, str(info.type))}
            if isinstance(link, h5py.SoftLink):
                entry["target"] = link.path
            elif isinstance(link, h5py.ExternalLink):
                entry["target"] = link.path
                entry["file"] = link.filename
            found.append(entry)
        return None

    h5file.id.links.visit(visit, info=True)
    return found


def superblock_info(h5file, raw):
    version = h5file.id.get_create_plist().get_version()[0]
    userblock = h5file.id.get_create_plist().get_userblock()
    hint = {0: "earliest", 1: "earliest", 2: "v108", 3: "v110"}.get(version, "later")
    return {"version": version, "userblock_size": userblock, "libver_hint": hint, "signature_offset": signature_offset(raw)}


def signature_offset(raw):
    """HDF5 allows a user block, so the signature may sit at 0, 512, 1024, 2048, ..."""
    offset = 0
    while offset + len(HDF5_SIGNATURE) <= len(raw):
        if raw[offset : offset + len(HDF5_SIGNATURE)] == HDF5_SIGNATURE:
            return offset
        offset = 512 if offset == 0 else offset * 2
    return None


def dataset_values(h5file, paths):
    values = {}
    for path in paths:
        key = path if path.startswith("/") else "/" + path
        obj = h5file.get(key)
        if not isinstance(obj, h5py.Dataset):
            raise InspectFailure(EXIT_USAGE, f"--values {path}: no dataset at that path")
        values[key] = to_json_value(np.asarray(obj[()]))
    return values


def parse_json_member(archive, name):
    if name not in archive.namelist():
        return None
    try:
        return json.loads(archive.read(name).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def describe_zip(archive):
    compress_names = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
    return {
        "members": [
            {
                "name": info.filename,
                "compress_type": compress_names.get(info.compress_type, f"method-{info.compress_type}"),
                "file_size": info.file_size,
                "compress_size": info.compress_size,
            }
            for info in archive.infolist()
        ],
        "config": parse_json_member(archive, "config.json"),
        "metadata": parse_json_member(archive, "metadata.json"),
    }


def load_source(path, member):
    """Returns (hdf5 bytes, zip description or None)."""
    with open(path, "rb") as handle:
        raw = handle.read()
    if not raw:
        raise InspectFailure(EXIT_NOT_HDF5, f"{path}: not HDF5 (empty file)")
    if raw[:4] == b"PK\x03\x04" or raw[:4] == b"PK\x05\x06":
        try:
            archive = zipfile.ZipFile(io.BytesIO(raw))
        except zipfile.BadZipFile as err:
            raise InspectFailure(EXIT_UNREADABLE, f"{path}: zip signature but unreadable (truncated?): {err}")
        with archive:
            if member not in archive.namelist():
                raise InspectFailure(EXIT_NOT_HDF5, f"{path}: not HDF5 (zip has no member {member})")
            try:
                inner = archive.read(member)
            except (zipfile.BadZipFile, EOFError, OSError) as err:
                raise InspectFailure(EXIT_UNREADABLE, f"{path}: zip member {member} unreadable: {err}")
            described = describe_zip(archive)
        if signature_offset(inner) is None:
            raise InspectFailure(EXIT_NOT_HDF5, f"{path}: not HDF5 (zip member {member} is not HDF5)")
        return inner, described
    if signature_offset(raw) is None:
        raise InspectFailure(EXIT_NOT_HDF5, f"{path}: not HDF5 (no HDF5 signature)")
    return raw, None


def inspect(path, member, value_paths):
    raw, zip_info = load_source(path, member)
    try:
        h5file = h5py.File(io.BytesIO(raw), "r")
    except Exception as err:
        raise InspectFailure(EXIT_UNREADABLE, f"{path}: HDF5 signature but h5py cannot open it: {err}")
    with h5file:
        try:
            dump = {
                "file": path,
                "size": len(raw),
                "format": "zip" if zip_info else "hdf5",
                "member": member if zip_info else None,
                "superblock": superblock_info(h5file, raw),
                "objects": walk(h5file),
                "links": non_hard_links(h5file),
            }
        except (OSError, RuntimeError, KeyError) as err:
            # A truncated file can open (the superblock is intact) and fail while walking.
            raise InspectFailure(EXIT_UNREADABLE, f"{path}: HDF5 unreadable while walking: {err}")
        if value_paths:
            dump["values"] = dataset_values(h5file, value_paths)
    if zip_info:
        dump["zip"] = zip_info
    return dump


def main(argv):
    parser = UsageParser(description="Dump an HDF5 / .keras file as JSON using h5py only.")
    parser.add_argument("file")
    parser.add_argument("--values", action="append", default=[], metavar="PATH", help="include full values")
    parser.add_argument("--member", default="model.weights.h5", help="zip member to open (default model.weights.h5)")
    args = parser.parse_args(argv)
    try:
        dump = inspect(args.file, args.member, args.values)
    except InspectFailure as failure:
        print(str(failure).replace("\n", " "), file=sys.stderr)
        return failure.exit_code
    except FileNotFoundError as err:
        print(f"{args.file}: {err.strerror}", file=sys.stderr)
        return 1
    json.dump(dump, sys.stdout, allow_nan=False, separators=(",", ":"))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
