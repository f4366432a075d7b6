"""Checks for Day 8: the L2 penalty, AdamW and early stopping.

Every expected value comes from the small oracles below, which run here in the judge: the
penalty and AdamW as the curriculum writes them, and an early-stopping oracle that can also
play each known mistake (``STOPPER_SLIPS``), so a failure names the mistake only when the
learner's whole run is what exactly one of them does. ``EarlyStopping`` is an object, so it is
driven by probes (tests/probes/day08_regularization.py) that step it as a training loop would
and report what it answered and what it kept.
"""
import numpy as np
import pytest

from grader.judge import describe_value, unpack

from ..probes import day08_regularization as probes
from .expect import (
    expect_array,
    expect_array_naming,
    expect_scalar,
    expect_scalar_naming,
    expect_unchanged,
    fail,
    same,
    shapes,
    the_one_matching,
)
from .gradcheck import LOSS_ATOL, VALUE_ATOL, VALUE_RTOL, check_gradients, numerical_gradient_of

exercise = pytest.mark.exercise

#: What each function returns: a tuple of these values (unpacked by the judge, with a sentence if not).
RETURNS = {"l2_penalty": "(loss, grads)", "adamw": "(next_w, config)"}


def close(got, expected) -> bool:
    """Same shape and values to float64 noise; NaN matches NaN (a run's missing values)."""
    try:
        got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=VALUE_RTOL, atol=VALUE_ATOL,
                                                            equal_nan=True))


def listing(values) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


# == l2_penalty ============================================================================================
def l2_oracle(params, reg, *, biases=False, loss_factor=0.5, grad_factor=1.0, reduce=np.sum, last_only=False,
              norm=False):
    """The penalty and its gradients; the keywords play the known mistakes."""
    loss, grads = 0.0, {}
    for name, value in params.items():
        value = np.asarray(value, dtype=float)
        if name.startswith("W") or biases:
            term = np.sqrt(np.sum(value * value)) if norm else reduce(value * value)
            loss = (0.0 if last_only else loss) + loss_factor * reg * float(term)
            grads[name] = grad_factor * reg * value
        else:
            grads[name] = np.zeros(value.shape)
    return loss, grads


def l2_loss_causes(params, reg):
    """What the known slips give as the loss here, with the sentence naming each."""
    return [(l2_oracle(params, reg, biases=True)[0],
             "That is the penalty of the weights and the biases: penalise only the weight matrices (names starting "
             "with 'W')."),
            (l2_oracle(params, reg, loss_factor=1.0)[0],
             "That is reg * sum(W**2), twice the convention: the penalty is 0.5 * reg * sum(W**2)."),
            (l2_oracle(params, reg, reduce=np.mean)[0],
             "That is 0.5 * reg * mean(W**2): sum the squared weights (np.sum), do not average them."),
            (l2_oracle(params, reg, last_only=True)[0],
             "That is the penalty of the last weight matrix alone: accumulate with loss += ..., not loss = ..."),
            (l2_oracle(params, reg, norm=True)[0],
             "That is 0.5 * reg * norm(W): the penalty uses the squared norm, sum(W**2).")]


def l2_grad_causes(params, reg, name):
    return [(l2_oracle(params, reg, grad_factor=2.0)[1][name],
             "That is 2 * reg * W: the 0.5 of the penalty cancels the 2 of the square, so the gradient is reg * W."),
            (l2_oracle(params, reg, biases=True)[1][name],
             "That is reg * b: the biases are not penalised, so their gradient is zeros.")]


def l2_result(day08, params, reg, context):
    """``(loss, grads)`` after checking that grads is a dict with exactly the keys of params."""
    loss, grads = day08.l2_penalty(params, reg)
    if not isinstance(grads, dict):
        fail(f"`l2_penalty` returned {describe_value(grads)} as grads{context}; return a dict keyed like params, "
             f"with one gradient per parameter.")
    missing = [name for name in params if name not in grads]
    if missing:
        biases = all(not name.startswith("W") for name in missing)
        why = (" The penalty does not depend on the biases, but they still need an entry: np.zeros(b.shape), so "
               "that a caller can add grads[name] for every parameter." if biases else "")
        fail(f"grads has no {', '.join(map(repr, missing))}{context}; it must have exactly the keys of params "
             f"({', '.join(params)}).{why}", names="cause" if biases else "mismatch")
    extra = [name for name in grads if name not in params]
    if extra:
        fail(f"grads has keys {', '.join(map(repr, extra))} that params does not{context}; key it like params.")
    return loss, grads


def expect_l2(day08, params, reg, context):
    loss, grads = l2_result(day08, params, reg, context)
    expected_loss, expected_grads = l2_oracle(params, reg)
    expect_scalar_naming("loss", loss, expected_loss, l2_loss_causes(params, reg), context=context, atol=LOSS_ATOL,
                         rtol=1e-12)
    for name in params:
        expect_array_naming(f"grads['{name}']", grads[name], expected_grads[name], l2_grad_causes(params, reg, name),
                            context=context)


def three_layers(seed=8):
    """Weights and biases of a three-layer net, non-square, listed in an unusual order."""
    gen = np.random.default_rng(seed)
    return {"b2": gen.standard_normal(4), "W1": gen.standard_normal((5, 3)), "W3": 2.0 * gen.standard_normal((4, 2)),
            "b1": gen.standard_normal(3), "W2": 0.5 * gen.standard_normal((3, 4)), "b3": gen.standard_normal(2)}


@exercise("day08.l2_penalty")
def test_l2_worked_example(day08):
    # sum(W1**2) = 1 + 4 + 0 + 9 = 14, sum(W2**2) = 4 + 1 = 5: loss = 0.5 * 0.5 * 19 = 4.75.
    params = {"W1": np.array([[1.0, -2.0], [0.0, 3.0]]), "b1": np.array([5.0, -5.0]),
              "W2": np.array([[2.0], [-1.0]]), "b2": np.array([7.0])}
    context = " for W1 = [[1, -2], [0, 3]], b1 = [5, -5], W2 = [[2], [-1]], b2 = [7] and reg = 0.5"
    expect_l2(day08, params, 0.5, context)


@exercise("day08.l2_penalty")
@pytest.mark.parametrize("reg", [0.1, 3.0])
def test_l2_three_layers(day08, reg):
    params = three_layers()
    context = f" for a three-layer net with {shapes(**params)[5:]} and reg = {reg}"
    expect_l2(day08, params, reg, context)


@exercise("day08.l2_penalty")
def test_l2_gradient_check(day08):
    params = three_layers(seed=18)
    reg = 0.7
    context = f"{shapes(**params)}, reg = {reg}"
    loss, grads = l2_result(day08, params, reg, context)
    if np.ndim(loss) != 0:
        fail(f"loss must be a single number but has shape {np.shape(loss)}{context}; return a float.")
    named = []
    for name in ("W1", "b1", "W2", "b2", "W3", "b3"):
        numerical = numerical_gradient_of(day08.l2_penalty, (params, reg), wrt=(0, name), output=0)
        named.append((f"grads['{name}']", grads[name], numerical))
    check_gradients(named, context=f" (against the numerical gradient of your loss{context})")


@exercise("day08.l2_penalty")
def test_l2_leaves_the_biases_alone(day08):
    params = three_layers(seed=28)
    small = {name: (value if name.startswith("W") else np.zeros_like(value)) for name, value in params.items()}
    huge = {name: (value if name.startswith("W") else np.full_like(value, -1e3)) for name, value in params.items()}
    loss_small, grads = l2_result(day08, small, 0.4, " for biases of 0")
    loss_huge, grads_huge = l2_result(day08, huge, 0.4, " for biases of -1000")
    if not same(loss_huge, loss_small):
        fail(f"the penalty is {float(loss_huge):.10g} with biases of -1000 but {float(loss_small):.10g} with biases "
             f"of 0 (same weights, reg = 0.4): it depends on the biases. Penalise only the weight matrices.",
             names="cause" if same(loss_huge, l2_oracle(huge, 0.4, biases=True)[0]) else "mismatch")
    for name, value in huge.items():
        if not name.startswith("W"):
            expect_array_naming(f"grads['{name}']", grads_huge[name], np.zeros(value.shape),
                                [(0.4 * value, "That is reg * b: a bias is not penalised, so its gradient is zeros.")],
                                context=" for biases of -1000 and reg = 0.4")


@exercise("day08.l2_penalty")
def test_l2_extreme_and_zero_weights(day08):
    params = {"W1": np.array([[1e100, -1e-200, 0.0], [0.0, 0.0, 0.0]]), "b1": np.zeros(3),
              "W2": np.array([[1e-5], [3e4], [-2.5]]), "b2": np.array([1e100])}
    context = (" for weights from 1e-200 to 1e100 with exact zeros (W1 (2, 3), W2 (3, 1)), a bias of 1e100 "
               "and reg = 1e-3")
    expect_l2(day08, params, 1e-3, context)
    zero = {"W1": np.zeros((3, 2)), "b1": np.ones(2)}
    expect_l2(day08, zero, 5.0, " for W1 = 0 (3, 2), b1 = [1, 1] and reg = 5")
    expect_l2(day08, three_layers(seed=38), 0.0, " for reg = 0 (no penalty at all)")


@exercise("day08.l2_penalty")
def test_l2_leaves_params_alone(day08):
    params = three_layers(seed=48)
    before = {name: value.copy() for name, value in params.items()}
    day08.l2_penalty(params, 1.0)
    for name in params:
        expect_unchanged(f"params['{name}']", before[name], params[name])


# == adamw =================================================================================================
ADAMW_DEFAULTS = {"learning_rate": 1e-3, "weight_decay": 1e-2, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
STATE = ("m", "v", "t")
MEANING = {"m": "running average of dw", "v": "running average of dw**2", "t": "number of steps taken"}


def adamw_oracle(w, dw, config, slip=None):
    """One AdamW step and the new state; ``slip`` plays a known mistake (see ADAMW_SLIPS)."""
    c = {**ADAMW_DEFAULTS, **({"weight_decay": 0.0} if slip == "default" and "weight_decay" not in config else {}),
         **config}
    lr, wd, beta1, beta2, eps = (c[k] for k in ("learning_rate", "weight_decay", "beta1", "beta2", "epsilon"))
    w, dw = np.asarray(w, dtype=float), np.asarray(dw, dtype=float)
    g = dw + wd * w if slip in ("l2", "twice") else dw
    t = c.get("t", 0) + 1
    m = beta1 * np.asarray(c.get("m", np.zeros_like(w))) + (1 - beta1) * g
    v = beta2 * np.asarray(c.get("v", np.zeros_like(w))) + (1 - beta2) * g**2
    if slip == "no_correction":
        step = m / (np.sqrt(v) + eps)
    elif slip == "eps_inside":
        step = m / (1 - beta1**t) / np.sqrt(v / (1 - beta2**t) + eps)
    else:
        step = m / (1 - beta1**t) / (np.sqrt(v / (1 - beta2**t)) + eps)
    decay = {"l2": 0.0, "none": 0.0, "dw": wd * dw, "sign": -wd * w}.get(slip, wd * w)
    if slip == "no_lr":
        next_w = w - lr * step - wd * w
    elif slip == "after":
        next_w = (w - lr * step) * (1 - lr * wd)
    else:
        next_w = w - lr * (step + decay)
    return next_w, {"m": m, "v": v, "t": t}


#: The known AdamW slips the oracle plays, and what to say when a learner's step is exactly one of them.
ADAMW_SLIPS = {
    "l2": "This is Adam + L2: weight_decay * w was added to the gradient before the moments, so it is divided by "
          "sqrt(v_hat) and vanishes where gradients are large. Feed the moments dw alone and add weight_decay * w "
          "outside: w - learning_rate * (m_hat / (sqrt(v_hat) + epsilon) + weight_decay * w).",
    "twice": "The decay was applied twice: added to the gradient fed to the moments and to the weights. The moments "
             "must see dw alone.",
    "none": "This is plain Adam: the weight decay is missing. Add learning_rate * weight_decay * w to the step.",
    "dw": "The decay term is weight_decay * dw: decay the weights, learning_rate * weight_decay * w.",
    "no_lr": "The decay removed weight_decay * w instead of learning_rate * weight_decay * w: the learning rate "
             "scales the decay too.",
    "after": "The decay was applied to the weights after the Adam step; decay the w you were given: w - "
             "learning_rate * (adam_step + weight_decay * w).",
    "sign": "The decay has the wrong sign, so the weights grow: subtract learning_rate * weight_decay * w.",
    "no_correction": "m and v were used without bias correction: divide m by 1 - beta1**t and v by 1 - beta2**t.",
    "eps_inside": "epsilon is inside the square root: add it outside, np.sqrt(v_hat) + epsilon.",
}


def adamw_causes(w, dw, config, slips=tuple(ADAMW_SLIPS)):
    return [(adamw_oracle(w, dw, config, slip)[0], ADAMW_SLIPS[slip]) for slip in slips]


def describe_config(config) -> str:
    parts = [f"{k} = {v:g}" if not isinstance(v, np.ndarray) else f"{k} {v.shape}" for k, v in config.items()]
    return "{" + ", ".join(parts) + "}" if parts else "{}"


def config_dict(config, context=""):
    if not isinstance(config, dict):
        fail(f"`adamw` returned {describe_value(config)} as its config{context}; return (next_w, config), the config "
             f"dict holding the hyperparameters and the state.")
    return config


def state_entry(config, key, context=""):
    config = config_dict(config, context)
    if key not in config:
        fail(f"the config `adamw` returned has no {key!r}{context}; store the {MEANING[key]} in config[{key!r}] so "
             f"the next call can continue from it.", names="cause")
    return config[key]


def expect_state(config, expected, context=""):
    for key in STATE:
        value = state_entry(config, key, context)
        if key == "t":
            expect_scalar("config['t']", value, expected["t"], atol=0, context=context)
        else:
            expect_array(f"config[{key!r}]", value, expected[key], context=context)


def prefilled(seed=8):
    """w (3, 4), gradients from 1e-6 to 1e3 in size, every hyperparameter non-default, a prefilled state."""
    gen = np.random.default_rng(seed)
    scale = 10.0 ** gen.uniform(-6, 3, (3, 4))
    w, dw = 3.0 * gen.standard_normal((3, 4)), scale * gen.standard_normal((3, 4))
    config = {"learning_rate": 0.02, "weight_decay": 0.25, "beta1": 0.8, "beta2": 0.95, "epsilon": 1e-6,
              "m": scale * gen.standard_normal((3, 4)), "v": (scale * gen.standard_normal((3, 4))) ** 2, "t": 4}
    return w, dw, config


def run_adamw_path(day08, w0, curvatures, config, num_steps):
    out = day08.probe(probes.adamw_path, w0, curvatures, config, num_steps)
    if "bad" in out:
        unpack(out["bad"], RETURNS["adamw"], f"`adamw` (call {out['step']} of a run of {num_steps})")
    return out["path"], out["config"]


def oracle_path(w0, curvatures, config, num_steps, slip=None):
    w, state, path = np.asarray(w0, dtype=float), {}, [np.asarray(w0, dtype=float)]
    hyper = {k: v for k, v in (config or {}).items() if k not in STATE}
    for _ in range(num_steps):
        w, state = adamw_oracle(w, curvatures * w, {**hyper, **state}, slip)
        path.append(w)
    return np.array(path), state


def expect_path(path, expected, context, causes=()):
    path = np.asarray(path, dtype=float)
    if close(path, expected):
        return
    sentence = the_one_matching(path, expected, causes)
    for step in range(1, len(expected)):
        if not close(path[step], expected[step]):
            try:
                expect_array("next_w", path[step], expected[step],
                             context=f" after step {step} of {len(expected) - 1}{context}")
            except pytest.fail.Exception as failure:
                if sentence:
                    fail(f"{failure.msg} {sentence}", names="cause")
                raise


@exercise("day08.adamw")
def test_adamw_on_prefilled_state(day08):
    w, dw, config = prefilled()
    expected_w, expected_state = adamw_oracle(w, dw, config)
    next_w, returned = day08.adamw(w, dw, dict(config))
    context = f" for w {w.shape}, gradients from 1e-6 to 1e3 and config {describe_config(config)}"
    expect_state(returned, expected_state, context)
    expect_array_naming("next_w", next_w, expected_w, adamw_causes(w, dw, config), context=context)


@exercise("day08.adamw")
def test_adamw_is_not_adam_plus_l2(day08):
    # Gradients of 1e3 dwarf weight_decay * w = 0.1 * w, and two coordinates have no gradient at all.
    # AdamW moves each by learning_rate * (+-1 + weight_decay * w): the decay is 0.01 * w whatever the gradient.
    # Adam + L2 divides the decay by sqrt(v_hat): about 1e-4 * 0.01 * w where |dw| = 1e3, and a full
    # learning_rate = 0.1 (instead of 0.01 * w) where dw = 0.
    w = np.array([3.0, -2.0, 0.5, -1.0, 2.0])
    dw = np.array([1e3, -1e3, 500.0, 0.0, 0.0])
    config = {"learning_rate": 0.1, "weight_decay": 0.1}
    expected_w, expected_state = adamw_oracle(w, dw, config)
    adam_l2, _ = adamw_oracle(w, dw, config, "l2")
    next_w, returned = day08.adamw(w.copy(), dw.copy(), dict(config))
    context = (" for the first step from zero state with learning_rate 0.1, weight_decay 0.1, w = [3, -2, 0.5, -1, 2] "
               "and dw = [1e3, -1e3, 500, 0, 0]")
    if same(next_w, adam_l2) and not same(adam_l2, expected_w):
        got = np.asarray(next_w, dtype=float)
        fail(f"your step is Adam + L2, not AdamW{context}: where dw = 0 it moved w = -1 to {got[3]:.6g} and 2 to "
             f"{got[4]:.6g} (a full learning_rate, since the decay alone filled sqrt(v_hat)), where AdamW decays them "
             f"to -0.99 and 1.98 (by learning_rate * weight_decay * w); where |dw| = 1e3 the decay was divided away. "
             f"{ADAMW_SLIPS['l2']}", names="cause")
    expect_state(returned, expected_state, context)
    expect_array_naming("next_w", next_w, expected_w, adamw_causes(w, dw, config), context=context)


@exercise("day08.adamw")
def test_adamw_trajectory(day08):
    w0 = np.array([[1.0, -1.0, 0.5], [2.0, -0.3, 1.5]])
    curvatures = np.array([[100.0, 1.0, 0.0], [10.0, 0.0, 1e-3]])  # two coordinates feel only the decay
    config = {"learning_rate": 0.05, "weight_decay": 0.2, "beta1": 0.7, "beta2": 0.9, "epsilon": 1e-7}
    path, final = run_adamw_path(day08, w0, curvatures, dict(config), 6)
    expected, state = oracle_path(w0, curvatures, config, 6)
    context = (f" on f(w) = 0.5 * sum(c * w**2) with curvatures c from 100 down to 0{shapes(w=w0)}, config "
               f"{describe_config(config)}, passing back the config each call returned")
    causes = [(oracle_path(w0, curvatures, config, 6, slip)[0], sentence) for slip, sentence in ADAMW_SLIPS.items()]
    expect_path(path, expected, context, causes)
    expect_state(final, state, " after 6 steps" + context)


@exercise("day08.adamw")
def test_adamw_missing_keys_get_defaults(day08):
    w0, curvatures = np.array([1.0, -0.5, 2.0]), np.array([10.0, 1e-6, 0.0])
    path, final = run_adamw_path(day08, w0, curvatures, None, 3)
    expected, state = oracle_path(w0, curvatures, {}, 3)
    defaults = describe_config(ADAMW_DEFAULTS)
    context = f" starting from config=None (so every key takes its default, {defaults})"
    default_slip = ("weight_decay defaults to 1e-2 (each step decays w by learning_rate * 0.01 * w), but yours did "
                    "not decay at all: config.setdefault('weight_decay', 1e-2).")
    expect_path(path, expected, context, [(oracle_path(w0, curvatures, {}, 3, "default")[0], default_slip)])
    expect_state(final, state, " after 3 steps" + context)
    w, dw, full = prefilled(seed=18)
    config = {"learning_rate": 0.1, **{k: full[k] for k in STATE}}
    expected_w, _ = adamw_oracle(w, dw, config)
    next_w, _ = day08.adamw(w, dw, dict(config))
    expect_array_naming("next_w", next_w, expected_w, [(adamw_oracle(w, dw, config, "default")[0], default_slip)],
                        context=f" for a config holding only learning_rate = 0.1 and the state (the rest default: "
                                f"{defaults})")


@exercise("day08.adamw")
def test_adamw_without_decay_is_adam(day08):
    w, dw, config = prefilled(seed=28)
    config = {**config, "weight_decay": 0.0}
    expected_w, expected_state = adamw_oracle(w, dw, config)
    next_w, returned = day08.adamw(w, dw, dict(config))
    context = f" for weight_decay = 0 (Adam exactly) and config {describe_config(config)}"
    expect_state(returned, expected_state, context)
    expect_array_naming("next_w", next_w, expected_w, adamw_causes(w, dw, config), context=context)


@exercise("day08.adamw")
def test_adamw_tiny_gradients_from_zero_state(day08):
    w = np.array([0.3, -0.2, 0.1, 0.5, -4e3])
    dw = np.array([1e-6, -1e-7, 1e-8, 0.0, -3e-9])
    config = {"weight_decay": 0.5}
    expected_w, expected_state = adamw_oracle(w, dw, config)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        next_w, returned = day08.adamw(w.copy(), dw.copy(), dict(config))
    context = " for the first step from zero state (config = {weight_decay: 0.5}), gradients [1e-6, -1e-7, 1e-8, 0, " \
              "-3e-9] and w up to -4e3"
    got = np.asarray(next_w, dtype=float)
    t = state_entry(returned, "t", context)
    if got.shape == w.shape and not np.all(np.isfinite(got)) and t == 1:
        fail(f"next_w contains {got[~np.isfinite(got)][0]}{context}: the bias correction divided by 1 - beta**0 = 0, "
             f"so t was used before it was incremented. Increment t first: the first step uses t = 1.", names="cause")
    expect_state(returned, expected_state, context)
    expect_array_naming("next_w", next_w, expected_w, adamw_causes(w, dw, config), context=context)


@exercise("day08.adamw")
def test_adamw_state_written_into_the_dict_passed_in(day08):
    w, dw, full = prefilled(seed=38)
    for label, config in (("an empty config {}", {}),
                          ("a config with learning_rate and a prefilled state",
                           {"learning_rate": 0.03, **{k: full[k] for k in STATE}})):
        _, expected = adamw_oracle(w, dw, config)
        out = day08.probe(probes.adamw_with_config, w, dw, config)
        _, returned = unpack(out["result"], RETURNS["adamw"], "`adamw`")
        context = f" when called with {label}"
        stored = {k: state_entry(returned, k, context) for k in STATE}
        passed = out["passed_after"]
        missing = [k for k in STATE
                   if not isinstance(passed, dict) or k not in passed or not close(passed[k], stored[k])]
        if missing:
            fail(f"the config `adamw` returned holds the new {', '.join(map(repr, missing))}, but the dict the caller "
                 f"passed in does not{context}: the state went into a new dict. The caller keeps its own dict and "
                 "passes it again, so write into config itself (no dict(config) copy, and no `config = config or {}`).",
                 names="cause")
        if not out["returned_is_passed"]:
            fail(f"`adamw` returned a different dict from the one passed in{context}; return config itself.",
                 names="cause")
        expect_state(returned, expected, context)


@exercise("day08.adamw")
def test_adamw_two_parameters_keep_separate_state(day08):
    w_a, w_b = np.array([1.0, -2.0, 0.5]), np.array([-3.0, 0.2, 4.0])
    dw_a, dw_b = np.array([0.4, -0.1, 2.0]), np.array([-2.0, 0.7, 1e-3])
    out = day08.probe(probes.adamw_two_parameters, w_a, w_b, dw_a, dw_b)
    if "bad" in out:
        unpack(out["bad"], RETURNS["adamw"], "`adamw`")
    context = " for two parameters each stepped once with config omitted (None)"
    if out["one_dict"]:
        fail(f"both parameters got the very same config dict back{context}: a default like `config={{}}` in the "
             f"signature is created once and shared by every call. Keep config=None and create a new dict inside.",
             names="cause")
    if not close(out["b after a"], out["b alone"]):
        fail(f"parameter b moved differently when parameter a had been stepped before it{context}: the rule keeps "
             f"state outside the config it was given. Keep all state in config.", names="cause")


@exercise("day08.adamw")
def test_adamw_leaves_inputs_alone(day08):
    w, dw, config = prefilled(seed=48)
    w_before, dw_before = w.copy(), dw.copy()
    day08.adamw(w, dw, config)
    expect_unchanged("w", w_before, w)
    expect_unchanged("dw", dw_before, dw)


# == EarlyStopping =========================================================================================
def epoch_params(epoch):
    """What the probes pass at ``epoch`` (tests/probes/day08_regularization.py: _epoch_params)."""
    return {"W1": np.full((2, 3), float(epoch)), "b1": np.full(3, -float(epoch)), "W2": np.full((3, 2), 10.0 * epoch)}


def after_training_on(params):
    """What the probe's caller does to its params once the loop ends: += 1000 in place, then new arrays - 5000."""
    return {name: value + 1000.0 - 5000.0 for name, value in params.items()}


class StopperOracle:
    """EarlyStopping as documented; ``slip`` plays one known mistake (see STOPPER_SLIPS)."""

    def __init__(self, patience, min_delta=0.0, mode="min", slip=None):
        self.patience, self.min_delta, self.mode, self.slip = patience, min_delta, mode, slip
        self.best = None if slip == "first_value_always_best" else (np.inf if mode == "min" else -np.inf)
        self.best_epoch, self.best_at, self.epoch, self.bad = None, None, 0, 0

    def improved(self, value):
        if self.best is None:
            return True
        delta = 0.0 if self.slip == "min_delta_ignored" else self.min_delta
        if self.mode == "min" or self.slip == "mode_ignored":
            return value <= self.best - delta if self.slip == "min_delta_inclusive" else value < self.best - delta
        if self.slip == "max_mode_min_delta_sign":
            return value > self.best - delta
        return value >= self.best + delta if self.slip == "min_delta_inclusive" else value > self.best + delta

    def step(self, value):
        with np.errstate(invalid="ignore"):
            better = bool(self.improved(value))
        if better:
            if self.slip != "best_metric_not_updated":
                self.best = value
            self.best_epoch = self.epoch + (1 if self.slip == "best_epoch_from_one" else 0)
            self.best_at = self.epoch
            self.bad = 0 if self.slip != "count_not_reset" else self.bad
        else:
            self.bad += 1
        if self.slip == "best_params_of_last_epoch":
            self.best_at = self.epoch
        if self.slip == "compared_with_last_epoch":
            self.best = value
        self.epoch += 1
        if self.slip == "stops_at_first_non_improvement":
            return not better
        return self.bad > self.patience if self.slip == "waits_one_epoch_too_many" else self.bad >= self.patience


def oracle_run(case, slip=None):
    """What :func:`probes.run_stopper` reports for ``case`` (its keyword arguments) when the stopper is right, or
    makes the mistake ``slip``."""
    updates = case.get("updates", "replace")
    stopper = StopperOracle(case["patience"], case.get("min_delta") or 0.0, case.get("mode") or "min", slip)
    out = {"stop": [], "best_epoch": [], "best_metric": [], "tag": [], "tag_later": []}
    holds_caller_arrays = slip == "best_params_aliased" or (slip == "best_params_shallow_copy" and updates == "inplace")
    for epoch, metric in enumerate(case["metrics"]):
        decision = stopper.step(metric)
        out["stop"].append(decision)
        out["best_epoch"].append(-1 if stopper.best_epoch is None else stopper.best_epoch)
        out["best_metric"].append(np.nan if stopper.best is None else stopper.best)
        held = np.nan if stopper.best_at is None else float(stopper.best_at)
        out["tag"].append(float(epoch) if holds_caller_arrays and stopper.best_at is not None else held)
        out["tag_later"].append(float(epoch + 1) if holds_caller_arrays and stopper.best_at is not None else held)
        if case.get("until_stop", True) and decision:
            break
    last = len(out["stop"])  # the caller's params now hold epoch `last`'s values
    if stopper.best_at is None:
        final = None
    elif slip == "best_params_aliased":
        final = after_training_on(epoch_params(last))
    elif holds_caller_arrays:
        final = {name: value + 1000.0 for name, value in epoch_params(last).items()}
    else:
        final = epoch_params(stopper.best_at)
    for key in ("best_epoch", "best_metric", "tag", "tag_later"):
        out[key] = np.array(out[key], dtype=float)
    out["final_best_params"] = final
    return out


#: The known early-stopping slips the oracle plays, and what to say when a learner's run is exactly one of them.
STOPPER_SLIPS = {
    "stops_at_first_non_improvement":
        "Your step returned True at the first epoch without improvement: patience p means stopping at the p-th "
        "consecutive epoch without improvement. Count them, and return count >= patience.",
    "waits_one_epoch_too_many":
        "Your step stopped one epoch late: the p-th consecutive epoch without improvement stops training (count >= "
        "patience, not count > patience).",
    "count_not_reset":
        "Your count of epochs without improvement is not reset when the metric improves, so it counts all bad "
        "epochs instead of consecutive ones: set it back to 0 on every improvement.",
    "best_params_aliased":
        "Your best_params is the caller's own params dict: when the caller put new arrays into its params after the "
        "step, your best parameters changed with them. Store copies: {name: value.copy() for name, value in "
        "params.items()}.",
    "best_params_shallow_copy":
        "Your best_params is a new dict holding the caller's own arrays (dict(params)): when the caller updated those "
        "arrays in place, your best parameters changed with them. Copy every array: {name: value.copy() ...}.",
    "best_params_of_last_epoch":
        "Your best_params holds the params of the last epoch stepped, not those of the best epoch, so restoring it "
        "restores nothing: copy params only when the metric improves.",
    "min_delta_inclusive":
        "A value better than the best by exactly min_delta (with min_delta 0: an equal value) counted as an "
        "improvement; it must be better by strictly more (val_metric < best - min_delta in mode 'min', "
        "> best + min_delta in mode 'max').",
    "min_delta_ignored":
        "Your min_delta is ignored: any better value counted as an improvement, where it must be better by more than "
        "min_delta.",
    "max_mode_min_delta_sign":
        "In mode 'max' your test is val_metric > best - min_delta, so a value slightly worse than the best counts as "
        "an improvement: use val_metric > best + min_delta.",
    "mode_ignored":
        "Your mode is ignored: lower was taken as better even with mode 'max', so a rising accuracy never improves. In "
        "mode 'max' an improvement is val_metric > best + min_delta.",
    "best_epoch_from_one":
        "Your best_epoch counts epochs from 1, but the first call of step is epoch 0 (so that "
        "history[best_epoch] is the best value).",
    "best_metric_not_updated":
        "Your best value is not updated on an improvement, so every value is compared with the starting one: set "
        "best_metric = val_metric when the metric improves.",
    "compared_with_last_epoch":
        "Each value was compared with the previous epoch's value rather than with the best so far: keep the best "
        "value and update it only on an improvement.",
    "first_value_always_best":
        "The first value became the best even though it was NaN, so nothing could improve on it afterwards: start "
        "best_metric at inf (mode 'min') or -inf (mode 'max'); every comparison with NaN is False, so a NaN then "
        "never becomes the best.",
}


def runs_match(got, expected) -> bool:
    if [bool(d) if isinstance(d, (bool, np.bool_)) else d for d in got["stop"]] != list(expected["stop"]):
        return False
    for key in ("best_epoch", "best_metric", "tag", "tag_later"):
        if not close(got[key], expected[key]):
            return False
    a, b = got["final_best_params"], expected["final_best_params"]
    if a is None or b is None:
        return a is None and b is None
    return isinstance(a, dict) and a.keys() == b.keys() and all(close(a[k], b[k]) for k in b)


def stopper_cause(got, case):
    """The sentence of the only slip whose whole run the learner's run reproduces, or None."""
    expected = oracle_run(case)
    hits = [STOPPER_SLIPS[slip] for slip in STOPPER_SLIPS
            if not runs_match(oracle_run(case, slip), expected) and runs_match(got, oracle_run(case, slip))]
    return hits[0] if len(hits) == 1 else None


def describe_case(case) -> str:
    args = [f"patience={case['patience']}"]
    if case.get("min_delta") is not None:
        args.append(f"min_delta={case['min_delta']:g}")
    if case.get("mode") is not None:
        args.append(f"mode={case['mode']!r}")
    return f" for EarlyStopping({', '.join(args)}) stepped with the metrics {listing(case['metrics'])}"


def first_true(decisions):
    return next((k for k, d in enumerate(decisions) if d), None)


def expect_stopper_run(day08, case):
    """Step the learner's stopper through ``case`` and compare everything it answered and kept with the oracle."""
    out = day08.probe(probes.run_stopper, **case)
    expected = oracle_run(case)
    context = describe_case(case)
    if "missing" in out:
        fail(f"after its first step your EarlyStopping has no attribute {', '.join(out['missing'])}{context}; keep "
             f"the best value in self.best_metric, its epoch (from 0) in self.best_epoch and copies of its params in "
             f"self.best_params.", names="cause")
    updates = case.get("updates", "replace")
    for epoch, decision in enumerate(out["stop"]):
        if not isinstance(decision, (bool, np.bool_)):
            fail(f"step returned {describe_value(decision)} at epoch {epoch}{context}; it must return True (stop) or "
                 f"False (go on).")
    if runs_match(out, expected):
        return
    cause = stopper_cause(out, case)

    def sentence(text):
        fail(f"{text}{context}." + (f" {cause}" if cause else ""), names="cause" if cause else "mismatch")

    got_stop, want_stop = first_true(out["stop"]), first_true(expected["stop"])
    if got_stop != want_stop:
        want = (f"should first return True at epoch {want_stop} (epochs count from 0)" if want_stop is not None
                else f"should return False at all {len(expected['stop'])} epochs")
        got = f"returned True at epoch {got_stop}" if got_stop is not None else "never returned True"
        sentence(f"step {want}, but yours {got}")
    for epoch, (got, want) in enumerate(zip(out["stop"], expected["stop"])):
        if bool(got) != want:
            sentence(f"after stopping at epoch {want_stop}, your step returned {bool(got)} at epoch {epoch} though "
                     f"the metric had still not improved; it must keep returning True until an improvement resets the "
                     f"count")
    for key, what in (("best_epoch", "best_epoch"), ("best_metric", "best_metric")):
        for epoch, (got, want) in enumerate(zip(out[key], expected[key])):
            if not close(got, want):
                shown = (lambda v: "None" if v == -1 else f"{v:g}") if key == "best_epoch" else (lambda v: f"{v:g}")
                sentence(f"after the step of epoch {epoch}, {what} is {shown(got)} but should be {shown(want)}")
    update = "new arrays put into its params dict" if updates == "replace" else "its arrays overwritten in place"
    for key, when in (("tag", "right after the step of epoch {epoch}"),
                      ("tag_later", "after the step of epoch {epoch} and the caller's next update (" + update + ")")):
        for epoch, (got, want) in enumerate(zip(out[key], expected[key])):
            if not close(got, want):
                held = "None" if np.isnan(got) else f"the values of epoch {got:g}"
                should = "None" if np.isnan(want) else f"the params of epoch {want:g}"
                sentence(f"{when.format(epoch=epoch)}, best_params held {held}, but it should hold {should}")
    final, want = out["final_best_params"], expected["final_best_params"]
    if want is None or final is None:
        sentence(f"at the end best_params is {describe_value(final)} but should be "
                 f"{'None' if want is None else 'the params of the best epoch'}")
    if not isinstance(final, dict) or final.keys() != want.keys():
        sentence(f"at the end best_params is {describe_value(final)}; it should be a dict with the keys of params "
                 f"({', '.join(want)})")
    for name in want:
        if not close(final[name], want[name]):
            sentence(f"once training went on after the last step (the caller changed its arrays in place and "
                     f"replaced them), best_params['{name}'] holds {np.asarray(final[name]).flat[0]:g} everywhere "
                     f"but should still hold the best epoch's {want[name].flat[0]:g}")


@exercise("day08.EarlyStopping")
@pytest.mark.parametrize("patience", [1, 3, 5])
def test_stopper_waits_patience_epochs(day08, patience):
    # The best at epoch 1, then no improvement; the loop goes on one epoch after the first True.
    metrics = [4.0, 3.0] + [3.0 + 0.125 * k for k in range(patience + 2)]
    expect_stopper_run(day08, {"patience": patience, "metrics": metrics, "until_stop": False})


@exercise("day08.EarlyStopping")
def test_stopper_count_resets_on_improvement(day08):
    expect_stopper_run(day08, {"patience": 3, "metrics": [4.0, 3.5, 3.75, 3.0, 3.25, 3.5, 3.125, 3.375]})


@exercise("day08.EarlyStopping")
def test_stopper_min_delta_is_strict(day08):
    # Improvements must beat the best by more than 0.25: 1.75 is exactly 0.25 below 2.0, 1.25 exactly below 1.5.
    expect_stopper_run(day08, {"patience": 2, "min_delta": 0.25, "metrics": [2.0, 1.75, 1.5, 1.375, 1.25, 1.0]})


@exercise("day08.EarlyStopping")
def test_stopper_default_min_delta(day08):
    # min_delta defaults to 0: an equal value is no improvement, a value smaller by 2**-40 is one.
    tiny = 1.0 - 2.0**-40
    expect_stopper_run(day08, {"patience": 2, "metrics": [1.0, 1.0, tiny, tiny, tiny, 0.5]})


@exercise("day08.EarlyStopping")
def test_stopper_mode_max(day08):
    expect_stopper_run(day08, {"patience": 2, "mode": "max",
                               "metrics": [0.5, 0.625, 0.625, 0.75, 0.6875, 0.875, 0.75, 0.5]})


@exercise("day08.EarlyStopping")
def test_stopper_mode_max_with_min_delta(day08):
    expect_stopper_run(day08, {"patience": 3, "mode": "max", "min_delta": 0.125,
                               "metrics": [0.25, 0.375, 0.5, 0.5625, 0.75, 0.6875, 0.625, 0.5, 0.25]})


@exercise("day08.EarlyStopping")
@pytest.mark.parametrize("updates", ["replace", "inplace"])
def test_stopper_keeps_copies_of_the_best_params(day08, updates):
    # The caller moves its params on after every step, with new arrays or in place: best_params must not follow.
    expect_stopper_run(day08, {"patience": 3, "metrics": [3.0, 2.0, 1.0, 1.5, 2.0, 2.5], "updates": updates})


@exercise("day08.EarlyStopping")
def test_stopper_keeps_the_best_epoch_not_the_last(day08):
    expect_stopper_run(day08, {"patience": 4, "mode": "max", "updates": "inplace",
                               "metrics": [0.25, 0.5, 0.375, 0.5, 0.4375, 0.625, 0.625, 0.5, 0.5]})


@exercise("day08.EarlyStopping")
def test_stopper_nan_and_inf_never_improve(day08):
    # A NaN first epoch (a diverged network) must not become the best; neither NaN nor inf ever improves.
    expect_stopper_run(day08, {"patience": 3, "metrics": [np.nan, 2.0, 1.0, np.nan, np.inf, 1.0, 0.5]})
    expect_stopper_run(day08, {"patience": 2, "mode": "max", "metrics": [np.nan, -np.inf, 0.5, np.nan, 0.5, 1e300]})


@exercise("day08.EarlyStopping")
def test_stopper_state_before_the_first_step(day08):
    out = day08.probe(probes.fresh_stopper, 3, 0.5, "max")
    for key in ("best_epoch", "best_params"):
        if out[key] is not None:
            fail(f"a new EarlyStopping(3, min_delta=0.5, mode='max') has {key} = {describe_value(out[key])}; before "
                 f"the first step there is no best epoch, so it must be None.")
    types = day08.probe(probes.stopper_types, 2, [1.0, 0.5, 0.75])
    if not types["best_epoch is an int"]:
        fail(f"after three steps best_epoch is a {types['best_epoch']}; it must be an int, the epoch counted from 0.")
    if types["best_params"] != "dict":
        fail(f"after three steps best_params is a {types['best_params']}; it must be a dict keyed like params.")


@exercise("day08.EarlyStopping")
def test_stopper_rejects_an_unknown_mode(day08):
    if not day08.probe(probes.bad_mode, "maximum"):
        fail("EarlyStopping(3, mode='maximum') was accepted; raise ValueError for any mode other than 'min' or 'max', "
             "so that a typo cannot silently turn an accuracy into a loss.")


@exercise("day08.EarlyStopping")
def test_stopper_restores_the_best_model(day08):
    # Over-parametrised least squares (24 weights, 20 noisy examples): gradient descent first fits the signal,
    # then the noise, so the validation loss falls and then rises again. The loop updates params in place.
    gen = np.random.default_rng(8)
    w_true = gen.standard_normal(24) / np.sqrt(24)
    X = gen.standard_normal((20, 24))
    y = X @ w_true + 0.5 * gen.standard_normal(20)
    X_val = gen.standard_normal((200, 24))
    y_val = X_val @ w_true + 0.5 * gen.standard_normal(200)
    patience = 10
    out = day08.probe(probes.train_with_early_stopping, X, y, X_val, y_val, 0.05, 400, patience, 3)
    history = np.asarray(out["history"], dtype=float)
    best = int(np.argmin(history))
    context = (f" in a gradient-descent loop on least squares (X {X.shape}, patience {patience}) that updates its "
               f"params in place and stops when step says so")
    if out["stopped"] != best + patience:
        fail(f"training stopped after epoch {out['stopped']}, but the lowest validation loss came at epoch {best}, so "
             f"it should have stopped after epoch {best + patience}{context}.")
    if out["best_epoch"] != best:
        fail(f"best_epoch is {out['best_epoch']} but the lowest validation loss came at epoch {best}{context}.")
    expect_scalar("best_metric", out["best_metric"], float(history[best]), atol=0, rtol=1e-12, context=context)
    expect_scalar("the validation loss after restoring best_params into the model", out["restored"],
                  float(history[best]), atol=0, rtol=1e-12,
                  context=f"{context} (the last epoch's was {out['final']:.10g})")
