r"""Day 6 - RMSprop and Adam: a learning rate for every coordinate.

Plain SGD moves every coordinate by ``learning_rate`` times its gradient. On a badly scaled
loss, where one direction is a thousand times steeper than another, one learning rate cannot
suit both: small enough not to diverge along the steep direction, it crawls along the flat
one. RMSprop keeps, for each coordinate, a running average of the squared gradient and divides
the step by its square root, so every coordinate moves by roughly ``learning_rate`` whatever
the size of its gradient. Adam adds momentum (a running average of the gradient itself) and
corrects both averages for starting at zero.

Conventions (the whole kata uses them for optimizers)
-----------------------------------------------------
- An update rule is ``rule(w, dw, config=None) -> (next_w, config)``: ``w`` is a parameter
  array of any shape and ``dw`` the gradient of the loss with respect to it, of the same shape.
- ``config`` carries the hyperparameters and the rule's state between calls. Keys that are
  missing get their defaults (``learning_rate`` 1e-2 for RMSprop, 1e-3 for Adam;
  ``decay_rate`` 0.99; ``beta1`` 0.9, ``beta2`` 0.999; ``epsilon`` 1e-8), and missing state
  starts at zero. ``config=None`` means a new, empty dict.
- The state is written back into the very dict that was passed in, and that dict is
  returned: the caller keeps one config per parameter and passes it again at the next step.
  Two parameters never share a config, and nothing is kept anywhere else between calls.
- ``w`` and ``dw`` are never modified in place: ``next_w`` is a new array.
- ``epsilon`` is added outside the square root, ``sqrt(cache) + epsilon``.
"""
import numpy as np


def rmsprop(w, dw, config=None):
    r"""One RMSprop step: divide the gradient by a running root-mean-square of its history.

    Parameters
    ----------
    w : ndarray, any shape
        The current parameter values. Not modified.
    dw : ndarray, shape like w
        The gradient of the loss with respect to ``w``. Not modified.
    config : dict or None
        Hyperparameters and state; missing keys get their defaults, and ``None`` means ``{}``.

        - ``learning_rate`` (float, default 1e-2): the step size.
        - ``decay_rate`` (float, default 0.99): how much of the old average survives each step.
        - ``epsilon`` (float, default 1e-8): keeps the division finite where the average is 0.
        - ``cache`` (ndarray shaped like w, default zeros): the running average of the squared
          gradient, the rule's state.

    Returns
    -------
    next_w : ndarray, shape like w
        The updated parameters, a new array.
    config : dict
        The dict that was passed in (or the new one), holding the updated ``cache``.

    Notes
    -----
    With decay rate :math:`\rho`, learning rate :math:`\eta` and gradient :math:`g`, elementwise:

    .. math::
        c \leftarrow \rho\, c + (1 - \rho)\, g^2, \qquad
        w \leftarrow w - \eta\, \frac{g}{\sqrt{c} + \epsilon}

    The cache estimates the mean of :math:`g^2`, so :math:`g / \sqrt{c}` is about :math:`\pm 1`
    whatever the gradient's scale: every coordinate moves by about :math:`\eta`. The weight
    :math:`1 - \rho` on the new term keeps the cache an average rather than a growing sum.
    :math:`\epsilon` goes outside the root: inside, :math:`\sqrt{c + \epsilon}` is at least
    1e-4 and swamps gradients smaller than that.

    Why it matters: one learning rate cannot suit a loss that is steep in some directions and
    flat in others; RMSprop (Hinton, 2012) gives every coordinate a step size of its own.
    """
    # TODO: write this, then run `make check day06.rmsprop`.
    raise NotImplementedError("day06.rmsprop")


def adam(w, dw, config=None):
    r"""One Adam step: momentum on the gradient, RMSprop on its scale, both corrected for starting at 0.

    Parameters
    ----------
    w : ndarray, any shape
        The current parameter values. Not modified.
    dw : ndarray, shape like w
        The gradient of the loss with respect to ``w``. Not modified.
    config : dict or None
        Hyperparameters and state; missing keys get their defaults, and ``None`` means ``{}``.

        - ``learning_rate`` (float, default 1e-3): the step size.
        - ``beta1`` (float, default 0.9): decay of the running mean of the gradient.
        - ``beta2`` (float, default 0.999): decay of the running mean of the squared gradient.
        - ``epsilon`` (float, default 1e-8): keeps the division finite where the average is 0.
        - ``m`` (ndarray shaped like w, default zeros): the running mean of the gradient.
        - ``v`` (ndarray shaped like w, default zeros): the running mean of the squared gradient.
        - ``t`` (int, default 0): the number of steps taken so far.

    Returns
    -------
    next_w : ndarray, shape like w
        The updated parameters, a new array.
    config : dict
        The dict that was passed in (or the new one), holding the updated ``m``, ``v`` and ``t``.

    Notes
    -----
    With learning rate :math:`\eta` and gradient :math:`g`, elementwise, the step counter is
    increased first, so the first step uses :math:`t = 1`:

    .. math::
        t \leftarrow t + 1, \qquad
        m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2

    .. math::
        \hat m = \frac{m}{1 - \beta_1^t}, \qquad
        \hat v = \frac{v}{1 - \beta_2^t}, \qquad
        w \leftarrow w - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}

    Starting from zero, :math:`m` and :math:`v` are too small by exactly the factors
    :math:`1 - \beta^t` in the first steps; the bias correction divides them out, so the
    first step is :math:`\eta\, g / (|g| + \epsilon)`, about :math:`\eta` per coordinate
    whatever the gradient's scale. The config keeps the uncorrected :math:`m` and :math:`v`.

    Why it matters: Adam (Kingma and Ba, 2014) is the default optimizer of much of deep
    learning: it needs little tuning, copes with badly scaled and noisy gradients, and moves
    from the very first step.
    """
    # TODO: write this, then run `make check day06.adam`.
    raise NotImplementedError("day06.adam")
