"""The capstone run (``make capstone``) and its deliverables, on the judge's side.

:func:`run` trains the learner's ``capstone_config()`` on the full MNIST with the learner's own code
(in the sandboxed worker, through tests/probes/day14_capstone.py), then runs the side experiments
and writes, into :func:`deliverables_dir`:

- ``history.json``: the configuration, the per-iteration loss, the per-epoch training and
  validation accuracy, the test accuracy, the seconds, the peak memory and the kata's version;
- ``curves.png``: the loss, and the training vs validation accuracy;
- ``first_layer_weights.png``: the first layer's weights drawn as 28 x 28 images;
- ``optimizers.png`` and ``optimizers.json``: SGD, SGD with momentum and Adam (and the learner's
  own rule when it is another) on the same network, data and number of epochs;
- ``search.md`` and ``search.json``: a small search over the learning rate and ``reg``, with the
  learner's Day 12 ``random_search`` and ``best_trial`` when they are written (else a grid);
- ``gradcheck.json``: the trusted centred differences (tests/checks/gradcheck.py, here in the
  judge) against the learner's analytic gradient of the trained network, on a few entries of
  every parameter, in float64, on a small batch;
- ``report.md``: ties them together, with the completion criteria ticked by the learner's
  ``capstone_report``;
- ``tensorboard/``: event files, only when a TensorBoard writer is importable.

Every file carries the run's id, and each figure (as PNG text) the digest of the data it draws, so
that the check (tests/checks/test_day14_capstone.py) can tell files of one run from a mix. The
check reads them with the helpers below: size caps, JSON and PNG chunks only.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import struct
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

#: Every deliverable the check requires (the TensorBoard folder is optional).
FILES = ("history.json", "curves.png", "first_layer_weights.png", "optimizers.json", "optimizers.png", "search.json",
         "search.md", "gradcheck.json", "report.md")
#: The largest deliverable the check reads (a history of many tiny minibatches is the largest).
MAX_BYTES = 64 * 2**20
#: Hidden units drawn in first_layer_weights.png (those with the largest weights).
UNITS_SHOWN = 64
#: The side experiments: (epochs of each optimizer, search trials, search epochs, training examples of a trial).
FULL = {"compare_epochs": 2, "trials": 6, "search_epochs": 2, "search_subset": 20_000}
QUICK = {"compare_epochs": 1, "trials": 4, "search_epochs": 1, "search_subset": 5_000}
#: The optimizer comparison: each rule at a standard learning rate (momentum's 0.01 with momentum 0.9 takes
#: steps of about SGD's 0.1 in a steady direction).
COMPARED = {"sgd": 0.1, "sgd_momentum": 0.01, "adam": 1e-3}
#: The search's range for reg (log scale); the learning rate's is a decade either side of the configuration's.
REG_RANGE = (1e-6, 1e-2)
#: Entries of each parameter in the gradient check: the largest gradients, then random ones.
GRADCHECK_LARGEST, GRADCHECK_RANDOM, GRADCHECK_SEED = 3, 3, 0


class DeliverableError(ValueError):
    """A deliverable cannot be read (too large, not JSON, not a PNG); the message says which and why."""


# -- where, and reading what was written -----------------------------------------------------------------
def deliverables_dir(impl_folder) -> Path:
    """``reports/capstone/<implementation>/``: ``exercises``, ``solutions`` or the submission folder's name.

    The folder may be the one holding the day files or a copy of the kata holding ``exercises/``:
    both give the same name, so ``make capstone`` and the check agree.
    """
    from grader import REPO_ROOT
    from grader.report import REPORTS_DIR

    folder = Path(impl_folder).resolve()
    if not list(folder.glob("day[0-9][0-9]_*.py")) and list((folder / "exercises").glob("day[0-9][0-9]_*.py")):
        folder = folder / "exercises"
    name = folder.name
    if name == "exercises" and folder.parent != REPO_ROOT.resolve():
        name = folder.parent.name  # a copy of the whole kata: named after the copy
    return Path(REPORTS_DIR) / "capstone" / name


def _bytes(path: Path, cap: int = MAX_BYTES) -> bytes:
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        raise DeliverableError(f"{path.name} is not a regular file")
    size = path.stat().st_size
    if size > cap:
        raise DeliverableError(f"{path.name} is {size / 2**20:.0f} MB, more than the {cap / 2**20:.0f} MB accepted")
    with open(path, "rb") as handle:
        return handle.read(cap + 1)[:cap]


def read_json(path) -> object:
    """A JSON file of at most :data:`MAX_BYTES` (NaN allowed, as make capstone writes it)."""
    try:
        return json.loads(_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        if isinstance(exc, DeliverableError):
            raise
        raise DeliverableError(f"{Path(path).name} is not valid JSON") from None


def read_text(path) -> str:
    try:
        return _bytes(path, 4 * 2**20).decode("utf-8")
    except UnicodeDecodeError:
        raise DeliverableError(f"{Path(path).name} is not UTF-8 text") from None


def png_text(path) -> dict:
    """The text chunks (tEXt, iTXt) of a PNG file: the run id and digest make capstone writes there."""
    data = _bytes(path, 32 * 2**20)
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise DeliverableError(f"{Path(path).name} is not a PNG image")
    found, at = {}, 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if len(body) != length:
            raise DeliverableError(f"{Path(path).name} is a truncated PNG image")
        if kind == b"tEXt" and b"\0" in body:
            key, _, value = body.partition(b"\0")
            found[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt" and b"\0" in body:
            key, _, rest = body.partition(b"\0")
            if len(rest) >= 2 and rest[0] == 0:  # uncompressed: flag, method, language\0, translated key\0, text
                parts = rest[2:].split(b"\0", 2)
                if len(parts) == 3:
                    found[key.decode("latin-1")] = parts[2].decode("utf-8", "replace")
        elif kind == b"IEND":
            break
        at += 12 + length
    return found


def digest(data) -> str:
    """A fingerprint of plain data (JSON-able), the same before writing and after reading back."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_RUN_COMMENT = "<!-- kata-run: {} -->"


def run_id_of_text(text: str) -> str | None:
    match = re.search(r"<!-- kata-run: ([0-9a-f]{8,64}) -->", text)
    return match.group(1) if match else None


def percent(accuracy) -> str:
    """``98.21 %``: how report.md states an accuracy."""
    if accuracy is None:
        return "not measured"
    try:
        value = float(accuracy)
    except (TypeError, ValueError):
        return "no number"
    return f"{100 * value:.2f} %" if math.isfinite(value) else "not measured"


def accuracy_in_report(text: str) -> str | None:
    match = re.search(r"\*\*Test accuracy: ([0-9]+\.[0-9]{2} %|not measured)\*\*", text)
    return match.group(1) if match else None


def ticks_in_report(text: str) -> dict:
    """``{criterion: True or False}`` from report.md's lines ``- [x] **accuracy**: ...`` (nothing if unticked)."""
    return {name: mark == "x" for mark, name in re.findall(r"^- \[([ x])\] \*\*([a-z_]+)\*\*", text, re.M)}


def table_rows(text: str) -> int:
    """The number of body rows of the first Markdown table in ``text``."""
    rows, in_table = 0, False
    for line in text.splitlines():
        if line.startswith("|"):
            if in_table:
                rows += 1
            elif re.match(r"^\|[\s:|-]+\|$", line):
                in_table = True
        elif in_table:
            break
    return rows


def load_data() -> dict:
    """The full MNIST as uint8 arrays (the learner's code gets them as they are, and preprocesses them)."""
    from .mnist import load_mnist
    train_images, train_labels = load_mnist("train")
    test_images, test_labels = load_mnist("test")
    return {"train_images": train_images, "train_labels": train_labels, "test_images": test_images,
            "test_labels": test_labels}


# -- the run -------------------------------------------------------------------------------------------------------
class _Relay:
    """Stands in for the sandbox's output buffer during the run: lines the probes mark are shown as progress."""

    def __init__(self, progress, mark):
        self.progress, self.mark, self.pending = progress, mark.encode(), b""
        self.total, self.truncated = 0, False

    def add(self, data: bytes) -> None:
        self.total += len(data)
        self.pending += data
        *lines, self.pending = self.pending.split(b"\n")
        self.pending = self.pending[-4096:]
        for line in lines:
            if line.startswith(self.mark):
                self.progress("  " + line[len(self.mark):].decode("utf-8", "replace").strip())

    def text(self) -> str:
        return ""


def _quiet_errors():
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


def _curves(rules, run) -> dict:
    return rules.curves_of(run)


def _floats(values) -> list:
    return [float(v) for v in np.asarray(values, dtype=float).ravel()]


def run(implementation, impl_folder, out, *, quick: bool = False, progress=print) -> dict:
    """Train the learner's capstone configuration and write every deliverable into ``out``; return a summary.

    ``implementation`` is the learner's code in the sandbox (a :class:`grader.judge.Implementation`);
    ``impl_folder`` its folder (for the report). Raises ``ValueError`` with one sentence when the
    configuration cannot be trained, and lets the sandbox's errors (a stub, a crash) through.
    """
    from grader import __version__
    from grader.impl import display_path
    from tests.checks import test_day14_capstone as rules
    from tests.probes import day14_capstone as probes

    started = time.perf_counter()
    sizes = QUICK if quick else FULL
    out = Path(out)
    day14 = implementation.module("day14_capstone", returns=rules.RETURNS)
    config = day14.capstone_config()
    problem = rules.config_problem(config) or rules.range_problem(config)
    if problem:
        raise ValueError(problem)
    config = rules.resolve_config(config)
    progress(f"capstone: {rules.describe_config(config)}")
    progress("loading MNIST (60,000 training and 10,000 test images)")
    data = load_data()
    run_id = secrets.token_hex(8)
    sandbox = implementation.sandbox
    saved_output = sandbox.output
    sandbox.output = _Relay(progress, probes.PROGRESS_MARK)
    try:
        progress(f"training your configuration (time budget {rules.TIME_BUDGET:g} s)")
        with _quiet_errors():
            main = day14.probe(probes.train_capstone, config, data, rules.TIME_BUDGET, keep_params=True,
                               label="your configuration")
        verdict = rules.describe_run(main, config)
        if verdict and main["stopped"] is None and rules.history_problem(main["history"]):
            raise ValueError(verdict[0])
        if verdict:
            progress(f"note: {verdict[0]}")
        comparison = _compare(day14, probes, config, data, sizes, progress)
        search = _search(day14, probes, config, data, sizes, progress)
        gradcheck = _gradcheck(day14, probes, config, main, progress)
    finally:
        sandbox.output = saved_output

    curves = _curves(rules, main)
    history = {"kata_version": __version__, "run_id": run_id, "quick": quick,
               "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "implementation": display_path(impl_folder), "config": config, "time_budget": rules.TIME_BUDGET,
               **curves,
               "best_val_acc": max(curves["val_acc"]) if curves["val_acc"] else None,
               "best_epoch": int(np.argmax(curves["val_acc"])) if curves["val_acc"] else None,
               "test_acc": None if main["test_acc"] is None else float(main["test_acc"]),
               "seconds": float(main["seconds"]), "stopped": main["stopped"], "stopped_at": main["stopped_at"],
               "iterations_per_epoch": int(main["iterations_per_epoch"]), "num_train": int(main["num_train"]),
               "num_val": int(main["num_val"]), "num_test": int(len(data["test_labels"])),
               "peak_memory_mb": main["peak_memory_mb"], "verdict": verdict[0] if verdict else None}
    comparison["run_id"] = search["run_id"] = gradcheck["run_id"] = run_id
    results = {"test_acc": math.nan if history["test_acc"] is None else history["test_acc"],
               "seconds": history["seconds"], "time_budget": rules.TIME_BUDGET,
               "gradcheck": {"max_rel_error": gradcheck["max_rel_error"], "tolerance": gradcheck["tolerance"]},
               "optimizers": {name: list(r["val_acc"]) for name, r in comparison["runs"].items()},
               "search": [{"params": t["params"], "val_acc": t["val_acc"]} for t in search["trials"]]}
    ticks = day14.probe(probes.capstone_report_of, results)
    criteria = _criteria(ticks, rules)

    progress(f"writing the deliverables into {display_path(out)}/")
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:  # a half-written folder must not pass for a finished one
        (out / name).unlink(missing_ok=True)
    _write_json(out / "history.json", history)
    _draw_curves(out / "curves.png", history, run_id)
    inked = np.asarray(data["train_images"]).reshape(len(data["train_labels"]), -1).max(axis=0) > 0
    _draw_weights(out / "first_layer_weights.png", main["first_layer"], history, run_id, inked)
    _write_json(out / "optimizers.json", comparison)
    _draw_optimizers(out / "optimizers.png", comparison, run_id)
    _write_json(out / "search.json", search)
    (out / "search.md").write_text(_search_markdown(search, run_id), encoding="utf-8")
    _write_json(out / "gradcheck.json", gradcheck)
    _tensorboard(out / "tensorboard", history, comparison)
    report = _report(history, comparison, search, gradcheck, criteria, rules, run_id,
                     seconds=time.perf_counter() - started)
    (out / "report.md").write_text(report, encoding="utf-8")
    test = percent(history["test_acc"])
    ticked = ("not ticked: capstone_report is not written yet" if criteria is None else
              "all met" if criteria["complete"] else "not all met (see report.md)")
    progress(f"test accuracy {test} after {len(curves['val_acc'])} epochs, {history['seconds']:.1f} s of training; "
             f"criteria {ticked}")
    return {"test_acc": history["test_acc"], "seconds": history["seconds"], "criteria": criteria, "out": str(out),
            "files": [name for name in FILES if (out / name).is_file()]}


def _criteria(ticks, rules):
    """The learner's ticks as plain bools, or None when capstone_report is not written (or returned nonsense)."""
    if not isinstance(ticks, dict) or not all(name in ticks for name in rules.CRITERIA):
        return None
    if not all(isinstance(ticks[name], (bool, np.bool_)) for name in rules.CRITERIA):
        return None
    return {name: bool(ticks[name]) for name in rules.CRITERIA}


def _short_config(config, optimizer, learning_rate, epochs, keep_rule_keys=False):
    """``config`` with the update rule ``optimizer`` at ``learning_rate`` (its other hyperparameters at their
    defaults unless ``keep_rule_keys``), a constant rate and ``epochs`` epochs."""
    from tests.probes import day14_capstone as probes
    rule_keys = {k for keys in probes.RULE_KEYS.values() for k in keys}
    short = {key: value for key, value in config.items() if key not in rule_keys or keep_rule_keys}
    short.update(optimizer=optimizer, learning_rate=learning_rate, schedule=None, epochs=epochs, patience=None)
    return short


def _scaled_schedule(schedule, ratio):
    """The schedule of a full run, its lengths (in iterations) scaled by ``ratio`` for a shorter run."""
    if schedule is None:
        return None
    scaled = dict(schedule, warmup=int(round(schedule["warmup"] * ratio)))
    for key in ("total_steps", "every"):
        if scaled.get(key) is not None:
            scaled[key] = max(1, int(round(scaled[key] * ratio)))
    if scaled.get("k") is not None:
        scaled["k"] = min(1.0, scaled["k"] / ratio)
    return scaled


def _not_written(exc) -> str | None:
    from grader.sandbox.client import LearnerRaised
    if isinstance(exc, LearnerRaised) and exc.type_name == "NotImplementedError" and exc.stub:
        return exc.stub
    return None


def _compare(day14, probes, config, data, sizes, progress) -> dict:
    from grader.sandbox.client import LearnerRaised
    epochs, per_epoch = sizes["compare_epochs"], None
    entries = [(name, _short_config(config, name, rate, epochs)) for name, rate in COMPARED.items()]
    if COMPARED.get(config["optimizer"]) != config["learning_rate"]:
        entries.append((f"yours: {config['optimizer']}",
                        _short_config(config, config["optimizer"], config["learning_rate"], epochs, True)))
    runs = {}
    for name, short in entries:
        rate = short["learning_rate"]
        momentum = short.get("momentum", 0.9) if "momentum" in short["optimizer"] else None
        progress(f"optimizer comparison: {name} at learning rate {rate:g}, {epochs} epoch{'s' * (epochs > 1)}")
        try:
            with _quiet_errors():
                result = day14.probe(probes.train_capstone, short, data, float("inf"), evaluate_test=False, label=name)
        except LearnerRaised as exc:
            stub = _not_written(exc)
            if stub is None:
                raise
            progress(f"  {name} is not written yet ({stub}): left out")
            runs[name] = {"optimizer": short["optimizer"], "learning_rate": rate, "momentum": momentum,
                          "status": f"not written yet: {stub}",
                          "loss": [], "train_acc": [], "val_acc": [], "seconds": None}
            continue
        curves = probes_curves(result)
        runs[name] = {"optimizer": short["optimizer"], "learning_rate": rate, "momentum": momentum,
                      "status": result["stopped"] or "ok",
                      **curves, "seconds": float(result["seconds"])}
        per_epoch = int(result["iterations_per_epoch"])
    return {"epochs": epochs, "iterations_per_epoch": per_epoch, "hidden_dims": config["hidden_dims"],
            "reg": config["reg"], "batch_size": config["batch_size"], "dtype": config["dtype"], "seed": config["seed"],
            "runs": runs}


def probes_curves(result) -> dict:
    from tests.checks import test_day14_capstone as rules
    if result["stopped"] is None and rules.history_problem(result["history"]):
        raise ValueError(rules.history_problem(result["history"]))
    return rules.curves_of(result)


def _search(day14, probes, config, data, sizes, progress) -> dict:
    rate = config["learning_rate"]
    space = {"learning_rate": (rate / 10, min(10.0, rate * 10), "log"), "reg": (*REG_RANGE, "log")}
    trials = day14.probe(probes.search_trials, space, sizes["trials"], config["seed"])
    if isinstance(trials, list) and trials and all(isinstance(t, dict) and set(t) == set(space) for t in trials):
        method = "random search with your random_search (Day 12), log scales"
    else:
        rates = [rate / 3, rate, rate * 3] if sizes["trials"] >= 6 else [rate / 3, rate * 3]
        trials = [{"learning_rate": min(10.0, lr), "reg": reg} for lr in rates for reg in (0.0, 1e-4)]
        method = "a grid (your Day 12 random_search is not written yet)"
    full_run = -(-(60_000 - config["val_size"]) // config["batch_size"]) * config["epochs"]
    ratio = -(-sizes["search_subset"] // config["batch_size"]) * sizes["search_epochs"] / full_run
    results = []
    for number, trial in enumerate(trials, start=1):
        params = {"learning_rate": float(trial["learning_rate"]), "reg": float(trial["reg"])}
        progress(f"search trial {number}/{len(trials)}: learning rate {params['learning_rate']:.3g}, reg "
                 f"{params['reg']:.3g}")
        short = dict(config, **params, epochs=sizes["search_epochs"], patience=None,
                     schedule=_scaled_schedule(config["schedule"], ratio))
        with _quiet_errors():
            result = day14.probe(probes.train_capstone, short, data, float("inf"), train_subset=sizes["search_subset"],
                                 evaluate_test=False, announce=False)
        curves = probes_curves(result)
        val = curves["val_acc"][-1] if curves["val_acc"] else math.nan
        train = curves["train_acc"][-1] if curves["train_acc"] else math.nan
        results.append({"params": params, "val_acc": val, "train_acc": train, "seconds": float(result["seconds"]),
                        "stopped": result["stopped"]})
    finite = [r for r in results if math.isfinite(r["val_acc"])]
    chosen = day14.probe(probes.choose_trial, finite) if finite else None
    best, border, chooser = None, {}, "the kata (your Day 12 best_trial is not written yet)"
    if isinstance(chosen, (list, tuple)) and len(chosen) == 2 and isinstance(chosen[0], dict) and chosen[0] in finite:
        best, border = finite.index(chosen[0]), chosen[1] if isinstance(chosen[1], dict) else {}
        best = results.index(finite[best])
        chooser = "your best_trial (Day 12), on the validation accuracy"
    elif finite:
        best = results.index(max(finite, key=lambda r: r["val_acc"]))
        for name in ("learning_rate", "reg"):
            tried = [r["params"][name] for r in finite]
            if min(tried) != max(tried):
                value = results[best]["params"][name]
                border.update({name: "low"} if value == min(tried) else {name: "high"} if value == max(tried) else {})
    return {"method": method, "chosen_by": chooser, "space": {k: list(v) for k, v in space.items()},
            "schedule": _scaled_schedule(config["schedule"], ratio),
            "epochs": sizes["search_epochs"], "train_subset": sizes["search_subset"], "trials": results,
            "best": best, "border": {str(k): str(v) for k, v in border.items()}}


def _gradcheck(day14, probes, config, main, progress) -> dict:
    from tests.checks.gradcheck import DEEP_GRAD_TOL, GRAD_ATOL, H, numerical_gradient_of, relative_errors
    report = {"tolerance": DEEP_GRAD_TOL, "h": H, "atol": GRAD_ATOL, "batch": probes.GRADCHECK_BATCH,
              "dtype": "float64",
              "max_rel_error": math.nan, "passed": False, "worst": None, "parameters": {}}
    if main["stopped"] is not None or "params" not in main:
        report["skipped"] = "the training stopped early, so there is no trained network to check"
        return report
    params = {name: np.asarray(value) for name, value in main["params"].items()}
    if not all(np.all(np.isfinite(value)) for value in params.values()):
        report["skipped"] = "the trained network's weights are not all finite"
        return report
    progress("gradient check of the trained network (float64, the kata's centred differences)")
    X, y = main["gradcheck_batch"]
    seed = config["seed"]
    with _quiet_errors():
        loss, grads = day14.probe(probes.net_loss_and_grads, params, config, X, y, seed)
    rng = np.random.default_rng(GRADCHECK_SEED)
    worst_error, worst = 0.0, None
    for name in params:
        analytic = np.asarray(grads[name], dtype=float).ravel()
        order = np.argsort(-np.abs(analytic), kind="stable")
        largest = order[:GRADCHECK_LARGEST]
        rest = order[GRADCHECK_LARGEST:]
        extra = rng.choice(rest, size=min(GRADCHECK_RANDOM, rest.size), replace=False) if rest.size else []
        indices = np.concatenate([largest, extra]).astype(np.int64)
        values = params[name].astype(np.float64).ravel()[indices]
        with _quiet_errors():
            numerical = numerical_gradient_of(day14.probed(probes.patched_loss),
                                              (params, name, indices, values, config, X, y, seed), wrt=3)
        chosen = analytic[indices]
        errors = np.where(np.abs(chosen - numerical) <= GRAD_ATOL, 0.0, relative_errors(chosen, numerical))
        error = float(np.max(errors))
        report["parameters"][name] = {"indices": indices.tolist(), "analytic": _floats(chosen),
                                      "numerical": _floats(numerical), "max_rel_error": error,
                                      "max_abs_difference": float(np.max(np.abs(chosen - numerical)))}
        if not math.isnan(worst_error) and (math.isnan(error) or error > worst_error):
            worst_error, worst = error, f"{name} at flat index {int(indices[int(np.argmax(errors))])}"
    report.update(max_rel_error=worst_error, passed=bool(worst_error <= DEEP_GRAD_TOL), worst=worst,
                  loss=float(loss))
    largest = max(p["max_abs_difference"] for p in report["parameters"].values())
    report["max_abs_difference"] = largest
    progress(f"  largest relative error {worst_error:.1e} (allowed {DEEP_GRAD_TOL:.0e}); largest difference "
             f"{largest:.1e} (closer than {GRAD_ATOL:g} counts as equal)")
    return report


# -- writing ---------------------------------------------------------------------------------------------------
def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=1, default=_plain) + "\n", encoding="utf-8")


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot write a {type(value).__name__}")


def _save(fig, path: Path, run_id: str, data_digest: str | None = None) -> None:
    import matplotlib.pyplot as plt
    fig.tight_layout()
    metadata = {"kata-run": run_id}
    if data_digest:
        metadata["kata-digest"] = data_digest
    fig.savefig(path, dpi=110, metadata=metadata)
    plt.close(fig)


def _smooth(values, beta=0.96):
    """An exponential moving average (about the last 25 values) with Adam's bias correction, so that the
    first values are not pulled towards 0; values that are not finite are skipped."""
    values = np.asarray(values, dtype=float)
    out, average, weight = np.empty_like(values), 0.0, 0.0
    for k, value in enumerate(values):
        if np.isfinite(value):
            average, weight = beta * average + (1 - beta) * value, beta * weight + (1 - beta)
        out[k] = average / weight if weight else np.nan
    return out


def _draw_curves(path, history, run_id):
    from .plotting import new_figure
    curves = {key: history[key] for key in ("loss", "train_acc", "val_acc")}
    fig, axes = new_figure(ncols=2, size=(5.6, 4.3))
    loss_ax, acc_ax = axes[0]
    losses = np.asarray(history["loss"], dtype=float)
    per_epoch = history["iterations_per_epoch"]
    steps = np.arange(len(losses))
    shown = np.where(np.isfinite(losses) & (losses > 0), losses, np.nan)
    loss_ax.plot(steps, shown, color="tab:blue", alpha=0.25, linewidth=0.6, label="each minibatch")
    loss_ax.plot(steps, _smooth(shown), color="tab:blue", linewidth=1.8, label="moving average")
    loss_ax.set_yscale("log")
    loss_ax.set_xlabel(f"iteration ({per_epoch} per epoch)")
    loss_ax.set_ylabel("minibatch loss (log scale)")
    penalty = " (with the L2 penalty)" if history["config"]["reg"] else ""
    loss_ax.set_title(f"Training loss{penalty}, batches of {history['config']['batch_size']}")
    loss_ax.grid(True, which="both", linewidth=0.3)
    loss_ax.legend(fontsize=8)
    epochs = np.arange(1, len(history["val_acc"]) + 1)
    if len(epochs):
        acc_ax.plot(epochs, 100 * np.asarray(history["train_acc"]), marker="o", markersize=3,
                    label="training (5,000 examples)")
        acc_ax.plot(epochs, 100 * np.asarray(history["val_acc"]), marker="o", markersize=3,
                    label=f"validation ({history['num_val']:,} held out)")
    if history["test_acc"] is not None:
        acc_ax.scatter([max(1, len(epochs))], [100 * history["test_acc"]], marker="*", s=120, color="tab:red",
                       zorder=3, label=f"test: {percent(history['test_acc'])}")
    acc_ax.axhline(95, color="grey", linestyle="--", linewidth=1, label="the 95 % bar")
    low = min([95.0, *(100 * np.asarray(history["val_acc"], dtype=float)[1:])]) if len(epochs) > 1 else 90.0
    acc_ax.set_ylim(max(0.0, low - 1.0), 100.2)
    acc_ax.set_xlabel("epoch")
    acc_ax.set_ylabel("accuracy (%)")
    acc_ax.set_title("Accuracy after each epoch")
    acc_ax.grid(True, linewidth=0.3)
    acc_ax.legend(fontsize=8, loc="lower right")
    net = "-".join(str(d) for d in (784, *history["config"]["hidden_dims"], 10))
    fig.suptitle(f"Capstone: {net}, {history['config']['optimizer']}, {history['seconds']:.0f} s of training",
                 fontsize=11)
    _save(fig, path, run_id, digest(curves))


def _draw_weights(path, W1, history, run_id, inked):
    """The first layer's weights of the hidden units with the largest weights, each as a 28 x 28 image, with the
    pixels that no training image ever inks in grey (their weights get no gradient and keep their initial value)."""
    import matplotlib.pyplot as plt

    from .plotting import new_figure
    W1 = np.asarray(W1, dtype=float)
    cmap = plt.get_cmap("RdBu_r").copy()
    cmap.set_bad("0.8")
    norms = np.linalg.norm(np.nan_to_num(W1[inked]), axis=0)
    units = np.argsort(-norms, kind="stable")[:UNITS_SHOWN]
    side = int(math.ceil(math.sqrt(len(units))))
    fig, axes = new_figure(ncols=side, nrows=side, size=(1.05, 1.12))
    for k, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= len(units):
            ax.axis("off")
            continue
        image = np.where(inked, W1[:, units[k]], np.nan).reshape(28, 28)
        scale = float(np.nanmax(np.abs(image))) if np.any(np.isfinite(image)) else 1.0
        ax.imshow(image, cmap=cmap, vmin=-scale, vmax=scale)
        ax.set_title(f"unit {units[k]}", fontsize=6, pad=1.5)
    fig.suptitle(f"First layer: the {len(units)} of {W1.shape[1]} hidden units with the largest weights, each as "
                 f"28 x 28\n(red positive, blue negative, grey: pixels no training image inks)", fontsize=9)
    _save(fig, path, run_id)


def _draw_optimizers(path, comparison, run_id):
    from .plotting import new_figure
    fig, axes = new_figure(ncols=2, size=(5.6, 4.3))
    loss_ax, acc_ax = axes[0]
    colours = {"sgd": "tab:grey", "sgd_momentum": "tab:blue", "adam": "tab:red"}
    extras = iter(["tab:green", "tab:purple", "tab:brown"])
    colours.update({name: next(extras) for name in comparison["runs"] if name not in colours})
    for name, r in comparison["runs"].items():
        momentum = f", momentum {r['momentum']:g}" if r.get("momentum") is not None else ""
        label = f"{name} (lr {r['learning_rate']:g}{momentum})"
        if not r["loss"]:
            loss_ax.plot([], [], color=colours.get(name, "tab:green"), label=f"{label}: {r['status']}")
            continue
        losses = np.asarray(r["loss"], dtype=float)
        shown = np.where(np.isfinite(losses) & (losses > 0), losses, np.nan)
        loss_ax.plot(np.arange(len(shown)), _smooth(shown), color=colours.get(name, "tab:green"), linewidth=1.5,
                     label=label)
        if r["val_acc"]:
            acc_ax.plot(np.arange(1, len(r["val_acc"]) + 1), 100 * np.asarray(r["val_acc"]), marker="o",
                        color=colours.get(name, "tab:green"), label=label)
    loss_ax.set_yscale("log")
    per_epoch = comparison["iterations_per_epoch"]
    loss_ax.set_xlabel(f"iteration ({per_epoch} per epoch)" if per_epoch else "iteration")
    loss_ax.set_ylabel("minibatch loss, moving average (log scale)")
    loss_ax.set_title("Training loss (with the L2 penalty)" if comparison["reg"] else "Training loss")
    loss_ax.grid(True, which="both", linewidth=0.3)
    loss_ax.legend(fontsize=8)
    acc_ax.set_xlabel("epoch")
    acc_ax.set_ylabel("validation accuracy (%)")
    acc_ax.set_title("Validation accuracy")
    acc_ax.set_xticks(np.arange(1, comparison["epochs"] + 1))
    accs = [100 * a for r in comparison["runs"].values() for a in r["val_acc"] if math.isfinite(a)]
    if accs:
        spread = max(accs) - min(accs)
        acc_ax.set_ylim(min(accs) - 0.8 * spread - 0.5, max(accs) + 0.3 * spread + 0.5)
    acc_ax.grid(True, linewidth=0.3)
    acc_ax.legend(fontsize=8, loc="lower right")
    net = "-".join(str(d) for d in (784, *comparison["hidden_dims"], 10))
    fig.suptitle(f"Optimizers on your network ({net}, batches of {comparison['batch_size']}, constant rates, "
                 f"{comparison['epochs']} epoch{'s' * (comparison['epochs'] > 1)} each)", fontsize=10)
    _save(fig, path, run_id, digest(comparison["runs"]))


def _search_markdown(search, run_id) -> str:
    lines = [f"# Hyperparameter search\n\n{_RUN_COMMENT.format(run_id)}\n",
             f"Method: {search['method']}; {len(search['trials'])} trials of {search['epochs']} epoch"
             f"{'s' * (search['epochs'] > 1)} on {search['train_subset']:,} training examples, each scored on the "
             f"validation set (never on the test set); the best chosen by {search['chosen_by']}."
             + (f" Each trial uses your {search['schedule']['kind']} schedule, its lengths in iterations scaled to the "
                f"trial's." if search["schedule"] else "") + "\n",
             "| trial | learning rate | reg | validation accuracy | training accuracy | seconds |",
             "|---|---|---|---|---|---|"]
    for number, t in enumerate(search["trials"], start=1):
        mark = " **(best)**" if number - 1 == search["best"] else ""
        lines.append(f"| {number}{mark} | {t['params']['learning_rate']:.3g} | {t['params']['reg']:.3g} | "
                     f"{percent(t['val_acc'])} | {percent(t['train_acc'])} | {t['seconds']:.1f} |")
    if search["best"] is not None:
        best = search["trials"][search["best"]]
        lines.append(f"\nBest: learning rate {best['params']['learning_rate']:.3g}, reg {best['params']['reg']:.3g} "
                     f"({percent(best['val_acc'])} on validation).")
    lines.append("\nShort trials favour large learning rates and little regularisation: what wins after a few "
                 "epochs on part of the data is a place to look, not the setting of a full run. Narrow the ranges "
                 "around the best trials, then confirm with a full run (make check day14.capstone_config).")
    for name, side in search["border"].items():
        lines.append(f"\nThe best {name} is the {'smallest' if side == 'low' else 'largest'} value tried: the search "
                     f"stopped where things may still improve; widen its range on that side.")
    return "\n".join(lines) + "\n"


def _tensorboard(folder, history, comparison) -> None:
    """Event files for TensorBoard when a writer is importable; silently nothing otherwise."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except Exception:  # noqa: BLE001 - optional: any failure to import means no writer
        try:
            from tensorboardX import SummaryWriter
        except Exception:  # noqa: BLE001
            return
    try:
        writer = SummaryWriter(str(folder))
        for step, value in enumerate(history["loss"]):
            if math.isfinite(value):
                writer.add_scalar("capstone/loss", value, step)
        for epoch, (train, val) in enumerate(zip(history["train_acc"], history["val_acc"]), start=1):
            writer.add_scalars("capstone/accuracy", {"train": train, "validation": val}, epoch)
        for name, r in comparison["runs"].items():
            for step, value in enumerate(r["loss"]):
                if math.isfinite(value):
                    writer.add_scalar(f"optimizers/{name}/loss", value, step)
        writer.close()
    except Exception:  # noqa: BLE001 - an optional extra never fails the run
        return


def _report(history, comparison, search, gradcheck, criteria, rules, run_id, *, seconds) -> str:
    config = history["config"]
    test = percent(history["test_acc"])
    epochs = len(history["val_acc"])
    memory = f"; peak memory of the worker {history['peak_memory_mb']:.0f} MB" if history["peak_memory_mb"] else ""
    lines = ["# Capstone report: MNIST from scratch", "", _RUN_COMMENT.format(run_id), "",
             f"{history['implementation']}, kata {history['kata_version']}, {history['created']}"
             f"{' (a quick run: shorter side experiments)' if history['quick'] else ''}.", "",
             f"**Test accuracy: {test}** on the {history['num_test']:,} MNIST test images, after {epochs} epochs and "
             f"{history['seconds']:.1f} s of training (budget {rules.TIME_BUDGET:g} s){memory}. The whole run, side "
             f"experiments included, took {seconds:.0f} s.", ""]
    if history["verdict"]:
        lines += [f"Not passing yet: {history['verdict']}", ""]
    gc = gradcheck
    statements = {
        "accuracy": (f"test accuracy above 95 % ({test})", "[curves.png](curves.png)"),
        "time": (f"training within the time budget ({history['seconds']:.0f} s of {rules.TIME_BUDGET:g} s)",
                 "[history.json](history.json)"),
        "gradient_check": (f"the gradient check of the trained network passes (largest relative error "
                           f"{gc['max_rel_error']:.1e}, allowed {gc['tolerance']:.0e})",
                           "[gradcheck.json](gradcheck.json)"),
        "optimizers": ("SGD and Adam (and momentum) compared on the same network", "[optimizers.png](optimizers.png)"),
        "search": (f"a hyperparameter search of at least {rules.MIN_TRIALS} trials, chosen on validation",
                   "[search.md](search.md)"),
        "complete": ("every criterion above is met", ""),
    }
    lines.append("## Completion criteria")
    lines.append("")
    if criteria is None:
        lines += ["Not ticked: your capstone_report is not written yet (make check day14.capstone_report); write it, "
                  "then run make capstone again.", ""]
        for name, (text, link) in statements.items():
            lines.append(f"- {name}: {text}{': ' + link if link else ''}")
    else:
        lines += ["Ticked by your capstone_report from the results below.", ""]
        for name, (text, link) in statements.items():
            lines.append(f"- [{'x' if criteria[name] else ' '}] **{name}**: {text}{': ' + link if link else ''}")
    lines += ["", "## Configuration", "", "```json", json.dumps(config, indent=1), "```", "",
              "## Training", "", "![training curves](curves.png)", ""]
    if history["val_acc"]:
        best = history["best_epoch"]
        gap = history["train_acc"][-1] - history["val_acc"][-1]
        lines.append(f"The best validation accuracy, {percent(history['best_val_acc'])}, came after epoch {best + 1} "
                     f"of {epochs}; at the end the training accuracy (on 5,000 training examples) was "
                     f"{percent(history['train_acc'][-1])}, {100 * gap:.2f} points "
                     f"{'above' if gap >= 0 else 'below'} the validation accuracy.")
        lines.append("")
    lines += ["## First layer", "", "![first layer weights](first_layer_weights.png)", "",
              "Each image is one hidden unit's 784 input weights: the pattern of ink it responds to."
              + ("" if config["reg"] else " Without weight decay (reg 0), the weights the data hardly pushes keep "
                 "their random initial values, which makes the images look noisy; a small reg (1e-4) clears them."),
              "",
              "## Optimizers", "", "![optimizer comparison](optimizers.png)", "",
              "| optimizer | learning rate | validation accuracy per epoch | seconds |", "|---|---|---|---|"]
    for name, r in comparison["runs"].items():
        accs = ", ".join(percent(a) for a in r["val_acc"]) or r["status"]
        secs = f"{r['seconds']:.1f}" if r["seconds"] is not None else "-"
        lines.append(f"| {name} | {r['learning_rate']:g} | {accs} | {secs} |")
    lines += ["", "## Hyperparameter search", "",
              f"{len(search['trials'])} trials, {search['method']}; the table is in [search.md](search.md)."]
    if search["best"] is not None:
        best = search["trials"][search["best"]]
        lines.append(f"Best: learning rate {best['params']['learning_rate']:.3g}, reg {best['params']['reg']:.3g}, "
                     f"{percent(best['val_acc'])} on validation after {search['epochs']} epoch"
                     f"{'s' * (search['epochs'] > 1)} on {search['train_subset']:,} examples.")
    lines += ["", "## Gradient check", ""]
    if gc.get("skipped"):
        lines.append(f"Skipped: {gc['skipped']}.")
    else:
        lines += [f"Centred differences (h = {gc['h']:g}) of your network's loss in float64 on the {gc['batch']} "
                  f"validation examples it finds hardest (a trained network is so sure of the others that their "
                  f"gradients are tiny), at the {GRADCHECK_LARGEST} largest and {GRADCHECK_RANDOM} random entries of "
                  f"every parameter, against your analytic gradient. Entries closer than {gc['atol']:g} count as "
                  f"equal (a relative error of 0).", "",
                  "| parameter | largest relative error | largest absolute difference |", "|---|---|---|"]
        for name, p in gc["parameters"].items():
            lines.append(f"| {name} | {p['max_rel_error']:.1e} | {p['max_abs_difference']:.1e} |")
    return "\n".join(lines) + "\n"

