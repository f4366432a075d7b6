"""Day 3 figure: the computational graph of a tiny neuron, drawn from the learner's own ``Value``.

The learner's ``Value`` builds the neuron and runs ``backward()`` in the sandboxed worker
(the probe ``neuron_graph`` of tests/probes/day03_backprop.py), which sends back the graph
as plain data: every node ``Value`` recorded (found through ``_prev``), with its operation
(``_op``), its value and the gradient ``backward()`` left in it, and the edges between them.
Columns are depths: the output is on the right and each node sits left of every node that
uses it, so the forward pass runs left to right and the backward pass right to left.
"""
from matplotlib.patches import FancyBboxPatch, Patch

from tests.probes import day03_backprop as probes

from ..plotting import new_figure, save

BOX_W, BOX_H = 2.3, 1.05
COLUMN_GAP, ROW_GAP = 3.3, 1.45
COLOURS = {"leaf": "#cfe3f7", "op": "#fde2c4", "output": "#cdeccd"}


def layout(num_nodes, edges):
    """(x, y) of every node: column = longest path to the output, rows ordered by their users' rows.

    Nodes are numbered in topological order (operands first); ``edges`` are (operand, user) pairs.
    """
    depth = [0] * num_nodes
    users = [[] for _ in range(num_nodes)]
    operands = [[] for _ in range(num_nodes)]
    for child, parent in edges:
        users[child].append(parent)
        operands[parent].append(child)
    for node in reversed(range(num_nodes)):  # users before operands
        for child in operands[node]:
            depth[child] = max(depth[child], depth[node] + 1)
    position = {}
    for column in range(max(depth) + 1):
        members = [n for n in range(num_nodes) if depth[n] == column]
        members.sort(key=lambda n: -sum(position[u][1] for u in users[n]) / max(1, len(users[n])))
        for row, node in enumerate(members):
            position[node] = (-column * COLUMN_GAP, ((len(members) - 1) / 2 - row) * ROW_GAP)
    return position


def draw(day, out_dir):
    graph = day.probe(probes.neuron_graph)
    if graph.get("prev_missing"):
        raise AttributeError("Value must keep its operands in _prev (see its docstring) so the graph can be drawn")
    nodes, edges, output = graph["nodes"], [tuple(e) for e in graph["edges"]], graph["output"]
    has_operands = {parent for _, parent in edges}
    position = layout(len(nodes), edges)

    fig, axes = new_figure(size=(12.5, 6.2))
    ax = axes[0, 0]
    for child, parent in edges:
        (x0, y0), (x1, y1) = position[child], position[parent]
        ax.annotate("", xy=(x1 - BOX_W / 2, y1), xytext=(x0 + BOX_W / 2, y0),
                    arrowprops=dict(arrowstyle="-|>", color="0.35", linewidth=1.1, shrinkA=0, shrinkB=0))
    for k, node in enumerate(nodes):
        x, y = position[k]
        kind = "output" if k == output else ("op" if k in has_operands else "leaf")
        ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                    boxstyle="round,pad=0.02,rounding_size=0.12",
                                    facecolor=COLOURS[kind], edgecolor="0.3", linewidth=1.0))
        op, title = node["op"], node["name"]
        if op:
            title = f"{title}  [{op}]" if title else f"[{op}]"
        ax.text(x, y + 0.24, title, ha="center", va="center", fontsize=9, fontweight="bold")
        ax.text(x, y - 0.18, f"data {float(node['data']):.4f}\ngrad {float(node['grad']):.4f}",
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
