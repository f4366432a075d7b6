"""Day 9 probes: they run in the sandboxed worker, beside the learner's day09_dropout module.

The checks use them for what cannot cross the boundary as plain data: a forward pass that gets
a fresh seeded Generator at every evaluation (the gradient check), and the ``forward`` callables
of ``mc_dropout_predict``, which record their calls. The figure trains a small network made of the
learner's Day 3 layers and Day 9 dropout here. The judge imports this module too, to replay the
forward functions with the same seeds.
"""
import numpy as np

from ._shared import sibling


# -- for the checks: dropout with a seed -------------------------------------------------------------
def dropout_seeded(day09, x, keep_prob, seed, train=True):
    """The learner's forward output with a new Generator seeded ``seed``: the same mask at every call."""
    out, _ = day09.dropout_forward(x, keep_prob, train, np.random.default_rng(seed))
    return out


# -- for the checks: forward passes for mc_dropout_predict ---------------------------------------------
_NET = np.random.default_rng(909)
#: A fixed two-layer network, 4 inputs -> 16 hidden units -> 3 classes, for the forward passes below.
NET_W1, NET_b1 = _NET.standard_normal((4, 16)), 0.1 * _NET.standard_normal(16)
NET_W2, NET_b2 = 0.5 * _NET.standard_normal((16, 3)), 0.1 * _NET.standard_normal(3)
#: The keep probability of the dropout inside it.
NET_KEEP = 0.5


def _softmax(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def dropout_net_probs(X, train, rng):
    """Class probabilities (N, 3) of the fixed network, with the suite's own dropout on its hidden layer in training."""
    hidden = np.maximum(X @ NET_W1 + NET_b1, 0.0)
    if train:
        hidden = hidden * (rng.random(hidden.shape) < NET_KEEP) / NET_KEEP
    return _softmax(hidden @ NET_W2 + NET_b2)


def one_hot_votes(X, train, rng):
    """One-hot probabilities (exact 0s and 1s): the class of the largest noisy score. Their mean counts the votes."""
    scores = X @ NET_W1[:, :3]
    if train:
        scores = scores + 2.0 * rng.standard_normal(scores.shape)
    return np.eye(3)[np.argmax(scores, axis=1)]


FORWARDS = {"dropout_net_probs": dropout_net_probs, "one_hot_votes": one_hot_votes}


class RecordingForward:
    """A ``forward(X, train, rng)`` that records each call before passing it on to one of FORWARDS."""

    def __init__(self, forward, rng, X):
        self.forward, self.rng, self.X = forward, rng, np.array(X, copy=True)
        self.calls = []

    def __call__(self, X, train, rng):
        self.calls.append({"train": bool(train),
                           "the rng given": rng is self.rng,
                           "X unchanged": bool(np.shape(X) == self.X.shape and np.array_equal(X, self.X))})
        return self.forward(X, train, rng)


def mc_recording(day09, X, n_samples, seed, forward="dropout_net_probs"):
    """``mc_dropout_predict`` with a recording forward pass and a Generator seeded ``seed``.

    Returns what it returned, every call the forward pass got, and the Generator's next draw
    afterwards (which tells whether every draw came from it).
    """
    rng = np.random.default_rng(seed)
    recorder = RecordingForward(FORWARDS[forward], rng, X)
    result = day09.mc_dropout_predict(recorder, X, n_samples, rng)
    return {"result": result, "calls": recorder.calls, "next draw": float(rng.random())}


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart -------------------------------
class _SeededGlobalState:
    """np.random's global state seeded for the block, then restored: a mistake that draws from it gives the same
    numbers in the worker as in the judge, so the catalog can recognise it (the checks forbid it outright)."""

    def __enter__(self):
        self.saved = np.random.get_state()
        np.random.seed(99)

    def __exit__(self, *exc):
        np.random.set_state(self.saved)


def catalog_dropout_forward(day09):
    x = np.random.default_rng(90).standard_normal((4, 3, 5))
    given = x.copy()
    outputs = {}
    with _SeededGlobalState():
        outputs["out, keep_prob 0.3"] = day09.dropout_forward(given, 0.3, True, np.random.default_rng(1))[0]
        outputs["x after the call"] = given
        rng = np.random.default_rng(2)
        outputs["out at test time"] = day09.dropout_forward(x.copy(), 0.3, False, rng)[0]
        outputs["rng's next draw after the test-time call"] = rng.random()
        draws = np.random.default_rng(3).random(x.shape)
        keep_prob = float(draws.flat[int(np.argmin(np.abs(draws - 0.6)))])  # one unit's draw is exactly keep_prob
        outputs["out when a draw equals keep_prob"] = day09.dropout_forward(x.copy(), keep_prob, True,
                                                                            np.random.default_rng(3))[0]
    return outputs


def catalog_dropout_backward(day09):
    gen = np.random.default_rng(91)
    x, dout = gen.standard_normal((4, 3, 5)), gen.standard_normal((4, 3, 5))
    given = dout.copy()
    outputs = {}
    with _SeededGlobalState():
        _, cache = day09.dropout_forward(x, 0.3, True, np.random.default_rng(4))
        outputs["dx, keep_prob 0.3"] = day09.dropout_backward(given, cache)
        outputs["dout after the call"] = given
        _, cache = day09.dropout_forward(x, 0.3, False, np.random.default_rng(5))
        outputs["dx at test time"] = day09.dropout_backward(dout.copy(), cache)
    return outputs


def catalog_mc_dropout_predict(day09):
    X = np.random.default_rng(92).standard_normal((6, 4))
    with np.errstate(all="ignore"):
        run = mc_recording(day09, X, 5, 7)
        votes = mc_recording(day09, X, 4, 8, forward="one_hot_votes")
    return {"probs, 5 samples": run["result"], "calls with train=True": float(sum(c["train"] is True
                                                                                  for c in run["calls"])),
            "rng's next draw": run["next draw"], "vote shares, 4 samples": votes["result"]}


# -- for the figure: a network of the learner's layers, trained with and without dropout -----------------
def _init_params(dims, rng):
    """He-initialised weights for the layer sizes ``dims`` (784, H, H, 10), zero biases."""
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
        params[f"W{k}"] = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        params[f"b{k}"] = np.zeros(fan_out)
    return params


def _network_scores(day09, day03, params, X, keep_prob, train, rng, input_keep_prob=None):
    """Scores of [dropout] - affine - ReLU - dropout - affine - ReLU - dropout - affine; ``keep_prob`` None: no
    dropout on the hidden layers; ``input_keep_prob`` None: none on the input."""
    caches = []
    h, input_cache = X, None
    if input_keep_prob is not None:
        h, input_cache = day09.dropout_forward(X, input_keep_prob, train, rng)
    layers = len(params) // 2
    for k in range(1, layers):
        h, affine_cache = day03.affine_forward(h, params[f"W{k}"], params[f"b{k}"])
        h, relu_cache = day03.relu_forward(h)
        drop_cache = None
        if keep_prob is not None:
            h, drop_cache = day09.dropout_forward(h, keep_prob, train, rng)
        caches.append((affine_cache, relu_cache, drop_cache))
    scores, last_cache = day03.affine_forward(h, params[f"W{layers}"], params[f"b{layers}"])
    return scores, caches, last_cache, input_cache


def _evaluate(day09, day03, params, X, y, keep_prob, input_keep_prob):
    scores, _, _, _ = _network_scores(day09, day03, params, X, keep_prob, False, np.random.default_rng(0),
                                      input_keep_prob)
    loss, _ = day03.softmax_loss(scores, y)
    return float(loss), float(np.mean(np.argmax(scores, axis=1) == y))


def train_network(day09, X, y, X_val, y_val, keep_prob, epochs, batch_size, learning_rate, hidden_dim, seed,
                  input_keep_prob=None, eval_every=1):
    """Plain minibatch SGD on a 784-H-H-10 network of the learner's Day 3 layers, with the learner's dropout after
    each hidden ReLU (``keep_prob`` None: no dropout) and on the input (``input_keep_prob``, None: none). Training
    and validation loss and accuracy are measured at test time (train=False), so both see the same deterministic
    network, after every ``eval_every``-th epoch and the last one."""
    day03 = sibling(day09, "day03_backprop")
    rng = np.random.default_rng(seed)
    params = _init_params((X.shape[1], hidden_dim, hidden_dim, int(y.max()) + 1), rng)
    history = {"epoch": [], "train loss": [], "train acc": [], "val loss": [], "val acc": []}
    layers = len(params) // 2
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            scores, caches, last_cache, _ = _network_scores(day09, day03, params, X[batch], keep_prob, True, rng,
                                                            input_keep_prob)
            _, dscores = day03.softmax_loss(scores, y[batch])
            grads = {}
            dh, grads[f"W{layers}"], grads[f"b{layers}"] = day03.affine_backward(dscores, last_cache)
            for k in range(layers - 1, 0, -1):
                affine_cache, relu_cache, drop_cache = caches[k - 1]
                if drop_cache is not None:
                    dh = day09.dropout_backward(dh, drop_cache)
                dh = day03.relu_backward(dh, relu_cache)
                dh, grads[f"W{k}"], grads[f"b{k}"] = day03.affine_backward(dh, affine_cache)
            for name in params:
                params[name] = params[name] - learning_rate * grads[name]
        if epoch % eval_every and epoch != epochs:
            continue
        history["epoch"].append(epoch)
        for split, (data, labels) in (("train", (X, y)), ("val", (X_val, y_val))):
            loss, accuracy = _evaluate(day09, day03, params, data, labels, keep_prob, input_keep_prob)
            history[f"{split} loss"].append(loss)
            history[f"{split} acc"].append(accuracy)
    return {"history": history, "params": params}


def mc_accuracies(day09, params, X, y, keep_prob, sample_counts, seed, input_keep_prob=None):
    """Validation accuracy of the trained network with the learner's ``mc_dropout_predict`` for each number of
    passes in ``sample_counts`` (each run from the same seed), and of the single test-time pass."""
    day03 = sibling(day09, "day03_backprop")

    def forward(X_batch, train, rng):
        scores, _, _, _ = _network_scores(day09, day03, params, X_batch, keep_prob, train, rng, input_keep_prob)
        return _softmax(scores)

    deterministic = float(np.mean(np.argmax(forward(X, False, np.random.default_rng(seed)), axis=1) == y))
    accuracies = []
    for count in sample_counts:
        probs = day09.mc_dropout_predict(forward, X, int(count), np.random.default_rng(seed))
        accuracies.append(float(np.mean(np.argmax(probs, axis=1) == y)))
    return {"test-time pass": deterministic, "mc": accuracies}
