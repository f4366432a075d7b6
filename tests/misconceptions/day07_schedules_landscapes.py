"""Known-buggy versions of Day 7, planted as patches of solutions/day07_schedules_landscapes.py."""
from grader.catalog import Mutant
from tests.probes import day07_schedules_landscapes as probes

_STEP, _EXP, _COS = "day07.step_decay", "day07.exponential_decay", "day07.cosine_annealing"
_WARM, _DIR = "day07.linear_warmup", "day07.random_direction"
_ALONG, _SURF = "day07.loss_along_direction", "day07.loss_surface"

MUTANTS = [
    # -- step_decay -------------------------------------------------------------------------
    Mutant(exercise=_STEP, id="drops_one_step_early",
           mistake="the rate drops one step early, at steps every - 1, 2 * every - 1, ... (steps counted from 1).",
           fix="steps count from 0: the number of drops so far is step // every, so the first drop is at step every.",
           patch=[("(step // every))", "((step + 1) // every))")]),
    Mutant(exercise=_STEP, id="drops_one_step_late",
           mistake="the rate drops one step late and starts at lr0 / drop: (step - 1) // every is -1 at step 0.",
           fix="use step // every: step 0 has seen no drop and step every exactly one.",
           patch=[("(step // every))", "((step - 1) // every))")]),
    Mutant(exercise=_STEP, id="smooth_not_staircase",
           mistake="the exponent step / every is a float division, so the rate decays smoothly instead of in steps.",
           fix="use the integer division step // every: the rate stays constant between drops.",
           patch=[("(step // every))", "(step / every))")]),

    # -- exponential_decay --------------------------------------------------------------------
    Mutant(exercise=_EXP, id="exponent_sign",
           mistake="the exponent is +k * step, so the rate grows (and overflows for long runs) instead of decaying.",
           fix="use lr0 * exp(-k * step).",
           patch=[("math.exp(-k * step)", "math.exp(k * step)")]),
    Mutant(exercise=_EXP, id="time_constant",
           mistake="k is used as a time constant, exp(-step / k), instead of a rate per iteration.",
           fix="use lr0 * exp(-k * step): k is the decay per iteration.",
           patch=[("math.exp(-k * step)", "math.exp(-step / k)")]),

    # -- cosine_annealing ---------------------------------------------------------------------
    Mutant(exercise=_COS, id="starts_at_lr0_plus_lr_min",
           mistake="the cosine's amplitude is lr0 instead of lr0 - lr_min, so it starts at lr0 + lr_min, not lr0.",
           fix="use lr_min + 0.5 * (lr0 - lr_min) * (1 + cos(pi * step / total_steps)).",
           patch=[("0.5 * (lr0 - lr_min)", "0.5 * lr0")]),
    Mutant(exercise=_COS, id="ignores_lr_min",
           mistake="lr_min is ignored, so the rate ends at 0 instead of lr_min.",
           fix="anneal towards lr_min: lr_min + 0.5 * (lr0 - lr_min) * (1 + cos(...)), and lr_min after total_steps.",
           patch=[("return float(lr_min)\n", "return 0.0\n"),
                  ("lr_min + 0.5 * (lr0 - lr_min) * (1.0 + cosine)", "0.5 * lr0 * (1.0 + cosine)")]),
    Mutant(exercise=_COS, id="climbs_after_total_steps",
           mistake="after total_steps the cosine climbs back up towards lr0 instead of staying at lr_min.",
           fix="from step total_steps on, return lr_min.",
           patch=[("    if step >= total_steps:\n        return float(lr_min)\n", "")]),
    Mutant(exercise=_COS, id="starts_one_step_late",
           mistake="the cosine is evaluated at step + 1, so step 0 is already below lr0 (and lr_min comes early).",
           fix="steps count from 0: cos(pi * step / total_steps) is 1 at step 0.",
           patch=[("math.pi * step / total_steps", "math.pi * (step + 1) / total_steps")]),

    # -- linear_warmup ------------------------------------------------------------------------
    Mutant(exercise=_WARM, id="zero_at_step_0",
           mistake="the warm-up factor is step / warmup_steps, so step 0 gets a learning rate of 0 (the end jumps).",
           fix="scale by (step + 1) / warmup_steps: 1/W at step 0, reaching 1 at step W - 1.",
           patch=[("float(schedule(step) * (step + 1)", "float(schedule(step) * step")]),
    Mutant(exercise=_WARM, id="ramps_to_first_value",
           mistake="the warm-up ramps up to schedule(0), then jumps to schedule(warmup_steps) when it ends.",
           fix="scale the schedule at the same step: schedule(step) * (step + 1) / warmup_steps.",
           patch=[("float(schedule(step) * (step + 1)", "float(schedule(0) * (step + 1)")]),
    Mutant(exercise=_WARM, id="overshoots_at_end",
           mistake="the warm-up also covers step warmup_steps (<= instead of <), where its factor (W + 1) / W "
                   "overshoots the schedule.",
           fix="warm up for steps 0 ... warmup_steps - 1 only: if step < warmup_steps.",
           patch=[("if step < warmup_steps:", "if step <= warmup_steps:")]),
    Mutant(exercise=_WARM, id="counts_calls",
           mistake="the returned function counts its calls and ignores its step argument, so its rate depends on how "
                   "often it was called.",
           fix="compute the rate from the step argument alone; keep no counter inside.",
           patch=[("    def warmed_up(step):\n",
                   "    calls = []\n\n    def warmed_up(step):\n"
                   "        step = len(calls)\n        calls.append(step)\n")]),

    # -- random_direction -----------------------------------------------------------------------
    Mutant(exercise=_DIR, id="rows_not_columns",
           mistake="each row of the direction is rescaled to the norm of W's row, but W is used as x @ W, so its "
                   "filters are its columns.",
           fix="normalise over axis=0: np.linalg.norm(W, axis=0, keepdims=True), one norm per column.",
           patch=[("np.linalg.norm(value, axis=0, keepdims=True)", "np.linalg.norm(value, axis=1, keepdims=True)"),
                  ("np.linalg.norm(draw, axis=0, keepdims=True)", "np.linalg.norm(draw, axis=1, keepdims=True)")]),
    Mutant(exercise=_DIR, id="whole_matrix",
           mistake="the whole matrix is rescaled to W's norm at once, instead of each filter (column) to its own norm.",
           fix="rescale column by column: the norms over axis=0 of W and of the draw.",
           patch=[("np.linalg.norm(value, axis=0, keepdims=True)", "np.linalg.norm(value)"),
                  ("np.linalg.norm(draw, axis=0, keepdims=True)", "np.linalg.norm(draw)")]),
    Mutant(exercise=_DIR, id="unit_filters",
           mistake="each filter of the direction has norm 1 instead of the norm of the same filter of W.",
           fix="multiply the unit columns by W's column norms: draw * (norm(W, axis=0) / norm(draw, axis=0)).",
           patch=[("draw * (filter_norms / draw_norms)", "draw / draw_norms")]),
    Mutant(exercise=_DIR, id="biases_not_zeroed",
           mistake="1-D parameters (biases) keep their raw random draw instead of a zero direction.",
           fix="with filter_normalize, give every 1-D parameter np.zeros_like(draw).",
           patch=[("direction[name] = np.zeros_like(draw)", "direction[name] = draw")]),
    Mutant(exercise=_DIR, id="global_random",
           mistake="the draws come from NumPy's global random state instead of the rng argument.",
           fix="draw from rng: rng.standard_normal(value.shape).",
           patch=[("rng.standard_normal(np.shape(value))", "np.random.standard_normal(np.shape(value))")]),

    # -- loss_along_direction -------------------------------------------------------------------------
    Mutant(exercise=_ALONG, id="params_moved_in_place",
           mistake="params is moved in place (+= alpha * direction) and never moved back, so every later point is off "
                   "and params is left changed.",
           fix="build a new dict of new arrays for every point: {name: value + alpha * direction[name] ...}.",
           patch=[("        moved = {name: value + alpha * direction[name] for name, value in params.items()}\n",
                   "        for name in params:\n            params[name] += alpha * direction[name]\n"
                   "        moved = params\n")]),
    Mutant(exercise=_ALONG, id="restored_by_arithmetic",
           mistake="params is moved in place and moved back by subtracting, which leaves rounding errors in params.",
           fix="never touch params: evaluate loss_fn on new arrays, {name: value + alpha * direction[name] ...}.",
           patch=[("        moved = {name: value + alpha * direction[name] for name, value in params.items()}\n"
                   "        losses[i] = float(loss_fn(moved))\n",
                   "        for name in params:\n            params[name] += alpha * direction[name]\n"
                   "        losses[i] = float(loss_fn(params))\n"
                   "        for name in params:\n            params[name] -= alpha * direction[name]\n")]),

    # -- loss_surface ------------------------------------------------------------------------------------
    Mutant(exercise=_SURF, id="transposed",
           mistake="the surface is (len(betas), len(alphas)), betas along the rows (as np.meshgrid's default "
                   "indexing='xy' gives).",
           fix="rows follow alphas and columns betas: surface[i, j] for alphas[i] and betas[j].",
           patch=[("np.empty((len(alphas), len(betas)))", "np.empty((len(betas), len(alphas)))"),
                  ("surface[i, j] = float(", "surface[j, i] = float(")]),
    Mutant(exercise=_SURF, id="same_direction_twice",
           mistake="the betas move along d1 as well, so the surface only varies along one direction.",
           fix="the point is params + alpha * d1 + beta * d2.",
           patch=[("beta * d2[name]", "beta * d1[name]")]),
    Mutant(exercise=_SURF, id="restored_by_arithmetic",
           mistake="params is moved in place and moved back by subtracting, which leaves rounding errors in params.",
           fix="never touch params: evaluate loss_fn on new arrays, {name: value + alpha * d1[name] + beta * d2[name]}",
           patch=[("            moved = {name: value + alpha * d1[name] + beta * d2[name] for name, value in "
                   "params.items()}\n            surface[i, j] = float(loss_fn(moved))\n",
                   "            for name in params:\n"
                   "                params[name] += alpha * d1[name] + beta * d2[name]\n"
                   "            surface[i, j] = float(loss_fn(params))\n"
                   "            for name in params:\n"
                   "                params[name] -= alpha * d1[name] + beta * d2[name]\n")]),
]

PROBES = {
    _STEP: probes.catalog_step_decay,
    _EXP: probes.catalog_exponential_decay,
    _COS: probes.catalog_cosine_annealing,
    _WARM: probes.catalog_linear_warmup,
    _DIR: probes.catalog_random_direction,
    _ALONG: probes.catalog_loss_along_direction,
    _SURF: probes.catalog_loss_surface,
}
