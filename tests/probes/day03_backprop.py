"""Day 3 probes: they run in the sandboxed worker, beside the learner's day03_backprop module.

The ``Value`` expressions are defined here, once, so that both sides use the same ones: the
worker builds them from the learner's ``Value`` (with :class:`ValueOps`), and the judge
evaluates them on plain floats (its own ``FloatOps``) to get the numerical derivatives. Every
expression is a function ``expr(o, *leaves)``, where ``o`` supplies ``exp``, ``log``,
``tanh`` and ``relu``; the operators work the same on Values and floats.
"""
import warnings

import numpy as np


# -- the expressions, shared with the judge -------------------------------------------------
class ValueOps:
    """The operations of an expression, called as methods of the learner's Value."""
    exp = staticmethod(lambda v: v.exp())
    log = staticmethod(lambda v: v.log())
    tanh = staticmethod(lambda v: v.tanh())
    relu = staticmethod(lambda v: v.relu())


#: The graphs of the operator checks, by id (the id is the expression as a learner reads it). Each
#: operator is tested alone (with plain numbers on either side too), then under an upstream
#: gradient other than 1 (``(...) * c``), so a _backward that drops out.grad shows.
OPERATOR_EXPRESSIONS = {
    "a * b": lambda o, a, b: a * b,
    "a * 2.5": lambda o, a: a * 2.5,
    "(a * b) * c": lambda o, a, b, c: (a * b) * c,
    "a + b": lambda o, a, b: a + b,
    "a + 2.5": lambda o, a: a + 2.5,
    "(a + b) * c": lambda o, a, b, c: (a + b) * c,
    "a ** 3": lambda o, a: a ** 3,
    "a ** -0.5": lambda o, a: a ** -0.5,
    "(a ** 3) * c": lambda o, a, c: (a ** 3) * c,
    "exp(a)": lambda o, a: o.exp(a),
    "exp(a) * c": lambda o, a, c: o.exp(a) * c,
    "log(a)": lambda o, a: o.log(a),
    "log(a) * c": lambda o, a, c: o.log(a) * c,
    "tanh(a)": lambda o, a: o.tanh(a),
    "tanh(a) * c": lambda o, a, c: o.tanh(a) * c,
    "relu(a)": lambda o, a: o.relu(a),
    "relu(a) * c": lambda o, a, c: o.relu(a) * c,
    "-a": lambda o, a: -a,
    "(-a) * c": lambda o, a, c: (-a) * c,
    "a - b": lambda o, a, b: a - b,
    "a - 2.5": lambda o, a: a - 2.5,
    "(a - b) * c": lambda o, a, b, c: (a - b) * c,
    "a / b": lambda o, a, b: a / b,
    "a / 4": lambda o, a: a / 4,
    "(a / b) * c": lambda o, a, b, c: (a / b) * c,
    "2.5 + a": lambda o, a: 2.5 + a,
    "(2.5 + a) * c": lambda o, a, c: (2.5 + a) * c,
    "2.5 * a": lambda o, a: 2.5 * a,
    "(2.5 * a) * c": lambda o, a, c: (2.5 * a) * c,
    "1 - a": lambda o, a: 1 - a,
    "(1 - a) * c": lambda o, a, c: (1 - a) * c,
    "2 / a": lambda o, a: 2 / a,
    "(2 / a) * c": lambda o, a, c: (2 / a) * c,
    # a value used twice by one operation: both uses must add to its grad
    "a + a": lambda o, a: a + a,
    "a * a": lambda o, a: a * a,
}


def node_used_several_times(o, a, b):
    d = a * b
    return d + d * d + o.tanh(d) - d / 3


def reused_node(o, a):
    # b is used twice by c, and a twice by b: every use adds its contribution exactly once.
    b = a + a
    return b * b


def diamond(o, x, y):
    # a feeds both b and c, which meet again in d: a diamond around an inner node.
    a = x * y
    b = a + 1
    c = o.tanh(a)
    return b * c


#: Every named expression a check can ask for, by id.
EXPRESSIONS = dict(OPERATOR_EXPRESSIONS, reused_node=reused_node, node_used_several_times=node_used_several_times,
                   diamond=diamond)

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


def leaf_names(description):
    """The names of an expression's leaves, as its definition calls them (``("a", "c")``, ``("x", "y")``)."""
    if not isinstance(description, str):
        return tuple("abc")
    code = EXPRESSIONS[description].__code__
    return code.co_varnames[1:code.co_argcount]


# -- for the checks: Value --------------------------------------------------------------------
def value_expression(day03, description, point, backward=True):
    """Build an expression from learner Values at ``point`` and (unless told not to) call backward().

    Returns the type of the result, its ``data``, and after backward() its own ``grad`` and
    every leaf's ``grad``, as the learner's code left them (the judge reads them).
    """
    leaves = [day03.Value(v) for v in point]
    out = expression(description)(ValueOps, *leaves)
    found = {"type": type(out).__name__, "is_value": isinstance(out, day03.Value)}
    if not found["is_value"]:
        return found
    found["data"] = out.data
    if backward:
        out.backward()
        found["out.grad"] = out.grad
        found["grads"] = [leaf.grad for leaf in leaves]
    return found


def value_expressions(day03, graphs, backward=True):
    """:func:`value_expression` for each ``(description, point)`` of ``graphs``, in order, each on fresh leaves."""
    return [value_expression(day03, description, point, backward) for description, point in graphs]


def value_leaf(day03, x):
    """A fresh leaf's data and grad."""
    a = day03.Value(x)
    return {"data": a.data, "grad": a.grad}


def value_graph_record(day03):
    """What c = a * b records: its operands in _prev (named "a", "b", or by type), its _op, a leaf's _prev;
    and what ``Value(5.0, (a, b), 'custom')`` keeps of the constructor's own _children and _op."""
    a, b = day03.Value(2.0), day03.Value(5.0)
    c = a * b
    names = {id(a): "a", id(b): "b"}
    prev = _members(getattr(c, "_prev", None), names)
    leaf_prev = _members(getattr(a, "_prev", ()), {})
    op = getattr(c, "_op", None)
    made = day03.Value(5.0, (a, b), 'custom')
    made_op = getattr(made, "_op", None)
    return {"c._prev": prev, "a._prev": leaf_prev, "c._op": op if isinstance(op, str) else None,
            "made._prev": _members(getattr(made, "_prev", None), names),
            "made._op": made_op if isinstance(made_op, str) else None, "made.data": made.data}


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
    return (gen.standard_normal((3, 2, 2)), gen.standard_normal((4, 5)), gen.standard_normal(5),
            gen.standard_normal((3, 5)))


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


#: A grid from -1000 to 1000 for sigmoid and tanh (the checks' edges.LARGE_X, coarser).
_LARGE_GRID = np.array([-1000.0, -710.0, -400.0, -30.0, -2.0, 0.0, 0.5, 30.0, 400.0, 710.0, 1000.0])


def _float_trouble(function, *args) -> str:
    """What goes wrong in floating point when ``function(*args)`` runs with warnings on: the
    warning or error's type name, or "" when nothing does."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="warn", invalid="warn", divide="warn"):
            try:
                function(*args)
            except (FloatingPointError, RuntimeWarning, OverflowError, ZeroDivisionError) as exc:
                return type(exc).__name__
    return ""


def _forward_outputs(day03, name):
    x, _ = _activation_inputs()
    out, _ = getattr(day03, f"{name}_forward")(x)
    return {"out": np.array(out, copy=True), "x after the call": x}


def _stable_forward_outputs(day03, name):
    """The forward pass on the small inputs, then on |x| up to 1000: its values with warnings
    silenced, and whether it overflows or makes a NaN when they are not."""
    found = _forward_outputs(day03, name)
    forward = getattr(day03, f"{name}_forward")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found[f"out on {_LARGE_GRID.tolist()}"] = np.array(forward(_LARGE_GRID.copy())[0], dtype=float)
    found["floating-point trouble on |x| <= 1000"] = _float_trouble(forward, _LARGE_GRID.copy())
    return found


def _backward_outputs(day03, name):
    x, dout = _activation_inputs()
    _, cache = getattr(day03, f"{name}_forward")(x)
    return {"dx": getattr(day03, f"{name}_backward")(dout, cache)}


def catalog_relu_forward(day03):
    return _forward_outputs(day03, "relu")


def catalog_sigmoid_forward(day03):
    return _stable_forward_outputs(day03, "sigmoid")


def catalog_tanh_forward(day03):
    return _stable_forward_outputs(day03, "tanh")


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


#: The checks' edges.ZERO_MARGIN_SCORES and _Y: row 0, class 1 sits exactly on the margin.
_ZERO_MARGIN_SCORES, _ZERO_MARGIN_Y = np.array([[1.0, 0.0, 1.0], [2.0, 2.0, 0.0]]), np.array([0, 1])


def catalog_svm_loss(day03):
    gen = np.random.default_rng(22)
    scores, y = gen.standard_normal((5, 4)), gen.integers(0, 4, 5)
    loss, dscores = day03.svm_loss(scores, y)
    loss2, dscores2 = day03.svm_loss(scores, y, delta=2.0)
    loss0, dscores0 = day03.svm_loss(_ZERO_MARGIN_SCORES.copy(), _ZERO_MARGIN_Y.copy())
    return {"loss": loss, "dscores": dscores, "loss with delta 2": loss2, "dscores with delta 2": dscores2,
            "loss with a zero margin": loss0, "dscores with a zero margin": dscores0}


def catalog_affine_relu_forward(day03):
    x, W, b, _ = _affine_inputs()
    out, _ = day03.affine_relu_forward(x, W, b)
    return {"out": out}


def catalog_affine_relu_backward(day03):
    x, W, b, dout = _affine_inputs()
    _, cache = day03.affine_relu_forward(x, W, b)
    dx, dW, db = day03.affine_relu_backward(dout, cache)
    return {"dx": dx, "dW": dW, "db": db}


#: Where the catalog evaluates the operator graphs: a, b, c in that order, as many as a graph has.
_CATALOG_POINT = (0.7, -1.3, 2.5)
#: Extreme points, each beside its graph: large |x| for tanh and exp, a tiny positive for log,
#: a tiny divisor for division.
_CATALOG_EXTREMES = [("tanh(a)", (1000.0,)), ("tanh(a)", (-1000.0,)), ("exp(a)", (700.0,)), ("exp(a)", (-1000.0,)),
                     ("log(a)", (1e-300,)), ("a / b", (0.7, 1e-100)), ("relu(a)", (0.0,)), ("relu(a)", (-1.3,))]


def _catalog_value_graphs():
    graphs = []
    for description in OPERATOR_EXPRESSIONS:
        graphs.append((description, _CATALOG_POINT[:len(leaf_names(description))]))
    return graphs + _CATALOG_EXTREMES + [("reused_node", (1.5,)), ("node_used_several_times", (0.6, -0.9)),
                                         ("diamond", (0.8, 0.5))]


def catalog_value(day03):
    """Every operator graph, the extremes and the shared-node graphs, each at fixed leaves: the numbers
    [out.data, out.grad, then each leaf's grad] (NaN where the code raised or returned no Value), and
    under "what went wrong" the graphs where it did. Each key always holds the same kind of value, so
    outputs compare entry by entry."""
    out, wrong = {}, []
    for description, point in _catalog_value_graphs():
        names = leaf_names(description)
        label = f"{description} at {', '.join(f'{n} = {v:g}' for n, v in zip(names, point))}"
        numbers = np.full(2 + len(point), np.nan)
        try:
            found = value_expression(day03, description, point)
            if found["is_value"]:
                numbers = np.array([found["data"], found["out.grad"], *found["grads"]], dtype=float)
            else:
                wrong.append(f"{label} returned {found['type']}")
        except Exception as exc:  # a probe gathers data: what was raised is the datum here
            wrong.append(f"{label} raised {type(exc).__name__}")
        out[f"{label}: [out.data, out.grad, leaf grads]"] = numbers
    out["what went wrong"] = "; ".join(wrong)
    return out
