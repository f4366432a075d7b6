"""Known-buggy versions of Day 8, planted as patches of solutions/day08_regularization.py."""
from grader.catalog import Mutant
from tests.probes import day08_regularization as probes

_L2, _ADAMW, _STOP = "day08.l2_penalty", "day08.adamw", "day08.EarlyStopping"

_PENALTY = "loss += 0.5 * reg * float(np.sum(value * value))"
_ADAMW_STEP = "next_w = w - learning_rate * (adam_step + weight_decay * w)"
_COPY = "self.best_params = {name: np.array(value, copy=True) for name, value in params.items()}"
_MIN_TEST = "improved = val_metric < self.best_metric - self.min_delta"
_MAX_TEST = "improved = val_metric > self.best_metric + self.min_delta"

MUTANTS = [
    # -- l2_penalty --------------------------------------------------------------------------------------
    Mutant(exercise=_L2, id="reg_on_biases",
           mistake="the penalty also covers the biases b1, b2, ..., and their gradients get reg * b.",
           fix="penalise only the weight matrices (names starting with 'W'); a bias's gradient is zeros.",
           patch=[('if name.startswith("W"):', 'if name.startswith(("W", "b")):')]),
    Mutant(exercise=_L2, id="loss_missing_half",
           mistake="the penalty lacks its 0.5: reg * sum(W**2) is twice the convention and no longer matches the "
                   "gradient reg * W.",
           fix="loss += 0.5 * reg * np.sum(W * W).",
           patch=[(_PENALTY, "loss += reg * float(np.sum(value * value))")]),
    Mutant(exercise=_L2, id="gradient_factor_two",
           mistake="the gradient is 2 * reg * W, but the penalty 0.5 * reg * sum(W**2) has gradient reg * W (the 0.5 "
                   "cancels the 2).",
           fix="grads[name] = reg * W.",
           patch=[("grads[name] = reg * value", "grads[name] = 2 * reg * value")]),
    Mutant(exercise=_L2, id="bias_grads_missing",
           mistake="grads holds only the weights, so a caller adding grads[name] for every parameter fails on the "
                   "biases.",
           fix="give every key of params an entry: np.zeros(b.shape) for each bias.",
           patch=[("        else:\n            grads[name] = np.zeros(np.shape(value))  # biases are not penalised\n",
                   "")]),
    Mutant(exercise=_L2, id="mean_not_sum",
           mistake="the penalty averages the squared weights (np.mean) instead of summing them, so it shrinks with "
                   "the layer's size and no longer matches the gradient reg * W.",
           fix="use np.sum(W * W).",
           patch=[(_PENALTY, "loss += 0.5 * reg * float(np.mean(value * value))")]),
    Mutant(exercise=_L2, id="loss_overwritten",
           mistake="each weight's penalty replaces the running total (loss = ... instead of loss += ...), so only "
                   "the last weight matrix counts.",
           fix="accumulate: loss += 0.5 * reg * np.sum(W * W).",
           patch=[(_PENALTY, "loss = 0.5 * reg * float(np.sum(value * value))")]),
    Mutant(exercise=_L2, id="norm_not_squared",
           mistake="the penalty uses the norm of W (np.linalg.norm) instead of its square, sum(W**2).",
           fix="0.5 * reg * np.sum(W * W), or 0.5 * reg * np.linalg.norm(W)**2.",
           patch=[(_PENALTY, "loss += 0.5 * reg * float(np.linalg.norm(value))")]),

    # -- adamw ---------------------------------------------------------------------------------------------
    Mutant(exercise=_ADAMW, id="l2_in_gradient",
           mistake="the decay is added to the gradient (dw + weight_decay * w) before the moments: that is Adam + "
                   "L2, whose decay is divided by sqrt(v_hat) and vanishes where gradients are large.",
           fix="feed the moments dw alone and add weight_decay * w outside the rescaling: next_w = w - "
               "learning_rate * (m_hat / (sqrt(v_hat) + epsilon) + weight_decay * w).",
           patch=[("m = beta1 * m + (1 - beta1) * dw",
                   "dw = dw + weight_decay * w\n    m = beta1 * m + (1 - beta1) * dw"),
                  ("(adam_step + weight_decay * w)", "adam_step")]),
    Mutant(exercise=_ADAMW, id="decay_twice",
           mistake="the decay is both added to the gradient fed to the moments and applied to the weights, so the "
                   "weights are decayed twice.",
           fix="keep only the decoupled term: the moments see dw alone.",
           patch=[("m = beta1 * m + (1 - beta1) * dw",
                   "dw = dw + weight_decay * w\n    m = beta1 * m + (1 - beta1) * dw")]),
    Mutant(exercise=_ADAMW, id="no_decay",
           mistake="the weight decay is never applied, so this is plain Adam.",
           fix="next_w = w - learning_rate * (m_hat / (sqrt(v_hat) + epsilon) + weight_decay * w).",
           patch=[("(adam_step + weight_decay * w)", "adam_step")]),
    Mutant(exercise=_ADAMW, id="decay_uses_dw",
           mistake="the decay term is weight_decay * dw instead of weight_decay * w: it shrinks the gradient, not the "
                   "weights.",
           fix="decay the weights: learning_rate * weight_decay * w.",
           patch=[("+ weight_decay * w)", "+ weight_decay * dw)")]),
    Mutant(exercise=_ADAMW, id="decay_not_scaled_by_learning_rate",
           mistake="the decay removes weight_decay * w per step instead of learning_rate * weight_decay * w.",
           fix="multiply the decay by the learning rate too: w - learning_rate * (adam_step + weight_decay * w).",
           patch=[(_ADAMW_STEP, "next_w = w - learning_rate * adam_step - weight_decay * w")]),
    Mutant(exercise=_ADAMW, id="decay_of_updated_w",
           mistake="the decay is applied to the weights after the Adam step instead of to the weights it was given.",
           fix="decay the current w: next_w = w - learning_rate * (adam_step + weight_decay * w).",
           patch=[(_ADAMW_STEP, "next_w = (w - learning_rate * adam_step) * (1 - learning_rate * weight_decay)")]),
    Mutant(exercise=_ADAMW, id="decay_grows_weights",
           mistake="the decay term has the wrong sign, so every step makes the weights larger.",
           fix="subtract it: w - learning_rate * (adam_step + weight_decay * w).",
           patch=[("(adam_step + weight_decay * w)", "(adam_step - weight_decay * w)")]),
    Mutant(exercise=_ADAMW, id="default_weight_decay",
           mistake="weight_decay defaults to 0 instead of 1e-2, so a config without it gets no decay.",
           fix="config.setdefault('weight_decay', 1e-2).",
           patch=[('config.setdefault("weight_decay", 1e-2)', 'config.setdefault("weight_decay", 0.0)')]),
    Mutant(exercise=_ADAMW, id="no_bias_correction",
           mistake="m and v are used without bias correction, so the first steps are off by (1 - beta1) / "
                   "sqrt(1 - beta2).",
           fix="m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t).",
           patch=[("adam_step = m_hat / (np.sqrt(v_hat) + epsilon)", "adam_step = m / (np.sqrt(v) + epsilon)")]),
    Mutant(exercise=_ADAMW, id="t_incremented_after_use",
           mistake="t is used before it is incremented, so the first step divides by 1 - beta**0 = 0.",
           fix="t = config.get('t', 0) + 1 first, then correct with beta1**t and beta2**t.",
           patch=[('t = config.get("t", 0) + 1', 't = config.get("t", 0)'), ("= m, v, t\n", "= m, v, t + 1\n")]),
    Mutant(exercise=_ADAMW, id="epsilon_inside_sqrt",
           mistake="epsilon is added inside the square root, so sqrt(v_hat + epsilon) is at least 1e-4 and tiny "
                   "gradients barely move w.",
           fix="add it outside: m_hat / (np.sqrt(v_hat) + epsilon).",
           patch=[("np.sqrt(v_hat) + epsilon", "np.sqrt(v_hat + epsilon)")]),
    Mutant(exercise=_ADAMW, id="corrected_moments_stored",
           mistake="the bias-corrected m_hat and v_hat are stored in config instead of m and v, so the correction "
                   "compounds from step to step.",
           fix="store the raw averages: config['m'], config['v'] = m, v.",
           patch=[("= m, v, t\n", "= m_hat, v_hat, t\n")]),
    Mutant(exercise=_ADAMW, id="state_not_stored",
           mistake="m, v and t are never written back into config, so every step is a first step.",
           fix="config['m'], config['v'], config['t'] = m, v, t before returning config.",
           patch=[('    config["m"], config["v"], config["t"] = m, v, t\n', "")]),
    Mutant(exercise=_ADAMW, id="w_modified_in_place",
           mistake="w is updated in place (w -= ...), so the caller's array changes.",
           fix="build a new array: next_w = w - learning_rate * (...).",
           patch=[(_ADAMW_STEP, "w -= learning_rate * (adam_step + weight_decay * w)\n    next_w = w")]),

    # -- EarlyStopping -------------------------------------------------------------------------------------
    Mutant(exercise=_STOP, id="stops_at_first_non_improvement",
           mistake="step returns True at the first epoch without improvement, ignoring patience.",
           fix="count the consecutive epochs without improvement and stop when the count reaches patience.",
           patch=[("return self.bad_epochs >= self.patience", "return not improved")]),
    Mutant(exercise=_STOP, id="waits_one_epoch_too_many",
           mistake="step stops only when the count of bad epochs exceeds patience (>), one epoch late.",
           fix="return self.bad_epochs >= self.patience.",
           patch=[("return self.bad_epochs >= self.patience", "return self.bad_epochs > self.patience")]),
    Mutant(exercise=_STOP, id="count_not_reset",
           mistake="the count of bad epochs is not reset on an improvement, so it counts all bad epochs, not "
                   "consecutive ones.",
           fix="set the count back to 0 whenever the metric improves.",
           patch=[("            self.bad_epochs = 0\n", "")]),
    Mutant(exercise=_STOP, id="best_params_aliased",
           mistake="best_params is the caller's params dict itself, so every later update of the model overwrites "
                   "the best parameters.",
           fix="store copies: {name: value.copy() for name, value in params.items()}.",
           patch=[(_COPY, "self.best_params = params")]),
    Mutant(exercise=_STOP, id="best_params_shallow_copy",
           mistake="best_params is a new dict holding the caller's own arrays (dict(params)), so in-place updates "
                   "of the model overwrite the best parameters.",
           fix="copy every array too: {name: value.copy() for name, value in params.items()}.",
           patch=[(_COPY, "self.best_params = dict(params)")]),
    Mutant(exercise=_STOP, id="best_params_of_last_epoch",
           mistake="best_params is updated at every epoch, so it holds the last epoch's params, not the best one's, "
                   "and restoring it restores nothing.",
           fix="copy params only when the metric improves.",
           patch=[(f"            {_COPY}  # deep copies\n", ""),
                  ("        self.epoch += 1\n", f"        {_COPY}\n        self.epoch += 1\n")]),
    Mutant(exercise=_STOP, id="min_delta_inclusive",
           mistake="a value better than the best by exactly min_delta counts as an improvement (<= or >=); it must "
                   "be better by strictly more.",
           fix="use strict comparisons: val_metric < best - min_delta (mode 'min'), val_metric > best + min_delta "
               "(mode 'max').",
           patch=[(_MIN_TEST, "improved = val_metric <= self.best_metric - self.min_delta"),
                  (_MAX_TEST, "improved = val_metric >= self.best_metric + self.min_delta")]),
    Mutant(exercise=_STOP, id="min_delta_ignored",
           mistake="min_delta is ignored: any strictly better value counts as an improvement.",
           fix="require val_metric < best - min_delta (mode 'min') or val_metric > best + min_delta (mode 'max').",
           patch=[(_MIN_TEST, "improved = val_metric < self.best_metric"),
                  (_MAX_TEST, "improved = val_metric > self.best_metric")]),
    Mutant(exercise=_STOP, id="max_mode_min_delta_sign",
           mistake="in mode 'max' the test is val_metric > best - min_delta, so a value slightly worse than the "
                   "best still counts as an improvement.",
           fix="in mode 'max' an improvement is val_metric > best + min_delta.",
           patch=[(_MAX_TEST, "improved = val_metric > self.best_metric - self.min_delta")]),
    Mutant(exercise=_STOP, id="mode_ignored",
           mistake="mode is ignored: lower is always better, so with mode 'max' a rising accuracy never counts as "
                   "an improvement.",
           fix="for mode 'max', an improvement is val_metric > best + min_delta (and start from -inf).",
           patch=[('if self.mode == "min":', "if True:")]),
    Mutant(exercise=_STOP, id="best_epoch_from_one",
           mistake="best_epoch counts epochs from 1, but the first call of step is epoch 0.",
           fix="record the number of epochs seen before this one: best_epoch = epoch, then increment epoch.",
           patch=[("self.best_epoch = self.epoch", "self.best_epoch = self.epoch + 1")]),
    Mutant(exercise=_STOP, id="best_metric_not_updated",
           mistake="the best value is never updated on an improvement, so every value is compared with the "
                   "starting one.",
           fix="on an improvement, set best_metric = val_metric.",
           patch=[("            self.best_metric = val_metric\n", "")]),
    Mutant(exercise=_STOP, id="compared_with_last_epoch",
           mistake="each value is compared with the previous epoch's value rather than with the best so far, so "
                   "a small recovery after a bad epoch counts as an improvement.",
           fix="keep the best value seen and compare with it; update it only on an improvement.",
           patch=[("        self.epoch += 1\n", "        self.best_metric = val_metric\n        self.epoch += 1\n")]),
    Mutant(exercise=_STOP, id="first_value_always_best",
           mistake="the best starts as None and the first value always becomes it, so a NaN (or inf) first epoch "
                   "becomes the best and nothing can ever improve on it.",
           fix="start best_metric at inf (mode 'min') or -inf (mode 'max'), so a NaN never becomes the best.",
           patch=[('self.best_metric = np.inf if mode == "min" else -np.inf', "self.best_metric = None"),
                  (_MIN_TEST, "improved = self.best_metric is None or val_metric < self.best_metric - "
                              "self.min_delta"),
                  (_MAX_TEST, "improved = self.best_metric is None or val_metric > self.best_metric + "
                              "self.min_delta")]),
]


# -- probes: the day's catalog probes (tests/probes/day08_regularization.py) tell the mistakes apart --
PROBES = {
    _L2: probes.catalog_l2_penalty,
    _ADAMW: probes.catalog_adamw,
    _STOP: probes.catalog_EarlyStopping,
}
