"""``kata bench``: how long one day's checks take, process start included, on the reference and the stubs.

A benchmark, not a test: it prints figures and asserts nothing, so a busy machine cannot
make the suite flaky. The target is well under a second per day (the learner's loop).
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import REPO_ROOT


def time_check(day: int, impl: str, repeats: int) -> tuple[list[float], int]:
    """Wall seconds of ``kata check dayN --impl IMPL`` as a new process, ``repeats`` times; and its check count."""
    times = []
    with tempfile.TemporaryDirectory(prefix="kata-bench-") as tmp:
        report = Path(tmp) / "report.json"
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "grader", "check", f"day{day}", "--impl", impl, "--report",
                            str(report)], cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            times.append(time.perf_counter() - start)
        checks = sum(len(e["tests"]) for e in json.loads(report.read_text(encoding="utf-8"))["exercises"])
    return times, checks


def partly_done_submission(folder: Path) -> Path:
    """The reference with Day 1's linear_scores left as its stub and one catalogued mistake planted."""
    shutil.copytree(REPO_ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
    path = folder / "day01_linear.py"
    text, stub = path.read_text(encoding="utf-8"), (REPO_ROOT / "exercises" / "day01_linear.py").read_text()
    start, end = text.index("def linear_scores"), text.index("def svm_loss_naive")
    text = text[:start] + stub[stub.index("def linear_scores"):stub.index("def svm_loss_naive")] + text[end:]
    path.write_text(text.replace("            if j == y[i]:\n                continue\n", ""), encoding="utf-8")
    return folder


def bench_class(manifest, copies: int, selection: str = "all", what: str = "all") -> float:
    """Grade ``copies`` copies of a partly done submission with ``kata grade``; print and return learners/minute."""
    from .batch import grade_class
    with tempfile.TemporaryDirectory(prefix="kata-bench-class-") as tmp:
        submissions = Path(tmp) / "submissions"
        partly_done_submission(submissions / "learner000")
        for k in range(1, copies):
            shutil.copytree(submissions / "learner000", submissions / f"learner{k:03d}")
        start = time.perf_counter()
        grade_class(manifest, submissions, Path(tmp) / "out", selection=selection, progress=False)
        seconds = time.perf_counter() - start
    rate = 60 * copies / seconds
    print(f"class grading, {what}: {copies} copies of a partly done submission in {seconds:.1f} s on "
          f"{os.cpu_count()} cores: {seconds / copies:.1f} s per learner, {rate:.1f} learners per minute")
    return rate


def bench(manifest, repeats: int = 5, class_copies: int = 100, capstone_copies: int = 4, capstone: bool = True,
          days: bool = True) -> int:
    if days:
        bench_days(manifest, repeats)
    last = max(d.number for d in manifest.days if d.exercises)
    if class_copies:  # a class graded on every day before the capstone
        before = ",".join(f"day{d.number}" for d in manifest.days if d.exercises and d.number < last)
        bench_class(manifest, class_copies, before, f"Days 1-{last - 1}")
    if capstone_copies:  # and on the whole course: each learner's capstone trains, twice
        bench_class(manifest, capstone_copies, "all", f"Days 1-{last}, the capstone included")
    if capstone:
        bench_capstone(manifest)
    return 0


def bench_days(manifest, repeats: int) -> None:
    days = [d for d in manifest.days if d.exercises]
    print(f"kata check dayN, a new process each time, {repeats} runs; median and min wall seconds")
    print(f"{'day':<6} {'checks':>6}  {'reference':>9}  {'(min)':>6}  {'exercises':>9}  {'(min)':>6}")
    for day in days:
        reference, checks = time_check(day.number, "solutions", repeats)
        stubs, _ = time_check(day.number, "exercises", repeats)
        print(f"day{day.number:<3} {checks:>6}  {statistics.median(reference):>9.2f}  {min(reference):>6.2f}  "
              f"{statistics.median(stubs):>9.2f}  {min(stubs):>6.2f}")


# -- the capstone against the machine and against PyTorch ---------------------------------------------
CEILING = r"""
import json, sys, time
import numpy as np
sizes, batch, dtype, seconds = json.loads(sys.argv[1])
rng = np.random.default_rng(0)
W = [rng.standard_normal((a, b)).astype(dtype) for a, b in zip(sizes[:-1], sizes[1:])]
acts = [rng.standard_normal((batch, a)).astype(dtype) for a in sizes]
grads = [rng.standard_normal((batch, b)).astype(dtype) for b in sizes[1:]]
def step():
    for k, w in enumerate(W):          # forward: X_k @ W_k
        acts[k] @ w
    for k in reversed(range(len(W))):  # backward: dW_k = X_k^T G_k and, above the input, dX_k = G_k W_k^T
        acts[k].T @ grads[k]
        if k:
            grads[k] @ W[k].T
flops = 2 * batch * sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) * 3 - 2 * batch * sizes[0] * sizes[1]
for _ in range(20):
    step()
best = 0.0
end = time.perf_counter() + seconds
while time.perf_counter() < end:
    start = time.perf_counter()
    for _ in range(20):
        step()
    best = max(best, 20 * flops / (time.perf_counter() - start) / 1e9)
print(json.dumps({"gflops": best, "flops_per_step": flops}))
"""


def clean_env(threads: int, **extra) -> dict:
    """The environment the sandbox's worker gets, as far as BLAS is concerned: nothing but the thread
    count. (A machine may pin OpenBLAS's kernels, OPENBLAS_CORETYPE=Haswell say, which halves float32
    throughput on a CPU with AVX-512; the worker never sees that, so neither may its ceiling.)"""
    value = str(threads)
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": value,
            "OMP_NUM_THREADS": value, "MKL_NUM_THREADS": value, **extra}


def matmul_ceiling(sizes, batch: int, dtype: str = "float32", threads: int = 1, seconds: float = 3.0) -> dict:
    """The best GFLOP/s np.matmul reaches on one training step's products (forward and backward) for
    this architecture and batch, with as many BLAS threads as the capstone's worker gets."""
    env = clean_env(threads)
    out = subprocess.run([sys.executable, "-c", CEILING, json.dumps([list(sizes), batch, dtype, seconds])],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


TORCH = r"""
import json, math, sys, time
import numpy as np
import torch
sizes, batch, epochs, lr, reg, n_train, seed = json.loads(sys.argv[1])
torch.set_num_threads(int(sys.argv[2]))
torch.manual_seed(seed)
sys.path.insert(0, sys.argv[3])
from kata_support.mnist import load_mnist
X, y = load_mnist("train")
Xt, yt = load_mnist("test")
keep = np.random.default_rng(seed).permutation(len(y))[:n_train]   # as many training images as the reference
X = X[keep].reshape(n_train, -1).astype(np.float32) / 255.0
Xt = Xt.reshape(len(Xt), -1).astype(np.float32) / 255.0
mean = X.mean(axis=0)
X, Xt = torch.from_numpy(X - mean), torch.from_numpy(Xt - mean)
y, yt = torch.from_numpy(y[keep].astype(np.int64)), torch.from_numpy(yt.astype(np.int64))
layers = []
for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
    linear = torch.nn.Linear(a, b)
    torch.nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")  # He: std sqrt(2 / fan_in)
    torch.nn.init.zeros_(linear.bias)
    layers += [linear] + ([torch.nn.ReLU()] if k < len(sizes) - 2 else [])
model = torch.nn.Sequential(*layers)
weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
steps_per_epoch = math.ceil(len(X) / batch)
schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * steps_per_epoch)
loss_fn = torch.nn.CrossEntropyLoss()
times, accuracy = [], []
generator = torch.Generator().manual_seed(seed)
for epoch in range(epochs):
    start = time.perf_counter()
    order = torch.randperm(len(X), generator=generator)
    for i in range(0, len(X), batch):
        idx = order[i:i + batch]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(X[idx]), y[idx])
        if reg:  # the kata's L2: 0.5 * reg * sum(W ** 2), on weights only
            loss = loss + 0.5 * reg * sum((w * w).sum() for w in weights)
        loss.backward()
        optimizer.step()
        schedule.step()
    times.append(time.perf_counter() - start)
    with torch.no_grad():
        accuracy.append(float((model(Xt).argmax(1) == yt).float().mean()))
print(json.dumps({"seconds_per_epoch": times, "test_accuracy": accuracy, "torch": torch.__version__}))
"""


def torch_baseline(sizes, batch: int, epochs: int, lr: float, reg: float, n_train: int, threads: int,
                   seed: int = 0) -> dict | None:
    """The same network, initialisation, optimizer (Adam with cosine decay), L2, batch size, number of training
    images and dtype (float32) trained with PyTorch on the CPU; None when PyTorch is not installed (an optional
    extra, never needed by the tests)."""
    import importlib.util
    if importlib.util.find_spec("torch") is None:
        return None
    out = subprocess.run([sys.executable, "-c", TORCH, json.dumps([list(sizes), batch, epochs, lr, reg, n_train, seed]),
                          str(threads), str(REPO_ROOT)], capture_output=True, text=True, check=True,
                         env=clean_env(threads, **{k: v for k, v in os.environ.items() if k == "MNIST_DIR"}))
    return json.loads(out.stdout)


def bench_capstone(manifest) -> None:
    """The reference capstone against the machine's matrix-multiply ceiling and against PyTorch, on one core
    and on every core (as ``make capstone`` gets them on an idle machine: run the benchmark on a quiet one)."""
    from tests.checks import test_day14_capstone as rules

    try:
        data = rules.mnist_arrays()
    except Exception as exc:  # CheckUnavailable: MNIST is not here
        print(f"\ncapstone: skipped, {exc}")
        return
    cores = os.cpu_count() or 1
    for threads in sorted({1, cores}):
        _bench_capstone_on(manifest, data, threads)


def _bench_capstone_on(manifest, data, threads: int) -> None:
    from tests.checks import test_day14_capstone as rules
    from tests.probes import day14_capstone as probes

    from .grading import sandboxed
    from .sandbox.client import Limits

    limits = Limits.for_training(3600.0, memory_bytes=4 * 2**30, threads=threads)
    with sandboxed(manifest, "solutions", limits=limits) as implementation:
        day14 = implementation.module("day14_capstone")
        config = rules.resolve_config(day14.capstone_config())
        run = day14.probe(probes.train_capstone, config, data, 3600.0, label="bench", announce=False, clocked=True)
    sizes = [probes.INPUT_DIM, *config["hidden_dims"], probes.NUM_CLASSES]
    batch, n_train = config["batch_size"], int(run["num_train"])
    marks = run["epoch_marks"]
    clock = [m[0] for m in marks]
    epoch_seconds = [b - a for a, b in zip([0.0] + clock[:-1], clock)]
    per_epoch = statistics.median(epoch_seconds)

    def time_to(target):
        for epoch, (seconds, accuracy) in enumerate(marks, start=1):
            if accuracy >= target:
                return f"{seconds:.1f} s (epoch {epoch})"
        return "not reached"

    print(f"\ncapstone, the reference on {threads} BLAS thread{'s' * (threads > 1)}: {rules.describe_config(config)}, "
          f"{n_train} training images")
    print(f"  seconds per epoch: median {per_epoch:.2f} (min {min(epoch_seconds):.2f}, max {max(epoch_seconds):.2f})")
    print(f"  test accuracy {100 * marks[-1][1]:.2f} %; time to 95 %: {time_to(0.95)}; to 98 %: {time_to(0.98)}; "
          f"worker peak memory {run['peak_memory_mb']:.0f} MB")
    ceiling = matmul_ceiling(sizes, batch, config["dtype"], threads=threads)
    # An epoch's products: its training steps, then the forward passes of train()'s accuracies after it.
    evaluated = min(probes.TRAIN_ACC_SAMPLES, n_train) + int(run["num_val"])
    forward_flops = 2 * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    epoch_flops = ceiling["flops_per_step"] / batch * n_train + forward_flops * evaluated
    achieved = epoch_flops / per_epoch / 1e9
    print(f"  matrix-multiply ceiling for one step's products ({'-'.join(map(str, sizes))}, batch {batch}, "
          f"{config['dtype']}): {ceiling['gflops']:.0f} GFLOP/s; an epoch's products ({n_train} images trained, "
          f"{evaluated} evaluated) run at {achieved:.0f} GFLOP/s, {100 * achieved / ceiling['gflops']:.0f} % of it")
    if config["optimizer"] != "adam" or (config["schedule"] or {}).get("kind") != "cosine" or config["keep_prob"] < 1:
        print("  PyTorch: skipped (the comparison is written for Adam with cosine decay and no dropout)")
        return
    torch = torch_baseline(sizes, batch, config["epochs"], config["learning_rate"], config["reg"], n_train,
                           threads, seed=config["seed"])
    if torch is None:
        print("  PyTorch: not installed (pip install torch, an optional extra, to compare)")
        return
    theirs = statistics.median(torch["seconds_per_epoch"])
    print(f"  PyTorch {torch['torch']} on the CPU, same network, He init, Adam with cosine decay, L2, batch and "
          f"float32: median {theirs:.2f} s per epoch, test accuracy {100 * torch['test_accuracy'][-1]:.2f} %; "
          f"the reference's epoch takes {per_epoch / theirs:.2f} x PyTorch's")
