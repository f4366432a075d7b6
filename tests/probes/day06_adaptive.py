"""Day 6 probes: they run in the sandboxed worker, beside the learner's day06_adaptive module.

``name`` is always ``"rmsprop"`` or ``"adam"``: both rules share the optimizer convention
``rule(w, dw, config=None) -> (next_w, config)``, so one probe serves both.
"""
import numpy as np

from ._shared import returned_pair, sibling, snapshot


# -- for the checks -------------------------------------------------------------------------
def step_with_config(day06, name, w, dw, config):
    """One call with ``config`` (a dict the probe keeps): what came back, and the dict passed in afterwards."""
    result = getattr(day06, name)(w, dw, config)
    pair = returned_pair(result)
    return {"result": result, "passed_after": snapshot(config),
            "returned_is_passed": pair is not None and pair[1] is config}


def trajectory(day06, name, w0, curvatures, config, num_steps):
    """``num_steps`` steps on f(w) = 0.5 * sum(curvatures * w**2), carrying the returned config.

    Returns the path ``(num_steps + 1, *w0.shape)`` and the final config; if a call returns
    something other than a pair, ``bad`` holds it and ``step`` says which call it was.
    """
    rule = getattr(day06, name)
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for step in range(1, num_steps + 1):
        result = rule(w, curvatures * w, config)
        pair = returned_pair(result)
        if pair is None:
            return {"bad": result, "step": step}
        w, config = pair
        path.append(np.array(w, dtype=float, copy=True))
    return {"path": np.array(path), "config": snapshot(config)}


def two_parameters(day06, name, w_a, w_b, curvatures, num_steps):
    """Two parameters of the same shape stepped in turn (a, b, a, b, ...), each with its own config.

    Each parameter's first call omits ``config`` (the default None), later calls pass the config
    that parameter got back. For comparison, each parameter is also stepped alone, from ``{}``.
    """
    rule = getattr(day06, name)
    w = {"a": np.array(w_a, dtype=float), "b": np.array(w_b, dtype=float)}
    configs = {"a": None, "b": None}
    paths = {key: [value.copy()] for key, value in w.items()}
    for step in range(1, num_steps + 1):
        for key in ("a", "b"):
            dw = curvatures * w[key]
            result = rule(w[key], dw) if configs[key] is None else rule(w[key], dw, configs[key])
            pair = returned_pair(result)
            if pair is None:
                return {"bad": result, "step": step}
            w[key], configs[key] = pair
            paths[key].append(np.array(w[key], dtype=float, copy=True))
    solo = {}
    for key, start in (("a", w_a), ("b", w_b)):
        out = trajectory(day06, name, start, curvatures, {}, num_steps)
        if "bad" in out:
            return out
        solo[key] = out["path"]
    return {"a": np.array(paths["a"]), "b": np.array(paths["b"]), "solo_a": solo["a"], "solo_b": solo["b"],
            "one_dict": configs["a"] is configs["b"]}


# -- for the figure -------------------------------------------------------------------------
def badly_scaled_runs(day06, curvatures, w0, num_steps, learning_rate):
    """SGD (the learner's Day 5 ``sgd``, when it is written), RMSprop and Adam on f(w) = 0.5 * sum(c * w**2).

    Every rule starts from ``w0`` with ``{"learning_rate": learning_rate}``. Returns the paths
    ``(num_steps + 1, D)`` by rule name, and ``sgd_note``: why SGD is missing, or None.
    """
    rules = {}
    note = None
    try:
        sgd = sibling(day06, "day05_sgd_momentum").sgd
    except (ImportError, AttributeError):
        sgd = None
        note = "SGD needs day05.sgd (exercises/day05_sgd_momentum.py), not available yet"
    except Exception as exc:  # a Day 5 file that does not import must not hide Day 6's curves
        sgd = None
        note = f"SGD left out: day05_sgd_momentum.py did not import ({type(exc).__name__})"
    if sgd is not None:
        rules["SGD"] = sgd
    rules["RMSprop"] = day06.rmsprop
    rules["Adam"] = day06.adam
    paths = {}
    for label, rule in rules.items():
        try:
            out = trajectory_of(rule, w0, curvatures, {"learning_rate": learning_rate}, num_steps)
        except NotImplementedError:
            if label != "SGD":
                raise
            note = "SGD needs day05.sgd, which is not written yet"
            continue
        except Exception as exc:  # SGD is optional here: a Day 5 bug must not hide Day 6's curves
            if label != "SGD":
                raise
            note = f"SGD left out: your day05.sgd raised {type(exc).__name__}: {str(exc)[:80]}"
            continue
        paths[label] = out
    return {"paths": paths, "sgd_note": note}


def trajectory_of(rule, w0, curvatures, config, num_steps):
    """The path of ``rule`` on the quadratic, as an array; raises if the rule does not return a pair."""
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(num_steps):
        pair = returned_pair(rule(w, curvatures * w, config))
        if pair is None:
            raise TypeError("the update rule must return (next_w, config)")
        w, config = pair
        path.append(np.array(w, dtype=float, copy=True))
    return np.array(path)


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart -------------------------
#: Gradients from 1e-9 to 1e3, both signs, with an exact zero: each scale meets epsilon differently.
_SCALES = np.array([1e-9, -1e-7, 1e-6, 0.0, -1e-3, 0.5, -2.0, 30.0, -1e3])


def _catalog_inputs():
    gen = np.random.default_rng(606)
    w = gen.standard_normal(_SCALES.size)
    prefilled_dw = _SCALES * gen.uniform(0.5, 1.5, _SCALES.size)
    return w, prefilled_dw, gen


def _written_back(rule, state_keys):
    """Whether the state lands in the dict passed in, for an empty and for a partly filled config."""
    w = np.array([0.5, -1.0, 2.0])
    dw = np.array([0.3, -0.2, 1.5])
    out = {}
    for label, config in (("empty", {}), ("prefilled", {"learning_rate": 0.05, state_keys[0]: np.full(3, 0.5)})):
        before = snapshot(config)
        pair = returned_pair(rule(w, dw, config))
        returned = pair[1] if pair is not None else None
        stored = all(key in config for key in state_keys) and isinstance(returned, dict) and all(
            key in returned and np.array_equal(np.asarray(config[key]), np.asarray(returned[key]))
            and not np.array_equal(np.asarray(config[key]), np.asarray(before.get(key, np.nan)))
            for key in state_keys)
        out[f"state in the dict passed in ({label})"] = bool(stored)
    return out


def _independent(rule):
    """Whether two parameters whose first call omits config get separate states (False if anything breaks)."""
    w_a, w_b = np.array([1.0, -2.0]), np.array([-0.5, 3.0])
    dw_a, dw_b = np.array([0.4, -0.1]), np.array([-2.0, 0.7])
    try:
        _, config_a = rule(w_a, dw_a)
        step_b, config_b = rule(w_b, dw_b)
        alone, _ = rule(w_b, dw_b, {})
        return bool(config_a is not config_b and np.allclose(step_b, alone, rtol=1e-12, atol=0))
    except Exception:  # a shared state of another shape may not even broadcast
        return False


def _catalog(rule, state_keys, prefilled_config):
    w, dw, _ = _catalog_inputs()
    out = {}
    with np.errstate(all="ignore"):
        w_before, dw_before = w.copy(), dw.copy()
        next_w, config = rule(w, dw, prefilled_config)
        out["step (prefilled state)"] = next_w - w_before
        for key in state_keys:
            out[f"{key} (prefilled state)"] = config.get(key)
        out["w unchanged"] = bool(np.array_equal(w, w_before))
        out["dw unchanged"] = bool(np.array_equal(dw, dw_before))

        zero_state_dw = _SCALES.copy()
        next_w, config = rule(w_before.copy(), zero_state_dw, {})
        out["step (defaults, zero state)"] = next_w - w_before
        for key in state_keys:
            out[f"{key} (defaults, zero state)"] = config.get(key)
        next_w, _ = rule(w_before.copy(), zero_state_dw, None)
        out["step (config=None)"] = next_w - w_before

        path = trajectory_of(rule, np.array([1.0, -1.0, 0.5]), np.array([100.0, 1.0, 1e-4]), {}, 4)
        out["path (4 steps from {}, defaults)"] = path
        out.update(_written_back(rule, state_keys))
        out["configs of two parameters independent"] = _independent(rule)
    return out


def catalog_rmsprop(day06):
    _, _, gen = _catalog_inputs()
    config = {"learning_rate": 0.05, "decay_rate": 0.8, "epsilon": 1e-6,
              "cache": (_SCALES * gen.uniform(0.5, 1.5, _SCALES.size)) ** 2}
    return _catalog(day06.rmsprop, ("cache",), config)


def catalog_adam(day06):
    _, _, gen = _catalog_inputs()
    config = {"learning_rate": 0.05, "beta1": 0.7, "beta2": 0.9, "epsilon": 1e-6,
              "m": _SCALES * gen.uniform(-1.5, 1.5, _SCALES.size),
              "v": (_SCALES * gen.uniform(0.5, 1.5, _SCALES.size)) ** 2, "t": 3}
    return _catalog(day06.adam, ("m", "v", "t"), config)
