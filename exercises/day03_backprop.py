r"""Day 3 - Backpropagation on computational graphs.

A network is a chain of small functions, and backpropagation is the chain rule applied to
that chain from the end backwards. Each layer here comes as a pair: ``*_forward`` computes
the output and keeps in a ``cache`` whatever its backward will need; ``*_backward`` takes
the upstream gradient ``dout`` (the gradient of the loss with respect to the layer's
output) and returns the gradients with respect to the layer's inputs. The losses take
scores and return the loss with its gradient ``dscores``, which is where every backward
pass starts. The day ends with ``Value``, a scalar autograd engine that records the graph
of an expression and runs the same chain rule on it automatically.

Conventions (the whole kata uses them)
--------------------------------------
- Batch first: ``x`` is ``(N, D)``; affine layers also accept ``(N, d1, ..., dk)`` and
  flatten each example to ``D = d1 * ... * dk`` values.
- ``W`` is ``(D, M)`` and ``b`` is ``(M,)``, used as ``x @ W + b``.
- ``*_forward(...) -> (out, cache)``; ``*_backward(dout, cache) -> grads``, and every
  gradient has the shape of the input it belongs to (``dx`` like ``x``, even when ``x``
  is 3-D).
- ReLU's derivative is 0 at exactly 0: the mask is ``x > 0``.
- Losses are averaged over the batch; ``y`` is an integer array ``(N,)`` in ``[0, C)``.
"""
import math

import numpy as np


def affine_forward(x, W, b):
    r"""Forward pass of a fully connected (affine) layer.

    Parameters
    ----------
    x : ndarray, shape (N, d1, ..., dk)
        A batch of N examples; each is flattened to ``D = d1 * ... * dk`` values.
    W : ndarray, shape (D, M)
        Weights.
    b : ndarray, shape (M,)
        Biases.

    Returns
    -------
    out : ndarray, shape (N, M)
        ``x.reshape(N, D) @ W + b``.
    cache : tuple
        ``(x, W, b)``, the inputs, kept for the backward pass.

    Notes
    -----
    .. math:: \text{out}_{nm} = \sum_d x_{nd} W_{dm} + b_m

    Why it matters: every fully connected layer of a network is this one line.
    """
    # TODO: write this, then run `make check day03.affine_forward`.
    raise NotImplementedError("day03.affine_forward")


def affine_backward(dout, cache):
    r"""Backward pass of an affine layer.

    Parameters
    ----------
    dout : ndarray, shape (N, M)
        Upstream gradient, dL/dout.
    cache : tuple
        The ``cache`` returned by :func:`affine_forward`.

    Returns
    -------
    dx : ndarray, shape (N, d1, ..., dk)
        Gradient with respect to x, shaped like x (not flattened).
    dW : ndarray, shape (D, M)
        Gradient with respect to W.
    db : ndarray, shape (M,)
        Gradient with respect to b.

    Notes
    -----
    With :math:`X` the flattened ``(N, D)`` input and :math:`G` = ``dout``:

    .. math:: \frac{\partial L}{\partial X} = G W^T, \qquad
              \frac{\partial L}{\partial W} = X^T G, \qquad
              \frac{\partial L}{\partial b} = \sum_n G_n

    Every gradient has the shape of its input: a quick check of which matrix goes where.
    The bias is added to every example, so its gradient sums over the batch.

    Why it matters: these three products are the whole cost of training a dense network.
    """
    # TODO: write this, then run `make check day03.affine_backward`.
    raise NotImplementedError("day03.affine_backward")


def relu_forward(x):
    r"""Forward pass of a rectified linear unit, elementwise.

    Parameters
    ----------
    x : ndarray, any shape
        Input.

    Returns
    -------
    out : ndarray, shape like x
        ``max(0, x)``, a new array (x is not modified).
    cache : ndarray
        ``x``, for the backward pass.

    Notes
    -----
    .. math:: \text{relu}(x) = \max(0, x)
    """
    # TODO: write this, then run `make check day03.relu_forward`.
    raise NotImplementedError("day03.relu_forward")


def relu_backward(dout, cache):
    r"""Backward pass of a ReLU.

    Parameters
    ----------
    dout : ndarray, shape like x
        Upstream gradient.
    cache : ndarray
        The ``cache`` returned by :func:`relu_forward`.

    Returns
    -------
    dx : ndarray, shape like x
        Gradient with respect to x.

    Notes
    -----
    .. math:: \frac{\partial L}{\partial x} = \text{dout} \cdot \mathbb{1}[x > 0]

    The derivative at exactly 0 is taken to be 0 (the mask is strict), the kata's
    convention. Take the mask from the input: the output is never negative, so a mask
    built from it with ``>= 0`` lets every gradient through.

    Why it matters: a ReLU is a gate; units that were off in the forward pass pass no
    gradient back.
    """
    # TODO: write this, then run `make check day03.relu_backward`.
    raise NotImplementedError("day03.relu_backward")


def sigmoid_forward(x):
    r"""Forward pass of the logistic sigmoid, elementwise.

    Parameters
    ----------
    x : ndarray, any shape
        Input.

    Returns
    -------
    out : ndarray, shape like x
        :math:`\sigma(x) = 1 / (1 + e^{-x})`.
    cache : ndarray
        ``out``: the derivative is a function of the output alone.

    Notes
    -----
    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}} = \frac{e^{x}}{1 + e^{x}}, \qquad
              \sigma'(x) = \sigma(x)\,(1 - \sigma(x))

    Either form overflows for one sign of x: ``np.exp(1000)`` is ``inf`` (with a
    RuntimeWarning, which the checks treat as an error) and ``inf / inf`` is ``nan``. With
    :math:`z = e^{-|x|} \in (0, 1]`, use the first form where :math:`x \ge 0`
    (:math:`1 / (1 + z)`) and the second where :math:`x < 0` (:math:`z / (1 + z)`): no
    exponential then exceeds 1. It must not warn for any :math:`|x| \le 1000`.
    """
    # TODO: write this, then run `make check day03.sigmoid_forward`.
    raise NotImplementedError("day03.sigmoid_forward")


def sigmoid_backward(dout, cache):
    r"""Backward pass of the sigmoid.

    Parameters
    ----------
    dout : ndarray, shape like x
        Upstream gradient.
    cache : ndarray
        The ``cache`` returned by :func:`sigmoid_forward`.

    Returns
    -------
    dx : ndarray, shape like x
        Gradient with respect to x.

    Notes
    -----
    .. math:: \frac{\partial L}{\partial x} = \text{dout} \cdot s (1 - s), \qquad s = \sigma(x)

    The product uses the sigmoid's *output* s, not its input x; and s is already
    :math:`\sigma(x)`, so do not apply the sigmoid to it again.

    Why it matters: :math:`s(1 - s) \le 1/4`, so each sigmoid shrinks the gradient at
    least fourfold, which is why deep sigmoid stacks learn slowly.
    """
    # TODO: write this, then run `make check day03.sigmoid_backward`.
    raise NotImplementedError("day03.sigmoid_backward")


def tanh_forward(x):
    r"""Forward pass of the hyperbolic tangent, elementwise.

    Parameters
    ----------
    x : ndarray, any shape
        Input.

    Returns
    -------
    out : ndarray, shape like x
        ``tanh(x)``.
    cache : ndarray
        ``out``: the derivative is a function of the output alone.

    Notes
    -----
    .. math:: \tanh'(x) = 1 - \tanh^2(x)

    ``np.tanh`` is exact and stable for every x. The textbook formula
    :math:`(e^{x} - e^{-x}) / (e^{x} + e^{-x})` (or :math:`(e^{2x} - 1) / (e^{2x} + 1)`)
    overflows to ``inf / inf = nan``, with a RuntimeWarning, once :math:`|x|` passes about
    355; the checks feed it :math:`|x|` up to 1000.
    """
    # TODO: write this, then run `make check day03.tanh_forward`.
    raise NotImplementedError("day03.tanh_forward")


def tanh_backward(dout, cache):
    r"""Backward pass of tanh.

    Parameters
    ----------
    dout : ndarray, shape like x
        Upstream gradient.
    cache : ndarray
        The ``cache`` returned by :func:`tanh_forward`.

    Returns
    -------
    dx : ndarray, shape like x
        Gradient with respect to x.

    Notes
    -----
    .. math:: \frac{\partial L}{\partial x} = \text{dout} \cdot (1 - t^2), \qquad t = \tanh(x)

    Square the *output* t; squaring the input x gives a different (and wrong) number.
    """
    # TODO: write this, then run `make check day03.tanh_backward`.
    raise NotImplementedError("day03.tanh_backward")


def softmax_loss(scores, y):
    r"""Softmax cross-entropy loss on scores, and its gradient.

    Parameters
    ----------
    scores : ndarray, shape (N, C)
        Class scores.
    y : ndarray of int, shape (N,)
        Correct classes, ``0 <= y[i] < C``.

    Returns
    -------
    loss : float
        Cross-entropy averaged over the batch.
    dscores : ndarray, shape (N, C)
        Gradient of the loss with respect to the scores.

    Notes
    -----
    .. math:: p_{ij} = \frac{e^{s_{ij}}}{\sum_k e^{s_{ik}}}, \qquad
              L = -\frac{1}{N} \sum_i \log p_{i y_i}, \qquad
              \frac{\partial L}{\partial s_{ij}} = \frac{1}{N}\left(p_{ij} - \mathbb{1}[j = y_i]\right)

    Shift each row by its own maximum before exponentiating (no probability changes and
    ``exp`` cannot overflow), and take log-probabilities as ``shifted - log(sum(exp(shifted)))``.

    Why it matters: this is where the backward pass of a classifier starts.
    """
    # TODO: write this, then run `make check day03.softmax_loss`.
    raise NotImplementedError("day03.softmax_loss")


def svm_loss(scores, y, delta=1.0):
    r"""Multiclass SVM (hinge) loss on scores, and its gradient.

    Parameters
    ----------
    scores : ndarray, shape (N, C)
        Class scores.
    y : ndarray of int, shape (N,)
        Correct classes, ``0 <= y[i] < C``.
    delta : float
        The margin the correct score should keep over every other score.

    Returns
    -------
    loss : float
        Hinge loss averaged over the batch.
    dscores : ndarray, shape (N, C)
        Gradient of the loss with respect to the scores.

    Notes
    -----
    .. math:: L = \frac{1}{N} \sum_i \sum_{j \ne y_i} \max(0, s_{ij} - s_{i y_i} + \Delta)

    A wrong class j with a positive margin gets gradient 1/N; the correct class gets
    minus 1/N times the number of positive margins in its row. The correct class never
    competes with itself (its margin would always be :math:`\Delta`).
    """
    # TODO: write this, then run `make check day03.svm_loss`.
    raise NotImplementedError("day03.svm_loss")


def affine_relu_forward(x, W, b):
    r"""An affine layer followed by a ReLU, built from the two layers above.

    Parameters
    ----------
    x : ndarray, shape (N, d1, ..., dk)
        Input batch.
    W : ndarray, shape (D, M)
        Weights.
    b : ndarray, shape (M,)
        Biases.

    Returns
    -------
    out : ndarray, shape (N, M)
        ``relu(x.reshape(N, D) @ W + b)``.
    cache : tuple
        ``(affine_cache, relu_cache)``.

    Notes
    -----
    Call :func:`affine_forward` then :func:`relu_forward` and keep both caches.

    Why it matters: composing layers that each know their own backward is how every
    deep network is built.
    """
    # TODO: write this, then run `make check day03.affine_relu_forward`.
    raise NotImplementedError("day03.affine_relu_forward")


def affine_relu_backward(dout, cache):
    r"""Backward pass of the affine-ReLU layer.

    Parameters
    ----------
    dout : ndarray, shape (N, M)
        Upstream gradient.
    cache : tuple
        The ``cache`` returned by :func:`affine_relu_forward`.

    Returns
    -------
    dx : ndarray, shape (N, d1, ..., dk)
        Gradient with respect to x.
    dW : ndarray, shape (D, M)
        Gradient with respect to W.
    db : ndarray, shape (M,)
        Gradient with respect to b.

    Notes
    -----
    Backward runs the forward in reverse: :func:`relu_backward` first, then
    :func:`affine_backward` on its result.
    """
    # TODO: write this, then run `make check day03.affine_relu_backward`.
    raise NotImplementedError("day03.affine_relu_backward")


class Value:
    r"""A scalar that remembers how it was computed, and can backpropagate through it.

    ``Value(data, _children=(), _op='')`` wraps the number ``data``. Arithmetic on Values
    (``+ - * /``, ``**`` by a constant int or float, ``exp()``, ``log()``, ``tanh()``,
    ``relu()``) returns a new Value whose ``_prev`` holds the operands and whose ``_op``
    names the operation, so an expression builds a graph. Plain numbers may stand on
    either side of an operator (``2 * v``, ``1 - v``, ``3 / v``).

    Attributes
    ----------
    data : float
        The value.
    grad : float
        dL/d(this value) after ``L.backward()``; 0.0 until then.
    _prev : tuple of Value
        The operands this value was computed from (empty for a leaf).
    _op : str
        The operation that produced it, e.g. ``'+'``, ``'*'``, ``'**2'``, ``'tanh'``; ``''`` for a leaf.
    _backward : callable
        Adds this node's contribution to its operands' gradients (the local chain rule).

    Notes
    -----
    Each operation defines its forward value and, right next to it, a ``_backward``
    closure that applies its local derivative:
    ``operand.grad += (d out / d operand) * out.grad``. The ``+=`` matters: a value used
    twice (``a + a``, or two paths of a diamond) receives a gradient from each use.

    ``backward()`` must call each node's ``_backward`` only after every node that uses it
    has finished, i.e. in reverse topological order.

    Calling ``backward()`` twice on the same graph gives wrong gradients: nothing resets
    them, so the second call adds to the gradients already stored, and the intermediate
    nodes pass on their old gradients plus the new ones. For ``L = a * b + 1``, ``a.grad``
    is ``b`` after one call and ``3 * b`` (not ``2 * b``) after two. Build the expression
    again (or set every ``grad`` back to 0.0) before another pass.

    Why it matters: this is reverse-mode automatic differentiation, the machinery inside
    every deep-learning framework, in a few dozen lines.
    """

    def __init__(self, data, _children=(), _op=''):
        """Wrap ``data``; ``grad`` starts at 0.0 and ``_backward`` does nothing (a leaf)."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __repr__(self):
        """``Value(data=..., grad=...)``."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __add__(self, other):
        """``self + other``: both local derivatives are 1."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __mul__(self, other):
        """``self * other``: each operand's derivative is the other operand."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __pow__(self, exponent):
        """``self ** exponent`` for a constant int or float: derivative ``k * x**(k-1)``."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def exp(self):
        """``e ** self``: its derivative is itself (``math.exp`` is finite up to about 709.78)."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def log(self):
        """Natural logarithm (``self.data > 0``): derivative ``1 / x``. Exact, with no epsilon added:
        ``log(1e-300)`` is about -690.78 and its derivative 1e300."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def tanh(self):
        """Hyperbolic tangent: derivative ``1 - tanh(x)**2``, from the output. ``tanh(1000)`` is
        exactly 1.0 (``math.tanh``); ``(exp(2x) - 1) / (exp(2x) + 1)`` overflows there."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def relu(self):
        """``max(0, self)``: derivative 1 where the input is positive, else 0 (0 at exactly 0)."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __neg__(self):
        """``-self``, as ``self * -1``."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __sub__(self, other):
        """``self - other``, as ``self + (-other)``."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __truediv__(self, other):
        """``self / other``, as ``self * other ** -1``."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __radd__(self, other):
        """``other + self`` when ``other`` is a plain number."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __rsub__(self, other):
        """``other - self`` when ``other`` is a plain number."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __rmul__(self, other):
        """``other * self`` when ``other`` is a plain number."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def __rtruediv__(self, other):
        """``other / self`` when ``other`` is a plain number."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")

    def backward(self):
        """Backpropagate from this value: seed ``grad = 1.0`` here, then every node's
        ``_backward`` in reverse topological order (each node after all of its users)."""
        # TODO: write this, then run `make check day03.Value`.
        raise NotImplementedError("day03.Value")
