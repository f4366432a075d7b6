r"""Day 2 - Perceptron, activations, MLP forward, why non-linearity.

A neuron is a linear score followed by a non-linear function. The perceptron learns one
such neuron with a rule that only moves when it is wrong; stacking neurons gives a
multi-layer perceptron (MLP). Today shows why the non-linearity is the whole point: without
it, any stack of layers collapses into a single linear map, which cannot even compute XOR,
while with ReLUs a single hidden layer can follow any continuous curve as closely as we like.

Conventions (the whole kata uses them)
--------------------------------------
- ``X`` is ``(N, D)``: N examples of D features, batch first.
- A layer is a pair ``(W, b)`` with ``W`` of shape ``(D_in, D_out)`` and ``b`` of shape
  ``(D_out,)``, applied as ``x @ W + b``. A network is a list of layers, input side first.
- Activation functions work elementwise on arrays of any shape and return a new array.
- The perceptron is the one place with labels in ``{-1, +1}`` (not class indices): the sign
  of the label is the side of the hyperplane the example belongs on.
- Nothing here is random; no function modifies its inputs.
"""
import numpy as np


def sigmoid(x):
    r"""The logistic sigmoid, computed without overflow.

    Parameters
    ----------
    x : ndarray, any shape
        Pre-activations.

    Returns
    -------
    out : ndarray of float, same shape as x
        ``1 / (1 + exp(-x))``, every entry in ``[0, 1]``.

    Notes
    -----
    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}} = \frac{e^{x}}{1 + e^{x}}

    Either form overflows for one sign of x: ``exp(1000)`` is ``inf`` (with a RuntimeWarning)
    and ``inf / inf`` is ``nan``. With :math:`z = e^{-|x|} \in (0, 1]`, use the first form
    where :math:`x \ge 0` (:math:`1 / (1 + z)`) and the second where :math:`x < 0`
    (:math:`z / (1 + z)`); no exponential then exceeds 1. It must not warn for any
    :math:`|x| \le 1000`. Beware that ``np.where(cond, a, b)`` computes both ``a`` and ``b``
    for every entry before it picks: it protects nothing unless neither branch can overflow.

    Why it matters: the sigmoid squashes a score into a probability, and an overflow
    warning in the middle of training usually means a NaN a few steps later.
    """
    # TODO: write this, then run `make check day02.sigmoid`.
    raise NotImplementedError("day02.sigmoid")


def tanh(x):
    r"""The hyperbolic tangent, computed without overflow.

    Parameters
    ----------
    x : ndarray, any shape
        Pre-activations.

    Returns
    -------
    out : ndarray of float, same shape as x
        ``tanh(x)``, every entry in ``[-1, 1]``.

    Notes
    -----
    .. math:: \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}
              = \operatorname{sign}(x) \, \frac{1 - e^{-2|x|}}{1 + e^{-2|x|}}
              = 2 \sigma(2x) - 1

    The first form overflows to ``inf / inf = nan`` for large :math:`|x|`; the second only
    exponentiates non-positive numbers. tanh is odd: :math:`\tanh(-x) = -\tanh(x)`.

    Why it matters: tanh is a zero-centred sigmoid; the same overflow care applies to every
    activation built from exponentials.
    """
    # TODO: write this, then run `make check day02.tanh`.
    raise NotImplementedError("day02.tanh")


def relu(x):
    r"""The rectified linear unit, ``max(0, x)`` elementwise.

    Parameters
    ----------
    x : ndarray, any shape
        Pre-activations.

    Returns
    -------
    out : ndarray, same shape as x
        ``x`` where ``x > 0``, else 0. A new array: ``x`` itself is left alone.

    Notes
    -----
    .. math:: \operatorname{relu}(x) = \max(0, x)

    Why it matters: ReLU is the default hidden activation of modern networks; it is cheap,
    does not saturate for positive inputs, and its kinks are what let a network bend.
    """
    # TODO: write this, then run `make check day02.relu`.
    raise NotImplementedError("day02.relu")


def perceptron_train(X, y, epochs, learning_rate):
    r"""Train a perceptron with Rosenblatt's mistake-driven rule.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        Training examples.
    y : ndarray, shape (N,)
        Labels in ``{-1, +1}`` (not 0/1).
    epochs : int
        Number of passes over the data, each visiting the examples in order 0 ... N-1.
    learning_rate : float
        Size of each update.

    Returns
    -------
    w : ndarray of float, shape (D,)
        Learned weights, starting from zeros.
    b : float
        Learned bias, starting from 0.
    mistakes_per_epoch : list of int
        The number of updates made in each epoch; ``len == epochs``. Once an epoch has no
        mistake nothing changes any more, and the remaining entries are 0.

    Notes
    -----
    For each example in turn, with score :math:`s_i = w \cdot x_i + b`:

    .. math:: \text{if } y_i s_i \le 0: \quad w \leftarrow w + \eta \, y_i x_i, \qquad
              b \leftarrow b + \eta \, y_i

    A score of exactly 0 counts as a mistake (otherwise nothing ever moves from w = 0). The
    label's sign gives the direction of the update, so labels must be -1 and +1; 0/1 labels
    would never push a negative example away. The bias is one number, updated once per
    mistake. If the data are linearly separable, the mistakes reach 0 after finitely many
    updates; on XOR they never do.

    Why it matters: it is the first learning rule, and its failure on XOR is why we need
    hidden layers.
    """
    # TODO: write this, then run `make check day02.perceptron_train`.
    raise NotImplementedError("day02.perceptron_train")


def mlp_forward(X, layers, activation):
    r"""Forward pass of a multi-layer perceptron of any depth.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        A batch of inputs.
    layers : list of (W, b)
        The layers, input side first; layer k has ``W`` of shape ``(D_k, D_{k+1})`` and
        ``b`` of shape ``(D_{k+1},)``, with ``D_0 = D``.
    activation : callable
        Elementwise non-linearity, for example :func:`relu` or :func:`tanh`.

    Returns
    -------
    scores : ndarray, shape (N, C)
        The output of the last layer, ``C = D_L``: raw scores, with no activation.

    Notes
    -----
    .. math:: h_0 = X, \qquad h_{k} = \phi(h_{k-1} W_k + b_k) \quad (k = 1 \dots L-1), \qquad
              \text{scores} = h_{L-1} W_L + b_L

    The activation sits between layers, never after the last: scores are free to be
    negative, and the loss (softmax, hinge) decides what to do with them. A one-layer
    network is just the linear map ``X @ W + b``.

    Why it matters: this loop is the forward pass of every fully connected network in the
    course, including the MNIST one.
    """
    # TODO: write this, then run `make check day02.mlp_forward`.
    raise NotImplementedError("day02.mlp_forward")


def collapse_linear(layers):
    r"""The single affine map equal to a stack of layers with no activation between them.

    Parameters
    ----------
    layers : list of (W, b)
        Layers as in :func:`mlp_forward`, ``W_k`` of shape ``(D_{k-1}, D_k)``.

    Returns
    -------
    W : ndarray, shape (D_0, D_L)
        The product of the weight matrices, input side first.
    b : ndarray, shape (D_L,)
        The bias of the collapsed map.

    Notes
    -----
    Two affine maps compose into one:

    .. math:: (x W_1 + b_1) W_2 + b_2 = x \, (W_1 W_2) + (b_1 W_2 + b_2)

    Repeating, :math:`W = W_1 W_2 \cdots W_L`, and every bias is carried through all the
    weight matrices after it. So ``mlp_forward(X, layers, identity)`` equals
    ``X @ W + b``: depth without non-linearity buys nothing. Do not modify the layers.

    Why it matters: this is the reason every hidden layer needs an activation.
    """
    # TODO: write this, then run `make check day02.collapse_linear`.
    raise NotImplementedError("day02.collapse_linear")


def xor_network():
    r"""Hand-set weights of a small ReLU network that computes XOR.

    Returns
    -------
    layers : list of (W, b)
        Layers for ``mlp_forward(X, layers, relu)``, mapping ``X`` of shape ``(N, 2)`` with
        entries in ``{0, 1}`` to scores of shape ``(N, 1)``. The network says "1" where
        the score is above 0.5: the scores for ``[0, 0], [0, 1], [1, 0], [1, 1]`` must be
        below, above, above and below 0.5.

    Notes
    -----
    No single linear layer can do it: the two "1" corners lie on a diagonal, and no straight
    line separates them from the other two. Two hidden ReLUs are enough: each one bends
    along a line of the plane, and the output layer adds the pieces up. A good start is the
    sum :math:`s = x_1 + x_2`, which is 0, 1, 1, 2 on the four corners, while XOR is

    .. math:: \operatorname{xor}(x_1, x_2) = 1 \iff x_1 + x_2 = 1

    Why it matters: XOR is the textbook function a perceptron cannot learn and one hidden
    layer can.
    """
    # TODO: write this, then run `make check day02.xor_network`.
    raise NotImplementedError("day02.xor_network")


def relu_interpolant(f, a, b, n_pieces):
    r"""A one-hidden-layer ReLU network that linearly interpolates f on [a, b].

    Parameters
    ----------
    f : callable
        A vectorised function of one variable: ``f(t)`` returns an array shaped like ``t``.
    a, b : float
        The interval, ``a < b``.
    n_pieces : int
        The number of linear pieces, at least 1.

    Returns
    -------
    layers : list of two (W, b) pairs
        ``[(W1, b1), (W2, b2)]`` with ``W1`` of shape ``(1, H)``, ``b1`` ``(H,)``, ``W2``
        ``(H, 1)`` and ``b2`` ``(1,)``; ``mlp_forward(x, layers, relu)`` maps ``x`` of shape
        ``(N, 1)`` to ``(N, 1)``. ``H = n_pieces`` hidden units suffice.

    Notes
    -----
    Let the knots be :math:`t_k = a + k h`, :math:`h = (b - a) / n`, :math:`k = 0 \dots n`,
    with values :math:`v_k = f(t_k)` and slopes :math:`s_k = (v_{k+1} - v_k) / h`. On
    :math:`[a, b]` the broken line through the knots is

    .. math:: g(x) = v_0 + s_0 \operatorname{relu}(x - t_0)
              + \sum_{k=1}^{n-1} (s_k - s_{k-1}) \operatorname{relu}(x - t_k)

    Hidden unit k switches on at knot :math:`t_k` (weight 1, bias :math:`-t_k`), and its
    output weight is the change of slope there; the output bias is :math:`v_0`. The network
    equals f at every knot, is linear between knots, and for smooth f its largest error
    shrinks like :math:`h^2 \max|f''| / 8`.

    Why it matters: it is the universal approximation theorem made concrete: enough ReLUs
    in one hidden layer follow any continuous function on an interval.
    """
    # TODO: write this, then run `make check day02.relu_interpolant`.
    raise NotImplementedError("day02.relu_interpolant")
