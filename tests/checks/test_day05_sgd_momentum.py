"""Checks for Day 5: SGD, momentum and Nesterov update rules, and minimize.

The expected values come from the suite's own rules and loop (tests/probes/day05_sgd_momentum.py,
run here in the judge on copies); the learner's code runs in the worker. Each rule is checked
in this order: one step on a worked example (next_w, then the stored velocity), the defaults of
missing keys, the sign of the stored velocity, edge values of the hyperparameters, several
steps, where the state lives (the very dict passed in; never shared between parameters), purity
and dtype; and, for the momentum rules, the reason they exist: faster progress than SGD along an
ill-conditioned bowl. ``minimize`` is checked with the suite's rules, then with the learner's SGD.
"""
import numpy as np
import pytest

from grader.judge import describe_value

from ..probes import day05_sgd_momentum as probes
from .expect import expect_array, expect_array_naming, expect_unchanged, fail, same, shapes

exercise = pytest.mark.exercise

#: What each function returns (rules: a pair, unpacked by the judge with a sentence if not).
RETURNS = {"sgd": "(next_w, config)", "sgd_momentum": "(next_w, config)", "nesterov_momentum": "(next_w, config)",
           "minimize": "trajectory"}

RULE_NAMES = ("sgd", "sgd_momentum", "nesterov_momentum")
MOMENTUM_NAMES = ("sgd_momentum", "nesterov_momentum")
RULES = [pytest.param(n, marks=exercise(f"day05.{n}"), id=n) for n in RULE_NAMES]
MOMENTUM_RULES = [pytest.param(n, marks=exercise(f"day05.{n}"), id=n) for n in MOMENTUM_NAMES]
DEFAULTS = {"learning_rate": 1e-2, "momentum": 0.9}
#: Steps of the momentum rules and SGD on the narrow bowl, and how much closer to the minimum the
#: momentum rules must end: the reference gets 130 (momentum) and 500 (Nesterov) times closer.
RACE_STEPS, RACE_FACTOR = 100, 10.0
#: float32 parameters: the float32 result agrees with float64 arithmetic to this relative tolerance.
FLOAT32_RTOL = 1e-5


# -- helpers ------------------------------------------------------------------------------------
def _floats(value):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def config_dict(config, who, context=""):
    """The config a rule returned (or left), or a failure saying what it is instead."""
    if isinstance(config, dict) and "__not_a_dict__" not in config:
        return config
    what = f"a {config['__not_a_dict__']}" if isinstance(config, dict) else describe_value(config)
    fail(f"{who} returned {what} as its config{context}; return the config dict (the one passed in, or a fresh "
         f"{{}} when config is None) holding the hyperparameters and the state.")


def velocity_of(config, name, context="", step="the step"):
    """``config["velocity"]``, or a failure naming the missing write-back."""
    if "velocity" not in config:
        fail(f"config has no 'velocity' after {step}{context}; store the new velocity with config['velocity'] = v, "
             f"or the next call starts from rest again and {name} is plain SGD.", names="cause")
    return config["velocity"]


def suite_step(name, w, dw, config):
    """The suite's rule on copies: ``(next_w, config)``."""
    config = None if config is None else {k: (np.array(v, copy=True) if isinstance(v, np.ndarray) else v)
                                          for k, v in config.items()}
    return probes.SUITE_RULES[name](np.array(w, copy=True), np.array(dw, copy=True), config)


def describe_config(config) -> str:
    """``{'learning_rate': 0.1, 'velocity': [0.1, -0.2, 0.3]}``; larger arrays by their shape."""
    def show(value):
        if isinstance(value, np.ndarray):
            return str(value.tolist()) if value.size <= 4 else f"an array {value.shape}"
        return repr(value)
    return "{" + ", ".join(f"'{k}': {show(v)}" for k, v in config.items()) + "}"


# -- the mistakes a single step can show -----------------------------------------------------------
def step_mistakes(name, w, dw, config):
    """``(next_w, velocity, sentence)`` for the known slips of one step of rule ``name``."""
    lr, mu = config.get("learning_rate", 1e-2), config.get("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    ignored = [(key, dict(config, **{key: DEFAULTS[key]})) for key in ("learning_rate", "momentum")
               if key in config and config[key] != DEFAULTS[key] and (key == "learning_rate" or name != "sgd")]
    found = [(suite_step(name, w, dw, as_default)[0], None,
              f"That is the step with the default {key} {DEFAULTS[key]}: the {key} {config[key]} in config was "
              f"not used; read config['{key}'] (spelled exactly so).") for key, as_default in ignored]
    if name == "sgd":
        return found + [(w + lr * dw, None, "That is w + learning_rate * dw, a step uphill: subtract the gradient.")]
    up = mu * v + lr * dw  # the velocity with the opposite sign
    flipped = ("then w - v" if name == "sgd_momentum" else
               "with the update's signs flipped to match, w + momentum * v_prev - (1 + momentum) * v")
    found += [
        (w + mu * v + lr * dw if name == "sgd_momentum" else w - mu * v + (1 + mu) * up, up,
         "That is a step uphill: the velocity gains + learning_rate * dw; it must be v = momentum * v - "
         "learning_rate * dw."),
        (w - mu * v - lr * dw if name == "sgd_momentum" else w + mu * v - (1 + mu) * up, up,
         f"The velocity is stored with the opposite sign (v = momentum * v + learning_rate * dw, {flipped}): the "
         f"first step from rest comes out right, but in this kata the velocity is the step direction itself, "
         f"v = momentum * v - learning_rate * dw, so a velocity already in config means the opposite to your code."),
        (w - lr * dw if name == "sgd_momentum" else w - (1 + mu) * lr * dw, -lr * dw,
         "That is the step from rest: the velocity in config was not used; read it with config.get('velocity', "
         "np.zeros_like(w))."),
    ]
    if name == "sgd_momentum":
        raw = mu * v + dw
        found.append((w - lr * raw, raw,
                      "The velocity accumulates raw gradients (v = momentum * v + dw, w - learning_rate * v, the "
                      "PyTorch convention); in this kata the velocity is the step itself: v = momentum * v - "
                      "learning_rate * dw, next_w = w + v."))
    else:
        new = mu * v - lr * dw
        found += [
            (w + new, new, "That is the plain momentum update w + v; Nesterov's re-parametrised step is "
                           "w - momentum * v_prev + (1 + momentum) * v."),
            (w + mu * v + (1 + mu) * new, new, "The look-ahead term has the wrong sign: it is "
                                               "w - momentum * v_prev + (1 + momentum) * v."),
            (w - mu * v + new, new, "The factor (1 + momentum) on the new velocity is missing: "
                                    "w - momentum * v_prev + (1 + momentum) * v."),
        ]
    return found


def expect_step(name, next_w, config, w, dw, given, context, step="the step"):
    """``next_w`` and the stored velocity of one step from ``given`` are the suite's, with known slips named."""
    expected_w, expected_config = suite_step(name, w, dw, given)
    mistakes = step_mistakes(name, w, dw, given)
    expect_array_naming("next_w", next_w, expected_w, [(m_w, s) for m_w, _, s in mistakes], context=context)
    config = config_dict(config, f"`{name}`", context)
    if name == "sgd":
        return
    velocity = velocity_of(config, name, context, step)
    causes = [(m_v, s) for _, m_v, s in mistakes if m_v is not None]
    if "velocity" in given:
        causes.append((given["velocity"], "It is still the velocity the step started from: store the new "
                                          "velocity, config['velocity'] = v, before returning."))
    expect_array_naming("config['velocity']", velocity, expected_config["velocity"], causes, context=context)


def hand_fixture():
    """w = [1, -2, 0.5], dw = [0.5, 1, -2], v = [0.1, -0.2, 0.3], learning_rate 0.1, momentum 0.5.

    SGD: w - 0.1 dw = [0.95, -2.1, 0.7].
    Momentum: v' = 0.5 v - 0.1 dw = [0, -0.2, 0.35]; next_w = w + v' = [1, -2.2, 0.85].
    Nesterov: next_w = w - 0.5 v + 1.5 v' = [0.95, -2.2, 0.875], v' as for momentum.
    """
    return (np.array([1.0, -2.0, 0.5]), np.array([0.5, 1.0, -2.0]),
            {"learning_rate": 0.1, "momentum": 0.5, "velocity": np.array([0.1, -0.2, 0.3])})


HAND_NEXT_W = {"sgd": [0.95, -2.1, 0.7], "sgd_momentum": [1.0, -2.2, 0.85], "nesterov_momentum": [0.95, -2.2, 0.875]}
HAND_VELOCITY = [0.0, -0.2, 0.35]


def random_fixture(seed, shape=(2, 3)):
    """``w, dw, v`` drawn from a seeded generator."""
    gen = np.random.default_rng(seed)
    return gen.standard_normal(shape), gen.standard_normal(shape), gen.standard_normal(shape)


def config_for(name, config):
    """SGD gets only the learning rate of a config."""
    return {k: v for k, v in config.items() if k == "learning_rate"} if name == "sgd" else config


# -- one step ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", RULES)
def test_rule_worked_example(day05, name):
    w, dw, config = hand_fixture()
    config = config_for(name, config)
    context = f" on the worked example (w = [1, -2, 0.5], dw = [0.5, 1, -2], config {describe_config(config)})"
    next_w, returned = getattr(day05, name)(w, dw, dict(config))
    expect_step(name, next_w, returned, w, dw, config, context)
    expect_array("next_w", next_w, HAND_NEXT_W[name], context=context)
    if name != "sgd":
        expect_array("config['velocity']", returned["velocity"], HAND_VELOCITY, context=context)


@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize("shape", [(4,), (2, 3, 2)], ids=["1-D", "3-D"])
def test_rule_random_prefilled(day05, name, shape):
    w, dw, v = random_fixture(51, shape)
    given = config_for(name, {"learning_rate": 0.07, "momentum": 0.65, "velocity": v})
    next_w, returned = getattr(day05, name)(w, dw, dict(given))
    expect_step(name, next_w, returned, w, dw, given,
                shapes(w=w, dw=dw) + " with learning_rate 0.07, momentum 0.65 and a velocity already in config")


MISSING = {  # what is left out of the config -> the config given
    "config None": None,
    "an empty config": {},
    "no learning_rate": {"momentum": 0.5, "velocity": "v"},
    "no momentum": {"learning_rate": 0.1, "velocity": "v"},
    "no velocity": {"learning_rate": 0.1, "momentum": 0.5},
}
DEFAULT_CASES = [pytest.param(n, case, marks=exercise(f"day05.{n}"), id=f"{n}-{case}")
                 for n in RULE_NAMES for case in MISSING
                 if n != "sgd" or case in ("config None", "an empty config")]


@pytest.mark.parametrize("name, case", DEFAULT_CASES)
def test_rule_missing_keys_get_defaults(day05, name, case):
    w, dw, v = random_fixture(52)
    given = MISSING[case]
    if given is not None:
        given = {k: (v.copy() if value == "v" else value) for k, value in given.items()}
    context = f" with {case}" + (f" ({describe_config(given)})" if given else "")
    next_w, returned = getattr(day05, name)(w, dw, None if given is None else dict(given))
    if name == "sgd" and same(_floats(next_w), w - 1e-3 * dw):
        fail(f"next_w is w - 0.001 * dw{context}: the default learning rate of SGD and momentum is 1e-2 "
             f"(1e-3 is Adam's).", names="cause")
    returned = config_dict(returned, f"`{name}`", context)
    for key in ("learning_rate",) if name == "sgd" else ("learning_rate", "momentum"):
        wanted = DEFAULTS[key] if given is None or key not in given else given[key]
        if key not in returned:
            fail(f"the returned config has no '{key}'{context}; a missing key gets its default written into the "
                 f"dict: config.setdefault('{key}', {DEFAULTS[key]}).", names="cause")
        if not isinstance(returned[key], (int, float)) or returned[key] != wanted:
            fail(f"config['{key}'] is {returned[key]!r} after the call{context}; it should be {wanted!r} "
                 f"({'the default' if given is None or key not in given else 'the value passed in'}).",
                 names="cause" if given is None or key not in given else "mismatch")
    expect_step(name, next_w, returned, w, dw, given or {}, context)


@pytest.mark.parametrize("name", MOMENTUM_RULES)
def test_rule_velocity_is_the_step(day05, name):
    w, dw, _ = random_fixture(53)
    next_w, returned = getattr(day05, name)(w, dw, {"learning_rate": 0.2, "momentum": 0.8})
    context = shapes(w=w) + " after one step from rest with learning_rate 0.2, momentum 0.8"
    velocity = velocity_of(config_dict(returned, f"`{name}`", context), name, context)
    if same(velocity, 0.2 * dw):
        fail(f"config['velocity'] is +learning_rate * dw{context}, the opposite sign: the velocity is the step "
             f"itself, v = momentum * v - learning_rate * dw, so after one step from rest it is -learning_rate * dw.",
             names="cause")
    expect_array("config['velocity']", velocity, -0.2 * dw, context=context + " (it must be -learning_rate * dw)")
    first_step = -0.2 * dw if name == "sgd_momentum" else -(1 + 0.8) * 0.2 * dw
    uphill = [(w - first_step, "That is a step uphill: the gradient must be subtracted.")]
    expect_array_naming("next_w", next_w, w + first_step, uphill,
                        context=context + (" (from rest, Nesterov moves by -(1 + momentum) * learning_rate * dw)"
                                           if name == "nesterov_momentum" else ""))


EDGE_HYPERPARAMETERS = {"momentum 0 (plain SGD)": {"learning_rate": 0.1, "momentum": 0.0},
                        "learning_rate 0 (coasting)": {"learning_rate": 0.0, "momentum": 0.5}}


@pytest.mark.parametrize("name", MOMENTUM_RULES)
@pytest.mark.parametrize("case", list(EDGE_HYPERPARAMETERS))
def test_rule_zero_hyperparameters_are_values(day05, name, case):
    w, dw, v = random_fixture(54)
    given = dict(EDGE_HYPERPARAMETERS[case], velocity=v)
    next_w, returned = getattr(day05, name)(w, dw, {k: (x.copy() if k == "velocity" else x) for k, x in given.items()})
    context = f" with {case} and a velocity in config"
    key = "momentum" if "momentum 0" in case else "learning_rate"
    as_default = dict(given, **{key: DEFAULTS[key]})
    if not same(suite_step(name, w, dw, given)[0], _floats(next_w)) and \
            same(suite_step(name, w, dw, as_default)[0], _floats(next_w)):
        fail(f"next_w is the step with the default {key} {DEFAULTS[key]}{context}: a {key} of exactly 0 is a value, "
             f"not a missing key. `config.get('{key}') or {DEFAULTS[key]}` treats 0 as missing; use "
             f"config.setdefault('{key}', {DEFAULTS[key]}).", names="cause")
    expect_step(name, next_w, returned, w, dw, given, context)


# -- several steps ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize("shape", [(3,), (2, 3, 4)], ids=["1-D", "3-D"])
def test_rule_two_steps(day05, name, shape):
    w, dw1, dw2 = random_fixture(55, shape)
    rule = getattr(day05, name)
    config = config_for(name, {"learning_rate": 0.3, "momentum": 0.7})
    w1, config1 = rule(w, dw1, dict(config))
    expect_step(name, w1, config1, w, dw1, config, shapes(w=w) + " on the first of two steps")
    _, suite_config = suite_step(name, w, dw1, config)
    w2, config2 = rule(np.asarray(w1, dtype=float), dw2, config1)
    context = shapes(w=w) + " on the second of two steps, given the config the first returned"
    expected_w2, _ = suite_step(name, w1, dw2, suite_config)
    if name != "sgd" and same(_floats(w2), suite_step(name, w1, dw2, config)[0]):
        fail(f"next_w{context} is the step from rest: the velocity of the first step did not carry over. Store it in "
             f"config['velocity'] and read it back on the next call.", names="cause")
    expect_step(name, w2, config2, w1, dw2, suite_config, context, step="the second step")
    expect_array("next_w", w2, expected_w2, context=context)


FUNCTIONS = {  # name -> (loss_and_grad, w0, config, steps)
    "the narrow bowl": (probes.ill_conditioned_quadratic, np.array([-4.0, 1.0]),
                        {"learning_rate": 0.01, "momentum": 0.9}, 40),
    "Rosenbrock": (probes.rosenbrock, np.array([-1.5, 2.0]), {"learning_rate": 1e-3, "momentum": 0.8}, 60),
}


def expect_path(name, got, expected, context):
    """A trajectory equals the expected one; the message names the first step where it leaves it."""
    got_array = _floats(got)
    if got_array is None or got_array.shape != expected.shape:
        fail(f"{name} has shape {np.shape(got)} but should have shape {expected.shape} (num_steps + 1 points, "
             f"w0 first){context}.")
    close = np.isclose(got_array, expected, rtol=1e-7, atol=1e-10).reshape(len(expected), -1).all(axis=1)
    if not close.all():
        k = int(np.argmin(close))
        fail(f"{name}[{k}] (the point after {k} update{'s' if k != 1 else ''}) is {np.round(got_array[k], 8).tolist()} "
             f"but should be {np.round(expected[k], 8).tolist()}{context}; the earlier points agree.")


@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_rule_path_on_a_function(day05, name, function):
    f, w0, config, steps = FUNCTIONS[function]
    config = config_for(name, config)
    with np.errstate(all="ignore"):  # a rule that climbs overflows here; the path shows it
        out = day05.probe(probes.rule_on_function, name, f, w0, dict(config), steps)
    expected = probes.trusted_path(f, w0, probes.SUITE_RULES[name], dict(config), steps)
    expect_path("the path", out["path"], expected,
                f" of {steps} steps of your {name} on {function} from {w0.tolist()} with config {config}, each "
                f"given the config the previous step returned")


# -- where the state lives ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize("given", ["empty", "prefilled"])
def test_rule_returns_the_config_it_was_given(day05, name, given):
    w, dw, v = random_fixture(56)
    config = {} if given == "empty" else config_for(name, {"learning_rate": 0.1, "momentum": 0.5, "velocity": v})
    out = day05.probe(probes.config_identity, name, w, dw, config)
    context = f" when called with {'an empty dict' if given == 'empty' else 'a filled-in dict'} as config"
    if not out["result_is_pair"]:
        fail(f"`{name}` must return a pair (next_w, config){context}.")
    config_dict(out["returned"], f"`{name}`", context)
    if not out["returned_is_given"]:
        after = out["given_after"]
        cause = (" `config = config or {}` (or `if not config`) replaces an empty dict too, since {} is false: "
                 "test `if config is None`." if given == "empty" and isinstance(after, dict) and not after else "")
        fail(f"`{name}` returned a different dict than the config it was given{context}; write the defaults and the "
             f"state into the very dict passed in and return it, so a caller that keeps its own reference sees "
             f"them.{cause}", names="cause")
    after = config_dict(out["given_after"], f"`{name}`", context)
    expected = suite_step(name, w, dw, config)[1]
    for key in expected:
        if key not in after:
            fail(f"the config dict passed in has no '{key}' after the call{context}; write "
                 f"{'the new velocity' if key == 'velocity' else 'the default'} into it.", names="cause")
    if name != "sgd":
        expect_array("config['velocity']", after["velocity"], expected["velocity"], context=context)


@pytest.mark.parametrize("name", RULES)
def test_rule_omitted_config_is_fresh_each_call(day05, name):
    w, dw, _ = random_fixture(57)
    out = day05.probe(probes.omitted_config, name, w, dw)
    expected, _ = suite_step(name, w, dw, None)
    context = f" for {name}(w, dw) called twice without a config"
    config_dict(out["first"], f"`{name}`", context)
    if out["same_dict"]:
        fail(f"both calls returned the same config dict{context}: a mutable default argument (config={{}}) or "
             f"module-level state is shared by every call. Use config=None and create a fresh dict inside.",
             names="cause")
    expect_array("next_w (first call)", out["first_w"], expected, context=context)
    if not same(out["second_w"], expected):
        fail(f"the second call{context} gave a different step than the first; the state of the first call (or the "
             f"change the caller made to its config) leaked into it. Each call without a config starts from a fresh "
             f"dict.", names="cause")


@pytest.mark.parametrize("name", RULES)
def test_rule_parameters_do_not_share_state(day05, name):
    gen = np.random.default_rng(58)
    w_a, w_b = gen.standard_normal((2, 3)), gen.standard_normal(4)
    grads_a, grads_b = gen.standard_normal((4, 2, 3)), gen.standard_normal((4, 4))
    config_a = config_for(name, {"learning_rate": 0.1, "momentum": 0.5})
    config_b = config_for(name, {"learning_rate": 0.2, "momentum": 0.8})
    out = day05.probe(probes.interleaved, name, w_a, w_b, list(grads_a), list(grads_b), dict(config_a),
                      dict(config_b))
    context = (" when two parameters, a (2, 3) and b (4,), each with its own config, are updated in turn (a, b, a, b, "
               "...); each must keep its own state, so keep nothing outside its config")
    for label, w, grads, config, path in (("a", w_a, grads_a, config_a, out["path_a"]),
                                          ("b", w_b, grads_b, config_b, out["path_b"])):
        expected, point, state = [], w, dict(config)
        for dw in grads:
            point, state = suite_step(name, point, dw, state)
            expected.append(point)
        expect_path(f"the path of {label}", path, np.array(expected), context)


# -- purity and dtype -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", RULES)
def test_rule_leaves_w_and_dw_alone(day05, name):
    w, dw, v = random_fixture(59)
    w_before, dw_before = w.copy(), dw.copy()
    next_w, _ = getattr(day05, name)(w, dw, config_for(name, {"learning_rate": 0.1, "momentum": 0.5, "velocity": v}))
    if not np.array_equal(w, w_before) and same(w, _floats(next_w)):
        fail(f"`{name}` modified w in place (w -= ... or w += ...): the caller's w now holds next_w. Build a new "
             f"array, next_w = w - ..., so the caller keeps its parameters until it chooses to replace them.",
             names="cause")
    expect_unchanged("w", w_before, w)
    expect_unchanged("dw", dw_before, dw)


@pytest.mark.parametrize("name", RULES)
def test_rule_keeps_float32(day05, name):
    w, dw, _ = random_fixture(60)
    w32, dw32 = w.astype(np.float32), dw.astype(np.float32)
    config = config_for(name, {"learning_rate": 0.1, "momentum": 0.5})
    next_w, returned = getattr(day05, name)(w32, dw32, dict(config))
    expected, expected_config = suite_step(name, w32.astype(float), dw32.astype(float), config)
    context = " for float32 w and dw (the capstone may train in float32)"
    got = [("next_w", next_w)]
    if name != "sgd":
        got.append(("config['velocity']", velocity_of(config_dict(returned, f"`{name}`", context), name, context)))
    for label, value in got:
        if np.asarray(value).dtype != np.float32:
            fail(f"{label} has dtype {np.asarray(value).dtype}{context}; keep the dtype of w (a velocity started with "
                 f"np.zeros(w.shape) is float64 and turns every later step into float64: use np.zeros_like(w)).")
    expect_array("next_w", next_w, expected, rtol=FLOAT32_RTOL, atol=1e-6, context=context)


# -- why momentum ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", MOMENTUM_RULES)
def test_momentum_beats_sgd_on_the_narrow_bowl(day05, name):
    w0 = np.array([-4.0, 1.0])
    with np.errstate(all="ignore"):
        out = day05.probe(probes.rule_on_function, name, probes.ill_conditioned_quadratic, w0, {}, RACE_STEPS)
    path = _floats(out["path"])
    sgd_end = probes.trusted_path(probes.ill_conditioned_quadratic, w0, probes.suite_sgd, {}, RACE_STEPS)[-1]
    sgd_distance = float(np.linalg.norm(sgd_end))
    if path is None or path.shape != (RACE_STEPS + 1, 2) or not np.all(np.isfinite(path[-1])):
        fail(f"{RACE_STEPS} steps of your {name} with the default config on f(w) = 0.5 (w0**2 + 50 w1**2) from "
             f"[-4, 1] ended at {describe_value(out['path']) if path is None else path[-1].tolist()}; "
             f"expected a finite point near the minimum (0, 0).")
    distance = float(np.linalg.norm(path[-1]))
    if not distance * RACE_FACTOR <= sgd_distance:
        fail(f"after {RACE_STEPS} steps at the default learning rate 1e-2 on the narrow bowl f(w) = 0.5 (w0**2 + "
             f"50 w1**2) from [-4, 1], your {name} is {distance:.3g} from the minimum and SGD {sgd_distance:.3g}; "
             f"with momentum 0.9 it should be at least {RACE_FACTOR:g} times closer (the reference is over 100 times "
             f"closer), since the velocity builds up along the gentle axis.")


# -- minimize ------------------------------------------------------------------------------------------------
def minimize_mistakes(f, w0, rule, config, steps, expected):
    """What the known slips of minimize return here, with the sentence naming each."""
    stale = [np.array(w0, dtype=float)]
    state = None if config is None else dict(config)
    _, dw0 = f(np.array(w0, dtype=float))
    for _ in range(steps):
        point, state = rule(stale[-1], dw0, state)
        stale.append(point)
    unthreaded = [np.array(w0, dtype=float)]
    for _ in range(steps):
        point, _ = rule(unthreaded[-1], f(unthreaded[-1])[1], None if config is None else dict(config))
        unthreaded.append(point)
    extra = probes.trusted_path(f, w0, rule, None if config is None else dict(config), steps + 1)
    return [
        (extra, "It makes one update too many: num_steps updates give num_steps + 1 points with w0."),
        (expected[1:], "It lacks w0: put the starting point first, trajectory = [w0], then append each new point."),
        (expected[:-1], "It stops one step short: make num_steps updates, num_steps + 1 points with w0."),
        (np.array(stale), "Every gradient was taken at w0: evaluate loss_and_grad at the current w in each step."),
        (np.array(unthreaded), "Every step started from the config first given: pass the config each call returns "
                               "to the next call (w, config = rule(w, dw, config)), or the rule's state is lost."),
    ]


MINIMIZE_CASES = {  # label -> (loss_and_grad, w0, rule, config, steps)
    "momentum on the narrow bowl": (probes.ill_conditioned_quadratic, np.array([-4.0, 1.0]), probes.suite_momentum,
                                    {"learning_rate": 0.02, "momentum": 0.8}, 30),
    "momentum from config None on the narrow bowl": (probes.ill_conditioned_quadratic, np.array([3.0, -0.5]),
                                                     probes.suite_momentum, None, 25),
    "Nesterov on Rosenbrock": (probes.rosenbrock, np.array([-1.5, 2.0]), probes.suite_nesterov,
                               {"learning_rate": 1e-3, "momentum": 0.9}, 50),
    "a rule that returns a new config each call": (probes.graded_bowl, np.array([[1.0, -2.0], [0.5, 3.0]]),
                                                   probes.counting_rule, {"learning_rate": 0.3}, 6),
}


@exercise("day05.minimize")
@pytest.mark.parametrize("case", list(MINIMIZE_CASES))
def test_minimize_path(day05, case):
    f, w0, rule, config, steps = MINIMIZE_CASES[case]
    expected = probes.trusted_path(f, w0, rule, None if config is None else dict(config), steps)
    with np.errstate(all="ignore"):
        got = day05.minimize(f, w0, rule, None if config is None else dict(config), steps)
    context = f" for {case}, {steps} steps from {w0.tolist()} with config {config}"
    got_array = _floats(got)
    if got_array is not None and got_array.shape != expected.shape:
        for value, sentence in minimize_mistakes(f, w0, rule, config, steps, expected):
            if same(got_array, value):
                fail(f"the trajectory has shape {got_array.shape} but should have shape {expected.shape}{context}. "
                     f"{sentence}", names="cause")
    if got_array is not None and got_array.shape == expected.shape and not same(got_array, expected):
        hits = [s for value, s in minimize_mistakes(f, w0, rule, config, steps, expected)
                if np.shape(value) == expected.shape and not same(value, expected) and same(got_array, value)]
        if len(hits) == 1:
            fail(f"the trajectory is wrong{context}. {hits[0]}", names="cause")
    expect_path("trajectory", got, expected, context)
    if not isinstance(got, np.ndarray):
        fail(f"minimize returned {describe_value(got)}{context}; return an array, np.array(trajectory), shaped "
             f"(num_steps + 1,) + w0.shape.")


@exercise("day05.minimize")
def test_minimize_calls(day05):
    w0 = np.array([[1.0, -2.0], [0.5, 3.0]])
    out = day05.probe(probes.minimize_recording, w0, None, 5)
    expected = probes.trusted_path(probes.graded_bowl, w0, probes.counting_rule, None, 5)
    context = " for minimize(loss_and_grad, w0 (2, 2), rule, None, 5) with a rule that returns a new config each call"
    expect_unchanged("w0", w0, out["w0"])
    grad_at, calls = out["grad_at"], out["rule_calls"]
    if len(grad_at) != 5 or len(calls) != 5:
        fail(f"loss_and_grad was called {len(grad_at)} times and rule {len(calls)} times{context}; each of the 5 "
             f"steps calls each once.")
    for k in range(5):
        if not same(grad_at[k], expected[k]):
            fail(f"call {k} of loss_and_grad got w = {np.round(grad_at[k], 6).tolist()}, but the current point then "
                 f"was {np.round(expected[k], 6).tolist()}{context}; take each gradient where you are.", names="cause")
        if not same(calls[k]["w"], expected[k]) or not same(calls[k]["dw"], probes.graded_bowl(expected[k])[1]):
            fail(f"call {k} of rule did not get the current w and the gradient loss_and_grad returned there{context}.")
        if calls[k]["t"] != k:
            fail(f"call {k} of rule got a config whose step count is {calls[k]['t']} (expected {k}){context}: pass the "
                 f"config each call returns to the next call, w, config = rule(w, dw, config).", names="cause")
    expect_path("trajectory", out["trajectory"], expected, context)


@exercise("day05.minimize")
def test_minimize_zero_steps(day05):
    w0 = np.array([0.25, -1.5])
    got = day05.minimize(probes.ill_conditioned_quadratic, w0, probes.suite_sgd, {"learning_rate": 0.01}, 0)
    expect_array("trajectory", got, w0[None, :], context=" for num_steps = 0: just w0, shaped (1, 2)")


@exercise("day05.minimize")
def test_minimize_drives_your_sgd(day05):
    w0 = np.array([2.0, 0.6])
    config = {"learning_rate": 0.03}
    with np.errstate(all="ignore"):
        out = day05.probe(probes.minimize_and_trusted, "sgd", probes.ill_conditioned_quadratic, w0, config, 15)
    trusted = _floats(out["trusted"])
    expect_path("trajectory", out["minimize"], trusted, " for minimize with your own sgd on the narrow bowl, compared "
                "with the suite's loop driving the same sgd")
