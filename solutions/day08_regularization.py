r"""Day 8 - L2 weight decay and early stopping: two ways to stop a network from memorising.

A network with enough parameters can learn its training set by heart: the training loss keeps
falling while the loss on held-out data turns round and climbs. Today's three tools fight that.
The L2 penalty adds ``0.5 * reg * sum(W**2)`` to the loss, so every step also pulls each weight
towards zero and the network prefers many small weights to a few large ones. AdamW applies the
same pull directly to the weights, outside Adam's per-coordinate rescaling, which would otherwise
shrink it wherever gradients are large. Early stopping watches a validation metric after every
epoch and ends training once it has stopped improving, keeping a copy of the best parameters.

Conventions (the whole kata uses them)
--------------------------------------
- ``params`` is a dict name -> array, as ``model.params``: weight matrices are named ``W1, W2,
  ...`` (any name that starts with ``"W"``), biases ``b1, b2, ...``. A weight ``W`` is
  ``(D_in, D_out)`` and used as ``x @ W + b``.
- The L2 penalty is ``0.5 * reg * sum(W**2)`` summed over the weight matrices only, never the
  biases; its gradient is ``reg * W``. Gradients are keyed and shaped like ``params``.
- An update rule is ``rule(w, dw, config=None) -> (next_w, config)``. ``config`` carries the
  hyperparameters and the state; missing keys get their defaults and missing state starts at
  zero; ``config=None`` means a new, empty dict. The state is written back into the dict that
  was passed in, and that dict is returned. ``w`` and ``dw`` are never modified in place.
- Adam keeps ``m``, ``v`` and ``t`` in config, increments ``t`` before using it (the first
  step uses ``t = 1``), corrects both averages for their zero start, and adds ``epsilon``
  outside the square root.
- Epochs are counted from 0: the first call of ``EarlyStopping.step`` reports epoch 0.
"""
import numpy as np


def l2_penalty(params, reg):
    r"""The L2 penalty of a model's weight matrices and its gradient.

    Parameters
    ----------
    params : dict of str -> ndarray
        The model's parameters, for example ``model.params``: weights named ``W1, W2, ...``
        (every key that starts with ``"W"``) of any shape, biases ``b1, b2, ...`` (every
        other key). Not modified.
    reg : float
        The regularisation strength :math:`\lambda \ge 0`.

    Returns
    -------
    loss : float
        ``0.5 * reg * (sum(W1**2) + sum(W2**2) + ...)`` over the weights only (0.0 when
        there are none).
    grads : dict of str -> ndarray
        The gradient of ``loss`` for every entry of ``params``, with the same keys and shapes:
        ``reg * W`` for a weight, and an array of zeros (float) for a bias or any other
        parameter, which the penalty does not touch. New arrays, never ``params``' own.

    Notes
    -----
    .. math::
        R(\theta) = \frac{\lambda}{2} \sum_k \lVert W_k \rVert_F^2 = \frac{\lambda}{2}
        \sum_k \sum_{i, j} (W_k)_{ij}^2, \qquad \frac{\partial R}{\partial W_k} = \lambda W_k,
        \qquad \frac{\partial R}{\partial b_k} = 0

    The :math:`\tfrac{1}{2}` is there so that the gradient is :math:`\lambda W` without a
    factor 2. Add ``loss`` to the data loss and each ``grads[name]`` to the data gradient of
    the same name. With plain SGD the step becomes
    :math:`W \leftarrow W - \eta (g + \lambda W) = (1 - \eta \lambda) W - \eta g`: the weights
    shrink by the factor :math:`1 - \eta \lambda` every step, hence the name "weight decay".
    Biases are left alone: each shifts one unit's output and cannot make the network
    over-sensitive to its inputs, and pulling them to 0 only costs fit.

    Why it matters: large weights let a network react sharply to tiny details of its
    training images; the penalty makes it pay for every large weight, which smooths the
    function it learns and usually lowers the validation loss when data are scarce.
    """
    loss = 0.0
    grads = {}
    for name, value in params.items():
        if name.startswith("W"):
            loss += 0.5 * reg * float(np.sum(value * value))  # 0.5 * reg * sum(W**2)
            grads[name] = reg * value  # its gradient, reg * W
        else:
            grads[name] = np.zeros(np.shape(value))  # biases are not penalised
    return loss, grads


def adamw(w, dw, config=None):
    r"""One AdamW step: Adam on the gradient, plus a weight decay applied to the weights directly.

    Parameters
    ----------
    w : ndarray, any shape
        The current parameter values. Not modified.
    dw : ndarray, shape like w
        The gradient of the data loss with respect to ``w`` (without any L2 term). Not modified.
    config : dict or None
        Hyperparameters and state; missing keys get their defaults, and ``None`` means ``{}``.

        - ``learning_rate`` (float, default 1e-3): the step size.
        - ``weight_decay`` (float, default 1e-2): the decoupled decay rate :math:`\lambda`;
          each step removes ``learning_rate * weight_decay * w`` from ``w``. Give a bias's
          config ``weight_decay = 0`` to leave it undecayed.
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
    With learning rate :math:`\eta`, weight decay :math:`\lambda` and gradient :math:`g`,
    elementwise, Adam's moments see the gradient only:

    .. math::
        t \leftarrow t + 1, \qquad
        m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2, \qquad
        \hat m = \frac{m}{1 - \beta_1^t}, \qquad
        \hat v = \frac{v}{1 - \beta_2^t}

    and the decay is added to the step outside the rescaling, on the current weights:

    .. math::
        w \leftarrow w - \eta \left( \frac{\hat m}{\sqrt{\hat v} + \epsilon} + \lambda w \right)

    Contrast Adam with L2 added to the gradient, :math:`g' = g + \lambda w` fed to plain Adam:
    then the pull :math:`\lambda w` goes through the division by :math:`\sqrt{\hat v}`. Where
    gradients are large, :math:`\sqrt{\hat v} \approx |g|` and the decay is divided away
    (a weight with :math:`|g| = 10^3` is hardly decayed at all); where the gradient is 0,
    :math:`\hat m / \sqrt{\hat v} = \pm 1` and the weight moves by a full :math:`\eta` towards
    0 whatever its size. AdamW shrinks every weight by the same fraction
    :math:`\eta \lambda` per step, as SGD with L2 does. This is the form of Loshchilov &
    Hutter (2019) and of PyTorch's ``AdamW``, with the learning rate also scaling the decay
    (the paper writes a schedule multiplier there). With ``weight_decay = 0`` it is Adam.

    Why it matters: with adaptive optimizers, L2 in the gradient is not weight decay; AdamW
    restores the regularisation that SGD users get from L2, and is the default optimizer
    for training transformers.
    """
    if config is None:
        config = {}
    learning_rate = config.setdefault("learning_rate", 1e-3)
    weight_decay = config.setdefault("weight_decay", 1e-2)
    beta1 = config.setdefault("beta1", 0.9)
    beta2 = config.setdefault("beta2", 0.999)
    epsilon = config.setdefault("epsilon", 1e-8)
    m = config.get("m", np.zeros_like(w))
    v = config.get("v", np.zeros_like(w))
    t = config.get("t", 0) + 1  # this step's number: the first step is t = 1

    m = beta1 * m + (1 - beta1) * dw  # the moments see the data gradient only
    v = beta2 * v + (1 - beta2) * dw**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    adam_step = m_hat / (np.sqrt(v_hat) + epsilon)
    next_w = w - learning_rate * (adam_step + weight_decay * w)  # decay decoupled from the rescaling

    config["m"], config["v"], config["t"] = m, v, t
    return next_w, config


class EarlyStopping:
    r"""Stop training when a validation metric has not improved for ``patience`` epochs, keeping the best params.

    Call :meth:`step` once per epoch with the epoch's validation metric and the model's
    parameters; it answers whether to stop. Restoring the best means putting the arrays of
    ``best_params`` back into the model (``model.params.update(stopper.best_params)``, or a
    copy of each) once training ends.

    Attributes
    ----------
    patience : int
        How many consecutive epochs without improvement end training.
    min_delta : float
        How much better than the best so far a value must be to count as an improvement.
    mode : str
        ``"min"`` or ``"max"``.
    best_metric : float
        The best value so far: ``inf`` (mode "min") or ``-inf`` (mode "max") before the
        first improvement.
    best_epoch : int or None
        The epoch of ``best_metric``, counted from 0 (the first call of :meth:`step` is
        epoch 0); None before the first improvement.
    best_params : dict of str -> ndarray, or None
        Copies of the params passed at ``best_epoch``, with the same keys: new arrays that
        nothing the caller does later can change. None before the first improvement.
    """

    def __init__(self, patience, min_delta=0.0, mode="min"):
        r"""Set the rule and start with no best value.

        Parameters
        ----------
        patience : int
            At least 1: training stops at the ``patience``-th consecutive epoch without
            improvement (patience 3: best at epoch 4, no improvement at epochs 5, 6 and 7,
            so ``step`` returns True at epoch 7).
        min_delta : float, default 0.0
            A value improves on the best only if it is better by strictly more than
            ``min_delta``. With 0.0, any strictly better value counts; an equal one does not.
        mode : {"min", "max"}, default "min"
            ``"min"`` when lower is better (a validation loss), ``"max"`` when higher is
            better (a validation accuracy).

        Raises
        ------
        ValueError
            If ``mode`` is neither "min" nor "max".

        Notes
        -----
        Keep whatever counters you need besides the attributes above (the reference keeps
        ``epoch``, the number of epochs seen, and ``bad_epochs``, the current run of epochs
        without improvement).
        """
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', not {mode!r}")
        self.patience = patience
        self.min_delta = min_delta
        self.mode = mode
        self.best_metric = np.inf if mode == "min" else -np.inf  # anything finite beats it
        self.best_epoch = None
        self.best_params = None
        self.epoch = 0  # epochs seen so far: the next call of step is this epoch
        self.bad_epochs = 0  # consecutive epochs without improvement

    def step(self, val_metric, params):
        r"""Record one epoch's validation metric; True when training should stop.

        Parameters
        ----------
        val_metric : float
            This epoch's validation metric (a loss for mode "min", an accuracy for "max").
        params : dict of str -> ndarray
            The model's parameters after this epoch. Not modified; copied (each array) if
            this epoch is the new best, so later changes to the caller's dict or arrays,
            in place or not, never reach ``best_params``.

        Returns
        -------
        stop : bool
            True when this is the ``patience``-th consecutive epoch without improvement
            (and at every later epoch until an improvement resets the count).

        Notes
        -----
        An improvement, for the best value so far :math:`b` and ``min_delta``
        :math:`\delta`, is

        .. math::
            v < b - \delta \quad (\text{mode "min"}), \qquad
            v > b + \delta \quad (\text{mode "max"})

        with strict inequalities: a value exactly :math:`\delta` better is not an
        improvement. A NaN (a diverged epoch) never improves. On an improvement, record
        :math:`v`, the epoch and copies of ``params`` and reset the count of bad epochs to
        0; otherwise add 1 to it. Stop when the count reaches ``patience``.

        Why it matters: the epoch with the lowest validation loss is usually better than the
        last one; early stopping finds it without guessing the number of epochs in advance,
        and is the cheapest regulariser there is.
        """
        val_metric = float(val_metric)
        if self.mode == "min":
            improved = val_metric < self.best_metric - self.min_delta
        else:
            improved = val_metric > self.best_metric + self.min_delta
        if improved:
            self.best_metric = val_metric
            self.best_epoch = self.epoch
            self.best_params = {name: np.array(value, copy=True) for name, value in params.items()}  # deep copies
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        self.epoch += 1
        return self.bad_epochs >= self.patience
