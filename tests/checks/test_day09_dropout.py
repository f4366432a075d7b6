"""Checks for Day 9: inverted dropout (forward and backward) and Monte Carlo dropout.

The forward pass is checked from the outside in: the identity at test time, then the statistics
of the mask at keep probabilities 0.25 and 0.7 (at 0.5, reading keep as drop changes nothing
visible), then each unit's value, then the exact mask that the docstring specifies
(``rng.random(x.shape) < keep_prob``) and its strict comparison. The statistical tolerances come
from the binomial standard deviation of the draws. The backward pass is checked against the
forward pass's own mask and, with a fixed seed, against centred differences. ``mc_dropout_predict``
gets forward passes from tests/probes/day09_dropout.py that record their calls; the expected
averages are replayed here from the same seeds.
"""
import math

import numpy as np
import pytest

from ..probes import day09_dropout as probes
from .expect import expect_array, expect_array_naming, expect_unchanged, fail, shapes, the_one_matching
from .gradcheck import check_gradients, numerical_gradient_of

exercise = pytest.mark.exercise

#: What each function returns: a tuple of these values (unpacked by the judge, with a sentence if not).
RETURNS = {"dropout_forward": "(out, cache)"}

#: How many binomial standard deviations a fraction or a mean may stray from its expectation. With the
#: fixed seeds below the reference strays by less than 2; a wrong keep probability strays by hundreds.
SIGMAS = 5.0

KEEP_PROBS = [0.25, 0.7]


# -- the judge's own dropout, from the docstring's specification ---------------------------------------
def spec_mask(shape, keep_prob, seed):
    """The mask the docstring specifies: one call ``rng.random(shape) < keep_prob`` on a new Generator."""
    return np.random.default_rng(seed).random(shape) < keep_prob


def _floats(value):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _same(got, expected) -> bool:
    got = _floats(got)
    expected = np.asarray(expected, dtype=float)
    return (got is not None and got.shape == expected.shape and bool(np.all(np.isfinite(got)))
            and bool(np.allclose(got, expected, rtol=1e-9, atol=1e-12)))


def expect_an_array_like(name, got, x, context):
    """``got`` is an array of x's shape with finite values (so the checks below can read it)."""
    array = _floats(got)
    if array is None or array.shape != np.shape(x):
        shape = "None" if got is None else f"shape {np.shape(got)}"
        fail(f"{name} has {shape} but should have shape {np.shape(x)}, like the input{context}.")
    if not np.all(np.isfinite(array)):
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        fail(f"{name} contains {array[idx]} at index {idx}{context}; every entry must be finite.")
    return array


def _index(flat, shape):
    return tuple(int(i) for i in np.unravel_index(int(flat), shape))


# -- dropout_forward ------------------------------------------------------------------------------
@exercise("day09.dropout_forward")
def test_forward_is_the_identity_at_test_time(day09):
    x = np.random.default_rng(901).standard_normal((3, 4, 5))
    keep_prob, seed = 0.25, 902
    rng, untouched = np.random.default_rng(seed), np.random.default_rng(seed)
    out, _ = day09.dropout_forward(x.copy(), keep_prob, False, rng)  # a copy: an in-place change has its own check
    context = f"{shapes(x=x)} at test time (train=False, keep_prob = {keep_prob})"
    expect_array_naming("out", out, x, [
        (x * keep_prob, "It is x * keep_prob: that is the original, non-inverted dropout. Inverted dropout scales "
                        "the kept units by 1 / keep_prob in training, so that test time is the plain identity."),
        (x / keep_prob, "It is x / keep_prob: the 1 / keep_prob scaling belongs to training only; when train is "
                        "false return x unchanged."),
        (x * spec_mask(x.shape, keep_prob, seed) / keep_prob,
         "It is a training pass: units are dropped at test time. When train is false, return x unchanged."),
    ], context=context)
    if rng.random() != untouched.random():
        fail(f"out is right{context}, but your code drew from rng anyway: at test time nothing is random, so "
             f"draw the mask only when train is true (otherwise every later draw of the network shifts).",
             names="cause")


@exercise("day09.dropout_forward")
@pytest.mark.parametrize("keep_prob", KEEP_PROBS)
def test_forward_keeps_the_fraction_and_the_mean(day09, keep_prob):
    shape = (400, 250)
    n = shape[0] * shape[1]
    x = np.ones(shape)
    out, _ = day09.dropout_forward(x.copy(), keep_prob, True, np.random.default_rng(903))
    context = f" for x of ones {shape}, keep_prob = {keep_prob}, train=True"
    out = expect_an_array_like("out", out, x, context)
    zeros = float(np.mean(out == 0))
    sd = math.sqrt(keep_prob * (1 - keep_prob) / n)  # of the fraction of dropped units
    allowed = SIGMAS * sd
    if abs(zeros - (1 - keep_prob)) > allowed:
        sentence = (f"{zeros:.2%} of out's units are 0{context}, but about 1 - keep_prob = {1 - keep_prob:.0%} "
                    f"should be (within {allowed:.2%}, {SIGMAS:g} binomial standard deviations)")
        if abs(zeros - keep_prob) <= allowed:
            fail(f"{sentence}: your code drops units with probability keep_prob. keep_prob is the probability of "
                 f"KEEPING a unit: keep it where rng.random(x.shape) < keep_prob.", names="cause")
        fail(f"{sentence}.")
    mean = float(np.mean(out))
    allowed = SIGMAS * math.sqrt((1 - keep_prob) / (keep_prob * n))  # out is 0 or 1 / keep_prob
    if abs(mean - 1.0) > allowed:
        sentence = (f"the mean of out is {mean:.4g}{context}, but inverted dropout keeps each unit's expected value: "
                    f"it should be 1 (within {allowed:.2g}, {SIGMAS:g} standard deviations)")
        kept = 1.0 - zeros
        causes = [(kept, "the kept units are not divided by keep_prob: out = x * mask / keep_prob"),
                  (kept * keep_prob, "the kept units are multiplied by keep_prob instead of divided by it: "
                                     "out = x * mask / keep_prob"),
                  (kept / (1 - keep_prob), "the kept units are divided by 1 - keep_prob: keep_prob itself is the "
                                           "probability of keeping, so divide by keep_prob")]
        why = [text for value, text in causes if abs(mean - value) < 1e-9]
        if len(why) == 1:
            fail(f"{sentence}: {why[0]}.", names="cause")
        fail(f"{sentence}.")


@exercise("day09.dropout_forward")
@pytest.mark.parametrize("keep_prob", [0.25, 0.7, 0.01])
def test_forward_zeroes_or_scales_each_unit(day09, keep_prob):
    # |x| up to 1000 with no exact zeros, so that every unit tells whether it was dropped or scaled.
    gen = np.random.default_rng(904)
    x = gen.choice([-1.0, 1.0], size=(20, 30)) * np.exp(gen.uniform(np.log(1e-3), np.log(1e3), size=(20, 30)))
    out, _ = day09.dropout_forward(x.copy(), keep_prob, True, np.random.default_rng(905))
    context = f"{shapes(x=x)}, keep_prob = {keep_prob} and train=True"
    out = expect_an_array_like("out", out, x, context)
    dropped = out == 0
    kept_right = np.isclose(out, x / keep_prob, rtol=1e-9, atol=0.0)
    wrong = ~(dropped | kept_right)
    if not np.any(wrong):
        return
    idx = tuple(int(i) for i in np.argwhere(wrong)[0])
    sentence = (f"out{list(idx)} is {out[idx]:.8g} for x{list(idx)} = {x[idx]:.8g}{context}; every unit must be "
                f"either dropped (0) or kept and divided by keep_prob (x / keep_prob = {x[idx] / keep_prob:.8g})")
    ratio = out[wrong] / x[wrong]
    causes = [(1.0, "the kept units are not scaled: divide them by keep_prob"),
              (keep_prob, "the kept units are multiplied by keep_prob: divide by it instead"),
              (1.0 / (1.0 - keep_prob), "the kept units are divided by 1 - keep_prob, as if keep_prob were the "
                                        "probability of dropping: divide by keep_prob")]
    why = [text for value, text in causes if np.allclose(ratio, value, rtol=1e-9)]
    if len(why) == 1:
        fail(f"{sentence}: {why[0]}.", names="cause")
    fail(f"{sentence}.")


@exercise("day09.dropout_forward")
@pytest.mark.parametrize("keep_prob", KEEP_PROBS)
def test_forward_draws_the_mask_as_specified(day09, keep_prob):
    shape, seed = (6, 7, 8), 906
    x = np.random.default_rng(907).uniform(0.5, 2.0, size=shape)
    rng = np.random.default_rng(seed)
    out, _ = day09.dropout_forward(x.copy(), keep_prob, True, rng)
    context = f"{shapes(x=x)} (a 3-D x), keep_prob = {keep_prob}, train=True and a Generator seeded {seed}"
    out = expect_an_array_like("out", out, x, context)
    mask = spec_mask(shape, keep_prob, seed)
    kept = out != 0
    if not np.array_equal(kept, mask):
        gen = np.random.default_rng(seed)
        shared = np.broadcast_to(gen.random(shape[1:]) < keep_prob, shape)
        causes = [(shared, "it is one mask of shape x.shape[1:] shared by every example of the batch; draw one "
                           "number per unit, rng.random(x.shape)"),
                  (~mask, "the units kept are exactly those the specified mask drops: you keep a unit where the draw "
                          "is >= keep_prob. Keep it where rng.random(x.shape) < keep_prob"),
                  (spec_mask(shape, 1 - keep_prob, seed), "it keeps a unit where the draw is < 1 - keep_prob, as if "
                                                          "keep_prob were the probability of dropping"),
                  (np.random.default_rng(seed).binomial(1, keep_prob, size=shape).astype(bool),
                   "it is drawn with rng.binomial, which has the right distribution but turns the draws into units "
                   "its own way. Draw rng.random(x.shape) < keep_prob, as the docstring specifies, so that a seed "
                   "gives the specified mask")]
        where = _index(np.argmax(kept != mask), shape)
        state = "kept" if kept[where] else "dropped"
        sentence = (f"out's mask differs from rng.random(x.shape) < keep_prob{context}: unit {where} is {state} in "
                    f"yours and {'dropped' if state == 'kept' else 'kept'} in the specified mask "
                    f"({int(np.sum(kept != mask))} of {mask.size} units differ)")
        why = [text for candidate, text in causes if np.array_equal(kept, candidate)]
        if len(why) == 1:
            fail(f"{sentence}: {why[0]}.", names="cause")
        fail(f"{sentence}. Draw the whole mask with one call, rng.random(x.shape) < keep_prob, so that a seed gives a "
             f"reproducible mask.")
    expect_array("out", out, x * mask / keep_prob, context=context)
    replay = np.random.default_rng(seed)
    replay.random(shape)
    if rng.random() != replay.random():
        fail(f"out is right{context}, but your code drew more numbers from rng than the one call rng.random(x.shape); "
             f"draw each number once, or every later draw of the network shifts.")


@exercise("day09.dropout_forward")
def test_forward_compares_strictly(day09):
    # keep_prob is exactly the uniform number drawn for one unit: that unit must be dropped (u < keep_prob fails).
    shape, seed = (5, 8), 908
    draws = np.random.default_rng(seed).random(shape)
    at = int(np.argmin(np.abs(draws - 0.6)))
    keep_prob = float(draws.flat[at])
    x = np.ones(shape)
    out, _ = day09.dropout_forward(x.copy(), keep_prob, True, np.random.default_rng(seed))
    where = _index(at, shape)
    context = (f" for x of ones {shape}, keep_prob = {keep_prob!r}, which is exactly the number rng.random(x.shape) "
               f"draws for unit {where} (Generator seeded {seed})")
    out = expect_an_array_like("out", out, x, context)
    expected = (draws < keep_prob) / keep_prob
    if not _same(out, expected) and _same(out, (draws <= keep_prob) / keep_prob):
        fail(f"out{list(where)} is {out[where]:.8g}{context}, but that unit must be dropped: your mask keeps a unit "
             f"whose draw equals keep_prob, as u <= keep_prob does. Keep a unit only where its draw is strictly below "
             f"keep_prob: mask = rng.random(x.shape) < keep_prob.", names="cause")
    expect_array("out", out, expected, context=context)


@exercise("day09.dropout_forward")
def test_forward_keeps_every_unit_at_keep_prob_one(day09):
    gen = np.random.default_rng(909)
    x = np.concatenate([gen.uniform(-1000.0, 1000.0, size=(3, 6)), np.zeros((1, 6))])
    out, _ = day09.dropout_forward(x.copy(), 1.0, True, np.random.default_rng(910))
    expect_array("out", out, x, context=f"{shapes(x=x)} (|x| up to 1000, and zeros), keep_prob = 1.0 and train=True: "
                                        f"every draw is below 1, so every unit is kept and divided by 1")


@exercise("day09.dropout_forward")
def test_forward_does_not_modify_x(day09):
    x = np.random.default_rng(911).standard_normal((10, 12))
    before = x.copy()
    day09.dropout_forward(x, 0.25, True, np.random.default_rng(912))
    expect_unchanged("x", before, x)
    day09.dropout_forward(x, 0.25, False, np.random.default_rng(913))
    expect_unchanged("x", before, x)


# -- dropout_backward -------------------------------------------------------------------------------
@exercise("day09.dropout_backward")
@pytest.mark.parametrize("keep_prob", KEEP_PROBS)
def test_backward_uses_the_forward_mask(day09, keep_prob):
    gen = np.random.default_rng(914)
    x = np.maximum(gen.uniform(-1.0, 2.0, size=(30, 40)), 0.0)  # like a ReLU's output: a third are exactly 0
    dout = gen.standard_normal(x.shape)
    seed = 915
    out, cache = day09.dropout_forward(x, keep_prob, True, np.random.default_rng(seed))
    dx = day09.dropout_backward(dout.copy(), cache)  # a copy: an in-place change has its own check
    mask = spec_mask(x.shape, keep_prob, seed)  # your forward pass draws this mask: its own checks say so
    context = f"{shapes(x=x, dout=dout)} and keep_prob = {keep_prob}, after your training forward pass"
    expected = dout * mask / keep_prob + 0.0  # + 0.0: no -0 in the messages
    from_out = np.asarray(out, dtype=float) != 0
    causes = [
        (dout, "It is dout unchanged: multiply by the forward pass's mask and divide by keep_prob."),
        (dout / keep_prob, "It is dout / keep_prob everywhere: the dropped units, which did not reach the loss, "
                           "must get 0. Multiply by the mask from the cache too."),
        (dout * mask, "It has the mask but not the scale: the forward pass divided by keep_prob, so dx = dout * "
                      "mask / keep_prob."),
        (dout * mask * keep_prob, "It is multiplied by keep_prob instead of divided: dx = dout * mask / keep_prob."),
        (dout * from_out / keep_prob, "It rebuilds the mask from out != 0, but a kept unit whose x is exactly 0 (as "
                                      "after a ReLU) also has out == 0 and still gets its gradient. Keep the mask "
                                      "itself in the cache."),
    ]
    got = _floats(dx)
    if (got is not None and got.shape == x.shape and np.all(np.isfinite(got)) and not _same(got, expected)
            and the_one_matching(got, expected, causes) is None):
        leaks = np.argwhere((got != 0) & ~mask)
        if leaks.size:
            idx = tuple(int(i) for i in leaks[0])
            fail(f"dx{list(idx)} is {got[idx]:.6g}{context}, but the forward pass dropped unit {idx}, so it gets no "
                 f"gradient ({len(leaks)} dropped units get some): use the mask from the cache; a new draw is a "
                 f"different mask.", names="cause")
    expect_array_naming("dx", dx, expected, causes, context=context)


@exercise("day09.dropout_backward")
def test_backward_matches_numerical_gradient(day09):
    # Every evaluation of the forward pass gets a new Generator with the same seed, hence the same mask.
    gen = np.random.default_rng(916)
    x, dout = gen.standard_normal((3, 4, 5)), gen.standard_normal((3, 4, 5))
    keep_prob, seed = 0.7, 917
    _, cache = day09.dropout_forward(x, keep_prob, True, np.random.default_rng(seed))
    dx = day09.dropout_backward(dout.copy(), cache)
    numerical = numerical_gradient_of(day09.probed(probes.dropout_seeded), (x, keep_prob, seed), wrt=0, dout=dout)
    check_gradients([("dx", dx, numerical)],
                    context=f" for x (3, 4, 5), keep_prob = {keep_prob} and the mask of a Generator seeded {seed}")


@exercise("day09.dropout_backward")
def test_backward_is_the_identity_after_a_test_time_pass(day09):
    gen = np.random.default_rng(918)
    x, dout = gen.standard_normal((6, 5)), gen.standard_normal((6, 5))
    keep_prob = 0.25
    _, cache = day09.dropout_forward(x, keep_prob, False, np.random.default_rng(919))
    dx = day09.dropout_backward(dout.copy(), cache)
    expect_array_naming("dx", dx, dout, [
        (dout / keep_prob, "It is dout / keep_prob: the test-time forward pass is the identity, so its gradient is "
                           "dout itself. Tell the two kinds of cache apart (the reference stores mask = None)."),
        (dout * keep_prob, "It is dout * keep_prob: the test-time forward pass is the identity, so its gradient is "
                           "dout itself."),
    ], context=f"{shapes(dout=dout)} after a test-time forward pass (train=False, keep_prob = {keep_prob})")


@exercise("day09.dropout_backward")
def test_backward_does_not_modify_dout(day09):
    gen = np.random.default_rng(920)
    x, dout = gen.standard_normal((8, 9)), gen.standard_normal((8, 9))
    before = dout.copy()
    _, cache = day09.dropout_forward(x, 0.7, True, np.random.default_rng(921))
    day09.dropout_backward(dout, cache)
    expect_unchanged("dout", before, dout)


# -- mc_dropout_predict ------------------------------------------------------------------------------
def mc_inputs(seed=922, N=6, D=4):
    return np.random.default_rng(seed).standard_normal((N, D))


def replay(forward, X, n_samples, seed, train=True):
    """The forward passes mc_dropout_predict should make, in order, from a Generator seeded ``seed``."""
    gen = np.random.default_rng(seed)
    return [forward(X, train, gen) for _ in range(n_samples)], gen


@exercise("day09.mc_dropout_predict")
def test_mc_calls_forward_with_dropout_on(day09):
    X, n_samples, seed = mc_inputs(), 7, 923
    run = day09.probe(probes.mc_recording, X, n_samples, seed)
    calls = run["calls"]
    context = f"{shapes(X=X)} and n_samples = {n_samples}"
    if len(calls) != n_samples:
        times = "once" if len(calls) == 1 else f"{len(calls)} times"
        ignored = ": n_samples is ignored" if len(calls) == 1 else ""
        fail(f"mc_dropout_predict called forward {times}{context}{ignored}; call it exactly n_samples times.",
             names="cause" if len(calls) == 1 else "mismatch")
    trains = [call["train"] for call in calls]
    if all(t is False for t in trains):
        fail(f"every call of forward had train=False{context}: dropout is then off and every pass is the same "
             f"deterministic network, so the average is just the test-time prediction. Call forward(X, True, rng).",
             names="cause")
    odd = next((k for k, t in enumerate(trains) if t is not True), None)
    if odd is not None:
        fail(f"call {odd + 1} of forward had train={trains[odd]}{context}; every pass must run with dropout on: "
             f"forward(X, True, rng).")
    other = next((k for k, call in enumerate(calls) if not call["the rng given"]), None)
    if other is not None:
        fail(f"call {other + 1} of forward got a Generator other than the rng given to mc_dropout_predict{context}; "
             f"pass rng itself, so that the passes draw their masks from it and a seed gives a reproducible result.",
             names="cause")
    changed = next((k for k, call in enumerate(calls) if not call["X unchanged"]), None)
    if changed is not None:
        fail(f"call {changed + 1} of forward got an X different from the one given to mc_dropout_predict{context}; "
             f"pass X as it is, to every call.")
    _, gen = replay(probes.dropout_net_probs, X, n_samples, seed)
    if run["next draw"] != gen.random():
        fail(f"after mc_dropout_predict{context}, the rng is not where {n_samples} forward passes leave it: draw "
             f"nothing from it yourself, and let forward draw its masks from it.")


def expect_mean_of_passes(got, forward, X, n_samples, seed, context):
    passes, _ = replay(forward, X, n_samples, seed)
    expected = np.mean(passes, axis=0)
    N, C = expected.shape
    shape = np.shape(got)
    if shape == (N,) and _same(got, np.argmax(expected, axis=1)):
        fail(f"mc_dropout_predict returned shape (N,) = {shape}, the predicted classes{context}; return the mean "
             f"probabilities, shape (N, C) = {(N, C)}: the caller takes the argmax when it needs classes.",
             names="cause")
    if shape == (n_samples, C) and _same(got, np.mean(passes, axis=1)):
        fail(f"mc_dropout_predict returned shape {shape}, the mean over the examples of each pass{context}; average "
             f"over the passes (axis 0 of the stacked (n_samples, N, C) array) to get shape (N, C) = {(N, C)}.",
             names="cause")
    with np.errstate(all="ignore"):
        log_mean = np.exp(np.mean(np.log(passes), axis=0))
        geometric = log_mean / log_mean.sum(axis=1, keepdims=True)
    deterministic = forward(X, False, np.random.default_rng(seed))
    expect_array_naming("probs", got, expected, [
        (n_samples * expected, f"It is the sum of the {n_samples} passes: divide by n_samples."),
        (passes[0], "It is the first pass alone: average all n_samples passes."),
        (deterministic, "It is the test-time prediction forward(X, False, rng): with train=False there is no "
                        "dropout, so averaging cannot change anything. Call forward(X, True, rng)."),
        (geometric, "It averages the log-probabilities (a renormalised geometric mean): average the probabilities "
                    "themselves."),
    ], context=context)


@exercise("day09.mc_dropout_predict")
@pytest.mark.parametrize("forward_name, n_samples", [("dropout_net_probs", 7), ("dropout_net_probs", 1),
                                                     ("one_hot_votes", 5)],
                         ids=["network-7-passes", "network-1-pass", "one-hot-votes-5-passes"])
def test_mc_averages_the_probabilities_of_the_passes(day09, forward_name, n_samples):
    forward = probes.FORWARDS[forward_name]
    X, seed = mc_inputs(), 924
    X_before = X.copy()
    got = day09.mc_dropout_predict(forward, X, n_samples, np.random.default_rng(seed))
    what = ("the fixed dropout network's class probabilities" if forward_name == "dropout_net_probs"
            else "one-hot probabilities (exact 0s and 1s, whose mean counts each class's votes)")
    context = f"{shapes(X=X)}, n_samples = {n_samples} and forward returning {what}"
    expect_mean_of_passes(got, forward, X, n_samples, seed, context)
    expect_unchanged("X", X_before, X)
