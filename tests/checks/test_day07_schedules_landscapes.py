"""Checks for Day 7: learning-rate schedules, the linear warm-up, and loss landscapes.

Schedules are called once per step, so a crash is blamed on the exact call; the warm-up returns a
function, which only a probe can call (tests/probes/day07_schedules_landscapes.py). The landscapes
are graded with the suite's own loss function (``probes.coupled_loss``, a tiny tanh network), which
the judge evaluates itself for the trusted values; what the learner's code leaves behind (the params
and direction dicts and their arrays, bit for bit) comes back from a probe.

A failure names its cause only when the learner's values are exactly what one known slip computes
(``expect.the_one_matching``); otherwise it states the mismatch.
"""
import math

import numpy as np
import pytest

from grader.judge import describe_value

from ..probes import day07_schedules_landscapes as probes
from .expect import expect_array, expect_array_naming, expect_scalar, expect_unchanged, fail, same, the_one_matching
from .gradcheck import LOSS_ATOL, VALUE_ATOL, VALUE_RTOL

exercise = pytest.mark.exercise

#: Every function returns one value (a number, a function, a dict or an array), never a tuple.
RETURNS = {"step_decay": "lr", "exponential_decay": "lr", "cosine_annealing": "lr", "linear_warmup": "warmed_up",
           "random_direction": "direction", "loss_along_direction": "losses", "loss_surface": "surface"}

#: A parameter moved in place and back (+= alpha * d, then -= alpha * d) is off by rounding errors
#: of a few ulps of values of order 1; left moved along a direction, it is off by about 0.1 or more.
ROUNDING = 1e-12


# -- schedules: one call per step ---------------------------------------------------------------
def rate(value, call):
    """The learning rate a schedule returned, as a float; a sentence when it is not one finite number."""
    if np.ndim(value) != 0:
        fail(f"{call} returned {describe_value(value)}; a schedule returns one number, the learning rate at that step.")
    number = float(value)
    if not math.isfinite(number):
        fail(f"{call} returned {number}; the learning rate must be a finite number.")
    return number


def curve(function, name, args_of, steps):
    """``[function(*args_of(step)) for step in steps]`` as floats, each call named in its own messages."""
    values = []
    for step in steps:
        args, kwargs = args_of(step)
        shown = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
        values.append(rate(function(*args, **kwargs), f"`{name}({shown})`"))
    return np.array(values)


def expect_curve(name, got, expected, steps, describe, explanations=(), context=""):
    """A schedule's values at ``steps`` equal ``expected``; the message names the first wrong step."""
    wrong = np.flatnonzero(~np.isclose(got, expected, rtol=VALUE_RTOL, atol=VALUE_ATOL))
    if not wrong.size:
        return
    k = int(wrong[0])
    head = (f"{describe(steps[k])} is {got[k]:.10g} but should be {expected[k]:.10g} "
            f"({wrong.size} of {len(steps)} steps differ){context}.")
    cause = the_one_matching(got, expected, explanations)
    if cause:
        fail(f"{head} {cause}", names="cause")
    fail(head)


def expect_non_increasing(name, values, steps, what):
    rises = np.flatnonzero(np.diff(values) > 1e-15)
    if rises.size:
        k = int(rises[0])
        fail(f"{name} rises from {values[k]:.6g} at step {steps[k]} to {values[k + 1]:.6g} at step {steps[k + 1]}; "
             f"{what} never increases.")


# -- step_decay ------------------------------------------------------------------------------------
def step_decay_curve(day07, lr0, drop, every, steps):
    return curve(day07.step_decay, "step_decay", lambda s: ((lr0, s, drop, every), {}), steps)


def step_decay_slips(lr0, drop, every, steps):
    steps = np.asarray(steps)
    return [(lr0 * drop ** ((steps + 1) // every),
             f"It drops one step early: steps 0 ... every - 1 = {every - 1} use lr0 and the first drop comes at step "
             f"every = {every} (steps count from 0); use step // every."),
            (lr0 * drop ** ((steps - 1) // every),
             f"It drops one step late (and starts above lr0): the first drop comes at step every = {every} itself, "
             f"since steps count from 0; use step // every, not (step - 1) // every."),
            (lr0 * drop ** (steps / every),
             "It decays smoothly instead of in steps: use the integer division step // every, so the rate stays "
             "constant between drops.")]


@exercise("day07.step_decay")
def test_step_decay_exact_boundaries(day07):
    steps = list(range(14))  # every - 1, every, every + 1 around each of the boundaries 4, 8 and 12
    got = step_decay_curve(day07, 0.3, 0.5, 4, steps)
    expected = 0.3 * 0.5 ** (np.array(steps) // 4)
    expect_curve("lr", got, expected, steps, lambda s: f"`step_decay(0.3, step={s}, drop=0.5, every=4)`",
                 step_decay_slips(0.3, 0.5, 4, steps),
                 context="; the rate is multiplied by drop at steps every, 2 * every, ... exactly")


@exercise("day07.step_decay")
def test_step_decay_every_step_and_long_gaps(day07):
    steps = list(range(6))
    got = step_decay_curve(day07, 2.0, 0.1, 1, steps)
    expect_curve("lr", got, 2.0 * 0.1 ** np.arange(6), steps,
                 lambda s: f"`step_decay(2.0, step={s}, drop=0.1, every=1)`", step_decay_slips(2.0, 0.1, 1, steps),
                 context="; with every = 1 the rate drops at every step")
    steps = [0, 99, 100, 101, 199, 200, 201, 350]
    got = step_decay_curve(day07, 0.8, 0.25, 100, steps)
    expected = 0.8 * 0.25 ** (np.array(steps) // 100)
    expect_curve("lr", got, expected, steps, lambda s: f"`step_decay(0.8, step={s}, drop=0.25, every=100)`",
                 step_decay_slips(0.8, 0.25, 100, steps), context="; steps count iterations from 0, not epochs")


@exercise("day07.step_decay")
def test_step_decay_far_steps_and_monotonicity(day07):
    # 0.5 ** 100000 underflows quietly to 0; nothing may overflow or warn on the way.
    expect_scalar("step_decay(0.3, step=100000, drop=0.5, every=1)", rate(day07.step_decay(0.3, 100000, 0.5, 1),
                  "`step_decay(0.3, 100000, 0.5, 1)`"), 0.0, context=" (the rate underflows to 0)")
    expect_scalar("step_decay(0.3, step=999999, drop=0.5, every=1000000)",
                  rate(day07.step_decay(0.3, 999999, 0.5, 1000000), "`step_decay(0.3, 999999, 0.5, 1000000)`"), 0.3,
                  context=", one step before the first drop")
    steps = list(range(0, 40, 3))
    expect_non_increasing("step_decay(0.1, step, drop=0.7, every=5)", step_decay_curve(day07, 0.1, 0.7, 5, steps),
                          steps, "with drop < 1 the rate")


# -- exponential_decay -----------------------------------------------------------------------------
def exponential_slips(lr0, k, steps):
    steps = np.asarray(steps, dtype=float)
    return [(lr0 * np.exp(k * steps), "It grows: the exponent must be negative, lr0 * exp(-k * step)."),
            (lr0 * np.exp(-steps / k), "k is a rate per iteration, not a time constant: use exp(-k * step), "
                                       "not exp(-step / k)."),
            (lr0 * np.exp(-k * (steps + 1)), "It starts one step late: at step 0 the rate is lr0 exactly, "
                                             "exp(-k * step) with step counted from 0.")]


@exercise("day07.exponential_decay")
def test_exponential_decay_values(day07):
    steps = [0, 1, 2, 10, 37, 100]
    got = curve(day07.exponential_decay, "exponential_decay", lambda s: ((0.1, s, 0.05), {}), steps)
    with np.errstate(over="ignore"):
        slips = exponential_slips(0.1, 0.05, steps)
    expect_curve("lr", got, 0.1 * np.exp(-0.05 * np.array(steps)), steps,
                 lambda s: f"`exponential_decay(0.1, step={s}, k=0.05)`", slips,
                 context="; expected lr0 * exp(-k * step)")


@exercise("day07.exponential_decay")
def test_exponential_decay_other_lr0_and_k(day07):
    steps = [0, 1, 4, 9]
    got = curve(day07.exponential_decay, "exponential_decay", lambda s: ((3.0, s, 0.5), {}), steps)
    with np.errstate(over="ignore"):
        slips = exponential_slips(3.0, 0.5, steps)
    expect_curve("lr", got, 3.0 * np.exp(-0.5 * np.array(steps)), steps,
                 lambda s: f"`exponential_decay(3.0, step={s}, k=0.5)`", slips)
    steps = [0, 7, 500]
    got = curve(day07.exponential_decay, "exponential_decay", lambda s: ((0.7, s, 0.0), {}), steps)
    expect_curve("lr", got, np.full(3, 0.7), steps, lambda s: f"`exponential_decay(0.7, step={s}, k=0.0)`",
                 context="; k = 0 keeps lr0 for ever")


@exercise("day07.exponential_decay")
def test_exponential_decay_far_steps_and_monotonicity(day07):
    # exp(-10000) underflows quietly to 0; exp(+10000) would overflow.
    expect_scalar("exponential_decay(0.1, step=10000, k=1.0)",
                  rate(day07.exponential_decay(0.1, 10000, 1.0), "`exponential_decay(0.1, 10000, 1.0)`"), 0.0,
                  context=" (the rate underflows to 0)")
    steps = list(range(0, 60, 4))
    expect_non_increasing("exponential_decay(0.2, step, k=0.1)",
                          curve(day07.exponential_decay, "exponential_decay", lambda s: ((0.2, s, 0.1), {}), steps),
                          steps, "with k > 0 the rate")


# -- cosine_annealing -------------------------------------------------------------------------------
def cosine_reference(lr0, steps, total, lr_min=0.0):
    steps = np.minimum(np.asarray(steps, dtype=float), total)
    return lr_min + 0.5 * (lr0 - lr_min) * (1 + np.cos(np.pi * steps / total))


def cosine_slips(lr0, steps, total, lr_min):
    s = np.asarray(steps, dtype=float)
    clamped = np.minimum(s, total)
    return [(lr_min + 0.5 * lr0 * (1 + np.cos(np.pi * clamped / total)),
             "It starts at lr0 + lr_min: the cosine's amplitude is the distance to travel, 0.5 * (lr0 - lr_min), "
             "not 0.5 * lr0."),
            (0.5 * lr0 * (1 + np.cos(np.pi * clamped / total)),
             "It ignores lr_min and ends at 0: use lr_min + 0.5 * (lr0 - lr_min) * (1 + cos(pi * step / "
             "total_steps))."),
            (lr_min + 0.5 * (lr0 - lr_min) * (1 + np.cos(np.pi * s / total)),
             "It climbs again after total_steps (the cosine rises past pi): from step total_steps on, return lr_min."),
            (cosine_reference(lr0, s + 1, total, lr_min),
             "It starts one step late: steps count from 0, so step 0 must give cos(0) = 1 and the rate lr0.")]


def cosine_curve(day07, lr0, total, steps, lr_min=None):
    kwargs = {} if lr_min is None else {"lr_min": lr_min}
    return curve(day07.cosine_annealing, "cosine_annealing", lambda s: ((lr0, s, total), kwargs), steps)


def describe_cosine(lr0, total, lr_min=None):
    extra = "" if lr_min is None else f", lr_min={lr_min}"
    return lambda s: f"`cosine_annealing({lr0}, step={s}, total_steps={total}{extra})`"


@exercise("day07.cosine_annealing")
def test_cosine_endpoints_with_default_lr_min(day07):
    steps = [0, 10, 20, 21, 40]
    got = cosine_curve(day07, 0.1, 20, steps)
    expect_curve("lr", got, [0.1, 0.05, 0.0, 0.0, 0.0], steps, describe_cosine(0.1, 20),
                 cosine_slips(0.1, steps, 20, 0.0),
                 context="; the rate is lr0 at step 0, halfway at total_steps / 2 and lr_min = 0 from total_steps on")


@exercise("day07.cosine_annealing")
def test_cosine_endpoints_with_lr_min(day07):
    steps = [0, 10, 20, 25, 60]
    got = cosine_curve(day07, 0.1, 20, steps, lr_min=0.02)
    expect_curve("lr", got, [0.1, 0.06, 0.02, 0.02, 0.02], steps, describe_cosine(0.1, 20, 0.02),
                 cosine_slips(0.1, steps, 20, 0.02),
                 context="; the rate is lr0 at step 0, (lr0 + lr_min) / 2 halfway and lr_min from total_steps on")


@exercise("day07.cosine_annealing")
def test_cosine_every_step_and_monotonicity(day07):
    steps = list(range(11))
    got = cosine_curve(day07, 0.5, 7, steps, lr_min=0.05)
    expect_curve("lr", got, cosine_reference(0.5, steps, 7, 0.05), steps, describe_cosine(0.5, 7, 0.05),
                 cosine_slips(0.5, steps, 7, 0.05))
    expect_non_increasing("cosine_annealing(0.5, step, total_steps=7, lr_min=0.05)", got, steps, "the rate")


@exercise("day07.cosine_annealing")
def test_cosine_single_step(day07):
    steps = [0, 1, 2]
    got = cosine_curve(day07, 0.3, 1, steps, lr_min=0.1)
    expect_curve("lr", got, [0.3, 0.1, 0.1], steps, describe_cosine(0.3, 1, 0.1), cosine_slips(0.3, steps, 1, 0.1),
                 context="; with total_steps = 1 it is lr0, then lr_min")


# -- linear_warmup: the returned function is called in a probe --------------------------------------------
def warmup_reference(schedule, warmup_steps, steps):
    return np.array([schedule(s) * min(1.0, (s + 1) / warmup_steps) if warmup_steps else schedule(s) for s in steps])


def warmup_slips(schedule, warmup_steps, steps):
    W = warmup_steps
    return [(np.array([schedule(s) * s / W if s < W else schedule(s) for s in steps]),
             f"Step 0 gets a learning rate of 0, so the first update does nothing, and the end jumps from "
             f"(W - 1) / W to 1: scale by (step + 1) / warmup_steps, which climbs 1/{W}, ..., {W}/{W}."),
            (np.array([schedule(0) * (s + 1) / W if s < W else schedule(s) for s in steps]),
             "The warm-up ramps up to schedule(0) and then jumps to schedule(warmup_steps): scale the schedule at "
             "the same step, schedule(step) * (step + 1) / warmup_steps."),
            (np.array([schedule(s) * (s + 1) / W if s <= W else schedule(s) for s in steps]),
             f"At step warmup_steps = {W} the rate overshoots to schedule({W}) * {W + 1}/{W}: the warm-up covers "
             f"steps 0 ... warmup_steps - 1 only (step < warmup_steps)."),
            (np.array([schedule(k) * min(1.0, (k + 1) / W) for k in range(len(steps))]),
             "The values follow the order of the calls, not the step asked for: the returned function must compute "
             "the rate from its step argument alone (no counter of calls).")]


def warmup_curve(day07, schedule, warmup_steps, steps):
    out = day07.probe(probes.warmup_values, schedule, warmup_steps, steps)
    if not out["callable"]:
        fail(f"linear_warmup({schedule.__name__}, {warmup_steps}) returned a {out['type']}; it must return a "
             f"function step -> learning rate (define one inside and return it).")
    return np.array([rate(v, f"the function returned by `linear_warmup({schedule.__name__}, {warmup_steps})`, at "
                             f"step {s},") for v, s in zip(out["values"], steps)])


def expect_warmup(day07, schedule, warmup_steps, steps, context=""):
    got = warmup_curve(day07, schedule, warmup_steps, steps)
    expected = warmup_reference(schedule, warmup_steps, steps)
    slips = warmup_slips(schedule, warmup_steps, steps) if warmup_steps else []
    expect_curve("lr", got, expected, steps,
                 lambda s: f"`linear_warmup({schedule.__name__}, {warmup_steps})` at step {s}", slips,
                 context=context)
    return got


@exercise("day07.linear_warmup")
def test_warmup_first_step_is_not_zero(day07):
    got = warmup_curve(day07, probes.decaying_schedule, 5, [0])
    if got[0] == 0.0:
        fail("the warm-up returns a learning rate of 0 at step 0, so the first update does nothing: scale by "
             "(step + 1) / warmup_steps, which is 1 / warmup_steps at step 0.", names="cause")
    expect_warmup(day07, probes.decaying_schedule, 5, [0], context="; it is schedule(0) / warmup_steps = 0.2 / 5")


@exercise("day07.linear_warmup")
def test_warmup_ramp_and_after(day07):
    expect_warmup(day07, probes.decaying_schedule, 5, list(range(10)),
                  context="; with the schedule 0.2 * 0.8**step the warm-up is schedule(step) * (step + 1) / 5 for "
                          "steps 0-4, then schedule(step)")


@exercise("day07.linear_warmup")
def test_warmup_joins_without_a_jump(day07):
    steps = [6, 7, 8, 9]
    got = warmup_curve(day07, probes.decaying_schedule, 8, steps)
    expected = warmup_reference(probes.decaying_schedule, 8, steps)
    if not same(got[1:], expected[1:]):
        ratio = got / np.array([probes.decaying_schedule(s) for s in steps])
        fail(f"around the end of an 8-step warm-up the rate is {np.round(got, 6).tolist()} at steps {steps}, "
             f"{np.round(ratio, 4).tolist()} times the schedule; it should reach the schedule itself at step 7 "
             f"(factor 8/8) and follow it from then on, with no jump at step 8.")
    expect_warmup(day07, probes.decaying_schedule, 8, steps)


@exercise("day07.linear_warmup")
def test_warmup_of_a_constant_rises_linearly(day07):
    got = expect_warmup(day07, probes.constant_schedule, 3, list(range(6)),
                        context="; 0.05 warmed up over 3 steps is 0.05/3, 0.1/3, 0.05, 0.05, ...")
    if np.any(np.diff(got) < -1e-15):
        fail("warming up a constant schedule must never lower the rate.")


@exercise("day07.linear_warmup")
def test_warmup_of_zero_steps_is_the_schedule(day07):
    # warmup_steps = 0 must not divide by 0: there is no warm-up at all.
    expect_warmup(day07, probes.decaying_schedule, 0, [0, 1, 5],
                  context="; warmup_steps = 0 means no warm-up, the schedule itself")


@exercise("day07.linear_warmup")
def test_warmup_depends_on_the_step_only(day07):
    expect_warmup(day07, probes.decaying_schedule, 4, [6, 0, 2, 0, 6, 3],
                  context="; called at steps 6, 0, 2, 0, 6, 3 in that order, the rate must depend on the step "
                          "alone")


# -- random_direction ----------------------------------------------------------------------------
def direction_fixture(seed=30):
    """Non-square weights whose columns have very different norms, and non-zero biases."""
    gen = np.random.default_rng(seed)
    return {"W1": gen.standard_normal((5, 3)) * np.array([0.1, 1.0, 10.0]), "b1": gen.standard_normal(3),
            "W2": gen.standard_normal((3, 4)) * np.array([2.0, 0.5, 1.0, 0.05]), "b2": gen.standard_normal(4)}


def trusted_draws(params, seed):
    gen = np.random.default_rng(seed)
    return {name: gen.standard_normal(np.shape(value)) for name, value in params.items()}, gen


def trusted_direction(params, draws):
    out = {}
    for name, value in params.items():
        if np.ndim(value) <= 1:
            out[name] = np.zeros(np.shape(value))
        else:
            out[name] = draws[name] * np.linalg.norm(value, axis=0) / np.linalg.norm(draws[name], axis=0)
    return out


def expect_direction_dict(direction, params):
    if not isinstance(direction, dict):
        fail(f"random_direction returned {describe_value(direction)}; it must return a dict with the keys of params "
             f"({list(params)}).")
    if list(direction) != list(params):
        fail(f"random_direction returned a dict with keys {list(direction)}; it must have the keys of params, in "
             f"their order: {list(params)}.")
    for name, value in params.items():
        if np.shape(direction[name]) != np.shape(value):
            fail(f"direction[{name!r}] has shape {np.shape(direction[name])} but must have the shape of "
                 f"params[{name!r}], {np.shape(value)}.")


@exercise("day07.random_direction")
def test_random_direction_raw_draw(day07):
    params = direction_fixture()
    direction = day07.random_direction(params, np.random.default_rng(3), filter_normalize=False)
    expect_direction_dict(direction, params)
    draws, _ = trusted_draws(params, 3)
    skipped = trusted_draws({n: v for n, v in params.items() if np.ndim(v) > 1}, 3)[0]
    for name in params:
        if not same(direction[name], draws[name]):
            if name in skipped and same(direction[name], skipped[name]):
                fail(f"direction[{name!r}] with filter_normalize=False is a draw made after skipping the biases; "
                     f"draw rng.standard_normal(p.shape) for every parameter, biases included, in the order of params.",
                     names="cause")
        expect_array(f"direction[{name!r}]", direction[name], draws[name],
                     context=" with filter_normalize=False and rng = default_rng(3); it must be the raw draw "
                             "rng.standard_normal(p.shape), one per parameter in the order of params")


@exercise("day07.random_direction")
def test_random_direction_filter_normalised(day07):
    params = direction_fixture()
    direction = day07.random_direction(params, np.random.default_rng(4))
    expect_direction_dict(direction, params)
    for name in ("b1", "b2"):
        d = np.asarray(direction[name], dtype=float)
        if np.any(d != 0):
            fail(f"direction[{name!r}] is not zero (its largest entry is {np.max(np.abs(d)):.3g}); with "
                 f"filter_normalize=True a 1-D parameter such as a bias gets a zero direction.", names="cause")
    for name in ("W1", "W2"):
        W, d = params[name], np.asarray(direction[name], dtype=float)
        want, got = np.linalg.norm(W, axis=0), np.linalg.norm(d, axis=0)
        if np.allclose(got, want, rtol=1e-9):
            continue
        where = f"; the filters of {name} {W.shape} are its columns (it is used as x @ {name})"
        if np.allclose(np.linalg.norm(d, axis=1), np.linalg.norm(W, axis=1), rtol=1e-9):
            fail(f"the column norms of direction[{name!r}] are {np.round(got, 4).tolist()} but should be those of "
                 f"{name}, {np.round(want, 4).tolist()}: you normalised rows (axis=1) instead of columns{where}.",
                 names="cause")
        if np.isclose(np.linalg.norm(d), np.linalg.norm(W), rtol=1e-9):
            fail(f"the column norms of direction[{name!r}] are {np.round(got, 4).tolist()} but should be those of "
                 f"{name}, {np.round(want, 4).tolist()}: you rescaled the whole matrix to {name}'s norm instead of "
                 f"each filter to its own{where}.", names="cause")
        if np.allclose(got, 1.0, rtol=1e-9):
            fail(f"every column of direction[{name!r}] has norm 1; each must have the norm of the same column of "
                 f"{name}, {np.round(want, 4).tolist()}: multiply the unit filters by {name}'s column norms.",
                 names="cause")
        k = int(np.argmax(np.abs(got - want)))
        fail(f"column {k} of direction[{name!r}] has norm {got[k]:.6g} but should have {want[k]:.6g}, the norm of "
             f"{name}[:, {k}]{where}.")
    draws, _ = trusted_draws(params, 4)
    expected = trusted_direction(params, draws)
    for name in params:
        expect_array(f"direction[{name!r}]", direction[name], expected[name],
                     context=" with rng = default_rng(4); each column should be the same column of the draw "
                             "rng.standard_normal(p.shape), rescaled, with one draw per parameter (biases included) "
                             "in the order of params")


@exercise("day07.random_direction")
def test_random_direction_comes_from_rng(day07):
    params = direction_fixture()
    rng = np.random.default_rng(5)
    first = day07.random_direction(params, rng)
    expect_direction_dict(first, params)
    _, trusted = trusted_draws(params, 5)
    if not np.isclose(rng.random(), trusted.random()):
        fail("after random_direction the rng is not where one rng.standard_normal(p.shape) per parameter (biases "
             "included) leaves it; draw exactly that, from the rng argument.")
    again = day07.random_direction(params, np.random.default_rng(5))
    other = day07.random_direction(params, np.random.default_rng(6))
    for name in ("W1", "W2"):
        expect_array(f"direction[{name!r}] (second call, same seed)", again[name], first[name], atol=0, rtol=0,
                     context="; with the same rng seed the direction must be identical")
    if all(np.allclose(other[name], first[name]) for name in ("W1", "W2")):
        fail("two different rng seeds gave the same direction; draw it from the rng argument.")


@exercise("day07.random_direction")
def test_random_direction_dead_unit_and_large_weights(day07):
    params = direction_fixture(31)
    params["W1"][:, 0] = 0.0      # a dead unit: its filter has norm 0, so its direction is 0
    params["W2"][:, 2] *= 1e3     # a huge filter
    direction = day07.random_direction(params, np.random.default_rng(8))
    expect_direction_dict(direction, params)
    draws, _ = trusted_draws(params, 8)
    expected = trusted_direction(params, draws)
    expect_array("direction['W1']", direction["W1"], expected["W1"],
                 context=" where W1[:, 0] is all zeros (a dead unit gets a zero column, not nan)")
    expect_array("direction['W2']", direction["W2"], expected["W2"], context=" where W2[:, 2] is of order 1000")


@exercise("day07.random_direction")
def test_random_direction_leaves_params_alone(day07):
    params = direction_fixture()
    before = {name: value.copy() for name, value in params.items()}
    day07.random_direction(params, np.random.default_rng(9))
    day07.random_direction(params, np.random.default_rng(9), filter_normalize=False)
    for name in params:
        expect_unchanged(f"params[{name!r}]", before[name], params[name])


# -- loss_along_direction and loss_surface ----------------------------------------------------------
def landscape_fixture(seed):
    gen = np.random.default_rng(seed)
    return {name: gen.standard_normal(shape) * 0.8 for name, shape in probes.PARAM_SHAPES.items()}


def moved(params, *steps):
    """params + sum(coefficient * direction) for (coefficient, direction) in steps, as new arrays."""
    out = {}
    for name, value in params.items():
        point = value
        for coefficient, direction in steps:
            point = point + coefficient * direction[name]
        out[name] = point
    return out


def expect_inputs_restored(function, out, originals):
    """Every input dict came back with its keys and its arrays bit for bit; else what moved, and how."""
    for label, before in originals.items():
        after = out[label]
        if not isinstance(after, dict) or list(after) != list(before):
            keys = list(after) if isinstance(after, dict) else after
            fail(f"{function} changed the keys of its {label} dict to {keys}; leave the dict as it was.")
        for name, value in before.items():
            now = np.asarray(after[name], dtype=float)
            if now.shape == value.shape and np.array_equal(now, value):
                continue
            if now.shape != value.shape:
                fail(f"{function} replaced {label}[{name!r}] {value.shape} by an array of shape {now.shape}; build "
                     f"new dicts for the points and leave {label} as it was.")
            changed = now != value
            idx = tuple(int(i) for i in np.argwhere(changed)[0])
            head = (f"{function} changed {label}[{name!r}]: at index {idx} it was {float(value[idx])!r} and is now "
                    f"{float(now[idx])!r} ({int(changed.sum())} of {value.size} entries moved)")
            if np.all(np.abs(now - value)[changed] <= ROUNDING * (1.0 + np.abs(value[changed]))):
                fail(f"{head}, by rounding errors: moving it in place and back (+= then -=) is not exact in floating "
                     f"point. Evaluate loss_fn on new arrays, {{name: value + alpha * d[name] for ...}}.",
                     names="cause")
            fail(f"{head}. Build a new dict of new arrays for every point, {{name: value + alpha * d[name] for ...}}, "
                 f"instead of adding to {label}'s arrays in place (dict.copy() copies the dict, not its arrays).")


@exercise("day07.loss_along_direction")
def test_loss_along_direction_trusted_values(day07):
    params, direction = landscape_fixture(40), landscape_fixture(41)
    alphas = [-1.5, -0.25, 0.0, 0.5, 2.0, 0.1]
    losses = day07.loss_along_direction(probes.coupled_loss, params, direction, alphas)
    expected = np.array([probes.coupled_loss(moved(params, (a, direction))) for a in alphas])
    expect_array("losses", losses, expected,
                 context=f" for alphas {alphas}; losses[i] is loss_fn(params + alphas[i] * direction)")


@exercise("day07.loss_along_direction")
def test_loss_along_direction_alpha_zero_is_the_loss_at_params(day07):
    params, direction = landscape_fixture(42), landscape_fixture(43)
    losses = day07.loss_along_direction(probes.coupled_loss, params, direction, np.array([0.0]))
    expect_array("losses", losses, [probes.coupled_loss(params)], atol=LOSS_ATOL,
                 context=" for alphas = [0.0]: alpha = 0 is params itself")


@exercise("day07.loss_along_direction")
def test_loss_along_direction_leaves_params_alone(day07):
    params, direction = landscape_fixture(44), landscape_fixture(45)
    originals = {"params": {k: v.copy() for k, v in params.items()},
                 "direction": {k: v.copy() for k, v in direction.items()}}
    alphas = [0.3, -1.7, 0.0, 2.9]
    out = day07.probe(probes.along_and_inputs, params, direction, alphas)
    expect_inputs_restored("loss_along_direction", out, originals)
    expected = [probes.coupled_loss(moved(params, (a, direction))) for a in alphas]
    expect_array("losses", out["losses"], expected, context=f" for alphas {alphas}")


@exercise("day07.loss_surface")
def test_loss_surface_trusted_values(day07):
    params, d1, d2 = landscape_fixture(50), landscape_fixture(51), landscape_fixture(52)
    alphas, betas = [-1.0, 0.0, 0.4, 1.5], [0.7, 0.0, -0.6]
    surface = day07.loss_surface(probes.coupled_loss, params, d1, d2, alphas, betas)
    expected = np.array([[probes.coupled_loss(moved(params, (a, d1), (b, d2))) for b in betas] for a in alphas])
    twice = np.array([[probes.coupled_loss(moved(params, (a, d1), (b, d1))) for b in betas] for a in alphas])
    swapped = np.array([[probes.coupled_loss(moved(params, (a, d2), (b, d1))) for b in betas] for a in alphas])
    causes = [(expected.T, "It is the transpose, with betas along the rows: surface[i, j] belongs to alphas[i] and "
                           "betas[j] (np.meshgrid(alphas, betas, indexing='ij'), not the default 'xy')."),
              (twice, "It is the loss at params + (alphas[i] + betas[j]) * d1: the betas move along d1 too, but the "
                      "second direction is d2."),
              (swapped, "The directions are swapped: the alphas go along d1 and the betas along d2, "
                        "params + alphas[i] * d1 + betas[j] * d2.")]
    expect_array_naming("surface", surface, expected, causes,
                        context=f" for alphas {alphas} (rows) and betas {betas} (columns); surface[i, j] is "
                                f"loss_fn(params + alphas[i] * d1 + betas[j] * d2)")


@exercise("day07.loss_surface")
def test_loss_surface_centre_is_the_loss_at_params(day07):
    params, d1, d2 = landscape_fixture(53), landscape_fixture(54), landscape_fixture(55)
    surface = day07.loss_surface(probes.coupled_loss, params, d1, d2, np.array([0.0]), np.array([-0.5, 0.0]))
    expected = [[probes.coupled_loss(moved(params, (-0.5, d2))), probes.coupled_loss(params)]]
    expect_array("surface", surface, expected, atol=LOSS_ATOL,
                 context=" for alphas = [0.0] and betas = [-0.5, 0.0]: surface[0, 1] is the loss at params itself")


@exercise("day07.loss_surface")
def test_loss_surface_leaves_params_alone(day07):
    params, d1, d2 = landscape_fixture(56), landscape_fixture(57), landscape_fixture(58)
    originals = {"params": {k: v.copy() for k, v in params.items()}, "d1": {k: v.copy() for k, v in d1.items()},
                 "d2": {k: v.copy() for k, v in d2.items()}}
    alphas, betas = [0.3, -1.7], [0.9, 0.0, -2.3]
    out = day07.probe(probes.surface_and_inputs, params, d1, d2, alphas, betas)
    expect_inputs_restored("loss_surface", out, originals)
    expected = [[probes.coupled_loss(moved(params, (a, d1), (b, d2))) for b in betas] for a in alphas]
    expect_array("surface", out["surface"], expected, context=f" for alphas {alphas} and betas {betas}")
