"""Day 3 probes: they run in the sandboxed worker, beside the learner's day03_backprop module.

The ``Value`` expressions are defined here, once, so that both sides use the same ones: the
worker builds them from the learner's ``Value`` (with :class:`ValueOps`), and the judge
evaluates them on plain floats (its own ``FloatOps``) to get the numerical derivatives. Every
expression is a function ``expr(o, *leaves)``, where ``o`` supplies ``exp``, ``log``,
``tanh`` and ``relu``; the operators work the same on Values and floats.
"""
import numpy as np


# -- the expressions, shared with the judge -------------------------------------------------
class ValueOps:
    """The operations of an expression, called as methods of the learner's Value."""
    exp = staticmethod(lambda v: v.exp())
    log = staticmethod(lambda v: v.log())
    tanh = staticmethod(lambda v: v.tanh())
    relu = staticmethod(lambda v: v.relu())


#: One expression per operator, with plain numbers on either side; a = 0.7, b = -1.3. Most multiply by
#: another Value, so the operator's _backward sees an out.grad other than 1 (the chain rule shows).
OPERATOR_EXPRESSIONS = {
    "a + b": lambda o, a, b: a + b,
    "a - b": lambda o, a, b: a - b,
    "a * b": lambda o, a, b: a * b,
    "a / b": lambda o, a, b: a / b,
    "a ** 3 + b": lambda o, a, b: a ** 3 + b,
    "b ** 2 * a ** -0.5": lambda o, a, b: b ** 2 * a ** -0.5,
    "-a * b": lambda o, a, b: -a * b,
    "(a + 2) * (3 + b)": lambda o, a, b: (a + 2) * (3 + b),
    "(a - 2) * (3 - b)": lambda o, a, b: (a - 2) * (3 - b),
    "2 * a + (b * 3) * a": lambda o, a, b: 2 * a + (b * 3) * a,
    "(a / 4) * (2 / b)": lambda o, a, b: (a / 4) * (2 / b),
    "exp(a) * b": lambda o, a, b: o.exp(a) * b,
    "log(a) * b": lambda o, a, b: o.log(a) * b,
    "tanh(a) * b": lambda o, a, b: o.tanh(a) * b,
    "relu(a) * 2 + relu(b) * a": lambda o, a, b: o.relu(a) * 2 + o.relu(b) * a,
}


def node_used_several_times(o, a, b):
    d = a * b
    return d + d * d + o.tanh(d) - d / 3


def diamond(o, x, y):
    # a feeds both b and c, which meet again in d: a diamond around an inner node.
    a = x * y
    b = a + 1
    c = o.tanh(a)
    return b * c


#: Every named expression a check can ask for, by id.
EXPRESSIONS = dict(OPERATOR_EXPRESSIONS, node_used_several_times=node_used_several_times, diamond=diamond)

#: Building blocks of the random expressions: safe on every real input (log and division see
#: only positive numbers, exp only non-positive ones).
RANDOM_OPS = [
    ("{a} + {b}", lambda o, a, b: a + b),
    ("{a} - {b}", lambda o, a, b: a - b),
    ("{a} * {b}", lambda o, a, b: a * b),
    ("{a} / (1 + {b} * {b})", lambda o, a, b: a / (1 + b * b)),
    ("2.0 / (1.0 + {a} * {a})", lambda o, a, b: 2.0 / (1.0 + a * a)),
    ("1.5 - {a}", lambda o, a, b: 1.5 - a),
    ("0.5 * {a} + {b} / 4", lambda o, a, b: 0.5 * a + b / 4),
    ("{a} ** 2 - {b}", lambda o, a, b: a ** 2 - b),
    ("({a} * {a} + 1) ** 0.5", lambda o, a, b: (a * a + 1) ** 0.5),
    ("-{a}", lambda o, a, b: -a),
    ("exp(-({a} * {a}))", lambda o, a, b: o.exp(-(a * a))),
    ("log({a} * {a} + 1)", lambda o, a, b: o.log(a * a + 1)),
    ("tanh({a})", lambda o, a, b: o.tanh(a)),
    ("relu({a}) + {b}", lambda o, a, b: o.relu(a) + b),
]


def random_program(seed, num_leaves=3, num_steps=10):
    """A random program over the leaves as plain data, its text, and the point to evaluate it at.

    ``program`` is a list of ``[op, i, j]``: node ``num_leaves + k`` is ``RANDOM_OPS[op]`` of
    nodes ``i`` and ``j``. The first operand of each step comes from the latest nodes and the
    second from any node, so nodes get reused and paths split and meet again (diamonds).
    """
    gen = np.random.default_rng(seed)
    program = []
    for step in range(num_steps):
        size = num_leaves + step
        low = max(0, size - 4)
        program.append([int(gen.integers(len(RANDOM_OPS))), int(gen.integers(low, size)), int(gen.integers(size))])
    point = tuple(float(v) for v in gen.uniform(-1.5, 1.5, num_leaves))
    labels = list("abc"[:num_leaves]) + [f"n{k}" for k in range(1, num_steps + 1)]
    text = "; ".join(f"{labels[num_leaves + k]} = " + RANDOM_OPS[op][0].format(a=labels[i], b=labels[j])
                     for k, (op, i, j) in enumerate(program))
    text += f"; out = {labels[-1]} * {labels[-2]} + {labels[-3]}"
    return program, point, text


def run_program(o, program, leaves):
    """The value of a random program (see :func:`random_program`) at ``leaves``."""
    nodes = list(leaves)
    for op, i, j in program:
        nodes.append(RANDOM_OPS[op][1](o, nodes[i], nodes[j]))
    return nodes[-1] * nodes[-2] + nodes[-3]


def expression(description):
    """``expr(o, *leaves)`` for an expression id of :data:`EXPRESSIONS` or a random program (a list)."""
    if isinstance(description, str):
        return EXPRESSIONS[description]
    program = [list(step) for step in description]
    return lambda o, *leaves: run_program(o, program, leaves)


# -- for the checks: Value --------------------------------------------------------------------
def value_expression(day03, description, point, backward=True):
    """Build an expression from learner Values at ``point`` and (unless told not to) call backward().

    Returns the type of the result, its ``data``, and every leaf's ``grad`` after backward(),
    as the learner's code left them (the judge reads them).
    """
    leaves = [day03.Value(v) for v in point]
    out = expression(description)(ValueOps, *leaves)
    found = {"type": type(out).__name__, "is_value": isinstance(out, day03.Value)}
    if not found["is_value"]:
        return found
    found["data"] = out.data
    if backward:
        out.backward()
        found["grads"] = [leaf.grad for leaf in leaves]
    return found


def value_leaf(day03, x):
    """A fresh leaf's data and grad."""
    a = day03.Value(x)
    return {"data": a.data, "grad": a.grad}


def value_product(day03, x, y):
    """out = a * b, then out.backward(): the gradients of out, a and b."""
    a, b = day03.Value(x), day03.Value(y)
    out = a * b
    out.backward()
    return {"out.grad": out.grad, "a.grad": a.grad, "b.grad": b.grad}


def value_reused_node(day03, x):
    """b = a + a; c = b * b; c.backward(): c's data and the gradients of b and a."""
    a = day03.Value(x)
    b = a + a
    c = b * b
    c.backward()
    return {"c.data": c.data, "b.grad": b.grad, "a.grad": a.grad}


def value_relu(day03, x):
    """relu(a).backward() at a = x: the output's data and a's grad."""
    a = day03.Value(x)
    out = a.relu()
    out.backward()
    return {"data": out.data, "grad": a.grad}


def value_graph_record(day03):
    """What c = a * b records: its operands in _prev (named "a", "b", or by type), its _op, a leaf's _prev."""
    a, b = day03.Value(2.0), day03.Value(5.0)
    c = a * b
    prev = _members(getattr(c, "_prev", None), {id(a): "a", id(b): "b"})
    leaf_prev = _members(getattr(a, "_prev", ()), {})
    op = getattr(c, "_op", None)
    return {"c._prev": prev, "a._prev": leaf_prev, "c._op": op if isinstance(op, str) else None}


def _members(children, names):
    """The members of a _prev, each by name or by type; None when there is none; its type when not iterable."""
    if children is None:
        return None
    try:
        members = tuple(children)
    except TypeError:
        return type(children).__name__
    return [names.get(id(v), type(v).__name__) for v in members]


# -- for the checks: layers ------------------------------------------------------------------------
def inputs_after_forward_backward(day03, kind, inputs, dout):
    """``{kind}_forward(*inputs)`` then ``{kind}_backward(dout, cache)`` on the same objects,
    as a network would call them: the inputs and dout afterwards (a cache shares the inputs).
    When the forward pass does not return a pair, what it returned, under ``"forward returned"``."""
    result = getattr(day03, f"{kind}_forward")(*inputs)
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        return {"forward returned": result}
    getattr(day03, f"{kind}_backward")(dout, result[1])
    return {"inputs": list(inputs), "dout": dout}


# -- for the figure ------------------------------------------------------------------------------
def neuron_graph(day03):
    """out = tanh(x1*w1 + x2*w2 + b) (the classic micrograd neuron, out = 1/sqrt(2)) after out.backward().

    Its graph as plain data: ``nodes`` in topological order (operands first), each with its
    name, ``_op``, data and grad, and ``edges`` as (operand index, user index) pairs, read
    through ``_prev``; ``output`` is the index of out. ``_prev`` missing: ``{"prev_missing": True}``.
    """
    V = day03.Value
    x1, x2 = V(2.0), V(0.0)
    w1, w2 = V(-3.0), V(1.0)
    b = V(6.8813735870195432)
    x1w1, x2w2 = x1 * w1, x2 * w2
    total = x1w1 + x2w2
    n = total + b
    out = n.tanh()
    out.backward()
    named = [(x1, "x1"), (x2, "x2"), (w1, "w1"), (w2, "w2"), (b, "b"), (x1w1, "x1*w1"), (x2w2, "x2*w2"),
             (total, "x1*w1 + x2*w2"), (n, "n"), (out, "out = tanh(n)")]
    names = {id(v): name for v, name in named}  # keyed by id: a Value need not be hashable
    if not hasattr(out, "_prev"):
        return {"prev_missing": True}
    order, index, pairs = [], {}, []

    def visit(node):
        if id(node) in index:
            return
        index[id(node)] = None
        for child in node._prev:
            pairs.append((child, node))
            visit(child)
        index[id(node)] = len(order)
        order.append(node)
    visit(out)
    nodes = [{"name": names.get(id(node), ""), "op": str(getattr(node, "_op", "") or ""),
              "data": node.data, "grad": node.grad} for node in order]
    edges = sorted({(index[id(child)], index[id(user)]) for child, user in pairs})
    return {"nodes": nodes, "edges": [list(e) for e in edges], "output": index[id(out)]}


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart --------------------------
def _affine_inputs(seed=13):
    gen = np.random.default_rng(seed)
    return gen.standard_normal((3, 2, 2)), gen.standard_normal((4, 5)), gen.standard_normal(5), gen.standard_normal((3, 5))


def catalog_affine_forward(day03):
    x, W, b, _ = _affine_inputs()
    out, _ = day03.affine_forward(x, W, b)
    return {"out": out}


def catalog_affine_backward(day03):
    x, W, b, dout = _affine_inputs()
    _, cache = day03.affine_forward(x, W, b)
    dx, dW, db = day03.affine_backward(dout, cache)
    return {"dx": dx, "dW": dW, "db": db}


def _activation_inputs():
    """Exact zeros, negatives and positives, as in the checks."""
    x = np.array([[-1.5, 0.0, 2.0, 0.3], [0.0, 3.0, -0.5, -2.0]])
    dout = np.array([[1.0, 2.0, 3.0, -1.0], [4.0, 5.0, 6.0, 0.5]])
    return x, dout


def _forward_outputs(day03, name):
    x, _ = _activation_inputs()
    out, _ = getattr(day03, f"{name}_forward")(x)
    return {"out": np.array(out, copy=True), "x after the call": x}


def _backward_outputs(day03, name):
    x, dout = _activation_inputs()
    _, cache = getattr(day03, f"{name}_forward")(x)
    return {"dx": getattr(day03, f"{name}_backward")(dout, cache)}


def catalog_relu_forward(day03):
    return _forward_outputs(day03, "relu")


def catalog_sigmoid_forward(day03):
    return _forward_outputs(day03, "sigmoid")


def catalog_tanh_forward(day03):
    return _forward_outputs(day03, "tanh")


def catalog_relu_backward(day03):
    return _backward_outputs(day03, "relu")


def catalog_sigmoid_backward(day03):
    return _backward_outputs(day03, "sigmoid")


def catalog_tanh_backward(day03):
    return _backward_outputs(day03, "tanh")


def catalog_softmax_loss(day03):
    gen = np.random.default_rng(21)
    scores, y = gen.standard_normal((5, 4)), gen.integers(0, 4, 5)
    loss, dscores = day03.softmax_loss(scores, y)
    out = {"loss": loss, "dscores": dscores}
    big = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    # No shift overflows everywhere; one global shift underflows the small row; log(softmax)
    # underflows only for the unlikely class 2 of the large row.
    with np.errstate(all="ignore"):
        out["loss on [[1000, 0, -1000], [1, 2, 3]], y = [2, 0]"] = day03.softmax_loss(big, np.array([2, 0]))[0]
        out["loss on [1000, 0, -1000], y = 0"] = day03.softmax_loss(big[:1], np.array([0]))[0]
        out["loss on [1000, 0, -1000], y = 2"] = day03.softmax_loss(big[:1], np.array([2]))[0]
    return out


def catalog_svm_loss(day03):
    gen = np.random.default_rng(22)
    scores, y = gen.standard_normal((5, 4)), gen.integers(0, 4, 5)
    loss, dscores = day03.svm_loss(scores, y)
    loss2, dscores2 = day03.svm_loss(scores, y, delta=2.0)
    return {"loss": loss, "dscores": dscores, "loss with delta 2": loss2, "dscores with delta 2": dscores2}


def catalog_affine_relu_forward(day03):
    x, W, b, _ = _affine_inputs()
    out, _ = day03.affine_relu_forward(x, W, b)
    return {"out": out}


def catalog_affine_relu_backward(day03):
    x, W, b, dout = _affine_inputs()
    _, cache = day03.affine_relu_forward(x, W, b)
    dx, dW, db = day03.affine_relu_backward(dout, cache)
    return {"dx": dx, "dW": dW, "db": db}


def catalog_value(day03):
    V = day03.Value
    out = {}

    def run(name, build, *point):
        leaves = [V(p) for p in point]
        result = build(*leaves)
        result.backward()
        out[f"{name}: data"] = result.data
        out[f"{name}: leaf grads"] = np.array([leaf.grad for leaf in leaves], dtype=float)

    run("c = (a + a) * (a + a)", lambda a: (lambda b: b * b)(a + a), 1.5)
    run("diamond", lambda x, y: diamond(ValueOps, x, y), 0.8, 0.5)

    def every_op(a, b):
        d = a * b - b / 4
        return (d.exp() + (a * a + 1).log()) * (2 - d) + d ** 3 / (1 + b.relu()) - (-a).tanh()
    run("every operation", every_op, 0.6, 0.9)
    run("relu at 0", lambda a: a.relu() * 3, 0.0)
    return out
