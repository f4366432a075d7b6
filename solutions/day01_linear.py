r"""Day 1 - Linear classifiers: score functions, SVM loss, softmax loss.

A linear classifier scores every class with one dot product, ``s = x W + b``, and a loss
says how unhappy we are with those scores. Everything later in the course (layers,
backpropagation, optimizers) is built on these few lines, so they are worth getting exactly
right.

Conventions (the whole kata uses them)
--------------------------------------
- ``X`` is ``(N, D)``: N examples of D features, batch first.
- ``W`` is ``(D, C)`` and ``b`` is ``(C,)``; scores are ``X @ W + b``, shape ``(N, C)``.
- ``y`` is an integer array ``(N,)`` with values in ``[0, C)``.
- Losses are averaged over the batch. The L2 penalty is ``0.5 * reg * sum(W**2)`` on the
  weights only (never the bias); its gradient is ``reg * W``.
- Every random draw comes from the ``rng`` argument (a ``numpy.random.Generator``).
"""
import numpy as np


def linear_scores(X, W, b):
    r"""Class scores of a linear classifier.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        A batch of N examples with D features each.
    W : ndarray, shape (D, C)
        Weights: column c scores class c.
    b : ndarray, shape (C,)
        One bias per class.

    Returns
    -------
    scores : ndarray, shape (N, C)
        ``scores[i, c]`` is the score of class c for example i.

    Notes
    -----
    .. math:: s_{ic} = \sum_d x_{id} W_{dc} + b_c

    Why it matters: every layer of a neural network starts with exactly this affine map.
    """
    return X @ W + b


def svm_loss_naive(W, b, X, y, reg):
    r"""Multiclass SVM (hinge) loss and its gradients, computed with explicit loops.

    Parameters
    ----------
    W : ndarray, shape (D, C)
        Weights.
    b : ndarray, shape (C,)
        Biases.
    X : ndarray, shape (N, D)
        A batch of examples.
    y : ndarray of int, shape (N,)
        Correct classes, ``0 <= y[i] < C``.
    reg : float
        L2 regularisation strength.

    Returns
    -------
    loss : float
        Average hinge loss over the batch plus ``0.5 * reg * sum(W**2)``.
    dW : ndarray, shape (D, C)
        Gradient of the loss with respect to W.
    db : ndarray, shape (C,)
        Gradient of the loss with respect to b.

    Notes
    -----
    With scores :math:`s = x_i W + b` and margin :math:`\Delta = 1`:

    .. math:: L = \frac{1}{N} \sum_i \sum_{j \ne y_i} \max(0, s_j - s_{y_i} + \Delta)
              + \tfrac{1}{2} \lambda \sum W^2

    Each positive margin pushes column j of W towards :math:`x_i` and column :math:`y_i`
    away from it; a margin of exactly 0 adds nothing and passes no gradient (test
    ``margin > 0``). The correct class never competes with itself: skip ``j == y[i]``.

    Why it matters: the loops make every term of the loss and gradient visible; the
    vectorized version must agree with them.
    """
    num_examples, num_classes = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for i in range(num_examples):
        scores = X[i] @ W + b
        correct_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_score + 1.0
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
                db[j] += 1.0
                db[y[i]] -= 1.0
    loss /= num_examples
    dW /= num_examples
    db /= num_examples
    loss += 0.5 * reg * np.sum(W * W)
    dW += reg * W
    return loss, dW, db


def svm_loss_vectorized(W, b, X, y, reg):
    r"""Multiclass SVM (hinge) loss and its gradients, without Python loops.

    Parameters
    ----------
    W : ndarray, shape (D, C)
        Weights.
    b : ndarray, shape (C,)
        Biases.
    X : ndarray, shape (N, D)
        A batch of examples.
    y : ndarray of int, shape (N,)
        Correct classes, ``0 <= y[i] < C``.
    reg : float
        L2 regularisation strength.

    Returns
    -------
    loss : float
        Average hinge loss over the batch plus ``0.5 * reg * sum(W**2)``.
    dW : ndarray, shape (D, C)
        Gradient of the loss with respect to W.
    db : ndarray, shape (C,)
        Gradient of the loss with respect to b.

    Notes
    -----
    The same loss as :func:`svm_loss_naive` (margin :math:`\Delta = 1`). Let M be the
    ``(N, C)`` indicator of positive margins (``> 0``: a margin of exactly 0 passes no
    gradient) with the correct class excluded; then the
    gradient of the data term with respect to the scores is M, except at the correct
    class, where it is minus the number of positive margins in that row. Divide by N.

    .. math:: \frac{\partial L}{\partial W} = X^T G + \lambda W, \qquad
              \frac{\partial L}{\partial b} = \sum_i G_i

    Why it matters: vectorized NumPy is hundreds of times faster than the loops, and
    every later exercise is written this way.
    """
    num_examples = X.shape[0]
    rows = np.arange(num_examples)
    scores = X @ W + b
    correct_scores = scores[rows, y][:, None]
    margins = np.maximum(0.0, scores - correct_scores + 1.0)
    margins[rows, y] = 0.0
    loss = margins.sum() / num_examples + 0.5 * reg * np.sum(W * W)
    dscores = (margins > 0).astype(scores.dtype)
    dscores[rows, y] = -dscores.sum(axis=1)  # the correct class loses once per violated margin
    dscores /= num_examples
    dW = X.T @ dscores + reg * W
    db = dscores.sum(axis=0)
    return loss, dW, db


def softmax_loss_naive(W, b, X, y, reg):
    r"""Softmax cross-entropy loss and its gradients, computed with explicit loops.

    Parameters
    ----------
    W : ndarray, shape (D, C)
        Weights.
    b : ndarray, shape (C,)
        Biases.
    X : ndarray, shape (N, D)
        A batch of examples.
    y : ndarray of int, shape (N,)
        Correct classes, ``0 <= y[i] < C``.
    reg : float
        L2 regularisation strength.

    Returns
    -------
    loss : float
        Average cross-entropy over the batch plus ``0.5 * reg * sum(W**2)``.
    dW : ndarray, shape (D, C)
        Gradient of the loss with respect to W.
    db : ndarray, shape (C,)
        Gradient of the loss with respect to b.

    Notes
    -----
    .. math:: p_j = \frac{e^{s_j}}{\sum_k e^{s_k}}, \qquad
              L = -\frac{1}{N} \sum_i \log p_{y_i} + \tfrac{1}{2} \lambda \sum W^2

    Subtracting the row's largest score before exponentiating changes no probability and
    keeps ``exp`` from overflowing; computing ``log p`` as ``shifted - log(sum(exp(shifted)))``
    keeps it from underflowing to ``log(0)``. The gradient with respect to the scores is
    :math:`p - \mathbb{1}[j = y_i]`.

    Why it matters: softmax cross-entropy is the loss of almost every classifier you will
    train, including this course's MNIST network.
    """
    num_examples = X.shape[0]
    loss = 0.0
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for i in range(num_examples):
        scores = X[i] @ W + b
        shifted = scores - np.max(scores)
        log_probs = shifted - np.log(np.sum(np.exp(shifted)))
        loss -= log_probs[y[i]]
        dscores = np.exp(log_probs)
        dscores[y[i]] -= 1.0
        dW += np.outer(X[i], dscores)
        db += dscores
    loss /= num_examples
    dW /= num_examples
    db /= num_examples
    loss += 0.5 * reg * np.sum(W * W)
    dW += reg * W
    return loss, dW, db


def softmax_loss_vectorized(W, b, X, y, reg):
    r"""Softmax cross-entropy loss and its gradients, without Python loops.

    Parameters
    ----------
    W : ndarray, shape (D, C)
        Weights.
    b : ndarray, shape (C,)
        Biases.
    X : ndarray, shape (N, D)
        A batch of examples.
    y : ndarray of int, shape (N,)
        Correct classes, ``0 <= y[i] < C``.
    reg : float
        L2 regularisation strength.

    Returns
    -------
    loss : float
        Average cross-entropy over the batch plus ``0.5 * reg * sum(W**2)``.
    dW : ndarray, shape (D, C)
        Gradient of the loss with respect to W.
    db : ndarray, shape (C,)
        Gradient of the loss with respect to b.

    Notes
    -----
    The same loss as :func:`softmax_loss_naive`. Shift each row by its own maximum
    (``keepdims=True``), take log-probabilities with the log-sum-exp form, and use

    .. math:: G = \frac{1}{N}\left(P - Y_{\text{one-hot}}\right), \qquad
              \frac{\partial L}{\partial W} = X^T G + \lambda W, \qquad
              \frac{\partial L}{\partial b} = \sum_i G_i

    Why it matters: a single global maximum is not enough; a batch can hold rows whose
    scores differ by thousands.
    """
    num_examples = X.shape[0]
    rows = np.arange(num_examples)
    scores = X @ W + b
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[rows, y]) + 0.5 * reg * np.sum(W * W)
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    dscores /= num_examples
    dW = X.T @ dscores + reg * W
    db = dscores.sum(axis=0)
    return loss, dW, db


def predict(W, b, X):
    r"""Predicted class of every example: the class with the highest score.

    Parameters
    ----------
    W : ndarray, shape (D, C)
        Weights.
    b : ndarray, shape (C,)
        Biases.
    X : ndarray, shape (N, D)
        A batch of examples.

    Returns
    -------
    y_pred : ndarray of int, shape (N,)
        ``y_pred[i] = argmax_c scores[i, c]``. When several classes share the highest
        score, the first of them (the lowest index) wins, as with ``np.argmax``.

    Notes
    -----
    .. math:: \hat y_i = \arg\max_c \; (x_i W + b)_c
    """
    return np.argmax(linear_scores(X, W, b), axis=1)


def train_linear_classifier(X, y, loss_fn, learning_rate, reg, num_iters, batch_size, rng):
    r"""Train a linear classifier with minibatch stochastic gradient descent.

    Parameters
    ----------
    X : ndarray, shape (N, D)
        Training examples.
    y : ndarray of int, shape (N,)
        Their classes; the number of classes is ``C = y.max() + 1``.
    loss_fn : callable
        ``loss_fn(W, b, X_batch, y_batch, reg) -> (loss, dW, db)``, for example
        :func:`svm_loss_vectorized` or :func:`softmax_loss_vectorized`.
    learning_rate : float
        Step size of each update.
    reg : float
        L2 regularisation strength, passed on to ``loss_fn``.
    num_iters : int
        Number of updates.
    batch_size : int
        Examples per minibatch, drawn with replacement.
    rng : numpy.random.Generator
        The only source of randomness (initial weights and minibatches).

    Returns
    -------
    W : ndarray, shape (D, C)
        Trained weights, initialised as ``0.001 * rng.standard_normal((D, C))``.
    b : ndarray, shape (C,)
        Trained biases, initialised to zeros.
    loss_history : list of float
        The minibatch loss of every iteration, ``len == num_iters``.

    Notes
    -----
    One iteration draws ``idx = rng.choice(N, size=batch_size, replace=True)``, evaluates
    ``loss_fn`` on ``X[idx], y[idx]`` and steps against the gradient:

    .. math:: W \leftarrow W - \eta \, \partial L / \partial W, \qquad
              b \leftarrow b - \eta \, \partial L / \partial b

    Do not modify ``X`` or ``y``.
    """
    num_examples, dim = X.shape
    num_classes = int(np.max(y)) + 1
    W = 0.001 * rng.standard_normal((dim, num_classes))
    b = np.zeros(num_classes)
    loss_history = []
    for _ in range(num_iters):
        idx = rng.choice(num_examples, size=batch_size, replace=True)
        loss, dW, db = loss_fn(W, b, X[idx], y[idx], reg)
        W = W - learning_rate * dW
        b = b - learning_rate * db
        loss_history.append(float(loss))
    return W, b, loss_history
