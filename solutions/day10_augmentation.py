r"""Day 10 - Data augmentation and the bias-variance trade-off.

A network that has seen 1,000 handwritten digits has seen each of them in exactly one place
and one slant. Moved two pixels to the left or tilted by ten degrees, a "3" is still a "3",
but to the network it is a new input. Data augmentation turns that knowledge into training
data: every time a minibatch is used, each image is moved and turned a little, at random, so
the network never sees the same picture twice and has to learn what does not change. The
label stays what it was, which is why only transformations that keep the meaning qualify:
small shifts and rotations keep a digit a digit, a mirror image or a half turn does not (a
mirrored "2" is no digit at all, a "6" turned upside down is a "9").

Augmentation is one answer to overfitting, and today's last function names the problem.
A model that does poorly even on the data it was trained on *underfits* (high bias: too
little capacity, or too little training); a model that does well on its training data and
clearly worse on held-out data *overfits* (high variance: it has memorised its sample).
The learning curves of one training run, training and validation accuracy per epoch, tell
the two apart, and ``diagnose_fit`` turns that reading into a rule.

Conventions (the whole kata uses them)
--------------------------------------
- Images are batch first, ``(N, H, W)``: N images of H rows and W columns. Row 0 is the top
  row, as ``plt.imshow`` shows it; column 0 is the left column.
- Augmentation sees the images only, never the labels: output image ``i`` is a transformed
  copy of input image ``i``, in the same order and as many, so the labels ``y`` still line
  up. Only training data is augmented, never validation or test data.
- Inputs are never modified in place: every function builds and returns a new array.
- Every random draw comes from the ``numpy.random.Generator`` passed in as ``rng``, never
  from ``np.random``'s global state, and in the order each docstring states, so the same
  seed gives the same augmentation.
- Learning curves are per-epoch *accuracies* in [0, 1] (higher is better), not losses.
"""
import numpy as np

#: diagnose_fit: a final training accuracy below this is underfitting.
UNDERFIT_TRAIN_ACCURACY = 0.9
#: diagnose_fit: a final training accuracy above the final validation accuracy by more than this is overfitting.
OVERFIT_GAP = 0.05
#: diagnose_fit: a final validation accuracy below the best one of the run by more than this is overfitting.
OVERFIT_DROP = 0.02


def random_shift(images, max_shift, rng):
    r"""Move each image by its own random whole number of pixels, filling with zeros.

    Parameters
    ----------
    images : ndarray, shape (N, H, W)
        A batch of N images. Not modified.
    max_shift : int
        The largest shift along each axis, ``>= 0``. Each image moves by ``dy`` rows and
        ``dx`` columns, each drawn uniformly from the ``2 * max_shift + 1`` integers
        ``-max_shift, ..., max_shift``. ``max_shift = 0`` returns a copy of the images.
        A shift of H rows (or W columns) or more moves the whole image out of the frame.
    rng : numpy.random.Generator
        The source of the shifts. Exactly two calls, in this order, all images at once:
        ``dy = rng.integers(-max_shift, max_shift + 1, size=N)`` (the rows), then
        ``dx = rng.integers(-max_shift, max_shift + 1, size=N)`` (the columns). Nothing else
        is drawn, so the same seed gives the same shifts.

    Returns
    -------
    shifted : ndarray, shape (N, H, W), the dtype of images
        ``shifted[i, r, c] = images[i, r - dy[i], c - dx[i]]`` where that pixel lies inside
        the image, and 0 where it does not. A positive ``dy`` moves the content down, a
        positive ``dx`` to the right.

    Notes
    -----
    .. math:: \text{out}_i(r, c) = \begin{cases} x_i(r - \delta^y_i,\ c - \delta^x_i) &
              \text{if } 0 \le r - \delta^y_i < H \text{ and } 0 \le c - \delta^x_i < W \\
              0 & \text{otherwise} \end{cases}

    The pixels that leave the frame on one side are lost, and the ones that enter on the
    other side are zeros (the background of a digit). Nothing wraps around: ``np.roll``
    would bring the pixels that fall off the right edge back in on the left, and a stroke
    cut in two is not what a shifted digit looks like. A shift that keeps the content inside
    the frame moves every pixel unchanged, so the pixel values (and their sum) are kept.

    Why it matters: a classifier should not care where on the page a digit was written;
    shifted copies teach it exactly that, for free.
    """
    images = np.asarray(images)
    n, height, width = images.shape
    dy = rng.integers(-max_shift, max_shift + 1, size=n)  # the rows first ...
    dx = rng.integers(-max_shift, max_shift + 1, size=n)  # ... then the columns
    shifted = np.zeros_like(images)
    for i in range(n):
        sy, sx = int(dy[i]), int(dx[i])
        # The rows [top, bottom) and columns [left, right) of the output that receive a pixel; empty when the
        # shift is at least the size of the image.
        top, bottom = min(max(sy, 0), height), max(min(height + sy, height), 0)
        left, right = min(max(sx, 0), width), max(min(width + sx, width), 0)
        shifted[i, top:bottom, left:right] = images[i, top - sy:bottom - sy, left - sx:right - sx]
    return shifted


def random_rotate(images, max_degrees, rng):
    r"""Rotate each image about its centre by its own random angle, with bilinear interpolation.

    Parameters
    ----------
    images : ndarray, shape (N, H, W)
        A batch of N images. Not modified.
    max_degrees : float
        The largest angle, in degrees, ``>= 0``. Each image turns by an angle drawn uniformly
        from ``[-max_degrees, max_degrees]``. ``max_degrees = 0`` returns the images unchanged
        (as floats).
    rng : numpy.random.Generator
        The source of the angles. Exactly one call, all images at once:
        ``angles = rng.uniform(-max_degrees, max_degrees, size=N)``, in degrees. Nothing else
        is drawn, so the same seed gives the same angles.

    Returns
    -------
    rotated : ndarray of float, shape (N, H, W)
        Image ``i`` turned by ``angles[i]`` degrees counter-clockwise as displayed (row 0 at
        the top), about its centre ``(cy, cx) = ((H - 1) / 2, (W - 1) / 2)``. Its dtype is the
        dtype of images when that is a floating-point type, float64 otherwise. A square
        image turned by +90 degrees is ``np.rot90(image)``.

    Notes
    -----
    Every output pixel ``(r, c)`` looks up where it comes from (the inverse rotation), so the
    result has no holes. With :math:`\theta` the angle in radians,

    .. math:: r_s = c_y + (r - c_y) \cos\theta + (c - c_x) \sin\theta, \qquad
              c_s = c_x + (c - c_x) \cos\theta - (r - c_y) \sin\theta

    and the output is the image at :math:`(r_s, c_s)`, interpolated bilinearly from the four
    pixels around that point: with :math:`r_0 = \lfloor r_s \rfloor`, :math:`c_0 = \lfloor
    c_s \rfloor`, :math:`a = r_s - r_0` and :math:`b = c_s - c_0`,

    .. math:: \text{out}(r, c) = (1 - a)(1 - b)\, x(r_0, c_0) + (1 - a)\, b\, x(r_0, c_0 + 1)
              + a (1 - b)\, x(r_0 + 1, c_0) + a\, b\, x(r_0 + 1, c_0 + 1)

    where a pixel outside the image counts as 0. So the corners that come from outside the
    frame are 0, and every output value lies between ``min(0, images.min())`` and
    ``max(0, images.max())``: it is a weighted average of pixels and zeros. ``np.cos`` and
    ``np.sin`` take radians: convert with ``np.deg2rad``.

    Why it matters: handwriting slants. Small random rotations teach the network that a
    tilted digit is the same digit; large ones would not (a "6" turned by 180 degrees is a
    "9"), which is why ``max_degrees`` stays small.
    """
    images = np.asarray(images)
    n, height, width = images.shape
    dtype = images.dtype if np.issubdtype(images.dtype, np.floating) else np.float64
    pixels = images.astype(np.float64)
    theta = np.deg2rad(rng.uniform(-max_degrees, max_degrees, size=n))
    cos, sin = np.cos(theta)[:, None, None], np.sin(theta)[:, None, None]
    cy, cx = (height - 1) / 2, (width - 1) / 2
    rows, cols = np.meshgrid(np.arange(height) - cy, np.arange(width) - cx, indexing="ij")  # offsets from the centre
    source_r = cy + rows * cos + cols * sin  # (N, H, W): where each output pixel comes from
    source_c = cx + cols * cos - rows * sin
    r0, c0 = np.floor(source_r), np.floor(source_c)
    a, b = source_r - r0, source_c - c0
    r0, c0 = r0.astype(np.int64), c0.astype(np.int64)
    batch = np.arange(n)[:, None, None]
    rotated = np.zeros((n, height, width))
    for dr, weight_r in ((0, 1.0 - a), (1, a)):
        for dc, weight_c in ((0, 1.0 - b), (1, b)):
            r, c = r0 + dr, c0 + dc
            inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
            value = pixels[batch, np.clip(r, 0, height - 1), np.clip(c, 0, width - 1)]
            rotated += weight_r * weight_c * np.where(inside, value, 0.0)  # outside the image: 0
    return rotated.astype(dtype)


def augment_batch(images, rng, max_shift=2, max_degrees=10.0):
    r"""Augment a training minibatch: a random rotation, then a random shift, for each image.

    Parameters
    ----------
    images : ndarray, shape (N, H, W)
        A minibatch of training images. Not modified.
    rng : numpy.random.Generator
        The source of every draw, used by :func:`random_rotate` first (N angles) and then by
        :func:`random_shift` (N row shifts, then N column shifts).
    max_shift : int, default 2
        Passed to :func:`random_shift`: shifts of up to 2 pixels along each axis.
    max_degrees : float, default 10.0
        Passed to :func:`random_rotate`: angles of up to 10 degrees either way.

    Returns
    -------
    augmented : ndarray of float, shape (N, H, W)
        ``random_shift(random_rotate(images, max_degrees, rng), max_shift, rng)``: image
        ``i`` is image ``i`` rotated and then shifted, in the same order as the input, so
        the labels still belong to their images.

    Notes
    -----
    Call it on every training minibatch, afresh each time, and train on what it returns
    with the minibatch's own labels; evaluate on the validation and test images as they
    are. The labels are untouched because this function never sees them: it returns one
    image per input image, in order (returning the originals and their augmented copies
    together, 2N images, would no longer line up with the N labels). No flips: a mirrored
    digit is not the same digit.

    Why it matters: the network sees a slightly different version of each image in every
    epoch, which makes memorising the training set much harder than learning the digits.
    """
    rotated = random_rotate(images, max_degrees, rng)
    return random_shift(rotated, max_shift, rng)


def diagnose_fit(train_curve, val_curve):
    r"""Read a run's learning curves: "underfitting", "overfitting" or "good fit".

    Parameters
    ----------
    train_curve : sequence of float, length E >= 1
        The training accuracy after each of the E epochs, in [0, 1] (a list or an array).
    val_curve : sequence of float, length E
        The validation accuracy after each epoch, in [0, 1].

    Returns
    -------
    verdict : str
        Exactly one of ``"underfitting"``, ``"overfitting"``, ``"good fit"``, by the first
        rule that applies:

        1. ``"underfitting"`` when the final training accuracy ``train_curve[-1]`` is below
           ``UNDERFIT_TRAIN_ACCURACY`` (0.9): the model does not even fit the data it is
           trained on.
        2. ``"overfitting"`` when the final training accuracy exceeds the final validation
           accuracy by more than ``OVERFIT_GAP`` (0.05), ``train_curve[-1] - val_curve[-1]
           > 0.05``; or when the final validation accuracy has fallen below the best
           validation accuracy of the run by more than ``OVERFIT_DROP`` (0.02),
           ``max(val_curve) - val_curve[-1] > 0.02``.
        3. ``"good fit"`` otherwise.

    Notes
    -----
    Every comparison is strict: exactly at a threshold a rule does not fire (a final
    training accuracy of exactly 0.9 is not underfitting, a gap of exactly 0.05 is not
    overfitting). Only the final values and the best validation value count; the gap is
    training minus validation, so a validation accuracy *above* the training accuracy
    (which happens when training is measured with dropout or on augmented images) is no
    sign of overfitting.

    Underfitting is checked first: when a model fits its training data poorly, that is the
    problem to fix first (more capacity, longer training, less regularisation), whatever the
    gap. Overfitting has two faces: a wide gap between the curves, and a validation curve
    that has turned round and is falling while training goes on. The thresholds suit a task
    like MNIST, where a good model reaches well over 90 % accuracy.

    Why it matters: the two problems need opposite cures. An underfitting model needs more
    capacity or training; an overfitting one needs more data (or augmentation),
    regularisation, dropout or early stopping. Learning curves tell you which.
    """
    final_train, final_val = float(train_curve[-1]), float(val_curve[-1])
    if final_train < UNDERFIT_TRAIN_ACCURACY:
        return "underfitting"
    if final_train - final_val > OVERFIT_GAP:
        return "overfitting"
    if float(np.max(val_curve)) - final_val > OVERFIT_DROP:
        return "overfitting"
    return "good fit"
