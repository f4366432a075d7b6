"""The wire between the judge and the worker: frames of JSON plus raw array bytes, never pickle.

A frame is an 8-byte header (two big-endian unsigned 32-bit lengths: the JSON text, then the
buffers), the JSON text, then the buffers. The JSON holds a tree of plain values:

- ``null``, ``true``, ``false``, finite numbers and strings stand for themselves;
- a JSON list is a Python list;
- every other value is a tagged object ``{"t": tag, ...}``:
  ``tuple`` and ``dict`` (keys and values as trees), ``float`` (nan and the infinities),
  ``nd`` (an ndarray: dtype, shape and where its bytes lie in the buffers; with ``scalar``, a
  NumPy scalar such as ``np.float64(2.0)``, which keeps its type), and the
  references ``remote`` (an object left in the worker), ``ref`` (one sent back), ``fn``
  (a function the worker knows by name) and ``rng`` (a ``numpy.random.Generator`` state).

Both sides use this module: the worker loads its own copy from source, so nothing here may
import from the grader. Decoding is strict and bounded; whatever the worker sends, the judge
gets plain values or a :class:`WireError` saying what was wrong.
"""
import json
import math
import os
import struct

import numpy as np

HEADER = struct.Struct(">II")
#: Array dtypes that may cross: booleans, integers and floats, little-endian.
DTYPES = frozenset(["|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8"])
#: Deepest nesting of containers accepted.
MAX_DEPTH = 48
#: Most nodes (values, containers, keys) in one frame.
MAX_NODES = 200_000
#: Longest string kept whole; longer ones are cut and marked.
MAX_STRING = 20_000
MAX_NDIM = 32


class WireError(ValueError):
    """A frame or a value that does not follow the format; the message says what was wrong."""


class Unencodable(Exception):
    """Raised by an ``other`` hook that refuses a value."""


# -- encoding --------------------------------------------------------------------------------
def encode(value, other=None, arrays=None):
    """``(tree, buffers)`` for ``value``; ``other(obj)`` returns the tree of anything not plain.

    ``arrays``, when given, collects the objects that became ``nd`` nodes, in tree order.
    """
    buffers = []
    size = [0]

    def enc(v, depth):
        if depth > MAX_DEPTH:
            raise Unencodable(f"data nested more than {MAX_DEPTH} levels deep")
        t = type(v)
        if v is None or t is bool or t is str:
            return v
        if t is int:
            return v
        if isinstance(v, np.generic):  # before float: np.float64 is a float too, but keeps its type here
            if isinstance(v, (np.bool_, np.integer, np.floating)):
                return enc_array(np.asarray(v), v, scalar=True)
            return other_or_fail(v)
        if t is float or isinstance(v, float):
            v = float(v)
            return v if math.isfinite(v) else {"t": "float", "v": repr(v)}
        if isinstance(v, np.ndarray):
            return enc_array(np.ndarray.view(v, np.ndarray), v)
        if isinstance(v, int) and not isinstance(v, bool):  # an int subclass
            return int(v)
        if t is list:
            return [enc(x, depth + 1) for x in v]
        if t is tuple or (isinstance(v, tuple) and hasattr(v, "_fields")):
            return {"t": "tuple", "v": [enc(x, depth + 1) for x in tuple.__iter__(v)]}
        if t is dict:
            keys = list(v.keys())
            if all(type(k) in (str, int) for k in keys):
                return {"t": "dict", "k": keys, "v": [enc(v[k], depth + 1) for k in keys]}
        return other_or_fail(v)

    def other_or_fail(v):
        if other is None:
            raise Unencodable(f"a {describe_type(v)} cannot be sent")
        return other(v)

    def enc_array(a, source, scalar=False):
        kind = a.dtype.kind
        if kind not in "biuf" or a.dtype.fields is not None:
            return other_or_fail(source)
        if arrays is not None and not scalar:
            arrays.append(source)
        if a.dtype.byteorder == ">":
            a = a.astype(a.dtype.newbyteorder("<"))
        data = np.ascontiguousarray(a).tobytes()
        node = {"t": "nd", "dtype": a.dtype.str, "shape": list(a.shape), "at": size[0], "n": len(data)}
        if scalar:
            node["scalar"] = True
        buffers.append(data)
        size[0] += len(data)
        return node

    return enc(value, 0), buffers


def frame(header: dict, buffers=()) -> bytes:
    """One frame: the header tree as JSON, then the buffers."""
    text = json.dumps(header, allow_nan=False, separators=(",", ":")).encode("ascii")
    blob = b"".join(buffers)
    return HEADER.pack(len(text), len(blob)) + text + blob


def write_frame(fd: int, header: dict, buffers=()) -> None:
    data = memoryview(frame(header, buffers))
    while data:
        written = os.write(fd, data)
        data = data[written:]


# -- decoding --------------------------------------------------------------------------------
def parse_frame(text: bytes, blob: bytes) -> dict:
    """The header of a frame whose two parts have been read; raises WireError."""
    try:
        header = json.loads(text.decode("ascii"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"the message is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(header, dict):
        raise WireError("the message is not a JSON object")
    return header


def _no_constants(name):
    raise ValueError(f"bare {name} is not allowed")


def decode(tree, blob: bytes, hooks=None):
    """The Python value of ``tree``; arrays are fresh, writable, exact ndarrays.

    ``hooks`` maps the reference tags (``remote``, ``ref``, ``fn``, ``rng``) to functions
    of the tagged node; a tag without a hook is an error.
    """
    hooks = hooks or {}
    count = [0]

    def dec(node, depth):
        count[0] += 1
        if count[0] > MAX_NODES:
            raise WireError(f"the data holds more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            raise WireError(f"the data is nested more than {MAX_DEPTH} levels deep")
        if node is None or type(node) in (bool, int):
            return node
        if type(node) is float:
            return node
        if type(node) is str:
            return node if len(node) <= MAX_STRING else node[:MAX_STRING] + " [cut]"
        if type(node) is list:
            return [dec(x, depth + 1) for x in node]
        if type(node) is not dict:
            raise WireError("unexpected JSON value")
        tag = node.get("t")
        if tag == "tuple":
            return tuple(dec(x, depth + 1) for x in _list(node, "v"))
        if tag == "dict":
            keys, values = _list(node, "k"), _list(node, "v")
            if len(keys) != len(values) or not all(type(k) in (str, int) for k in keys):
                raise WireError("a malformed dict")
            count[0] += len(keys)
            return {k: dec(v, depth + 1) for k, v in zip(keys, values)}
        if tag == "float":
            text = node.get("v")
            if text not in ("nan", "inf", "-inf"):
                raise WireError("a malformed float")
            return float(text)
        if tag == "nd":
            return _array(node, blob)
        if tag in hooks:
            return hooks[tag](node)
        raise WireError(f"unexpected value tag {str(tag)[:40]!r}")

    return dec(tree, 0)


def _list(node, key):
    value = node.get(key)
    if type(value) is not list:
        raise WireError(f"a malformed {node.get('t')}")
    return value


def _array(node, blob):
    dtype, shape, at, n = node.get("dtype"), node.get("shape"), node.get("at"), node.get("n")
    if dtype not in DTYPES:
        raise WireError(f"arrays of dtype {str(dtype)[:20]!r} are not accepted")
    if type(shape) is not list or len(shape) > MAX_NDIM or not all(type(s) is int and s >= 0 for s in shape):
        raise WireError("an array with a malformed shape")
    if type(at) is not int or type(n) is not int or at < 0 or n < 0 or at + n > len(blob):
        raise WireError("an array whose bytes lie outside the message")
    dt = np.dtype(dtype)
    if math.prod(shape) * dt.itemsize != n:
        raise WireError("an array whose byte count does not match its shape")
    array = np.frombuffer(blob, dtype=dt, count=math.prod(shape), offset=at).reshape(shape).copy()
    return array[()] if node.get("scalar") is True and not shape else array


def describe_type(value) -> str:
    """``ndarray of complex128`` or ``Foo``: a short name for a message (never calls the object)."""
    t = type(value)
    if isinstance(value, np.ndarray):
        return f"ndarray of dtype {value.dtype}"
    module = getattr(t, "__module__", "") or ""
    name = getattr(t, "__qualname__", None) or getattr(t, "__name__", "object")
    return name if module in ("builtins", "") or module.startswith("kata_impl") else f"{module}.{name}"
