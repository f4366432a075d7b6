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


def bench_class(manifest, copies: int, selection: str = "all") -> float:
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
    print(f"class grading: {copies} copies of a partly done submission ({selection}) in {seconds:.1f} s on "
          f"{os.cpu_count()} cores: {rate:.0f} learners per minute")
    return rate


def bench(manifest, repeats: int = 5, class_copies: int = 20) -> int:
    days = [d for d in manifest.days if d.exercises]
    print(f"kata check dayN, a new process each time, {repeats} runs; median and min wall seconds")
    print(f"{'day':<6} {'checks':>6}  {'reference':>9}  {'(min)':>6}  {'exercises':>9}  {'(min)':>6}")
    for day in days:
        reference, checks = time_check(day.number, "solutions", repeats)
        stubs, _ = time_check(day.number, "exercises", repeats)
        print(f"day{day.number:<3} {checks:>6}  {statistics.median(reference):>9.2f}  {min(reference):>6.2f}  "
              f"{statistics.median(stubs):>9.2f}  {min(stubs):>6.2f}")
    if class_copies:
        bench_class(manifest, class_copies)
    return 0


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


def matmul_ceiling(sizes, batch: int, dtype: str = "float32", seconds: float = 3.0) -> dict:
    """The best GFLOP/s np.matmul reaches on one training step's products (forward and backward) for
    this architecture and batch, with the cores the capstone's worker gets."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(os.cpu_count() or 1), OMP_NUM_THREADS=str(os.cpu_count() or 1))
    out = subprocess.run([sys.executable, "-c", CEILING, json.dumps([list(sizes), batch, dtype, seconds])],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


TORCH = r"""
import json, math, sys, time
import numpy as np
import torch
sizes, batch, epochs, lr, seed, mnist_dir = json.loads(sys.argv[1])
torch.set_num_threads(int(sys.argv[2]))
torch.manual_seed(seed)
sys.path.insert(0, sys.argv[3])
from kata_support.mnist import load_mnist
X, y = load_mnist("train")
Xt, yt = load_mnist("test")
X = X.reshape(len(X), -1).astype(np.float32) / 255.0
Xt = Xt.reshape(len(Xt), -1).astype(np.float32) / 255.0
mean = X.mean(axis=0)
X, Xt = torch.from_numpy(X - mean), torch.from_numpy(Xt - mean)
y, yt = torch.from_numpy(y.astype(np.int64)), torch.from_numpy(yt.astype(np.int64))
layers = []
for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
    linear = torch.nn.Linear(a, b)
    torch.nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")  # He: std sqrt(2 / fan_in)
    torch.nn.init.zeros_(linear.bias)
    layers += [linear] + ([torch.nn.ReLU()] if k < len(sizes) - 2 else [])
model = torch.nn.Sequential(*layers)
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
        loss.backward()
        optimizer.step()
        schedule.step()
    times.append(time.perf_counter() - start)
    with torch.no_grad():
        accuracy.append(float((model(Xt).argmax(1) == yt).float().mean()))
print(json.dumps({"seconds_per_epoch": times, "test_accuracy": accuracy, "torch": torch.__version__}))
"""


def torch_baseline(sizes, batch: int, epochs: int, lr: float, seed: int = 0) -> dict | None:
    """The same network, initialisation, optimizer (Adam with cosine decay), batch size and dtype (float32)
    trained with PyTorch on the CPU; None when PyTorch is not installed (an optional extra)."""
    try:
        import importlib.util
        if importlib.util.find_spec("torch") is None:
            return None
    except (ImportError, ValueError):
        return None
    cores = str(os.cpu_count() or 1)
    out = subprocess.run([sys.executable, "-c", TORCH, json.dumps([list(sizes), batch, epochs, lr, seed, None]),
                          cores, str(REPO_ROOT)], capture_output=True, text=True, check=True,
                         env=dict(os.environ, OMP_NUM_THREADS=cores))
    return json.loads(out.stdout)
