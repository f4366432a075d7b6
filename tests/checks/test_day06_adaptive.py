"""Checks for Day 6: RMSprop and Adam, under the optimizer convention of CURRICULUM section 1.

Every expected value comes from the small oracles below (the update rules as the curriculum
writes them), which run here in the judge. State is checked before ``next_w``, since the step
is computed from it.
"""
import numpy as np
import pytest

from grader.judge import describe_value, unpack

from ..probes import day06_adaptive as probes
from .expect import expect_array, expect_scalar, expect_unchanged, fail, shapes
from .gradcheck import VALUE_ATOL, VALUE_RTOL

exercise = pytest.mark.exercise

#: What each function returns: a tuple of these values (unpacked by the judge, with a sentence if not).
RETURNS = {"rmsprop": "(next_w, config)", "adam": "(next_w, config)"}

#: The hyperparameters' defaults (CURRICULUM section 1) and the state each rule keeps in config.
DEFAULTS = {"rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
            "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}}
STATE = {"rmsprop": ("cache",), "adam": ("m", "v", "t")}
MEANING = {"cache": "running average of dw**2", "m": "running average of dw", "v": "running average of dw**2",
           "t": "number of steps taken"}

#: Adam's first step from zero state moves each coordinate by learning_rate * |g| / (|g| + epsilon):
#: at least this fraction of the learning rate for every gradient of size 1e-6 or more.
FIRST_STEP_LOW = 0.985

RULES = [pytest.param(name, marks=exercise(f"day06.{name}"), id=name) for name in ("rmsprop", "adam")]


# -- the oracles ---------------------------------------------------------------------------------
def rmsprop_oracle(w, dw, config, *, eps_inside=False):
    c = {**DEFAULTS["rmsprop"], **config}
    cache = c["decay_rate"] * np.asarray(c.get("cache", np.zeros_like(w))) + (1 - c["decay_rate"]) * dw ** 2
    denominator = np.sqrt(cache + c["epsilon"]) if eps_inside else np.sqrt(cache) + c["epsilon"]
    return w - c["learning_rate"] * dw / denominator, {"cache": cache}


def adam_oracle(w, dw, config, *, eps_inside=False, bias_correction=True, swap_betas=False):
    c = {**DEFAULTS["adam"], **config}
    beta1, beta2 = (c["beta2"], c["beta1"]) if swap_betas else (c["beta1"], c["beta2"])
    t = c.get("t", 0) + 1
    m = beta1 * np.asarray(c.get("m", np.zeros_like(w))) + (1 - beta1) * dw
    v = beta2 * np.asarray(c.get("v", np.zeros_like(w))) + (1 - beta2) * dw ** 2
    m_hat, v_hat = (m / (1 - beta1 ** t), v / (1 - beta2 ** t)) if bias_correction else (m, v)
    denominator = np.sqrt(v_hat + c["epsilon"]) if eps_inside else np.sqrt(v_hat) + c["epsilon"]
    return w - c["learning_rate"] * m_hat / denominator, {"m": m, "v": v, "t": t}


ORACLES = {"rmsprop": rmsprop_oracle, "adam": adam_oracle}


def oracle_path(name, w0, curvatures, config, num_steps, **variant):
    """The oracle's path on f(w) = 0.5 * sum(curvatures * w**2) and its final state."""
    w, state, path = np.asarray(w0, dtype=float), {}, [np.asarray(w0, dtype=float)]
    hyper = {k: v for k, v in (config or {}).items() if k not in STATE[name]}
    for _ in range(num_steps):
        w, state = ORACLES[name](w, curvatures * w, {**hyper, **state}, **variant)
        path.append(w)
    return np.array(path), state


def close(got, expected) -> bool:
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=VALUE_RTOL, atol=VALUE_ATOL))


# -- reading what came back ----------------------------------------------------------------------
def config_dict(name, config, context=""):
    if isinstance(config, np.ndarray):
        fail(f"`{name}` returned {describe_value(config)} where the config belongs{context}; return "
             f"(next_w, config) in that order.")
    if not isinstance(config, dict):
        fail(f"`{name}` returned {describe_value(config)} as its config{context}; return the config dict, "
             f"holding the hyperparameters and the state.")
    return config


def state_entry(name, config, key, context=""):
    """config[key], with a sentence when the config is not a dict or the key was never stored."""
    config = config_dict(name, config, context)
    if key not in config:
        fail(f"the config `{name}` returned has no {key!r}{context}; store the {MEANING[key]} in "
             f"config[{key!r}] so the next call can continue from it.", names="cause")
    return config[key]


def expect_state(name, config, expected, context=""):
    for key in STATE[name]:
        value = state_entry(name, config, key, context)
        if key == "t":
            expect_scalar("config['t']", value, expected["t"], atol=0, context=context)
        else:
            expect_array(f"config[{key!r}]", value, expected[key], context=context)


def recognise(got, alternatives, context="") -> None:
    """Name the mistake when ``got`` matches exactly one of the ``(expected, sentence)`` alternatives."""
    hits = [sentence for expected, sentence in alternatives if close(got, expected)]
    if len(hits) == 1:
        fail(hits[0].format(context=context), names="cause")


def describe_config(config) -> str:
    parts = [f"{k} = {v:g}" if not isinstance(v, np.ndarray) else f"{k} {v.shape}" for k, v in config.items()]
    return "{" + ", ".join(parts) + "}" if parts else "{}"


def run_path(day06, name, w0, curvatures, config, num_steps):
    out = day06.probe(probes.trajectory, name, w0, curvatures, config, num_steps)
    if "bad" in out:
        unpack(out["bad"], RETURNS[name], f"`{name}` (call {out['step']} of a run of {num_steps})")
    return out["path"], out["config"]


def expect_path(name, path, expected, context):
    for step in range(1, len(expected)):
        if not close(path[step], expected[step]):
            expect_array("next_w", path[step], expected[step], context=f" after step {step} of {len(expected) - 1}"
                                                                      f"{context}")


# -- fixtures ------------------------------------------------------------------------------------
def prefilled(name, seed=6):
    """w (3, 4), gradients from 1e-6 to 1e3 in size, non-default hyperparameters and a prefilled state."""
    gen = np.random.default_rng(seed)
    scale = 10.0 ** gen.uniform(-6, 3, (3, 4))
    w, dw = gen.standard_normal((3, 4)), scale * gen.standard_normal((3, 4))
    if name == "rmsprop":
        config = {"learning_rate": 0.05, "decay_rate": 0.9, "epsilon": 1e-6,
                  "cache": (scale * gen.standard_normal((3, 4))) ** 2}
    else:
        config = {"learning_rate": 0.02, "beta1": 0.8, "beta2": 0.95, "epsilon": 1e-6,
                  "m": scale * gen.standard_normal((3, 4)), "v": (scale * gen.standard_normal((3, 4))) ** 2, "t": 4}
    return w, dw, config


#: A badly scaled bowl with w of shape (2, 3): curvatures from 100 down to 1e-3.
BOWL_W0 = np.array([[1.0, -1.0, 0.5], [2.0, -0.3, 1.5]])
BOWL_CURVATURES = np.array([[100.0, 1.0, 0.01], [10.0, 0.1, 1e-3]])
BOWL_CONFIG = {"rmsprop": {"learning_rate": 0.02, "decay_rate": 0.9, "epsilon": 1e-7},
               "adam": {"learning_rate": 0.05, "beta1": 0.7, "beta2": 0.9, "epsilon": 1e-7}}

#: Gradients so small that epsilon = 1e-8 is comparable to sqrt of their mean square, with an exact zero.
TINY_W = np.array([0.3, -0.2, 0.1, 0.5, -0.4])
TINY_DW = np.array([1e-6, -1e-7, 1e-8, 0.0, -3e-9])


# -- both rules ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", RULES)
def test_reference_on_prefilled_state(day06, name):
    w, dw, config = prefilled(name)
    expected_w, expected_state = ORACLES[name](w, dw, config)  # before the call, which may update config's arrays
    hyper = {k: v for k, v in config.items() if k not in STATE[name]}
    next_w, returned = getattr(day06, name)(w, dw, dict(config))
    context = f" for w {w.shape}, gradients from 1e-6 to 1e3 and config {describe_config(config)}"
    if not close(next_w, expected_w):
        keys = ", ".join(repr(k) for k in STATE[name][:-1]) + " and " * (len(STATE[name]) > 1) + repr(STATE[name][-1])
        alternatives = [(ORACLES[name](w, dw, hyper)[0],
                         "next_w is the step from a zero state{context}: the state passed in config (" + keys + ") "
                         "was ignored. Read it from config, and start from zeros only when it is missing.")]
        if name == "adam":
            alternatives += [(adam_oracle(w, dw, config, swap_betas=True)[0],
                              "next_w is what Adam gives with beta1 and beta2 swapped{context}: beta1 (0.8 here) "
                              "averages the gradient in m, beta2 (0.95) its square in v."),
                             (adam_oracle(w, dw, {**config, "t": config["t"] - 1})[0],
                              "next_w is what Adam gives with t = 4 in the bias correction{context}, but this is "
                              "step 5: increment t before using it.")]
        recognise(next_w, alternatives, context)
    expect_state(name, returned, expected_state, context)
    expect_array("next_w", next_w, expected_w, context=context)


@pytest.mark.parametrize("name", RULES)
def test_trajectory_on_a_badly_scaled_bowl(day06, name):
    config = BOWL_CONFIG[name]
    path, final = run_path(day06, name, BOWL_W0, BOWL_CURVATURES, dict(config), 6)
    expected, state = oracle_path(name, BOWL_W0, BOWL_CURVATURES, config, 6)
    context = (f" on f(w) = 0.5 * sum(c * w**2) with curvatures c from 100 to 1e-3{shapes(w=BOWL_W0)}, "
               f"config {describe_config(config)}, passing back the config each call returned")
    if name == "adam" and not close(path, expected):
        swapped, _ = oracle_path(name, BOWL_W0, BOWL_CURVATURES, config, 6, swap_betas=True)
        recognise(path, [(swapped, "the path is Adam's with beta1 and beta2 swapped{context}: beta1 (0.7 here) "
                                   "averages the gradient in m, beta2 (0.9) its square in v.")], context)
    expect_path(name, path, expected, context)
    expect_state(name, final, state, " after 6 steps" + context)


@pytest.mark.parametrize("name", RULES)
def test_tiny_gradients_from_zero_state(day06, name):
    expected_w, expected_state = ORACLES[name](TINY_W, TINY_DW, {})
    next_w, returned = getattr(day06, name)(TINY_W.copy(), TINY_DW.copy(), {})
    context = " for config = {} (defaults, zero state) and gradients [1e-6, -1e-7, 1e-8, 0, -3e-9]"
    expect_state(name, returned, expected_state, context)
    if not close(next_w, expected_w):
        recognise(next_w, [(ORACLES[name](TINY_W, TINY_DW, {}, eps_inside=True)[0],
                            "epsilon is inside the square root{context}: sqrt(average + 1e-8) is at least 1e-4, so "
                            "these gradients barely move w. Add it outside: np.sqrt(average) + epsilon.")], context)
    expect_array("next_w", next_w, expected_w, context=context)


@pytest.mark.parametrize("name", RULES)
def test_missing_keys_get_defaults(day06, name):
    # config=None for three steps on a bowl where epsilon matters (gradients near 1e-9).
    w0, curvatures = np.array([1.0, -0.5, 2.0]), np.array([10.0, 1e-6, 1e-9])
    path, final = run_path(day06, name, w0, curvatures, None, 3)
    expected, state = oracle_path(name, w0, curvatures, {}, 3)
    defaults = describe_config(DEFAULTS[name])
    context = f" starting from config=None (so every key takes its default, {defaults})"
    expect_path(name, path, expected, context)
    expect_state(name, final, state, " after 3 steps" + context)
    # Only the learning rate given: the other hyperparameters still default, on a prefilled state.
    w, dw, full = prefilled(name, seed=16)
    config = {"learning_rate": 0.1, **{k: full[k] for k in STATE[name]}}
    expected_w, _ = ORACLES[name](w, dw, config)
    next_w, _ = getattr(day06, name)(w, dw, dict(config))
    expect_array("next_w", next_w, expected_w,
                 context=f" for a config holding only learning_rate = 0.1 and the state (the rest default: {defaults})")


@pytest.mark.parametrize("name", RULES)
def test_state_written_into_the_dict_passed_in(day06, name):
    w, dw, full = prefilled(name, seed=26)
    cases = [("an empty config {}", {}),
             ("a config with learning_rate and a prefilled state", {"learning_rate": 0.03,
                                                                    **{k: full[k] for k in STATE[name]}})]
    for label, config in cases:
        _, expected = ORACLES[name](w, dw, config)
        out = day06.probe(probes.step_with_config, name, w, dw, config)
        _, returned = unpack(out["result"], RETURNS[name], f"`{name}`")
        context = f" when called with {label}"
        stored = {k: state_entry(name, returned, k, context) for k in STATE[name]}
        passed = out["passed_after"]
        missing = [k for k in STATE[name] if not isinstance(passed, dict) or k not in passed
                   or not close(passed[k], stored[k])]
        if missing:
            fail(f"the config `{name}` returned holds the new {', '.join(map(repr, missing))}, but the dict the caller "
                 f"passed in does not{context}: the state went into a new dict. The caller keeps its own dict and "
                 "passes it again, so write into config itself (no dict(config) copy, and no `config = config or {}`, "
                 "which replaces an empty dict).", names="cause")
        if not out["returned_is_passed"]:
            fail(f"`{name}` returned a different dict from the one passed in{context}; return config itself.",
                 names="cause")
        expect_state(name, returned, expected, context)


@pytest.mark.parametrize("name", RULES)
def test_two_parameters_keep_separate_state(day06, name):
    w_a, w_b, curvatures = np.array([1.0, -2.0, 0.5]), np.array([-3.0, 0.2, 4.0]), np.array([2.0, 0.5, 1e-2])
    out = day06.probe(probes.two_parameters, name, w_a, w_b, curvatures, 3)
    if "bad" in out:
        unpack(out["bad"], RETURNS[name], f"`{name}`")
    context = (" for two parameters of shape (3,) stepped in turn, each starting with config omitted (None) "
               "and then passing back its own config")
    for key, w0 in (("a", w_a), ("b", w_b)):
        expected, _ = oracle_path(name, w0, curvatures, {}, 3)
        expect_path(name, out[f"solo_{key}"], expected, f" for parameter {key} stepped alone from config = {{}}")
    if out["one_dict"]:
        fail(f"both parameters got the very same config dict back{context}: a default like `config={{}}` in the "
             f"signature is created once and shared by every call. Keep config=None and create a new dict inside "
             f"the function.", names="cause")
    for key in ("a", "b"):
        if not close(out[key], out[f"solo_{key}"]):
            step = next(k for k in range(1, len(out[key])) if not close(out[key][k], out[f"solo_{key}"][k]))
            fail(f"parameter {key} moved differently when a second parameter was stepped in between (first at step "
                 f"{step}){context}: the rule keeps state outside the config it was given (a global, a function "
                 f"attribute). Keep all state in config.", names="cause")


@pytest.mark.parametrize("name", RULES)
def test_leaves_inputs_alone(day06, name):
    w, dw, config = prefilled(name, seed=36)
    w_before, dw_before = w.copy(), dw.copy()
    getattr(day06, name)(w, dw, config)
    expect_unchanged("w", w_before, w)
    expect_unchanged("dw", dw_before, dw)


# -- RMSprop -------------------------------------------------------------------------------------
@exercise("day06.rmsprop")
def test_rmsprop_worked_example(day06):
    # cache = 0.75 * [4, 0, 1] + 0.25 * [4, 1, 0] = [4, 0.25, 0.75]; steps 0.1 * [2 / 2, -1 / 0.5, 0].
    w, dw = np.array([1.0, -2.0, 0.5]), np.array([2.0, -1.0, 0.0])
    config = {"learning_rate": 0.1, "decay_rate": 0.75, "epsilon": 1e-8, "cache": np.array([4.0, 0.0, 1.0])}
    next_w, returned = day06.rmsprop(w, dw, config)
    context = " for w = [1, -2, 0.5], dw = [2, -1, 0], cache = [4, 0, 1], decay_rate 0.75, learning_rate 0.1"
    expect_array("config['cache']", state_entry("rmsprop", returned, "cache", context), [4.0, 0.25, 0.75],
                 context=context)
    expect_array("next_w", next_w, [0.9, -1.8, 0.5], context=context)


# -- Adam ----------------------------------------------------------------------------------------
@exercise("day06.adam")
def test_adam_first_step_moves_by_learning_rate(day06):
    w = np.array([0.5, -0.3, 1.2, 0.0, -2.0, 0.7])
    dw = np.array([1e-6, -1e-4, 1e-2, -1.0, 30.0, -1e3])
    config = {"learning_rate": 0.01}
    expected_w, expected_state = adam_oracle(w, dw, config)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        next_w, returned = day06.adam(w.copy(), dw.copy(), dict(config))
    context = " for the first step from zero state (config = {learning_rate: 0.01}, gradients from 1e-6 to 1e3)"
    next_w = np.asarray(next_w, dtype=float)
    t = state_entry("adam", returned, "t", context)
    if next_w.shape == w.shape and not np.any(np.isfinite(next_w)) and np.ndim(t) == 0 and t == 1:
        fail(f"next_w is {next_w[0]} everywhere{context}: the bias correction divided by 1 - beta**0 = 0, so t was "
             f"used before it was incremented. Increment t first: the first step uses t = 1.", names="cause")
    expect_state("adam", returned, expected_state, context)
    if next_w.shape == w.shape and np.all(np.isfinite(next_w)) and not close(next_w, expected_w):
        recognise(next_w, [(adam_oracle(w, dw, config, bias_correction=False)[0],
                            "the first step moved the coordinates with large gradients by 3.16 * learning_rate"
                            "{context}: that is (1 - beta1) / sqrt(1 - beta2), the bias of averages that start at 0. "
                            "Divide m by 1 - beta1**t and v by 1 - beta2**t.")], context)
        moved = np.abs(next_w - w) / config["learning_rate"]
        worst = int(np.argmax(np.abs(moved - 1)))
        if not FIRST_STEP_LOW <= moved[worst] <= 1 + 1e-9:
            fail(f"the first Adam step should move every coordinate by about learning_rate = 0.01 whatever the size of "
                 f"its gradient, but coordinate {worst} (dw = {dw[worst]:g}) moved by {moved[worst]:.4g} * "
                 f"learning_rate{context}.")
    expect_array("next_w", next_w, expected_w, context=context)
