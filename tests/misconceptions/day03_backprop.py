"""Known-buggy versions of Day 3, planted as patches of solutions/day03_backprop.py."""
from grader.catalog import mutant
from tests.probes import day03_backprop as probes

_AFF_F, _AFF_B = "day03.affine_forward", "day03.affine_backward"
_RELU_F, _RELU_B = "day03.relu_forward", "day03.relu_backward"
_SIG_F, _SIG_B = "day03.sigmoid_forward", "day03.sigmoid_backward"
_TANH_B = "day03.tanh_backward"
_SM, _SVM = "day03.softmax_loss", "day03.svm_loss"
_AR_F, _AR_B = "day03.affine_relu_forward", "day03.affine_relu_backward"
_VALUE = "day03.Value"

#: Every gradient update inside Value's _backward closures, written with += in the reference.
_VALUE_ACCUMULATIONS = (
    "self.grad += out.grad  # d(a + b)/da",
    "other.grad += out.grad  # d(a + b)/db",
    "self.grad += other.data * out.grad",
    "other.grad += self.data * out.grad",
    "self.grad += exponent * ",
    "self.grad += out.data * out.grad",
    "self.grad += out.grad / self.data",
    "self.grad += (1.0 - t ** 2)",
    "self.grad += (1.0 if self.data",
)

MUTANTS = [
    # -- affine layer ----------------------------------------------------------------------------
    mutant(_AFF_F, "bias_forgotten",
           "the bias b is not added to the output.", "out = x.reshape(N, -1) @ W + b.",
           ("out = x_flat @ W + b", "out = x_flat @ W")),
    mutant(_AFF_B, "db_not_summed",
           "db is the (N, M) upstream gradient itself instead of its sum over the batch.",
           "b was added to every example, so its gradient sums over them: db = dout.sum(axis=0).",
           ("db = dout.sum(axis=0)", "db = dout")),
    mutant(_AFF_B, "dx_not_reshaped",
           "dx is returned flattened, (N, D), instead of shaped like the input x.",
           "reshape it back: dx = (dout @ W.T).reshape(x.shape).",
           ("dx = (dout @ W.T).reshape(x.shape)", "dx = dout @ W.T")),

    # -- ReLU ------------------------------------------------------------------------------------
    mutant(_RELU_F, "modifies_input_in_place",
           "relu_forward zeroes the negative entries of x itself, so the caller's array (and the cache) change.",
           "build a new array: out = np.maximum(x, 0).",
           ("out = np.maximum(x, 0.0)", "out = x\n    out[out < 0] = 0.0")),
    mutant(_RELU_B, "mask_from_output",
           "the mask is taken from the ReLU's output with >= 0, which is true everywhere (the output is never "
           "negative), so the gradient flows even through units that were off.",
           "build the mask from the input with a strict comparison: dx = dout * (x > 0).",
           ("mask = x > 0", "mask = np.maximum(x, 0.0) >= 0")),
    mutant(_RELU_B, "non_strict_at_zero",
           "the mask uses x >= 0, so an input of exactly 0 passes the gradient; the kata's ReLU has derivative 0 at 0.",
           "use a strict comparison: mask = x > 0.",
           ("mask = x > 0", "mask = x >= 0")),
    mutant(_RELU_B, "upstream_ignored",
           "dx is the local derivative (the mask) alone; the upstream gradient dout is never multiplied in.",
           "apply the chain rule: dx = dout * (x > 0).",
           ("dx = dout * mask", "dx = mask * 1.0")),

    # -- sigmoid and tanh ---------------------------------------------------------------------------
    mutant(_SIG_F, "exp_sign_flipped",
           "the forward pass computes 1 / (1 + exp(x)), which is sigmoid(-x).",
           "the exponent is negative: out = 1 / (1 + np.exp(-x)).",
           ("np.exp(-x)", "np.exp(x)")),
    mutant(_SIG_B, "derivative_on_input",
           "the local derivative is computed as x * (1 - x) on the sigmoid's input, but the formula s * (1 - s) "
           "is in terms of its output s = sigmoid(x).",
           "cache the output in the forward pass and use dx = dout * s * (1 - s).",
           ("out = cache", "out = np.log(cache / (1.0 - cache))  # the input x, as if the cache held it")),
    mutant(_SIG_B, "sigmoid_applied_twice",
           "the sigmoid is applied again to the cached output, computing sigma(sigma(x)) * (1 - sigma(sigma(x))).",
           "the cache already holds s = sigmoid(x): use dx = dout * s * (1 - s) directly.",
           ("out = cache", "out = 1.0 / (1.0 + np.exp(-cache))")),
    mutant(_SIG_B, "upstream_ignored",
           "dx is the local derivative s * (1 - s) alone; the upstream gradient dout is never multiplied in.",
           "apply the chain rule: dx = dout * s * (1 - s).",
           ("dx = dout * out * (1.0 - out)", "dx = out * (1.0 - out)")),
    mutant(_TANH_B, "derivative_on_input",
           "the local derivative is computed as 1 - x**2 on tanh's input, but the formula 1 - t**2 is in terms "
           "of its output t = tanh(x).",
           "cache the output in the forward pass and use dx = dout * (1 - t**2).",
           ("out = cache", "out = np.arctanh(cache)  # the input x, as if the cache held it")),
    mutant(_TANH_B, "tanh_applied_twice",
           "tanh is applied again to the cached output, computing 1 - tanh(tanh(x))**2.",
           "the cache already holds t = tanh(x): use dx = dout * (1 - t**2) directly.",
           ("out = cache", "out = np.tanh(cache)")),

    # -- losses on scores ---------------------------------------------------------------------------
    mutant(_SM, "no_max_shift",
           "the scores are exponentiated without subtracting their maximum, so exp overflows on large scores.",
           "subtract each row's maximum first: scores - np.max(scores, axis=1, keepdims=True).",
           ("shifted = scores - np.max(scores, axis=1, keepdims=True)", "shifted = scores")),
    mutant(_SM, "global_max_shift",
           "one maximum over the whole batch is subtracted, so rows with much smaller scores underflow to exp = 0.",
           "shift each row by its own maximum: np.max(scores, axis=1, keepdims=True).",
           ("np.max(scores, axis=1, keepdims=True)", "np.max(scores)")),
    mutant(_SM, "log_of_softmax",
           "log-probabilities are computed as log(softmax), which underflows to log(0) = -inf for very unlikely classes.",
           "use the log-sum-exp form: shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True)).",
           ("log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))",
            "log_probs = np.log(np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True))")),
    mutant(_SM, "missing_minus_one",
           "dscores is the probabilities P instead of P minus the one-hot labels.",
           "subtract 1 at the correct classes: dscores[np.arange(N), y] -= 1.",
           ("    dscores[rows, y] -= 1.0\n", "")),
    mutant(_SM, "summed_not_averaged",
           "the loss and dscores are summed over the batch instead of averaged.",
           "divide both by the number of examples N.",
           ("-np.mean(log_probs[rows, y])", "-np.sum(log_probs[rows, y])"), ("    dscores /= num_examples\n", "")),
    mutant(_SM, "gradient_not_averaged",
           "the loss is averaged over the batch but dscores is not, so the gradient is N times too large.",
           "divide dscores by N as well: the gradient of a mean carries the 1/N.",
           ("    dscores /= num_examples\n", "")),
    mutant(_SVM, "hinge_counts_correct_class",
           "the hinge loss also counts the correct class, whose margin is always delta.",
           "zero the correct-class margins before summing: margins[np.arange(N), y] = 0.",
           ("    margins[rows, y] = 0.0  # j == y_i is not a competitor\n", "")),
    mutant(_SVM, "correct_column_sign_flipped",
           "the correct-class entries of dscores are +(number of positive margins) instead of minus.",
           "set dscores[np.arange(N), y] = -dscores.sum(axis=1).",
           ("dscores[rows, y] = -dscores.sum(axis=1)", "dscores[rows, y] = dscores.sum(axis=1)")),
    mutant(_SVM, "summed_not_averaged",
           "the loss and dscores are summed over the batch instead of averaged.",
           "divide both by the number of examples N.",
           ("loss = margins.sum() / num_examples", "loss = margins.sum()"), ("    dscores /= num_examples\n", "")),
    mutant(_SVM, "delta_ignored",
           "the margin is always 1: the delta argument is never used.",
           "use it in the margins: scores - correct_scores + delta.",
           ("+ delta)", "+ 1.0)")),

    # -- the affine-ReLU sandwich --------------------------------------------------------------------
    mutant(_AR_F, "relu_forgotten",
           "the ReLU is never applied: the layer returns the affine output.",
           "pass the affine output through relu_forward: out, relu_cache = relu_forward(a).",
           ("out, relu_cache = relu_forward(a)", "out, relu_cache = a, a")),
    mutant(_AR_B, "relu_backward_skipped",
           "the upstream gradient goes straight into affine_backward, skipping the ReLU's backward.",
           "undo the layers in reverse order: da = relu_backward(dout, relu_cache), then affine_backward(da, ...).",
           ("da = relu_backward(dout, relu_cache)", "da = dout")),

    # -- Value ------------------------------------------------------------------------------------
    mutant(_VALUE, "grads_assigned",
           "the _backward closures assign gradients (grad = ...) instead of adding to them, so a value used "
           "more than once keeps only its last contribution.",
           "accumulate in every _backward: operand.grad += local_derivative * out.grad.",
           *((old, old.replace(" += ", " = ")) for old in _VALUE_ACCUMULATIONS)),
    mutant(_VALUE, "not_topological",
           "backward() runs the nodes in depth-first pre-order, so a node shared by two paths (a diamond) passes "
           "its gradient on before every path has reached it.",
           "append each node after all of its children in the depth-first search, then run the list reversed.",
           ("                    visit(child)\n                order.append(node)  # after all of its operands: a topological order\n",
            "                    visit(child)\n"),
           ("                visited.add(node)\n",
            "                visited.add(node)\n                order.append(node)  # before its operands\n"),
           ("for node in reversed(order):", "for node in order:")),
    mutant(_VALUE, "no_visited_set",
           "the topological sort keeps no visited set, so a node reached along several paths runs its _backward "
           "several times and its operands get the gradient more than once.",
           "remember the visited nodes in a set and append each node to the order only once.",
           ("if node not in visited:", "if True:")),
    mutant(_VALUE, "seed_missing",
           "backward() never sets the output's grad to 1.0, so every gradient stays 0.",
           "seed the pass with self.grad = 1.0 before running the _backward closures.",
           ("        self.grad = 1.0  # dL/dL\n", "")),
    mutant(_VALUE, "tanh_derivative_on_input",
           "tanh's local derivative is 1 - x**2 on its input instead of 1 - t**2 on its output t = tanh(x).",
           "square the output: self.grad += (1 - t**2) * out.grad.",
           ("(1.0 - t ** 2)", "(1.0 - self.data ** 2)")),
    mutant(_VALUE, "relu_non_strict_at_zero",
           "relu's local derivative is 1 at exactly 0; the kata's ReLU has derivative 0 there.",
           "use a strict comparison: 1.0 if self.data > 0 else 0.0.",
           ("(1.0 if self.data > 0 else 0.0)", "(1.0 if self.data >= 0 else 0.0)")),
]


# -- probes: the day's catalog probes (tests/probes/day03_backprop.py) tell the mistakes apart --
PROBES = {
    _AFF_F: probes.catalog_affine_forward,
    _AFF_B: probes.catalog_affine_backward,
    _RELU_F: probes.catalog_relu_forward,
    _RELU_B: probes.catalog_relu_backward,
    _SIG_F: probes.catalog_sigmoid_forward,
    _SIG_B: probes.catalog_sigmoid_backward,
    "day03.tanh_forward": probes.catalog_tanh_forward,
    _TANH_B: probes.catalog_tanh_backward,
    _SM: probes.catalog_softmax_loss,
    _SVM: probes.catalog_svm_loss,
    _AR_F: probes.catalog_affine_relu_forward,
    _AR_B: probes.catalog_affine_relu_backward,
    _VALUE: probes.catalog_value,
}
