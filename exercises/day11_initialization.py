r"""Day 11 - Initialization and gradient flow.

Before a network learns anything, its random weights decide whether a signal can travel through
it at all. A layer ``z = h @ W + b`` with independent, zero-mean weights of variance
:math:`\sigma^2` multiplies the second moment of its input by :math:`n_\text{in} \sigma^2`
(``fan_in`` terms are added up). Stack ten layers and that factor is raised to the tenth power:
with ``0.01 * randn`` weights on 100 inputs (:math:`100 \cdot 10^{-4} / 2 = 0.005` once ReLU has
halved it) the activations shrink about 14-fold per layer and are around 1e-12 at layer 10; with
plain ``randn`` weights they grow about 7-fold per layer. The backward pass multiplies by the
same matrices (transposed), so the gradients vanish or explode in step with the activations, and
the layers far from the loss either never learn or blow up.

The cure is to choose the scale so that the factor is 1:

- **Xavier / Glorot** (Glorot & Bengio 2010), for tanh-like units: the forward pass wants
  :math:`\text{Var}(w) = 1 / n_\text{in}`, the backward pass :math:`1 / n_\text{out}`; the
  compromise is :math:`\text{Var}(w) = 2 / (n_\text{in} + n_\text{out})`.
- **He / Kaiming** (He et al. 2015), for ReLU: a ReLU zeroes half of its inputs and so halves
  the second moment; doubling the variance, :math:`\text{Var}(w) = 2 / n_\text{in}`, gives it
  back.

Either can be drawn from a normal distribution with that standard deviation, or from a uniform
one on ``[-limit, limit]``, whose variance is ``limit**2 / 3``: ``limit = sqrt(3) * std``.
Initialising every weight to zero (or to any one constant) is no cure: all units of a layer then
compute the same thing and get the same gradient, so they stay identical for ever (the symmetry
is never broken); a zero matrix also passes no gradient back at all.

The second half of the day measures: the mean and spread of the activations layer after layer
(:func:`activation_stats`), the size of every layer's weight gradient (:func:`gradient_norms`),
and a rule that turns those sizes into a verdict (:func:`diagnose_gradient_flow`).
``make plots day11`` draws the activation histograms of a 10-layer ReLU network for three
initialisations and its gradient norms, with your code.

Conventions (the whole kata uses them)
--------------------------------------
- Weights ``W`` are ``(D_in, D_out) = (fan_in, fan_out)`` and used as ``x @ W + b``; biases are
  ``(D_out,)``. A stack of layers is a list of ``(W, b)``, input side first, as in Day 2's
  ``mlp_forward``.
- Every random draw comes from the ``rng`` argument (a ``numpy.random.Generator``), never from
  ``np.random`` itself, so a seed reproduces a network exactly.
- Models follow Day 4's ``TwoLayerNet``: ``model.params`` is a dict name -> array (weights
  ``W1, W2, ...``, biases ``b1, b2, ...``) and ``model.loss(X, y)`` returns ``(loss, grads)``
  with ``grads`` keyed like ``params``.
- Everything is float64, and no function modifies its inputs.
"""
import math  # noqa: F401 (the stub keeps the imports your answers need)

import numpy as np  # noqa: F401

#: diagnose_gradient_flow: a weight gradient norm above this is exploding.
EXPLODING_NORM = 1e3
#: diagnose_gradient_flow: when even the largest norm is below this, the gradients have vanished.
VANISHING_NORM = 1e-6
#: diagnose_gradient_flow: the largest healthy factor between the first and the last layer's norm.
FLOW_RATIO = 1e2


def xavier_init(fan_in, fan_out, rng, distribution="normal"):
    r"""Xavier (Glorot) initialisation of a ``(fan_in, fan_out)`` weight matrix.

    Parameters
    ----------
    fan_in : int
        D_in, the number of inputs of the layer (rows of W).
    fan_out : int
        D_out, the number of outputs of the layer (columns of W).
    rng : numpy.random.Generator
        Source of the draws.
    distribution : {"normal", "uniform"}, default "normal"
        Draw from a zero-mean normal distribution, or from a uniform one on ``[-limit, limit]``.
        Any other value raises ``ValueError``.

    Returns
    -------
    W : ndarray of float64, shape (fan_in, fan_out)
        ``rng.standard_normal((fan_in, fan_out)) * std`` with
        ``std = sqrt(2 / (fan_in + fan_out))`` for "normal";
        ``rng.uniform(-limit, limit, (fan_in, fan_out))`` with
        ``limit = sqrt(6 / (fan_in + fan_out))`` for "uniform". One call to ``rng``, exactly
        that one, so the same seed gives the same matrix.

    Notes
    -----
    .. math:: \text{Var}(w) = \frac{2}{n_\text{in} + n_\text{out}}, \qquad
              w \sim \mathcal{N}\!\left(0, \tfrac{2}{n_\text{in} + n_\text{out}}\right) \quad\text{or}\quad
              w \sim \mathcal{U}\!\left(-\sqrt{\tfrac{6}{n_\text{in} + n_\text{out}}},
                                         \sqrt{\tfrac{6}{n_\text{in} + n_\text{out}}}\right)

    Both give the same variance: a uniform distribution on ``[-a, a]`` has variance
    ``a**2 / 3``, and ``6 / 3 = 2``. ``std`` is a standard deviation, the square root of the
    variance: multiply the standard normal draws by ``std``, not by ``std**2``.

    Why it matters: keeps the variance of the signal roughly constant both forwards (which
    wants ``1 / fan_in``) and backwards (``1 / fan_out``) through tanh or sigmoid layers, the
    default initialisation of many libraries for such layers.
    """
    # TODO: write this, then run `make check day11.xavier_init`.
    raise NotImplementedError("day11.xavier_init")


def he_init(fan_in, fan_out, rng, distribution="normal"):
    r"""He (Kaiming) initialisation of a ``(fan_in, fan_out)`` weight matrix, for ReLU layers.

    Parameters
    ----------
    fan_in : int
        D_in, the number of inputs of the layer (rows of W).
    fan_out : int
        D_out, the number of outputs of the layer (columns of W).
    rng : numpy.random.Generator
        Source of the draws.
    distribution : {"normal", "uniform"}, default "normal"
        Draw from a zero-mean normal distribution, or from a uniform one on ``[-limit, limit]``.
        Any other value raises ``ValueError``.

    Returns
    -------
    W : ndarray of float64, shape (fan_in, fan_out)
        ``rng.standard_normal((fan_in, fan_out)) * std`` with ``std = sqrt(2 / fan_in)`` for
        "normal"; ``rng.uniform(-limit, limit, (fan_in, fan_out))`` with
        ``limit = sqrt(6 / fan_in)`` for "uniform". One call to ``rng``, exactly that one.

    Notes
    -----
    .. math:: \text{Var}(w) = \frac{2}{n_\text{in}}, \qquad
              w \sim \mathcal{N}\!\left(0, \tfrac{2}{n_\text{in}}\right) \quad\text{or}\quad
              w \sim \mathcal{U}\!\left(-\sqrt{\tfrac{6}{n_\text{in}}}, \sqrt{\tfrac{6}{n_\text{in}}}\right)

    Only ``fan_in`` counts: each output adds up ``fan_in`` products, so
    :math:`\text{Var}(z) = n_\text{in} \text{Var}(w) \, E[h^2]`, and a ReLU keeps half of the
    second moment, :math:`E[\text{relu}(z)^2] = \text{Var}(z) / 2`. With
    :math:`\text{Var}(w) = 2 / n_\text{in}` the two factors cancel and every layer passes on
    the second moment it received. ``fan_out`` only sets the shape.

    Why it matters: the initialisation that lets deep ReLU networks (and the MNIST network of
    Day 13) train from the first step, instead of starting with activations that have died
    out or blown up.
    """
    # TODO: write this, then run `make check day11.he_init`.
    raise NotImplementedError("day11.he_init")


def activation_stats(X, layers, activation):
    r"""The mean and standard deviation of the activations after every layer of a stack.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        A batch of inputs. Not modified.
    layers : list of (W, b)
        L layers, input side first: layer k has ``W`` of shape ``(D_{k-1}, D_k)`` and ``b`` of
        shape ``(D_k,)``, with ``D_0 = D`` (as in Day 2's ``mlp_forward``). Not modified.
    activation : callable
        Elementwise non-linearity applied after **every** layer, the last one included (for
        example a ReLU, or ``np.tanh``).

    Returns
    -------
    stats : list of L tuples (mean, std)
        ``stats[k]`` describes the output of layer ``k + 1``, after its activation:
        ``h_{k+1} = activation(h_k @ W + b)`` with ``h_0 = X``, and ``(mean, std)`` are
        ``np.mean`` and ``np.std`` of all ``N * D_{k+1}`` entries of that ``(N, D_{k+1})``
        array, as Python floats (the population std, ``ddof = 0``).

    Notes
    -----
    .. math:: h_0 = X, \qquad h_k = \phi(h_{k-1} W_k + b_k), \qquad
              \mu_k = \frac{1}{N D_k} \sum_{n,j} (h_k)_{nj}, \qquad
              \sigma_k = \sqrt{\frac{1}{N D_k} \sum_{n,j} \left((h_k)_{nj} - \mu_k\right)^2}

    Unlike ``mlp_forward``, there is no output layer here: the stack is all hidden layers, so
    the activation follows every one of them, and the statistics are those of what the next
    layer would receive. Each layer feeds on the previous layer's activations, not on X.
    Compute the std with ``np.std`` (from the deviations): the shortcut
    ``sqrt(mean(h**2) - mean(h)**2)`` can subtract two equal numbers, come out slightly
    negative and give NaN for a layer whose units all have the same value.

    Why it matters: the first thing to look at when a deep network will not train. The std per
    layer shows at a glance whether the signal survives the depth, collapses towards zero, or
    blows up.
    """
    # TODO: write this, then run `make check day11.activation_stats`.
    raise NotImplementedError("day11.activation_stats")


def gradient_norms(model, X, y):
    r"""The Frobenius norm of every weight matrix's gradient, one per layer, input side first.

    Parameters
    ----------
    model : object
        A model with ``model.params``, a dict name -> array whose weights are named ``W1, W2,
        ..., WL`` (and biases ``b1, ..., bL``, possibly other entries), and
        ``model.loss(X, y) -> (loss, grads)``, ``grads`` keyed like ``params`` (Day 4's
        ``TwoLayerNet``, Day 13's ``FullyConnectedNet``). Neither is modified.
    X : ndarray, shape (N, D)
        A batch of inputs.
    y : ndarray of int, shape (N,)
        Its labels.

    Returns
    -------
    norms : list of L floats
        ``norms[k - 1] = sqrt(sum(grads[f"W{k}"] ** 2))`` (``np.linalg.norm`` of the matrix) for
        k = 1 ... L, ordered by layer number: W1 first, and W10 after W9 (a number, not text),
        whatever the order of the keys in ``model.params``. Biases and any other parameter are
        left out.

    Notes
    -----
    .. math:: g_k = \left\lVert \frac{\partial L}{\partial W_k} \right\rVert_F
              = \sqrt{\sum_{i,j} \left(\frac{\partial L}{\partial W_k}\right)_{ij}^2}

    Call ``model.loss(X, y)`` once (with the labels: without them it returns scores) and read
    the gradients it returns: the norm is that of the gradient, not of the weights. The
    layers are the keys of ``model.params`` made of a ``W`` and a number.

    Why it matters: backpropagation multiplies the gradient by every layer's weights on its
    way to the input, so the norms per layer show whether it reaches the first layers, and how
    it shrinks or grows on the way.
    """
    # TODO: write this, then run `make check day11.gradient_norms`.
    raise NotImplementedError("day11.gradient_norms")


def diagnose_gradient_flow(norms):
    r"""Classify per-layer gradient norms as ``"vanishing"``, ``"exploding"`` or ``"healthy"``.

    Parameters
    ----------
    norms : sequence of float, length L >= 1
        One gradient norm per layer, input side first (as :func:`gradient_norms` returns them):
        ``norms[0]`` is the first layer's, ``norms[-1]`` the last layer's (next to the loss).

    Returns
    -------
    verdict : str
        The first of these rules that applies, in this order:

        1. ``"exploding"`` if any norm is NaN or infinite;
        2. ``"exploding"`` if the largest norm is above ``EXPLODING_NORM = 1e3``;
        3. ``"vanishing"`` if the largest norm is below ``VANISHING_NORM = 1e-6``;
        4. ``"exploding"`` if ``first > FLOW_RATIO * last`` (``FLOW_RATIO = 1e2``): the
           gradient grew more than 100-fold on its way back to the first layer;
        5. ``"vanishing"`` if ``first < last / FLOW_RATIO``, that is ``first < 1e-2 * last``:
           it shrank more than 100-fold;
        6. ``"healthy"`` otherwise.

        Every comparison is strict: a norm exactly at a bound is healthy.

    Notes
    -----
    With :math:`g_1` the first layer's norm and :math:`g_L` the last one's, rules 4 and 5 ask
    whether :math:`g_1 / g_L` is outside :math:`[10^{-2}, 10^{2}]`. Write them as products,
    ``first > 1e2 * last``, not as the ratio ``first / last``: the last norm can be exactly 0
    (then a positive first norm is exploding, rule 4), and a division would fail there. The
    absolute bounds come first because a ratio says nothing when every layer is equally tiny
    (``0.01 * randn`` weights: all norms around 1e-11) or equally huge (``randn``: around 1e8).

    Why it matters: a first answer to "why is my network not learning?" that needs nothing but
    one backward pass.
    """
    # TODO: write this, then run `make check day11.diagnose_gradient_flow`.
    raise NotImplementedError("day11.diagnose_gradient_flow")
