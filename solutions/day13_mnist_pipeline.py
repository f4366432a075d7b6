r"""Day 13 - The MNIST pipeline: from raw pixels to a trained, evaluated network.

Every piece of a real training run now exists somewhere in your kata: layers (Day 3), update
rules (Days 5-6), schedules (Day 7), weight decay and early stopping (Day 8), dropout (Day 9),
initialisation (Day 11). Today they become one pipeline, the one the capstone (Day 14) runs on
the full MNIST:

1. :func:`preprocess` turns ``uint8`` images ``(N, 28, 28)`` into float rows ``(N, 784)`` in
   ``[0, 1]``, optionally centred with the *training* set's mean image;
2. :func:`train_val_split` holds out a random validation set, disjoint from the training set;
3. :func:`iterate_minibatches` deals the training set out in minibatches, every example once
   per epoch;
4. :class:`FullyConnectedNet` is a network of any depth built from your own layers:
   affine - ReLU - [dropout] - ... - affine - softmax, with L2 weight decay, He or Xavier
   initialisation, in float64 or float32;
5. :func:`evaluate` measures accuracy in batches, so that memory stays bounded;
6. :func:`train` runs the loop: minibatches, gradients, one update per parameter, a learning-rate
   schedule, validation after every epoch, early stopping, and a progress bar.

The data itself comes from ``kata_support/mnist.py`` (``load_mnist("train")`` returns uint8
images ``(60000, 28, 28)`` and labels ``(60000,)``); your functions never open files, they work
on the arrays they are given. ``make plots day13`` runs your whole pipeline on 12,000 real
MNIST images (a 784-256-128-10 network in float32, about half a minute) and draws its loss
curve, its training and validation accuracy per epoch, and the digits it gets wrong.

Conventions (the whole kata uses them)
--------------------------------------
- Batch first: ``X`` is ``(N, D)``; ``W`` is ``(D_in, D_out)`` and used as ``x @ W + b``;
  biases are ``(D_out,)``; scores are ``(N, C)``; labels ``y`` are integers ``(N,)`` in ``[0, C)``.
- Models: ``model.params`` is a dict name -> array (``W1, b1, W2, b2, ...``);
  ``model.loss(X)`` returns the scores (test mode), ``model.loss(X, y)`` returns
  ``(loss, grads)`` (training mode) with ``grads`` keyed and shaped like ``params``.
- The loss is averaged over the batch; the L2 penalty is ``0.5 * reg * sum(W**2)`` over the
  weight matrices only (never the biases), with gradient ``reg * W``.
- Dropout is inverted dropout with a keep probability: ``dropout_forward(x, keep_prob, train,
  rng)``, the identity when ``train`` is false.
- An update rule is ``rule(w, dw, config=None) -> (next_w, config)``; ``config`` carries the
  hyperparameters and the state of *one* parameter, and the rule may return a new dict.
- Every random draw comes from a ``numpy.random.Generator`` (an ``rng`` argument, or the
  model's ``rng`` attribute), never from ``np.random``'s global state.
- float32 mode means float32 everywhere: no array of the computation silently becomes float64.
"""
import copy
import sys

import numpy as np
from tqdm import tqdm

from .day03_backprop import affine_backward, affine_forward, relu_backward, relu_forward, softmax_loss
from .day09_dropout import dropout_backward, dropout_forward
from .day11_initialization import he_init, xavier_init


def preprocess(images, mean=None, dtype=np.float64):
    r"""Turn uint8 images into float feature rows in ``[0, 1]``, optionally centred.

    Parameters
    ----------
    images : ndarray of uint8, shape (N, 28, 28) (or any (N, d1, ..., dk))
        Pixel intensities 0 (background) to 255 (ink). Not modified.
    mean : ndarray, shape (D,), or None, default None
        The mean image to subtract, already scaled to ``[0, 1]``. It must be the **training**
        set's: ``mean = preprocess(train_images).mean(axis=0)``, and the very same ``mean`` is
        then passed for the training, validation and test images. None: no centring.
    dtype : numpy dtype, default np.float64
        The dtype of the result (``np.float32`` for fast training).

    Returns
    -------
    X : ndarray of dtype ``dtype``, shape (N, D) with ``D = d1 * ... * dk`` (784 for MNIST)
        A new array: ``images / 255`` flattened per example, minus ``mean`` when given.

    Notes
    -----
    .. math:: X_{n, :} = \frac{\text{vec}(\text{image}_n)}{255} - \mu

    Convert to ``dtype`` *before* any arithmetic: uint8 arithmetic wraps around
    (``np.uint8(3) - np.uint8(5)`` is 254), and ``images // 255`` is an integer division that
    turns every grey pixel into 0. Centring with the mean of the data at hand (the test set's
    own mean when preprocessing the test set) uses information the model must not see, and
    shifts the test inputs differently from the ones it was trained on.

    Why it matters: inputs of order 1, centred near 0, keep the first layer's pre-activations
    at the scale He initialisation assumes; raw 0-255 pixels make them 255 times larger.
    """
    X = images.reshape(images.shape[0], -1).astype(dtype)  # a new float array: no uint8 arithmetic
    X /= 255
    if mean is not None:
        X -= np.asarray(mean, dtype=dtype)  # the training set's mean, whatever images these are
    return X


def train_val_split(X, y, val_size, rng):
    r"""Split a labelled set at random into a training part and a disjoint validation part.

    Parameters
    ----------
    X : ndarray, shape (N, ...)
        Examples. Not modified.
    y : ndarray, shape (N,)
        Their labels. Not modified.
    val_size : int
        The number of validation examples, ``0 <= val_size <= N`` (a count, not a fraction).
    rng : numpy.random.Generator
        The source of the shuffle: exactly one draw, ``order = rng.permutation(N)``.

    Returns
    -------
    X_train : ndarray, shape (N - val_size, ...)
        ``X[order[val_size:]]``.
    y_train : ndarray, shape (N - val_size,)
        ``y[order[val_size:]]``: each label stays with its example.
    X_val : ndarray, shape (val_size, ...)
        ``X[order[:val_size]]``.
    y_val : ndarray, shape (val_size,)
        ``y[order[:val_size]]``.

    Notes
    -----
    One permutation serves both X and y (two separate shuffles would pair images with the
    wrong labels), and each example lands in exactly one part: the validation rows are the
    first ``val_size`` entries of the permutation, the training rows the rest. Taking the
    last rows without shuffling would give a validation set of whatever order the data
    came in (often sorted by class or by writer).

    Why it matters: the validation set chooses hyperparameters and the epoch to stop at; an
    example that is in both parts makes the validation accuracy an optimistic lie.
    """
    order = rng.permutation(X.shape[0])
    val_rows, train_rows = order[:val_size], order[val_size:]
    return X[train_rows], y[train_rows], X[val_rows], y[val_rows]


def iterate_minibatches(X, y, batch_size, rng, shuffle=True):
    r"""Yield the minibatches of one epoch: every example exactly once, the last batch possibly smaller.

    Parameters
    ----------
    X : ndarray, shape (N, ...)
        Examples. Not modified.
    y : ndarray, shape (N,)
        Their labels. Not modified.
    batch_size : int
        The size B of every batch but the last, which holds the ``N - B * (ceil(N / B) - 1)``
        remaining examples.
    rng : numpy.random.Generator or None
        The source of the order when ``shuffle`` is true: exactly one draw,
        ``order = rng.permutation(N)``, made when the first batch is requested. Unused (and
        may be None) when ``shuffle`` is false.
    shuffle : bool, default True
        True: visit the examples in the order ``rng.permutation(N)``. False: in their order
        0, 1, ..., N - 1.

    Yields
    ------
    X_batch : ndarray, shape (B, ...) (the last one possibly smaller)
        ``X[order[k * B:(k + 1) * B]]`` for ``k = 0, 1, ..., ceil(N / B) - 1``.
    y_batch : ndarray, shape (B,)
        The labels of the same examples, in the same order.

    Notes
    -----
    This is a generator: write ``yield X_batch, y_batch`` inside the loop; the caller writes
    ``for X_batch, y_batch in iterate_minibatches(...)`` and gets a fresh order on every
    call, that is, every epoch. Sampling each batch at random *with* replacement
    (``rng.integers``) sees some examples twice and others never; dropping the last partial
    batch silently never trains on up to ``B - 1`` examples of the chosen order.

    Why it matters: an epoch is one pass over the data; every claim "after 10 epochs" rests on
    each example having been seen exactly 10 times, in a new order each time.
    """
    num_examples = X.shape[0]
    order = rng.permutation(num_examples) if shuffle else np.arange(num_examples)
    for start in range(0, num_examples, batch_size):
        rows = order[start:start + batch_size]  # the last slice may be shorter: it is kept
        yield X[rows], y[rows]


class FullyConnectedNet:
    r"""A fully connected network of any depth: affine - ReLU - [dropout] - ... - affine - softmax.

    With :math:`L` layers (``len(hidden_dims)`` hidden ones and the output layer),
    :math:`h_0 = X` and :math:`m_l` the dropout mask of layer :math:`l` (all ones when
    ``keep_prob == 1`` or at test time),

    .. math::
        h_l = \frac{m_l}{p} \odot \max(0, h_{l-1} W_l + b_l) \quad (l < L), \qquad
        s = h_{L-1} W_L + b_L

    and the loss is the softmax cross-entropy of the scores :math:`s`, averaged over the
    batch, plus :math:`\tfrac{1}{2} \lambda \sum_l \sum W_l^2`.

    Attributes
    ----------
    params : dict of str -> ndarray
        ``W1`` (D, H1), ``b1`` (H1,), ``W2`` (H1, H2), ``b2`` (H2,), ..., ``WL`` (H_{L-1}, C),
        ``bL`` (C,), every array of dtype ``dtype``.
    num_layers : int
        L, the number of affine layers: ``len(hidden_dims) + 1``.
    keep_prob : float
        The probability of keeping a hidden unit in training; 1.0 means no dropout.
    reg : float
        L2 regularisation strength.
    dtype : numpy dtype
        The dtype of every parameter and of every array of the computation.
    rng : numpy.random.Generator
        The source of the initial weights and then of every dropout mask. Setting
        ``model.rng = np.random.default_rng(seed)`` before a call of ``loss`` fixes that
        call's masks, which makes the loss a deterministic function of the parameters: this
        is how a gradient check works with dropout on.
    """

    def __init__(self, hidden_dims, input_dim=784, num_classes=10, keep_prob=1.0, reg=0.0, init="he", rng=None,
                 dtype=np.float64):
        r"""Initialise the parameters.

        Parameters
        ----------
        hidden_dims : list of int
            The sizes H1, H2, ... of the hidden layers, input side first; an empty list gives
            a linear softmax classifier.
        input_dim : int, default 784
            D, the number of input features.
        num_classes : int, default 10
            C, the number of classes.
        keep_prob : float, default 1.0
            Dropout's keep probability after every hidden ReLU, ``0 < keep_prob <= 1``; with
            1.0 there is no dropout layer at all (and nothing is drawn for it).
        reg : float, default 0.0
            L2 regularisation strength, stored as a Python float.
        init : {"he", "xavier"}, default "he"
            ``he_init`` (std ``sqrt(2 / fan_in)``, for ReLU layers) or ``xavier_init`` (std
            ``sqrt(2 / (fan_in + fan_out))``) from Day 11, the same for every layer.
        rng : numpy.random.Generator or None, default None
            Stored as ``self.rng``; None means a new ``np.random.default_rng()``.
        dtype : numpy dtype, default np.float64
            ``np.float64`` or ``np.float32``: the dtype of every parameter.

        Raises
        ------
        ValueError
            If ``init`` is neither "he" nor "xavier".

        Notes
        -----
        Draw ``W1`` first, then ``W2``, ... (each ``init(fan_in, fan_out, self.rng)``, then
        converted to ``dtype``); every bias starts at zero in ``dtype``. ``keep_prob`` and
        ``reg`` are stored as Python floats: a NumPy float64 scalar times a float32 array is
        a float64 array.
        """
        if init not in ("he", "xavier"):
            raise ValueError(f"init must be 'he' or 'xavier', not {init!r}")
        initialise = he_init if init == "he" else xavier_init
        self.keep_prob = float(keep_prob)
        self.reg = float(reg)
        self.dtype = np.dtype(dtype)
        self.rng = np.random.default_rng() if rng is None else rng
        dims = [input_dim, *hidden_dims, num_classes]
        self.num_layers = len(dims) - 1
        self.params = {}
        for layer in range(1, self.num_layers + 1):
            fan_in, fan_out = dims[layer - 1], dims[layer]
            self.params[f"W{layer}"] = initialise(fan_in, fan_out, self.rng).astype(self.dtype)
            self.params[f"b{layer}"] = np.zeros(fan_out, dtype=self.dtype)

    def loss(self, X, y=None):
        r"""Class scores (test mode), or the loss and its gradients (training mode).

        Parameters
        ----------
        X : ndarray, shape (N, D)
            A batch of inputs; converted to ``self.dtype`` first (no copy when it already is).
        y : ndarray of int, shape (N,), or None
            Correct classes; None asks for the scores.

        Returns
        -------
        scores : ndarray of dtype ``self.dtype``, shape (N, C)
            When y is None: the scores in test mode, without dropout.
        loss : float
            Otherwise: the softmax cross-entropy averaged over the batch, computed in training
            mode (with dropout when ``keep_prob < 1``), plus ``0.5 * reg * sum(W**2)`` summed
            over every weight matrix.
        grads : dict of str -> ndarray
            Otherwise: the gradient of that loss for every entry of ``self.params``, keyed,
            shaped and typed like it.

        Notes
        -----
        Read the parameters from ``self.params`` on every call (a gradient check nudges them
        in place, and ``train`` replaces them). Forward: for each hidden layer
        ``affine_forward``, ``relu_forward``, then ``dropout_forward(h, keep_prob, train,
        self.rng)`` when ``keep_prob < 1``; the last layer is a plain ``affine_forward``.
        Backward in reverse order through the same caches: ``affine_backward``, then for each
        hidden layer ``dropout_backward`` (same mask), ``relu_backward``, ``affine_backward``.
        The L2 term adds :math:`\lambda W_l` to every weight gradient and nothing to the
        biases.

        Why it matters: one class that builds any depth from tested parts is the network the
        capstone trains; nothing in it is new, which is the point.
        """
        train = y is not None
        h = X.astype(self.dtype, copy=False)  # a float64 X must not turn a float32 net into float64
        caches = []
        for layer in range(1, self.num_layers):
            h, affine_cache = affine_forward(h, self.params[f"W{layer}"], self.params[f"b{layer}"])
            h, relu_cache = relu_forward(h)
            dropout_cache = None
            if self.keep_prob < 1.0:
                h, dropout_cache = dropout_forward(h, self.keep_prob, train, self.rng)
            caches.append((affine_cache, relu_cache, dropout_cache))
        last = self.num_layers
        scores, scores_cache = affine_forward(h, self.params[f"W{last}"], self.params[f"b{last}"])
        if not train:
            return scores

        loss, dscores = softmax_loss(scores, y)
        grads = {}
        dh, grads[f"W{last}"], grads[f"b{last}"] = affine_backward(dscores, scores_cache)
        for layer in range(last - 1, 0, -1):
            affine_cache, relu_cache, dropout_cache = caches[layer - 1]
            if dropout_cache is not None:
                dh = dropout_backward(dh, dropout_cache)  # the mask of this very forward pass
            dh = relu_backward(dh, relu_cache)
            if layer > 1:
                dh, grads[f"W{layer}"], grads[f"b{layer}"] = affine_backward(dh, affine_cache)
            else:  # nothing needs the gradient of the input: skip dX = dh W1^T, a quarter of the products
                x = affine_cache[0]
                grads["W1"], grads["b1"] = x.reshape(x.shape[0], -1).T @ dh, dh.sum(axis=0)
        for layer in range(1, last + 1):
            W = self.params[f"W{layer}"]
            loss += 0.5 * self.reg * float(np.sum(W * W))
            grads[f"W{layer}"] = grads[f"W{layer}"] + self.reg * W  # weights only, never biases
        return float(loss), grads


def evaluate(model, X, y, batch_size=1000):
    r"""Classification accuracy of a model, computed batch by batch in test mode.

    Parameters
    ----------
    model : object
        Anything with ``model.loss(X_batch)`` returning scores ``(n, C)`` (test mode, no
        dropout), such as a :class:`FullyConnectedNet`.
    X : ndarray, shape (N, D)
        Examples, ``N >= 1``. Not modified.
    y : ndarray of int, shape (N,)
        Their correct classes. Not modified.
    batch_size : int, default 1000
        At most this many examples go through ``model.loss`` at once, in order: rows
        ``0 .. batch_size - 1``, then the next ``batch_size``, ..., the last batch possibly
        smaller.

    Returns
    -------
    accuracy : float
        The fraction of the N examples whose highest score is their correct class (ties go to
        the first of the tied classes, as with ``np.argmax``), between 0 and 1.

    Notes
    -----
    .. math:: \text{accuracy} = \frac{1}{N} \sum_n \mathbb{1}[\arg\max_c s_{nc} = y_n]

    Count the correct predictions over all batches, then divide once by N. The mean of the
    per-batch accuracies weighs the smaller last batch like a full one.

    Why it matters: the scores of 10,000 images through a 512-unit layer take 20 MB in float32
    and 40 MB in float64; the activations of a whole data set at once can exhaust memory,
    while batches of 1,000 keep it bounded whatever N is.
    """
    correct = 0
    for start in range(0, X.shape[0], batch_size):
        scores = model.loss(X[start:start + batch_size])  # y None: test mode, no dropout
        correct += int(np.count_nonzero(np.argmax(scores, axis=1) == y[start:start + batch_size]))
    return correct / X.shape[0]


def train(model, data, rule, config=None, *, epochs=10, batch_size=100, rng=None, schedule=None, patience=None,
          num_train_samples=1000, progress=None):
    r"""Train a model with minibatches and an update rule, validating after every epoch.

    Parameters
    ----------
    model : object
        ``model.params`` (dict name -> array) and ``model.loss(X, y=None)``, such as a
        :class:`FullyConnectedNet`. Its params are replaced as training goes.
    data : dict
        ``"X_train"`` (N, D), ``"y_train"`` (N,), ``"X_val"`` (N_val, D), ``"y_val"``
        (N_val,). Not modified.
    rule : callable
        ``rule(w, dw, config) -> (next_w, config)``, such as Day 5's ``sgd_momentum`` or
        Day 6's ``adam``.
    config : dict or None, default None
        Hyperparameters for the rule (``{"learning_rate": 1e-3}``). Every parameter gets its
        own deep copy, made before the first step (None: an empty dict each); the rule's state
        then lives in that parameter's copy. The caller's dict is never modified.
    epochs : int, default 10
        The most epochs to run (fewer when early stopping ends training).
    batch_size : int, default 100
        Minibatch size, passed to :func:`iterate_minibatches`.
    rng : numpy.random.Generator or None, default None
        The source of the minibatch order: every epoch calls
        ``iterate_minibatches(X_train, y_train, batch_size, rng)``, and nothing else draws
        from it. None: a new ``np.random.default_rng()``.
    schedule : callable or None, default None
        ``schedule(step) -> learning rate``, with ``step`` the iteration (minibatch) counted
        from 0 over the whole run, not per epoch (Day 7's schedules). Before each iteration's
        updates, ``config["learning_rate"] = schedule(step)`` is written into every
        parameter's config. None: the rate in config (or the rule's default) throughout.
    patience : int or None, default None
        Early stopping on the validation accuracy: stop after ``patience`` consecutive epochs
        without a strictly higher validation accuracy than the best so far, and put the
        params of the best epoch back into ``model.params`` at the end (whether training
        stopped early or ran all epochs). None: run every epoch and keep the last params.
    num_train_samples : int or None, default 1000
        The training accuracy of each epoch is measured on the first ``num_train_samples``
        training examples (None: all of them), to keep it cheap.
    progress : bool or None, default None
        Show a tqdm progress bar on stderr. None: only when stderr is a terminal, so that
        graders, pipes and log files stay quiet.

    Returns
    -------
    history : dict
        ``"loss"``: list of float, the minibatch loss (as returned by ``model.loss``, the L2
        penalty included) of every iteration, in order: ``ceil(N / batch_size)`` per epoch.
        ``"train_acc"``, ``"val_acc"``: lists of float, one per epoch run, measured after
        that epoch's updates with :func:`evaluate` (on the first ``num_train_samples``
        training examples, and on the whole validation set).
        ``"best_val_acc"``: float, the highest validation accuracy (None if no epoch ran).
        ``"best_epoch"``: int, the epoch that first reached it, counted from 0 (an index into
        ``"val_acc"``; None if no epoch ran).

    Notes
    -----
    One iteration::

        loss, grads = model.loss(X_batch, y_batch)
        for each name in model.params:
            model.params[name], configs[name] = rule(model.params[name], grads[name], configs[name])

    Keep the config the rule returns: it may be a new dict holding the new state. Sharing one
    config between parameters mixes their states (a velocity shaped like ``W1`` applied to
    ``b1``). With ``patience``, copy the arrays of the best epoch (``value.copy()`` for each):
    a reference to ``model.params`` would follow every later update.

    Why it matters: this loop, with its bookkeeping, is what every deep-learning framework's
    ``fit`` does; the capstone reads its history to draw the learning curves.
    """
    rng = np.random.default_rng() if rng is None else rng
    X_train, y_train, X_val, y_val = data["X_train"], data["y_train"], data["X_val"], data["y_val"]
    configs = {name: copy.deepcopy(config) if config is not None else {} for name in model.params}
    num_fit = X_train.shape[0] if num_train_samples is None else num_train_samples
    history = {"loss": [], "train_acc": [], "val_acc": [], "best_val_acc": None, "best_epoch": None}
    best_params = None
    iterations = epochs * -(-X_train.shape[0] // batch_size)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=iterations, disable=not show, unit="batch", desc="training")
    step = 0
    for epoch in range(epochs):
        for X_batch, y_batch in iterate_minibatches(X_train, y_train, batch_size, rng):
            loss, grads = model.loss(X_batch, y_batch)
            history["loss"].append(float(loss))
            if schedule is not None:
                learning_rate = schedule(step)
                for name in configs:
                    configs[name]["learning_rate"] = learning_rate
            for name in configs:
                model.params[name], configs[name] = rule(model.params[name], grads[name], configs[name])
            step += 1
            bar.update(1)
        history["train_acc"].append(evaluate(model, X_train[:num_fit], y_train[:num_fit]))
        val_acc = evaluate(model, X_val, y_val)
        history["val_acc"].append(val_acc)
        bar.set_postfix(epoch=epoch, loss=f"{history['loss'][-1]:.3f}", val_acc=f"{val_acc:.3f}")
        if history["best_val_acc"] is None or val_acc > history["best_val_acc"]:
            history["best_val_acc"], history["best_epoch"] = val_acc, epoch
            if patience is not None:
                best_params = {name: value.copy() for name, value in model.params.items()}
        if patience is not None and epoch - history["best_epoch"] >= patience:
            break
    bar.close()
    if best_params is not None:
        model.params.update(best_params)
    return history
