"""Known-buggy versions of Day 9, planted as patches of solutions/day09_dropout.py."""
from grader.catalog import Mutant
from tests.probes import day09_dropout as probes

_FORWARD, _BACKWARD, _MC = "day09.dropout_forward", "day09.dropout_backward", "day09.mc_dropout_predict"

_DRAW = "    mask = rng.random(x.shape) < keep_prob  # True where the unit is kept\n"
_TEST_TIME = "        return x, (None, keep_prob)  # test time: the identity, and no draw from rng\n"

MUTANTS = [
    # -- dropout_forward ------------------------------------------------------------------------------
    Mutant(exercise=_FORWARD, id="no_rescaling",
           mistake="the kept units are not divided by keep_prob, so in training the next layer sees activations "
                   "keep_prob times smaller than at test time.",
           fix="inverted dropout divides the kept units by keep_prob: out = x * mask / keep_prob.",
           patch=[("out = x * mask / keep_prob", "out = x * mask")]),
    Mutant(exercise=_FORWARD, id="scaled_by_keep_prob",
           mistake="the kept units are multiplied by keep_prob instead of divided by it.",
           fix="divide: out = x * mask / keep_prob, so that each unit's expected value stays x.",
           patch=[("out = x * mask / keep_prob", "out = x * mask * keep_prob")]),
    Mutant(exercise=_FORWARD, id="dropout_at_test_time",
           mistake="units are dropped at test time too: the train flag is ignored.",
           fix="when train is false, return x unchanged (and draw nothing).",
           patch=[("    if not train:\n" + _TEST_TIME, "")]),
    Mutant(exercise=_FORWARD, id="test_time_scaled_by_keep_prob",
           mistake="test time multiplies by keep_prob, as the original (non-inverted) dropout does, on top of the "
                   "1 / keep_prob of training.",
           fix="with inverted dropout the scaling happens in training only; at test time return x unchanged.",
           patch=[(_TEST_TIME, "        return x * keep_prob, (None, keep_prob)\n")]),
    Mutant(exercise=_FORWARD, id="draws_at_test_time",
           mistake="the mask is drawn from rng before looking at train, so a test-time pass consumes random numbers.",
           fix="draw the mask only in training, after the test-time branch has returned.",
           patch=[(_DRAW, ""),
                  ("    if not train:\n", "    mask = rng.random(x.shape) < keep_prob\n    if not train:\n")]),
    Mutant(exercise=_FORWARD, id="keep_read_as_drop",
           mistake="keep_prob is read as the probability of dropping a unit: a unit is kept with probability "
                   "1 - keep_prob (and divided by 1 - keep_prob).",
           fix="keep_prob is the probability of keeping: mask = rng.random(x.shape) < keep_prob, out = x * mask / "
               "keep_prob.",
           patch=[(_DRAW, "    mask = rng.random(x.shape) < 1 - keep_prob\n"),
                  ("out = x * mask / keep_prob", "out = x * mask / (1 - keep_prob)")]),
    Mutant(exercise=_FORWARD, id="non_strict_comparison",
           mistake="the mask keeps a unit where its draw is <= keep_prob, so a draw exactly equal to keep_prob keeps "
                   "its unit.",
           fix="compare strictly: mask = rng.random(x.shape) < keep_prob.",
           patch=[("rng.random(x.shape) < keep_prob", "rng.random(x.shape) <= keep_prob")]),
    Mutant(exercise=_FORWARD, id="global_random_state",
           mistake="the mask is drawn from NumPy's global random state (np.random.rand), not from the rng given.",
           fix="draw from the Generator passed in: mask = rng.random(x.shape) < keep_prob.",
           patch=[("rng.random(x.shape) < keep_prob", "np.random.rand(*x.shape) < keep_prob")]),
    Mutant(exercise=_FORWARD, id="one_mask_for_the_batch",
           mistake="one mask of shape x.shape[1:] is drawn and shared by every example of the batch.",
           fix="draw one number per unit of every example: mask = rng.random(x.shape) < keep_prob.",
           patch=[("rng.random(x.shape) < keep_prob", "rng.random(x.shape[1:]) < keep_prob")]),
    Mutant(exercise=_FORWARD, id="modifies_x_in_place",
           mistake="the input x is multiplied in place, so the caller's activations are changed.",
           fix="build a new array: out = x * mask / keep_prob.",
           patch=[("    out = x * mask / keep_prob  # inverted dropout: E[out] = x\n",
                   "    x *= mask / keep_prob\n    out = x\n")]),

    # -- dropout_backward ------------------------------------------------------------------------------
    Mutant(exercise=_BACKWARD, id="ignores_the_mask",
           mistake="the backward pass returns dout unchanged, ignoring the mask and the 1 / keep_prob scale.",
           fix="dx = dout * mask / keep_prob, with the mask from the cache.",
           patch=[("dx = dout * mask / keep_prob", "dx = dout")]),
    Mutant(exercise=_BACKWARD, id="scale_without_mask",
           mistake="the backward pass divides dout by keep_prob but ignores the mask, so dropped units get gradient.",
           fix="multiply by the mask from the cache too: dx = dout * mask / keep_prob.",
           patch=[("dx = dout * mask / keep_prob", "dx = dout / keep_prob")]),
    Mutant(exercise=_BACKWARD, id="mask_without_scale",
           mistake="the backward pass applies the mask but forgets the 1 / keep_prob of the forward pass.",
           fix="dx = dout * mask / keep_prob.",
           patch=[("dx = dout * mask / keep_prob", "dx = dout * mask")]),
    Mutant(exercise=_BACKWARD, id="scaled_by_keep_prob",
           mistake="the backward pass multiplies by keep_prob instead of dividing by it.",
           fix="dx = dout * mask / keep_prob.",
           patch=[("dx = dout * mask / keep_prob", "dx = dout * mask * keep_prob")]),
    Mutant(exercise=_BACKWARD, id="draws_a_new_mask",
           mistake="the backward pass draws a new mask (from np.random) instead of using the forward pass's mask "
                   "from the cache.",
           fix="take the mask from the cache: mask, keep_prob = cache; dx = dout * mask / keep_prob.",
           patch=[("dx = dout * mask / keep_prob",
                   "dx = dout * (np.random.rand(*dout.shape) < keep_prob) / keep_prob")]),
    Mutant(exercise=_BACKWARD, id="modifies_dout_in_place",
           mistake="dout is multiplied in place, so the caller's upstream gradient is changed.",
           fix="build a new array: dx = dout * mask / keep_prob.",
           patch=[("    dx = dout * mask / keep_prob\n", "    dout *= mask / keep_prob\n    dx = dout\n")]),

    # -- mc_dropout_predict ----------------------------------------------------------------------------
    Mutant(exercise=_MC, id="dropout_off",
           mistake="forward is called with train=False, so every pass is the same deterministic network.",
           fix="call forward(X, True, rng): Monte Carlo dropout averages passes with dropout on.",
           patch=[("[forward(X, True, rng)", "[forward(X, False, rng)")]),
    Mutant(exercise=_MC, id="one_pass",
           mistake="n_samples is ignored: a single pass is returned.",
           fix="average n_samples passes: [forward(X, True, rng) for _ in range(n_samples)].",
           patch=[("range(n_samples)", "range(1)")]),
    Mutant(exercise=_MC, id="summed_not_averaged",
           mistake="the passes are summed instead of averaged.",
           fix="take their mean: np.mean(samples, axis=0).",
           patch=[("np.mean(samples, axis=0)", "np.sum(samples, axis=0)")]),
    Mutant(exercise=_MC, id="averages_log_probabilities",
           mistake="the log-probabilities are averaged and renormalised (a geometric mean) instead of the "
                   "probabilities.",
           fix="average the probabilities themselves: np.mean(samples, axis=0).",
           patch=[("    return np.mean(samples, axis=0)\n",
                   "    mean = np.exp(np.mean(np.log(samples), axis=0))\n"
                   "    return mean / mean.sum(axis=1, keepdims=True)\n")]),
    Mutant(exercise=_MC, id="returns_classes",
           mistake="the predicted classes are returned instead of the mean probabilities.",
           fix="return the (N, C) mean probabilities; the caller takes np.argmax(probs, axis=1) when it needs "
               "classes.",
           patch=[("return np.mean(samples, axis=0)", "return np.argmax(np.mean(samples, axis=0), axis=1)")]),
    Mutant(exercise=_MC, id="averaged_over_examples",
           mistake="the stacked passes are averaged over axis 1 (the examples) instead of axis 0 (the passes).",
           fix="np.mean(samples, axis=0) on the (n_samples, N, C) stack gives the (N, C) average.",
           patch=[("np.mean(samples, axis=0)", "np.mean(samples, axis=1)")]),
]

PROBES = {
    _FORWARD: probes.catalog_dropout_forward,
    _BACKWARD: probes.catalog_dropout_backward,
    _MC: probes.catalog_mc_dropout_predict,
}
