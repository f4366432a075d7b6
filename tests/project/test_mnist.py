"""Tests of kata_support.mnist against tiny stand-in files and a local HTTP server.

Nothing here reaches beyond 127.0.0.1 and everything is written under tmp_path.
The real data set is loaded only when MNIST_DIR is set in the environment.
"""

from __future__ import annotations

import gzip
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from hashlib import sha256
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from kata_support import mnist
from kata_support.mnist import MnistCorruptError, MnistUnavailableError, load_mnist

pytestmark = pytest.mark.timeout(120)

# Read before any test runs: the autouse fixture below hides it from the tests.
REAL_MNIST_DIR = os.environ.get("MNIST_DIR")
REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 0.5  # seconds; the stalling mirror outlasts it


# --------------------------------------------------------------------------------------
# Stand-in data


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array as unsigned-byte IDX data."""
    magic = 0x0800 | array.ndim
    return struct.pack(f">I{array.ndim}I", magic, *array.shape) + array.tobytes()


def spoil(raw: bytes) -> bytes:
    """Flip the last byte: the header stays valid, the checksum does not."""
    return raw[:-1] + bytes([raw[-1] ^ 0xFF])


@dataclass
class FakeMnist:
    """Tiny MNIST look-alike: raw and gzip'ed files, checksums, expected arrays."""

    arrays: dict[str, tuple[np.ndarray, np.ndarray]]
    raw: dict[str, bytes] = field(default_factory=dict)
    gz: dict[str, bytes] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        for split, pair in self.arrays.items():
            for name, array in zip(mnist.SPLITS[split], pair):
                self.raw[name] = idx_bytes(array)
                self.gz[name] = gzip.compress(self.raw[name], mtime=0)
                self.checksums[name] = sha256(self.raw[name]).hexdigest()

    def write(self, folder: Path, compressed: bool = True) -> Path:
        """Put all four files into `folder`, gzip'ed or not."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in self.raw:
            if compressed:
                (folder / f"{name}.gz").write_bytes(self.gz[name])
            else:
                (folder / name).write_bytes(self.raw[name])
        return folder

    def assert_split(self, split: str, images: np.ndarray, labels: np.ndarray) -> None:
        expected_images, expected_labels = self.arrays[split]
        assert images.dtype == np.uint8 and labels.dtype == np.uint8
        np.testing.assert_array_equal(images, expected_images)
        np.testing.assert_array_equal(labels, expected_labels)


def make_fake(seed: int) -> FakeMnist:
    rng = np.random.default_rng(seed)
    arrays = {}
    # Different sizes per split catch a mix-up of train and test files.
    for split, n in (("train", 5), ("test", 3)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n, dtype=np.uint8)
        arrays[split] = (images, labels)
    return FakeMnist(arrays)


@pytest.fixture
def fake() -> FakeMnist:
    return make_fake(seed=0)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch):
    """Keep the developer's MNIST_DIR and MNIST_MIRRORS out of the tests."""
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.delenv("MNIST_MIRRORS", raising=False)


# --------------------------------------------------------------------------------------
# Local mirror server
#
# A URL's first path segment picks the behaviour: http://127.0.0.1:PORT/<mode>/<file>.gz


class MirrorHandler(BaseHTTPRequestHandler):
    server: MirrorServer

    def do_GET(self):  # noqa: N802 - name fixed by http.server
        self.server.record(self.path)
        mode, _, filename = self.path.lstrip("/").partition("/")
        name = filename.removesuffix(".gz")
        body = self.server.fake.gz.get(name)
        if mode == "missing" or body is None:
            self.send_error(404)
            return
        if mode == "stall":  # never answers within the client's timeout
            self.server.stop.wait(10)
            return
        if mode == "corrupt":  # valid gzip, wrong content
            body = gzip.compress(spoil(self.server.fake.raw[name]))
        elif mode == "garbage":  # not even gzip
            body = b"<html>this is not the file you are looking for</html>"
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        if mode != "truncated-nolength":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode in ("truncated", "truncated-nolength"):
            # Half the body, then the connection closes (HTTP/1.0).
            self.wfile.write(body[: len(body) // 2])
        elif mode == "stall-body":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.server.stop.wait(10)
        else:
            self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass


class MirrorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeMnist):
        super().__init__(("127.0.0.1", 0), MirrorHandler)
        self.fake = fake
        self.requests: list[str] = []
        self.stop = threading.Event()  # releases stalled handlers at teardown
        self._lock = threading.Lock()

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{mode}/"


@pytest.fixture
def server(fake):
    srv = MirrorServer(fake)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.stop.set()
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --------------------------------------------------------------------------------------
# Argument checking


def test_bad_split_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="'train' or 'test'") as info:
        load_mnist("validation", cache_dir=tmp_path, mirrors=())
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------------------
# MNIST_DIR


@pytest.mark.parametrize("compressed", [True, False], ids=["gz", "decompressed"])
def test_mnist_dir_is_used(fake, tmp_path, monkeypatch, compressed):
    monkeypatch.setenv("MNIST_DIR", str(fake.write(tmp_path / "user", compressed)))
    for split in ("train", "test"):
        images, labels = load_mnist(
            split, cache_dir=tmp_path / "cache", mirrors=(), checksums=fake.checksums
        )
        fake.assert_split(split, images, labels)
    # Raw files stay where the user keeps them; only the npz caches are written.
    assert files_in(tmp_path / "cache") == ["mnist-test.npz", "mnist-train.npz"]


def test_data_dir_argument_wins_over_mnist_dir(fake, tmp_path, monkeypatch):
    other = make_fake(seed=1).write(tmp_path / "other")
    monkeypatch.setenv("MNIST_DIR", str(other))
    images, labels = load_mnist(
        "train",
        data_dir=fake.write(tmp_path / "mine"),
        cache_dir=tmp_path / "cache",
        mirrors=(),
        checksums=fake.checksums,
    )
    fake.assert_split("train", images, labels)


@pytest.mark.parametrize("damage", ["spoiled-gz", "spoiled-raw", "truncated-gz", "truncated-raw"])
def test_corrupt_file_in_mnist_dir_is_reported_not_replaced(
    fake, server, tmp_path, monkeypatch, damage
):
    user = tmp_path / "user"
    fake.write(user, compressed=damage.endswith("gz"))
    name = "train-images-idx3-ubyte"
    if damage == "spoiled-gz":
        (user / f"{name}.gz").write_bytes(gzip.compress(spoil(fake.raw[name])))
    elif damage == "spoiled-raw":
        (user / name).write_bytes(spoil(fake.raw[name]))
    elif damage == "truncated-gz":
        (user / f"{name}.gz").write_bytes(fake.gz[name][:-20])
    else:
        (user / name).write_bytes(fake.raw[name][:-20])
    monkeypatch.setenv("MNIST_DIR", str(user))

    with pytest.raises(MnistCorruptError) as info:
        load_mnist(
            "train", cache_dir=tmp_path / "cache", mirrors=[server.url("ok")],
            checksums=fake.checksums,
        )
    message = str(info.value)
    assert name in message and "corrupt" in message and "\n" not in message
    assert server.requests == []  # no silent download instead


# --------------------------------------------------------------------------------------
# Downloads


def test_download_moves_past_a_404_mirror_and_fills_the_cache(fake, server, tmp_path):
    cache = tmp_path / "cache"
    images, labels = load_mnist(
        "train", cache_dir=cache, mirrors=[server.url("missing"), server.url("ok")],
        checksums=fake.checksums, timeout=TIMEOUT,
    )
    fake.assert_split("train", images, labels)
    assert server.requests == [
        "/missing/train-images-idx3-ubyte.gz",
        "/ok/train-images-idx3-ubyte.gz",
        "/missing/train-labels-idx1-ubyte.gz",
        "/ok/train-labels-idx1-ubyte.gz",
    ]
    assert files_in(cache) == [
        "mnist-train.npz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
    ]
    assert (cache / "train-labels-idx1-ubyte.gz").read_bytes() == fake.gz["train-labels-idx1-ubyte"]


def test_mnist_mirrors_variable_overrides_the_default_list(fake, server, tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_MIRRORS", f"{server.url('missing')} , {server.url('ok')}")
    images, labels = load_mnist("test", cache_dir=tmp_path, checksums=fake.checksums)
    fake.assert_split("test", images, labels)
    assert all(path.startswith(("/missing/", "/ok/")) for path in server.requests)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("corrupt", "SHA-256"),
        ("garbage", "IDX"),
        ("truncated", "truncated"),
        ("truncated-nolength", "gzip"),
        ("stall", "timed out"),
        ("stall-body", "timed out"),
    ],
)
def test_bad_download_is_rejected_and_the_next_mirror_used(
    fake, server, tmp_path, mode, reason
):
    cache = tmp_path / "cache"
    start = time.perf_counter()
    images, labels = load_mnist(
        "test", cache_dir=cache, mirrors=[server.url(mode), server.url("ok")],
        checksums=fake.checksums, timeout=TIMEOUT,
    )
    # A stall costs one timeout per file (images, labels), not more.
    assert time.perf_counter() - start < 2 * TIMEOUT + 1
    fake.assert_split("test", images, labels)
    assert server.requests[0] == f"/{mode}/t10k-images-idx3-ubyte.gz"
    assert server.requests[1] == "/ok/t10k-images-idx3-ubyte.gz"
    # What was kept is the good copy.
    assert (cache / "t10k-images-idx3-ubyte.gz").read_bytes() == fake.gz["t10k-images-idx3-ubyte"]

    # Alone, the same mirror fails with a short reason.
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(
            "test", cache_dir=tmp_path / "empty", mirrors=[server.url(mode)],
            checksums=fake.checksums, timeout=TIMEOUT,
        )
    assert reason in info.value.mirror_errors[server.url(mode)]


def test_all_mirrors_failing_explains_how_to_get_the_files(fake, server, tmp_path):
    cache = tmp_path / "cache"
    mirrors = [server.url(mode) for mode in ("missing", "corrupt", "truncated")]
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist("train", cache_dir=cache, mirrors=mirrors, checksums=fake.checksums)
    error = info.value
    message = str(error)
    assert isinstance(error, RuntimeError)
    assert "\n" not in message
    assert error.filename == "train-images-idx3-ubyte"
    for part in (
        "train-images-idx3-ubyte", "MNIST_DIR", str(cache), "set MNIST_DIR",
        "connect to the internet", "HTTP 404", "SHA-256", "truncated",
    ):
        assert part in message
    assert list(error.mirror_errors) == mirrors
    assert files_in(cache) == []  # no partial or temporary files


def test_offline_without_files_gives_the_clear_error(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setenv("MNIST_MIRRORS", ",".join([closed_port_url(), closed_port_url()]))
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist("test", cache_dir=cache, timeout=TIMEOUT)
    message = str(info.value)
    assert "t10k-images-idx3-ubyte" in message
    assert f"MNIST_DIR={tmp_path / 'nowhere'} is not a folder" in message
    assert f"copy them into {cache}" in message
    assert "refused" in message.lower()
    assert files_in(cache) == []


# --------------------------------------------------------------------------------------
# Cache folder and npz cache


def test_raw_files_in_the_cache_are_used_without_download(fake, server, tmp_path):
    cache = fake.write(tmp_path / "cache", compressed=False)
    images, labels = load_mnist(
        "train", cache_dir=cache, mirrors=[server.url("ok")], checksums=fake.checksums
    )
    fake.assert_split("train", images, labels)
    assert server.requests == []


@pytest.mark.parametrize("compressed", [True, False], ids=["gz", "decompressed"])
def test_a_bad_cached_file_is_deleted_and_fetched_again(fake, server, tmp_path, compressed):
    cache = fake.write(tmp_path / "cache", compressed)
    name = "train-labels-idx1-ubyte"
    bad = cache / (f"{name}.gz" if compressed else name)
    bad.write_bytes(gzip.compress(spoil(fake.raw[name])) if compressed else spoil(fake.raw[name]))
    images, labels = load_mnist(
        "train", cache_dir=cache, mirrors=[server.url("ok")], checksums=fake.checksums
    )
    fake.assert_split("train", images, labels)
    assert server.requests == [f"/ok/{name}.gz"]
    assert (cache / f"{name}.gz").read_bytes() == fake.gz[name]
    assert compressed or not bad.exists()


def test_a_bad_cached_file_is_deleted_even_when_offline(fake, tmp_path):
    cache = fake.write(tmp_path / "cache", compressed=False)
    name = "t10k-images-idx3-ubyte"
    (cache / name).write_bytes(fake.raw[name][:100])
    with pytest.raises(MnistUnavailableError, match="corrupt and was deleted"):
        load_mnist("test", cache_dir=cache, mirrors=(), checksums=fake.checksums)
    assert not (cache / name).exists()


def test_second_call_is_served_from_the_npz_without_http(fake, server, tmp_path):
    cache = tmp_path / "cache"
    kwargs = dict(cache_dir=cache, mirrors=[server.url("ok")], checksums=fake.checksums)
    load_mnist("train", **kwargs)
    assert len(server.requests) == 2
    # Without the raw files only the npz can answer.
    for name in mnist.SPLITS["train"]:
        (cache / f"{name}.gz").unlink()
    images, labels = load_mnist("train", **kwargs)
    fake.assert_split("train", images, labels)
    assert len(server.requests) == 2


def _wrong_shapes_npz(path: Path, fake: FakeMnist) -> None:
    sha = [fake.checksums[name] for name in mnist.SPLITS["train"]]
    np.savez(path, images=np.zeros((2, 3), np.uint8), labels=np.zeros(2, np.uint8),
             sha256=np.array(sha))


@pytest.mark.parametrize(
    "damage", ["garbage", "truncated", "bit-flip", "wrong-shapes", "missing-key"]
)
def test_a_corrupt_npz_is_rebuilt(fake, tmp_path, damage):
    source = fake.write(tmp_path / "user")
    cache = tmp_path / "cache"
    kwargs = dict(data_dir=source, cache_dir=cache, mirrors=(), checksums=fake.checksums)
    load_mnist("train", **kwargs)
    npz = cache / "mnist-train.npz"
    good = npz.read_bytes()
    if damage == "garbage":
        npz.write_bytes(b"definitely not a zip file")
    elif damage == "truncated":
        npz.write_bytes(good[: len(good) // 2])
    elif damage == "bit-flip":  # caught by the zip CRC of the images member
        rotten = bytearray(good)
        rotten[len(good) // 3] ^= 0xFF
        npz.write_bytes(bytes(rotten))
    elif damage == "wrong-shapes":
        _wrong_shapes_npz(npz, fake)
    else:
        np.savez(npz, images=fake.arrays["train"][0])

    images, labels = load_mnist("train", **kwargs)
    fake.assert_split("train", images, labels)
    assert npz.read_bytes() == good  # rebuilt in place
    assert files_in(cache) == ["mnist-train.npz"]


def test_npz_built_from_other_files_is_not_trusted(tmp_path):
    """The npz is keyed by the source checksums: another MNIST_DIR gives its own data."""
    cache = tmp_path / "cache"
    for seed in (1, 2, 1):
        fake = make_fake(seed)
        images, labels = load_mnist(
            "test", data_dir=fake.write(tmp_path / f"user{seed}"), cache_dir=cache,
            mirrors=(), checksums=fake.checksums,
        )
        fake.assert_split("test", images, labels)


def test_returned_arrays_are_fresh_writeable_copies(fake, tmp_path):
    kwargs = dict(data_dir=fake.write(tmp_path / "user"), cache_dir=tmp_path / "cache",
                  mirrors=(), checksums=fake.checksums)
    first = load_mnist("train", **kwargs)  # parsed from the raw files
    second = load_mnist("train", **kwargs)  # from the npz
    for images, labels in (first, second):
        assert images.flags.writeable and labels.flags.writeable
        images[:] = 0
        labels[:] = 0
    assert not np.shares_memory(first[0], second[0])
    fake.assert_split("train", *load_mnist("train", **kwargs))


# --------------------------------------------------------------------------------------
# Atomic writes


def test_an_interrupted_write_leaves_no_file_behind(tmp_path):
    target = tmp_path / "cache" / "train-images-idx3-ubyte.gz"

    def interrupted(file):
        file.write(b"half of it")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        mnist._atomic_write(target, interrupted)
    assert files_in(target.parent) == []

    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        mnist._atomic_write(target, interrupted)
    assert files_in(target.parent) == [target.name]
    assert target.read_bytes() == b"old"


# --------------------------------------------------------------------------------------
# Command line


def test_cli_reports_sources_and_shapes(fake, tmp_path, monkeypatch, capsys):
    for name, digest in fake.checksums.items():
        monkeypatch.setitem(mnist.SHA256, name, digest)
    monkeypatch.setenv("MNIST_DIR", str(fake.write(tmp_path / "user")))
    assert mnist.main(["--cache-dir", str(tmp_path / "cache")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("train: images (5, 28, 28), labels (5,), from MNIST_DIR")
    assert out[1].startswith("test: images (3, 28, 28), labels (3,), from MNIST_DIR")


def test_cli_failure_is_one_line_on_stderr_and_exit_1(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MNIST_DIR"}
    env["MNIST_MIRRORS"] = closed_port_url()
    result = subprocess.run(
        [sys.executable, "-m", "kata_support.mnist", "--cache-dir", str(tmp_path)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "train-images-idx3-ubyte" in errors[0] and "set MNIST_DIR" in errors[0]


# --------------------------------------------------------------------------------------
# The real data set

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.mark.skipif(
    not REAL_MNIST_DIR, reason="MNIST_DIR is not set: no folder with the real MNIST files"
)
def test_real_mnist_from_mnist_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", REAL_MNIST_DIR)
    for split, n, counts in (("train", 60000, TRAIN_COUNTS), ("test", 10000, TEST_COUNTS)):
        for _ in ("from the raw files", "from the npz"):
            images, labels = load_mnist(split, cache_dir=tmp_path, mirrors=())
            assert images.shape == (n, 28, 28) and labels.shape == (n,)
            assert images.dtype == np.uint8 and labels.dtype == np.uint8
            assert labels.min() == 0 and labels.max() == 9
            assert np.bincount(labels, minlength=10).tolist() == counts
            assert sum(counts) == n
            assert images.min() == 0 and images.max() == 255
