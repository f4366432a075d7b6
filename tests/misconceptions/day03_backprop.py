"""Known-buggy versions of Day 3, planted as patches of solutions/day03_backprop.py."""
from grader.catalog import Mutant
from tests.probes import day03_backprop as probes

_AFF_F, _AFF_B = "day03.affine_forward", "day03.affine_backward"
_RELU_F, _RELU_B = "day03.relu_forward", "day03.relu_backward"
_SIG_F, _SIG_B = "day03.sigmoid_forward", "day03.sigmoid_backward"
_TANH_F, _TANH_B = "day03.tanh_forward", "day03.tanh_backward"
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
#: The reference sigmoid_forward's stable line, which the overflow-prone mutants replace.
_STABLE_SIGMOID = "out = np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))"

MUTANTS = [
    # -- affine layer ----------------------------------------------------------------------------
    Mutant(exercise=_AFF_F, id="bias_forgotten",
           mistake="the bias b is not added to the output.",
           fix="out = x.reshape(N, -1) @ W + b.",
           patch=[("out = x_flat @ W + b", "out = x_flat @ W")]),
    Mutant(exercise=_AFF_B, id="db_not_summed",
           mistake="db is the (N, M) upstream gradient itself instead of its sum over the batch.",
           fix="b was added to every example, so its gradient sums over them: db = dout.sum(axis=0).",
           patch=[("db = dout.sum(axis=0)", "db = dout")]),
    Mutant(exercise=_AFF_B, id="db_wrong_axis",
           mistake="db sums dout over the classes (axis 1), giving one number per example instead of one per "
                   "output unit.",
           fix="sum over the batch, the first axis: db = dout.sum(axis=0), shaped like b (M,).",
           patch=[("db = dout.sum(axis=0)", "db = dout.sum(axis=1)")]),
    Mutant(exercise=_AFF_B, id="dW_averaged",
           mistake="dW is divided by the batch size N: the layer averages, although the loss already did.",
           fix="a layer's backward only applies the chain rule: dW = x_flat.T @ dout, with no 1/N.",
           patch=[("dW = x_flat.T @ dout", "dW = x_flat.T @ dout / x.shape[0]")]),
    Mutant(exercise=_AFF_B, id="dx_not_reshaped",
           mistake="dx is returned flattened, (N, D), instead of shaped like the input x.",
           fix="reshape it back: dx = (dout @ W.T).reshape(x.shape).",
           patch=[("dx = (dout @ W.T).reshape(x.shape)", "dx = dout @ W.T")]),

    # -- ReLU ------------------------------------------------------------------------------------
    Mutant(exercise=_RELU_F, id="modifies_input_in_place",
           mistake="relu_forward zeroes the negative entries of x itself, so the caller's array (and the cache) "
                   "change.",
           fix="build a new array: out = np.maximum(x, 0).",
           patch=[("out = np.maximum(x, 0.0)", "out = x\n    out[out < 0] = 0.0")]),
    Mutant(exercise=_RELU_F, id="max_instead_of_maximum",
           mistake="np.max(x, 0) is used, which reduces x along axis 0 to the largest entry of each column, instead "
                   "of the elementwise maximum with 0.",
           fix="use np.maximum(x, 0), elementwise, shaped like x.",
           patch=[("out = np.maximum(x, 0.0)", "out = np.max(x, 0)")]),
    Mutant(exercise=_RELU_B, id="mask_from_output",
           mistake="the mask is taken from the ReLU's output with >= 0, which is true everywhere (the output is never "
                   "negative), so the gradient flows even through units that were off.",
           fix="build the mask from the input with a strict comparison: dx = dout * (x > 0).",
           patch=[("mask = x > 0", "mask = np.maximum(x, 0.0) >= 0")]),
    Mutant(exercise=_RELU_B, id="non_strict_at_zero",
           mistake="the mask uses x >= 0, so an input of exactly 0 passes the gradient; the kata's ReLU has "
                   "derivative 0 at 0.",
           fix="use a strict comparison: mask = x > 0.",
           patch=[("mask = x > 0", "mask = x >= 0")]),
    Mutant(exercise=_RELU_B, id="upstream_ignored",
           mistake="dx is the local derivative (the mask) alone; the upstream gradient dout is never multiplied in.",
           fix="apply the chain rule: dx = dout * (x > 0).",
           patch=[("dx = dout * mask", "dx = mask * 1.0")]),

    # -- sigmoid and tanh ---------------------------------------------------------------------------
    Mutant(exercise=_SIG_F, id="exp_sign_flipped",
           mistake="the forward pass computes 1 / (1 + exp(x)), which is sigmoid(-x).",
           fix="the exponent is negative, sigma(x) = 1 / (1 + exp(-x)); compute it with z = exp(-|x|) so that "
               "nothing overflows.",
           patch=[(_STABLE_SIGMOID, "out = 1.0 / (1.0 + np.exp(x))")]),
    Mutant(exercise=_SIG_F, id="naive_overflow",
           mistake="sigmoid is computed as 1 / (1 + exp(-x)), and exp(-x) overflows to inf (with a warning) for "
                   "x = -1000.",
           fix="exponentiate only -|x|: with z = exp(-|x|), use 1 / (1 + z) where x >= 0 and z / (1 + z) where x < 0.",
           patch=[(_STABLE_SIGMOID, "out = 1.0 / (1.0 + np.exp(-x))")]),
    Mutant(exercise=_SIG_F, id="exp_ratio_nan",
           mistake="sigmoid is computed as exp(x) / (1 + exp(x)), which is inf / inf = nan for x = 1000.",
           fix="use that form only where x < 0, and 1 / (1 + exp(-x)) where x >= 0 (or z = exp(-|x|) for both).",
           patch=[(_STABLE_SIGMOID, "out = np.exp(x) / (1.0 + np.exp(x))")]),
    Mutant(exercise=_SIG_B, id="derivative_on_input",
           mistake="the local derivative is computed as x * (1 - x) on the sigmoid's input, but the formula "
                   "s * (1 - s) is in terms of its output s = sigmoid(x).",
           fix="cache the output in the forward pass and use dx = dout * s * (1 - s).",
           patch=[("out = cache", "out = np.log(cache / (1.0 - cache))  # the input x, as if the cache held it")]),
    Mutant(exercise=_SIG_B, id="sigmoid_applied_twice",
           mistake="the sigmoid is applied again to the cached output, computing "
                   "sigma(sigma(x)) * (1 - sigma(sigma(x))).",
           fix="the cache already holds s = sigmoid(x): use dx = dout * s * (1 - s) directly.",
           patch=[("out = cache", "out = 1.0 / (1.0 + np.exp(-cache))")]),
    Mutant(exercise=_SIG_B, id="upstream_ignored",
           mistake="dx is the local derivative s * (1 - s) alone; the upstream gradient dout is never multiplied in.",
           fix="apply the chain rule: dx = dout * s * (1 - s).",
           patch=[("dx = dout * out * (1.0 - out)", "dx = out * (1.0 - out)")]),
    Mutant(exercise=_TANH_F, id="naive_overflow",
           mistake="tanh is computed as (e^x - e^-x) / (e^x + e^-x), which overflows to inf / inf = nan (with a "
                   "warning) for large |x|.",
           fix="use np.tanh, which is exact and stable for every x.",
           patch=[("out = np.tanh(x)", "out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))")]),
    Mutant(exercise=_TANH_F, id="exp2x_overflow",
           mistake="tanh is computed as (e^(2x) - 1) / (e^(2x) + 1), which overflows to inf / inf = nan (with a "
                   "warning) for large positive x.",
           fix="use np.tanh, which is exact and stable for every x.",
           patch=[("out = np.tanh(x)", "out = (np.exp(2 * x) - 1.0) / (np.exp(2 * x) + 1.0)")]),
    Mutant(exercise=_TANH_B, id="derivative_on_input",
           mistake="the local derivative is computed as 1 - x**2 on tanh's input, but the formula 1 - t**2 is in terms "
                   "of its output t = tanh(x).",
           fix="cache the output in the forward pass and use dx = dout * (1 - t**2).",
           patch=[("out = cache", "out = np.arctanh(cache)  # the input x, as if the cache held it")]),
    Mutant(exercise=_TANH_B, id="tanh_applied_twice",
           mistake="tanh is applied again to the cached output, computing 1 - tanh(tanh(x))**2.",
           fix="the cache already holds t = tanh(x): use dx = dout * (1 - t**2) directly.",
           patch=[("out = cache", "out = np.tanh(cache)")]),
    Mutant(exercise=_TANH_B, id="upstream_ignored",
           mistake="dx is the local derivative 1 - t**2 alone; the upstream gradient dout is never multiplied in.",
           fix="apply the chain rule: dx = dout * (1 - t**2).",
           patch=[("dx = dout * (1.0 - out ** 2)", "dx = 1.0 - out ** 2")]),

    # -- losses on scores ---------------------------------------------------------------------------
    Mutant(exercise=_SM, id="no_max_shift",
           mistake="the scores are exponentiated without subtracting their maximum, so exp overflows on large scores.",
           fix="subtract each row's maximum first: scores - np.max(scores, axis=1, keepdims=True).",
           patch=[("shifted = scores - np.max(scores, axis=1, keepdims=True)", "shifted = scores")]),
    Mutant(exercise=_SM, id="global_max_shift",
           mistake="one maximum over the whole batch is subtracted, so rows with much smaller scores underflow to "
                   "exp = 0.",
           fix="shift each row by its own maximum: np.max(scores, axis=1, keepdims=True).",
           patch=[("np.max(scores, axis=1, keepdims=True)", "np.max(scores)")]),
    Mutant(exercise=_SM, id="log_of_softmax",
           mistake="log-probabilities are computed as log(softmax), which underflows to log(0) = -inf for very "
                   "unlikely classes.",
           fix="use the log-sum-exp form: shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True)).",
           patch=[("log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))",
                   "log_probs = np.log(np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True))")]),
    Mutant(exercise=_SM, id="missing_minus_one",
           mistake="dscores is the probabilities P instead of P minus the one-hot labels.",
           fix="subtract 1 at the correct classes: dscores[np.arange(N), y] -= 1.",
           patch=[("    dscores[rows, y] -= 1.0\n", "")]),
    Mutant(exercise=_SM, id="summed_not_averaged",
           mistake="the loss and dscores are summed over the batch instead of averaged.",
           fix="divide both by the number of examples N.",
           patch=[("-np.mean(log_probs[rows, y])", "-np.sum(log_probs[rows, y])"),
                  ("    dscores /= num_examples\n", "")]),
    Mutant(exercise=_SM, id="gradient_not_averaged",
           mistake="the loss is averaged over the batch but dscores is not, so the gradient is N times too large.",
           fix="divide dscores by N as well: the gradient of a mean carries the 1/N.",
           patch=[("    dscores /= num_examples\n", "")]),
    Mutant(exercise=_SVM, id="hinge_counts_correct_class",
           mistake="the hinge loss also counts the correct class, whose margin is always delta.",
           fix="zero the correct-class margins before summing: margins[np.arange(N), y] = 0.",
           patch=[("    margins[rows, y] = 0.0  # j == y_i is not a competitor\n", "")]),
    Mutant(exercise=_SVM, id="correct_column_sign_flipped",
           mistake="the correct-class entries of dscores are +(number of positive margins) instead of minus.",
           fix="set dscores[np.arange(N), y] = -dscores.sum(axis=1).",
           patch=[("dscores[rows, y] = -dscores.sum(axis=1)", "dscores[rows, y] = dscores.sum(axis=1)")]),
    Mutant(exercise=_SVM, id="summed_not_averaged",
           mistake="the loss and dscores are summed over the batch instead of averaged.",
           fix="divide both by the number of examples N.",
           patch=[("loss = margins.sum() / num_examples", "loss = margins.sum()"),
                  ("    dscores /= num_examples\n", "")]),
    Mutant(exercise=_SVM, id="delta_ignored",
           mistake="the margin is always 1: the delta argument is never used.",
           fix="use it in the margins: scores - correct_scores + delta.",
           patch=[("+ delta)", "+ 1.0)")]),
    Mutant(exercise=_SVM, id="zero_margin_counted",
           mistake="the gradient mask is taken from the raw margins with >= 0, so a margin of exactly 0 (which adds "
                   "nothing to the loss) still passes a gradient.",
           fix="count only positive margins: dscores = (margins > 0), with the correct class excluded.",
           patch=[("dscores = (margins > 0).astype(scores.dtype)",
                   "dscores = (scores - correct_scores + delta >= 0).astype(scores.dtype)\n"
                   "    dscores[rows, y] = 0.0")]),

    Mutant(exercise=_SVM, id="every_class_counted",
           mistake="the gradient mask is margins >= 0, taken after np.maximum(0, ...), which is true for every class "
                   "(the clear ones and the correct class too).",
           fix="count only positive margins: dscores = (margins > 0), with the correct class's margin set to 0.",
           patch=[("dscores = (margins > 0).astype(scores.dtype)", "dscores = (margins >= 0).astype(scores.dtype)")]),

    # -- the affine-ReLU sandwich --------------------------------------------------------------------
    Mutant(exercise=_AR_F, id="relu_forgotten",
           mistake="the ReLU is never applied: the layer returns the affine output.",
           fix="pass the affine output through relu_forward: out, relu_cache = relu_forward(a).",
           patch=[("out, relu_cache = relu_forward(a)", "out, relu_cache = a, a")]),
    Mutant(exercise=_AR_F, id="relu_before_affine",
           mistake="the ReLU is applied to the input x, before the affine layer, instead of to the affine output.",
           fix="affine first, then ReLU: a, affine_cache = affine_forward(x, W, b); out, relu_cache = relu_forward(a).",
           patch=[("    a, affine_cache = affine_forward(x, W, b)\n    out, relu_cache = relu_forward(a)\n",
                   "    r, relu_cache = relu_forward(x)\n    out, affine_cache = affine_forward(r, W, b)\n")]),
    Mutant(exercise=_AR_B, id="relu_backward_skipped",
           mistake="the upstream gradient goes straight into affine_backward, skipping the ReLU's backward.",
           fix="undo the layers in reverse order: da = relu_backward(dout, relu_cache), then affine_backward(da, ...).",
           patch=[("da = relu_backward(dout, relu_cache)", "da = dout")]),

    # -- Value ------------------------------------------------------------------------------------
    Mutant(exercise=_VALUE, id="grads_assigned",
           mistake="the _backward closures assign gradients (grad = ...) instead of adding to them, so a value used "
                   "more than once keeps only its last contribution.",
           fix="accumulate in every _backward: operand.grad += local_derivative * out.grad.",
           patch=[(old, old.replace(" += ", " = ")) for old in _VALUE_ACCUMULATIONS]),
    Mutant(exercise=_VALUE, id="not_topological",
           mistake="backward() runs the nodes in depth-first pre-order, so a node shared by two paths (a diamond) "
                   "passes its gradient on before every path has reached it.",
           fix="append each node after all of its children in the depth-first search, then run the list reversed.",
           patch=[("                    visit(child)\n                order.append(node)  # after all of its operands: "
                   "a topological order\n", "                    visit(child)\n"),
                  ("                visited.add(node)\n",
                   "                visited.add(node)\n                order.append(node)  # before its operands\n"),
                  ("for node in reversed(order):", "for node in order:")]),
    Mutant(exercise=_VALUE, id="order_not_reversed",
           mistake="backward() runs the topological order as built, leaves first, so every node's _backward runs "
                   "before its users have given it any gradient; only the output's operands receive one.",
           fix="run the nodes in reversed(order): the output first, each node after all of its users.",
           patch=[("for node in reversed(order):", "for node in order:")]),
    Mutant(exercise=_VALUE, id="no_visited_set",
           mistake="the topological sort keeps no visited set, so a node reached along several paths runs its "
                   "_backward several times and its operands get the gradient more than once.",
           fix="remember the visited nodes in a set and append each node to the order only once.",
           patch=[("if node not in visited:", "if True:")]),
    Mutant(exercise=_VALUE, id="seed_missing",
           mistake="backward() never sets the output's grad to 1.0, so every gradient stays 0.",
           fix="seed the pass with self.grad = 1.0 before running the _backward closures.",
           patch=[("        self.grad = 1.0  # dL/dL\n", "")]),
    Mutant(exercise=_VALUE, id="mul_upstream_ignored",
           mistake="__mul__'s _backward adds the local derivatives (the other operand) without multiplying them by "
                   "out.grad, so the chain rule breaks wherever a product feeds another operation.",
           fix="self.grad += other.data * out.grad and other.grad += self.data * out.grad.",
           patch=[("self.grad += other.data * out.grad", "self.grad += other.data"),
                  ("other.grad += self.data * out.grad", "other.grad += self.data")]),
    Mutant(exercise=_VALUE, id="mul_operands_swapped",
           mistake="__mul__ gives each operand its own value as derivative; d(a * b)/da is the other operand, b.",
           fix="self.grad += other.data * out.grad and other.grad += self.data * out.grad.",
           patch=[("self.grad += other.data * out.grad", "self.grad += self.data * out.grad"),
                  ("other.grad += self.data * out.grad", "other.grad += other.data * out.grad")]),
    Mutant(exercise=_VALUE, id="pow_exponent_not_decremented",
           mistake="the derivative of x**k is computed as k * x**k instead of k * x**(k - 1).",
           fix="lower the exponent by one: self.grad += k * self.data ** (k - 1) * out.grad.",
           patch=[("exponent * self.data ** (exponent - 1)", "exponent * self.data ** exponent")]),
    Mutant(exercise=_VALUE, id="rsub_reversed",
           mistake="__rsub__ computes self - other, so 1 - a gives a - 1; in __rsub__(self, other) the plain "
                   "number other stands on the left.",
           fix="return other - self, for example (-self) + other.",
           patch=[("return (-self) + other", "return self + (-other)")]),
    Mutant(exercise=_VALUE, id="rtruediv_reversed",
           mistake="__rtruediv__ computes self / other, so 2 / a gives a / 2; in __rtruediv__(self, other) the "
                   "plain number other stands on the left.",
           fix="return other / self, for example self ** -1 * other.",
           patch=[("return self ** -1 * other", "return self * other ** -1")]),
    Mutant(exercise=_VALUE, id="tanh_overflow",
           mistake="tanh is computed as (exp(2x) - 1) / (exp(2x) + 1), and math.exp overflows (OverflowError) for "
                   "x above about 355.",
           fix="use math.tanh, exact for every x: tanh(1000) is 1.0.",
           patch=[("t = math.tanh(self.data)",
                   "t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)")]),
    Mutant(exercise=_VALUE, id="tanh_derivative_on_input",
           mistake="tanh's local derivative is 1 - x**2 on its input instead of 1 - t**2 on its output t = tanh(x).",
           fix="square the output: self.grad += (1 - t**2) * out.grad.",
           patch=[("(1.0 - t ** 2)", "(1.0 - self.data ** 2)")]),
    Mutant(exercise=_VALUE, id="log_epsilon",
           mistake="log adds a small epsilon to its input, so the logarithm (and its derivative) of a tiny positive "
                   "number is far off: log(1e-300) becomes about log(1e-12).",
           fix="take the exact math.log(x), with derivative 1 / x: float64 holds log(1e-300) and 1e300.",
           patch=[("out = Value(math.log(self.data), (self,), 'log')",
                   "out = Value(math.log(self.data + 1e-12), (self,), 'log')"),
                  ("self.grad += out.grad / self.data", "self.grad += out.grad / (self.data + 1e-12)")]),
    Mutant(exercise=_VALUE, id="relu_non_strict_at_zero",
           mistake="relu's local derivative is 1 at exactly 0; the kata's ReLU has derivative 0 there.",
           fix="use a strict comparison: 1.0 if self.data > 0 else 0.0.",
           patch=[("(1.0 if self.data > 0 else 0.0)", "(1.0 if self.data >= 0 else 0.0)")]),
    Mutant(exercise=_VALUE, id="relu_mask_from_output",
           mistake="relu's local derivative tests its output with >= 0, which is always true (the output is never "
                   "negative), so the gradient flows even where the input was negative.",
           fix="test the input, strictly: 1.0 if self.data > 0 else 0.0.",
           patch=[("(1.0 if self.data > 0 else 0.0)", "(1.0 if out.data >= 0 else 0.0)")]),
]


# -- probes: the day's catalog probes (tests/probes/day03_backprop.py) tell the mistakes apart --
PROBES = {
    _AFF_F: probes.catalog_affine_forward,
    _AFF_B: probes.catalog_affine_backward,
    _RELU_F: probes.catalog_relu_forward,
    _RELU_B: probes.catalog_relu_backward,
    _SIG_F: probes.catalog_sigmoid_forward,
    _SIG_B: probes.catalog_sigmoid_backward,
    _TANH_F: probes.catalog_tanh_forward,
    _TANH_B: probes.catalog_tanh_backward,
    _SM: probes.catalog_softmax_loss,
    _SVM: probes.catalog_svm_loss,
    _AR_F: probes.catalog_affine_relu_forward,
    _AR_B: probes.catalog_affine_relu_backward,
    _VALUE: probes.catalog_value,
}

#: Every exercise of the day has a catalogued mistake.
NO_MUTANT: dict = {}
