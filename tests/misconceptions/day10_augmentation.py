"""Known-buggy versions of Day 10, planted as patches of solutions/day10_augmentation.py."""
from grader.catalog import Mutant
from tests.probes import day10_augmentation as probes

_SHIFT, _ROTATE = "day10.random_shift", "day10.random_rotate"
_AUGMENT, _DIAGNOSE = "day10.augment_batch", "day10.diagnose_fit"

_DRAW_DY = "dy = rng.integers(-max_shift, max_shift + 1, size=n)"
_DRAW_DX = "dx = rng.integers(-max_shift, max_shift + 1, size=n)"
_DRAW_ANGLES = "rng.uniform(-max_degrees, max_degrees, size=n)"
_CENTRE = "cy, cx = (height - 1) / 2, (width - 1) / 2"
_ROTATE_CALL = "rotated = random_rotate(images, max_degrees, rng)"
_AUGMENT_BODY = f"    {_ROTATE_CALL}\n    return random_shift(rotated, max_shift, rng)\n"

MUTANTS = [
    # -- random_shift ---------------------------------------------------------------------------------
    Mutant(exercise=_SHIFT, id="np_roll_wraparound",
           mistake="the images are shifted with np.roll, so the pixels that leave on one side come back in on the "
                   "other instead of disappearing.",
           fix="start from np.zeros_like(images) and copy only the part of each image that stays inside the frame.",
           patch=[("shifted[i, top:bottom, left:right] = images[i, top - sy:bottom - sy, left - sx:right - sx]",
                   "shifted[i] = np.roll(images[i], (sy, sx), axis=(0, 1))")]),
    Mutant(exercise=_SHIFT, id="same_shift_for_every_image",
           mistake="one shift is drawn for the whole batch, so every image moves the same way.",
           fix="draw one shift per image: rng.integers(-max_shift, max_shift + 1, size=N) for the rows, then the "
               "same for the columns.",
           patch=[(_DRAW_DY, "dy = np.full(n, rng.integers(-max_shift, max_shift + 1))"),
                  (_DRAW_DX, "dx = np.full(n, rng.integers(-max_shift, max_shift + 1))")]),
    Mutant(exercise=_SHIFT, id="only_non_negative_shifts",
           mistake="the shifts are drawn from [0, max_shift], so images only ever move down and to the right.",
           fix="draw from [-max_shift, max_shift]: rng.integers(-max_shift, max_shift + 1, size=N).",
           patch=[(_DRAW_DY, "dy = rng.integers(0, max_shift + 1, size=n)"),
                  (_DRAW_DX, "dx = rng.integers(0, max_shift + 1, size=n)")]),
    Mutant(exercise=_SHIFT, id="upper_bound_excluded",
           mistake="rng.integers(-max_shift, max_shift) excludes its upper bound, so no image ever moves by "
                   "+max_shift.",
           fix="rng.integers' high is exclusive: use rng.integers(-max_shift, max_shift + 1, size=N).",
           patch=[(_DRAW_DY, "dy = rng.integers(-max_shift, max_shift, size=n)"),
                  (_DRAW_DX, "dx = rng.integers(-max_shift, max_shift, size=n)")]),
    Mutant(exercise=_SHIFT, id="opposite_direction",
           mistake="the content moves by (-dy, -dx): up for a positive dy, left for a positive dx.",
           fix="shifted[i, r, c] = images[i, r - dy[i], c - dx[i]]: a positive dy moves the content down, a positive "
               "dx to the right.",
           patch=[("sy, sx = int(dy[i]), int(dx[i])", "sy, sx = -int(dy[i]), -int(dx[i])")]),
    Mutant(exercise=_SHIFT, id="columns_drawn_first",
           mistake="the first draw is used for the columns and the second for the rows.",
           fix="the first rng.integers call gives the row shifts dy, the second the column shifts dx.",
           patch=[("sy, sx = int(dy[i]), int(dx[i])", "sy, sx = int(dx[i]), int(dy[i])")]),
    Mutant(exercise=_SHIFT, id="drawn_image_by_image",
           mistake="the shifts are drawn image by image, (dy, dx) for image 0, then for image 1, ... (one call of "
                   "size (N, 2)), so a seed gives other shifts than the documented draws.",
           fix="draw all N row shifts first, rng.integers(-max_shift, max_shift + 1, size=N), then all N column "
               "shifts the same way.",
           patch=[(_DRAW_DY, "dy, dx = rng.integers(-max_shift, max_shift + 1, size=(n, 2)).T"),
                  (_DRAW_DX, "pass")]),
    Mutant(exercise=_SHIFT, id="one_draw_for_both_axes",
           mistake="one number is drawn per image and used for both axes, so every image moves along a diagonal.",
           fix="draw the column shifts separately, after the row shifts: two calls of rng.integers.",
           patch=[(_DRAW_DX, "dx = dy")]),
    Mutant(exercise=_SHIFT, id="input_modified_in_place",
           mistake="the output is the input array itself (shifted = images), so the caller's images are overwritten "
                   "and the uncovered border keeps its old pixels instead of zeros.",
           fix="build a new array: shifted = np.zeros_like(images), then copy the part that stays in the frame.",
           patch=[("shifted = np.zeros_like(images)", "shifted = images")]),

    # -- random_rotate --------------------------------------------------------------------------------
    Mutant(exercise=_ROTATE, id="rotation_about_the_corner",
           mistake="the images turn about their top-left corner (0, 0) instead of their centre.",
           fix="rotate about (cy, cx) = ((H - 1) / 2, (W - 1) / 2): subtract it before rotating, add it back after.",
           patch=[(_CENTRE, "cy, cx = 0.0, 0.0")]),
    Mutant(exercise=_ROTATE, id="centre_off_by_half_a_pixel",
           mistake="the centre is taken as (H / 2, W / 2), half a pixel off the middle of the pixel grid.",
           fix="the middle of rows 0 ... H - 1 is (H - 1) / 2: use (cy, cx) = ((H - 1) / 2, (W - 1) / 2).",
           patch=[(_CENTRE, "cy, cx = height / 2, width / 2")]),
    Mutant(exercise=_ROTATE, id="centre_axes_swapped",
           mistake="the centre's row and column are swapped, ((W - 1) / 2, (H - 1) / 2), which is wrong for "
                   "non-square images.",
           fix="cy comes from the height (rows) and cx from the width (columns).",
           patch=[(_CENTRE, "cy, cx = (width - 1) / 2, (height - 1) / 2")]),
    Mutant(exercise=_ROTATE, id="clockwise",
           mistake="a positive angle turns the image clockwise as displayed; the convention is counter-clockwise "
                   "(+90 degrees is np.rot90).",
           fix="the source of output pixel (r, c) is r_s = cy + (r - cy) cos + (c - cx) sin, c_s = cx + (c - cx) cos "
               "- (r - cy) sin.",
           patch=[("source_r = cy + rows * cos + cols * sin", "source_r = cy + rows * cos - cols * sin"),
                  ("source_c = cx + cols * cos - rows * sin", "source_c = cx + cols * cos + rows * sin")]),
    Mutant(exercise=_ROTATE, id="degrees_used_as_radians",
           mistake="the angles in degrees go straight into np.cos and np.sin, which take radians.",
           fix="convert first: theta = np.deg2rad(angles).",
           patch=[(f"theta = np.deg2rad({_DRAW_ANGLES})", f"theta = {_DRAW_ANGLES}")]),
    Mutant(exercise=_ROTATE, id="nearest_neighbour",
           mistake="each output pixel takes the value of the nearest source pixel instead of interpolating "
                   "bilinearly between the four around it.",
           fix="weight the four neighbours by (1 - a)(1 - b), (1 - a) b, a (1 - b) and a b, with a and b the "
               "fractional parts of the source position.",
           patch=[("a, b = source_r - r0, source_c - c0", "a, b = np.round(source_r - r0), np.round(source_c - c0)")]),
    Mutant(exercise=_ROTATE, id="border_pixels_repeated",
           mistake="positions outside the image read the nearest border pixel (indices clipped) instead of 0, so the "
                   "corners are filled with smeared edges.",
           fix="a neighbour outside the image counts as 0: multiply by the inside mask, or np.where(inside, value, 0).",
           patch=[("rotated += weight_r * weight_c * np.where(inside, value, 0.0)",
                   "rotated += weight_r * weight_c * value")]),
    Mutant(exercise=_ROTATE, id="same_angle_for_every_image",
           mistake="one angle is drawn for the whole batch, so every image turns by the same amount.",
           fix="draw one angle per image: rng.uniform(-max_degrees, max_degrees, size=N).",
           patch=[(_DRAW_ANGLES, "np.full(n, rng.uniform(-max_degrees, max_degrees))")]),
    Mutant(exercise=_ROTATE, id="only_positive_angles",
           mistake="the angles are drawn from [0, max_degrees], so images only ever turn counter-clockwise.",
           fix="draw from [-max_degrees, max_degrees]: rng.uniform(-max_degrees, max_degrees, size=N).",
           patch=[(_DRAW_ANGLES, "rng.uniform(0.0, max_degrees, size=n)")]),
    Mutant(exercise=_ROTATE, id="integer_dtype_kept",
           mistake="the result keeps the input's dtype, so integer (uint8) images have their interpolated values cut "
                   "down to whole numbers.",
           fix="return floats: the images' dtype when it is floating point, float64 otherwise.",
           patch=[("return rotated.astype(dtype)", "return rotated.astype(images.dtype)")]),

    # -- augment_batch ----------------------------------------------------------------------------------
    Mutant(exercise=_AUGMENT, id="shift_before_rotate",
           mistake="the images are shifted first and rotated second, so the draws come in another order (and the "
                   "rotation turns the shifted digit about the frame's centre).",
           fix="random_rotate first, then random_shift, both with the same rng.",
           patch=[(_AUGMENT_BODY, "    shifted = random_shift(images, max_shift, rng)\n"
                                  "    return random_rotate(shifted, max_degrees, rng)\n")]),
    Mutant(exercise=_AUGMENT, id="random_flips",
           mistake="half of the images are also mirrored left to right; a mirrored digit is not a digit of the same "
                   "class (a mirrored 2 or 7 is no digit at all).",
           fix="no flips for digits: rotate, then shift, and nothing else.",
           patch=[("    return random_shift(rotated, max_shift, rng)\n",
                   "    augmented = random_shift(rotated, max_shift, rng)\n"
                   "    flip = rng.random(len(augmented)) < 0.5\n"
                   "    augmented[flip] = augmented[flip, :, ::-1]\n"
                   "    return augmented\n")]),
    Mutant(exercise=_AUGMENT, id="arguments_ignored",
           mistake="max_shift and max_degrees are not passed on: the calls use the defaults 2 and 10 whatever the "
                   "caller asks for.",
           fix="pass them through: random_rotate(images, max_degrees, rng), then random_shift(rotated, max_shift, "
               "rng).",
           patch=[(_ROTATE_CALL, "rotated = random_rotate(images, 10.0, rng)"),
                  ("random_shift(rotated, max_shift, rng)", "random_shift(rotated, 2, rng)")]),
    Mutant(exercise=_AUGMENT, id="arguments_swapped",
           mistake="max_shift goes to random_rotate and max_degrees to random_shift, so the images turn by at most "
                   "2 degrees and move by up to 10 pixels.",
           fix="random_rotate(images, max_degrees, rng), then random_shift(rotated, max_shift, rng).",
           patch=[(_ROTATE_CALL, "rotated = random_rotate(images, max_shift, rng)"),
                  ("random_shift(rotated, max_shift, rng)", "random_shift(rotated, max_degrees, rng)")]),
    Mutant(exercise=_AUGMENT, id="originals_and_copies",
           mistake="the originals are returned together with their augmented copies (2N images), which no longer "
                   "line up with the N labels.",
           fix="return exactly one augmented image per input image, in the same order.",
           patch=[("    return random_shift(rotated, max_shift, rng)\n",
                   "    return np.concatenate([images, random_shift(rotated, max_shift, rng)])\n")]),
    Mutant(exercise=_AUGMENT, id="own_fixed_seed",
           mistake="a generator with a fixed seed is made inside (np.random.default_rng(0)), so every call augments "
                   "the same way whatever rng is passed in.",
           fix="draw everything from the rng argument.",
           patch=[(_AUGMENT_BODY, "    rng = np.random.default_rng(0)\n" + _AUGMENT_BODY)]),
    Mutant(exercise=_AUGMENT, id="input_overwritten",
           mistake="the augmented images are written back into the input array, so the caller's training set "
                   "drifts a little further at every call.",
           fix="return the new array and leave images untouched.",
           patch=[("    return random_shift(rotated, max_shift, rng)\n",
                   "    images[...] = random_shift(rotated, max_shift, rng)\n    return images\n")]),

    # -- diagnose_fit -----------------------------------------------------------------------------------
    Mutant(exercise=_DIAGNOSE, id="gap_sign_reversed",
           mistake="the gap is taken as validation minus training, so a validation accuracy above the training one "
                   "counts as overfitting and a real gap does not.",
           fix="the gap is train_curve[-1] - val_curve[-1].",
           patch=[("if final_train - final_val > OVERFIT_GAP:", "if final_val - final_train > OVERFIT_GAP:")]),
    Mutant(exercise=_DIAGNOSE, id="gap_of_either_sign",
           mistake="the size of the gap counts whichever curve is higher, so a validation accuracy well above the "
                   "training one is called overfitting.",
           fix="only training above validation is overfitting: train_curve[-1] - val_curve[-1] > 0.05, no abs().",
           patch=[("if final_train - final_val > OVERFIT_GAP:", "if abs(final_train - final_val) > OVERFIT_GAP:")]),
    Mutant(exercise=_DIAGNOSE, id="underfit_at_threshold_counts",
           mistake="a final training accuracy of exactly 0.9 counts as underfitting (<= instead of <).",
           fix="the rule is strict: train_curve[-1] < 0.9.",
           patch=[("if final_train < UNDERFIT_TRAIN_ACCURACY:", "if final_train <= UNDERFIT_TRAIN_ACCURACY:")]),
    Mutant(exercise=_DIAGNOSE, id="validation_trend_ignored",
           mistake="only the gap is read: a validation accuracy that has turned round and fallen from its best is not "
                   "called overfitting.",
           fix="also return 'overfitting' when max(val_curve) - val_curve[-1] > 0.02.",
           patch=[("    if float(np.max(val_curve)) - final_val > OVERFIT_DROP:\n        return \"overfitting\"\n",
                   "")]),
    Mutant(exercise=_DIAGNOSE, id="drop_from_first_epoch",
           mistake="the validation drop is measured from the first epoch instead of from the best epoch.",
           fix="compare with the best validation accuracy of the run: max(val_curve) - val_curve[-1] > 0.02.",
           patch=[("float(np.max(val_curve)) - final_val", "float(val_curve[0]) - final_val")]),
    Mutant(exercise=_DIAGNOSE, id="best_training_accuracy",
           mistake="the best training accuracy of the run is used instead of the final one.",
           fix="the rules read the final values, train_curve[-1] and val_curve[-1].",
           patch=[("final_train, final_val = float(train_curve[-1]), float(val_curve[-1])",
                   "final_train, final_val = float(np.max(train_curve)), float(val_curve[-1])")]),
    Mutant(exercise=_DIAGNOSE, id="mean_over_epochs",
           mistake="the curves are averaged over the epochs instead of read at the final epoch.",
           fix="the rules read the final values, train_curve[-1] and val_curve[-1].",
           patch=[("final_train, final_val = float(train_curve[-1]), float(val_curve[-1])",
                   "final_train, final_val = float(np.mean(train_curve)), float(np.mean(val_curve))")]),
    Mutant(exercise=_DIAGNOSE, id="overfitting_checked_first",
           mistake="the overfitting rules are applied before the underfitting rule, so a model that fits its "
                   "training data poorly but has a wide gap is called overfitting.",
           fix="check underfitting first: train_curve[-1] < 0.9 gives 'underfitting' whatever the gap.",
           patch=[("    if final_train < UNDERFIT_TRAIN_ACCURACY:\n        return \"underfitting\"\n"
                   "    if final_train - final_val > OVERFIT_GAP:\n        return \"overfitting\"\n",
                   "    if final_train - final_val > OVERFIT_GAP:\n        return \"overfitting\"\n"
                   "    if final_train < UNDERFIT_TRAIN_ACCURACY:\n        return \"underfitting\"\n")]),
]

PROBES = {
    _SHIFT: probes.catalog_random_shift,
    _ROTATE: probes.catalog_random_rotate,
    _AUGMENT: probes.catalog_augment_batch,
    _DIAGNOSE: probes.catalog_diagnose_fit,
}
