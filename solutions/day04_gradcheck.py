r"""Day 4 - Gradient checking and the two-layer network.

Backpropagation is easy to get almost right. A numerical gradient, computed by nudging one
input at a time and watching the loss move, is slow but hard to get wrong, so it is the
referee for every analytic gradient you write. Today you build that referee, learn to read
its verdict (the relative error), and use it on your first complete network: two affine
layers with a ReLU between them and a softmax loss on top, built from your Day 3 layers.

Conventions (the whole kata uses them)
--------------------------------------
- Numerical gradients use centred differences in float64 with ``h = 1e-5``:
  ``(f(x + h) - f(x - h)) / (2 h)``, one coordinate at a time.
- A checker probes ``x`` in place (so a function that reads the very same array, like
  ``model.loss`` reading ``model.params["W1"]``, sees every nudge) and writes the original
  value back exactly; ``x`` is bit-for-bit unchanged afterwards.
- ``rel_error(a, b) = max(|a - b| / maximum(1e-8, |a| + |b|))``: about 1e-7 or less means
  the gradients agree; 1e-2 or more means a bug.
- ``X`` is ``(N, D)`` or ``(N, d1, ..., dk)``, batch first; ``W`` is ``(D_in, D_out)`` and
  used as ``x @ W + b``; ``y`` is an integer array ``(N,)`` in ``[0, C)``.
- Losses are averaged over the batch. The L2 penalty is ``0.5 * reg * sum(W**2)`` on the
  weight matrices only (never the biases); its gradient is ``reg * W``.
- Every random draw comes from the ``rng`` argument (a ``numpy.random.Generator``).
"""
import numpy as np

from .day03_backprop import affine_backward, affine_forward, affine_relu_backward, affine_relu_forward, softmax_loss


def eval_numerical_gradient(f, x, h=1e-5):
    r"""Numerical gradient of a scalar function by centred differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. It may also ignore its argument and read ``x`` directly (for
        example ``lambda _: model.loss(X, y)[0]`` with ``x = model.params["W1"]``).
    x : ndarray of float, any shape
        The point at which to differentiate. It is modified in place while probing and
        restored exactly (bit for bit) before returning.
    h : float
        The step of the differences.

    Returns
    -------
    grad : ndarray of float, shape like x
        ``grad[i]`` approximates the partial derivative of f with respect to ``x[i]``.

    Notes
    -----
    For every index i, with :math:`e_i` the unit vector along it:

    .. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

    The error of this centred difference is :math:`O(h^2)`; a one-sided difference
    :math:`(f(x + h e_i) - f(x)) / h` only reaches :math:`O(h)`. Save the original value of
    the entry and write it back afterwards: adding and then subtracting h does not always
    return the same floating-point number.

    Why it matters: this slow loop is the referee for every gradient you derive by hand.
    """
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        original = x[ix]
        x[ix] = original + h
        f_plus = float(f(x))
        x[ix] = original - h
        f_minus = float(f(x))
        x[ix] = original  # the exact value back, not original - h + h
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    r"""Numerical gradient of ``sum(f(x) * df)`` for an array-valued function: a backward pass, numerically.

    Parameters
    ----------
    f : callable
        ``f(x) -> ndarray`` of any shape; it may return ``x`` itself or a view of it.
    x : ndarray of float, any shape
        The input. It is modified in place while probing and restored exactly.
    df : ndarray, shape like f(x)
        The upstream gradient: how much the final loss changes per unit of each output.
    h : float
        The step of the differences.

    Returns
    -------
    grad : ndarray of float, shape like x
        The gradient of ``sum(f(x) * df)`` with respect to x, which is what a layer's
        backward pass returns for ``dout = df``.

    Notes
    -----
    .. math:: \text{grad}_i \approx \sum_j \frac{f_j(x + h e_i) - f_j(x - h e_i)}{2h} \, df_j

    Copy each output before nudging x again: if f returns x itself or a view of it, the
    "plus" output would silently change into the "minus" one.
    """
    grad = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        original = x[ix]
        x[ix] = original + h
        out_plus = np.array(f(x), dtype=float)  # a copy, even when f returns a view of x
        x[ix] = original - h
        out_minus = np.array(f(x), dtype=float)
        x[ix] = original
        grad[ix] = np.sum((out_plus - out_minus) * df) / (2 * h)
    return grad


def rel_error(a, b):
    r"""The largest relative error between two arrays (or numbers).

    Parameters
    ----------
    a, b : array_like, same shape
        Typically an analytic and a numerical gradient.

    Returns
    -------
    error : float
        ``max(|a - b| / maximum(1e-8, |a| + |b|))``, between 0 and 1; 0 when both are 0.

    Notes
    -----
    .. math:: \max_i \frac{|a_i - b_i|}{\max(10^{-8}, |a_i| + |b_i|)}

    Dividing by the sizes makes the error scale-free; the floor of 1e-8 keeps it finite
    where both entries are 0. Take the maximum, not the mean: one wrong entry among a
    thousand right ones is still a bug.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def grad_check_sparse(f, x, analytic_grad, num_checks, h, rng):
    r"""Compare an analytic gradient with centred differences at a few random coordinates.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` (or ignores its argument and reads ``x``, as above).
    x : ndarray of float, any shape
        The point; modified in place while probing and restored exactly.
    analytic_grad : ndarray, shape like x
        The gradient to check.
    num_checks : int
        How many random coordinates to check.
    h : float
        The step of the centred differences.
    rng : numpy.random.Generator
        Where the coordinates come from: draw each one as
        ``tuple(int(rng.integers(n)) for n in x.shape)``.

    Returns
    -------
    errors : list of float, length num_checks
        ``rel_error(numerical, analytic_grad[ix])`` at each drawn coordinate ``ix``, in order.

    Notes
    -----
    A full numerical gradient costs two evaluations of f per entry; a network with a
    million weights is checked instead at a handful of random coordinates.

    Why it matters: this is how gradients of real networks are checked in practice.
    """
    errors = []
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(n)) for n in x.shape)
        original = x[ix]
        x[ix] = original + h
        f_plus = float(f(x))
        x[ix] = original - h
        f_minus = float(f(x))
        x[ix] = original
        numerical = (f_plus - f_minus) / (2 * h)
        errors.append(rel_error(numerical, analytic_grad[ix]))
    return errors


class TwoLayerNet:
    r"""A two-layer fully connected network: affine - ReLU - affine - softmax.

    The class scores of a batch are

    .. math:: s = \max(0, X W_1 + b_1) W_2 + b_2

    and the loss is the softmax cross-entropy of s averaged over the batch plus
    :math:`\tfrac{1}{2} \lambda (\sum W_1^2 + \sum W_2^2)`.

    Attributes
    ----------
    params : dict of str -> ndarray
        ``W1`` (D, H), ``b1`` (H,), ``W2`` (H, C), ``b2`` (C,).
    reg : float
        L2 regularisation strength.
    """

    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale, reg, rng):
        r"""Initialise the parameters.

        Parameters
        ----------
        input_dim : int
            D, the number of input features (``d1 * ... * dk`` for inputs of shape (N, d1, ..., dk)).
        hidden_dim : int
            H, the number of hidden units.
        num_classes : int
            C, the number of classes.
        weight_scale : float
            Standard deviation of the initial weights.
        reg : float
            L2 regularisation strength, stored as ``self.reg``.
        rng : numpy.random.Generator
            Source of the initial weights.

        Notes
        -----
        Draw ``W1 = weight_scale * rng.standard_normal((D, H))`` first, then
        ``W2 = weight_scale * rng.standard_normal((H, C))``; both biases start at zero.
        """
        self.reg = reg
        self.params = {
            "W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
            "b2": np.zeros(num_classes),
        }

    def loss(self, X, y=None):
        r"""Class scores, or the loss and its gradients.

        Parameters
        ----------
        X : ndarray, shape (N, D) or (N, d1, ..., dk)
            A batch of inputs.
        y : ndarray of int, shape (N,), or None
            Correct classes; None asks for the scores only.

        Returns
        -------
        scores : ndarray, shape (N, C)
            When y is None: the class scores (no ReLU on them).
        loss : float
            Otherwise: softmax cross-entropy averaged over the batch plus
            ``0.5 * reg * (sum(W1**2) + sum(W2**2))``.
        grads : dict of str -> ndarray
            Otherwise: the gradient of the loss for every entry of ``self.params``, keyed
            and shaped like it.

        Notes
        -----
        Read the parameters from ``self.params`` on every call (a gradient check nudges
        them in place). Forward with ``affine_relu_forward`` then ``affine_forward``, take
        ``softmax_loss``, and go back through ``affine_backward`` and ``affine_relu_backward``;
        the L2 term adds :math:`\lambda W` to each weight gradient and nothing to the biases.
        """
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        hidden, hidden_cache = affine_relu_forward(X, W1, b1)
        scores, scores_cache = affine_forward(hidden, W2, b2)
        if y is None:
            return scores

        data_loss, dscores = softmax_loss(scores, y)
        loss = data_loss + 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dhidden, dW2, db2 = affine_backward(dscores, scores_cache)
        _, dW1, db1 = affine_relu_backward(dhidden, hidden_cache)
        grads = {
            "W1": dW1 + self.reg * W1,
            "b1": db1,
            "W2": dW2 + self.reg * W2,
            "b2": db2,
        }
        return loss, grads
