"""Checks for Day 13: preprocess, train_val_split, iterate_minibatches, FullyConnectedNet, evaluate, train.

The expected values come from the suite's own code, here in the judge: a float64 forward and
backward pass of the network with the documented dropout masks (``rng.random(h.shape) <
keep_prob``, layer by layer), the trusted gradient checker, and a reference training loop that
drives the models and rules of tests/probes/day13_mnist_pipeline.py exactly as the docstring of
``train`` says. The learner's code runs in the worker; anything with an object, a generator or a
callback (the network, minibatches, training) is reached through a probe.

Column 0 of the data sets built here holds each example's id, so a minibatch, a split or a model
call says which examples it holds: the checks speak of examples by id. The data are tiny and
synthetic (the real MNIST is only used by ``make plots day13``), so the whole day checks in well
under a second.
"""
import copy
import math

import numpy as np
import pytest

from grader.judge import describe_value

from ..probes import day13_mnist_pipeline as probes
from .edges import EXTREME_LOGITS, EXTREME_LOGITS_LOSS, KINK_X, TIED_PREDICTION, TIED_SCORES
from .expect import expect_array, expect_scalar, expect_unchanged, fail, same, the_one_matching
from .gradcheck import DEEP_GRAD_TOL, LOSS_ATOL, check_gradients, numerical_gradient_of

exercise = pytest.mark.exercise

#: What each function returns; the network, the generator and the training loop are reached through probes.
RETURNS = {"preprocess": "X", "train_val_split": "(X_train, y_train, X_val, y_val)", "evaluate": "accuracy"}

#: float32 results agree with the float64 ones to this relative tolerance (float32 carries ~7 digits).
FLOAT32_RTOL, FLOAT32_ATOL = 1e-4, 1e-5
#: An initialisation's sample std is within this many standard errors (std / sqrt(2 n)) of the true std.
INIT_STD_ERRORS = 5.0
#: The "learns" check: the validation accuracy a softmax classifier reaches on separable blobs (the reference
#: reaches 1.0), and how much the last epoch's mean minibatch loss must sit below the first iteration's.
LEARNED_ACCURACY, LOSS_DROP = 0.9, 0.5


def exercise_param(value, ex, id=None):
    return pytest.param(value, marks=exercise(f"day13.{ex}"), id=id)


def as_float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def ids_of(batch):
    """The example ids (column 0) of a batch of rows."""
    return np.rint(np.asarray(batch, dtype=float)[:, 0]).astype(int).tolist()


def show(ids, limit=12):
    ids = list(ids)
    return str(ids) if len(ids) <= limit else f"{ids[:limit]}"[:-1] + ", ...]"


# =====================================================================================================
# preprocess
# =====================================================================================================
def image_batch(seed, n=5, shape=(28, 28)):
    """uint8 images with every value 0 ... 255 present (the extremes 0 and 255 in every image)."""
    gen = np.random.default_rng(seed)
    images = gen.integers(0, 256, (n, *shape)).astype(np.uint8)
    images.reshape(n, -1)[:, 0] = 0
    images.reshape(n, -1)[:, 1] = 255
    return images


def preprocess_mistakes(images, mean=None):
    flat = images.reshape(images.shape[0], -1).astype(float)
    found = [(flat, "the pixels are still 0 ... 255: divide by 255 so they lie in [0, 1]"),
             ((flat // 255), "every pixel but 255 became 0: images // 255 is an integer division; convert to "
                             "float first, then divide by 255"),
             (flat / 256, "the pixels are divided by 256; the brightest pixel, 255, must become exactly 1.0"),
             (images.astype(float) / 255, "the images are not flattened: each must become one row of "
                                          "d1 * ... * dk values, reshape(N, -1)")]
    if mean is not None:
        scaled = flat / 255
        found += [(scaled, "the mean was not subtracted: with a mean given, subtract it from every row"),
                  (scaled - scaled.mean(axis=0), "the images were centred with their own mean, not with the mean "
                                                 "you were given: that is centring the test set with the test set's "
                                                 "statistics; subtract the mean argument (the training set's)"),
                  (scaled + mean, "the mean was added instead of subtracted")]
    return found


@exercise("day13.preprocess")
def test_preprocess_scales_and_flattens(day13):
    images = image_batch(1)
    X = day13.preprocess(images)
    expected = images.reshape(5, -1) / 255.0
    context = " for uint8 images (5, 28, 28) holding 0 ... 255"
    cause = the_one_matching(X, expected, preprocess_mistakes(images))
    if cause:
        fail(f"preprocess(images) is wrong{context}: {cause}.", names="cause")
    expect_array("X", X, expected, context=context + " (expected images.reshape(N, -1) / 255)")
    if np.asarray(X).dtype != np.float64:
        fail(f"X has dtype {np.asarray(X).dtype}{context}; the default dtype is float64.")
    expect_array("X[:, :2]", np.asarray(X)[:, :2], np.tile([0.0, 1.0], (5, 1)), atol=0, rtol=0,
                 context=": pixel 0 must become exactly 0.0 and pixel 255 exactly 1.0")


@exercise("day13.preprocess")
@pytest.mark.parametrize("shape", [(4, 5), (784,), (2, 3, 4)], ids=["(N, 4, 5)", "(N, 784)", "(N, 2, 3, 4)"])
def test_preprocess_any_image_shape(day13, shape):
    images = image_batch(2, n=3, shape=shape)
    X = day13.preprocess(images)
    expect_array("X", X, images.reshape(3, -1) / 255.0,
                 context=f" for uint8 images {images.shape}: each example becomes one row of "
                         f"{int(np.prod(shape))} values")


@exercise("day13.preprocess")
def test_preprocess_float32(day13):
    images = image_batch(3)
    X = day13.preprocess(images, None, np.float32)
    got = np.asarray(X)
    if got.dtype != np.float32:
        fail(f"preprocess(images, None, np.float32) returned dtype {got.dtype}; it must return float32 (the dtype "
             f"argument), so a float32 network is not fed float64 inputs.")
    expect_array("X (float32)", got, images.reshape(5, -1) / 255.0, rtol=FLOAT32_RTOL, atol=1e-7,
                 context=" for uint8 images (5, 28, 28)")


@exercise("day13.preprocess")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_preprocess_centres_with_the_given_mean(day13, dtype):
    train_images, test_images = image_batch(4, n=6), image_batch(5, n=4)
    test_images[:, 2:50] = 0  # a test set whose own mean differs from the training mean
    mean = (train_images.reshape(6, -1) / 255.0).mean(axis=0)
    X = day13.preprocess(test_images, mean, np.dtype(dtype).type)
    expected = test_images.reshape(4, -1) / 255.0 - mean
    context = (f" for test images (4, 28, 28) and mean = the training images' mean (784,), dtype {dtype}; "
               f"expected test_images / 255 - mean")
    cause = the_one_matching(X, expected, preprocess_mistakes(test_images, mean), rtol=1e-5, atol=1e-6)
    if cause:
        fail(f"preprocess(test_images, mean) is wrong{context}: {cause}.", names="cause")
    tolerances = {"rtol": FLOAT32_RTOL, "atol": 1e-6} if dtype == "float32" else {}
    expect_array("X", X, expected, context=context, **tolerances)
    if np.asarray(X).dtype != np.dtype(dtype):
        fail(f"X has dtype {np.asarray(X).dtype} for dtype {dtype} and a float64 mean; convert the mean to dtype "
             f"before subtracting it (np.asarray(mean, dtype=dtype)).")


@exercise("day13.preprocess")
def test_preprocess_leaves_images_alone(day13):
    images = image_batch(6)
    mean = np.full(784, 0.25)
    before, mean_before = images.copy(), mean.copy()
    day13.preprocess(images, mean)
    expect_unchanged("images", before, images)
    expect_unchanged("mean", mean_before, mean)


# =====================================================================================================
# train_val_split
# =====================================================================================================
def labelled_set(n, d=3, seed=0):
    """Rows whose column 0 is the id, and labels y = id % 7 (so a label says which example it belongs to)."""
    X = np.random.default_rng(seed).standard_normal((n, d))
    X[:, 0] = np.arange(n)
    return X, np.arange(n) % 7


def split_parts(result, who="train_val_split"):
    if not isinstance(result, tuple) or len(result) != 4:
        fail(f"{who} returned {describe_value(result)}; it must return (X_train, y_train, X_val, y_val).")
    return [np.asarray(part) for part in result]


def expect_split(parts, n, d, val_size, context):
    X_train, y_train, X_val, y_val = parts
    wanted = {"X_train": (n - val_size, d), "y_train": (n - val_size,), "X_val": (val_size, d), "y_val": (val_size,)}
    got = dict(zip(wanted, (X_train.shape, y_train.shape, X_val.shape, y_val.shape)))
    if got != wanted:
        if (X_train.shape, y_train.shape) == ((n - val_size, d), (val_size, d)):
            fail(f"the second value has shape {y_train.shape}, a set of examples{context}: return the four arrays "
                 f"in the order (X_train, y_train, X_val, y_val), not scikit-learn's (X_train, X_val, y_train, "
                 f"y_val).", names="cause")
        if got["X_train"] == (n, d):
            fail(f"X_train holds all {n} examples{context}: the validation examples are also in the training set. "
                 f"Train on order[val_size:] only.", names="cause")
        fail(f"the parts have shapes {got}{context}, but should have {wanted}.")
    train_ids, val_ids = ids_of(X_train) if X_train.size else [], ids_of(X_val) if X_val.size else []
    both = sorted(set(train_ids) & set(val_ids))
    if both:
        fail(f"examples {show(both)} are in both the training and the validation set{context}: the parts must be "
             f"disjoint, or the validation accuracy measures memory, not generalisation.", names="cause")
    missing = sorted(set(range(n)) - set(train_ids) - set(val_ids))
    if missing or len(set(train_ids)) != len(train_ids) or len(set(val_ids)) != len(val_ids):
        fail(f"the split loses examples {show(missing)} or repeats some{context}: every example must be in exactly "
             f"one part, once (take the rows of one permutation).")
    for name, ids, labels in (("y_train", train_ids, y_train), ("y_val", val_ids, y_val)):
        wrong = [k for k, (i, label) in enumerate(zip(ids, labels.tolist())) if label != i % 7]
        if wrong:
            k = wrong[0]
            fail(f"{name}[{k}] is {labels[k]}, but the example in that row (id {ids[k]}) has label {ids[k] % 7}"
                 f"{context}: X and y were reordered differently. Index both with the same rows.", names="cause")
    return train_ids, val_ids


@exercise("day13.train_val_split")
@pytest.mark.parametrize("n, val_size", [(50, 12), (9, 1), (10, 0), (6, 6)],
                         ids=["50 examples, 12 for validation", "9, 1", "10, 0", "6, all 6"])
def test_split_sizes_disjoint_and_aligned(day13, n, val_size):
    X, y = labelled_set(n)
    parts = split_parts(day13.train_val_split(X, y, val_size, np.random.default_rng(3)))
    expect_split(parts, n, 3, val_size, f" for N = {n} examples and val_size = {val_size}")


@exercise("day13.train_val_split")
def test_split_is_random_and_reproducible(day13):
    X, y = labelled_set(40)
    context = " for N = 40 and val_size = 10"
    first = split_parts(day13.train_val_split(X, y, 10, np.random.default_rng(5)))
    _, val_ids = expect_split(first, 40, 3, 10, context)
    if sorted(val_ids) in (list(range(10)), list(range(30, 40))):
        fail(f"the validation ids are {show(val_ids)}{context}: rows in their stored order, not a random sample. "
             f"Shuffle with order = rng.permutation(N) first (data often come sorted by class or by writer).",
             names="cause")
    again = split_parts(day13.train_val_split(X, y, 10, np.random.default_rng(5)))
    for name, a, b in zip(("X_train", "y_train", "X_val", "y_val"), first, again):
        expect_array(f"{name} (second call, same seed)", b, a, atol=0, rtol=0,
                     context="; the same rng seed must give the same split")
    other = split_parts(day13.train_val_split(X, y, 10, np.random.default_rng(6)))
    if np.array_equal(other[2], first[2]):
        fail("two different rng seeds gave the same validation set; draw the permutation from the rng argument.",
             names="cause")
    rng = np.random.default_rng(7)
    day13.train_val_split(X, y, 10, rng)
    reference = np.random.default_rng(7)
    reference.permutation(40)
    if rng.random() != reference.random():
        fail(f"after the split, rng is not where one draw of rng.permutation(N) leaves it{context}: draw exactly "
             f"one permutation, as the docstring says.")


@exercise("day13.train_val_split")
def test_split_leaves_inputs_alone(day13):
    X, y = labelled_set(20)
    X_before, y_before = X.copy(), y.copy()
    day13.train_val_split(X, y, 5, np.random.default_rng(8))
    expect_unchanged("X", X_before, X)
    expect_unchanged("y", y_before, y)


# =====================================================================================================
# iterate_minibatches
# =====================================================================================================
def batches_of(day13, X, y, batch_size, rng, shuffle=None):
    out = day13.probe(probes.minibatches, X, y, batch_size, rng, shuffle)
    return out, [ids_of(b) if np.size(b) else [] for b in out["X_batches"]], [np.asarray(b) for b in out["y_batches"]]


def expect_epoch(id_batches, n, batch_size, context):
    """The batches hold every id 0 ... n - 1 once, in full batches but the last; a known slip is named."""
    sizes = [len(b) for b in id_batches]
    full, rest = divmod(n, batch_size)
    wanted = [batch_size] * full + ([rest] if rest else [])
    seen = [i for b in id_batches for i in b]
    if sizes == wanted and sorted(seen) == list(range(n)):
        return
    if sizes == [batch_size] * full and rest:
        fail(f"the batch sizes are {sizes}{context}, expected {wanted}: the last, smaller batch of {rest} is missing, "
             f"so those examples are never trained on. Loop with range(0, N, batch_size).", names="cause")
    if sizes == wanted + [0]:
        fail(f"the batch sizes are {sizes}{context}: an empty batch comes last. range(0, N, batch_size) stops "
             f"before N; N // batch_size + 1 batches is one too many when batch_size divides N.", names="cause")
    if len(seen) == n and len(set(seen)) < n:
        twice = sorted({i for i in seen if seen.count(i) > 1})
        fail(f"examples {show(twice)} appear more than once in one epoch and others never{context}: the batches are "
             f"drawn with replacement. Shuffle once, order = rng.permutation(N), and cut that order into slices.",
             names="cause")
    if sizes != wanted:
        fail(f"the batch sizes are {sizes}{context}, but should be {wanted}: full batches of batch_size, then the "
             f"rest.")
    fail(f"the batches hold the ids {show(sorted(seen), 20)}{context}; every example 0 ... {n - 1} must appear "
         f"exactly once per epoch.")


def expect_aligned(X_batches, y_batches, labels_of, context):
    for k, (xb, yb) in enumerate(zip(X_batches, y_batches)):
        ids = ids_of(xb) if np.size(xb) else []
        wanted = [labels_of(i) for i in ids]
        if np.shape(yb) != (len(ids),) or list(np.asarray(yb).tolist()) != wanted:
            fail(f"batch {k}: y_batch is {np.asarray(yb).tolist()[:10]} but its examples (ids {show(ids, 10)}) have "
                 f"labels {wanted[:10]}{context}: X and y must be indexed with the same rows.", names="cause")


def expect_inputs_kept(out, X, y, context=""):
    if not np.array_equal(out["X"], X) or not np.array_equal(out["y"], y):
        fail(f"iterate_minibatches reordered the caller's X or y in place (rng.shuffle(X)?){context}: the data must "
             f"stay as they were, and two separate shuffles also part X from y. Index both with one permutation "
             f"instead, X[order[start:stop]], y[order[start:stop]].", names="cause")


@exercise("day13.iterate_minibatches")
@pytest.mark.parametrize("n, batch_size", [(23, 5), (20, 5), (7, 10), (4, 1)],
                         ids=["23 by 5: last batch of 3", "20 by 5: no partial batch", "7 by 10: one batch",
                              "4 by 1"])
def test_minibatches_cover_every_example_once(day13, n, batch_size):
    X, y = labelled_set(n, seed=1)
    out, id_batches, y_batches = batches_of(day13, X, y, batch_size, np.random.default_rng(2))
    context = f" for N = {n} examples and batch_size = {batch_size}"
    expect_inputs_kept(out, X, y, context)
    expect_epoch(id_batches, n, batch_size, context)
    expect_aligned(out["X_batches"], y_batches, lambda i: i % 7, context)


@exercise("day13.iterate_minibatches")
def test_minibatches_follow_the_documented_order(day13):
    X, y = labelled_set(23, seed=3)
    out, id_batches, _ = batches_of(day13, X, y, 5, np.random.default_rng(4))
    context = " for N = 23, batch_size = 5 and rng = default_rng(4)"
    expect_epoch(id_batches, 23, 5, context)
    order = [i for b in id_batches for i in b]
    reference = np.random.default_rng(4)
    expected = reference.permutation(23).tolist()
    if order == list(range(23)):
        fail(f"the examples come in their stored order{context}: with shuffle=True (the default) the order is "
             f"rng.permutation(N).", names="cause")
    if order != expected:
        fail(f"the examples come in the order {show(order, 23)}{context}, but should come in rng.permutation(23) = "
             f"{show(expected, 23)}: draw the order with one call of rng.permutation(N) and slice it.")
    if out["next draw"] != reference.random():
        fail(f"after one epoch, rng is not where one rng.permutation(N) leaves it{context}: draw exactly one "
             f"permutation per call.")


@exercise("day13.iterate_minibatches")
@pytest.mark.parametrize("rng_given", [True, False], ids=["with an rng", "with rng None"])
def test_minibatches_keep_the_order_without_shuffle(day13, rng_given):
    X, y = labelled_set(11, seed=5)
    rng = np.random.default_rng(6) if rng_given else None
    out, id_batches, y_batches = batches_of(day13, X, y, 4, rng, False)
    context = f" for N = 11, batch_size = 4, shuffle=False{' and rng None' if not rng_given else ''}"
    expect_epoch(id_batches, 11, 4, context)
    order = [i for b in id_batches for i in b]
    if order != list(range(11)):
        fail(f"the examples come in the order {show(order, 11)}{context}; with shuffle=False they must come in their "
             f"stored order 0, 1, ..., 10 (shuffle is ignored).", names="cause")
    expect_aligned(out["X_batches"], y_batches, lambda i: i % 7, context)
    if rng_given and out["next draw"] != np.random.default_rng(6).random():
        fail(f"rng was drawn from{context}: without shuffling, nothing is drawn.")


@exercise("day13.iterate_minibatches")
def test_minibatches_draw_a_new_order_every_epoch(day13):
    X, y = labelled_set(12, seed=7)
    out = day13.probe(probes.two_epochs, X, y, 4, 8)
    first = [i for b in out["first"] for i in np.rint(b).astype(int).tolist()]
    second = [i for b in out["second"] for i in np.rint(b).astype(int).tolist()]
    if first == second:
        fail("two consecutive calls with the same rng gave the same order of examples (N = 12, batch_size = 4): each "
             "call is an epoch and draws a new permutation from rng.")
    gen = np.random.default_rng(8)
    expected = (gen.permutation(12).tolist(), gen.permutation(12).tolist())
    if (first, second) != expected:
        fail(f"two consecutive calls gave the orders {first} and {second}, but should give {expected[0]} and "
             f"{expected[1]}: one rng.permutation(N) per call.")


@exercise("day13.iterate_minibatches")
def test_minibatches_is_a_generator(day13):
    X, y = labelled_set(10, seed=9)
    out = day13.probe(probes.is_lazy, X, y, 3, 10)
    if not out["untouched before the first batch"]:
        fail("iterate_minibatches drew from rng as soon as it was called, before the first batch was asked for: "
             "write it as a generator (a loop with `yield X_batch, y_batch`), which does its work batch by batch.")
    if out["first batch size"] != 3:
        fail(f"the first batch has {out['first batch size']} examples, expected batch_size = 3.")


@exercise("day13.iterate_minibatches")
def test_minibatches_leave_inputs_alone(day13):
    X, y = labelled_set(15, seed=11)
    out = day13.probe(probes.minibatches, X, y, 4, np.random.default_rng(12))
    expect_inputs_kept(out, X, y, " for N = 15 and batch_size = 4")


# =====================================================================================================
# FullyConnectedNet
# =====================================================================================================
def param_names(num_layers):
    return [f"{kind}{layer}" for layer in range(1, num_layers + 1) for kind in ("W", "b")]


def backward_order(num_layers):
    """W_L, b_L, ..., W1, b1: from the loss backwards, so the first failure is the first broken link."""
    return [f"{kind}{layer}" for layer in range(num_layers, 0, -1) for kind in ("W", "b")]


def net_fixture(dims, seed, N=4, scale=1.0):
    """Params (non-zero biases), X and y for a net with layer sizes ``dims`` (input first)."""
    gen = np.random.default_rng(seed)
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
        params[f"W{layer}"] = scale * gen.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
        params[f"b{layer}"] = 0.1 * gen.standard_normal(fan_out)
    X = gen.standard_normal((N, dims[0]))
    y = gen.integers(0, dims[-1], N)
    return params, X, y


def suite_net(params, X, y=None, keep_prob=1.0, reg=0.0, seed=None, *, dropout_in_test=False, relu_on_scores=False,
              reg_biases=False, reg_half=True, input_dropout=False):
    """The suite's own network in float64: scores (y None), or (loss, grads). Masks are
    ``rng.random(h.shape) < keep_prob`` after each hidden ReLU, drawn in layer order from default_rng(seed)."""
    num_layers = len(params) // 2
    train = y is not None
    rng = np.random.default_rng(seed)
    h, caches = np.asarray(X, dtype=float), []
    if input_dropout and keep_prob < 1.0 and train:
        h = h * (rng.random(h.shape) < keep_prob) / keep_prob
    for layer in range(1, num_layers):
        z = h @ params[f"W{layer}"] + params[f"b{layer}"]
        a = np.maximum(z, 0.0)
        mask = None
        if keep_prob < 1.0 and (train or dropout_in_test):
            mask = (rng.random(a.shape) < keep_prob) / keep_prob
            a = a * mask
        caches.append((h, z, mask))
        h = a
    scores = h @ params[f"W{num_layers}"] + params[f"b{num_layers}"]
    if relu_on_scores:
        scores = np.maximum(scores, 0.0)
    if not train:
        return scores
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    factor = 0.5 if reg_half else 1.0
    loss = -log_probs[rows, y].mean() + factor * reg * sum(np.sum(params[f"W{k}"] ** 2)
                                                           for k in range(1, num_layers + 1))
    if reg_biases:
        loss += factor * reg * sum(np.sum(params[f"b{k}"] ** 2) for k in range(1, num_layers + 1))
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    dscores /= len(y)
    grads = {f"W{num_layers}": h.T @ dscores, f"b{num_layers}": dscores.sum(axis=0)}
    dh = dscores @ params[f"W{num_layers}"].T
    for layer in range(num_layers - 1, 0, -1):
        h_in, z, mask = caches[layer - 1]
        if mask is not None:
            dh = dh * mask
        dz = dh * (z > 0)
        grads[f"W{layer}"], grads[f"b{layer}"] = h_in.T @ dz, dz.sum(axis=0)
        dh = dz @ params[f"W{layer}"].T
    for layer in range(1, num_layers + 1):
        grads[f"W{layer}"] = grads[f"W{layer}"] + reg * params[f"W{layer}"]
    return float(loss), grads


def built_params(day13, hidden_dims, **kwargs):
    """``FullyConnectedNet(hidden_dims, **kwargs).params``, or a failure saying what it is instead."""
    kwargs = dict(kwargs)
    if "dtype" in kwargs:
        kwargs["dtype"] = np.dtype(kwargs["dtype"]).name
    out = day13.probe(probes.new_net, list(hidden_dims), kwargs)
    params = out["params"]
    names = param_names(len(hidden_dims) + 1)
    settings = "".join(f", {k}={v!r}" for k, v in kwargs.items() if k != "rng")
    call = f"FullyConnectedNet({list(hidden_dims)}{settings})"
    if not isinstance(params, dict):
        fail(f"{call}.params is {describe_value(params)}; it must be a dict of arrays W1, b1, ..., "
             f"W{len(names) // 2}, b{len(names) // 2}.")
    if sorted(params) != sorted(names):
        fail(f"{call}.params has the keys {sorted(map(str, params))}, but should have {names}: one weight and one "
             f"bias per layer, {len(hidden_dims)} hidden layer{'s' if len(hidden_dims) != 1 else ''} plus the output "
             f"layer.")
    return out, params, call


def loss_and_grads(result, names, context):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"loss(X, y) returned {describe_value(result)}{context}; with labels it must return (loss, grads).")
    loss, grads = result
    if not isinstance(grads, dict) or sorted(grads) != sorted(names):
        keys = sorted(map(str, grads)) if isinstance(grads, dict) else describe_value(grads)
        fail(f"grads must be a dict keyed like params ({names}), but it is {keys}{context}.")
    if np.ndim(loss) != 0 or as_float(loss) is None:
        fail(f"the loss is {describe_value(loss)}{context}; it must be a single number.")
    return float(loss), grads


NET_DEPTHS = {"no hidden layer": [], "1 hidden layer": [6], "2 hidden layers": [6, 4], "3 hidden layers": [5, 4, 3]}


@exercise("day13.FullyConnectedNet")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("depth", list(NET_DEPTHS))
def test_net_params_names_shapes_and_dtypes(day13, depth, dtype):
    hidden = NET_DEPTHS[depth]
    _, params, call = built_params(day13, hidden, input_dim=7, num_classes=3, rng=np.random.default_rng(0),
                                   dtype=dtype)
    dims = [7, *hidden, 3]
    for layer, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
        for name, shape in ((f"W{layer}", (fan_in, fan_out)), (f"b{layer}", (fan_out,))):
            value = np.asarray(params[name])
            if value.shape != shape:
                fail(f"params['{name}'] has shape {value.shape} but should have {shape} for {call}: the layer sizes "
                     f"are {dims} (input_dim, the hidden sizes, num_classes).")
            if value.dtype != np.dtype(dtype):
                how = (" (convert the initial weights with .astype(dtype), create the biases with dtype=dtype)"
                       if dtype == "float32" else "")
                fail(f"params['{name}'] has dtype {value.dtype} for {call}; every parameter must be {dtype}{how}.",
                     names="cause" if how else "mismatch")
        expect_array(f"params['b{layer}']", params[f"b{layer}"], np.zeros(dims[layer]), atol=0, rtol=0,
                     context=f" for {call} (biases start at zero)")


@exercise("day13.FullyConnectedNet")
def test_net_defaults(day13):
    out = day13.probe(probes.new_net, [7], {})
    params = out["params"]
    if not isinstance(params, dict) or sorted(params) != ["W1", "W2", "b1", "b2"]:
        fail(f"FullyConnectedNet([7]).params is {describe_value(params)}; it must be a dict W1, b1, W2, b2.")
    for name, shape in (("W1", (784, 7)), ("b1", (7,)), ("W2", (7, 10)), ("b2", (10,))):
        value = np.asarray(params[name])
        if value.shape != shape or value.dtype != np.float64:
            fail(f"FullyConnectedNet([7]).params['{name}'] is {value.dtype} {value.shape}; with the defaults "
                 f"(input_dim=784, num_classes=10, dtype=np.float64) it must be float64 {shape}.")
    if not out["rng is a Generator"]:
        fail("FullyConnectedNet([7]).rng is not a numpy.random.Generator: with rng=None, store "
             "np.random.default_rng(), so dropout can draw its masks from self.rng.")
    if as_float(out["keep_prob"]) != 1.0 or as_float(out["reg"]) != 0.0:
        fail(f"FullyConnectedNet([7]) has keep_prob {out['keep_prob']!r} and reg {out['reg']!r}; the defaults are "
             f"1.0 and 0.0, stored as self.keep_prob and self.reg.")


INIT_STD = {"he": lambda fan_in, fan_out: math.sqrt(2.0 / fan_in),
            "xavier": lambda fan_in, fan_out: math.sqrt(2.0 / (fan_in + fan_out))}


@exercise("day13.FullyConnectedNet")
@pytest.mark.parametrize("init", ["he", "xavier"])
def test_net_init_statistics(day13, init):
    dims = [300, 200, 100, 50]
    _, params, call = built_params(day13, dims[1:-1], input_dim=300, num_classes=50, init=init,
                                   rng=np.random.default_rng(1))
    other = "xavier" if init == "he" else "he"
    formula = "sqrt(2 / fan_in)" if init == "he" else "sqrt(2 / (fan_in + fan_out))"
    for layer, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
        W = np.asarray(params[f"W{layer}"], dtype=float)
        want, std, mean = INIT_STD[init](fan_in, fan_out), float(W.std()), float(W.mean())
        error = want / math.sqrt(2 * W.size)  # the standard error of a sample std
        where = f"params['W{layer}'] ({fan_in}, {fan_out}) of {call}"
        if abs(mean) > INIT_STD_ERRORS * want / math.sqrt(W.size):
            fail(f"{where} has mean {mean:.4g}; initial weights are drawn around 0.")
        if abs(std - want) <= INIT_STD_ERRORS * error:
            continue
        others = [(INIT_STD[other](fan_in, fan_out), f"that is the {other} std: init='{init}' must use "
                                                     f"{'he_init' if init == 'he' else 'xavier_init'}"),
                  (want ** 2, "that is the variance, not the standard deviation")]
        hits = [why for value, why in others if abs(std - value) <= INIT_STD_ERRORS * error and
                abs(value - want) > 2 * INIT_STD_ERRORS * error]
        cause = hits[0] if len(hits) == 1 else None
        fail(f"{where} has standard deviation {std:.4g}, but init='{init}' gives {formula} = {want:.4g}"
             f"{': ' + cause if cause else ''}.", names="cause" if cause else "mismatch")


@exercise("day13.FullyConnectedNet")
def test_net_init_draws_from_rng(day13):
    kwargs = {"input_dim": 6, "num_classes": 3}
    _, first, _ = built_params(day13, [5, 4], rng=np.random.default_rng(2), **kwargs)
    _, second, _ = built_params(day13, [5, 4], rng=np.random.default_rng(2), **kwargs)
    _, other, _ = built_params(day13, [5, 4], rng=np.random.default_rng(3), **kwargs)
    for name in param_names(3):
        expect_array(f"params['{name}'] (second net, same seed)", second[name], first[name], atol=0, rtol=0,
                     context="; the same rng seed must give the same network")
    if np.array_equal(first["W1"], other["W1"]) or np.array_equal(first["W3"], other["W3"]):
        fail("two different rng seeds gave the same weights; draw every initial weight from the rng argument "
             "(self.rng).", names="cause")


@exercise("day13.FullyConnectedNet")
def test_net_rejects_an_unknown_init(day13):
    raised = day13.probe(probes.net_bad_init)["raised"]
    if raised != "ValueError":
        what = "nothing was raised" if raised is None else f"it raised {raised}"
        fail(f"FullyConnectedNet([3], input_dim=4, num_classes=2, init='kaiming'): {what}; an init other than 'he' "
             f"or 'xavier' must raise a ValueError saying so, instead of quietly picking one.")


def net_loss(day13, params, X, y, hidden, keep_prob, reg, seed, dtype="float64"):
    return day13.probe(probes.net_loss, params, X, y, list(hidden), keep_prob, reg, seed, dtype)


@exercise("day13.FullyConnectedNet")
@pytest.mark.parametrize("depth", ["1 hidden layer", "3 hidden layers"])
def test_net_scores_in_test_mode(day13, depth):
    hidden = NET_DEPTHS[depth]
    params, X, _ = net_fixture([5, *hidden, 3], 10)
    scores = net_loss(day13, params, X, None, hidden, 0.5, 0.3, 11)
    expected = suite_net(params, X)
    context = f" for a net with {depth}, keep_prob = 0.5, X {X.shape}; y None asks for test-mode scores"
    cause = the_one_matching(scores, expected, [
        (suite_net(params, X, keep_prob=0.5, seed=11, dropout_in_test=True),
         "they are the scores with dropout masks applied: at test time (y None) dropout is the identity, "
         "dropout_forward(h, keep_prob, False, rng)"),
        (suite_net(params, X, relu_on_scores=True), "every negative score came back as 0: there is a ReLU on the "
                                                     "output scores; the last layer is a plain affine_forward"),
    ])
    if cause:
        fail(f"the scores are wrong{context}: {cause}.", names="cause")
    expect_array("scores", scores, expected, context=context)


@exercise("day13.FullyConnectedNet")
@pytest.mark.parametrize("keep_prob", [1.0, 0.6])
def test_net_loss_reference_value(day13, keep_prob):
    hidden = [6, 4]
    params, X, y = net_fixture([5, *hidden, 3], 12, N=6)
    reg, seed = 0.3, 13
    result = net_loss(day13, params, X, y, hidden, keep_prob, reg, seed)
    loss, _ = loss_and_grads(result, param_names(3), "")
    expected, _ = suite_net(params, X, y, keep_prob, reg, seed)
    data_loss = suite_net(params, X, y, keep_prob, 0.0, seed)[0]
    weights = sum(float(np.sum(params[f"W{k}"] ** 2)) for k in (1, 2, 3))
    context = (f" for a net with 2 hidden layers, X {X.shape}, reg = {reg}, keep_prob = {keep_prob}"
               + (f" and model.rng = default_rng({seed}) (masks rng.random(h.shape) < keep_prob after each hidden "
                  f"ReLU, in layer order)" if keep_prob < 1 else ""))
    explanations = [
        (data_loss, "that is the data loss alone: add 0.5 * reg * sum(W**2) for every weight matrix"),
        (data_loss + reg * weights, "the L2 penalty is reg * sum(W**2), twice the convention 0.5 * reg * sum(W**2)"),
        (suite_net(params, X, y, keep_prob, reg, seed, reg_biases=True)[0],
         "the L2 penalty also covers the biases; regularise the weights W1, W2, ... only"),
        (data_loss + 0.5 * reg * float(np.sum(params["W3"] ** 2)),
         "the penalty holds only the last weight matrix: add up 0.5 * reg * sum(W**2) over every layer (+=, not =)"),
        (data_loss + 0.5 * reg * float(np.sum(params["W1"] ** 2)),
         "the penalty holds only W1: add up 0.5 * reg * sum(W**2) over every layer"),
    ]
    if keep_prob < 1:
        explanations += [
            (suite_net(params, X, y, 1.0, reg)[0], "that is the loss without dropout: in training mode (y given) "
                                                   "apply dropout after every hidden ReLU"),
            (suite_net(params, X, y, 1.0 - keep_prob, reg, seed)[0],
             f"that is the loss with keep probability 1 - keep_prob = {1 - keep_prob:g}: dropout_forward takes the "
             f"probability of keeping a unit, so pass self.keep_prob itself"),
            (suite_net(params, X, y, keep_prob, reg, seed, input_dropout=True)[0],
             "that is the loss with dropout on the input X as well: apply dropout only after each hidden ReLU"),
        ]
    cause = the_one_matching(loss, expected, explanations, atol=1e-9, rtol=1e-9)
    if cause:
        fail(f"loss is {loss:.10g}{context}, expected {expected:.10g}: {cause}.", names="cause")
    expect_scalar("loss", loss, expected, atol=LOSS_ATOL, context=context)


@exercise("day13.FullyConnectedNet")
@pytest.mark.parametrize("depth", ["1 hidden layer", "2 hidden layers", "3 hidden layers"])
def test_net_gradient_with_dropout_and_reg(day13, depth):
    hidden = NET_DEPTHS[depth]
    params, X, y = net_fixture([5, *hidden, 3], 20 + len(hidden), N=4)
    keep_prob, reg, seed = 0.6, 0.25, 30 + len(hidden)
    names = param_names(len(hidden) + 1)
    context = (f" for a net with {depth}, X {X.shape}, keep_prob = {keep_prob}, reg = {reg}, model.rng reset to "
               f"default_rng({seed}) before each evaluation")
    loss, grads = loss_and_grads(net_loss(day13, params, X, y, hidden, keep_prob, reg, seed), names, context)
    again, _ = loss_and_grads(net_loss(day13, params, X, y, hidden, keep_prob, reg, seed), names, context)
    if again != loss:
        fail(f"the loss is {loss!r} in one evaluation and {again!r} in the next{context}: with model.rng reset to the "
             f"same seed, the loss must repeat exactly, or no numerical gradient can be taken. Draw every dropout "
             f"mask from self.rng, read at the call.", names="cause")
    loss_of = day13.probed(probes.net_loss)
    named = []
    for name in backward_order(len(hidden) + 1):
        numerical = numerical_gradient_of(loss_of, (params, X, y, list(hidden), keep_prob, reg, seed),
                                          wrt=(0, name), output=0)
        named.append((f"grads['{name}']", grads[name], numerical))
    for label, analytic, numerical in named:  # name the L2 slips first: they are off by exactly reg * W or reg * b
        name = label[7:-2]
        if same(analytic, numerical):
            continue
        if name.startswith("W") and same(analytic, numerical - reg * params[name]):
            fail(f"{label}{context} is the numerical gradient minus exactly reg * {name}: the L2 term reg * {name} "
                 f"is missing from the gradient (or the penalty in the loss is reg * sum(W**2) instead of "
                 f"0.5 * reg * sum(W**2)).", names="pattern")
        if name.startswith("b") and same(analytic, numerical + reg * params[name]):
            fail(f"{label}{context} is the numerical gradient plus exactly reg * {name}: the biases are not "
                 f"regularised; add reg * W to the weight gradients only.", names="cause")
        break
    check_gradients(named, tol=DEEP_GRAD_TOL, batch_size=X.shape[0], context=context)


@exercise("day13.FullyConnectedNet")
def test_net_gradient_at_a_relu_kink(day13):
    # W1 = I and b1 = 0 make the hidden pre-activations the shared KINK_X, two of them exactly 0, where
    # ReLU's derivative is 0; the suite's own backward pass gives the exact gradients.
    params = {"W1": np.eye(3), "b1": np.zeros(3), "W2": np.array([[1.0, -2.0], [3.0, 1.0], [-1.0, 0.5]]),
              "b2": np.array([0.1, -0.1])}
    X, y = KINK_X.copy(), np.array([1, 0])
    context = (f" for a net with 1 hidden layer whose hidden pre-activations are {KINK_X.tolist()} (two exactly at "
               f"ReLU's kink), reg = 0.1")
    loss, grads = loss_and_grads(net_loss(day13, params, X, y, [3], 1.0, 0.1, 0), param_names(2), context)
    expected_loss, expected = suite_net(params, X, y, 1.0, 0.1)
    expect_scalar("loss", loss, expected_loss, atol=LOSS_ATOL, context=context)
    for name in backward_order(2):
        expect_array(f"grads['{name}']", grads[name], expected[name],
                     context=context + ": ReLU's derivative at exactly 0 is 0 (the mask is z > 0)")


@exercise("day13.FullyConnectedNet")
def test_net_stays_exact_on_extreme_scores(day13):
    # The second layer turns the hidden units [1, 1] into scores [1000, 0, -1000] for every example.
    params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]]),
              "b2": np.zeros(3)}
    X, y = np.tile([1.0, 1.0], (3, 1)), np.array([0, 1, 2])
    context = " for scores [1000, 0, -1000] in every row, each class correct once (reg = 0)"
    scores = net_loss(day13, params, X, None, [2], 1.0, 0.0, 0)
    expect_array("scores", scores, np.tile(EXTREME_LOGITS, (3, 1)), context=context)
    loss, grads = loss_and_grads(net_loss(day13, params, X, y, [2], 1.0, 0.0, 0), param_names(2), context)
    expect_scalar("loss", loss, float(np.mean(EXTREME_LOGITS_LOSS)), atol=LOSS_ATOL,
                  context=context + ": the mean of -log softmax, (0 + 1000 + 2000) / 3")
    _, expected = suite_net(params, X, y)
    for name in backward_order(2):
        expect_array(f"grads['{name}']", grads[name], expected[name], context=context)


@exercise("day13.FullyConnectedNet")
def test_net_masks_come_from_model_rng(day13):
    hidden = [6, 4]
    params, X, y = net_fixture([5, *hidden, 3], 40, N=5)
    out = day13.probe(probes.net_repeatability, params, X, y, hidden, 0.5, 0.1, 41)
    first, second, third = (as_float(out[k]) for k in ("first", "second", "third"))
    if first != second:
        fail(f"two training calls of loss(X, y), each after model.rng = np.random.default_rng(41), gave the losses "
             f"{first!r} and {second!r} (keep_prob = 0.5): draw every dropout mask from self.rng, read at the call "
             f"(not an rng kept from __init__, nor a new one), so that resetting model.rng repeats the masks.",
             names="cause")
    if first == third:
        fail(f"a training call right after another gave the same loss {first!r} with keep_prob = 0.5: each call must "
             f"draw new dropout masks from self.rng.")


@exercise("day13.FullyConnectedNet")
def test_net_draws_nothing_without_dropout(day13):
    hidden = [6]
    params, X, y = net_fixture([5, *hidden, 3], 42, N=5)
    untouched = float(np.random.default_rng(43).random())
    no_dropout = day13.probe(probes.net_draws, params, X, y, hidden, 1.0, 43)
    if no_dropout["after a training call"] != untouched:
        fail("with keep_prob = 1.0 a training call drew from model.rng: there is no dropout layer then, so call "
             "dropout_forward only when keep_prob < 1 (every draw costs time, for a mask of all ones).")
    with_dropout = day13.probe(probes.net_draws, params, X, y, hidden, 0.5, 43)
    if with_dropout["after a test call"] != untouched:
        fail("with keep_prob = 0.5 a test-mode call (y None) drew from model.rng: at test time there is no dropout, "
             "so no mask is drawn (dropout_forward(h, keep_prob, False, rng) is the identity).")
    if with_dropout["after a training call"] == untouched:
        fail("with keep_prob = 0.5 a training call drew nothing from model.rng: the dropout masks must come from "
             "self.rng.", names="cause")


@exercise("day13.FullyConnectedNet")
def test_net_float32_throughout(day13):
    hidden = [6, 4]
    params, X, y = net_fixture([5, *hidden, 3], 44, N=5)
    keep_prob, reg, seed = 0.7, 0.2, 45
    out = day13.probe(probes.net_float32, params, X, y, hidden, keep_prob, reg, seed)
    where = " in a net built with dtype=np.float32, keep_prob=np.float64(0.7), reg=np.float64(0.2)"
    wrong = {name: dtype for name, dtype in out["built dtypes"].items() if dtype != "float32"}
    if wrong:
        fail(f"the params {wrong} are not float32{where}: convert the initial weights with .astype(dtype) and "
             f"create the biases with np.zeros(fan_out, dtype=dtype).", names="cause")
    if out["scores dtype, float32 X"] != "float32":
        fail(f"the scores of a float32 X are {out['scores dtype, float32 X']}{where}: some array of the forward "
             f"pass is float64 (a layer, or a NumPy float64 scalar such as reg or keep_prob).")
    if out["scores dtype, float64 X"] != "float32":
        fail(f"the scores of a float64 X are {out['scores dtype, float64 X']}{where}: convert X to self.dtype at the "
             f"start of loss (X.astype(self.dtype, copy=False)); otherwise one float64 input makes the whole "
             f"computation float64, twice as slow.", names="cause")
    for key in ("grads dtypes", "grads dtypes, float64 X"):
        wrong = {name: dtype for name, dtype in out[key].items() if dtype != "float32"}
        if wrong:
            fail(f"the gradients {wrong} are not float32{where}, given keep_prob and reg as NumPy float64 scalars"
                 f"{' and a float64 X' if 'X' in key else ''}: a float64 array or scalar enters the computation. "
                 f"Store them as Python floats, self.reg = float(reg) (a NumPy float64 scalar times a float32 array "
                 f"is float64); a dropout mask divided as float64 does it too.")
    if out["loss type"] != "float":
        fail(f"the loss is a {out['loss type']}{where}; return a Python float: float(loss).")
    expect_array("scores (float32)", out["scores"], suite_net(params, X), rtol=FLOAT32_RTOL, atol=FLOAT32_ATOL,
                 context=where)
    loss, grads = suite_net(params, X, y, keep_prob, reg, seed)
    expect_scalar("loss (float32)", out["loss"], loss, atol=FLOAT32_ATOL, rtol=FLOAT32_RTOL, context=where)
    for name in backward_order(3):
        expect_array(f"grads['{name}'] (float32)", out["grads"][name], grads[name], rtol=FLOAT32_RTOL,
                     atol=FLOAT32_ATOL, context=where)


@exercise("day13.FullyConnectedNet")
def test_net_leaves_inputs_alone(day13):
    hidden = [4]
    params, X, y = net_fixture([5, *hidden, 3], 46)
    X_before, y_before = X.copy(), y.copy()
    day13.probe(probes.net_loss, params, X, y, hidden, 0.5, 0.1, 47)
    expect_unchanged("X", X_before, X)
    expect_unchanged("y", y_before, y)


# =====================================================================================================
# evaluate
# =====================================================================================================
def scored_set(n, num_classes, correct_rows, seed):
    """X whose first ``num_classes`` columns are the scores; y right exactly on ``correct_rows``."""
    gen = np.random.default_rng(seed)
    X = gen.standard_normal((n, num_classes + 1))
    predicted = np.argmax(X[:, :num_classes], axis=1)
    y = (predicted + 1 + gen.integers(0, num_classes - 1, n)) % num_classes
    y[correct_rows] = predicted[correct_rows]
    return X, y


def evaluate_recorded(day13, X, y, num_classes, batch_size=None):
    out = day13.probe(probes.evaluate_recorded, X, y, num_classes, batch_size)
    accuracy = out["accuracy"]
    if np.ndim(accuracy) != 0 or as_float(accuracy) is None:
        fail(f"evaluate returned {describe_value(accuracy)}; it must return the accuracy, one number.")
    return float(accuracy), out


@exercise("day13.evaluate")
def test_evaluate_accuracy(day13):
    # 25 examples in batches of 10, 10 and 5: right on all of the first 20 and on 1 of the last 5.
    correct = np.r_[np.arange(20), 22]
    X, y = scored_set(25, 4, correct, 1)
    accuracy, out = evaluate_recorded(day13, X, y, 4, 10)
    expected = 21 / 25
    context = " for 25 examples, 21 of them right, batch_size = 10 (batches of 10, 10 and 5)"
    cause = the_one_matching(accuracy, expected, [
        ((1.0 + 1.0 + 0.2) / 3, "that is the mean of the three batch accuracies (1, 1, 0.2), which weighs the last "
                                "batch of 5 like a full one: count the right answers over all batches, then divide "
                                "once by N"),
        (1.0, "that is the accuracy of the first 20 examples only: the last, smaller batch was dropped; loop with "
              "range(0, N, batch_size)"),
        (20 / 25, "that is 20 right answers out of 25: the last, smaller batch was never evaluated; loop with "
                  "range(0, N, batch_size)"),
        (21.0, "that is the number of right answers: divide by N"),
    ])
    if cause:
        fail(f"evaluate returned {accuracy:.6g}{context}, expected {expected:.6g}: {cause}.", names="cause")
    expect_scalar("accuracy", accuracy, expected, atol=1e-12, context=context)


@exercise("day13.evaluate")
@pytest.mark.parametrize("n, batch_size", [(25, 10), (2500, None), (7, 7)],
                         ids=["25 by 10", "2500 by the default", "7 by 7"])
def test_evaluate_works_in_batches_in_test_mode(day13, n, batch_size):
    X, y = scored_set(n, 3, np.arange(0, n, 2), 2)
    _, out = evaluate_recorded(day13, X, y, 3, batch_size)
    size = batch_size or 1000
    full, rest = divmod(n, size)
    wanted = [size] * full + ([rest] if rest else [])
    sizes = list(out["sizes"])
    context = f" for N = {n} and batch_size = {batch_size if batch_size else '1000 (the default)'}"
    if any(mode != "test" for mode in out["modes"]):
        fail(f"evaluate called model.loss with labels{context}: that is training mode (loss and gradients, "
             f"dropout on); call model.loss(X_batch) without y to get test-mode scores.", names="cause")
    if sizes == [n] and wanted != [n]:
        fail(f"evaluate passed all {n} examples to model.loss in one call{context}: go through X in slices of "
             f"batch_size rows (the argument, not a fixed number), so the memory used does not grow with N.",
             names="cause")
    if sizes != wanted:
        fail(f"evaluate called model.loss on batches of {sizes}{context}, expected {wanted}: consecutive slices of "
             f"batch_size rows, the last one smaller.")


@exercise("day13.evaluate")
def test_evaluate_ties_go_to_the_first_class(day13):
    X = np.hstack([TIED_SCORES, np.zeros((3, 1))])
    for label, y in (("predicted classes", TIED_PREDICTION), ("other classes", (TIED_PREDICTION + 1) % 3)):
        accuracy, _ = evaluate_recorded(day13, X, np.asarray(y), 3, 2)
        expected = 1.0 if label == "predicted classes" else 0.0
        expect_scalar("accuracy", accuracy, expected, atol=1e-12,
                      context=f" for the tied scores {TIED_SCORES.tolist()} with y = {np.asarray(y).tolist()}: the "
                              f"predicted class is the first of the tied ones (np.argmax along axis 1)")


@exercise("day13.evaluate")
def test_evaluate_leaves_inputs_alone(day13):
    X, y = scored_set(9, 3, np.arange(4), 3)
    _, out = evaluate_recorded(day13, X, y, 3, 4)
    expect_unchanged("X", X, out["X"])
    expect_unchanged("y", y, out["y"])


# =====================================================================================================
# train
# =====================================================================================================
HISTORY_KEYS = ("loss", "train_acc", "val_acc", "best_val_acc", "best_epoch")


def suite_evaluate(model, X, y, batch_size=1000):
    correct = 0
    for start in range(0, X.shape[0], batch_size):
        scores = model.loss(X[start:start + batch_size])
        correct += int(np.sum(np.argmax(scores, axis=1) == y[start:start + batch_size]))
    return correct / X.shape[0]


def reference_train(model, data, rule, config=None, *, epochs=10, batch_size=100, rng=None, schedule=None,
                    patience=None, num_train_samples=1000):
    """The suite's training loop, as train's docstring says (no progress bar): the history."""
    X_train, y_train, X_val, y_val = data["X_train"], data["y_train"], data["X_val"], data["y_val"]
    configs = {name: copy.deepcopy(config) if config is not None else {} for name in model.params}
    num_fit = X_train.shape[0] if num_train_samples is None else num_train_samples
    history = {"loss": [], "train_acc": [], "val_acc": [], "best_val_acc": None, "best_epoch": None}
    best, step = None, 0
    rng = np.random.default_rng(0) if rng is None else rng  # the checks give it None only with one batch per epoch
    for epoch in range(epochs):
        order = rng.permutation(X_train.shape[0])
        for start in range(0, X_train.shape[0], batch_size):
            rows = order[start:start + batch_size]
            loss, grads = model.loss(X_train[rows], y_train[rows])
            history["loss"].append(float(loss))
            if schedule is not None:
                for name in configs:
                    configs[name]["learning_rate"] = schedule(step)
            for name in configs:
                model.params[name], configs[name] = rule(model.params[name], grads[name], configs[name])
            step += 1
        history["train_acc"].append(suite_evaluate(model, X_train[:num_fit], y_train[:num_fit]))
        history["val_acc"].append(suite_evaluate(model, X_val, y_val))
        if history["best_val_acc"] is None or history["val_acc"][-1] > history["best_val_acc"]:
            history["best_val_acc"], history["best_epoch"] = history["val_acc"][-1], epoch
            best = {name: value.copy() for name, value in model.params.items()}
        if patience is not None and epoch - history["best_epoch"] >= patience:
            break
    if patience is not None and best is not None:
        model.params.update(best)
    return history


def history_of(out, context):
    history = out["history"]
    if not isinstance(history, dict):
        fail(f"train returned {describe_value(history)}{context}; it must return the history dict with the keys "
             f"{list(HISTORY_KEYS)}.")
    missing = [key for key in HISTORY_KEYS if key not in history]
    if missing:
        fail(f"the history has no {missing}{context}; train's docstring lists the keys {list(HISTORY_KEYS)}.")
    for key in ("loss", "train_acc", "val_acc"):
        value = history[key]
        if not isinstance(value, (list, tuple, np.ndarray)) or np.ndim(value) != 1:
            fail(f"history['{key}'] is {describe_value(value)}{context}; it must be a list of numbers.")
    return history


# Scenario A: a real softmax classifier, a stateful rule that returns new configs, and a schedule.
SOFTMAX_SIZES = {"num_train": 23, "num_val": 9, "num_features": 5, "num_classes": 3}


def softmax_setup(seed=0):
    data = probes.id_data(SOFTMAX_SIZES["num_train"], SOFTMAX_SIZES["num_val"], SOFTMAX_SIZES["num_features"],
                          SOFTMAX_SIZES["num_classes"], seed)
    gen = np.random.default_rng(seed + 100)
    initial = {"W1": 0.1 * gen.standard_normal((4, 3)), "b1": np.zeros(3)}
    return data, initial


def run_softmax(day13, rule, config, kwargs, reg=0.05, seed=0):
    """The learner's train and the suite's on the same SoftmaxModel run: ``(learner's outputs, expected)``."""
    data, initial = softmax_setup(seed)
    learner_kwargs = dict(kwargs)
    if "seed" in learner_kwargs:
        learner_kwargs["rng"] = np.random.default_rng(learner_kwargs.pop("seed"))
    out = day13.probe(probes.train_softmax, data, initial, reg, rule, config, learner_kwargs)
    probes.RULE_LOG.clear()
    model = probes.SoftmaxModel(initial, reg)
    reference_kwargs = dict(kwargs)
    if "seed" in reference_kwargs:
        reference_kwargs["rng"] = np.random.default_rng(reference_kwargs.pop("seed"))
    history = reference_train(model, data, rule, copy.deepcopy(config), **reference_kwargs)
    expected = {"history": history, "params": model.params, "calls": model.calls, "rule log": probes._rule_log()}
    return out, expected, data


SCENARIO_A = {"epochs": 3, "batch_size": 5, "seed": 1, "schedule": probes.decaying_schedule, "num_train_samples": 10}
A_CONFIG = {"learning_rate": 0.1, "momentum": 0.5}
A_CONTEXT = (" (a softmax classifier on 23 training and 9 validation examples, epochs = 3, batch_size = 5, "
             "rng = default_rng(1), schedule(step) = 0.5 * 0.8**step, num_train_samples = 10, a momentum rule "
             "that returns a new config each call)")


def training_calls(calls):
    """The ids of each training call, in order."""
    return [list(np.asarray(ids).tolist()) for kind, ids in calls if kind == "train"]


def expect_training_batches(out, expected, context, epochs):
    got, want = training_calls(out["calls"]), training_calls(expected["calls"])
    if got == want:
        return
    per_epoch = len(want) // epochs
    if len(got) == per_epoch and epochs > 1:
        fail(f"model.loss(X, y) was called {len(got)} times, the minibatches of one epoch only{context}: create the "
             f"generator anew in every epoch, `for X_batch, y_batch in iterate_minibatches(...)` inside the epoch "
             f"loop; a generator is used up after one pass.", names="cause")
    if len(got) != len(want):
        fail(f"model.loss(X, y) was called {len(got)} times{context}, but should be called {len(want)} times: "
             f"{per_epoch} minibatches in each of {epochs} epochs.")
    k = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b)
    fail(f"training call {k} (epoch {k // per_epoch}) got the examples {show(got[k])}, but should get "
         f"{show(want[k])}{context}: every epoch takes its minibatches from iterate_minibatches(X_train, y_train, "
         f"batch_size, rng), with the rng given to train and nothing else drawn from it.")


@exercise("day13.train")
def test_train_history_has_one_loss_per_iteration(day13):
    out, expected, _ = run_softmax(day13, probes.logging_momentum, A_CONFIG, SCENARIO_A)
    history = history_of(out, A_CONTEXT)
    want = expected["history"]
    for key in ("loss", "train_acc", "val_acc"):
        if len(history[key]) != len(want[key]):
            per = "iteration" if key == "loss" else "epoch"
            epoch_mistake = key == "loss" and len(history[key]) == SCENARIO_A["epochs"]
            fail(f"history['{key}'] has {len(history[key])} entries{A_CONTEXT}, but should have {len(want[key])}: "
                 f"one per {per}"
                 + (" (5 minibatches in each of 3 epochs). Append every minibatch's loss, not one per epoch."
                    if epoch_mistake else "."), names="cause" if epoch_mistake else "mismatch")


@exercise("day13.train")
def test_train_uses_each_epochs_minibatches(day13):
    out, expected, _ = run_softmax(day13, probes.logging_momentum, A_CONFIG, SCENARIO_A)
    history_of(out, A_CONTEXT)
    expect_training_batches(out, expected, A_CONTEXT, SCENARIO_A["epochs"])


@exercise("day13.train")
def test_train_gives_every_parameter_its_own_config(day13):
    out, expected, _ = run_softmax(day13, probes.logging_momentum, A_CONFIG, SCENARIO_A)
    history_of(out, A_CONTEXT)
    expect_training_batches(out, expected, A_CONTEXT, SCENARIO_A["epochs"])
    log, want = out["rule log"], expected["rule log"]
    sizes, steps = np.asarray(log["sizes"]), np.asarray(log["t"])
    if len(sizes) != len(want["sizes"]):
        fail(f"the rule was called {len(sizes)} times{A_CONTEXT}, but should be called {len(want['sizes'])} times: "
             f"once per parameter (W1 and b1) per iteration.")
    for size, name in ((12, "W1"), (3, "b1")):
        seen = steps[sizes == size].astype(int).tolist()
        wanted = list(range(1, len(seen) + 1))
        if seen == wanted:
            continue
        if seen and all(t == 1 for t in seen):
            fail(f"the config the rule returns for {name} never reached its next call: its step count t stayed at 1"
                 f"{A_CONTEXT}. Keep what the rule returns, model.params[name], configs[name] = rule(...): a rule "
                 f"may return a new dict holding the new state.", names="cause")
        fail(f"{name}'s config counted the steps {seen[:8]}, expected {wanted[:8]}{A_CONTEXT}: its config also "
             f"counted another parameter's steps, so the parameters share one config (and its velocity). Give "
             f"every parameter its own deep copy of config before training.", names="cause")
    if out["config"] != A_CONFIG:
        fail(f"the config passed to train is {out['config']} afterwards, but was {A_CONFIG}{A_CONTEXT}: train must "
             f"not modify it; give every parameter a copy (copy.deepcopy(config)).", names="cause")


@exercise("day13.train")
def test_train_follows_the_schedule_per_iteration(day13):
    out, expected, _ = run_softmax(day13, probes.logging_momentum, A_CONFIG, SCENARIO_A)
    history_of(out, A_CONTEXT)
    got = np.asarray(out["rule log"]["learning_rates"])[::2]
    want = np.asarray(expected["rule log"]["learning_rates"])[::2]
    if got.shape != want.shape:
        fail(f"the rule was called {2 * len(got)} times{A_CONTEXT}, but should be called {2 * len(want)} times.")
    context = A_CONTEXT + "; one learning rate per iteration, for iterations 0, 1, 2, ..."
    per_epoch = np.array([probes.decaying_schedule(k // 5) for k in range(15)])
    cause = the_one_matching(got, want, [
        (np.full(15, A_CONFIG["learning_rate"]), "that is config's learning rate throughout: the schedule was not "
                                                 "used; write config['learning_rate'] = schedule(step) into every "
                                                 "parameter's config before its update"),
        (per_epoch, "the rate changes once per epoch: schedule(step) takes the iteration, counted from 0 over the "
                    "whole run, not the epoch"),
        (np.array([probes.decaying_schedule(k + 1) for k in range(15)]), "the steps are counted from 1: the first "
                                                                          "iteration is step 0"),
    ])
    if cause:
        fail(f"the rule was given the learning rates {np.round(got[:6], 4).tolist()}, ...{A_CONTEXT}: {cause}.",
             names="cause")
    expect_array("learning rates given to the rule", got, want, context=context)


@exercise("day13.train")
def test_train_history_values_and_final_params(day13):
    out, expected, data = run_softmax(day13, probes.logging_momentum, A_CONFIG, SCENARIO_A)
    history = history_of(out, A_CONTEXT)
    expect_training_batches(out, expected, A_CONTEXT, SCENARIO_A["epochs"])
    want = expected["history"]
    final = out["params"]
    if isinstance(final, dict) and "W1" in final and same(final["W1"], softmax_setup()[1]["W1"]):
        fail(f"model.params['W1'] is still the initial weight after training{A_CONTEXT}: write every update back, "
             f"model.params[name] = the rule's next_w.", names="cause")
    expect_array("history['loss']", history["loss"], want["loss"], context=A_CONTEXT)
    for name in ("W1", "b1"):
        expect_array(f"model.params['{name}'] after training", final[name], expected["params"][name],
                     context=A_CONTEXT)
    model = probes.SoftmaxModel(expected["params"])
    all_train = [suite_evaluate(model, data["X_train"], data["y_train"])]
    cause = the_one_matching(history["train_acc"][-1:], want["train_acc"][-1:], [
        (all_train, "that is the accuracy on all 23 training examples: measure it on the first num_train_samples "
                    "(10) only"),
        (want["val_acc"][-1:], "that is the validation accuracy: train_acc is measured on the training examples"),
    ])
    if cause:
        fail(f"history['train_acc'] is wrong{A_CONTEXT}: {cause}.", names="cause")
    expect_array("history['train_acc']", history["train_acc"], want["train_acc"], context=A_CONTEXT)
    expect_array("history['val_acc']", history["val_acc"], want["val_acc"], context=A_CONTEXT)
    expect_scalar("history['best_val_acc']", history["best_val_acc"], want["best_val_acc"], atol=1e-12,
                  context=A_CONTEXT)
    if history["best_epoch"] != want["best_epoch"]:
        fail(f"history['best_epoch'] is {history['best_epoch']!r}, expected {want['best_epoch']}{A_CONTEXT}: the "
             f"first epoch, counted from 0, with the highest validation accuracy.")


@exercise("day13.train")
def test_train_defaults(day13):
    # train(model, data, sgd): 10 epochs of one batch each (batch_size 100 > 23), sgd with its default rate 1e-2;
    # with rng None the order of the examples in that batch is random, which changes the loss only by rounding.
    context = (" for train(model, data, sgd) with every default (config None: sgd's default learning rate 1e-2; "
               "epochs 10; batch_size 100, so one batch of all 23 examples per epoch; rng None)")
    out, expected, _ = run_softmax(day13, probes.sgd, None, {})
    history = history_of(out, context)
    if len(history["loss"]) != 10 or len(history["val_acc"]) != 10:
        fail(f"the history has {len(history['loss'])} losses and {len(history['val_acc'])} validation accuracies"
             f"{context}, expected 10 of each.")
    # The order within the one batch does not change its mean loss: only the rounding can differ.
    expect_array("history['loss']", history["loss"], expected["history"]["loss"], rtol=1e-9, atol=1e-12,
                 context=context)
    for name in ("W1", "b1"):
        expect_array(f"model.params['{name}'] after training", out["params"][name], expected["params"][name],
                     rtol=1e-9, atol=1e-12, context=context)


@exercise("day13.train")
@pytest.mark.parametrize("epochs", [1, 4])
def test_train_runs_the_given_epochs(day13, epochs):
    kwargs = {"epochs": epochs, "batch_size": 8, "seed": 2, "num_train_samples": None}
    context = (f" for epochs = {epochs}, batch_size = 8 (3 minibatches per epoch), num_train_samples = None (the "
               f"training accuracy on all 23) and no early stopping")
    out, expected, _ = run_softmax(day13, probes.sgd, {"learning_rate": 0.2}, kwargs)
    history = history_of(out, context)
    if len(history["val_acc"]) != epochs:
        fail(f"the history has {len(history['val_acc'])} validation accuracies{context}; train must run exactly "
             f"{epochs} epoch{'s' if epochs > 1 else ''} (for epoch in range(epochs)).")
    expect_training_batches(out, expected, context, epochs)
    expect_array("history['loss']", history["loss"], expected["history"]["loss"], context=context)
    expect_array("model.params['W1'] after training", out["params"]["W1"], expected["params"]["W1"], context=context)
    expect_array("history['train_acc']", history["train_acc"], expected["history"]["train_acc"], context=context)


@exercise("day13.train")
def test_train_leaves_config_and_data_alone(day13):
    config = {"learning_rate": 0.1, "momentum": 0.5}
    out, _, data = run_softmax(day13, probes.logging_momentum, config, SCENARIO_A)
    if out["config"] != config:
        fail(f"the config passed to train is {out['config']} afterwards, but was {config}: train must not modify "
             f"it; give every parameter a copy (copy.deepcopy(config)).", names="cause")
    for key in ("X_train", "y_train", "X_val", "y_val"):
        expect_unchanged(f"data['{key}']", data[key], out["data"][key])


# Scenario B: a model whose validation accuracy follows a script, for early stopping.
CLOCK_LABELS = np.arange(30) % 3
CLOCK_TRAIN, CLOCK_BATCH = 20, 6  # 4 minibatches per epoch
CLOCK_TRAIN_SCRIPT = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
#: A rise, a peak at epoch 2, a tie at epoch 3, a fall, then a higher peak at epoch 5 that patience 2 never reaches.
CLOCK_VAL_SCRIPT = [0.2, 0.5, 0.7, 0.7, 0.6, 0.8, 0.9, 0.9]


def run_clock(day13, epochs, patience, val_script=CLOCK_VAL_SCRIPT):
    kwargs = {"epochs": epochs, "patience": patience, "rng": np.random.default_rng(3)}
    out = day13.probe(probes.train_clock, CLOCK_LABELS, CLOCK_TRAIN, CLOCK_BATCH, CLOCK_TRAIN_SCRIPT, val_script,
                      kwargs)
    accs = [round(v, 1) for v in val_script[:epochs]]
    context = (f" for epochs = {epochs}, patience = {patience}, on a model whose validation accuracy after epochs "
               f"0, 1, 2, ... is {accs}")
    return out, context


def expect_params_moved(clock, context):
    """The clock model's one parameter moved by 1 per update: 0 means the updates never reached model.params."""
    if clock == 0:
        fail(f"after training the model's params are still the initial ones (no update reached them){context}: "
             f"write every update back, model.params[name] = the rule's next_w.", names="cause")


def simulate_stop(val_script, epochs, patience, per_epoch=4, *, ties_improve=False, late=False, never=False,
                  restore=True, from_one=False):
    """``[epochs run, reported best_epoch, final clock]`` of the docstring's rule, or of a known slip of it."""
    best, best_epoch, ran = None, None, epochs
    for epoch in range(epochs):
        value = val_script[epoch]
        if best is None or value > best or (ties_improve and value == best):
            best, best_epoch = value, epoch
        waited = epoch - best_epoch
        if patience is not None and not never and (waited > patience if late else waited >= patience):
            ran = epoch + 1
            break
    clock = (best_epoch + 1 if patience is not None and restore else ran) * per_epoch
    return np.array([ran, best_epoch + (1 if from_one else 0), clock], dtype=float)


def stop_mistakes(val_script, epochs, patience):
    return [
        (simulate_stop(val_script, epochs, patience, never=True),
         "training never stopped early: end it once epoch - best_epoch >= patience"),
        (simulate_stop(val_script, epochs, 1), "training stopped at the first epoch without improvement: wait for "
                                               "patience such epochs in a row"),
        (simulate_stop(val_script, epochs, patience, late=True), "training stopped one epoch late: stop when "
                                                                 "epoch - best_epoch >= patience, not >"),
        (simulate_stop(val_script, epochs, patience, ties_improve=True),
         "an equal validation accuracy counted as an improvement: only a strictly higher one (>, not >=) is"),
        (simulate_stop(val_script, epochs, patience, restore=False),
         "the params at the end are the last epoch's: with patience, put the best epoch's copies back "
         "(model.params.update(best_params)), and make them copies (value.copy()), since a reference to "
         "model.params follows every later update"),
        (simulate_stop(val_script, epochs, patience, from_one=True), "the best epoch is counted from 1; epochs are "
                                                                     "counted from 0, like the indices of val_acc"),
    ]


@exercise("day13.train")
@pytest.mark.parametrize("patience", [2, 1, 3])
def test_train_early_stopping(day13, patience):
    out, context = run_clock(day13, 8, patience)
    history = history_of(out, context)
    expected = simulate_stop(CLOCK_VAL_SCRIPT, 8, patience)
    ran, best_epoch, clock = (int(v) for v in expected)
    expect_params_moved(out["clock"], context)
    best_epoch_got = as_float(history["best_epoch"])
    got = np.array([len(history["val_acc"]), np.nan if best_epoch_got is None else best_epoch_got, out["clock"]])
    what = (f"training ran {int(got[0])} epochs, reported best_epoch {history['best_epoch']!r} and ended with the "
            f"params of update {out['clock']:g}{context}; expected {ran} epochs, best_epoch {best_epoch} and the "
            f"params of update {clock} (the best epoch's)")
    cause = the_one_matching(got, expected, stop_mistakes(CLOCK_VAL_SCRIPT, 8, patience), atol=0, rtol=0)
    if cause:
        fail(f"{what}: {cause}.", names="cause")
    if not np.array_equal(got, expected):
        fail(f"{what}.")
    expect_scalar("history['best_val_acc']", history["best_val_acc"], CLOCK_VAL_SCRIPT[best_epoch], atol=1e-12,
                  context=context)


@exercise("day13.train")
def test_train_restores_the_best_params_when_the_epochs_run_out(day13):
    out, context = run_clock(day13, 4, 3)
    history = history_of(out, context)
    if len(history["val_acc"]) != 4:
        fail(f"training ran {len(history['val_acc'])} epochs{context}, expected all 4.")
    if out["clock"] != 12:
        expect_params_moved(out["clock"], context)
        why = (": with patience, the best epoch's params are put back at the end even when the epochs run out "
               "before patience does" if out["clock"] == 16 else "")
        fail(f"after training the model's params are those of update {out['clock']:g}, but should be those of the "
             f"best epoch 2 (update 12){context}{why}.", names="cause" if why else "mismatch")


@exercise("day13.train")
def test_train_without_patience_keeps_the_last_params(day13):
    out, context = run_clock(day13, 6, None)
    history = history_of(out, context)
    if len(history["val_acc"]) != 6:
        fail(f"training ran {len(history['val_acc'])} epochs{context}; without patience it runs every epoch.")
    if out["clock"] != 24:
        expect_params_moved(out["clock"], context)
        fail(f"after training the model's params are those of update {out['clock']:g}, but should be the last ones "
             f"(update 24){context}: without patience nothing is restored.")
    if history["best_epoch"] != 5 or as_float(history["best_val_acc"]) != 0.8:
        fail(f"history['best_epoch'] and ['best_val_acc'] are {history['best_epoch']!r} and "
             f"{history['best_val_acc']!r}{context}, expected 5 and 0.8: they are recorded with or without patience.")
    expect_array("history['val_acc']", history["val_acc"], CLOCK_VAL_SCRIPT[:6], atol=1e-12, context=context)
    expect_array("history['train_acc']", history["train_acc"], CLOCK_TRAIN_SCRIPT[:6], atol=1e-12,
                 context=context + " and training accuracy 0.1, 0.2, ...")


@exercise("day13.train")
@pytest.mark.parametrize("progress", [None, True, False])
def test_train_progress_bar(day13, progress):
    kwargs = {"epochs": 2, "rng": np.random.default_rng(4)}
    if progress is not None:
        kwargs["progress"] = progress
    out = day13.probe(probes.train_clock, CLOCK_LABELS, CLOCK_TRAIN, CLOCK_BATCH, CLOCK_TRAIN_SCRIPT,
                      CLOCK_VAL_SCRIPT, kwargs)
    history_of(out, "")
    written = out["output"]
    if progress is True and not written.strip():
        fail("train(..., progress=True) wrote nothing to stderr: show a tqdm bar (disable=not show).")
    if progress is not True and written.strip():
        setting = "progress=None, with stderr not a terminal" if progress is None else "progress=False"
        fail(f"train wrote {written.strip()[:80]!r} with {setting}: stay quiet, "
             f"tqdm(..., disable=not show) with show = sys.stderr.isatty() when progress is None.",
             names="cause" if progress is None else "mismatch")


@exercise("day13.train")
def test_train_learns(day13):
    data = probes.blobs(150, 60, 10, 3, 0)
    for key in ("X_train", "X_val"):  # column 0: the ids the SoftmaxModel records (it does not use them)
        data[key] = np.hstack([np.arange(len(data[key]))[:, None], data[key]])
    initial = {"W1": np.zeros((10, 3)), "b1": np.zeros(3)}
    kwargs = {"epochs": 8, "batch_size": 16, "rng": np.random.default_rng(1)}
    out = day13.probe(probes.train_softmax, data, initial, 1e-3, probes.sgd_momentum, {"learning_rate": 0.05}, kwargs)
    context = (" for a softmax classifier trained 8 epochs with SGD + momentum (learning rate 0.05, batch_size 16) "
               "on 150 examples of 3 separable blobs")
    history = history_of(out, context)
    losses = np.asarray(history["loss"], dtype=float)
    per_epoch = math.ceil(150 / 16)
    if losses.size < per_epoch or not np.all(np.isfinite(losses)):
        fail(f"the loss history is {np.round(losses[:6], 4).tolist()}...{context}; expected {8 * per_epoch} finite "
             f"losses.")
    first, last = float(losses[0]), float(np.mean(losses[-per_epoch:]))
    if not last < LOSS_DROP * first:
        fail(f"the minibatch loss went from {first:.4g} to a last-epoch mean of {last:.4g}{context}; it should fall "
             f"below {LOSS_DROP:g} times its start on such easy data.")
    accuracy = as_float(history["val_acc"][-1]) if len(history["val_acc"]) else None
    if accuracy is None or accuracy < LEARNED_ACCURACY:
        fail(f"the last validation accuracy is {accuracy}{context}; it should reach at least {LEARNED_ACCURACY:g} "
             f"(the reference reaches 1.0).")
