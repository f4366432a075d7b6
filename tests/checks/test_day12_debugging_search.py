"""Checks for Day 12: the debugging tools (initial loss, overfitting a tiny batch, update ratios), the
hyperparameter search (log-uniform sampling, random and grid search, choosing the best trial), and the
repair of ``train_tiny_network``.

The debugging tools get the suite's own network (``probes.ReluNet``, run here too for the trusted
values), so they never depend on the learner's Day 4. Random draws are judged statistically with
fixed seeds (a Kolmogorov-Smirnov distance against the uniform distribution of the logarithm, and
the share of samples per decade), and the bounds with extreme ranges. ``train_tiny_network`` ships
with three planted bugs: one check per bug (each sees its own bug whatever the other two do), and
one check that the repaired network learns, which lists the bugs still present.

A failure names its cause (``fail(..., names="cause")``) only when the learner's values are what
exactly one known slip gives; otherwise it states the mismatch.
"""
import copy
import itertools
import math

import numpy as np
import pytest

from grader.judge import describe_value
from grader.sandbox.client import LearnerRaised

from ..probes import day12_debugging_search as probes
from .expect import expect_unchanged, fail, same, the_one_matching

exercise = pytest.mark.exercise

RETURNS = {"initial_loss_check": "(observed, expected)", "best_trial": "(best, border)",
           "overfit_small_batch": "accuracy", "update_ratio": "ratios", "sample_log_uniform": "sample",
           "random_search": "trials", "grid_search": "trials", "train_tiny_network": "history"}

#: The documented epsilon of update_ratio (solutions/day12_debugging_search.py).
RATIO_EPS = 1e-12
#: Values computed the documented way agree to rounding.
RTOL, ATOL = 1e-9, 1e-12
#: A Kolmogorov-Smirnov distance above KS_FACTOR / sqrt(n) is rejected: for truly uniform draws that
#: happens with probability about 2e-3, and the seeds are fixed, so a right answer passes every time.
KS_FACTOR = 1.95
#: The share of samples in each decade may stray this far from its expected value.
DECADE_TOL = 0.06
#: A sample lies in [low, high] to within rounding: exp(log(x)) may differ from x in its last bits.
BOUND_RTOL = 1e-12


def shown(values, digits=4):
    """``[1.099, 1.112, ...]``: a short list of numbers for a message."""
    values = [float(v) + 0.0 for v in np.ravel(values)]  # + 0.0 shows -0.0 as 0
    head = ", ".join(f"{v:.{digits}g}" for v in values[:6])
    return f"[{head}{', ...' if len(values) > 6 else ''}]"


def as_floats(value):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def expect_number(name, value, context=""):
    """``value`` is one finite number; returns it as a float."""
    if isinstance(value, bool) or np.ndim(value) != 0 or as_floats(value) is None:
        fail(f"{name} must be a single number, but came back as {describe_value(value)}{context}.")
    number = float(value)
    if not math.isfinite(number):
        fail(f"{name} is {number}{context}; it must be a finite number.")
    return number


def expect_raises_value_error(call_text, call):
    """``call()`` must raise ValueError; a stub's NotImplementedError stays "not started"."""
    try:
        value = call()
    except LearnerRaised as exc:
        if exc.type_name == "ValueError":
            return
        if exc.type_name == "NotImplementedError":
            raise
        if exc.type_name in ("RuntimeWarning", "OverflowError", "FloatingPointError", "ZeroDivisionError"):
            fail(f"{call_text} raised {exc.type_name} ({exc.text.strip()[:80]}): the range was used without being "
                 f"checked. Raise ValueError first, unless 0 < low <= high.", names="cause")
        fail(f"{call_text} raised {exc.type_name}; an impossible range must raise ValueError.")
    fail(f"{call_text} returned {describe_value(value)} instead of raising ValueError: a log-uniform range needs "
         f"0 < low <= high (the logarithm of 0 or of a negative number does not exist).")


# == initial_loss_check ===========================================================================
def linear_model(num_classes, scale, seed, input_dim=3):
    gen = np.random.default_rng(seed)
    return {"W1": scale * gen.standard_normal((input_dim, num_classes)), "b1": np.zeros(num_classes)}


def trusted_loss(params, reg, X, y):
    return probes.ReluNet({k: v.copy() for k, v in params.items()}, reg).loss(X, y)[0]


def check_initial_loss(day12, params, reg, X, y, context):
    out = day12.probe(probes.initial_loss, params, reg, X, y)
    result = out["result"]
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        fail(f"initial_loss_check returned {describe_value(result)}; it must return a pair (observed, expected).")
    observed, expected = (expect_number(name, value, context) for name, value in zip(("observed", "expected"), result))
    num_classes = params["W1"].shape[1]
    truth_observed, truth_expected = trusted_loss(params, reg, X, y), math.log(num_classes)
    if same(observed, truth_expected) and same(expected, truth_observed) and not same(observed, truth_observed):
        fail(f"initial_loss_check returned ({observed:.6g}, {expected:.6g}){context}: the pair is swapped. Return "
             f"(observed, expected): the model's loss {truth_observed:.6g} first, then ln C = {truth_expected:.6g}.",
             names="cause")
    if not same(observed, truth_observed, rtol=0, atol=1e-10):
        fail(f"observed is {observed:.10g} but the model's own loss model.loss(X, y)[0] is {truth_observed:.10g}"
             f"{context}; return that number as it is.")
    distinct, largest = len(np.unique(y)), int(np.max(y)) + 1
    why = the_one_matching(expected, truth_expected, [
        (math.log(distinct), f"that is ln {distinct}, the number of distinct labels in y; the batch misses some of the "
                             f"C = {num_classes} classes. Take C from the scores: model.loss(X).shape[1]"),
        (math.log(largest), f"that is ln {largest} = ln(y.max() + 1); the batch lacks the last classes. Take C from "
                            f"the scores: model.loss(X).shape[1]"),
        (math.log10(num_classes), f"that is log10({num_classes}); the cross-entropy uses the natural logarithm: "
                                  f"np.log"),
        (math.log2(num_classes), f"that is log2({num_classes}); the cross-entropy uses the natural logarithm: np.log"),
    ])
    if why:
        fail(f"expected is {expected:.10g} but should be ln {num_classes} = {truth_expected:.10g}{context}: {why}.",
             names="cause")
    if not same(expected, truth_expected, rtol=0, atol=1e-12):
        fail(f"expected is {expected:.10g} but should be ln C = ln {num_classes} = {truth_expected:.10g}{context} "
             f"(C is the number of columns of the scores).")
    return out


@exercise("day12.initial_loss_check")
def test_initial_loss_is_ln_C_for_small_weights(day12):
    params = linear_model(7, 1e-3, seed=1)
    X, y = np.random.default_rng(2).standard_normal((5, 3)), np.array([0, 1, 3, 3, 1])
    check_initial_loss(day12, params, 0.0, X, y, context=" for a model with 7 classes and weights of scale 1e-3, on "
                                                         "a batch whose labels are [0, 1, 3, 3, 1]")


@exercise("day12.initial_loss_check")
def test_initial_loss_with_large_weights_many_classes_and_reg(day12):
    # Weights of scale 1 give a loss far above ln C, and reg > 0 adds its penalty: observed is the
    # model's loss as it is, expected is ln C whatever the weights.
    params = linear_model(1000, 1.0, seed=3, input_dim=4)
    X, y = np.random.default_rng(4).standard_normal((6, 4)), np.array([2, 7, 7, 0, 9, 4])
    check_initial_loss(day12, params, 0.1, X, y, context=" for a model with 1000 classes, weights of scale 1 and "
                                                         "reg = 0.1, on labels all below 10")


@exercise("day12.initial_loss_check")
def test_initial_loss_leaves_the_model_alone(day12):
    params = linear_model(4, 0.3, seed=5)
    X, y = np.random.default_rng(6).standard_normal((3, 3)), np.array([0, 3, 1])
    out = check_initial_loss(day12, params, 0.0, X, y, context=" for a model with 4 classes")
    for name, before in params.items():
        expect_unchanged(f"model.params[{name!r}]", before, np.asarray(out["params after"][name]))


# == overfit_small_batch ===========================================================================
def overfit_batch():
    return probes.overfit_batch()


OVERFIT_CONTEXT = (f" on the suite's 3-layer ReLU network (dims {probes.OVERFIT_DIMS}, keys W1, b1, W2, b2, W3, b3) "
                   f"and 10 examples with random labels")


def expect_accuracy(out, context):
    """The returned accuracy is a number in [0, 1] and equals the trained model's own accuracy."""
    accuracy = expect_number("the accuracy", out["accuracy"], context)
    if out.get("built", len(out.get("models", ()))) == 0:
        fail(f"overfit_small_batch never called make_model{context}; build the model with make_model(rng).")
    truth = (out["true"] if "true" in out else [m["accuracy"] for m in out["models"]])[-1]
    if not 0.0 <= accuracy <= 1.0:
        fail(f"the accuracy is {accuracy:.4g}{context}; it is a fraction of the batch, between 0 and 1 "
             f"(mean of argmax(scores, axis=1) == y).")
    if not math.isclose(accuracy, truth, abs_tol=1e-12):
        fail(f"overfit_small_batch returned {accuracy:.4g}, but the model it trained classifies {truth:.4g} of the "
             f"batch correctly{context}: return mean(argmax(model.loss(X), axis=1) == y) for the trained model.")
    return accuracy


@exercise("day12.overfit_small_batch")
def test_overfit_reaches_full_accuracy(day12):
    X, y = overfit_batch()
    out = day12.probe(probes.overfit_outcome, probes.OVERFIT_DIMS, X, y, 200, 0)
    if out["built"] > 1:
        fail(f"make_model was called {out['built']} times{OVERFIT_CONTEXT}; build the model once, before the loop: "
             f"a fresh model at every step never gets past its first step.", names="cause")
    accuracy = expect_accuracy(out, OVERFIT_CONTEXT)
    if accuracy < 1.0:
        fail(f"after 200 steps of learning_rate = 0.1 the accuracy is {accuracy:.0%}{OVERFIT_CONTEXT}; a healthy "
             f"network memorises them all (100 %). The check of every single step below says what went wrong.")


@exercise("day12.overfit_small_batch")
def test_overfit_reports_a_network_that_cannot_learn(day12):
    X, y = overfit_batch()
    out = day12.probe(probes.overfit_outcome, probes.OVERFIT_DIMS, X, y, 200, 0, dead=True)
    context = (" for a broken make_model whose ReLUs are all dead (every hidden bias -100, so only the last bias "
               "learns and the network predicts one class for everything)")
    accuracy = expect_accuracy(out, context)
    if accuracy >= 1.0:
        fail(f"overfit_small_batch returned 100 %{context}; it must measure the trained model, not assume it learnt.")


def _changes(before, after, grads, learning_rate):
    """How each parameter changed in one step, as (name, kind): kind is ok, climbs, unchanged, fixed_rate or wrong."""
    kinds = []
    for name in before:
        change = np.asarray(after[name], dtype=float) - before[name]
        gradient = grads[name]
        if np.allclose(change, -learning_rate * gradient, rtol=RTOL, atol=ATOL):
            kind = "ok"
        elif np.allclose(change, learning_rate * gradient, rtol=RTOL, atol=ATOL):
            kind = "climbs"
        elif not np.any(change):
            kind = "unchanged"
        elif learning_rate != 0.1 and np.allclose(change, -0.1 * gradient, rtol=RTOL, atol=ATOL):
            kind = "fixed_rate"
        else:
            kind = "wrong"
        kinds.append((name, kind))
    return kinds


def check_overfit_steps(day12, steps, learning_rate):
    X, y = overfit_batch()
    kwargs = {} if learning_rate is None else {"learning_rate": learning_rate}
    lr = 0.1 if learning_rate is None else learning_rate
    rate = "the default learning_rate = 0.1" if learning_rate is None else f"learning_rate = {learning_rate}"
    context = f" with steps = {steps} and {rate}{OVERFIT_CONTEXT}"
    out = day12.probe(probes.overfit_recording, probes.OVERFIT_DIMS, X, y, steps, 1, **kwargs)
    arguments = out["arguments"]
    if len(arguments) > 1:
        fail(f"make_model was called {len(arguments)} times{context}; call it once, before the loop: a fresh model "
             f"at every step starts again from scratch.", names="cause")
    if arguments and arguments[0] != "Generator":
        fail(f"make_model was called with {arguments[0]} instead of the rng argument{context}; call make_model(rng) "
             f"so that the model's initial weights come from it.", names="cause")
    expect_accuracy(out, context)
    model = out["models"][0]
    # The parameters each call of model.loss(X, y) saw, then the final ones; repeated evaluations at the
    # same parameters (a loss computed twice) are not steps.
    seen = []
    for call in model["calls"]:
        if seen and all(np.array_equal(call["params"][k], seen[-1][0][k]) for k in call["params"]):
            continue
        seen.append((call["params"], call["grads"]))
    final = {k: np.asarray(v, dtype=float) for k, v in model["final"].items()}
    if seen and all(np.array_equal(final[k], seen[-1][0][k]) for k in final):
        if len(seen) == 1:
            fail(f"model.params never changed{context}: the new values never reached the dict. Store them back: "
                 f"model.params[name] = model.params[name] - learning_rate * grads[name] (assigning to a loop "
                 f"variable changes nothing).", names="cause")
        seen = seen[:-1]  # the model was evaluated once more after its last step
    if len(seen) != steps:
        fail(f"the model took {len(seen)} gradient steps{context}; take exactly `steps` steps, each after one call "
             f"of model.loss(X, y).")
    targets = [s[0] for s in seen[1:]] + [final]
    for number, ((before, grads), after) in enumerate(zip(seen, targets), start=1):
        kinds = dict(_changes(before, after, grads, lr))
        wrong = [name for name, kind in kinds.items() if kind != "ok"]
        if not wrong:
            continue
        where = f"at step {number}{context}"
        values = {kinds[name] for name in wrong}
        if values == {"climbs"} and len(wrong) == len(kinds):
            fail(f"every parameter moved by +learning_rate * grad {where}: the step climbs the loss. Subtract it: "
                 f"params - learning_rate * grads.", names="cause")
        if values == {"fixed_rate"} and len(wrong) == len(kinds):
            fail(f"every parameter moved by -0.1 * grad {where}: the learning_rate argument is ignored.",
                 names="cause")
        if values == {"unchanged"}:
            fail(f"{', '.join(wrong)} never changed {where}, while the other parameters did: update every key of "
                 f"model.params, whatever the names (this model has W3 and b3).", names="cause")
        fail(f"{wrong[0]} changed {where} by something else than -learning_rate * grads[{wrong[0]!r}]; one step of "
             f"gradient descent is params[k] - learning_rate * grads[k] for every key k.")


@exercise("day12.overfit_small_batch")
def test_overfit_takes_plain_gradient_steps(day12):
    check_overfit_steps(day12, 4, 0.05)


@exercise("day12.overfit_small_batch")
def test_overfit_default_learning_rate(day12):
    check_overfit_steps(day12, 2, None)


# == update_ratio ==================================================================================
def trusted_ratios(params, updates):
    return {k: float(np.linalg.norm(updates[k]) / (np.linalg.norm(params[k]) + RATIO_EPS)) for k in params}


def ratio_mistakes(params, updates, keys):
    """What the known slips give, key by key, as (vector, sentence)."""
    def vector(fn):
        return np.array([fn(params[k], updates[k]) for k in keys])
    explanations = [
        (vector(lambda p, u: np.linalg.norm(p) / (np.linalg.norm(u) + RATIO_EPS)),
         "the ratio is upside down: norm(update) / (norm(param) + eps), the update on top"),
        (vector(lambda p, u: np.sum(u ** 2) / (np.sum(p ** 2) + RATIO_EPS)),
         "these are ratios of sums of squares, the squared norms: take np.linalg.norm (their square roots)"),
        (vector(lambda p, u: np.mean(np.abs(u)) / (np.mean(np.abs(p)) + RATIO_EPS)),
         "these are ratios of mean absolute values; use the Frobenius norm np.linalg.norm of each array"),
    ]
    if all(np.ndim(params[k]) <= 2 for k in keys):
        explanations.append((vector(lambda p, u: np.linalg.norm(u, 2) / (np.linalg.norm(p, 2) + RATIO_EPS)),
                             "for the matrices these are ratios of largest singular values, np.linalg.norm(W, 2); "
                             "call np.linalg.norm(W) without an order for the Frobenius norm"))
    return explanations


def check_ratios(got, params, updates, context):
    if not isinstance(got, dict):
        fail(f"update_ratio returned {describe_value(got)}{context}; return a dict name -> float, one entry per key "
             f"of params.")
    keys = list(params)
    if set(got) != set(keys):
        fail(f"update_ratio returned the keys {sorted(map(str, got))}{context}; it must have exactly the keys of "
             f"params, {sorted(keys)}.")
    values = [expect_number(f"ratios[{k!r}]", got[k], context) for k in keys]
    truth = trusted_ratios(params, updates)
    expected = np.array([truth[k] for k in keys])
    why = the_one_matching(np.array(values), expected, ratio_mistakes(params, updates, keys), rtol=1e-7, atol=0)
    for k, value in zip(keys, values):
        if not math.isclose(value, truth[k], rel_tol=1e-7, abs_tol=0.0):
            sentence = (f"ratios[{k!r}] is {value:.8g} but should be {truth[k]:.8g} = norm(updates[{k!r}]) / "
                        f"(norm(params[{k!r}]) + 1e-12){context}")
            if why:
                fail(f"{sentence}: {why}.", names="cause")
            fail(f"{sentence} (params[{k!r}] has shape {np.shape(params[k])}; norm is the Frobenius norm, the square "
                 f"root of the sum of all squared entries).")


def ratio_fixture(seed, shapes, scales):
    gen = np.random.default_rng(seed)
    params = {k: scale * gen.standard_normal(shape) for (k, shape), scale in zip(shapes.items(), scales)}
    updates = {k: 1e-3 * gen.standard_normal(shape) for k, shape in shapes.items()}
    return params, updates


@exercise("day12.update_ratio")
def test_update_ratio_reference_values(day12):
    params, updates = ratio_fixture(7, {"W1": (5, 3), "b1": (3,), "W2": (3, 4), "b2": (4,)}, (1.0, 0.1, 0.05, 3.0))
    got = day12.update_ratio(params, updates)
    check_ratios(got, params, updates, " for W1 (5, 3), b1 (3,), W2 (3, 4), b2 (4,) of different sizes")


@exercise("day12.update_ratio")
def test_update_ratio_any_names_and_shapes(day12):
    # Keys that are not W/b, a 3-D filter bank, and updates listed in another order.
    params, updates = ratio_fixture(8, {"filters": (2, 3, 4), "gamma": (6,), "scale": (1,)}, (0.2, 1.0, 5.0))
    shuffled = {k: updates[k] for k in ("scale", "filters", "gamma")}
    got = day12.update_ratio(params, shuffled)
    check_ratios(got, params, updates, " for filters (2, 3, 4), gamma (6,), scale (1,), with the updates dict in "
                                       "another key order")


@exercise("day12.update_ratio")
def test_update_ratio_of_a_zero_parameter(day12):
    gen = np.random.default_rng(9)
    params = {"W": gen.standard_normal((4, 2)), "b": np.zeros(2), "c": np.zeros(3)}
    updates = {"W": 1e-3 * gen.standard_normal((4, 2)), "b": np.array([3e-4, -4e-4]), "c": np.zeros(3)}
    context = (" for a bias b that is exactly 0 with a non-zero update (its norm 5e-4 over eps = 1e-12 gives 5e8), and "
               "a c that is 0 with a zero update (ratio 0)")
    with np.errstate(all="ignore"):  # look at the values first; the warnings are checked below
        got = day12.update_ratio(params, updates)
    if isinstance(got, dict) and set(got) == set(params):
        values = {k: as_floats(got[k]) for k in params}
        if all(v is not None and v.ndim == 0 for v in values.values()) and \
                (np.isinf(values["b"]) or np.isnan(values["c"])):
            fail(f"ratios['b'] is {float(values['b'])} and ratios['c'] is {float(values['c'])}{context}: the norm of a "
                 f"zero parameter was used as a divisor without the epsilon. Divide by norm(param) + RATIO_EPS.",
                 names="cause")
    check_ratios(got, params, updates, context)
    day12.update_ratio(params, updates)  # now with warnings on: a division by zero fails at your line


@exercise("day12.update_ratio")
def test_update_ratio_leaves_its_inputs_alone(day12):
    params, updates = ratio_fixture(10, {"W1": (3, 3), "b1": (3,)}, (1.0, 1.0))
    copies = copy.deepcopy((params, updates))
    day12.update_ratio(params, updates)
    for label, before, after in (("params", copies[0], params), ("updates", copies[1], updates)):
        for k in before:
            expect_unchanged(f"{label}[{k!r}]", before[k], after[k])


# == sample_log_uniform ============================================================================
def ks_distance(u):
    """The Kolmogorov-Smirnov distance between the samples ``u`` and the uniform distribution on [0, 1]."""
    u = np.sort(np.asarray(u, dtype=float))
    n = len(u)
    steps = np.arange(1, n + 1) / n
    return float(max(np.max(steps - u), np.max(u - (steps - 1.0 / n))))


def expect_samples(name, got, shape, context):
    values = as_floats(got)
    if values is None or values.shape != shape:
        fail(f"{name} came back as {describe_value(got)}{context}; expected an array of shape {shape}.")
    if not np.all(np.isfinite(values)):
        fail(f"{name} contains {values[~np.isfinite(values)][0]}{context}; every sample must be a finite number.")
    return values


def expect_in_range(name, values, low, high, context):
    outside = (values < low * (1 - BOUND_RTOL)) | (values > high * (1 + BOUND_RTOL))
    if not np.any(outside):
        return
    first = int(np.argmax(outside))
    sentence = (f"{name}[{first}] = {values[first]:.6g} lies outside [low, high] = [{low:g}, {high:g}]{context} "
                f"({int(outside.sum())} of {values.size} samples do)")
    mixed = (math.exp(math.log10(low)), math.exp(math.log10(high)))
    powers = (10.0 ** math.log(low), 10.0 ** math.log(high))
    if low < high and np.all((values >= mixed[0] * (1 - 1e-9)) & (values <= mixed[1] * (1 + 1e-9))):
        fail(f"{sentence}: every sample lies in [exp(log10(low)), exp(log10(high))] = [{mixed[0]:.4g}, "
             f"{mixed[1]:.4g}], so the bases are mixed. Use np.exp with np.log bounds (or 10 ** with np.log10 "
             f"bounds).", names="cause")
    if low < high and np.all((values >= powers[0] * (1 - 1e-9)) & (values <= powers[1] * (1 + 1e-9))):
        fail(f"{sentence}: every sample lies in [10 ** ln(low), 10 ** ln(high)] = [{powers[0]:.4g}, "
             f"{powers[1]:.4g}], so the bases are mixed. Use 10 ** with np.log10 bounds (or np.exp with np.log "
             f"bounds).", names="cause")
    fail(f"{sentence}.")


def expect_log_uniform(name, values, low, high, context):
    """The logarithms of ``values`` are uniform on [ln low, ln high]: decade shares, then a KS distance."""
    n = values.size
    decades = np.arange(round(math.log10(low)), round(math.log10(high)) + 1)
    if len(decades) >= 3 and np.allclose(10.0 ** decades[[0, -1]], [low, high]):
        counts = np.array([np.mean((values >= 10.0 ** a) & (values < 10.0 ** (a + 1))) for a in decades[:-1]])
        share = 1.0 / len(counts)
        if np.any(np.abs(counts - share) > DECADE_TOL):
            labels = ", ".join(f"[1e{a}, 1e{a + 1})" for a in decades[:-1])
            sentence = (f"the shares of {name} in the decades {labels} are "
                        f"{[round(float(c), 3) for c in counts]}{context}; log-uniform samples put about {share:.2f} "
                        f"in each")
            if len(np.unique(values)) <= len(decades):
                fail(f"{sentence}, and yours take only {len(np.unique(values))} distinct values "
                     f"{shown(np.unique(values))}: the exponent is drawn as an integer. Draw it as a float: "
                     f"rng.uniform(np.log(low), np.log(high)).", names="cause")
            if counts[-1] > 0.8:
                fail(f"{sentence}, and yours crowd into the top decade as uniform draws between low and high do: "
                     f"draw the logarithm uniformly, np.exp(rng.uniform(np.log(low), np.log(high))).", names="cause")
            fail(f"{sentence}.")
    u = (np.log(values) - math.log(low)) / (math.log(high) - math.log(low))
    distance = ks_distance(u)
    if distance > KS_FACTOR / math.sqrt(n):
        linear = ks_distance((values - low) / (high - low))
        sentence = (f"the logarithms of {name} are not uniform on [ln {low:g}, ln {high:g}]{context}: their "
                    f"Kolmogorov-Smirnov distance from the uniform distribution is {distance:.3f} over {n} samples "
                    f"(at most {KS_FACTOR / math.sqrt(n):.3f} is accepted)")
        if linear <= KS_FACTOR / math.sqrt(n):
            fail(f"{sentence}; the samples themselves are uniform between low and high (linear scale). Draw the "
                 f"logarithm uniformly: np.exp(rng.uniform(np.log(low), np.log(high))).", names="cause")
        fail(f"{sentence}.")


@exercise("day12.sample_log_uniform")
def test_log_uniform_spreads_evenly_over_the_decades(day12):
    got = day12.sample_log_uniform(1e-5, 1e-1, np.random.default_rng(20), size=4000)
    context = " for 4000 samples from [1e-5, 1e-1] (size=4000, seed 20)"
    values = expect_samples("the samples", got, (4000,), context)
    expect_in_range("samples", values, 1e-5, 1e-1, context)
    expect_log_uniform("the samples", values, 1e-5, 1e-1, context)


@exercise("day12.sample_log_uniform")
def test_log_uniform_one_value_at_a_time(day12):
    out = day12.probe(probes.scalar_draws, 1e-3, 10.0, 21, 1200)
    context = " for 1200 calls without size on one generator (seed 21), range [1e-3, 10]"
    if out["ndim"] != 0:
        fail(f"sample_log_uniform without size returned a {out['type']} of {out['ndim']} dimensions{context}; "
             f"return one number (a float) when size is None.")
    values = np.asarray(out["draws"], dtype=float)
    if len(np.unique(values)) == 1:
        fail(f"all 1200 draws are {values[0]:.6g}{context}: each call must draw a new value from rng.")
    expect_in_range("draws", values, 1e-3, 10.0, context)
    expect_log_uniform("the draws", values, 1e-3, 10.0, context)


@exercise("day12.sample_log_uniform")
@pytest.mark.parametrize("low, high", [(1e-250, 1e-200), (1e100, 1e150), (0.5, 8.0), (2.0, 2.0)],
                         ids=["tiny", "huge", "ordinary", "one-point"])
def test_log_uniform_bounds(day12, low, high):
    context = f" for the range [{low:g}, {high:g}] (size=(25, 20), seed 22)"
    got = day12.sample_log_uniform(low, high, np.random.default_rng(22), size=(25, 20))
    values = expect_samples("the samples", got, (25, 20), context).ravel()
    expect_in_range("samples", values, low, high, context)
    if low < high:
        u = (np.log(values) - math.log(low)) / (math.log(high) - math.log(low))
        if u.min() > 0.05 or u.max() < 0.95:
            fail(f"500 samples{context} only cover [{values.min():.4g}, {values.max():.4g}]; log-uniform draws reach "
                 f"close to both ends of the range.")
        expect_log_uniform("the samples", values, low, high, context)


@exercise("day12.sample_log_uniform")
def test_log_uniform_follows_the_rng(day12):
    first = as_floats(day12.sample_log_uniform(1e-4, 1.0, np.random.default_rng(23), size=5))
    again = as_floats(day12.sample_log_uniform(1e-4, 1.0, np.random.default_rng(23), size=5))
    other = as_floats(day12.sample_log_uniform(1e-4, 1.0, np.random.default_rng(24), size=5))
    if first is None or first.shape != (5,):
        fail("sample_log_uniform(1e-4, 1, rng, size=5) must return an array of 5 samples.")
    if not np.array_equal(first, again):
        fail("two calls with generators of the same seed (23) gave different samples; draw only from rng.")
    if np.array_equal(first, other):
        fail("generators of different seeds (23 and 24) gave the same samples; draw them from the rng argument.")
    gen = np.random.default_rng(25)
    one, two = (day12.sample_log_uniform(1e-4, 1.0, gen) for _ in range(2))
    if one == two:
        fail(f"two consecutive calls on one generator both returned {one:.6g}; each call must draw from rng.")


@exercise("day12.sample_log_uniform")
@pytest.mark.parametrize("low, high", [(0.0, 1.0), (-1e-3, 1e-1), (1.0, 0.5)], ids=["zero", "negative", "reversed"])
def test_log_uniform_rejects_impossible_ranges(day12, low, high):
    expect_raises_value_error(f"sample_log_uniform({low:g}, {high:g}, rng)",
                              lambda: day12.sample_log_uniform(low, high, np.random.default_rng(0)))


# == random_search =================================================================================
SPACE = {"learning_rate": (1e-5, 1e-1, "log"), "reg": (1e-6, 1e-2, "log"), "keep_prob": (0.1, 0.9, "linear")}


def expect_trials(trials, n, space, context):
    """A list of n dicts with the keys of ``space`` and numbers in range; returns an (n, d) array of values."""
    if not isinstance(trials, list):
        fail(f"random_search returned {describe_value(trials)}{context}; return a list of trials (dicts).")
    if len(trials) != n:
        fail(f"random_search returned {len(trials)} trials{context}; it must return n_trials = {n}.")
    rows = []
    for index, trial in enumerate(trials):
        if not isinstance(trial, dict) or set(trial) != set(space):
            fail(f"trial {index} is {describe_value(trial)}{context}; each trial is a dict with the keys of space, "
                 f"{list(space)}.")
        row = []
        for name, (low, high, _) in space.items():
            value = expect_number(f"trial {index}[{name!r}]", trial[name], context)
            if not low * (1 - BOUND_RTOL) <= value <= high * (1 + BOUND_RTOL):
                fail(f"trial {index}[{name!r}] = {value:.6g} lies outside its range [{low:g}, {high:g}]{context}.")
            row.append(value)
        rows.append(row)
    return np.array(rows).reshape(n, len(space))


@exercise("day12.random_search")
def test_random_search_trials_and_values(day12):
    context = (" for 9 trials of a space with learning_rate (1e-5, 1e-1, 'log'), reg (1e-6, 1e-2, 'log') and "
               "keep_prob (0.1, 0.9, 'linear')")
    trials = day12.random_search(SPACE, 9, np.random.default_rng(30))
    values = expect_trials(trials, 9, SPACE, context)
    if len(np.unique(values, axis=0)) == 1:
        fail(f"all 9 trials are the same, {trials[0]}{context}: one dict was filled and appended every time (or the "
             f"values were drawn once). Create a new dict, with new draws, inside the loop.", names="cause")
    if len(np.unique(values, axis=0)) < 9:
        fail(f"only {len(np.unique(values, axis=0))} of the 9 trials differ{context}; every trial draws new values.")


@exercise("day12.random_search")
def test_random_search_draws_each_scale_correctly(day12):
    trials = day12.random_search(SPACE, 1200, np.random.default_rng(31))
    context = " over 1200 trials (seed 31)"
    values = expect_trials(trials, 1200, SPACE, context)
    expect_log_uniform("learning_rate (a 'log' hyperparameter, range [1e-5, 1e-1])", values[:, 0], 1e-5, 1e-1,
                       context)
    expect_log_uniform("reg (a 'log' hyperparameter, range [1e-6, 1e-2])", values[:, 1], 1e-6, 1e-2, context)
    u = (values[:, 2] - 0.1) / 0.8
    distance = ks_distance(u)
    if distance > KS_FACTOR / math.sqrt(1200):
        sentence = (f"keep_prob (a 'linear' hyperparameter, range [0.1, 0.9]) is not uniform{context}: its "
                    f"Kolmogorov-Smirnov distance from the uniform distribution is {distance:.3f} (at most "
                    f"{KS_FACTOR / math.sqrt(1200):.3f} is accepted)")
        if ks_distance((np.log(values[:, 2]) - math.log(0.1)) / math.log(9.0)) <= KS_FACTOR / math.sqrt(1200):
            fail(f"{sentence}; its logarithm is uniform: 'linear' hyperparameters are drawn with "
                 f"rng.uniform(low, high), not with sample_log_uniform.", names="cause")
        fail(f"{sentence}.")


@exercise("day12.random_search")
def test_random_search_follows_the_rng(day12):
    runs = [day12.random_search(SPACE, 4, np.random.default_rng(seed)) for seed in (32, 32, 33)]
    values = [expect_trials(run, 4, SPACE, " for 4 trials") for run in runs]
    if not np.array_equal(values[0], values[1]):
        fail("two searches with generators of the same seed (32) gave different trials; draw every value from rng.")
    if np.array_equal(values[0], values[2]):
        fail("searches with generators of different seeds (32 and 33) gave the same trials: the values do not come "
             "from the rng argument (a generator made inside the function, with its own seed?). Draw every value "
             "from rng.", names="cause")
    gen = np.random.default_rng(34)
    first, second = (expect_trials(day12.random_search(SPACE, 3, gen), 3, SPACE, " for 3 trials") for _ in range(2))
    if np.array_equal(first, second):
        fail("two consecutive searches on one generator gave the same trials; each must draw new values from rng.")


@exercise("day12.random_search")
def test_random_search_edges(day12):
    trials = day12.random_search(SPACE, 0, np.random.default_rng(35))
    if trials != []:
        fail(f"random_search with n_trials = 0 returned {describe_value(trials)}; it must return an empty list.")
    bad = {"learning_rate": (1e-4, 1e-1, "log"), "momentum": (0.5, 0.99, "cubic")}
    for n in (2, 0):
        expect_raises_value_error(f"random_search(space with scale 'cubic', n_trials={n}, rng)",
                                  lambda n=n: day12.random_search(bad, n, np.random.default_rng(36)))


# == grid_search ===================================================================================
GRID = {"learning_rate": [1e-3, 1e-2, 1e-1], "reg": [0.0, 1e-4], "hidden_dim": [50, 100]}


def grid_rows(trials, space, context):
    if not isinstance(trials, list):
        fail(f"grid_search returned {describe_value(trials)}{context}; return a list of trials (dicts).")
    rows = []
    for index, trial in enumerate(trials):
        if not isinstance(trial, dict) or set(trial) != set(space):
            fail(f"trial {index} is {describe_value(trial)}{context}; each trial is a dict with the keys of space, "
                 f"{list(space)}.")
        rows.append(tuple(trial[name] for name in space))
    return rows


@exercise("day12.grid_search")
def test_grid_covers_the_product(day12):
    context = " for learning_rate [1e-3, 1e-2, 1e-1], reg [0, 1e-4], hidden_dim [50, 100]"
    rows = grid_rows(day12.grid_search(GRID), GRID, context)
    product = list(itertools.product(*GRID.values()))
    if len(rows) == 2 and rows == list(zip(*GRID.values())):
        fail(f"grid_search returned 2 trials{context}: zip pairs the i-th values of the lists. A grid has one trial "
             f"per combination, 3 x 2 x 2 = 12: itertools.product.", names="cause")
    if len(rows) == len(product) and len(set(rows)) == 1:
        fail(f"all {len(rows)} trials are {dict(zip(GRID, rows[0]))}{context}: one dict was updated and appended for "
             f"every combination. Build a new dict per combination, dict(zip(names, values)).", names="cause")
    missing = [combo for combo in product if combo not in rows]
    if len(rows) != len(product) or missing:
        detail = f"; missing, for example, {dict(zip(GRID, missing[0]))}" if missing else ""
        fail(f"grid_search returned {len(rows)} trials{context}, {len(set(rows))} of them different; the grid is "
             f"every combination, 3 x 2 x 2 = 12 trials, each once{detail}.")


@exercise("day12.grid_search")
def test_grid_order_is_that_of_itertools_product(day12):
    context = " for learning_rate [1e-3, 1e-2, 1e-1], reg [0, 1e-4], hidden_dim [50, 100]"
    rows = grid_rows(day12.grid_search(GRID), GRID, context)
    product = list(itertools.product(*GRID.values()))
    if sorted(rows) != sorted(product):
        fail(f"grid_search does not return every combination once{context}; see the check of the product above.")
    if rows == product:
        return
    reversed_order = [combo[::-1] for combo in itertools.product(*list(GRID.values())[::-1])]
    first = next(k for k, (a, b) in enumerate(zip(rows, product)) if a != b)
    sentence = (f"trial {first} is {dict(zip(GRID, rows[first]))} but should be {dict(zip(GRID, product[first]))}"
                f"{context}")
    if rows == reversed_order:
        fail(f"{sentence}: the last hyperparameter varies slowest. Follow itertools.product over the keys in "
             f"order: the first varies slowest, the last fastest.", names="cause")
    fail(f"{sentence}; the order is that of itertools.product over the keys in order (the first varies slowest).")


@exercise("day12.grid_search")
@pytest.mark.parametrize("space, expected", [
    ({"learning_rate": [1e-4, 1e-3, 1e-2, 1e-1]}, [{"learning_rate": v} for v in (1e-4, 1e-3, 1e-2, 1e-1)]),
    ({"learning_rate": [1e-3, 1e-2], "hidden_dim": [100]},
     [{"learning_rate": 1e-3, "hidden_dim": 100}, {"learning_rate": 1e-2, "hidden_dim": 100}]),
    ({"learning_rate": [1e-3, 1e-2], "reg": []}, []),
    ({}, [{}]),
], ids=["one-hyperparameter", "one-value", "empty-list", "empty-space"])
def test_grid_edges(day12, space, expected):
    got = day12.grid_search(space)
    if got != expected:
        fail(f"grid_search({space}) returned {got if isinstance(got, list) and len(got) < 8 else describe_value(got)} "
             f"but should return {expected}: the Cartesian product of the value lists (an empty list leaves no "
             f"combination; no hyperparameters at all leave one trial, the empty dict).")


# == best_trial ====================================================================================
def result(lr, reg, val, train, test):
    return {"params": {"learning_rate": lr, "reg": reg}, "val_acc": val, "train_acc": train, "test_acc": test}


def best_of(day12, results, context):
    answer = day12.best_trial(results)
    best, border = answer
    if not isinstance(best, dict) or best not in results:
        fail(f"best is {describe_value(best)}{context}; it must be one of the results (the dict itself).")
    if not isinstance(border, dict) or not all(v in ("low", "high") for v in border.values()):
        fail(f"border is {describe_value(border)}{context}; it must be a dict name -> 'low' or 'high'.")
    return results.index(best), border


@exercise("day12.best_trial")
def test_best_trial_selects_on_validation(day12):
    # The best on validation is result 1 (tied with result 2); the best on test is 0, on train 4; the worst is 3.
    results = [result(1e-3, 1e-2, 0.80, 0.99, 0.93), result(3e-2, 1e-3, 0.91, 0.95, 0.85),
               result(1e-2, 1e-3, 0.91, 0.97, 0.88), result(1e-1, 3e-3, 0.60, 0.62, 0.60),
               result(3e-3, 1e-4, 0.85, 1.00, 0.80)]
    context = (" for five results with val_acc [0.80, 0.91, 0.91, 0.60, 0.85], train_acc [0.99, 0.95, 0.97, 0.62, "
               "1.0] and test_acc [0.93, 0.85, 0.88, 0.60, 0.80]")
    index, _ = best_of(day12, results, context)
    if index == 1:
        return
    why = {0: "result 0 has the best test_acc. Choose on val_acc only: a choice made on the test set makes its "
              "accuracy an optimistic estimate",
           4: "result 4 has the best train_acc, which rewards overfitting. Choose on val_acc only",
           3: "result 3 has the lowest val_acc: the comparison is reversed. Keep a result when its val_acc is higher",
           2: "result 2 ties with result 1 on val_acc; on a tie the first one wins: replace the best only when a "
              "result is strictly better (>)"}[index]
    fail(f"best_trial chose result {index}{context}, but the best on validation is result 1: {why}.", names="cause")


@exercise("day12.best_trial")
def test_best_trial_flags_a_best_value_on_the_border(day12):
    # The winner has the largest learning rate and the smallest reg that were tried.
    results = [result(1e-3, 1e-2, 0.80, 0.9, 0.8), result(1e-1, 1e-5, 0.93, 0.9, 0.8),
               result(1e-2, 1e-3, 0.88, 0.9, 0.8), result(3e-2, 1e-4, 0.90, 0.9, 0.8)]
    context = " when the best result has the largest learning_rate (1e-1) and the smallest reg (1e-5) tried"
    index, border = best_of(day12, results, context)
    if index != 1:
        fail(f"best_trial chose result {index}{context}; the best val_acc is that of result 1.")
    if border == {"learning_rate": "high", "reg": "low"}:
        return
    sentence = f"border is {border}{context}; expected {{'learning_rate': 'high', 'reg': 'low'}}"
    if border == {}:
        fail(f"{sentence}: a best value at the edge of the range tried is never flagged. Compare each best value "
             f"with the smallest and the largest value tried.", names="cause")
    if border == {"learning_rate": "high"}:
        fail(f"{sentence}: only the top of the range is flagged; a best value equal to the smallest one tried is "
             f"flagged 'low'.", names="cause")
    fail(f"{sentence}.")


@exercise("day12.best_trial")
def test_best_trial_inside_the_range_is_not_flagged(day12):
    # The winner's values are strictly inside the ranges; hidden_dim took one value only, so it was not searched.
    results = [dict(result(1e-3, 1e-2, 0.80, 0.9, 0.95), params={"learning_rate": 1e-3, "reg": 1e-2, "hidden": 100}),
               dict(result(1e-2, 1e-4, 0.93, 0.9, 0.70), params={"learning_rate": 1e-2, "reg": 1e-4, "hidden": 100}),
               dict(result(1e-1, 1e-5, 0.50, 0.9, 0.60), params={"learning_rate": 1e-1, "reg": 1e-5, "hidden": 100})]
    context = " when the best result's learning_rate and reg lie strictly inside the ranges tried and hidden = 100 " \
              "in every result"
    index, border = best_of(day12, results, context)
    if index != 1:
        fail(f"best_trial chose result {index}{context}; the best val_acc is that of result 1.")
    if "hidden" in border:
        fail(f"border flags hidden{context}: a hyperparameter that took one value only was not searched and is never "
             f"flagged (skip it when its smallest and largest values are equal).")
    if border:
        fail(f"border is {border}{context}; expected {{}}: no best value is the smallest or largest one tried.")


@exercise("day12.best_trial")
def test_best_trial_of_nothing_raises(day12):
    expect_raises_value_error("best_trial([])", lambda: day12.best_trial([]))


# == train_tiny_network (a repair exercise) =========================================================
def spiral(seed=0, per_class=40, classes=3):
    """Three interleaved spiral arms in the plane (CS231n's toy set): not linearly separable."""
    gen = np.random.default_rng(seed)
    X, y = [], []
    for c in range(classes):
        radius = np.linspace(0.05, 1.0, per_class)
        angle = np.linspace(4.0 * c, 4.0 * (c + 1), per_class) + 0.2 * gen.standard_normal(per_class)
        X.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        y.append(np.full(per_class, c))
    return np.vstack(X), np.concatenate(y)


def history_part(history, key, length, call):
    """``history[key]`` as an array of ``length`` numbers (NaN allowed: a diverging run is data)."""
    if not isinstance(history, dict) or key not in history:
        fail(f"{call} returned {describe_value(history)}; it must return the history dict with keys 'loss', "
             f"'train_acc' and 'params'.")
    values = as_floats(history[key])
    if values is None or values.shape != (length,):
        fail(f"history[{key!r}] of {call} is {describe_value(history[key])}; it must hold {length} numbers.")
    return values


def run_tiny(day12, X, y, seed, **kwargs):
    """The learner's train_tiny_network and its minibatch losses, with floating-point warnings ignored."""
    N, batch = len(y), kwargs.get("batch_size", 20)
    epochs = kwargs.get("epochs", 100)
    call = f"train_tiny_network(X {X.shape}, y, rng, {', '.join(f'{k}={v}' for k, v in kwargs.items())})"
    with np.errstate(all="ignore"):
        history = day12.train_tiny_network(X, y, np.random.default_rng(seed), **kwargs)
    return history, history_part(history, "loss", epochs * math.ceil(N / batch), call), call


def climbing_bug(day12):
    """``(present, summary, sentence)`` for the update's direction: small full-batch steps lower the loss."""
    gen = np.random.default_rng(40)
    X, y = gen.standard_normal((12, 2)), np.full(12, 2)
    _, losses, _ = run_tiny(day12, X, y, 41, learning_rate=0.01, epochs=4, batch_size=12)
    steps = np.diff(losses)
    setting = ("with every label equal (2), so that no shuffle can matter, and full-batch steps of learning_rate = "
               "0.01 on 12 examples")
    if np.all(steps < 0):
        return False, "", ""
    if np.all(steps > 0):
        summary = f"each step climbs the loss (small full-batch steps raised it every time, {shown(losses)})"
        return True, summary, (f"the update climbs the loss: {setting}, the loss rose at every step, "
                               f"{shown(losses)}. Each step must move against the gradient: "
                               f"params[name] -= learning_rate * grad")
    return True, f"small full-batch steps do not lower the loss ({shown(losses)})", \
        f"{setting}, the loss should fall at every step, but it went {shown(losses)}"


def pairing_bug(day12):
    """``(present, summary, sentence)`` for the shuffle: at learning_rate 0 with one full batch, every loss is equal."""
    gen = np.random.default_rng(42)
    X, y = gen.standard_normal((15, 3)), np.arange(15) % 3
    _, losses, _ = run_tiny(day12, X, y, 43, learning_rate=0.0, epochs=4, batch_size=15, weight_scale=1.0)
    if np.allclose(losses, losses[0], rtol=1e-9, atol=1e-12):
        return False, "", ""
    summary = (f"the labels do not stay with their inputs (at learning_rate = 0, with one full batch, the loss changed "
               f"from epoch to epoch, {shown(losses)})")
    return True, summary, (
        f"the labels do not stay with their inputs: with learning_rate = 0 the weights never change and batch_size = "
        f"N = 15 puts every example in every step, so every epoch must give the same loss; yours gave "
        f"{shown(losses)}, because each epoch paired the inputs with other examples' labels. Shuffle X and y with "
        f"one permutation: order = rng.permutation(N); X[order], y[order]")


def averaging_bug(day12):
    """``(present, summary, sentence)`` for the averaging: 8 copies of one example train like that example alone."""
    one = np.array([[0.5, -1.0, 2.0]])
    _, alone, _ = run_tiny(day12, one, np.array([2]), 44, learning_rate=0.5, epochs=3)
    _, copies, _ = run_tiny(day12, np.repeat(one, 8, axis=0), np.full(8, 2), 44, learning_rate=0.5, epochs=3)
    if np.allclose(copies, alone, rtol=1e-9, atol=1e-12):
        return False, "", ""
    setting = ("one example alone and a batch of 8 copies of it (same seed, so the same initial weights) must give the "
               "same losses, since the loss is an average")
    if math.isclose(copies[0], 8 * alone[0], rel_tol=1e-6):
        summary = (f"the loss is summed, not averaged (8 copies of one example gave a first loss of "
                   f"{copies[0]:.4g}, 8 times its {alone[0]:.4g})")
        return True, summary, (
            f"the loss is summed over the batch, not averaged: {setting}, but the copies gave {shown(copies)}, 8 "
            f"times the {shown(alone)} of the single example. Average it with np.mean, and its gradient too: "
            f"dscores divided by the batch size n")
    if math.isclose(copies[0], alone[0], rel_tol=1e-9):
        summary = (f"the gradient is summed, not averaged (8 copies of one example take a bigger step than the "
                   f"example alone: {shown(copies, 3)} against {shown(alone, 3)})")
        return True, summary, (
            f"the gradient is summed over the batch, not averaged: {setting}; the first losses agree "
            f"({alone[0]:.6g}) but after one step the copies gave {shown(copies)} and the single example "
            f"{shown(alone)}. Divide dscores by the batch size n before the backward pass")
    return True, "8 copies of one example do not train like the example alone", \
        f"{setting}; the single example gave {shown(alone)}, the 8 copies {shown(copies)}"


BUGS = (("the update direction", climbing_bug), ("the shuffle", pairing_bug), ("the averaging", averaging_bug))


@exercise("day12.train_tiny_network")
def test_train_tiny_network_learns(day12):
    X, y = spiral()
    history, losses, call = run_tiny(day12, X, y, 45)
    accuracy = history_part(history, "train_acc", 100, call)[-1]
    if np.isfinite(accuracy) and accuracy >= 0.9 and np.isfinite(losses[-1]) and losses[-10:].mean() < losses[0] / 2:
        return
    context = (f"after 100 epochs on a three-class spiral (X {X.shape}, chance is 33 %) its training accuracy is "
               f"{accuracy:.0%} and its last minibatch loss {losses[-1]:.4g} (first {losses[0]:.4g}); the repaired "
               f"network passes 90 %")
    remaining = [summary for _, detect in BUGS for present, summary, _ in [detect(day12)] if present]
    if remaining:
        listed = "; ".join(f"({k}) {summary}" for k, summary in enumerate(remaining, start=1))
        fail(f"train_tiny_network does not learn yet: {context}. {len(remaining)} of the 3 bugs "
             f"{'is' if len(remaining) == 1 else 'are'} still there: {listed}. "
             f"{'Its own check says more.' if len(remaining) == 1 else 'Each has its own check, which says more.'}",
             names="cause")
    fail(f"train_tiny_network does not learn yet: {context}. None of the three planted bugs shows any more, so look at "
         f"what else changed (compare it with the docstring, line by line).")


def expect_no_bug(day12, detect):
    present, _, sentence = detect(day12)
    if present:
        fail(f"{sentence[0].upper()}{sentence[1:]}.", names="cause")


@exercise("day12.train_tiny_network")
def test_repair_update_direction(day12):
    expect_no_bug(day12, climbing_bug)


@exercise("day12.train_tiny_network")
def test_repair_labels_stay_with_their_inputs(day12):
    expect_no_bug(day12, pairing_bug)


@exercise("day12.train_tiny_network")
def test_repair_loss_is_averaged(day12):
    expect_no_bug(day12, averaging_bug)


@exercise("day12.train_tiny_network")
def test_repair_history_has_the_documented_form(day12):
    gen = np.random.default_rng(46)
    X, y = gen.standard_normal((10, 3)), np.array([0, 3, 1, 1, 0, 3, 2, 0, 1, 3])
    X_before, y_before = X.copy(), y.copy()
    history, _, call = run_tiny(day12, X, y, 47, hidden_dim=7, learning_rate=0.0, epochs=2, batch_size=4,
                                weight_scale=2.0)
    expect_unchanged("X", X_before, X)
    expect_unchanged("y", y_before, y)
    accuracy = history_part(history, "train_acc", 2, call)
    if np.any((accuracy < 0) | (accuracy > 1)):
        fail(f"history['train_acc'] of {call} is {shown(accuracy)}; accuracies lie in [0, 1].")
    params = history.get("params")
    shapes = {"W1": (3, 7), "b1": (7,), "W2": (7, 4), "b2": (4,)}
    if not isinstance(params, dict) or set(params) != set(shapes):
        fail(f"history['params'] of {call} is {describe_value(params)}; it must be the dict W1, b1, W2, b2.")
    for name, shape in shapes.items():
        if np.shape(params[name]) != shape:
            fail(f"history['params'][{name!r}] of {call} has shape {np.shape(params[name])}, expected {shape} (D = 3 "
                 f"inputs, hidden_dim = 7, C = y.max() + 1 = 4 classes).")
    # With learning_rate = 0 the trained parameters are the initial ones: the documented draws.
    gen = np.random.default_rng(47)
    initial = {"W1": 2.0 * gen.standard_normal((3, 7)), "b1": np.zeros(7), "W2": 2.0 * gen.standard_normal((7, 4)),
               "b2": np.zeros(4)}
    for name, expected in initial.items():
        if not same(params[name], expected, rtol=RTOL, atol=ATOL):
            fail(f"with learning_rate = 0, history['params'][{name!r}] of {call} should still be its initial value, "
                 f"{'zeros' if name[0] == 'b' else 'weight_scale * rng.standard_normal(shape), W1 drawn before W2'}; "
                 f"it is not (is weight_scale = 2.0 used?).")
