"""Day 10 probes: they run in the sandboxed worker, beside the learner's day10_augmentation module.

The checks pass a real ``numpy.random.Generator`` wherever they can (the judge replays the
documented draws on its own copy). Where a check needs chosen shifts or angles, or needs to see
how the learner's code drew from ``rng``, it runs one of the probes below with a stand-in
generator that records every call and hands out the values the check asked for. The figures'
experiments (training the learner's Day 4 ``TwoLayerNet`` with plain SGD, with and without the
learner's ``augment_batch``) run here too.
"""
import numpy as np

from ._shared import sibling


# -- a generator that records its calls ------------------------------------------------------------
class RecordingGenerator:
    """Stands in for a ``numpy.random.Generator``: every method call is recorded as ``(name, args, kwargs)``.

    ``integers`` and ``uniform`` hand out the values queued in ``planned``, in order, as many as each
    call asks for (one call of N values, or N calls of one value, get the same numbers); any other
    call, or a call asking for more than the queue still holds, is answered by the real generator.
    """

    def __init__(self, rng, planned=()):
        self._rng = rng
        self._planned = np.concatenate([np.ravel(values) for values in planned]) if len(planned) else np.empty(0)
        self.calls = []

    def _answer(self, name, args, kwargs, size):
        self.calls.append({"method": name, "args": [_plain(a) for a in args],
                           "kwargs": {k: _plain(v) for k, v in kwargs.items()}})
        count = _count(size)
        if 0 < count <= len(self._planned):
            values, self._planned = self._planned[:count], self._planned[count:]
            return values[0] if size is None else values.reshape(size)
        return getattr(self._rng, name)(*args, **kwargs)

    def integers(self, *args, **kwargs):
        size = kwargs.get("size", args[2] if len(args) > 2 else None)
        return self._answer("integers", args, kwargs, size)

    def uniform(self, *args, **kwargs):
        size = kwargs.get("size", args[2] if len(args) > 2 else None)
        return self._answer("uniform", args, kwargs, size)

    def __getattr__(self, name):
        method = getattr(self._rng, name)
        if not callable(method):
            return method

        def recorded(*args, **kwargs):
            self.calls.append({"method": name, "args": [_plain(a) for a in args],
                               "kwargs": {k: _plain(v) for k, v in kwargs.items()}})
            return method(*args, **kwargs)
        return recorded


def _count(size):
    if size is None:
        return 1
    return int(np.prod(size))


def _plain(value):
    """A call argument as plain data (numbers, tuples of numbers, strings), for the judge to read."""
    if isinstance(value, (bool, int, float, str, type(None))):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    return repr(value)


def shift_with(day10, images, max_shift, dy, dx):
    """``random_shift`` with a generator whose ``integers`` hands out ``dy`` (N values), then ``dx`` (N values).

    Returns the output, the calls made to the generator, and the images as the code left them.
    """
    rng = RecordingGenerator(np.random.default_rng(0), [dy, dx])
    out = day10.random_shift(images, max_shift, rng)
    return {"out": out, "calls": rng.calls, "images": images}


def rotate_with(day10, images, max_degrees, angles):
    """``random_rotate`` with a generator whose ``uniform`` hands out ``angles`` (N values, in degrees)."""
    rng = RecordingGenerator(np.random.default_rng(0), [angles])
    out = day10.random_rotate(images, max_degrees, rng)
    return {"out": out, "calls": rng.calls, "images": images}


def calls_of(day10, name, images, seed, *args, **kwargs):
    """What ``name(images, *args, rng, **kwargs)`` asked of a (real, seeded) generator: the calls, in order.

    For ``augment_batch`` the generator comes second, as its signature has it.
    """
    rng = RecordingGenerator(np.random.default_rng(seed))
    function = getattr(day10, name)
    if name == "augment_batch":
        out = function(images, rng, *args, **kwargs)
    else:
        out = function(images, *args, rng, **kwargs)
    return {"out": out, "calls": rng.calls}


# -- for the catalog: fixed inputs whose outputs tell the mistakes apart ---------------------------------
def _numbered(n, height, width):
    """Images whose pixels are 1, 2, 3, ...: every pixel tells where it came from."""
    return np.arange(1.0, n * height * width + 1.0).reshape(n, height, width)


def catalog_random_shift(day10):
    images = _numbered(6, 5, 6)
    rng = np.random.default_rng(10)
    out = day10.random_shift(images, 2, rng)
    far = day10.random_shift(images, 7, np.random.default_rng(11))  # shifts up to the whole image and beyond
    return {"max_shift 2": np.asarray(out, dtype=float), "max_shift 7": np.asarray(far, dtype=float),
            "next draw of rng": float(rng.random()), "images afterwards": images}


def catalog_random_rotate(day10):
    images = np.random.default_rng(20).standard_normal((4, 6, 7))
    rng = np.random.default_rng(21)
    out = day10.random_rotate(images, 30.0, rng)
    square = np.random.default_rng(22).standard_normal((4, 6, 6))
    chosen = day10.random_rotate(square, 90.0, RecordingGenerator(np.random.default_rng(0),
                                                                  [np.array([90.0, -90.0, 33.0, 180.0])]))
    ones = day10.random_rotate(np.ones((1, 8, 8)), 45.0, RecordingGenerator(np.random.default_rng(0),
                                                                             [np.array([45.0])]))
    small = (np.arange(42).reshape(1, 6, 7) * 6).astype(np.uint8)
    whole = day10.random_rotate(small, 33.0, RecordingGenerator(np.random.default_rng(0), [np.array([33.0])]))
    return {"max_degrees 30": np.asarray(out, dtype=float), "next draw of rng": float(rng.random()),
            "uint8 turned by 33": np.asarray(whole, dtype=float),
            "angles 90, -90, 33, 180 on 6 x 6": np.asarray(chosen, dtype=float),
            "ones turned by 45": np.asarray(ones, dtype=float), "images afterwards": images}


def catalog_augment_batch(day10):
    images = np.random.default_rng(30).standard_normal((5, 6, 7))
    rng = np.random.default_rng(31)
    default = day10.augment_batch(images, rng)
    custom = day10.augment_batch(images, np.random.default_rng(32), max_shift=1, max_degrees=25.0)
    other_seed = day10.augment_batch(images, np.random.default_rng(33), max_shift=1, max_degrees=25.0)
    identity = day10.augment_batch(images, np.random.default_rng(34), max_shift=0, max_degrees=0.0)
    return {"defaults": np.asarray(default, dtype=float), "next draw of rng": float(rng.random()),
            "max_shift 1, max_degrees 25": np.asarray(custom, dtype=float),
            "the same with another seed": np.asarray(other_seed, dtype=float),
            "max_shift 0, max_degrees 0": np.asarray(identity, dtype=float), "images afterwards": images}


#: Learning curves that tell the rules apart: name -> (train_curve, val_curve).
DIAGNOSIS_CASES = {
    "clear underfit": ([0.5, 0.6, 0.7], [0.48, 0.58, 0.68]),
    "train exactly 0.9": ([0.8, 0.85, 0.9], [0.79, 0.84, 0.88]),
    "train just below 0.9": ([0.8, 0.85, 0.899], [0.79, 0.84, 0.88]),
    "train peaked above 0.9, ends below": ([0.8, 0.95, 0.88], [0.79, 0.9, 0.86]),
    "underfit with a wide gap": ([0.7, 0.8, 0.85], [0.6, 0.65, 0.7]),
    "gap exactly 0.05": ([0.9, 0.93, 0.95], [0.88, 0.9, 0.9]),
    "gap just above 0.05": ([0.9, 0.93, 0.951], [0.88, 0.9, 0.9]),
    "wide gap": ([0.9, 0.98, 1.0], [0.88, 0.9, 0.9]),
    "validation above training": ([0.88, 0.9, 0.92], [0.93, 0.97, 0.99]),
    "validation drop exactly 0.02": ([0.9, 0.94, 0.96], [0.9, 0.95, 0.93]),
    "validation drop just above 0.02": ([0.9, 0.94, 0.96], [0.9, 0.95, 0.9299]),
    "validation falling from the first epoch": ([0.9, 0.94, 0.96], [0.96, 0.95, 0.935]),
    "validation dips then recovers": ([0.9, 0.94, 0.96], [0.93, 0.88, 0.94]),
    "validation below its first epoch": ([0.9, 0.94, 0.96], [0.935, 0.95, 0.934]),
    "good fit": ([0.85, 0.93, 0.96], [0.84, 0.92, 0.94]),
    "early epochs gapped, final close": ([0.99, 0.99, 0.96], [0.9, 0.92, 0.94]),
    "one epoch": ([0.95], [0.93]),
}


def catalog_diagnose_fit(day10):
    return {name: day10.diagnose_fit(list(train), np.array(val)) for name, (train, val) in DIAGNOSIS_CASES.items()}


# -- for the figures: training the learner's network, with and without augmentation --------------------------
WEIGHT_SCALE = 0.05


def _accuracy(net, X, y, batch=2000):
    correct = 0
    for start in range(0, len(y), batch):
        scores = np.asarray(net.loss(X[start:start + batch]), dtype=float)
        correct += int(np.sum(np.argmax(scores, axis=1) == y[start:start + batch]))
    return correct / len(y)


def train_network(day10, images, y, val_images, y_val, hidden_dim, steps, batch_size=50, learning_rate=0.1,
                  augment=False, evaluations=10, seed=0):
    """Train the learner's Day 4 ``TwoLayerNet`` with plain minibatch SGD for ``steps`` updates.

    ``images`` and ``val_images`` are MNIST pixels (N, H, W), uint8 in 0 ... 255 (scaled to [0, 1]
    here) or floats in [0, 1]. Every minibatch (``batch_size`` images drawn with replacement)
    is augmented with the learner's ``augment_batch`` when ``augment`` is true, then centred by
    the training set's mean image and flattened; the validation images are centred the same
    way and never augmented. The training accuracy (on the un-augmented training images) and the
    validation accuracy are measured ``evaluations`` times, evenly spaced, the last after the
    final step. Returns both curves and the step of each measurement.
    """
    day04 = sibling(day10, "day04_gradcheck")
    rng = np.random.default_rng(seed)
    images, val_images = _unit(images), _unit(val_images)
    n = len(y)
    mean = images.mean(axis=0)
    flat = (images - mean).reshape(n, -1)
    val_flat = (val_images - mean).reshape(len(y_val), -1)
    net = day04.TwoLayerNet(flat.shape[1], hidden_dim, int(max(y.max(), y_val.max())) + 1, WEIGHT_SCALE, 0.0, rng)
    marks = set(np.linspace(0, steps, evaluations + 1).astype(int)[1:].tolist())
    train_acc, val_acc, at = [], [], []
    for step in range(1, steps + 1):
        batch = rng.integers(0, n, size=batch_size)
        X_batch = images[batch]
        if augment:
            X_batch = np.asarray(day10.augment_batch(X_batch, rng), dtype=float)
        _, grads = net.loss((X_batch - mean).reshape(batch_size, -1), y[batch])
        for name in net.params:
            net.params[name] = net.params[name] - learning_rate * grads[name]
        if step in marks:
            train_acc.append(_accuracy(net, flat, y))
            val_acc.append(_accuracy(net, val_flat, y_val))
            at.append(step)
    return {"train": train_acc, "val": val_acc, "steps": at}


def _unit(images):
    """Pixels as floats in [0, 1]."""
    images = np.asarray(images)
    return images / 255.0 if images.dtype == np.uint8 else images.astype(float)
