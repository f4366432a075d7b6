"""Checks for Day 10: random shifts and rotations, augment_batch, and diagnose_fit.

The expected images come from the suite's own shift and rotation below (run here in the judge,
on the draws the docstrings prescribe, replayed on the judge's own seeded generator); the
learner's code runs in the worker. Each augmentation is checked in this order: what comes back
(an array of the right shape and dtype), the identity at 0, properties that hold whatever the
draws (each image moved by whole pixels within range, zero fill, no wrap-around, values bounded),
the conventions on chosen shifts and angles (direction, centre, 90 degrees is np.rot90,
bilinear values), the draws themselves (each image its own, the whole range, the documented
calls in order), determinism, and purity. ``diagnose_fit`` is checked on crafted curves, with
cases right at, just beyond and just short of each threshold.
"""
import numpy as np
import pytest

from ..probes import day10_augmentation as probes
from .expect import expect_array, expect_array_naming, expect_unchanged, fail, same, the_one_matching

exercise = pytest.mark.exercise

#: Each function returns one value: an array of images, or the verdict.
RETURNS = {"random_shift": "shifted", "random_rotate": "rotated", "augment_batch": "augmented",
           "diagnose_fit": "verdict"}

#: Rotations are compared to this absolute tolerance: cos(pi / 2) is 6e-17, not 0.
ROTATION_ATOL = 1e-9
#: A float32 rotation agrees with the float64 one to this relative tolerance.
FLOAT32_RTOL = 1e-6
#: augment_batch's defaults.
DEFAULT_SHIFT, DEFAULT_DEGREES = 2, 10.0
VERDICTS = ("underfitting", "overfitting", "good fit")


# -- the suite's own augmentations (trusted, run here) ------------------------------------------------
def suite_shift(images, dy, dx, *, wrap=False):
    """``out[i, r, c] = images[i, r - dy[i], c - dx[i]]`` inside the frame, 0 outside (or wrapped around)."""
    images = np.asarray(images)
    n, height, width = images.shape
    dy, dx = np.broadcast_to(dy, (n,)), np.broadcast_to(dx, (n,))
    rows = np.arange(height)[None, :, None] - dy[:, None, None]
    cols = np.arange(width)[None, None, :] - dx[:, None, None]
    batch = np.arange(n)[:, None, None]
    if wrap:
        return images[batch, rows % height, cols % width]
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    values = images[batch, np.clip(rows, 0, height - 1), np.clip(cols, 0, width - 1)]
    return np.where(inside, values, np.zeros((), dtype=images.dtype)).astype(images.dtype)


def suite_rotate(images, angles, *, centre=None, clockwise=False, radians=False, nearest=False, clamp=False):
    """Image i turned by ``angles[i]`` degrees counter-clockwise about its centre, bilinear, 0 outside.

    The keywords give the versions a known mistake computes (to name it when the learner's matches).
    """
    images = np.asarray(images, dtype=float)
    n, height, width = images.shape
    theta = np.asarray(angles, dtype=float) * (1.0 if radians else np.pi / 180.0) * (-1.0 if clockwise else 1.0)
    cy, cx = ((height - 1) / 2, (width - 1) / 2) if centre is None else centre
    r, c = np.mgrid[0:height, 0:width].astype(float)
    out = np.zeros((n, height, width))
    for i in range(n):
        cos, sin = np.cos(theta[i]), np.sin(theta[i])
        source_r = cy + (r - cy) * cos + (c - cx) * sin
        source_c = cx + (c - cx) * cos - (r - cy) * sin
        if nearest:
            source_r, source_c = np.round(source_r), np.round(source_c)
        r0, c0 = np.floor(source_r).astype(int), np.floor(source_c).astype(int)
        a, b = source_r - r0, source_c - c0
        for rr, wr in ((r0, 1 - a), (r0 + 1, a)):
            for cc, wc in ((c0, 1 - b), (c0 + 1, b)):
                value = images[i, np.clip(rr, 0, height - 1), np.clip(cc, 0, width - 1)]
                if not clamp:
                    value = np.where((rr >= 0) & (rr < height) & (cc >= 0) & (cc < width), value, 0.0)
                out[i] += wr * wc * value
    return out


def documented_shifts(seed, n, max_shift):
    """The shifts random_shift draws from ``default_rng(seed)``: ``(dy, dx, next draw of the generator)``."""
    gen = np.random.default_rng(seed)
    dy = gen.integers(-max_shift, max_shift + 1, size=n)
    dx = gen.integers(-max_shift, max_shift + 1, size=n)
    return dy, dx, gen.random()


def documented_angles(seed, n, max_degrees):
    """The angles random_rotate draws from ``default_rng(seed)``, and the generator's next draw."""
    gen = np.random.default_rng(seed)
    return gen.uniform(-max_degrees, max_degrees, size=n), gen.random()


def documented_augmentation(images, seed, max_shift=DEFAULT_SHIFT, max_degrees=DEFAULT_DEGREES, *, shift_first=False):
    """augment_batch on ``default_rng(seed)``: rotate (N angles), then shift (N row and N column shifts)."""
    gen = np.random.default_rng(seed)
    n = len(images)
    if shift_first:
        dy = gen.integers(-max_shift, max_shift + 1, size=n)
        dx = gen.integers(-max_shift, max_shift + 1, size=n)
        return suite_rotate(suite_shift(images, dy, dx), gen.uniform(-max_degrees, max_degrees, size=n)), gen.random()
    rotated = suite_rotate(images, gen.uniform(-max_degrees, max_degrees, size=n))
    dy = gen.integers(-max_shift, max_shift + 1, size=n)
    dx = gen.integers(-max_shift, max_shift + 1, size=n)
    return suite_shift(rotated, dy, dx), gen.random()


# -- fixtures ----------------------------------------------------------------------------------------------
def numbered(n, height=5, width=6, dtype=float):
    """Images whose pixels are 1, 2, 3, ... (mod 251 for small integer types): each pixel tells its origin."""
    values = np.arange(1, n * height * width + 1).reshape(n, height, width)
    if np.dtype(dtype).kind in "iu" and np.dtype(dtype).itemsize == 1:
        values = values % 251 + 1
    return values.astype(dtype)


def signed_images(seed, n, height, width):
    """Seeded images with positive and negative pixels (like mean-centred data)."""
    return np.random.default_rng(seed).standard_normal((n, height, width))


def listed(values, limit=8):
    values = [tuple(int(v) for v in pair) if isinstance(pair, tuple) else round(float(pair), 6) for pair in values]
    shown = ", ".join(str(v) for v in values[:limit])
    return f"[{shown}{', ...' if len(values) > limit else ''}]"


def images_of(name, got, shape, context="", n_images=None):
    """``got`` as an array of images shaped ``shape``, or a failure saying what came back instead."""
    who = f"`{name}`"
    if got is None:
        fail(f"{who} returned None{context}; return the new images, an array of shape {shape}.")
    if not isinstance(got, np.ndarray):
        fail(f"{who} returned a {type(got).__name__}{context}; return an ndarray of shape {shape}.")
    if got.shape != shape:
        n = shape[0]
        if name == "augment_batch" and got.shape == (2 * n,) + shape[1:]:
            fail(f"{who} returned {2 * n} images for {n}{context}: one augmented image per input image, in order, "
                 f"or the N labels no longer belong to their images (no originals added to the batch).",
                 names="cause")
        fail(f"{who} returned an array of shape {got.shape}{context}; it must have the shape of images, {shape}: "
             f"one transformed image per input image, in the same order.")
    if got.dtype.kind not in "biuf":
        fail(f"{who} returned an array of dtype {got.dtype}{context}; return numbers.")
    return got


def call_summary(calls):
    """``integers(-2, 3, size=4), uniform(...)``: what the code asked of the generator, for a message."""
    def one(call):
        parts = [repr(a) for a in call["args"]] + [f"{k}={v!r}" for k, v in call["kwargs"].items()]
        return f"rng.{call['method']}({', '.join(parts)})"
    return ", ".join(one(c) for c in calls) if calls else "nothing"


def bounds_of(call):
    """``(method, low, high, size)`` of a recorded draw; integers' high is made inclusive (endpoint=False)."""
    method, args, kwargs = call["method"], list(call["args"]), dict(call["kwargs"])
    names = ("low", "high", "size")
    values = dict(zip(names, args))
    values.update({k: v for k, v in kwargs.items() if k in names})
    low, high, size = values.get("low"), values.get("high"), values.get("size")
    if method == "uniform":
        low = 0.0 if low is None else low
        high = 1.0 if high is None else high
    elif method == "integers":
        if high is None:
            low, high = 0, low
        if not kwargs.get("endpoint", False) and high is not None:
            high = high - 1
    if isinstance(size, list) and len(size) == 1:
        size = size[0]
    return method, low, high, size


def draw_runs(calls):
    """The draws as runs ``(method, low, high, how many values)``, consecutive calls with the same bounds merged:
    one call of N values and N calls of one value are the same draws (the generator gives the same numbers)."""
    runs = []
    for call in calls:
        method, low, high, size = bounds_of(call)
        count = 1 if size is None else int(np.prod(size))
        if runs and runs[-1][:3] == (method, low, high):
            runs[-1] = (method, low, high, runs[-1][3] + count)
        else:
            runs.append((method, low, high, count))
    return runs


# -- random_shift: finding the shift each image got ----------------------------------------------------------
def shifts_applied(images, out, reach):
    """For each image, the (dy, dx) with |dy|, |dx| <= reach that reproduces ``out[i]`` exactly, or None."""
    found = [None] * len(images)
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            matches = np.all(suite_shift(images, dy, dx) == out, axis=(1, 2))
            for i in np.flatnonzero(matches):
                if found[i] is None or abs(dy) + abs(dx) < abs(found[i][0]) + abs(found[i][1]):
                    found[i] = (dy, dx)
    return found


IMAGE_BY_IMAGE = ("That is the shifts drawn image by image, (dy, dx) for image 0, then for image 1, ...; the "
                  "docstring draws all N row shifts first, dy = rng.integers(-max_shift, max_shift + 1, size=N), then "
                  "all N column shifts the same way.")


def pairs_drawn_image_by_image(values):
    """The (dy, dx) of each image when the 2N values the generator gives are read in pairs, image by image."""
    return [(int(a), int(b)) for a, b in np.asarray(values).reshape(-1, 2)]


def explain_unshifted(images, out, i, max_shift, context):
    """Fail with what image ``i`` of ``out`` is, when it is not image ``i`` moved by an allowed shift."""
    height, width = images.shape[1:]
    image, got = images[i:i + 1], out[i:i + 1]
    for dy in range(-max_shift, max_shift + 1):
        for dx in range(-max_shift, max_shift + 1):
            if (dy or dx) and np.array_equal(suite_shift(image, dy, dx, wrap=True), got):
                fail(f"image {i} of the output is image {i} rolled by (dy, dx) = ({dy}, {dx}) with wrap-around"
                     f"{context}: the pixels that left the frame on one side came back in on the other. They must "
                     f"disappear, and the uncovered border must be 0: start from np.zeros_like(images) and copy only "
                     f"the part that stays inside (np.roll wraps around).", names="cause")
    beyond = shifts_applied(image, got, max(height, width))[0]
    if beyond is not None:
        fail(f"image {i} moved by (dy, dx) = {beyond}{context}, beyond max_shift = {max_shift}: draw each shift from "
             f"rng.integers(-max_shift, max_shift + 1, size=N).")
    if np.array_equal(suite_shift(image, 0, 0)[:, :, ::-1], got) or np.array_equal(image[:, ::-1, :], got):
        fail(f"image {i} of the output is image {i} mirrored{context}; a shift moves the image, it never flips it.",
             names="cause")
    others = [j for j in range(len(images)) if j != i and shifts_applied(images[j:j + 1], got, max_shift)[0]]
    if others:
        fail(f"image {i} of the output is a shift of input image {others[0]}{context}: output image i must come from "
             f"input image i, in order, or the labels no longer belong to their images.", names="cause")
    fail(f"image {i} of the output{context} is not image {i} moved by whole pixels with zeros filling in: no shift "
         f"(dy, dx) with |dy|, |dx| <= {max_shift} gives it (its first row is {np.round(got[0, 0], 4).tolist()}, "
         f"image {i}'s first row {images[i, 0].tolist()}).")


def pure_call(function, images, *args, **kwargs):
    """``function(copy of images, *args, **kwargs)``; a failure first if it changed the images it was given, so
    that every later judgement compares with the untouched originals."""
    given = images.copy()
    out = function(given, *args, **kwargs)
    expect_unchanged("images", images, given)
    return out


def shifts_of(day10, images, max_shift, rng, context):
    """Run random_shift; every image must be itself moved by an allowed shift. Returns the output and the shifts."""
    out = images_of("random_shift", pure_call(day10.random_shift, images, max_shift, rng), images.shape, context)
    found = shifts_applied(images, out, max_shift)
    for i, shift in enumerate(found):
        if shift is None:
            explain_unshifted(images, out, i, max_shift, context)
    return out, found


# -- random_shift ------------------------------------------------------------------------------------------
@exercise("day10.random_shift")
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.uint8],
                         ids=["float64", "float32", "int64", "uint8"])
def test_shift_shape_and_dtype(day10, dtype):
    images = numbered(7, 5, 6, dtype)
    context = f" for images (7, 5, 6) of dtype {np.dtype(dtype).name}, max_shift = 1"
    out = images_of("random_shift", pure_call(day10.random_shift, images, 1, np.random.default_rng(1001)),
                    images.shape, context)
    if out.dtype != images.dtype:
        fail(f"the shifted images have dtype {out.dtype}{context}: a shift moves pixels without computing new "
             f"values, so keep the dtype of images (np.zeros_like(images) does).")


@exercise("day10.random_shift")
def test_shift_zero_is_the_identity(day10):
    images = signed_images(1002, 4, 5, 6)
    out = images_of("random_shift", pure_call(day10.random_shift, images, 0, np.random.default_rng(1002)),
                    images.shape)
    expect_array("shifted", out, images, atol=0, rtol=0,
                 context=" with max_shift = 0 (every shift is 0, so every image comes back unchanged)")


@exercise("day10.random_shift")
def test_shift_moves_each_image_by_whole_pixels(day10):
    images = numbered(40)
    shifts_of(day10, images, 2, np.random.default_rng(1003), " for 40 images (5, 6) numbered 1, 2, 3, ..., max_shift "
                                                             "= 2")


@exercise("day10.random_shift")
def test_shift_each_image_its_own(day10):
    images = numbered(40)
    _, found = shifts_of(day10, images, 2, np.random.default_rng(1004), " for 40 images, max_shift = 2")
    if len(set(found)) == 1:
        fail(f"all 40 images moved by the same shift (dy, dx) = {found[0]} (max_shift = 2): draw one shift per image, "
             f"size=N, not one for the whole batch.", names="cause")
    if all(dy == dx for dy, dx in found):
        fail(f"every image moved as far down as right, dy == dx: the shifts were {listed(found)} for 40 images. Draw "
             f"the column shifts separately, in a second call of rng.integers.", names="cause")


@exercise("day10.random_shift")
def test_shift_uses_the_whole_range(day10):
    images = numbered(300)
    max_shift = 3
    _, found = shifts_of(day10, images, max_shift, np.random.default_rng(1005), " for 300 images, max_shift = 3")
    allowed = set(range(-max_shift, max_shift + 1))
    for axis, name in ((0, "row shifts dy"), (1, "column shifts dx")):
        seen = sorted({shift[axis] for shift in found})
        if seen and min(seen) >= 0:
            fail(f"over 300 images the {name} were only {seen} with max_shift = 3: shifts go both ways; draw from "
                 f"[-max_shift, max_shift] with rng.integers(-max_shift, max_shift + 1, size=N).", names="cause")
        if seen and max(seen) == max_shift - 1 and min(seen) == -max_shift:
            fail(f"over 300 images the {name} were {seen}, never +{max_shift}: rng.integers excludes its high end, "
                 f"so draw with rng.integers(-max_shift, max_shift + 1, size=N).", names="cause")
        if set(seen) != allowed:
            fail(f"over 300 images the {name} took only the values {seen}; each of -3 ... 3 should appear (each is "
                 f"drawn with probability 1/7).")


@exercise("day10.random_shift")
def test_shift_direction_on_chosen_shifts(day10):
    images = numbered(3)
    dy, dx = np.array([1, 0, -2]), np.array([2, -1, 0])
    result = day10.probe(probes.shift_with, images, 2, dy, dx)
    expect_unchanged("images", images, result["images"])
    context = (" with the shifts (dy, dx) = (1, 2), (0, -1), (-2, 0) handed out by rng (dy first, then dx, as the "
               "docstring draws them)")
    if draw_runs(result["calls"]) != [("integers", -2, 2, 6)]:
        fail(f"random_shift asked the generator for {call_summary(result['calls'])} (3 images, max_shift = 2); the "
             f"docstring's draws are two calls, rng.integers(-max_shift, max_shift + 1, size=N) for the rows, then "
             f"the same for the columns, so these checks hand their shifts out through them.")
    out = images_of("random_shift", result["out"], images.shape, context)
    expected = suite_shift(images, dy, dx)
    in_pairs = pairs_drawn_image_by_image(np.concatenate([dy, dx]))
    if not same(out, expected) and shifts_applied(images, out, 2) == in_pairs:
        fail(f"image 0 should move 1 row down and 2 columns right{context}. {IMAGE_BY_IMAGE}", names="cause")
    why = the_one_matching(out, expected, [
        (suite_shift(images, -dy, -dx), "Your content moved the opposite way: shifted[i, r, c] = images[i, r - dy[i], "
                                        "c - dx[i]], so a positive dy moves it down and a positive dx to the right."),
        (suite_shift(images, dx, dy), "That is the first draw used for the columns: the first rng.integers call "
                                      "gives the row shifts dy, the second the column shifts dx.")], atol=0, rtol=0)
    if why:
        fail(f"image 0 should move 1 row down and 2 columns right{context}. {why}", names="cause")
    expect_array("shifted", out, expected, atol=0, rtol=0, context=context)


@exercise("day10.random_shift")
def test_shift_pixels_leaving_the_frame_disappear(day10):
    # A mark in each corner and one in the middle; every shift pushes a corner mark out of the frame.
    images = np.zeros((4, 5, 6))
    images[:, 0, 0], images[:, 4, 5], images[:, 2, 3] = 7.0, 9.0, 3.0
    dy, dx = np.array([-1, 1, 0, 2]), np.array([0, -1, 1, 0])
    result = day10.probe(probes.shift_with, images, 2, dy, dx)
    expect_unchanged("images", images, result["images"])
    context = (" for 5 x 6 images marked 7 at (0, 0), 9 at (4, 5) and 3 at (2, 3), shifted by (dy, dx) = (-1, 0), "
               "(1, -1), (0, 1), (2, 0)")
    out = images_of("random_shift", result["out"], images.shape, context)
    expected = suite_shift(images, dy, dx)
    rolled = suite_shift(images, dy, dx, wrap=True)
    if not same(out, expected) and same(out, rolled):
        fail(f"the corner marks come back in on the opposite side{context}: image 0 moved up by 1, so the 7 at (0, 0) "
             f"must leave the frame, but your image 0 has it at (4, 0). Nothing wraps around: fill the uncovered "
             f"border with zeros (np.roll wraps around).", names="cause")
    expect_array("shifted", out, expected, atol=0, rtol=0, context=context + " (what leaves the frame is gone, "
                                                                              "what enters is 0)")


@exercise("day10.random_shift")
def test_shift_as_large_as_the_image(day10):
    images = numbered(6)
    dy, dx = np.array([5, -5, 0, 7, -9, 4]), np.array([0, 0, 6, -6, 0, -5])
    result = day10.probe(probes.shift_with, images, 10, dy, dx)
    expect_unchanged("images", images, result["images"])
    context = (" for 5 x 6 images shifted by (dy, dx) = (5, 0), (-5, 0), (0, 6), (7, -6), (-9, 0), (4, -5) "
               "(max_shift = 10): the first five leave the frame entirely, the last keeps one pixel")
    out = images_of("random_shift", result["out"], images.shape, context)
    expect_array("shifted", out, suite_shift(images, dy, dx), atol=0, rtol=0, context=context)


@exercise("day10.random_shift")
def test_shift_follows_the_documented_draws(day10):
    images, max_shift, seed = numbered(8), 2, 1006
    gen = np.random.default_rng(seed)
    context = f" for 8 images with max_shift = 2 and rng = np.random.default_rng({seed})"
    out, found = shifts_of(day10, images, max_shift, gen, context)
    dy, dx, next_draw = documented_shifts(seed, 8, max_shift)
    documented = list(zip(dy.tolist(), dx.tolist()))
    if found != documented:
        if found == pairs_drawn_image_by_image(np.concatenate([dy, dx])):
            fail(f"the shifts (dy, dx) were {listed(found)}{context}, the documented draws taken in pairs. "
                 f"{IMAGE_BY_IMAGE}", names="cause")
        if found == list(zip(dx.tolist(), dy.tolist())):
            fail(f"the shifts (dy, dx) were {listed(found)}{context}, the documented draws with rows and columns "
                 f"swapped: the first rng.integers call gives the row shifts dy, the second the column shifts dx.",
                 names="cause")
        if found == list(zip((-dy).tolist(), (-dx).tolist())):
            fail(f"every image moved opposite to its draw{context}: shifted[i, r, c] = images[i, r - dy[i], "
                 f"c - dx[i]], so a positive dy moves the content down.", names="cause")
        fail(f"the shifts (dy, dx) were {listed(found)}{context}; the docstring's draws give {listed(documented)}: "
             f"dy = rng.integers(-max_shift, max_shift + 1, size=N) first, then dx the same way, and nothing else "
             f"drawn before them.")
    if gen.random() != next_draw:
        fail(f"the shifts are right{context}, but rng was used for more than the two calls rng.integers(-max_shift, "
             f"max_shift + 1, size=N) of the docstring: draw nothing else, so that the next user of rng gets the "
             f"numbers it expects.")


@exercise("day10.random_shift")
def test_shift_far_beyond_the_frame_with_real_draws(day10):
    images, seed = numbered(20), 1007
    dy, dx, _ = documented_shifts(seed, 20, 10)
    out = images_of("random_shift", pure_call(day10.random_shift, images, 10, np.random.default_rng(seed)),
                    images.shape, " with max_shift = 10 on 5 x 6 images")
    expect_array("shifted", out, suite_shift(images, dy, dx), atol=0, rtol=0,
                 context=f" with max_shift = 10 on 5 x 6 images (rng = default_rng({seed}): most shifts move the "
                         f"image out of the frame, entirely or in part)")


@exercise("day10.random_shift")
def test_shift_same_seed_same_result_other_seed_differs(day10):
    images = numbered(10)
    first, second, other = (pure_call(day10.random_shift, images, 2, np.random.default_rng(seed))
                            for seed in (1008, 1008, 1009))
    expect_array("shifted (second run)", second, first, atol=0, rtol=0,
                 context="; the same seed must give the same shifts: draw from rng only")
    if np.array_equal(first, other):
        fail("two different seeds gave the same shifts for 10 images: draw every shift from the rng argument.",
             names="cause")


@exercise("day10.random_shift")
@pytest.mark.parametrize("dtype", [np.float64, np.int64], ids=["float64", "int64"])
def test_shift_leaves_its_input_alone(day10, dtype):
    images = numbered(5, dtype=dtype)
    before = images.copy()
    day10.random_shift(images, 2, np.random.default_rng(1010))
    expect_unchanged("images", before, images)


# -- random_rotate ---------------------------------------------------------------------------------------
def rotate_with(day10, images, max_degrees, angles, context):
    """random_rotate with chosen angles handed out by rng.uniform; the output, or a failure on the draws."""
    result = day10.probe(probes.rotate_with, images, max_degrees, np.asarray(angles, dtype=float))
    expect_unchanged("images", images, result["images"])
    if draw_runs(result["calls"]) != [("uniform", -max_degrees, max_degrees, len(images))]:
        fail(f"random_rotate asked the generator for {call_summary(result['calls'])} ({len(images)} images, "
             f"max_degrees = {max_degrees}); the docstring draws all angles in one call, rng.uniform(-max_degrees, "
             f"max_degrees, size=N), so these checks hand their angles out through it.")
    return images_of("random_rotate", result["out"], images.shape, context)


def rotation_mistakes(images, angles, right=None):
    """``(value, sentence)`` for the rotation mistakes the suite can compute."""
    height, width = images.shape[1:]
    mistakes = [
        (suite_rotate(images, angles, clockwise=True),
         "Your images turned clockwise: a positive angle turns counter-clockwise as displayed (+90 degrees is "
         "np.rot90). The source of output pixel (r, c) is r_s = cy + (r - cy) cos + (c - cx) sin, c_s = cx + "
         "(c - cx) cos - (r - cy) sin."),
        (suite_rotate(images, angles, radians=True),
         "That is the angles taken as radians: np.cos and np.sin take radians, so convert the degrees first with "
         "np.deg2rad."),
        (suite_rotate(images, angles, centre=(0.0, 0.0)),
         "That is a rotation about the top-left corner (0, 0): rotate about the centre ((H - 1) / 2, (W - 1) / 2)."),
        (suite_rotate(images, angles, centre=(height / 2, width / 2)),
         "That is a rotation about (H / 2, W / 2), half a pixel off: the middle of rows 0 ... H - 1 is (H - 1) / 2."),
        (suite_rotate(images, angles, nearest=True),
         "That is nearest-neighbour sampling: interpolate bilinearly between the four pixels around each source "
         "point, as the docstring says."),
        (suite_rotate(images, angles, clamp=True),
         "Where the source point falls outside the image you read the nearest border pixel; outside pixels count "
         "as 0."),
    ]
    if height != width:
        mistakes.append((suite_rotate(images, angles, centre=((width - 1) / 2, (height - 1) / 2)),
                         "That is a rotation about ((W - 1) / 2, (H - 1) / 2), the centre's row and column swapped: cy "
                         "comes from the height H, cx from the width W."))
    return mistakes


def expect_rotation(name, got, expected, images, angles, context, rtol=0.0):
    expect_array_naming(name, got, expected, rotation_mistakes(images, angles), context=context, atol=ROTATION_ATOL,
                        rtol=rtol)


@exercise("day10.random_rotate")
@pytest.mark.parametrize("dtype, expected", [(np.float64, np.float64), (np.float32, np.float32),
                                             (np.uint8, np.float64)], ids=["float64", "float32", "uint8"])
def test_rotate_shape_and_dtype(day10, dtype, expected):
    images = numbered(3, 6, 7, dtype)
    context = f" for images (3, 6, 7) of dtype {np.dtype(dtype).name}, max_degrees = 20"
    out = images_of("random_rotate", pure_call(day10.random_rotate, images, 20.0, np.random.default_rng(2001)),
                    images.shape, context)
    if out.dtype != np.dtype(expected):
        if np.dtype(dtype).kind in "iu" and out.dtype == np.dtype(dtype):
            fail(f"the rotated images have dtype {out.dtype}{context}: interpolated values are not whole numbers, "
                 f"so integer images must come back as float64 (the docstring's rule), not rounded down.",
                 names="cause")
        fail(f"the rotated images have dtype {out.dtype}{context}; expected {np.dtype(expected).name}: the dtype of "
             f"images when it is floating point, float64 otherwise.")
    angles, _ = documented_angles(2001, 3, 20.0)
    expect_rotation("rotated", out, suite_rotate(images, angles), images, angles,
                    context + " (rng = default_rng(2001))", rtol=FLOAT32_RTOL if out.dtype == np.float32 else 0.0)


@exercise("day10.random_rotate")
def test_rotate_zero_is_the_identity(day10):
    images = signed_images(2002, 3, 5, 7)
    out = images_of("random_rotate", pure_call(day10.random_rotate, images, 0.0, np.random.default_rng(2002)),
                    images.shape)
    expect_array("rotated", out, images, atol=1e-12, rtol=0,
                 context=" with max_degrees = 0 (every angle is 0, so every image comes back unchanged)")


@exercise("day10.random_rotate")
def test_rotate_quarter_turns_are_rot90(day10):
    images = signed_images(2003, 4, 6, 6)
    angles = [90.0, -90.0, 180.0, 270.0]
    context = " for 6 x 6 images turned by 90, -90, 180 and 270 degrees (the angles handed out by rng.uniform)"
    out = rotate_with(day10, images, 270.0, angles, context)
    expected = np.stack([np.rot90(image, k) for image, k in zip(images, (1, -1, 2, 3))])
    expect_rotation("rotated", out, expected, images, angles,
                    context + "; +90 degrees is np.rot90(image), counter-clockwise as displayed")


@exercise("day10.random_rotate")
def test_rotate_half_turn_of_a_non_square_image(day10):
    images = signed_images(2004, 2, 5, 8)
    angles = [180.0, -180.0]
    context = " for 5 x 8 images turned by 180 and -180 degrees"
    out = rotate_with(day10, images, 180.0, angles, context)
    expect_rotation("rotated", out, images[:, ::-1, ::-1], images, angles,
                    context + "; a half turn about the centre ((H - 1) / 2, (W - 1) / 2) is image[::-1, ::-1]")


@exercise("day10.random_rotate")
def test_rotate_bilinear_values(day10):
    images = signed_images(2005, 3, 6, 7)
    angles = [30.0, -17.5, 123.4]
    context = " for 6 x 7 images turned by 30, -17.5 and 123.4 degrees (bilinear, 0 outside the image)"
    out = rotate_with(day10, images, 130.0, angles, context)
    expect_rotation("rotated", out, suite_rotate(images, angles), images, angles, context)


@exercise("day10.random_rotate")
def test_rotate_images_one_pixel_high(day10):
    # One row: turned by 90 degrees, only the centre pixel stays inside the frame; every other source is outside.
    images = np.array([[[1.0, -2.0, 3.0, -4.0, 5.0]], [[0.5, 1.5, -2.5, 3.5, 4.5]]])
    angles = [90.0, 45.0]
    context = " for two 1 x 5 images turned by 90 and 45 degrees (most sources lie outside the single row)"
    out = rotate_with(day10, images, 90.0, angles, context)
    expect_rotation("rotated", out, suite_rotate(images, angles), images, angles, context)


@exercise("day10.random_rotate")
def test_rotate_corners_from_outside_are_zero(day10):
    images = np.ones((1, 8, 8))
    context = " for an 8 x 8 image of ones turned by 45 degrees"
    out = rotate_with(day10, images, 45.0, [45.0], context)
    expected = suite_rotate(images, [45.0])
    if abs(float(out[0, 0, 0])) > ROTATION_ATOL:
        why = the_one_matching(out, expected, rotation_mistakes(images, [45.0]), atol=ROTATION_ATOL, rtol=0)
        fail(f"rotated[0, 0, 0] is {float(out[0, 0, 0]):.6g}{context}; its source point lies outside the image, so it "
             f"must be 0 (pixels that come from outside are 0). {why or ''}".rstrip(), names="cause" if why else
             "mismatch")
    expect_rotation("rotated", out, expected, images, [45.0], context)


@exercise("day10.random_rotate")
def test_rotate_stays_within_the_pixel_range(day10):
    images = signed_images(2006, 20, 6, 7)
    out = images_of("random_rotate", pure_call(day10.random_rotate, images, 180.0, np.random.default_rng(2006)),
                    images.shape, " with max_degrees = 180")
    low = np.minimum(0.0, images.min(axis=(1, 2)))[:, None, None] - 1e-12
    high = np.maximum(0.0, images.max(axis=(1, 2)))[:, None, None] + 1e-12
    outside = np.argwhere((out < low) | (out > high) | ~np.isfinite(out))
    if outside.size:
        i, r, c = (int(v) for v in outside[0])
        fail(f"rotated[{i}, {r}, {c}] is {out[i, r, c]:.6g} (max_degrees = 180 on 20 images 6 x 7), outside "
             f"[{float(low[i, 0, 0]):.4g}, {float(high[i, 0, 0]):.4g}], the range of image {i}'s pixels and 0: "
             f"bilinear interpolation averages four pixels (or zeros) with weights that are >= 0 and sum to 1.")


@exercise("day10.random_rotate")
def test_rotate_each_image_its_own_angle(day10):
    images = np.repeat(signed_images(2007, 1, 6, 7), 10, axis=0)
    out = images_of("random_rotate", pure_call(day10.random_rotate, images, 40.0, np.random.default_rng(2007)),
                    images.shape, " for 10 copies of one image")
    if all(np.allclose(out[i], out[0], atol=ROTATION_ATOL) for i in range(1, len(out))):
        fail("10 copies of one image all came back turned by the same angle (max_degrees = 40): draw one angle per "
             "image, rng.uniform(-max_degrees, max_degrees, size=N), not one for the whole batch.", names="cause")


@exercise("day10.random_rotate")
def test_rotate_draws_angles_from_the_whole_range(day10):
    images = signed_images(2008, 6, 5, 7)
    result = day10.probe(probes.calls_of, "random_rotate", images, 2008, 25.0)
    draws, runs = result["calls"], draw_runs(result["calls"])
    expected = "one call rng.uniform(-max_degrees, max_degrees, size=N), here rng.uniform(-25.0, 25.0, size=6)"
    if runs == [("uniform", -25.0, 25.0, 1)]:
        fail(f"random_rotate drew a single angle, {call_summary(draws)}, for 6 images: every image gets its own, "
             f"{expected}.", names="cause")
    if runs == [("uniform", 0, 25.0, 6)]:
        fail(f"random_rotate drew its angles with {call_summary(draws)}: angles go both ways, from -max_degrees to "
             f"max_degrees; the docstring draws {expected}.", names="cause")
    if runs != [("uniform", -25.0, 25.0, 6)]:
        fail(f"random_rotate asked the generator for {call_summary(draws)} (6 images, max_degrees = 25); the "
             f"docstring draws {expected}.")


@exercise("day10.random_rotate")
def test_rotate_follows_the_documented_draws(day10):
    images, seed = signed_images(2009, 5, 6, 7), 2009
    gen = np.random.default_rng(seed)
    context = f" for 5 images 6 x 7 with max_degrees = 25 and rng = default_rng({seed})"
    out = images_of("random_rotate", pure_call(day10.random_rotate, images, 25.0, gen), images.shape, context)
    angles, next_draw = documented_angles(seed, 5, 25.0)
    expect_rotation("rotated", out, suite_rotate(images, angles), images, angles,
                    context + f" (angles {listed(angles)} degrees)")
    if gen.random() != next_draw:
        fail(f"the rotations are right{context}, but rng was used for more than the one call rng.uniform(-max_degrees, "
             f"max_degrees, size=N) of the docstring.")


@exercise("day10.random_rotate")
def test_rotate_same_seed_same_result_other_seed_differs(day10):
    images = signed_images(2010, 4, 6, 7)
    first, second, other = (pure_call(day10.random_rotate, images, 30.0, np.random.default_rng(s))
                            for s in (2010, 2010, 2011))
    expect_array("rotated (second run)", second, first, atol=0, rtol=0,
                 context="; the same seed must give the same angles: draw from rng only")
    if np.allclose(first, other):
        fail("two different seeds gave the same rotations: draw every angle from the rng argument.", names="cause")


@exercise("day10.random_rotate")
@pytest.mark.parametrize("dtype", [np.float64, np.uint8], ids=["float64", "uint8"])
def test_rotate_leaves_its_input_alone(day10, dtype):
    images = numbered(4, 6, 7, dtype)
    before = images.copy()
    day10.random_rotate(images, 30.0, np.random.default_rng(2012))
    expect_unchanged("images", before, images)


# -- augment_batch ---------------------------------------------------------------------------------------
def augmentation_mistakes(images, seed, max_shift, max_degrees):
    mistakes = [(documented_augmentation(images, seed, max_shift, max_degrees, shift_first=True)[0],
                 "That is the images shifted first and rotated second: random_rotate comes first, then random_shift, "
                 "so the draws come in the docstring's order (N angles, then N row and N column shifts).")]
    if (max_shift, max_degrees) != (DEFAULT_SHIFT, DEFAULT_DEGREES):
        mistakes.append((documented_augmentation(images, seed)[0],
                         f"That is the augmentation with the defaults (2, 10.0), not max_shift = {max_shift}, "
                         f"max_degrees = {max_degrees}: pass both arguments on to random_shift and random_rotate."))
    mistakes.append((documented_augmentation(images, seed, int(max_degrees), float(max_shift))[0],
                     "That is max_shift given to random_rotate and max_degrees to random_shift: random_rotate(images, "
                     "max_degrees, rng), then random_shift(rotated, max_shift, rng)."))
    return mistakes


def expect_augmentation(day10, images, seed, context, **kwargs):
    gen = np.random.default_rng(seed)
    out = images_of("augment_batch", pure_call(day10.augment_batch, images, gen, **kwargs), images.shape, context)
    max_shift, max_degrees = kwargs.get("max_shift", DEFAULT_SHIFT), kwargs.get("max_degrees", DEFAULT_DEGREES)
    expected, next_draw = documented_augmentation(images, seed, max_shift, max_degrees)
    expect_array_naming("augmented", out, expected, augmentation_mistakes(images, seed, max_shift, max_degrees),
                        context=context, atol=ROTATION_ATOL, rtol=0)
    if gen.random() != next_draw:
        fail(f"the augmented images are right{context}, but rng was used for more than the docstring's draws "
             f"(random_rotate's N angles, then random_shift's N row and N column shifts).")


@exercise("day10.augment_batch")
def test_augment_shape_and_dtype(day10):
    images = signed_images(3001, 6, 7, 8)
    out = images_of("augment_batch", pure_call(day10.augment_batch, images, np.random.default_rng(3001)),
                    images.shape, " for images (6, 7, 8)")
    if out.dtype != np.float64:
        fail(f"the augmented images have dtype {out.dtype} for float64 images; keep float64.")


@exercise("day10.augment_batch")
def test_augment_with_the_defaults(day10):
    expect_augmentation(day10, signed_images(3002, 6, 7, 8), 3002,
                        " with the defaults (max_shift = 2, max_degrees = 10.0) and rng = default_rng(3002)")


@exercise("day10.augment_batch")
def test_augment_passes_its_arguments_on(day10):
    expect_augmentation(day10, signed_images(3003, 6, 7, 8), 3003,
                        " with max_shift = 3, max_degrees = 25.0 and rng = default_rng(3003)",
                        max_shift=3, max_degrees=25.0)


@exercise("day10.augment_batch")
def test_augment_zero_is_the_identity(day10):
    images = signed_images(3004, 12, 6, 7)
    context = " with max_shift = 0 and max_degrees = 0.0 (no move, no turn: every image comes back unchanged)"
    out = images_of("augment_batch", pure_call(day10.augment_batch, images, np.random.default_rng(3004), max_shift=0,
                                                         max_degrees=0.0), images.shape, context)
    for i in range(len(images)):
        if not np.allclose(out[i], images[i], atol=1e-12):
            for mirror, how in ((images[i, :, ::-1], "left to right"), (images[i, ::-1, :], "upside down")):
                if np.allclose(out[i], mirror, atol=1e-12):
                    fail(f"image {i} came back mirrored {how}{context}. No flips: a mirrored digit is not a digit of "
                         f"the same class (a mirrored 2 or 7 is no digit at all), so its label would be wrong.",
                         names="cause")
    expect_array("augmented", out, images, atol=1e-12, rtol=0, context=context)


@exercise("day10.augment_batch")
def test_augment_keeps_each_image_in_its_place(day10):
    images = numbered(12)
    context = " for 12 numbered images with max_shift = 1, max_degrees = 0.0"
    out = images_of("augment_batch", pure_call(day10.augment_batch, images, np.random.default_rng(3005), max_shift=1,
                                                         max_degrees=0.0), images.shape, context)
    for i, shift in enumerate(shifts_applied(images, out, 1)):
        if shift is None:
            explain_unshifted(images, out, i, 1, context)


@exercise("day10.augment_batch")
def test_augment_draws_in_the_documented_order(day10):
    images = signed_images(3006, 5, 6, 7)
    result = day10.probe(probes.calls_of, "augment_batch", images, 3006, max_shift=1, max_degrees=20.0)
    if draw_runs(result["calls"]) != [("uniform", -20.0, 20.0, 5), ("integers", -1, 1, 10)]:
        fail(f"augment_batch (max_shift = 1, max_degrees = 20.0, 5 images) asked the generator for "
             f"{call_summary(result['calls'])}; the docstring's order is random_rotate's rng.uniform(-20.0, 20.0, "
             f"size=5), then random_shift's two rng.integers(-1, 2, size=5), and nothing else.")


@exercise("day10.augment_batch")
def test_augment_same_seed_same_result_other_seed_differs(day10):
    images = signed_images(3007, 5, 6, 7)
    first, second, other = (pure_call(day10.augment_batch, images, np.random.default_rng(s))
                            for s in (3007, 3007, 3008))
    expect_array("augmented (second run)", second, first, atol=0, rtol=0,
                 context="; the same seed must give the same augmentation")
    if np.allclose(first, other):
        fail("two different seeds gave the same augmented images: draw everything from the rng argument (no "
             "generator of your own inside).", names="cause")


@exercise("day10.augment_batch")
def test_augment_leaves_its_input_alone(day10):
    images = signed_images(3009, 5, 6, 7)
    before = images.copy()
    day10.augment_batch(images, np.random.default_rng(3009), max_shift=1, max_degrees=15.0)
    expect_unchanged("images", before, images)


# -- diagnose_fit ----------------------------------------------------------------------------------------
#: name -> (expected verdict, why). The curves are tests/probes' DIAGNOSIS_CASES.
DIAGNOSES = {
    "clear underfit": ("underfitting", "the final training accuracy 0.7 is below 0.9"),
    "train exactly 0.9": ("good fit", "a final training accuracy of exactly 0.9 is not below 0.9 (the rule is "
                                      "strict), the gap 0.02 is at most 0.05 and the validation accuracy ends at its "
                                      "best"),
    "train just below 0.9": ("underfitting", "the final training accuracy 0.899 is below 0.9"),
    "train peaked above 0.9, ends below": ("underfitting", "the final training accuracy 0.88 is below 0.9; the "
                                                           "rules read the final value, not the best one"),
    "underfit with a wide gap": ("underfitting", "the final training accuracy 0.85 is below 0.9, and underfitting "
                                                 "is checked first, whatever the gap"),
    "gap exactly 0.05": ("good fit", "the gap 0.95 - 0.90 = 0.05 is not more than 0.05 (the rule is strict), the "
                                     "training accuracy 0.95 is at least 0.9 and validation ends at its best"),
    "gap just above 0.05": ("overfitting", "the gap 0.951 - 0.90 = 0.051 is more than 0.05"),
    "wide gap": ("overfitting", "the gap 1.0 - 0.9 = 0.1 is more than 0.05"),
    "validation above training": ("good fit", "the gap is training minus validation, 0.92 - 0.99 = -0.07: a validation "
                                              "accuracy above the training one is no sign of overfitting"),
    "validation drop exactly 0.02": ("good fit", "the final validation accuracy 0.93 is 0.02 below its best 0.95, "
                                                 "not more (the rule is strict), and the gap 0.03 is at most 0.05"),
    "validation drop just above 0.02": ("overfitting", "the final validation accuracy 0.9299 is more than 0.02 below "
                                                       "its best, 0.95"),
    "validation falling from the first epoch": ("overfitting", "the final validation accuracy 0.935 is more than 0.02 "
                                                               "below its best, 0.96 (at the first epoch)"),
    "validation dips then recovers": ("good fit", "the validation accuracy ends at its best, 0.94, whatever it did "
                                                  "before, and the gap 0.02 is at most 0.05"),
    "validation below its first epoch": ("good fit", "the final validation accuracy 0.934 is 0.016 below its best "
                                                     "0.95, not more than 0.02, and the gap 0.026 is at most 0.05"),
    "good fit": ("good fit", "the training accuracy 0.96 is at least 0.9, the gap 0.02 at most 0.05, and validation "
                             "ends at its best"),
    "early epochs gapped, final close": ("good fit", "only the final values count: the final gap 0.96 - 0.94 = 0.02 "
                                                     "is at most 0.05"),
    "one epoch": ("good fit", "one epoch: 0.95 is at least 0.9, the gap 0.02 at most 0.05, and the only validation "
                              "value is the best"),
}


def verdict_of(day10, train, val):
    verdict = day10.diagnose_fit(train, val)
    shown = f"diagnose_fit({listed(train)}, {listed(val)})"
    if not isinstance(verdict, str):
        fail(f"{shown} returned {verdict!r}; it must return one of the strings {', '.join(map(repr, VERDICTS))}.")
    if verdict not in VERDICTS:
        close = [v for v in VERDICTS if v.replace(" ", "") == verdict.strip().lower().replace(" ", "").replace("_", "")]
        hint = f" (spelled exactly {close[0]!r})" if close else ""
        fail(f"{shown} returned {verdict!r}; it must return one of {', '.join(map(repr, VERDICTS))}{hint}.")
    return verdict, shown


@pytest.mark.parametrize("case", [pytest.param(name, marks=exercise("day10.diagnose_fit"), id=name.replace(" ", "_"))
                                  for name in DIAGNOSES])
def test_diagnose_crafted_curves(day10, case):
    train, val = probes.DIAGNOSIS_CASES[case]
    expected, why = DIAGNOSES[case]
    verdict, shown = verdict_of(day10, list(train), np.array(val))
    if verdict != expected:
        fail(f"{shown} returned {verdict!r}; expected {expected!r}: {why}.")


@exercise("day10.diagnose_fit")
def test_diagnose_leaves_the_curves_alone(day10):
    # max(val_curve) with a sort in place would reorder the caller's curve.
    train, val = np.array([0.9, 0.97, 0.95]), np.array([0.91, 0.95, 0.94])
    before_train, before_val = train.copy(), val.copy()
    verdict, shown = verdict_of(day10, train, val)
    expect_unchanged("val_curve", before_val, val)
    expect_unchanged("train_curve", before_train, train)
    if verdict != "good fit":
        fail(f"{shown} returned {verdict!r}; expected 'good fit': the training accuracy 0.95 is at least 0.9, the gap "
             f"0.01 at most 0.05, and validation ends 0.01 below its best, not more than 0.02.")
