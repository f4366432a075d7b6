r"""Day 5 - SGD, momentum, Nesterov.

Training a network means walking downhill on its loss. The gradient says which way is
downhill *here*; an update rule decides how far to step and whether to remember where it
was going. Plain gradient descent (SGD) steps against the current gradient. On an
ill-conditioned loss, a long narrow valley, that gradient points mostly across the valley:
a step size small enough not to bounce between the steep walls crawls along the gentle
floor. Momentum keeps a velocity, a running sum of past steps, so consistent directions
(along the floor) add up while the back-and-forth across the walls cancels. Nesterov's
variant takes the gradient at the point the velocity is about to carry it to, and corrects
earlier. Today you write the three rules, and ``minimize``, a loop that drives any rule
on an analytic function so you can watch the paths on a contour plot.

Conventions (the whole kata uses them)
--------------------------------------
- An update rule is ``rule(w, dw, config=None) -> (next_w, config)``: ``w`` is one
  parameter array (any shape), ``dw`` the gradient of the loss with respect to it, of the
  same shape.
- ``config`` is a dict holding the rule's hyperparameters and its state, one dict per
  parameter. ``config=None`` means a fresh ``{}``. A missing key gets its default, which is
  written into the dict: ``learning_rate`` 1e-2, ``momentum`` 0.9, ``velocity`` zeros
  shaped like ``w``. The state is written back into the very dict that was passed in, and
  that dict is returned, so a caller may keep either.
- Never modify ``w`` or ``dw`` in place: build ``next_w`` as a new array, with the shape
  and dtype of ``w`` (float64 in the checks; the capstone may train in float32).
- The velocity is the step itself: ``v = momentum * v - learning_rate * dw`` and then
  ``next_w = w + v``. After one step from rest, ``velocity == -learning_rate * dw``.
- Nesterov uses the re-parametrised form: ``v_prev = v; v = mu * v - lr * dw;
  next_w = w - mu * v_prev + (1 + mu) * v``.
"""
import numpy as np


def sgd(w, dw, config=None):
    r"""Vanilla stochastic gradient descent: one step against the gradient.

    Parameters
    ----------
    w : ndarray, any shape
        The current parameter values. Not modified.
    dw : ndarray, shape like w
        Gradient of the loss with respect to ``w``. Not modified.
    config : dict or None
        Hyperparameters, read and completed in place (``None`` means a fresh ``{}``):

        - ``"learning_rate"`` (float, default 1e-2): the step size.

    Returns
    -------
    next_w : ndarray, shape and dtype like w
        The updated parameters, a new array.
    config : dict
        The dict that was passed in (or the fresh one), with the missing keys set to their
        defaults.

    Notes
    -----
    .. math:: w \leftarrow w - \eta \, \nabla_w L

    The minus sign is the whole idea: the gradient points uphill. Plain SGD has no state;
    its step depends on the current gradient alone.

    Why it matters: every other rule is this one with a memory or a per-coordinate scale
    added, and "SGD" with a well-tuned learning rate is still a strong baseline.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    next_w = w - config["learning_rate"] * dw
    return next_w, config


def sgd_momentum(w, dw, config=None):
    r"""SGD with momentum: the step is a velocity that remembers the previous steps.

    Parameters
    ----------
    w : ndarray, any shape
        The current parameter values. Not modified.
    dw : ndarray, shape like w
        Gradient of the loss with respect to ``w``. Not modified.
    config : dict or None
        Hyperparameters and state, read and updated in place (``None`` means a fresh ``{}``):

        - ``"learning_rate"`` (float, default 1e-2): the step size.
        - ``"momentum"`` (float in [0, 1), default 0.9): how much of the previous velocity
          survives each step; 0 turns the rule into plain SGD.
        - ``"velocity"`` (ndarray like w, default ``np.zeros_like(w)``): the previous step; the
          new velocity is stored here.

    Returns
    -------
    next_w : ndarray, shape and dtype like w
        The updated parameters, a new array.
    config : dict
        The dict that was passed in (or the fresh one): missing hyperparameters set to
        their defaults and ``config["velocity"]`` holding the step just taken.

    Notes
    -----
    .. math:: v \leftarrow \mu v - \eta \, \nabla_w L, \qquad w \leftarrow w + v

    The velocity is the step itself, with its sign: after one step from rest,
    :math:`v = -\eta \, \nabla_w L`. A gradient that keeps its direction builds the
    velocity up to :math:`\eta / (1 - \mu)` times the gradient, ten times the SGD step for
    :math:`\mu = 0.9`; a gradient that flips sign every step (bouncing between the walls
    of a valley) mostly cancels.

    Why it matters: on a long narrow valley momentum moves along the floor many times
    faster than SGD with the same learning rate.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    learning_rate, momentum = config["learning_rate"], config["momentum"]
    v = config.get("velocity", np.zeros_like(w))
    v = momentum * v - learning_rate * dw
    next_w = w + v
    config["velocity"] = v
    return next_w, config


def nesterov_momentum(w, dw, config=None):
    r"""Nesterov momentum: momentum whose gradient is taken at the look-ahead point.

    Parameters
    ----------
    w : ndarray, any shape
        The current parameter values: in this re-parametrised form, the look-ahead point
        where ``dw`` was computed. Not modified.
    dw : ndarray, shape like w
        Gradient of the loss with respect to ``w``. Not modified.
    config : dict or None
        Hyperparameters and state, read and updated in place (``None`` means a fresh ``{}``):

        - ``"learning_rate"`` (float, default 1e-2): the step size.
        - ``"momentum"`` (float in [0, 1), default 0.9): how much of the previous velocity
          survives each step; 0 turns the rule into plain SGD.
        - ``"velocity"`` (ndarray like w, default ``np.zeros_like(w)``): the previous velocity; the
          new one is stored here.

    Returns
    -------
    next_w : ndarray, shape and dtype like w
        The updated parameters, a new array.
    config : dict
        The dict that was passed in (or the fresh one): missing hyperparameters set to
        their defaults and ``config["velocity"]`` holding the new velocity.

    Notes
    -----
    Nesterov's method evaluates the gradient where the velocity is about to carry the
    parameters, :math:`\theta + \mu v`, instead of at :math:`\theta`:

    .. math:: v_{t+1} = \mu v_t - \eta \nabla L(\theta_t + \mu v_t), \qquad
              \theta_{t+1} = \theta_t + v_{t+1}

    A training loop only has the gradient at the parameters it holds, so store the
    look-ahead point :math:`w = \theta + \mu v` instead. Substituting gives the rule, with
    the gradient taken at w itself:

    .. math:: v_{t+1} = \mu v_t - \eta \nabla L(w_t), \qquad
              w_{t+1} = w_t - \mu v_t + (1 + \mu) v_{t+1}

    Keep the old velocity before you overwrite it: the update needs both. From rest the
    first step is :math:`-(1 + \mu)\eta \nabla L`, larger than momentum's.

    Why it matters: the look-ahead gradient notices sooner that the velocity is heading
    uphill, so Nesterov overshoots less than plain momentum.
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    learning_rate, momentum = config["learning_rate"], config["momentum"]
    v_prev = config.get("velocity", np.zeros_like(w))
    v = momentum * v_prev - learning_rate * dw
    next_w = w - momentum * v_prev + (1 + momentum) * v
    config["velocity"] = v
    return next_w, config


def minimize(loss_and_grad, w0, rule, config, num_steps):
    r"""Run an update rule for a number of steps and record the path it takes.

    Parameters
    ----------
    loss_and_grad : callable
        ``loss_and_grad(w) -> (loss, dw)``: the function to minimise and its gradient at
        ``w``, ``dw`` shaped like ``w``.
    w0 : ndarray, any shape
        The starting point. Not modified.
    rule : callable
        An update rule, ``rule(w, dw, config) -> (next_w, config)``, such as
        :func:`sgd`, :func:`sgd_momentum` or :func:`nesterov_momentum`.
    config : dict or None
        Passed to the first call of ``rule``; every later call gets the config the previous
        call returned, so the rule's state (a velocity) carries over from step to step.
    num_steps : int
        How many updates to make (0 or more).

    Returns
    -------
    trajectory : ndarray of float, shape (num_steps + 1,) + w0.shape
        ``trajectory[0]`` is ``w0``, and ``trajectory[k]`` the parameters after ``k``
        updates: ``num_steps + 1`` points in all.

    Notes
    -----
    Each step evaluates the gradient at the *current* point, asks the rule for the next
    point, and keeps the config it returns:

    .. math:: g_k = \nabla L(w_k), \qquad (w_{k+1}, c_{k+1}) = \text{rule}(w_k, g_k, c_k)

    Why it matters: this loop is a training loop with the data taken out. On a function
    whose shape you know (a narrow bowl, the curved Rosenbrock valley) you can see what
    each rule does before you trust it with a network.
    """
    w = np.array(w0, dtype=float)  # a copy: w0 itself never changes
    trajectory = [w]
    for _ in range(num_steps):
        _, dw = loss_and_grad(w)  # the gradient where we are now
        w, config = rule(w, dw, config)  # keep the returned config: it carries the state
        trajectory.append(w)
    return np.array(trajectory)
