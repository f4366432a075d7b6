"""Checks for Day 11: Xavier and He initialisation, activation statistics, gradient norms per layer, and
the diagnosis of the gradient flow.

The initialisations are checked twice: by their statistics on large, strongly non-square matrices
(784 x 100 and 100 x 784, so that fan_in and fan_out cannot be swapped unseen), with tolerances of
five standard errors of the sampling, then value for value against the draw their docstring
documents. ``activation_stats`` runs through 10-layer ReLU stacks built here (He, 0.01 * randn,
randn) and is compared with the judge's own forward pass. ``gradient_norms`` gets the suite's own
network (``probes.DeepNet``, run here too for the trusted values), so it never depends on the
learner's Day 4. ``diagnose_gradient_flow`` meets crafted lists, the exact thresholds, zeros and
NaN, and the norms of real networks.

A failure names its cause (``fail(..., names="cause")``) only when the learner's values are what
exactly one known slip gives; otherwise it states the mismatch.
"""
import math

import numpy as np
import pytest

from grader.judge import describe_frames, describe_value
from grader.sandbox.client import LearnerRaised

from ..probes import day11_initialization as probes
from .expect import expect_unchanged, fail, same, the_one_matching

exercise = pytest.mark.exercise

#: Every function returns one value (an array, a list, or a string), never a tuple to unpack.
RETURNS = {"xavier_init": "W", "he_init": "W", "activation_stats": "stats", "gradient_norms": "norms",
           "diagnose_gradient_flow": "verdict"}

#: The documented bounds of diagnose_gradient_flow (solutions/day11_initialization.py).
EXPLODING_NORM, VANISHING_NORM, FLOW_RATIO = 1e3, 1e-6, 1e2
VERDICTS = ("vanishing", "exploding", "healthy")
#: A statistic of random draws is accepted within this many standard errors of its expected value.
SAMPLING_Z = 5.0
#: Values computed the documented way agree to rounding (uniform draws may be scaled in another order).
DRAW_RTOL, DRAW_ATOL = 1e-9, 1e-12
#: The share of draws within one standard deviation of 0: normal, and uniform (1 / sqrt(3)).
WITHIN_ONE_STD = {"normal": math.erf(1 / math.sqrt(2)), "uniform": 1 / math.sqrt(3)}
#: Floating-point trouble in the learner's code: a warning is an error in the worker, Python floats raise.
FLOAT_TROUBLE = ("RuntimeWarning", "FloatingPointError", "ZeroDivisionError", "OverflowError")


def _names(*names):
    return [pytest.param(n, marks=exercise(f"day11.{n}"), id=n) for n in names]


INITS = _names("xavier_init", "he_init")


# -- the initialisations: what they should draw ----------------------------------------------------
def right_std(name, fan_in, fan_out):
    return math.sqrt(2.0 / (fan_in + fan_out)) if name == "xavier_init" else math.sqrt(2.0 / fan_in)


FORMULAS = {"xavier_init": ("sqrt(2 / (fan_in + fan_out))", "sqrt(6 / (fan_in + fan_out))"),
            "he_init": ("sqrt(2 / fan_in)", "sqrt(6 / fan_in)")}


def call_text(name, fan_in, fan_out, distribution=None, rng="rng"):
    extra = "" if distribution is None else f", distribution={distribution!r}"
    return f"`{name}({fan_in}, {fan_out}, {rng}{extra})`"


def scale_slips(name, fan_in, fan_out, distribution):
    """``(std of the values, sentence)`` of each known slip in the scale, for ``distribution``."""
    fi, fo = float(fan_in), float(fan_out)
    if name == "he_init":
        normal = [(math.sqrt(2 / fo), "It uses fan_out; He's variance 2 / fan_in counts the fan_in inputs each unit "
                                      "adds up (fan_out only sets the shape)."),
                  (2 / fi, "The weights are scaled by the variance 2 / fan_in instead of the standard deviation "
                           "sqrt(2 / fan_in): take the square root."),
                  (math.sqrt(1 / fi), "It lacks He's factor 2 (std sqrt(1 / fan_in)): a ReLU zeroes half of its "
                                      "inputs, and the 2 makes up for it."),
                  (math.sqrt(2 / (fi + fo)), "That is Xavier's std sqrt(2 / (fan_in + fan_out)); He uses fan_in only.")]
        uniform = [(math.sqrt(2 / fi) / math.sqrt(3), "The limit is the normal std sqrt(2 / fan_in), but a uniform on "
                                                      "[-a, a] has std a / sqrt(3): the limit is sqrt(6 / fan_in)."),
                   (math.sqrt(2 / fo), "It uses fan_out: the limit is sqrt(6 / fan_in)."),
                   (6 / fi / math.sqrt(3), "The limit lacks its square root: use sqrt(6 / fan_in)."),
                   (math.sqrt(1 / fi), "It lacks He's factor 2: the limit is sqrt(6 / fan_in), not sqrt(3 / fan_in)."),
                   (math.sqrt(2 / (fi + fo)), "That is Xavier's limit sqrt(6 / (fan_in + fan_out)); He uses fan_in "
                                              "only.")]
    else:
        normal = [(math.sqrt(1 / fi), "It uses fan_in only (std sqrt(1 / fan_in)); Xavier averages the forward and "
                                      "backward needs: sqrt(2 / (fan_in + fan_out))."),
                  (math.sqrt(2 / fi), "That is He's std sqrt(2 / fan_in); Xavier uses both fans: "
                                      "sqrt(2 / (fan_in + fan_out))."),
                  (math.sqrt(1 / fo), "It uses fan_out only; Xavier uses both fans: sqrt(2 / (fan_in + fan_out))."),
                  (2 / (fi + fo), "The weights are scaled by the variance 2 / (fan_in + fan_out) instead of its "
                                  "square root."),
                  (math.sqrt(1 / (fi + fo)), "It lacks the factor 2: std = sqrt(2 / (fan_in + fan_out)).")]
        uniform = [(math.sqrt(2 / (fi + fo)) / math.sqrt(3),
                    "The limit is the normal std sqrt(2 / (fan_in + fan_out)), but a uniform on [-a, a] has std "
                    "a / sqrt(3): the limit is sqrt(6 / (fan_in + fan_out))."),
                   (math.sqrt(1 / fi), "It uses fan_in only (limit sqrt(3 / fan_in)); Xavier's limit is "
                                       "sqrt(6 / (fan_in + fan_out))."),
                   (math.sqrt(2 / fi), "That is He's limit sqrt(6 / fan_in); Xavier's is "
                                       "sqrt(6 / (fan_in + fan_out))."),
                   (6 / (fi + fo) / math.sqrt(3), "The limit lacks its square root: sqrt(6 / (fan_in + fan_out)).")]
    return normal if distribution == "normal" else uniform


def as_matrix(W, call, fan_in, fan_out):
    """W as a float array of shape (fan_in, fan_out), or a sentence saying what came back instead."""
    if not isinstance(W, np.ndarray):
        fail(f"{call} returned {describe_value(W)}; it must return a NumPy array of shape (fan_in, fan_out) = "
             f"({fan_in}, {fan_out}).")
    if W.shape != (fan_in, fan_out):
        if W.shape == (fan_out, fan_in):
            fail(f"{call} returned shape {W.shape}, that is (fan_out, fan_in); W must be (fan_in, fan_out) = "
                 f"({fan_in}, {fan_out}), since it is used as x @ W with x of shape (N, fan_in).", names="cause")
        fail(f"{call} returned shape {W.shape}; it must be (fan_in, fan_out) = ({fan_in}, {fan_out}).")
    if W.dtype != np.float64:
        fail(f"{call} returned an array of dtype {W.dtype}; the weights must be float64, the dtype rng draws by "
             f"default (a caller that wants float32 converts them).")
    return W


def expect_not_constant(W, call):
    if W.size > 1 and np.all(W == W.flat[0]):
        value = float(W.flat[0])
        what = "0" if value == 0 else f"the same value {value:.6g}"
        zero_scale = (", with a scale that is not 0 (an integer division such as 2 // fan_in is 0 once fan_in > 2)"
                      if value == 0 else "")
        fail(f"{call} returned a W whose {W.size} entries all equal {what}: with equal weights every unit of a layer "
             f"computes the same output and receives the same gradient, so the units stay identical for ever"
             f"{' (and a zero matrix passes no gradient back at all)' if value == 0 else ''}. Draw random weights "
             f"from rng{zero_scale}.", names="cause")


# -- xavier_init and he_init -------------------------------------------------------------------------
@pytest.mark.parametrize("name", INITS)
@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_init_shape(day11, name, distribution):
    init = getattr(day11, name)
    for seed, (fan_in, fan_out) in enumerate(((784, 100), (100, 784), (1, 1), (3, 5))):
        call = call_text(name, fan_in, fan_out, distribution)
        as_matrix(init(fan_in, fan_out, np.random.default_rng(seed), distribution=distribution), call, fan_in, fan_out)


@pytest.mark.parametrize("name", INITS)
@pytest.mark.parametrize("distribution", ["normal", "uniform"])
@pytest.mark.parametrize("fan_in, fan_out", [(784, 100), (100, 784)], ids=["784x100", "100x784"])
def test_init_statistics(day11, name, distribution, fan_in, fan_out):
    call = call_text(name, fan_in, fan_out, distribution)
    W = as_matrix(getattr(day11, name)(fan_in, fan_out, np.random.default_rng(fan_in + 7 * fan_out),
                                       distribution=distribution), call, fan_in, fan_out)
    expect_not_constant(W, call)
    n, std = W.size, right_std(name, fan_in, fan_out)
    std_formula, limit_formula = FORMULAS[name]
    # the sample std's relative standard error: 1 / sqrt(2n) for normal draws, sqrt(0.2 / n) for uniform ones
    rel_error = 1 / math.sqrt(2 * n) if distribution == "normal" else math.sqrt(0.2 / n)
    std_tol, mean_tol = SAMPLING_Z * rel_error * std, SAMPLING_Z * std / math.sqrt(n)
    mean, got_std = float(np.mean(W)), float(np.std(W))
    where = f" ({n} draws, tolerance {{tol:.2g}} from the sampling error)"
    if abs(mean) > mean_tol:
        fail(f"the mean of {call} is {mean:.4g} but should be 0{where.format(tol=mean_tol)}; draw zero-mean weights.")
    expected_text = (f"{std:.4g} = {std_formula}" if distribution == "normal" else
                     f"{std:.4g} = limit / sqrt(3) with limit = {limit_formula} = {math.sqrt(3) * std:.4g}")
    if abs(got_std - std) > std_tol:
        head = (f"the std of {call} is {got_std:.4g} but should be {expected_text}"
                f"{where.format(tol=std_tol)}.")
        hits = [sentence for value, sentence in scale_slips(name, fan_in, fan_out, distribution)
                if abs(got_std - value) <= SAMPLING_Z * rel_error * value]
        if len(hits) == 1:
            fail(f"{head} {hits[0]}", names="cause")
        fail(head)
    within = float(np.mean(np.abs(W) < std))
    share_tol = SAMPLING_Z * math.sqrt(0.25 / n)
    other = "uniform" if distribution == "normal" else "normal"
    if abs(within - WITHIN_ONE_STD[distribution]) > share_tol:
        head = (f"{within:.1%} of the entries of {call} lie within one std ({std:.4g}) of 0, where "
                f"{distribution} draws have {WITHIN_ONE_STD[distribution]:.1%}")
        if abs(within - WITHIN_ONE_STD[other]) <= share_tol:
            fix = ("rng.uniform(-limit, limit, (fan_in, fan_out))" if distribution == "uniform"
                   else "rng.standard_normal((fan_in, fan_out)) * std")
            fail(f"{head}: that is the share of {other} draws ({WITHIN_ONE_STD[other]:.1%}), so "
                 f"distribution={distribution!r} gave {other} values. Draw {fix}.", names="cause")
        fail(f"{head}.")
    if distribution == "uniform":
        limit = math.sqrt(3) * std
        biggest = float(np.max(np.abs(W)))
        if biggest > limit * (1 + 1e-12):
            fail(f"{call} has an entry of size {biggest:.4g}, beyond the limit {limit:.4g} = {limit_formula}; "
                 f"uniform draws stay within [-limit, limit].")


def documented_draw(name, fan_in, fan_out, distribution, seed):
    gen = np.random.default_rng(seed)
    std = right_std(name, fan_in, fan_out)
    if distribution == "normal":
        return gen.standard_normal((fan_in, fan_out)) * std
    return gen.uniform(-math.sqrt(3) * std, math.sqrt(3) * std, (fan_in, fan_out))


def draw_slips(name, fan_in, fan_out, distribution, seed):
    """``(values, sentence)`` of the slips that keep the shape, drawn from the same seed."""
    std = right_std(name, fan_in, fan_out)
    slips = []
    for wrong_std, sentence in scale_slips(name, fan_in, fan_out, distribution):
        if distribution == "normal":
            slips.append((np.random.default_rng(seed).standard_normal((fan_in, fan_out)) * wrong_std, sentence))
        else:
            limit = math.sqrt(3) * wrong_std
            slips.append((np.random.default_rng(seed).uniform(-limit, limit, (fan_in, fan_out)), sentence))
    flipped = np.random.default_rng(seed)
    if distribution == "normal":
        slips.append((flipped.standard_normal((fan_out, fan_in)).T * std,
                      "It drew a (fan_out, fan_in) array and transposed it; draw the shape (fan_in, fan_out) itself, "
                      "so that a seed gives the documented matrix."))
    else:
        limit = math.sqrt(3) * std
        slips.append((flipped.uniform(-limit, limit, (fan_out, fan_in)).T,
                      "It drew a (fan_out, fan_in) array and transposed it; draw the shape (fan_in, fan_out) itself, "
                      "so that a seed gives the documented matrix."))
        slips.append((np.random.default_rng(seed).standard_normal((fan_in, fan_out)) * std,
                      "These are normal draws: distribution='uniform' must draw rng.uniform(-limit, limit, "
                      "(fan_in, fan_out))."))
    return slips


@pytest.mark.parametrize("name", INITS)
@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_init_is_the_documented_draw(day11, name, distribution):
    # From a single weight (where 2 // fan_in would still look right) to a 5000 x 2 matrix.
    draw = ("rng.standard_normal((fan_in, fan_out)) * std" if distribution == "normal"
            else "rng.uniform(-limit, limit, (fan_in, fan_out))")
    for seed, (fan_in, fan_out) in enumerate(((1, 1), (2, 3), (30, 20), (20, 30), (5000, 2)), start=40):
        call = call_text(name, fan_in, fan_out, distribution, rng=f"default_rng({seed})")
        W = as_matrix(getattr(day11, name)(fan_in, fan_out, np.random.default_rng(seed), distribution=distribution),
                      call, fan_in, fan_out)
        expected = documented_draw(name, fan_in, fan_out, distribution, seed)
        if same(W, expected, rtol=DRAW_RTOL, atol=DRAW_ATOL):
            continue
        wrong = np.abs(W - expected) > DRAW_ATOL + DRAW_RTOL * np.abs(expected)
        idx = tuple(int(i) for i in np.argwhere(wrong)[0])
        head = (f"{call} differs from the documented draw {draw} at index {idx}: yours is {W[idx]:.8g}, expected "
                f"{expected[idx]:.8g} ({int(wrong.sum())} of {W.size} entries differ).")
        cause = the_one_matching(W, expected, draw_slips(name, fan_in, fan_out, distribution, seed),
                                 rtol=DRAW_RTOL, atol=DRAW_ATOL)
        if cause:
            fail(f"{head} {cause}", names="cause")
        fail(f"{head} Draw exactly that, in one call to rng, so that a seed reproduces the same network.")


@pytest.mark.parametrize("name", INITS)
@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_init_draws_from_rng(day11, name, distribution):
    init = getattr(day11, name)
    call = call_text(name, 5, 4, distribution)
    first = as_matrix(init(5, 4, np.random.default_rng(3), distribution=distribution), call, 5, 4)
    again = as_matrix(init(5, 4, np.random.default_rng(3), distribution=distribution), call, 5, 4)
    other = as_matrix(init(5, 4, np.random.default_rng(4), distribution=distribution), call, 5, 4)
    if not np.array_equal(first, again):
        fail(f"two calls {call} with generators seeded alike (default_rng(3)) gave different weights; draw from the "
             f"rng argument only, so that a seed reproduces a network.")
    if np.array_equal(first, other):
        fail(f"{call} gave the same weights for default_rng(3) and default_rng(4): the rng argument is ignored (a "
             f"generator created inside the function?). Draw from rng.", names="cause")
    if distribution == "normal":
        default = init(5, 4, np.random.default_rng(3))
        if not same(default, first, rtol=0.0, atol=0.0):
            fail(f"`{name}(5, 4, rng)` without a distribution differs from {call} with the same seed; the default "
                 f"distribution is 'normal'.")
    rng = np.random.default_rng(5)
    init(5, 4, rng, distribution=distribution)  # the judge's rng advances as if the call had been local
    reference = np.random.default_rng(5)
    if distribution == "normal":
        reference.standard_normal((5, 4))
    else:
        reference.uniform(-1.0, 1.0, (5, 4))
    if rng.random() != reference.random():
        fail(f"after {call} the generator is not where one draw of a (5, 4) array leaves it; draw W in exactly one "
             f"call to rng (nothing more), as the docstring says.")


@pytest.mark.parametrize("name", INITS)
def test_init_rejects_an_unknown_distribution(day11, name):
    call = call_text(name, 3, 3, "gaussian")
    try:
        W = getattr(day11, name)(3, 3, np.random.default_rng(0), distribution="gaussian")
    except LearnerRaised as exc:
        if exc.type_name == "ValueError":
            return
        if exc.type_name == "NotImplementedError":
            raise
        fail(f"{call} raised {exc.type_name}; an unknown distribution must raise ValueError (naming 'normal' and "
             f"'uniform').")
    fail(f"{call} returned {describe_value(W)} instead of raising ValueError: a typo in the distribution must not "
         f"silently give some other initialisation. Accept 'normal' and 'uniform' only.")


# -- activation_stats --------------------------------------------------------------------------------
def forward_stats(X, layers, activation, *, before=False, last_linear=False, chained=True):
    """The judge's own statistics (and, with the flags, those of known slips): an (L, 2) array."""
    rows, hidden = [], X
    for k, (W, b) in enumerate(layers):
        z = (hidden if chained else X) @ W + b
        hidden = z if last_linear and k == len(layers) - 1 else activation(z)
        seen = z if before else hidden
        rows.append((np.mean(seen), np.std(seen)))
    return np.array(rows)


def stats_slips(X, layers, activation):
    """``(stats, sentence)`` of the known slips of activation_stats."""
    right = forward_stats(X, layers, activation)
    hidden_layers, per_unit, sample = [], [], []
    hidden = X
    for W, b in layers:
        hidden = activation(hidden @ W + b)
        per_unit.append((np.mean(hidden), np.mean(np.std(hidden, axis=0))))
        sample.append((np.mean(hidden), np.std(hidden, ddof=1)))
        hidden_layers.append(hidden)
    slips = [(forward_stats(X, layers, activation, before=True),
              "These are the statistics of the pre-activations h @ W + b: take them after the activation."),
             (forward_stats(X, layers, activation, last_linear=True),
              "The last layer got no activation, as in mlp_forward; here every layer, the last included, is followed "
              "by the activation."),
             (np.column_stack([right[:, 0], right[:, 1] ** 2]),
              "The second number is the variance: return the standard deviation, np.std(h)."),
             (np.array(per_unit), "The std is taken per unit (axis=0) and averaged; take np.std(h) over all of the "
                                  "layer's N x D_k activations, with no axis."),
             (np.array(sample), "That is the sample std (ddof=1); use np.std(h), whose default is ddof=0.")]
    if all(W.shape[0] == X.shape[1] for W, _ in layers):  # else feeding X to every layer fails on the shapes
        slips.append((forward_stats(X, layers, activation, chained=False),
                      "Every layer was applied to X: feed each layer the previous layer's activations."))
    return slips


def as_stats(stats, X, layers, call):
    """The learner's stats as an (L, 2) float array, or a sentence saying what came back instead."""
    L = len(layers)
    try:
        array = np.asarray(stats, dtype=float)
    except (TypeError, ValueError):
        fail(f"{call} returned {describe_value(stats)}; it must return a list of {L} (mean, std) pairs of numbers, "
             f"one per layer.")
    if array.shape == (L, 2):
        return array
    if array.shape == (L + 1, 2) and same(array[0], [np.mean(X), np.std(X)]):
        fail(f"{call} returned {L + 1} (mean, std) pairs for {L} layers, the first being the input X's: start from "
             f"an empty list, so that stats[k] describes the output of layer k + 1.", names="cause")
    if array.shape == (2, L):
        fail(f"{call} returned two rows of {L} numbers (all the means, then all the stds); return one (mean, std) "
             f"pair per layer: a list of {L} pairs.", names="cause")
    fail(f"{call} returned {describe_value(stats)} (shape {array.shape} as an array); it must return {L} (mean, std) "
         f"pairs, one per layer.")


def expect_stats(got, expected, slips, context, *, atol=1e-12, rtol=1e-9):
    """The (L, 2) stats equal the judge's; the message names the first wrong layer, and a slip when one matches."""
    if not np.all(np.isfinite(got)):
        k, column = (int(i) for i in np.argwhere(~np.isfinite(got))[0])
        fail(f"the {('mean', 'std')[column]} after layer {k + 1} is {got[k, column]} but should be "
             f"{expected[k, column]:.6g}{context}.")
    wrong = np.abs(got - expected) > atol + rtol * np.abs(expected)
    if not np.any(wrong):
        return
    k, column = (int(i) for i in np.argwhere(wrong)[0])
    head = (f"the {('mean', 'std')[column]} after layer {k + 1} (stats[{k}]) is {got[k, column]:.6g} but should be "
            f"{expected[k, column]:.6g}{context}.")
    cause = the_one_matching(got, expected, slips, rtol=1e-7, atol=atol)
    if cause:
        fail(f"{head} {cause}", names="cause")
    fail(head)


#: The three 10-layer ReLU stacks: weight scale as a function of fan_in, and what should happen. The stacks
#: are small (X (100, 50)) so that no matrix product is big enough for BLAS to start threads: on a busy
#: two-core machine those cost more than the products themselves.
RELU_STACKS = {
    "he": (lambda n: math.sqrt(2.0 / n), "He weights, randn * sqrt(2 / fan_in)",
           "with He weights the std stays of the same order through the 10 layers"),
    "small": (lambda n: 0.01, "0.01 * randn weights",
              "with 0.01 * randn weights the activations collapse about 20-fold per layer (0.01 * sqrt(50 / 2))"),
    "large": (lambda n: 1.0, "randn weights",
              "with randn weights the activations grow about 5-fold per layer (sqrt(50 / 2))"),
}


def relu_stack(kind, N=100, D=50, depth=10):
    gen = np.random.default_rng({"he": 111, "small": 112, "large": 113}[kind])
    X = gen.standard_normal((N, D))
    scale = RELU_STACKS[kind][0](D)
    return X, [(gen.standard_normal((D, D)) * scale, np.zeros(D)) for _ in range(depth)]


@exercise("day11.activation_stats")
@pytest.mark.parametrize("kind", list(RELU_STACKS))
def test_activation_stats_through_ten_relu_layers(day11, kind):
    X, layers = relu_stack(kind)
    _, weights, behaviour = RELU_STACKS[kind]
    call = "`activation_stats(X, layers, relu)`"
    got = as_stats(day11.activation_stats(X, layers, probes.relu), X, layers, call)
    expected = forward_stats(X, layers, probes.relu)
    context = f" (a 10-layer ReLU stack with {weights}, X {X.shape}, every W {layers[0][0].shape}; {behaviour})"
    expect_stats(got, expected, stats_slips(X, layers, probes.relu), context)
    first, last = got[0, 1], got[-1, 1]
    healthy = {"he": 0.25 < last / first < 4.0, "small": last < 1e-8 * first, "large": last > 1e6 * first}[kind]
    if not healthy:  # cannot happen once the values match; kept as the statement of what the stacks show
        fail(f"the std goes from {first:.3g} after layer 1 to {last:.3g} after layer 10{context}.")


@exercise("day11.activation_stats")
def test_activation_stats_tanh_non_square_with_biases(day11):
    gen = np.random.default_rng(120)
    dims = (30, 50, 20, 40)
    X = gen.standard_normal((64, dims[0]))
    layers = [(gen.standard_normal((dims[k], dims[k + 1])) * 0.3, gen.standard_normal(dims[k + 1]) * 0.5)
              for k in range(3)]
    before = (X.copy(), [(W.copy(), b.copy()) for W, b in layers])
    call = "`activation_stats(X, layers, np.tanh)`"
    got = as_stats(day11.activation_stats(X, layers, np.tanh), X, layers, call)
    expect_unchanged("X", before[0], X)
    for k, ((W0, b0), (W, b)) in enumerate(zip(before[1], layers), start=1):
        expect_unchanged(f"W of layer {k}", W0, W)
        expect_unchanged(f"b of layer {k}", b0, b)
    context = (f" for X {X.shape} through tanh layers of widths 50, 20, 40 with non-zero biases (W shapes "
               f"{[W.shape for W, _ in layers]})")
    expect_stats(got, forward_stats(X, layers, np.tanh), stats_slips(X, layers, np.tanh), context)


@exercise("day11.activation_stats")
def test_activation_stats_constant_and_dead_layers(day11):
    # Layer 1: every unit outputs 0.7, and for these (8, 6) activations mean(h**2) - mean(h)**2 is about -1.7e-16,
    # so the shortcut sqrt(mean(h**2) - mean(h)**2) takes the square root of a negative number. Layer 2 is dead
    # (every pre-activation is -1, every ReLU output 0); layer 3 outputs 0.2 everywhere.
    gen = np.random.default_rng(130)
    X = gen.standard_normal((8, 6))
    layers = [(np.zeros((6, 6)), np.full(6, 0.7)), (np.zeros((6, 5)), np.full(5, -1.0)),
              (gen.standard_normal((5, 4)), np.full(4, 0.2))]
    call = "`activation_stats(X, layers, relu)`"
    try:
        stats = day11.activation_stats(X, layers, probes.relu)
    except LearnerRaised as exc:
        if exc.type_name not in FLOAT_TROUBLE:
            raise
        where = describe_frames(exc.frames)
        fail(f"{call} raised {exc.type_name} ({exc.text.strip()}){' in ' + where if where else ''} for a layer "
             f"whose units all output 0.7: its std is 0 up to rounding, but sqrt(mean(h**2) - mean(h)**2) can take "
             f"the square root of a tiny negative number. Use np.std(h), which works from the deviations.",
             names="cause")
    got = as_stats(stats, X, layers, call)
    expect_stats(got, forward_stats(X, layers, probes.relu), stats_slips(X, layers, probes.relu),
                 " for X (8, 6) through a layer whose units all output 0.7, a dead layer (all outputs 0) and a layer "
                 "whose units all output 0.2 (each std is 0 up to rounding)", atol=1e-12, rtol=0.0)


# -- gradient_norms ----------------------------------------------------------------------------------------
def trusted_norms(params, X, y, activation="relu"):
    _, grads = probes.DeepNet(dict(params), activation).loss(X, y)
    return np.array([np.linalg.norm(grads[f"W{k}"]) for k in probes.layer_numbers(params)])


def norm_slips(params, X, y, activation="relu"):
    """``(norms, sentence)`` of the known slips of gradient_norms, for a DeepNet with ``params``."""
    _, grads = probes.DeepNet(dict(params), activation).loss(X, y)
    layers = probes.layer_numbers(params)
    weights = [grads[f"W{k}"] for k in layers]
    slips = [(np.array([np.linalg.norm(grads[f"b{k}"]) for k in layers]),
              "These are the norms of the bias gradients b1, b2, ...: measure the weight gradients W1, W2, ..."),
             (np.array([np.linalg.norm(params[f"W{k}"]) for k in layers]),
              "These are the norms of the weights themselves; measure their gradients, grads[name] from "
              "model.loss(X, y)."),
             (np.array([np.sum(g ** 2) for g in weights]),
              "Each is a sum of squares: take its square root (np.linalg.norm)."),
             (np.array([np.sum(np.abs(g)) for g in weights]),
              "Each is a sum of absolute values (an L1 norm); the Frobenius norm is sqrt(sum(g**2))."),
             (np.array([np.linalg.norm(g, 2) for g in weights]),
              "Each is the spectral norm (ord=2, the largest singular value); use the Frobenius norm, "
              "np.linalg.norm(g) with no ord."),
             (np.array([np.sqrt(np.sum(grads[f"W{k}"] ** 2) + np.sum(grads[f"b{k}"] ** 2)) for k in layers]),
              "Each also counts the layer's bias gradient; measure the weight gradient alone."),
             (np.array([np.linalg.norm(g) for g in weights])[::-1],
              "They are listed from the last layer to the first; list them input side first, W1 first.")]
    text_order = sorted(layers, key=str)
    if text_order != layers:
        slips.append((np.array([np.linalg.norm(grads[f"W{k}"]) for k in text_order]),
                      f"The layers are sorted as text ({', '.join(f'W{k}' for k in text_order[:4])}, ...); sort them "
                      f"by their number, int(name[1:])."))
    key_order = [int(name[1:]) for name in params if name[:1] == "W" and name[1:].isdigit()]
    if key_order != layers:
        slips.append((np.array([np.linalg.norm(grads[f"W{k}"]) for k in key_order]),
                      f"They follow the order of the keys in model.params ({', '.join(f'W{k}' for k in key_order)} "
                      f"here); order them by layer number, whatever the dict's order."))
    return slips


def as_norms(norms, L, call):
    try:
        array = np.asarray(norms, dtype=float)
    except (TypeError, ValueError):
        fail(f"{call} returned {describe_value(norms)}; it must return a list of {L} numbers, one per weight matrix.")
    if array.shape != (L,):
        hint = (" (one per parameter? leave the biases out: only the weights W1 ... count)"
                if array.shape == (2 * L,) else "")
        fail(f"{call} returned {describe_value(norms)}; it must return {L} numbers, one per weight matrix W1 ... W{L}"
             f"{hint}.", names="cause" if hint else "mismatch")
    return array


def run_gradient_norms(day11, params, X, y, context, activation="relu"):
    """The learner's norms of a DeepNet with ``params``, after checking how it used the model."""
    out = day11.probe(probes.norms_of_network, params, X, y, activation)
    calls = out["calls"]
    call = "`gradient_norms(model, X, y)`"
    if len(calls) != 1:
        fail(f"{call} called model.loss {len(calls)} times{context}; call it once, model.loss(X, y): one backward "
             f"pass gives every gradient.")
    if calls[0]["y"] is None:
        fail(f"{call} called model.loss without the labels{context}; model.loss(X) returns the scores, "
             f"model.loss(X, y) the loss and the gradients.", names="cause")
    if not np.array_equal(calls[0]["X"], X) or not np.array_equal(calls[0]["y"], y):
        fail(f"{call} called model.loss with other data than the X and y it was given{context}.")
    for name, value in params.items():
        expect_unchanged(f"model.params[{name!r}]", value, out["params after"][name])
    return as_norms(out["norms"], len(probes.layer_numbers(params)), call)


def expect_norms(got, expected, slips, context):
    wrong = np.abs(got - expected) > 1e-12 + 1e-9 * np.abs(expected)
    if not np.any(wrong):
        return
    k = int(np.argwhere(wrong)[0][0])
    head = (f"the norm of layer {k + 1} (norms[{k}]) is {got[k]:.6g} but should be {expected[k]:.6g}, the Frobenius "
            f"norm of grads['W{k + 1}']{context}.")
    cause = the_one_matching(got, expected, slips, rtol=1e-9, atol=1e-12)
    if cause:
        fail(f"{head} {cause}", names="cause")
    order = permutation(got, expected)
    if order is not None:
        fail(f"{head} Your norms are those of {', '.join(f'W{k + 1}' for k in order)}, in that order: list them by "
             f"layer number, W1 first, whatever the order of the keys in model.params.", names="pattern")
    fail(head)


def permutation(got, expected):
    """The layer order ``got`` lists ``expected``'s norms in, when it is a reordering of them (else None)."""
    close = np.isclose(got[:, None], expected[None, :], rtol=1e-9, atol=1e-12)
    if not np.all(close.sum(axis=1) == 1) or not np.all(close.sum(axis=0) == 1):
        return None
    order = [int(np.argmax(row)) for row in close]
    return order if order != sorted(order) else None


def labelled_batch(seed, N, D, C):
    gen = np.random.default_rng(seed)
    return gen.standard_normal((N, D)), gen.integers(0, C, N)


@exercise("day11.gradient_norms")
def test_gradient_norms_of_a_small_network(day11):
    X, y = labelled_batch(140, 7, 6, 4)
    params = probes.network_params((6, 9, 5, 4), 0.6, seed=141, bias=0.1)
    context = " for a 3-layer ReLU network with W1 (6, 9), W2 (9, 5), W3 (5, 4), X (7, 6)"
    got = run_gradient_norms(day11, params, X, y, context)
    expect_norms(got, trusted_norms(params, X, y), norm_slips(params, X, y), context)


@exercise("day11.gradient_norms")
def test_gradient_norms_orders_layers_by_number(day11):
    X, y = labelled_batch(150, 9, 5, 3)
    params = probes.network_params((5,) + (4,) * 11 + (3,), lambda n: math.sqrt(2.0 / n), seed=151, bias=0.05)
    context = " for a 12-layer ReLU network (W1 ... W12; W10 comes after W9)"
    got = run_gradient_norms(day11, params, X, y, context)
    expect_norms(got, trusted_norms(params, X, y), norm_slips(params, X, y), context)


@exercise("day11.gradient_norms")
def test_gradient_norms_whatever_the_order_of_params(day11):
    X, y = labelled_batch(160, 6, 4, 3)
    ordered = probes.network_params((4, 7, 5, 3), 0.8, seed=161, bias=-0.1)
    params = {name: ordered[name] for name in ("b3", "W3", "W2", "b2", "b1", "W1")}
    context = " for a 3-layer network whose model.params lists b3, W3, W2, b2, b1, W1 in that order"
    got = run_gradient_norms(day11, params, X, y, context)
    expect_norms(got, trusted_norms(params, X, y), norm_slips(params, X, y), context)


@exercise("day11.gradient_norms")
def test_gradient_norms_of_zero_tiny_and_huge_gradients(day11):
    gen = np.random.default_rng(170)
    shapes = {"W1": (3, 4), "b1": (4,), "W2": (4, 4), "b2": (4,), "W3": (4, 2), "b3": (2,), "scale": (1,)}
    params = {name: gen.standard_normal(shape) for name, shape in shapes.items()}
    grads = {name: gen.standard_normal(shape) for name, shape in shapes.items()}
    grads["W1"] = np.zeros((3, 4))   # a dead layer
    grads["W2"] *= 1e-30             # vanished
    grads["W3"] *= 1e30              # exploded
    X, y = labelled_batch(171, 5, 3, 2)
    out = day11.probe(probes.norms_of_given_gradients, params, grads, X, y)
    context = (" for a model whose loss returns a zero gradient for W1, one of order 1e-30 for W2 and one of order "
               "1e30 for W3 (and a parameter 'scale' that is not a layer)")
    got = as_norms(out["norms"], 3, "`gradient_norms(model, X, y)`")
    expected = np.array([np.linalg.norm(grads[f"W{k}"]) for k in (1, 2, 3)])
    slips = [(np.array([np.linalg.norm(params[f"W{k}"]) for k in (1, 2, 3)]),
              "These are the norms of the weights themselves; measure their gradients."),
             (np.array([np.sum(grads[f"W{k}"] ** 2) for k in (1, 2, 3)]),
              "Each is a sum of squares: take its square root (np.linalg.norm).")]
    expect_norms(got, expected, slips, context)


# -- diagnose_gradient_flow ------------------------------------------------------------------------------
def alternative_rule(norms, *, inverted=False, inclusive=False, nan_checked=True, ratio_first=False,
                     absolute=True, smallest=False, mean=False):
    """The documented rule, or one of its known misreadings (the flags)."""
    norms = np.asarray(norms, dtype=float)
    above = (lambda a, b: a >= b) if inclusive else (lambda a, b: a > b)
    below = (lambda a, b: a <= b) if inclusive else (lambda a, b: a < b)
    if nan_checked and not np.all(np.isfinite(norms)):
        return "exploding"
    first, last = (norms[-1], norms[0]) if inverted else (norms[0], norms[-1])

    def by_size():
        largest = np.mean(norms) if mean else np.max(norms)
        if above(largest, EXPLODING_NORM):
            return "exploding"
        if below(np.min(norms) if smallest else largest, VANISHING_NORM):
            return "vanishing"
        return None

    def by_ratio():
        if above(first, FLOW_RATIO * last):
            return "exploding"
        if below(first, last / FLOW_RATIO):
            return "vanishing"
        return None

    rules = (by_ratio, by_size) if ratio_first else (by_size, by_ratio)
    for rule in rules:
        if rule is by_size and not absolute:
            continue
        verdict = rule()
        if verdict:
            return verdict
    return "healthy"


MISREADINGS = [
    (dict(inverted=True), "Your verdicts swap the first and the last layer: norms[0] is the first layer (the input "
                          "side), so first < 1e-2 * last is vanishing and first > 1e2 * last exploding."),
    (dict(inclusive=True), "Your comparisons are not strict: a norm exactly at a bound (1e3, 1e-6, a factor of "
                           "exactly 100) is healthy."),
    (dict(nan_checked=False), "A NaN norm is not caught: np.max is NaN then and every comparison with it is False; "
                              "test np.all(np.isfinite(norms)) first."),
    (dict(ratio_first=True), "Your rule tests the first/last ratio before the absolute bounds; the bounds (1e3, 1e-6) "
                             "come first."),
    (dict(absolute=False), "Your rule only looks at the ratio between the first and the last layer; add the absolute "
                           "bounds: largest > 1e3 is exploding, largest < 1e-6 vanishing."),
    (dict(smallest=True), "Your vanishing bound looks at the smallest norm; gradients have vanished when even the "
                          "largest norm is below 1e-6."),
    (dict(mean=True), "Your absolute bounds look at the mean norm; they apply to the largest norm: one layer above "
                      "1e3 is enough to explode, and the gradients have vanished only if every norm is below 1e-6."),
]


def show(norms):
    return "[" + ", ".join(f"{v:g}" for v in norms) + "]"


def verdicts_of(day11, cases):
    """The learner's verdict for each case; a division that fails on an exact 0 is named."""
    verdicts = []
    for norms, _, _ in cases:
        call = f"`diagnose_gradient_flow({show(norms)})`"
        try:
            verdict = day11.diagnose_gradient_flow(list(norms))
        except LearnerRaised as exc:
            if exc.type_name not in FLOAT_TROUBLE or 0.0 not in norms:
                raise
            where = describe_frames(exc.frames)
            fail(f"{call} raised {exc.type_name} ({exc.text.strip()}){' in ' + where if where else ''}: a norm can be "
                 f"exactly 0 (a dead layer). Compare products, first > 1e2 * last and first < 1e-2 * last, instead "
                 f"of dividing by a norm.", names="cause")
        if not isinstance(verdict, str) or verdict not in VERDICTS:
            fail(f"{call} returned {describe_value(verdict) if not isinstance(verdict, str) else repr(verdict)}; it "
                 f"must return one of the strings 'vanishing', 'exploding' or 'healthy'.")
        verdicts.append(verdict)
    return verdicts


def expect_verdicts(day11, cases, context=""):
    """Every case's verdict is the expected one; the first wrong one is reported, with a misreading when one
    explains every verdict of the table."""
    got = verdicts_of(day11, cases)
    for (norms, expected, why), verdict in zip(cases, got):
        if verdict == expected:
            continue
        head = (f"`diagnose_gradient_flow({show(norms)})` returned {verdict!r} but should be {expected!r}{context}: "
                f"{why}.")
        with np.errstate(all="ignore"):
            hits = [sentence for flags, sentence in MISREADINGS
                    if [alternative_rule(n, **flags) for n, _, _ in cases] == got]
        if len(hits) == 1:
            fail(f"{head} {hits[0]}", names="cause")
        fail(head)


NAN, INF = float("nan"), float("inf")


@exercise("day11.diagnose_gradient_flow")
def test_diagnose_clear_cases(day11):
    expect_verdicts(day11, [
        ((0.8, 1.1, 2.5), "healthy", "every norm lies between 1e-6 and 1e3, and the first is within a factor of 100 "
                                     "of the last"),
        ((1e-5, 1e-3, 1.0), "vanishing", "the first layer's norm is 1e5 times smaller than the last one's"),
        ((1.0, 1e-3, 1e-5), "exploding", "the first layer's norm is 1e5 times larger than the last one's"),
        ((3e-9, 4e-9, 2e-9), "vanishing", "every norm is below 1e-6, however close the first is to the last"),
        ((4e3, 5e3, 3e3), "exploding", "the norms are above 1e3, however close the first is to the last"),
        ((0.5, 0.7, 0.6, 0.9, 1.3, 2.0, 3.1, 4.0, 5.2, 6.0), "healthy",
         "the norm grows 12-fold over 10 layers, well within a factor of 100"),
    ])


@exercise("day11.diagnose_gradient_flow")
def test_diagnose_at_the_thresholds(day11):
    expect_verdicts(day11, [
        ((1.0, 5.0, 100.0), "healthy", "first = 1e-2 * last exactly, and only first < 1e-2 * last is vanishing"),
        ((0.999, 5.0, 100.0), "vanishing", "first = 0.999 is just below 1e-2 * last = 1"),
        ((100.0, 5.0, 1.0), "healthy", "first = 1e2 * last exactly, and only first > 1e2 * last is exploding"),
        ((100.1, 5.0, 1.0), "exploding", "first = 100.1 is just above 1e2 * last = 100"),
        ((1e3, 900.0, 1e3), "healthy", "the largest norm is exactly 1e3, and only a norm above 1e3 is exploding"),
        ((1e3, 1000.5, 1e3), "exploding", "the largest norm, 1000.5, is just above 1e3"),
        ((1e-6, 1e-6), "healthy", "the largest norm is exactly 1e-6, and only a largest norm below 1e-6 is vanishing"),
        ((0.999e-6, 0.999e-6), "vanishing", "the largest norm, 9.99e-7, is just below 1e-6"),
    ])


@exercise("day11.diagnose_gradient_flow")
def test_diagnose_applies_the_rules_in_order(day11):
    expect_verdicts(day11, [
        ((1e-3, 2e3), "exploding", "a norm above 1e3 is exploding (rule 2) before the first layer's being 2e6 times "
                                   "smaller than the last's is looked at (rule 5)"),
        ((9e-7, 1e-10), "vanishing", "every norm is below 1e-6 (rule 3), which comes before the ratio: the first "
                                     "being 9000 times the last (rule 4) is not looked at"),
        ((NAN, 1e-9, 1e-9), "exploding", "a NaN norm is exploding (rule 1) before anything else"),
        ((1.0, 1e-8, 1.0), "healthy", "only the largest norm and the first and last layers count: one tiny layer in "
                                      "the middle does not make the gradients vanish"),
        ((5e3, 2e3, 4e3), "exploding", "norms above 1e3 are exploding (rule 2), however close the first is to the "
                                       "last"),
        ((1.0, 2e3, 1.0), "exploding", "the largest norm, 2e3, is above 1e3: one exploding layer is enough"),
        ((2e-7, 2e-6, 3e-7), "healthy", "the largest norm, 2e-6, is not below 1e-6, and the first is within a factor "
                                        "of 100 of the last"),
    ])


@exercise("day11.diagnose_gradient_flow")
def test_diagnose_zeros_and_non_finite_norms(day11):
    expect_verdicts(day11, [
        ((0.0, 0.0, 0.0), "vanishing", "all-zero gradients: the largest norm, 0, is below 1e-6"),
        ((0.0, 0.5), "vanishing", "first = 0 is below 1e-2 * last = 0.005"),
        ((0.5, 0.0), "exploding", "the last norm is exactly 0 and the first positive, so first > 1e2 * last = 0 "
                                  "(rule 4)"),
        ((1.0, NAN, 1.0), "exploding", "a NaN norm means the training diverged; np.max is NaN then and every "
                                       "comparison with NaN is False, so test np.isfinite first"),
        ((1.0, INF), "exploding", "an infinite norm is exploding"),
        ((NAN, NAN), "exploding", "NaN norms are exploding"),
    ])


@exercise("day11.diagnose_gradient_flow")
def test_diagnose_any_sequence_and_one_layer(day11):
    for norms, kind in (((0.8, 1.1, 2.5), np.array), ((1e-5, 1e-3, 1.0), tuple), ((4e3, 5e3), np.array)):
        expected = alternative_rule(norms)
        verdict = day11.diagnose_gradient_flow(kind(norms))
        call = f"`diagnose_gradient_flow({kind.__name__}({show(norms)}))`"
        if verdict != expected:
            fail(f"{call} returned {verdict!r} but should be {expected!r}; norms can be any sequence of numbers "
                 f"(np.asarray(norms, dtype=float) makes them an array).")
    expect_verdicts(day11, [
        ((0.3,), "healthy", "with one layer, the first is the last: only the absolute bounds can flag it"),
        ((1e-7,), "vanishing", "a single norm below 1e-6 is vanishing"),
        ((2e3,), "exploding", "a single norm above 1e3 is exploding"),
    ], context=" (a network with one layer)")


#: Real networks (input 50, hidden width 50, 10 classes, 10 layers, batch 64) and the verdict each deserves.
NETWORKS = {
    "He, ReLU": (lambda n: math.sqrt(2.0 / n), "relu", "healthy",
                 "He weights keep the gradient's size through the layers"),
    "0.01 * randn, ReLU": (lambda n: 0.01, "relu", "vanishing",
                           "every layer shrinks the signal about 20-fold, so every norm is tiny (below 1e-6)"),
    "randn, ReLU": (lambda n: 1.0, "relu", "exploding", "every layer grows the signal about 5-fold, so the norms are "
                                                        "huge (above 1e3)"),
    "randn / sqrt(fan_in), sigmoid": (lambda n: math.sqrt(1.0 / n), "sigmoid", "vanishing",
                                      "each sigmoid layer multiplies the gradient by at most 0.25 on its way back, so "
                                      "the first layer's norm is far below 1e-2 times the last one's"),
}


def network_norms(kind):
    scale, activation, _, _ = NETWORKS[kind]
    X, y = labelled_batch(180, 64, 50, 10)
    params = probes.network_params((50,) * 10 + (10,), scale, seed=181)
    return trusted_norms(params, X, y, activation)


@exercise("day11.diagnose_gradient_flow")
@pytest.mark.parametrize("kind", list(NETWORKS))
def test_diagnose_real_networks(day11, kind):
    norms = network_norms(kind)
    _, activation, expected, why = NETWORKS[kind]
    verdict = day11.diagnose_gradient_flow(norms.tolist())
    if verdict != expected:
        fail(f"`diagnose_gradient_flow(norms)` returned {verdict!r} but should be {expected!r} for the weight-gradient "
             f"norms of a 10-layer {activation} network with {kind.split(',')[0]} weights, {show(norms)}: {why}.")
