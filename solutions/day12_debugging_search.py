r"""Day 12 - Debugging networks and hyperparameter search.

A network that does not learn rarely says why: the loss just sits there, or wanders, or turns
into NaN. Today's first half is a set of cheap measurements that each rule out one family of
bugs, in the order you would run them:

1. **The initial loss** (:func:`initial_loss_check`). With small random weights every score is
   near 0, the softmax is uniform, and the cross-entropy is :math:`-\ln(1/C) = \ln C` (2.303 for
   ten classes). Much more means weights that are too large or a loss that is summed, not
   averaged; much less means the labels leak into the input or the loss is wrong.
2. **Overfit a tiny batch** (:func:`overfit_small_batch`). A network with enough weights can
   memorise twenty examples. If it cannot reach 100 % training accuracy on them (with the
   regularisation off), something between the loss and the update is broken, and no amount of
   data or tuning will help.
3. **Update / weight ratios** (:func:`update_ratio`). One step should change each parameter by
   about a thousandth of its size: ratios near 1e-3 are healthy, 1e-1 and up means the learning
   rate is too high (or the update has the wrong sign and keeps growing), 1e-6 and below means
   it is too low or the gradient never reaches that layer.
4. **Gradient check** (Day 4) when a single layer is suspect.

The second half searches for hyperparameters. A learning rate or a regularisation strength
matters by its order of magnitude, so it is drawn **log-uniformly**
(:func:`sample_log_uniform`): as many trials between 1e-4 and 1e-3 as between 1e-2 and 1e-1,
where a linear draw from [1e-4, 1e-1] puts 90 % of them in the last decade. **Random search**
(:func:`random_search`) tries a new value of every hyperparameter in every trial, where a
**grid** (:func:`grid_search`) of 25 trials over two hyperparameters tries only 5 values of
each (Bergstra & Bengio 2012): when only one of them matters, random search has looked at 25
values of it. Trials are compared on the **validation** set and only there
(:func:`best_trial`): choosing on the test set makes its accuracy an optimistic, useless
estimate. When the best value sits at the edge of the searched range, the optimum may lie
beyond it: widen the range there and search again (coarse to fine).

The day ends with :func:`train_tiny_network`, a complete training script that, as shipped in
``exercises/``, has three bugs that stop it from learning: find them with the tools above.
``make plots day12`` draws a random search of (learning rate, reg) on MNIST with your search
code and your Day 4 ``TwoLayerNet``, and what the batch size does to training.

Conventions (the whole kata uses them)
--------------------------------------
- Models follow Day 4's ``TwoLayerNet``: ``model.params`` is a dict name -> array (weights
  ``W1, W2, ...``, biases ``b1, b2, ...``); ``model.loss(X)`` returns the scores ``(N, C)``
  and ``model.loss(X, y)`` returns ``(loss, grads)`` with ``grads`` keyed like ``params``; it
  reads its parameters from ``model.params`` on every call.
- ``X`` is ``(N, D)``, batch first; ``y`` is an integer array ``(N,)`` in ``[0, C)``; ``W`` is
  ``(D_in, D_out)`` and used as ``x @ W + b``.
- Losses are softmax cross-entropy averaged over the batch; ``ln`` is the natural logarithm.
- Every random draw comes from the ``rng`` argument (a ``numpy.random.Generator``), never from
  ``np.random`` itself. No function modifies its inputs (a model's own parameters excepted,
  where the docstring says so).
"""
import itertools  # noqa: F401 (the stub keeps the imports your answers need)

import numpy as np

#: update_ratio: added to every parameter's norm, so a parameter that is exactly zero (a bias at
#: initialisation) gets a huge ratio instead of a division by zero.
RATIO_EPS = 1e-12
#: The scales random_search understands for a range (low, high, scale).
SCALES = ("log", "linear")


def initial_loss_check(model, X, y):
    r"""The model's loss before training, and the loss a network that knows nothing should have.

    Parameters
    ----------
    model : object
        A freshly initialised model (Day 4's model API: ``params``, ``loss(X)`` -> scores
        ``(N, C)``, ``loss(X, y)`` -> ``(loss, grads)``). It is not modified.
    X : ndarray, shape (N, D)
        A batch of inputs.
    y : ndarray of int, shape (N,)
        Their labels, in ``[0, C)``. A batch need not contain every class.

    Returns
    -------
    observed : float
        ``model.loss(X, y)[0]``, the model's loss on the batch.
    expected : float
        ``ln C``, with C the number of classes: the number of columns of the scores
        ``model.loss(X)`` (not the number of distinct labels in ``y``).

    Notes
    -----
    With small weights all C scores are close to 0, so every class gets probability
    :math:`1/C` and the cross-entropy of every example is

    .. math:: -\ln \tfrac{1}{C} = \ln C \qquad (\ln 10 = 2.303,\ \ln 3 = 1.099).

    Build the model with ``reg = 0`` for this check (or expect the L2 penalty on top).

    Why it matters: it costs one forward pass, and a loss far from ln C at step 0 already says
    the initialisation or the loss is wrong, before any time is spent training.
    """
    observed, _ = model.loss(X, y)
    num_classes = np.shape(model.loss(X))[1]
    return float(observed), float(np.log(num_classes))


def overfit_small_batch(make_model, X, y, steps, rng, learning_rate=0.1):
    r"""Train a fresh model on one small batch with plain gradient descent; its final training accuracy.

    Parameters
    ----------
    make_model : callable
        ``make_model(rng) -> model``: builds a fresh model (Day 4's model API), drawing its
        initial weights from ``rng``, with no regularisation (``reg = 0``) so that nothing
        stops it from memorising the batch. Call it once.
    X : ndarray, shape (N, D)
        The small batch (N of about 5 to 50 examples).
    y : ndarray of int, shape (N,)
        Its labels.
    steps : int
        The number of gradient-descent steps.
    rng : numpy.random.Generator
        Passed to ``make_model``.
    learning_rate : float, default 0.1
        The step size.

    Returns
    -------
    accuracy : float
        The fraction of the batch the trained model classifies correctly:
        ``mean(argmax(model.loss(X), axis=1) == y)``, in [0, 1].

    Notes
    -----
    Each of the ``steps`` steps uses the whole batch (full-batch gradient descent, no
    minibatches):

    .. math:: (\text{loss}, g) = \text{model.loss}(X, y), \qquad
              \theta_k \leftarrow \theta_k - \eta\, g_k \ \text{ for every key } k \text{ of model.params}.

    Store each new array in ``model.params[k]`` (the model reads its parameters from there on
    its next call), for every key the model has, whatever their names.

    Why it matters: a healthy network memorises a handful of examples in a few hundred steps.
    If yours cannot, the bug is in the model or the update, not in the data or the
    hyperparameters, and it is cheap to find on 20 examples.
    """
    model = make_model(rng)
    for _ in range(steps):
        _, grads = model.loss(X, y)
        for name in model.params:
            model.params[name] = model.params[name] - learning_rate * grads[name]
    scores = model.loss(X)
    return float(np.mean(np.argmax(scores, axis=1) == y))


def update_ratio(params, updates):
    r"""How big one update is compared with the parameter it changes, for every parameter.

    Parameters
    ----------
    params : dict of str -> ndarray
        The parameters before the update (``model.params``).
    updates : dict of str -> ndarray
        The change each parameter receives, keyed and shaped like ``params``: for SGD,
        ``-learning_rate * grads[k]``; in general, new value minus old value.

    Returns
    -------
    ratios : dict of str -> float
        For every key of ``params``:
        ``norm(updates[k]) / (norm(params[k]) + RATIO_EPS)``, with ``norm`` the Frobenius norm
        (``np.linalg.norm`` of the array: the square root of the sum of its squared entries)
        and ``RATIO_EPS = 1e-12``.

    Notes
    -----
    .. math:: r_k = \frac{\lVert \Delta\theta_k \rVert_F}{\lVert \theta_k \rVert_F + \epsilon}

    Healthy training gives ratios around 1e-3. The epsilon only matters for a parameter that
    is exactly zero, like a bias at initialisation: its ratio is then huge (about
    ``norm(update) * 1e12``), not a division by zero. Neither input is modified.

    Why it matters: the loss curve tells you that the learning rate is wrong; the ratios tell
    you by how much, and for which layer.
    """
    return {name: float(np.linalg.norm(updates[name]) / (np.linalg.norm(params[name]) + RATIO_EPS))
            for name in params}


def sample_log_uniform(low, high, rng, size=None):
    r"""Draw values whose logarithm is uniform on [ln low, ln high].

    Parameters
    ----------
    low, high : float
        The range, with ``0 < low <= high``; anything else raises ``ValueError``.
    rng : numpy.random.Generator
        The source of randomness: one ``rng.uniform`` call per call of this function.
    size : int or tuple of int, optional
        The shape of the array to draw. None (the default) draws one value.

    Returns
    -------
    sample : float, or ndarray of shape ``size``
        ``exp(rng.uniform(ln low, ln high, size))``; a Python float when ``size`` is None.
        Every value lies in [low, high].

    Notes
    -----
    .. math:: u \sim \mathcal{U}(\ln a, \ln b), \qquad x = e^u, \qquad
              P(x \le t) = \frac{\ln t - \ln a}{\ln b - \ln a}

    Every decade between ``low`` and ``high`` gets the same share of the samples. With
    base 10 instead, ``10 ** rng.uniform(log10(low), log10(high))`` gives the same values;
    mixing the bases (``np.exp`` of ``log10`` bounds) does not. Draw the exponent as a
    float: ``rng.integers`` would only ever give exact powers of ten.

    Why it matters: a learning rate of 1e-4 and one of 1e-3 behave as differently as 1e-2 and
    1e-1. A linear draw from [1e-4, 1e-1] puts 90 % of its trials in the last decade and
    almost never tries the small values.
    """
    if not 0 < low <= high:
        raise ValueError(f"sample_log_uniform needs 0 < low <= high, got low = {low!r}, high = {high!r}.")
    sample = np.exp(rng.uniform(np.log(low), np.log(high), size))
    return float(sample) if size is None else sample


def random_search(space, n_trials, rng):
    r"""Draw ``n_trials`` random settings of the hyperparameters in ``space``.

    Parameters
    ----------
    space : dict of str -> tuple (low, high, scale)
        One entry per hyperparameter, for example
        ``{"learning_rate": (1e-4, 1e-1, "log"), "keep_prob": (0.5, 1.0, "linear")}``.
        ``scale`` is ``"log"`` (the value is drawn with :func:`sample_log_uniform`, for
        quantities that matter by their order of magnitude) or ``"linear"`` (drawn with
        ``rng.uniform(low, high)``). Any other scale raises ``ValueError``, even when
        ``n_trials`` is 0.
    n_trials : int
        How many trials to draw (0 gives an empty list).
    rng : numpy.random.Generator
        The source of every draw.

    Returns
    -------
    trials : list of dict
        ``n_trials`` trials. A trial is a dict hyperparameter name -> float value, with the keys
        of ``space`` in its order. Trial after trial, each of its values is drawn in the order
        of ``space``'s keys, so a seed reproduces the whole search.

    Notes
    -----
    Every trial draws fresh values of every hyperparameter: after n trials each hyperparameter
    has been tried at n different values, where a grid of n points over d hyperparameters
    tries only :math:`n^{1/d}` values of each.

    Why it matters: random search finds good settings with far fewer trials than a grid when
    only a few of the hyperparameters really matter, which is the usual case.
    """
    for name, (_, _, scale) in space.items():
        if scale not in SCALES:
            raise ValueError(f"random_search: {name!r} has scale {scale!r}; use 'log' or 'linear'.")
    trials = []
    for _ in range(n_trials):
        trial = {}
        for name, (low, high, scale) in space.items():
            if scale == "log":
                trial[name] = sample_log_uniform(low, high, rng)
            else:
                trial[name] = float(rng.uniform(low, high))
        trials.append(trial)
    return trials


def grid_search(space):
    r"""Every combination of the listed values: the trials of a grid search.

    Parameters
    ----------
    space : dict of str -> sequence
        One entry per hyperparameter: the values to try, for example
        ``{"learning_rate": [1e-3, 1e-2, 1e-1], "reg": [0.0, 1e-4]}``. It is not modified.

    Returns
    -------
    trials : list of dict
        One trial (a dict name -> value, with the keys of ``space`` in its order) per element
        of the Cartesian product of the value lists: ``len(trials)`` is the product of their
        lengths. The order is that of ``itertools.product``: the first hyperparameter varies
        slowest, the last one fastest. Every trial is its own dict.

    Notes
    -----
    .. math:: \text{trials} = V_1 \times V_2 \times \dots \times V_d, \qquad
              |\text{trials}| = \prod_i |V_i|

    A space with no hyperparameters has one trial, the empty dict; an empty value list gives no
    trials.

    Why it matters: a grid is exhaustive and easy to read, but its cost multiplies with every
    hyperparameter added, and it tries each one at only a few values.
    """
    names = list(space)
    return [dict(zip(names, values)) for values in itertools.product(*(space[name] for name in names))]


def best_trial(results):
    r"""The trial with the best validation accuracy, and the hyperparameters whose best value is on the border.

    Parameters
    ----------
    results : list of dict
        One result per trial that was trained, each a dict with at least
        ``"params"``, the trial (a dict hyperparameter name -> number), and ``"val_acc"``, its
        validation accuracy. A result may carry more scores, such as ``"train_acc"`` or
        ``"test_acc"``: they are never used to choose. Every trial has the same names.
        An empty list raises ``ValueError``.

    Returns
    -------
    best : dict
        The result with the highest ``"val_acc"``; on a tie, the first of them in ``results``.
    border : dict of str -> str
        For every hyperparameter whose value in ``best`` is the smallest value it took among
        all the results, ``"low"``; the largest, ``"high"``. A hyperparameter that took only
        one value in the whole search was not searched and is never flagged. Empty when every
        best value lies strictly inside the range tried.

    Notes
    -----
    .. math:: i^* = \arg\max_i \text{val\_acc}_i, \qquad
              \text{border}[k] = \begin{cases}
              \text{"low"} & \theta^{(i^*)}_k = \min_i \theta^{(i)}_k \\
              \text{"high"} & \theta^{(i^*)}_k = \max_i \theta^{(i)}_k \end{cases}

    Why it matters: choosing on the test set turns the test accuracy into one more training
    signal, and it then overstates how well the model will do on new data. And a best value
    at the edge of the range means the search stopped where things were still improving:
    extend the range on that side and search again.
    """
    if not results:
        raise ValueError("best_trial needs at least one result.")
    best = results[0]
    for result in results[1:]:
        if result["val_acc"] > best["val_acc"]:
            best = result
    border = {}
    for name, value in best["params"].items():
        tried = [result["params"][name] for result in results]
        low, high = min(tried), max(tried)
        if low == high:
            continue
        if value == low:
            border[name] = "low"
        elif value == high:
            border[name] = "high"
    return best, border


def train_tiny_network(X, y, rng, hidden_dim=50, learning_rate=1.0, epochs=100, batch_size=20, weight_scale=0.1):
    r"""Train a two-layer ReLU network with minibatch SGD. In ``exercises/`` it has three bugs: repair it.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        Training inputs. Not modified.
    y : ndarray of int, shape (N,)
        Training labels in ``[0, C)``, with ``C = y.max() + 1``. Not modified.
    rng : numpy.random.Generator
        The source of the initial weights and of the order of the examples in every epoch.
    hidden_dim : int, default 50
        H, the number of hidden units.
    learning_rate : float, default 1.0
        The SGD step size.
    epochs : int, default 100
        The number of passes over the training set.
    batch_size : int, default 20
        The number of examples per step; the last batch of an epoch may be smaller.
    weight_scale : float, default 0.1
        The standard deviation of the initial weights.

    Returns
    -------
    history : dict
        ``"loss"``: list of float, the loss of every minibatch, computed before that step's
        update (``epochs * ceil(N / batch_size)`` values); ``"train_acc"``: list of float, the
        accuracy on the whole training set after every epoch (``epochs`` values);
        ``"params"``: the trained ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, C), ``b2`` (C,).

    Notes
    -----
    The network and its loss are those of Day 4's ``TwoLayerNet`` without regularisation:

    .. math:: s = \max(0, X W_1 + b_1) W_2 + b_2, \qquad
              L = -\frac{1}{n} \sum_{i} \ln \operatorname{softmax}(s_i)_{y_i}

    averaged over the n examples of the minibatch. The weights start as
    ``weight_scale * rng.standard_normal(shape)`` (W1 first, then W2), the biases at 0. Every
    epoch draws one permutation of the N examples and walks through it in minibatches of
    ``batch_size``; every step moves each parameter against its gradient,
    :math:`\theta \leftarrow \theta - \eta\, \partial L / \partial \theta`.

    The copy in ``exercises/`` has three bugs. Each one alone stops the network from learning
    (it ends near chance on a three-class spiral that the repaired version fits to over 90 %),
    and each leaves a trace the day's tools can see: look at the first loss (is it ln C?),
    at what one step does to the loss, at what a change of batch does to it. The checks report
    every bug that is still there, then whether the network learns.

    Why it matters: real bugs hide in code that runs without an error. Finding them is a method
    (initial loss, one step, one batch, the update sizes), not luck.
    """
    num_examples, input_dim = X.shape
    num_classes = int(np.max(y)) + 1
    params = {
        "W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)),
        "b1": np.zeros(hidden_dim),
        "W2": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
        "b2": np.zeros(num_classes),
    }
    history = {"loss": [], "train_acc": []}
    for _ in range(epochs):
        order = rng.permutation(num_examples)
        X_epoch, y_epoch = X[order], y[order]
        for start in range(0, num_examples, batch_size):
            X_batch = X_epoch[start:start + batch_size]
            y_batch = y_epoch[start:start + batch_size]
            n = X_batch.shape[0]
            rows = np.arange(n)

            # forward: affine - ReLU - affine - softmax cross-entropy
            z = X_batch @ params["W1"] + params["b1"]
            hidden = np.maximum(z, 0.0)
            scores = hidden @ params["W2"] + params["b2"]
            shifted = scores - np.max(scores, axis=1, keepdims=True)
            log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
            loss = -np.mean(log_probs[rows, y_batch])

            # backward
            dscores = np.exp(log_probs)
            dscores[rows, y_batch] -= 1.0
            dscores /= n
            grads = {"W2": hidden.T @ dscores, "b2": dscores.sum(axis=0)}
            dz = (dscores @ params["W2"].T) * (z > 0)
            grads["W1"] = X_batch.T @ dz
            grads["b1"] = dz.sum(axis=0)

            for name, grad in grads.items():
                params[name] -= learning_rate * grad
            history["loss"].append(float(loss))

        all_scores = np.maximum(X @ params["W1"] + params["b1"], 0.0) @ params["W2"] + params["b2"]
        history["train_acc"].append(float(np.mean(np.argmax(all_scores, axis=1) == y)))
    history["params"] = params
    return history
