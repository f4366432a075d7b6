"""Load the MNIST handwritten-digit data set as NumPy arrays.

The loader needs the four original IDX files (gzip'ed or not) and looks for
each of them, in this order:

1. in the folder named by the ``MNIST_DIR`` environment variable (or by the
   ``data_dir`` argument of :func:`load_mnist`);
2. in the cache folder, ``data/mnist`` at the repository root by default;
3. on the public mirrors in :data:`MIRRORS`, saving the download into the
   cache folder.

Whatever its origin, every file is checked against the SHA-256 of its
*decompressed* bytes (the .gz wrappers differ between mirrors, the content does
not) and its IDX header is validated.  The parsed arrays of a split are then
kept in ``<cache>/mnist-<split>.npz``, so that later calls skip decompression.

``python -m kata_support.mnist`` fetches both splits ahead of time.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import http.client
import logging
import os
import secrets
import struct
import sys
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

__all__ = [
    "DEFAULT_CACHE_DIR",
    "MIRRORS",
    "SHA256",
    "SPLITS",
    "MnistCorruptError",
    "MnistUnavailableError",
    "load_mnist",
]

#: Base URLs tried in order; a file's URL is the base followed by ``<name>.gz``.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

#: The two raw files (images, labels) that make up each split.
SPLITS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

#: SHA-256 of each file's decompressed bytes.
SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

#: Where downloads and the .npz caches go unless ``cache_dir`` says otherwise.
DEFAULT_CACHE_DIR = Path(__file__).resolve().parent.parent / "data" / "mnist"

USER_AGENT = "nn-foundations-kata-mnist/1.0 (Python urllib)"

_IMAGE_SIDE = 28
# IDX magic numbers: 0x08 (unsigned byte) in the third byte, the number of
# dimensions in the fourth.
_IDX_MAGIC = {3: 0x0803, 1: 0x0801}
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK_BYTES = 1 << 16
# The largest file is about 10 MB gzip'ed; the cap keeps a misbehaving mirror
# from filling the memory.
_MAX_DOWNLOAD_BYTES = 64 << 20
_FIX_HINT = (
    "set MNIST_DIR to a folder holding the four MNIST files, or copy them into {cache}, "
    "or connect to the internet and retry"
)

log = logging.getLogger(__name__)


class MnistUnavailableError(RuntimeError):
    """An MNIST file is in no local folder and no mirror could supply it.

    Attributes
    ----------
    filename : str
        The missing file, without ``.gz``.
    mirror_errors : dict of str to str
        The last error of each mirror tried, by base URL.
    """

    def __init__(
        self, message: str, filename: str = "", mirror_errors: Mapping[str, str] | None = None
    ):
        super().__init__(message)
        self.filename = filename
        self.mirror_errors = dict(mirror_errors or {})


class MnistCorruptError(RuntimeError):
    """A file in ``MNIST_DIR`` (or ``data_dir``) is not the expected MNIST file."""


class _BadData(ValueError):
    """Bytes that are not the expected file: corrupt, truncated or mislabelled."""


def load_mnist(
    split: str = "train",
    *,
    data_dir: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    mirrors: Sequence[str] | str | None = None,
    checksums: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the images and labels of one MNIST split.

    Parameters
    ----------
    split : {"train", "test"}
        The 60,000 training or the 10,000 test examples.
    data_dir : path-like, optional
        Folder holding the raw files (``name`` or ``name.gz``); takes the place
        of the ``MNIST_DIR`` environment variable.  A file found there must be
        intact: it is never silently replaced by a download.
    cache_dir : path-like, optional
        Folder for downloads and the ``mnist-<split>.npz`` cache.  Defaults to
        :data:`DEFAULT_CACHE_DIR` (``data/mnist`` at the repository root).
    mirrors : sequence of str, optional
        Base URLs to download from, in order.  Defaults to the comma-separated
        ``MNIST_MIRRORS`` environment variable, else :data:`MIRRORS`.  An empty
        sequence disables downloading.
    checksums : mapping of str to str, optional
        SHA-256 of decompressed files by name, overriding entries of
        :data:`SHA256` (meant for tests that use small stand-in files).
    timeout : float, default 30.0
        Seconds any single network operation (connect, read) may wait.

    Returns
    -------
    images : ndarray of uint8, shape (N, 28, 28)
        Pixel intensities, 0 (background) to 255 (ink).
    labels : ndarray of uint8, shape (N,)
        The digit, 0 to 9, shown by each image.

    Both arrays are new, writeable copies owned by the caller.

    Notes
    -----
    The ``mnist-<split>.npz`` cache is consulted before any other source.  It
    records the checksums of the files it was built from and is used only when
    they match the checksum table, so it always holds what a verified source
    would give.  Delete it, or the whole cache folder, to force a rebuild.

    Raises
    ------
    ValueError
        If `split` is neither ``"train"`` nor ``"test"``.
    MnistCorruptError
        If a file in ``MNIST_DIR`` (or `data_dir`) fails verification.
    MnistUnavailableError
        If a file is in no local folder and every mirror failed.
    """
    images, labels, _ = _load_split(
        split,
        data_dir=data_dir,
        cache_dir=cache_dir,
        mirrors=mirrors,
        checksums=checksums,
        timeout=timeout,
    )
    return images, labels


def _load_split(
    split: str,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    mirrors: Sequence[str] | str | None = None,
    checksums: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Do the work of :func:`load_mnist`; also say where the data came from."""
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    table = {**SHA256, **(checksums or {})}
    names = SPLITS[split]
    expected = tuple(table[name].lower() for name in names)
    cache = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR

    # The npz is looked at first although it is derived from the raw files: it
    # records the checksums of the files it was built from, and every source is
    # verified against the same table, so an npz whose checksums match holds
    # exactly what any other source would give.
    npz_path = cache / f"mnist-{split}.npz"
    cached = _read_npz(npz_path, expected)
    if cached is not None:
        return cached[0], cached[1], f"npz cache {npz_path}"

    source_dir = _source_dir(data_dir)
    base_urls = _mirror_list(mirrors)
    arrays, origins = [], []
    for name, sha in zip(names, expected):
        array, origin = _obtain(name, sha, source_dir, cache, base_urls, timeout)
        arrays.append(array)
        origins.append(origin)
    images, labels = arrays
    if len(images) != len(labels):
        # Only reachable with a `checksums` table that pairs mismatched files.
        raise MnistCorruptError(
            f"{names[0]} holds {len(images)} images but {names[1]} holds {len(labels)} labels"
        )
    _write_npz(npz_path, images, labels, expected)
    return images, labels, "; ".join(origins)


def _source_dir(data_dir: str | os.PathLike[str] | None) -> Path | None:
    """Return the user's data folder: `data_dir`, else ``MNIST_DIR``, else None."""
    value = data_dir if data_dir is not None else os.environ.get("MNIST_DIR")
    return Path(value).expanduser() if value else None


def _mirror_list(mirrors: Sequence[str] | str | None) -> list[str]:
    """Return the base URLs to try, each ending with a slash."""
    if mirrors is None:
        mirrors = os.environ.get("MNIST_MIRRORS", "").strip() or MIRRORS
    if isinstance(mirrors, str):
        mirrors = mirrors.split(",")
    bases = [base.strip() for base in mirrors if base.strip()]
    return [base if base.endswith("/") else base + "/" for base in bases]


def _local_candidates(folder: Path, name: str) -> list[Path]:
    """Return the existing copies of `name` in `folder`, gzip'ed one first."""
    return [path for path in (folder / f"{name}.gz", folder / name) if path.is_file()]


def _obtain(
    name: str,
    sha: str,
    source_dir: Path | None,
    cache: Path,
    base_urls: Sequence[str],
    timeout: float,
) -> tuple[np.ndarray, str]:
    """Find, verify and parse one raw file; return its array and origin."""
    user_copies = _local_candidates(source_dir, name) if source_dir is not None else []
    if user_copies:
        # The user's folder is theirs to fix: a bad file there is an error,
        # not a reason to quietly download a replacement.
        path = user_copies[0]
        try:
            return _verified_array(name, path.read_bytes(), sha), f"MNIST_DIR {path}"
        except _BadData as exc:
            raise MnistCorruptError(
                f"MNIST file {path} (in MNIST_DIR) is corrupt: {exc}; replace it with "
                f"an intact copy or unset MNIST_DIR"
            ) from None

    deleted = False
    for path in _local_candidates(cache, name):
        try:
            return _verified_array(name, path.read_bytes(), sha), f"cache {path}"
        except _BadData as exc:
            # The cache is ours to repair: drop the bad copy and fetch anew.
            log.warning("Deleting corrupt cached file %s (%s)", path, exc)
            path.unlink(missing_ok=True)
            deleted = True

    mirror_errors: dict[str, str] = {}
    for base in base_urls:
        url = f"{base}{name}.gz"
        log.info("Downloading %s", url)
        try:
            data = _download(url, timeout)
            array = _verified_array(name, data, sha)
        except (OSError, ValueError, http.client.HTTPException) as exc:
            mirror_errors[base] = _describe(exc)
            continue
        _save_download(cache / f"{name}.gz", data)
        return array, f"downloaded {url}"

    raise MnistUnavailableError(
        _unavailable_message(name, source_dir, cache, deleted, mirror_errors),
        name,
        mirror_errors,
    )


def _unavailable_message(
    name: str,
    source_dir: Path | None,
    cache: Path,
    deleted: bool,
    mirror_errors: Mapping[str, str],
) -> str:
    """Compose the one-line explanation of :class:`MnistUnavailableError`."""
    if source_dir is None:
        looked = "MNIST_DIR is not set"
    elif source_dir.is_dir():
        looked = f"not in MNIST_DIR={source_dir}"
    else:
        looked = f"MNIST_DIR={source_dir} is not a folder"
    if deleted:
        looked += f", the copy in the cache folder {cache} was corrupt and was deleted"
    else:
        looked += f", not in the cache folder {cache}"
    if mirror_errors:
        tried = "; ".join(f"{base}: {error}" for base, error in mirror_errors.items())
        downloads = f"every mirror failed ({tried})"
    else:
        downloads = "no download mirror is configured"
    return (
        f"MNIST file {name} is missing ({looked}) and {downloads}. To fix: "
        + _FIX_HINT.format(cache=cache)
        + "."
    )


def _verified_array(name: str, data: bytes, sha: str) -> np.ndarray:
    """Decompress `data` if gzip'ed, check its header and checksum, parse it.

    Parameters
    ----------
    name : str
        File name without ``.gz``; ``-images-`` in it means 3-D image data,
        anything else 1-D labels.
    data : bytes
        The file as stored or downloaded.
    sha : str
        Expected SHA-256 (hex) of the decompressed bytes.

    Returns
    -------
    ndarray of uint8
        A writeable array of shape (N, 28, 28) or (N,).

    Raises
    ------
    _BadData
        If the bytes are not valid gzip, fail the IDX checks or the checksum.
    """
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            # A truncated gzip stream ends up here as an EOFError.
            raise _BadData(f"not a valid gzip file ({exc})") from None
    ndim = 3 if "-images-" in name else 1
    array = _parse_idx(data, ndim)
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha:
        raise _BadData(f"SHA-256 of the decompressed bytes is {digest}, expected {sha}")
    if ndim == 1 and array.size and array.max() > 9:
        raise _BadData(f"holds label {array.max()}, but digits go from 0 to 9")
    return array


def _parse_idx(data: bytes, ndim: int) -> np.ndarray:
    """Parse unsigned-byte IDX data of `ndim` dimensions into a new array."""
    header_bytes = 4 + 4 * ndim
    if len(data) < header_bytes:
        raise _BadData(f"only {len(data)} bytes, too short for an IDX header")
    magic = int.from_bytes(data[:4], "big")
    if magic != _IDX_MAGIC[ndim]:
        raise _BadData(f"IDX magic number is {magic}, expected {_IDX_MAGIC[ndim]}")
    shape = struct.unpack(f">{ndim}I", data[4:header_bytes])
    if ndim == 3 and shape[1:] != (_IMAGE_SIDE, _IMAGE_SIDE):
        raise _BadData(f"images are {shape[1]}x{shape[2]}, expected 28x28")
    expected_bytes = header_bytes + int(np.prod(shape))
    if len(data) != expected_bytes:
        raise _BadData(f"{len(data)} bytes, but its header announces {expected_bytes}")
    return np.frombuffer(data, dtype=np.uint8, offset=header_bytes).reshape(shape).copy()


def _download(url: str, timeout: float) -> bytes:
    """Fetch `url` whole into memory, refusing a truncated body.

    Keeping the body in memory until it is verified means an interrupted or
    bad download never leaves anything on disk.

    Raises
    ------
    OSError
        On HTTP errors, connection errors and timeouts (as raised by urllib).
    _BadData
        If fewer bytes arrive than ``Content-Length`` announced, or too many.
    """
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the open error response
        raise
    with response:
        announced = response.headers.get("Content-Length", "").strip()
        chunks, received = [], 0
        # read(n) returns b"" at a premature end of stream rather than failing,
        # so truncation is detected by counting below.
        while chunk := response.read(_CHUNK_BYTES):
            received += len(chunk)
            if received > _MAX_DOWNLOAD_BYTES:
                raise _BadData(f"more than {_MAX_DOWNLOAD_BYTES >> 20} MiB, not an MNIST file")
            chunks.append(chunk)
    if announced.isdigit() and received != int(announced):
        raise _BadData(f"truncated download: {received} of {announced} bytes")
    return b"".join(chunks)


def _describe(exc: BaseException) -> str:
    """Return a short, single-line description of a failed download."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        return _describe(exc.reason)
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror  # "Connection refused" rather than "[Errno 111] Connection refused"
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def _atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Create or replace `path` with what `write` puts into a file object.

    The data goes into a temporary file in the same folder, which is renamed
    over `path` only once complete: readers see the old file or the new one,
    never a partial one.  The temporary file is removed on any failure,
    KeyboardInterrupt included.  No fsync: every reader verifies what it reads
    (checksums, zip CRCs), so a file torn by a power cut is simply rebuilt.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # Not tempfile.mkstemp: its files are private (0600), while the cache
    # should get the permissions the umask gives any other new file.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp_path, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as tmp:
            write(tmp)
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):  # keep the original error visible
            tmp_path.unlink()
        raise


def _save_download(path: Path, data: bytes) -> None:
    """Keep a verified download in the cache; failing to is only a warning."""
    try:
        _atomic_write(path, lambda file: file.write(data))
    except OSError as exc:
        log.warning("Could not save %s (%s); it will be downloaded again next time", path, exc)


def _write_npz(path: Path, images: np.ndarray, labels: np.ndarray, sha: Sequence[str]) -> None:
    """Save a split with the checksums of its source files; failure only warns."""
    # Uncompressed: loading 47 MB of stored bytes is several times faster than
    # inflating them, which is the point of this cache.
    try:
        _atomic_write(
            path, lambda file: np.savez(file, images=images, labels=labels, sha256=np.array(sha))
        )
    except OSError as exc:
        log.warning("Could not write the cache %s (%s)", path, exc)


def _read_npz(path: Path, sha: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """Return the cached arrays of `path` if it is sound and built from `sha`, else None."""
    if not path.is_file():
        return None
    try:
        # Opened here rather than by np.load, which leaks its file handle
        # when the zip turns out to be broken.
        with open(path, "rb") as file, np.load(file, allow_pickle=False) as npz:
            if npz["sha256"].tolist() != list(sha):
                log.info("Ignoring %s: built from other files", path)
                return None
            images, labels = npz["images"], npz["labels"]
    except Exception as exc:  # noqa: BLE001 - whatever is wrong, the npz is rebuilt
        # The zip CRC of each member is checked on reading, so bit rot lands
        # here as well as truncation or a file that is not an npz at all.
        log.warning("Rebuilding unreadable cache %s (%s)", path, exc)
        return None
    sound = (
        images.dtype == np.uint8
        and labels.dtype == np.uint8
        and images.ndim == 3
        and images.shape[1:] == (_IMAGE_SIDE, _IMAGE_SIDE)
        and labels.shape == images.shape[:1]
    )
    if not sound:
        log.warning("Rebuilding cache %s: unexpected array shapes or types", path)
        return None
    return images, labels


def main(argv: Sequence[str] | None = None) -> int:
    """Make both splits available and report where they came from.

    Parameters
    ----------
    argv : sequence of str, optional
        Command-line arguments; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: 0 when both splits loaded, 1 otherwise.
    """
    parser = argparse.ArgumentParser(
        prog="python -m kata_support.mnist",
        description="Make sure both MNIST splits are available, downloading them if needed. "
        "Honours MNIST_DIR and MNIST_MIRRORS.",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help=f"folder for downloads and the npz caches (default: {DEFAULT_CACHE_DIR})",
    )
    args = parser.parse_args(argv)
    try:
        for split in SPLITS:
            images, labels, origin = _load_split(split, cache_dir=args.cache_dir)
            print(f"{split}: images {images.shape}, labels {labels.shape}, from {origin}")
    except (MnistUnavailableError, MnistCorruptError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main())
