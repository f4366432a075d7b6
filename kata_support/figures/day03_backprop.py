"""Day 3 figure: the computational graph of a tiny neuron, drawn from the learner's own ``Value``.

Every box is one node of the graph that ``Value`` recorded (found through ``_prev``), with
its operation (``_op``), its value and the gradient ``backward()`` left in it. Columns are
depths: the output is on the right and each node sits left of every node that uses it, so
the forward pass runs left to right and the backward pass right to left.
"""
from matplotlib.patches import FancyBboxPatch, Patch

from ..plotting import new_figure, save

BOX_W, BOX_H = 2.3, 1.05
COLUMN_GAP, ROW_GAP = 3.3, 1.45
COLOURS = {"leaf": "#cfe3f7", "op": "#fde2c4", "output": "#cdeccd"}


def neuron(Value):
    """out = tanh(x1*w1 + x2*w2 + b), the classic micrograd example (out = 1/sqrt(2))."""
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    x1w1, x2w2 = x1 * w1, x2 * w2
    total = x1w1 + x2w2
    n = total + b
    out = n.tanh()
    named = [(x1, "x1"), (x2, "x2"), (w1, "w1"), (w2, "w2"), (b, "b"), (x1w1, "x1*w1"), (x2w2, "x2*w2"),
             (total, "x1*w1 + x2*w2"), (n, "n"), (out, "out = tanh(n)")]
    return out, {id(v): name for v, name in named}  # keyed by id: a Value need not be hashable


def graph(out):
    """Nodes in topological order (operands first) and edges (operand, user), read through ``_prev``."""
    if not hasattr(out, "_prev"):
        raise AttributeError("Value must keep its operands in _prev (see its docstring) so the graph can be drawn")
    order, seen, edges = [], set(), []

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for child in node._prev:
            edges.append((child, node))
            visit(child)
        order.append(node)
    visit(out)
    return order, edges


def layout(order, edges):
    """(x, y) of every node: column = longest path to the output, rows ordered by their users' rows."""
    depth = {id(n): 0 for n in order}
    users = {id(n): [] for n in order}
    for child, parent in edges:
        users[id(child)].append(parent)
    for node in reversed(order):  # users before operands
        for child in node._prev:
            depth[id(child)] = max(depth[id(child)], depth[id(node)] + 1)
    position = {}
    for column in range(max(depth.values()) + 1):
        members = [n for n in order if depth[id(n)] == column]
        members.sort(key=lambda n: -sum(position[id(u)][1] for u in users[id(n)]) / max(1, len(users[id(n)])))
        for row, node in enumerate(members):
            position[id(node)] = (-column * COLUMN_GAP, ((len(members) - 1) / 2 - row) * ROW_GAP)
    return position


def draw(day, out_dir):
    out, names = neuron(day.Value)
    out.backward()
    order, edges = graph(out)
    position = layout(order, edges)

    fig, axes = new_figure(size=(12.5, 6.2))
    ax = axes[0, 0]
    for child, parent in edges:
        (x0, y0), (x1, y1) = position[id(child)], position[id(parent)]
        ax.annotate("", xy=(x1 - BOX_W / 2, y1), xytext=(x0 + BOX_W / 2, y0),
                    arrowprops=dict(arrowstyle="-|>", color="0.35", linewidth=1.1, shrinkA=0, shrinkB=0))
    for node in order:
        x, y = position[id(node)]
        kind = "output" if node is out else ("leaf" if not tuple(node._prev) else "op")
        ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H, boxstyle="round,pad=0.02,rounding_size=0.12",
                                    facecolor=COLOURS[kind], edgecolor="0.3", linewidth=1.0))
        op = getattr(node, "_op", "")
        title = names.get(id(node), "")
        if op:
            title = f"{title}  [{op}]" if title else f"[{op}]"
        ax.text(x, y + 0.24, title, ha="center", va="center", fontsize=9, fontweight="bold")
        ax.text(x, y - 0.18, f"data {float(node.data):.4f}\ngrad {float(node.grad):.4f}",
                ha="center", va="center", fontsize=8.5, family="monospace", linespacing=1.3)

    xs = [p[0] for p in position.values()]
    ys = [p[1] for p in position.values()]
    ax.set_xlim(min(xs) - BOX_W, max(xs) + BOX_W)
    ax.set_ylim(min(ys) - BOX_H, max(ys) + BOX_H)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("depth in the graph: the forward pass runs left to right, backward() runs right to left")
    ax.set_title("A neuron out = tanh(x1*w1 + x2*w2 + b) as your Value graph, after out.backward()\n"
                 "data = the value computed forward; grad = d out / d node")
    ax.legend(handles=[Patch(facecolor=COLOURS["leaf"], edgecolor="0.3", label="leaf (input or parameter)"),
                       Patch(facecolor=COLOURS["op"], edgecolor="0.3", label="operation [its _op]"),
                       Patch(facecolor=COLOURS["output"], edgecolor="0.3", label="output (grad seeded to 1)")],
              loc="lower right", fontsize=8.5, framealpha=0.9)
    return [save(fig, out_dir / "day03_value_graph.png")]
