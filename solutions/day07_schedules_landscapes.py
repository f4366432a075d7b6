r"""Day 7 - Learning-rate schedules, optimizer comparison, loss landscapes.

The learning rate is the one hyperparameter that matters most, and the best one changes during
training: early on a large step crosses the landscape quickly, later the same step only bounces
around the bottom of a valley, because every minibatch gradient is noisy. A **schedule** lowers
the learning rate as training goes on (step decay, exponential decay, cosine annealing); a
**warm-up** raises it gently over the first iterations, while the weights are still random and
the gradients (and Adam's running averages) are unreliable. Each schedule here is a plain
function of the iteration number, so a training loop only writes
``config["learning_rate"] = schedule(t)`` before each update.

The second half looks at the landscape itself. A network has far too many parameters to draw
its loss, but a slice through it can be drawn: pick one random direction ``d`` in parameter
space (or two, ``d1`` and ``d2``) and plot ``L(theta + alpha d)`` (or
``L(theta + alpha d1 + beta d2)``) around the trained parameters ``theta``. Raw random
directions mislead, because a ReLU network computes the same function when one layer's
weights are multiplied by c and the next layer's divided by c: a step of size 1 means a lot
for small weights and little for large ones. Li et al. (2018) fix this with **filter
normalisation**: each filter of the direction is rescaled to the norm of the same filter of
the parameters, so a step along ``d`` changes every filter by the same relative amount.

``make plots day7`` trains a small network on MNIST with your Day 4 ``TwoLayerNet`` and your
Day 5 and 6 optimizers, compares SGD, momentum and Adam, sweeps the learning rate, and draws
the loss landscape around the trained network with today's functions.

Conventions (the whole kata uses them)
--------------------------------------
- Schedules are iteration-based: ``step`` counts iterations (updates) from 0, not epochs. A
  schedule is a function ``step -> learning rate`` (a Python float).
- ``params`` is a dict name -> array, as in ``model.params``: weights ``W`` are
  ``(D_in, D_out)`` and used as ``x @ W + b``, so column ``W[:, j]`` holds the weights into
  output unit j (a **filter**); biases ``b`` are ``(D_out,)``.
- A direction in parameter space is a dict with the same keys and shapes as ``params``.
- ``loss_fn(params) -> float`` evaluates the loss at a point of parameter space.
- Inputs are never modified: ``params`` and the directions are bit-for-bit unchanged afterwards.
- Every random draw comes from the ``rng`` argument (a ``numpy.random.Generator``).
"""
import math  # noqa: F401 (the stub keeps the imports your answers need)

import numpy as np  # noqa: F401


def step_decay(lr0, step, drop, every):
    r"""Step decay: multiply the learning rate by ``drop`` every ``every`` iterations.

    Parameters
    ----------
    lr0 : float
        The learning rate at step 0.
    step : int
        The iteration, counted from 0.
    drop : float
        The factor applied at each drop, for example 0.5 (halve) or 0.1.
    every : int
        The number of iterations between drops (at least 1).

    Returns
    -------
    lr : float
        ``lr0 * drop ** (step // every)``.

    Notes
    -----
    .. math:: \eta_t = \eta_0 \, \text{drop}^{\lfloor t / \text{every} \rfloor}

    The first drop happens at step ``every`` exactly: steps ``0 ... every - 1`` use ``lr0``,
    steps ``every ... 2 every - 1`` use ``lr0 * drop``, step ``2 every`` uses
    ``lr0 * drop**2``, and so on. The division is an integer (floor) division: the rate is a
    staircase, constant between drops.

    Why it matters: the classic recipe for training image classifiers ("divide the learning
    rate by 10 when the loss plateaus", at fixed iterations).
    """
    return float(lr0 * drop ** (step // every))


def exponential_decay(lr0, step, k):
    r"""Exponential decay: the learning rate shrinks by the factor ``exp(-k)`` every iteration.

    Parameters
    ----------
    lr0 : float
        The learning rate at step 0.
    step : int
        The iteration, counted from 0.
    k : float
        The decay rate per iteration (``k >= 0``; 0 keeps ``lr0``).

    Returns
    -------
    lr : float
        ``lr0 * exp(-k * step)``.

    Notes
    -----
    .. math:: \eta_t = \eta_0 \, e^{-k t}

    The rate halves every ``ln(2) / k`` iterations. For large ``k * step`` the exponential
    underflows quietly to 0; it must never overflow, so the exponent is ``-k * step``.

    Why it matters: a smooth version of step decay, with one hyperparameter instead of two.
    """
    return float(lr0 * math.exp(-k * step))


def cosine_annealing(lr0, step, total_steps, lr_min=0.0):
    r"""Cosine annealing: half a cosine wave from ``lr0`` down to ``lr_min`` over ``total_steps``.

    Parameters
    ----------
    lr0 : float
        The learning rate at step 0.
    step : int
        The iteration, counted from 0.
    total_steps : int
        The iteration at which the rate reaches ``lr_min`` (at least 1).
    lr_min : float, default 0.0
        The final learning rate, kept for every step from ``total_steps`` on.

    Returns
    -------
    lr : float
        ``lr_min + (lr0 - lr_min) * (1 + cos(pi * step / total_steps)) / 2`` for
        ``step < total_steps``, and ``lr_min`` for ``step >= total_steps``.

    Notes
    -----
    .. math:: \eta_t = \eta_{\min} + \tfrac{1}{2} (\eta_0 - \eta_{\min})
              \left(1 + \cos\frac{\pi t}{T}\right), \qquad 0 \le t \le T

    At ``t = 0`` the cosine is 1 and the rate is ``lr0``; at ``t = T / 2`` it is halfway,
    ``(lr0 + lr_min) / 2``; at ``t = T`` the cosine is -1 and the rate is ``lr_min``. After
    ``T`` it stays at ``lr_min`` (the cosine would climb again). The rate falls slowly at first,
    fastest in the middle and slowly again at the end.

    Why it matters: with no plateau to detect and only the length of training to choose, it is
    the default schedule of much of modern deep learning (Loshchilov & Hutter, SGDR).
    """
    if step >= total_steps:
        return float(lr_min)
    cosine = math.cos(math.pi * step / total_steps)
    return float(lr_min + 0.5 * (lr0 - lr_min) * (1.0 + cosine))


def linear_warmup(schedule, warmup_steps):
    r"""Wrap a schedule with a linear warm-up over its first ``warmup_steps`` iterations.

    Parameters
    ----------
    schedule : callable
        ``schedule(step) -> float``, the learning rate at each iteration (for example
        ``lambda t: cosine_annealing(0.1, t, 1000)``).
    warmup_steps : int
        The length of the warm-up (``>= 0``; 0 means no warm-up).

    Returns
    -------
    warmed_up : callable
        A new schedule ``warmed_up(step) -> float``:
        ``schedule(step) * (step + 1) / warmup_steps`` for ``step < warmup_steps``, and
        ``schedule(step)`` from ``warmup_steps`` on. It depends on ``step`` only (no counter
        inside), so it can be called in any order, any number of times.

    Notes
    -----
    .. math:: \eta^{\text{warm}}_t = \eta_t \cdot \min\!\left(1, \frac{t + 1}{W}\right)

    The factor climbs ``1/W, 2/W, ..., W/W = 1``: step 0 already learns a little (a rate of
    exactly 0 would waste the first iteration), and the last warm-up step, ``W - 1``, uses the
    full ``schedule(W - 1)``, so the curve joins the schedule without a jump. The warm-up scales
    the schedule at the same step: the schedule itself is not delayed.

    Why it matters: at the start, random weights give large and erratic gradients, and Adam's
    running averages are built from very few of them; a few hundred small steps first keep one
    bad update from wrecking the network (Goyal et al. 2017, large-batch SGD; transformers).
    """
    def warmed_up(step):
        if step < warmup_steps:
            return float(schedule(step) * (step + 1) / warmup_steps)
        return float(schedule(step))
    return warmed_up


def random_direction(params, rng, filter_normalize=True):
    r"""A random direction in parameter space, filter-normalised as in Li et al. (2018).

    Parameters
    ----------
    params : dict of str -> ndarray
        The point the direction starts from, for example ``model.params``: 2-D weights
        ``(D_in, D_out)`` and 1-D biases ``(D_out,)``. Not modified.
    rng : numpy.random.Generator
        Source of the draws.
    filter_normalize : bool, default True
        Rescale each filter of the draw to the norm of the same filter of the parameters (and
        give biases a zero direction). False returns the raw Gaussian draw.

    Returns
    -------
    direction : dict of str -> ndarray of float
        The same keys, in the same order, and shapes as ``params``.

    Notes
    -----
    For every parameter, in the order of ``params`` (biases included, so that the draws do
    not depend on ``filter_normalize``), draw ``g = rng.standard_normal(p.shape)``. With
    ``filter_normalize`` false, the direction is ``g``. Otherwise:

    - a 2-D weight ``W`` of shape ``(D_in, D_out)`` is used as ``x @ W``, so its filters are its
      columns: column j of the direction is
      .. math:: d_{:, j} = \frac{g_{:, j}}{\lVert g_{:, j} \rVert} \, \lVert W_{:, j} \rVert
      and has exactly the norm of ``W[:, j]`` (a column of zeros, a dead unit, gets a zero column);
    - a 1-D parameter (a bias) has no filters: its direction is all zeros (the bias stays put).

    Why it matters: ReLU networks are scale invariant (scale one layer up and the next down and
    nothing changes), so raw directions make sharp-looking minima out of small weights; filter
    normalisation makes landscapes of different networks comparable.
    """
    direction = {}
    for name, value in params.items():
        draw = rng.standard_normal(np.shape(value))
        if not filter_normalize:
            direction[name] = draw
        elif np.ndim(value) <= 1:
            direction[name] = np.zeros_like(draw)  # biases (and scalars) have no filter: they stay put
        else:
            filter_norms = np.linalg.norm(value, axis=0, keepdims=True)  # (1, D_out): one norm per column
            draw_norms = np.linalg.norm(draw, axis=0, keepdims=True)
            direction[name] = draw * (filter_norms / draw_norms)
    return direction


def loss_along_direction(loss_fn, params, direction, alphas):
    r"""The loss along a line through parameter space: ``loss_fn(params + alpha * direction)``.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(point) -> float``, where ``point`` is a dict like ``params``.
    params : dict of str -> ndarray
        The centre of the line (alpha = 0). Not modified.
    direction : dict of str -> ndarray
        The direction, with the same keys and shapes as ``params``. Not modified.
    alphas : sequence of float, length A
        The positions along the line, in any order (they may include 0 and negatives).

    Returns
    -------
    losses : ndarray of float, shape (A,)
        ``losses[i] = loss_fn({name: params[name] + alphas[i] * direction[name]})``.

    Notes
    -----
    .. math:: \ell(\alpha) = L(\theta + \alpha d)

    Build new arrays for every point. Moving ``params`` in place and back (``+= alpha * d``,
    then ``-= alpha * d``) is not exact in floating point and leaves ``params`` changed.
    ``losses`` at ``alpha = 0`` is exactly ``loss_fn(params)``.

    Why it matters: the simplest picture of a minimum: is it a narrow ravine or a wide valley?
    """
    losses = np.empty(len(alphas))
    for i, alpha in enumerate(alphas):
        moved = {name: value + alpha * direction[name] for name, value in params.items()}
        losses[i] = float(loss_fn(moved))
    return losses


def loss_surface(loss_fn, params, d1, d2, alphas, betas):
    r"""The loss on a plane through parameter space: ``loss_fn(params + alpha * d1 + beta * d2)``.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(point) -> float``, where ``point`` is a dict like ``params``.
    params : dict of str -> ndarray
        The centre of the plane (alpha = beta = 0). Not modified.
    d1, d2 : dict of str -> ndarray
        The two directions spanning the plane, with the keys and shapes of ``params``. Not modified.
    alphas : sequence of float, length A
        The positions along ``d1``.
    betas : sequence of float, length B
        The positions along ``d2``.

    Returns
    -------
    surface : ndarray of float, shape (A, B)
        ``surface[i, j] = loss_fn(params + alphas[i] * d1 + betas[j] * d2)``: rows follow
        ``alphas``, columns follow ``betas``.

    Notes
    -----
    .. math:: s(\alpha, \beta) = L(\theta + \alpha d_1 + \beta d_2)

    Rows are indexed by alpha, as with ``np.meshgrid(alphas, betas, indexing="ij")``; the
    default ``indexing="xy"`` would give the transpose. To draw it with matplotlib,
    ``contour(betas, alphas, surface)`` puts betas on the x axis (or pass ``surface.T`` to
    put alphas there). As in :func:`loss_along_direction`, build new arrays for every point.

    Why it matters: two random directions show a minimum's shape in 2-D: round bowls,
    elongated valleys, or the chaotic landscape of a badly conditioned network.
    """
    surface = np.empty((len(alphas), len(betas)))
    for i, alpha in enumerate(alphas):
        for j, beta in enumerate(betas):
            moved = {name: value + alpha * d1[name] + beta * d2[name] for name, value in params.items()}
            surface[i, j] = float(loss_fn(moved))
    return surface
