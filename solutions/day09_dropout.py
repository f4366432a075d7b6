r"""Day 9 - Dropout: training many thinned networks at once.

Dropout switches off a random part of a layer's units on every training step: each unit is
kept with probability ``keep_prob`` and set to 0 otherwise, afresh for every example and
every step. A unit can then never count on one particular partner being there, so the
network cannot build the fragile co-adaptations with which it memorises its training set;
each step trains a different "thinned" sub-network, and all of them share the same weights.

At test time nothing is dropped. To make the full network's activations match what the next
layer saw during training, the kept units are divided by ``keep_prob`` while training
("inverted dropout"): every unit's expected value is then unchanged,
:math:`E[\text{out}] = x`, and the test-time layer is simply the identity. The full network
approximates the average of all the thinned networks; averaging the predictions of several
passes with dropout left on (Monte Carlo dropout) computes that average by sampling, and
the spread of those passes says how sure the network is.

Conventions (the whole kata uses them)
--------------------------------------
- ``keep_prob`` is the probability of *keeping* a unit (``0 < keep_prob <= 1``), not of
  dropping it: ``keep_prob = 0.25`` zeroes about three units in four.
- Inverted dropout: in training, kept units are scaled by ``1 / keep_prob``; when ``train``
  is false the layer is the identity and draws nothing.
- Every random draw comes from the ``numpy.random.Generator`` passed in as ``rng``, never
  from ``np.random``'s global state. The mask is ``rng.random(x.shape) < keep_prob``,
  exactly: one uniform draw in [0, 1) per unit, in ``x``'s own shape, kept where the draw is
  strictly below ``keep_prob``. The same seed then gives the same mask.
- ``*_forward(...) -> (out, cache)``; ``*_backward(dout, cache) -> dx``, shaped like ``x``.
  Inputs are never modified in place.
- Batch first: ``X`` is ``(N, D)``; class probabilities are ``(N, C)``, each row summing to 1.
"""
import numpy as np


def dropout_forward(x, keep_prob, train, rng):
    r"""Forward pass of inverted dropout.

    Parameters
    ----------
    x : ndarray, any shape, e.g. (N, D) or (N, d1, ..., dk)
        The layer's input (usually the activations of a hidden layer). Not modified.
    keep_prob : float
        The probability of keeping each unit, ``0 < keep_prob <= 1``. With 1.0 every unit
        is kept and the layer is the identity.
    train : bool
        True while training: drop and rescale. False at test time: the identity.
    rng : numpy.random.Generator
        The source of the mask. In training, exactly ``x.size`` uniform numbers are drawn
        from it, as one call ``rng.random(x.shape)``; at test time nothing is drawn.

    Returns
    -------
    out : ndarray, shape like x
        In training, ``x * mask / keep_prob``: 0 where a unit is dropped, ``x / keep_prob``
        where it is kept. At test time, ``x`` unchanged.
    cache : tuple
        ``(mask, keep_prob)``, for :func:`dropout_backward`: ``mask`` is the boolean array
        (shape like x, True where the unit is kept) in training, and None at test time.

    Notes
    -----
    With :math:`u` uniform on [0, 1) and drawn independently for every unit,

    .. math::
        m = \mathbb{1}[u < p], \qquad \text{out} = \frac{m \odot x}{p}, \qquad
        E[\text{out}] = \frac{P(u < p)\, x}{p} = x

    where :math:`p` is ``keep_prob``. Draw the whole mask at once from the generator you
    are given, in x's shape, and compare strictly: the mask is ``u < keep_prob`` with
    ``u = rng.random(x.shape)``. Reading ``keep_prob`` as the probability of dropping turns
    ``keep_prob = 0.25`` into keeping three units in four; at 0.5 the two readings look
    alike, which is why the checks use 0.25 and 0.7. Without the division by
    :math:`p`, the next layer would see activations :math:`p` times smaller in training
    than at test time.

    Why it matters: dropout is a cheap, strong regulariser for wide layers; its one
    delicate point is that training and test time must agree on the scale of the
    activations.
    """
    if not train:
        return x, (None, keep_prob)  # test time: the identity, and no draw from rng
    mask = rng.random(x.shape) < keep_prob  # True where the unit is kept
    out = x * mask / keep_prob  # inverted dropout: E[out] = x
    cache = (mask, keep_prob)
    return out, cache


def dropout_backward(dout, cache):
    r"""Backward pass of inverted dropout.

    Parameters
    ----------
    dout : ndarray, shape like x
        Upstream gradient, dL/dout. Not modified.
    cache : tuple
        The ``cache`` returned by :func:`dropout_forward` for this very forward pass.

    Returns
    -------
    dx : ndarray, shape like x
        Gradient with respect to x: ``dout * mask / keep_prob`` after a training pass,
        ``dout`` after a test-time pass (whose mask is None).

    Notes
    -----
    The forward pass multiplies each unit by the constant :math:`m / p`, so

    .. math:: \frac{\partial L}{\partial x} = \text{dout} \odot \frac{m}{p}

    with the *same* mask :math:`m` as the forward pass: a dropped unit did not influence
    the loss and gets no gradient; a kept one gets its upstream gradient times
    :math:`1 / p`. The mask must come from the cache: a new draw here would send gradient
    to units that were dropped and withhold it from units that were used.

    Why it matters: the forward and backward passes of a random layer must see the same
    randomness, or the gradient belongs to a network that never ran.
    """
    mask, keep_prob = cache
    if mask is None:  # the forward pass was the test-time identity
        return dout
    dx = dout * mask / keep_prob
    return dx


def mc_dropout_predict(forward, X, n_samples, rng):
    r"""Monte Carlo dropout: average the class probabilities of several passes with dropout on.

    Parameters
    ----------
    forward : callable
        ``forward(X, train, rng) -> probs``, a network's forward pass: ``probs`` is an
        ``(N, C)`` array of class probabilities (each row sums to 1). With ``train=True``
        it applies dropout, drawing its masks from ``rng``; with ``train=False`` it is the
        deterministic test-time network.
    X : ndarray, shape (N, D)
        The inputs, passed to every call of ``forward`` as they are.
    n_samples : int
        The number of passes to average, at least 1.
    rng : numpy.random.Generator
        Passed to every call of ``forward``, so that each pass draws new masks from it and
        the same seed gives the same result.

    Returns
    -------
    probs : ndarray, shape (N, C)
        The mean of the ``n_samples`` probability arrays, entry by entry; each row still
        sums to 1.

    Notes
    -----
    Call ``forward(X, True, rng)`` ``n_samples`` times, one after the other with the same
    ``rng``, and average the probabilities (not log-probabilities or scores, and not the
    predicted classes):

    .. math::
        \bar p(c \mid x) = \frac{1}{T} \sum_{t=1}^{T} p(c \mid x, m_t)

    with :math:`m_t` the masks of pass :math:`t`. Each pass is one thinned network, so
    this is the prediction of an ensemble of :math:`T` networks drawn from the :math:`2^n`
    that share the weights. The test-time pass (``train=False``) approximates the same
    average in one pass by scaling the weights instead of sampling; with enough samples
    the two agree closely, and where the passes disagree, the network is unsure. Take
    ``np.argmax(probs, axis=1)`` of the result for class predictions.

    Why it matters: it turns a network trained with dropout into an ensemble for free, and
    gives an uncertainty estimate without training anything new (Gal & Ghahramani, 2016).
    """
    samples = [forward(X, True, rng) for _ in range(n_samples)]
    return np.mean(samples, axis=0)
