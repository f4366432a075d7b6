"""Known-buggy versions of Day 13, planted as patches of solutions/day13_mnist_pipeline.py.

The one mistake of the brief that is not here, "evaluate in training mode", cannot be written
with this API: ``model.loss(X)`` is test mode by definition, and ``model.loss(X, y)`` returns
``(loss, grads)``, not scores, so an evaluate that asks for training mode crashes instead of
returning a wrong accuracy (the check that calls evaluate with a recording model says so).
"""
from grader.catalog import Mutant
from tests.probes import day13_mnist_pipeline as probes

_PRE, _SPLIT, _BATCHES = "day13.preprocess", "day13.train_val_split", "day13.iterate_minibatches"
_NET, _EVAL, _TRAIN = "day13.FullyConnectedNet", "day13.evaluate", "day13.train"

_SPLIT_RETURN = "    return X[train_rows], y[train_rows], X[val_rows], y[val_rows]"
_ORDER = "order = rng.permutation(num_examples) if shuffle else np.arange(num_examples)"
_DROPOUT = "h, dropout_cache = dropout_forward(h, self.keep_prob, train, self.rng)"
_PENALTY = "loss += 0.5 * self.reg * float(np.sum(W * W))"
_W_GRAD = 'grads[f"W{layer}"] = grads[f"W{layer}"] + self.reg * W'
_BIAS_PENALTY = ('\n            b = self.params[f"b{layer}"]'
                 '\n            loss += 0.5 * self.reg * float(np.sum(b * b))'
                 '\n            grads[f"b{layer}"] = grads[f"b{layer}"] + self.reg * b')
_EVAL_BODY = ("    correct = 0\n"
              "    for start in range(0, X.shape[0], batch_size):\n"
              "        scores = model.loss(X[start:start + batch_size])  # y None: test mode, no dropout\n"
              "        correct += int(np.count_nonzero(np.argmax(scores, axis=1) == y[start:start + batch_size]))\n"
              "    return correct / X.shape[0]\n")
_UPDATE = "                model.params[name], configs[name] = rule("
_CONFIGS = "configs = {name: copy.deepcopy(config) if config is not None else {} for name in model.params}"
_STOP_TEST = 'if patience is not None and epoch - history["best_epoch"] >= patience:'
_SCHEDULE = ("            if schedule is not None:\n"
             "                learning_rate = schedule(step)\n"
             "                for name in configs:\n"
             "                    configs[name][\"learning_rate\"] = learning_rate\n")

MUTANTS = [
    # -- preprocess --------------------------------------------------------------------------------------
    Mutant(exercise=_PRE, id="not_scaled",
           mistake="the pixels are converted to float but not divided by 255, so they stay 0 ... 255.",
           fix="divide by 255 after converting: X = images.reshape(N, -1).astype(dtype); X /= 255.",
           patch=[("    X /= 255\n", "")]),
    Mutant(exercise=_PRE, id="integer_division",
           mistake="images // 255 is an integer division: every pixel below 255 becomes 0.",
           fix="convert to the float dtype first, then divide: astype(dtype) / 255.",
           patch=[("X = images.reshape(images.shape[0], -1).astype(dtype)",
                   "X = (images.reshape(images.shape[0], -1) // 255).astype(dtype)"),
                  ("    X /= 255\n", "")]),
    Mutant(exercise=_PRE, id="divided_by_256",
           mistake="the pixels are divided by 256, so the brightest pixel 255 becomes 0.996 instead of 1.",
           fix="divide by 255, the largest uint8 value.",
           patch=[("X /= 255", "X /= 256")]),
    Mutant(exercise=_PRE, id="not_flattened",
           mistake="the images keep their (N, 28, 28) shape instead of becoming rows of 784 values.",
           fix="reshape each example into one row: images.reshape(images.shape[0], -1).",
           patch=[("images.reshape(images.shape[0], -1).astype(dtype)", "images.astype(dtype)")]),
    Mutant(exercise=_PRE, id="centred_with_own_mean",
           mistake="the images are centred with their own mean instead of the mean passed in: preprocessing the "
                   "test set this way centres it with the test set's statistics.",
           fix="subtract the mean argument (the training set's mean image), whatever images you are given.",
           patch=[("X -= np.asarray(mean, dtype=dtype)", "X -= X.mean(axis=0)")]),
    Mutant(exercise=_PRE, id="mean_ignored",
           mistake="the mean argument is never subtracted.",
           fix="when mean is not None, X -= np.asarray(mean, dtype=dtype).",
           patch=[("        X -= np.asarray(mean, dtype=dtype)", "        pass")]),
    Mutant(exercise=_PRE, id="dtype_ignored",
           mistake="the result is always float64, whatever dtype is asked for, so a float32 network is fed "
                   "float64 inputs.",
           fix="convert with .astype(dtype), the argument.",
           patch=[("images.reshape(images.shape[0], -1).astype(dtype)",
                   "images.reshape(images.shape[0], -1).astype(np.float64)")]),

    # -- train_val_split -----------------------------------------------------------------------------
    Mutant(exercise=_SPLIT, id="validation_in_training_set",
           mistake="the training set is the whole shuffled set, so it also holds every validation example.",
           fix="train on order[val_size:] only: the two parts must be disjoint.",
           patch=[(_SPLIT_RETURN, "    return X[order], y[order], X[val_rows], y[val_rows]")]),
    Mutant(exercise=_SPLIT, id="not_shuffled",
           mistake="the last val_size rows are held out in their stored order, without shuffling.",
           fix="shuffle first with order = rng.permutation(N), then split the order.",
           patch=[("    order = rng.permutation(X.shape[0])\n    val_rows, train_rows = order[:val_size], "
                   "order[val_size:]\n",
                   "    val_rows = np.arange(X.shape[0] - val_size, X.shape[0])\n"
                   "    train_rows = np.arange(X.shape[0] - val_size)\n")]),
    Mutant(exercise=_SPLIT, id="labels_shuffled_separately",
           mistake="the labels are reordered with a second permutation, so they no longer belong to their examples.",
           fix="index X and y with the same rows of one permutation.",
           patch=[(_SPLIT_RETURN, "    labels = y[rng.permutation(X.shape[0])]\n"
                                  "    return X[train_rows], labels[val_size:], X[val_rows], labels[:val_size]")]),
    Mutant(exercise=_SPLIT, id="sklearn_order",
           mistake="the parts are returned in scikit-learn's order (X_train, X_val, y_train, y_val).",
           fix="return (X_train, y_train, X_val, y_val), as the docstring says.",
           patch=[(_SPLIT_RETURN, "    return X[train_rows], X[val_rows], y[train_rows], y[val_rows]")]),

    # -- iterate_minibatches ---------------------------------------------------------------------------
    Mutant(exercise=_BATCHES, id="sampled_with_replacement",
           mistake="each batch is drawn at random with replacement, so in one epoch some examples come twice and "
                   "others never.",
           fix="shuffle once, order = rng.permutation(N), and cut that order into consecutive slices.",
           patch=[("rows = order[start:start + batch_size]",
                   "rows = rng.integers(0, num_examples, min(batch_size, num_examples - start))")]),
    Mutant(exercise=_BATCHES, id="last_batch_dropped",
           mistake="the last, smaller batch is dropped, so up to batch_size - 1 examples are never trained on.",
           fix="loop with range(0, N, batch_size) and keep the shorter last slice.",
           patch=[("range(0, num_examples, batch_size)", "range(0, num_examples - batch_size + 1, batch_size)")]),
    Mutant(exercise=_BATCHES, id="empty_last_batch",
           mistake="N // batch_size + 1 batches are made, so an empty batch comes last whenever batch_size divides N.",
           fix="loop with range(0, N, batch_size): it stops before N.",
           patch=[("range(0, num_examples, batch_size)",
                   "range(0, (num_examples // batch_size + 1) * batch_size, batch_size)")]),
    Mutant(exercise=_BATCHES, id="shuffle_ignored",
           mistake="the examples are shuffled even with shuffle=False.",
           fix="use rng.permutation(N) only when shuffle is true, np.arange(N) otherwise.",
           patch=[(_ORDER, "order = rng.permutation(num_examples)")]),
    Mutant(exercise=_BATCHES, id="never_shuffled",
           mistake="the examples always come in their stored order, even with shuffle=True.",
           fix="when shuffle is true, visit them in the order rng.permutation(N).",
           patch=[(_ORDER, "order = np.arange(num_examples)")]),
    Mutant(exercise=_BATCHES, id="labels_shuffled_separately",
           mistake="X and y are reordered by two different permutations, so the labels no longer belong to their "
                   "examples.",
           fix="index X and y with the same rows.",
           patch=[(_ORDER, _ORDER + "\n    label_order = rng.permutation(num_examples) if shuffle else order"),
                  ("yield X[rows], y[rows]", "yield X[rows], y[label_order[start:start + batch_size]]")]),
    Mutant(exercise=_BATCHES, id="shuffled_in_place",
           mistake="rng.shuffle(X) and rng.shuffle(y) reorder the caller's arrays in place, each with its own draw, "
                   "so the data are changed and the labels no longer match.",
           fix="leave X and y alone and index them with one permutation: X[order[start:stop]].",
           patch=[(_ORDER, "if shuffle:\n        rng.shuffle(X)\n        rng.shuffle(y)\n"
                           "    order = np.arange(num_examples)")]),

    # -- FullyConnectedNet -----------------------------------------------------------------------------
    Mutant(exercise=_NET, id="dropout_at_test_time",
           mistake="dropout is applied at test time too (y None), so the scores are random and scaled.",
           fix="call dropout_forward(h, keep_prob, train, rng) with train = y is not None.",
           patch=[(_DROPOUT, "h, dropout_cache = dropout_forward(h, self.keep_prob, True, self.rng)")]),
    Mutant(exercise=_NET, id="keep_prob_as_drop",
           mistake="1 - keep_prob is passed to dropout_forward, as if keep_prob were the probability of dropping.",
           fix="pass self.keep_prob itself: dropout_forward takes the probability of keeping a unit.",
           patch=[(_DROPOUT, "h, dropout_cache = dropout_forward(h, 1.0 - self.keep_prob, train, self.rng)")]),
    Mutant(exercise=_NET, id="dropout_on_input",
           mistake="dropout is also applied to the input X, before the first layer.",
           fix="apply dropout only after each hidden ReLU.",
           patch=[("        caches = []\n",
                   "        caches = []\n        if self.keep_prob < 1.0:\n"
                   "            h, _ = dropout_forward(h, self.keep_prob, train, self.rng)\n")]),
    Mutant(exercise=_NET, id="dropout_backward_missing",
           mistake="the backward pass skips dropout_backward, so dropped units still pass gradient back and kept "
                   "ones miss the 1 / keep_prob factor.",
           fix="in each hidden layer, dh = dropout_backward(dh, dropout_cache) before relu_backward.",
           patch=[("            if dropout_cache is not None:\n"
                   "                dh = dropout_backward(dh, dropout_cache)  # the mask of this very forward pass\n",
                   "")]),
    Mutant(exercise=_NET, id="dropout_rng_kept_from_init",
           mistake="the dropout masks come from the generator the net was built with, kept aside, so setting "
                   "model.rng has no effect and a gradient check sees new masks at every evaluation.",
           fix="draw every mask from self.rng, read at the call.",
           patch=[("self.rng = np.random.default_rng() if rng is None else rng",
                   "self.rng = np.random.default_rng() if rng is None else rng\n        self._masks = self.rng"),
                  (_DROPOUT, "h, dropout_cache = dropout_forward(h, self.keep_prob, train, self._masks)")]),
    Mutant(exercise=_NET, id="dropout_without_keep_prob_check",
           mistake="dropout_forward is called even with keep_prob = 1, drawing a mask of all ones from model.rng at "
                   "every training step.",
           fix="only add a dropout layer when keep_prob < 1.",
           patch=[("            if self.keep_prob < 1.0:\n                " + _DROPOUT + "\n",
                   "            " + _DROPOUT + "\n")]),
    Mutant(exercise=_NET, id="relu_on_scores",
           mistake="a ReLU follows the last layer too, so negative scores become 0.",
           fix="the last layer is a plain affine_forward; the softmax takes raw scores.",
           patch=[("        if not train:\n            return scores\n",
                   "        scores, _ = relu_forward(scores)\n        if not train:\n            return scores\n")]),
    Mutant(exercise=_NET, id="reg_on_biases",
           mistake="the L2 penalty also covers the biases, and their gradients get reg * b.",
           fix="regularise the weight matrices W1, W2, ... only.",
           patch=[(_PENALTY, _PENALTY + _BIAS_PENALTY)]),
    Mutant(exercise=_NET, id="reg_without_half",
           mistake="the penalty is reg * sum(W**2), twice the convention 0.5 * reg * sum(W**2) whose gradient is "
                   "reg * W.",
           fix="loss += 0.5 * reg * np.sum(W * W) for every weight.",
           patch=[(_PENALTY, "loss += self.reg * float(np.sum(W * W))")]),
    Mutant(exercise=_NET, id="reg_gradient_missing",
           mistake="the L2 term reg * W is missing from the weight gradients.",
           fix="add reg * W to every weight gradient.",
           patch=[(_W_GRAD, "pass")]),
    Mutant(exercise=_NET, id="penalty_overwritten",
           mistake="each layer's penalty replaces the loss instead of adding to it, so only the last layer's "
                   "penalty is left.",
           fix="accumulate: loss += 0.5 * reg * np.sum(W * W) for every layer, on top of the data loss.",
           patch=[("loss, dscores = softmax_loss(scores, y)", "data_loss, dscores = softmax_loss(scores, y)"),
                  (_PENALTY, "loss = data_loss + 0.5 * self.reg * float(np.sum(W * W))")]),
    Mutant(exercise=_NET, id="input_not_cast",
           mistake="X is used in its own dtype, so a float64 X turns a float32 network's whole computation float64.",
           fix="start with h = X.astype(self.dtype, copy=False).",
           patch=[("h = X.astype(self.dtype, copy=False)", "h = X")]),
    Mutant(exercise=_NET, id="biases_float64",
           mistake="the biases are created as float64 whatever the dtype, so a float32 network computes in float64.",
           fix="np.zeros(fan_out, dtype=dtype).",
           patch=[("np.zeros(fan_out, dtype=self.dtype)", "np.zeros(fan_out)")]),
    Mutant(exercise=_NET, id="weights_float64",
           mistake="the initial weights keep the float64 of he_init and xavier_init whatever the dtype.",
           fix="convert them: init(fan_in, fan_out, rng).astype(dtype).",
           patch=[("initialise(fan_in, fan_out, self.rng).astype(self.dtype)",
                   "initialise(fan_in, fan_out, self.rng)")]),
    Mutant(exercise=_NET, id="reg_kept_as_numpy_scalar",
           mistake="reg is stored as given; a NumPy float64 reg times a float32 weight is float64, so the weight "
                   "gradients of a float32 network become float64.",
           fix="store it as a Python float: self.reg = float(reg).",
           patch=[("self.reg = float(reg)", "self.reg = reg")]),
    Mutant(exercise=_NET, id="keep_prob_kept_as_numpy_scalar",
           mistake="keep_prob is stored as given; dividing a float32 array by a NumPy float64 keep_prob makes it "
                   "float64, and with it the rest of the training pass.",
           fix="store it as a Python float: self.keep_prob = float(keep_prob).",
           patch=[("self.keep_prob = float(keep_prob)", "self.keep_prob = keep_prob")]),
    Mutant(exercise=_NET, id="init_ignored",
           mistake="He initialisation is used whatever init says.",
           fix="use xavier_init when init == 'xavier'.",
           patch=[('initialise = he_init if init == "he" else xavier_init', "initialise = he_init")]),
    Mutant(exercise=_NET, id="one_hidden_layer_only",
           mistake="only the first hidden size is used, so the network has one hidden layer whatever hidden_dims "
                   "says.",
           fix="dims = [input_dim, *hidden_dims, num_classes], one layer per consecutive pair.",
           patch=[("dims = [input_dim, *hidden_dims, num_classes]",
                   "dims = [input_dim, hidden_dims[0], num_classes]")]),

    # -- evaluate ---------------------------------------------------------------------------------------
    Mutant(exercise=_EVAL, id="mean_of_batch_accuracies",
           mistake="the accuracy is the mean of the per-batch accuracies, which weighs a smaller last batch like a "
                   "full one.",
           fix="count the right answers over all batches and divide once by N.",
           patch=[("    correct = 0\n", "    accuracies = []\n"),
                  ("        correct += int(np.count_nonzero(np.argmax(scores, axis=1) == y[start:start + batch_size]))",
                   "        accuracies.append(np.mean(np.argmax(scores, axis=1) == y[start:start + batch_size]))"),
                  ("    return correct / X.shape[0]", "    return float(np.mean(accuracies))")]),
    Mutant(exercise=_EVAL, id="last_batch_dropped",
           mistake="the last, smaller batch is never evaluated.",
           fix="loop with range(0, N, batch_size).",
           patch=[("range(0, X.shape[0], batch_size)", "range(0, X.shape[0] - batch_size + 1, batch_size)")]),
    Mutant(exercise=_EVAL, id="one_call",
           mistake="all N examples go through model.loss at once, so memory grows with N.",
           fix="go through X in slices of at most batch_size rows.",
           patch=[(_EVAL_BODY, "    return float(np.mean(np.argmax(model.loss(X), axis=1) == y))\n")]),
    Mutant(exercise=_EVAL, id="batch_size_ignored",
           mistake="the batches are always 1000 rows, whatever batch_size says.",
           fix="slice X[start:start + batch_size] with the argument.",
           patch=[("range(0, X.shape[0], batch_size)", "range(0, X.shape[0], 1000)"),
                  ("X[start:start + batch_size]", "X[start:start + 1000]"),
                  ("y[start:start + batch_size]", "y[start:start + 1000]")]),
    Mutant(exercise=_EVAL, id="count_not_fraction",
           mistake="the number of right answers is returned instead of their fraction.",
           fix="divide the count by N.",
           patch=[("    return correct / X.shape[0]", "    return correct")]),

    # -- train ------------------------------------------------------------------------------------------
    Mutant(exercise=_TRAIN, id="config_shared",
           mistake="every parameter gets the very same config dict (the caller's), so their states mix and the "
                   "caller's dict is changed.",
           fix="give each parameter its own copy: configs = {name: copy.deepcopy(config) for name in model.params}.",
           patch=[(_CONFIGS, "shared = {} if config is None else config\n"
                             "    configs = {name: shared for name in model.params}")]),
    Mutant(exercise=_TRAIN, id="config_not_kept",
           mistake="the config the rule returns is thrown away, so a rule that returns a new dict starts from its "
                   "initial state at every step.",
           fix="model.params[name], configs[name] = rule(model.params[name], grads[name], configs[name]).",
           patch=[(_UPDATE, "                model.params[name], _ = rule(")]),
    Mutant(exercise=_TRAIN, id="params_not_written_back",
           mistake="the rule's next_w is never written back into model.params, so the model never changes.",
           fix="model.params[name] = next_w for every parameter.",
           patch=[(_UPDATE, "                _, configs[name] = rule(")]),
    Mutant(exercise=_TRAIN, id="loss_recorded_per_epoch",
           mistake="history['loss'] gets one loss per epoch (the last minibatch's) instead of one per iteration.",
           fix="append every minibatch's loss inside the batch loop.",
           patch=[('            history["loss"].append(float(loss))\n', ""),
                  ('        history["train_acc"].append(',
                   '        history["loss"].append(float(loss))\n        history["train_acc"].append(')]),
    Mutant(exercise=_TRAIN, id="schedule_per_epoch",
           mistake="the schedule is given the epoch instead of the iteration.",
           fix="learning_rate = schedule(step), with step counting iterations from 0 over the whole run.",
           patch=[("learning_rate = schedule(step)", "learning_rate = schedule(epoch)")]),
    Mutant(exercise=_TRAIN, id="schedule_ignored",
           mistake="the schedule is never used: the learning rate stays the one in config.",
           fix="before each iteration's updates, write schedule(step) into every parameter's config.",
           patch=[(_SCHEDULE, "")]),
    Mutant(exercise=_TRAIN, id="schedule_from_step_1",
           mistake="the iterations are counted from 1, so the schedule is one step ahead throughout.",
           fix="the first iteration is step 0.",
           patch=[("    step = 0\n", "    step = 1\n")]),
    Mutant(exercise=_TRAIN, id="generator_reused",
           mistake="the minibatch generator is created once, before the epochs, so it is used up after the first "
                   "epoch and the later epochs train on nothing.",
           fix="call iterate_minibatches inside the epoch loop, once per epoch.",
           patch=[("    for epoch in range(epochs):\n"
                   "        for X_batch, y_batch in iterate_minibatches(X_train, y_train, batch_size, rng):\n",
                   "    batches = iterate_minibatches(X_train, y_train, batch_size, rng)\n"
                   "    for epoch in range(epochs):\n"
                   "        for X_batch, y_batch in batches:\n")]),
    Mutant(exercise=_TRAIN, id="epochs_from_one",
           mistake="the epochs run with range(1, epochs), one fewer than asked, numbered from 1.",
           fix="for epoch in range(epochs): epochs are counted from 0.",
           patch=[("    for epoch in range(epochs):\n", "    for epoch in range(1, epochs):\n")]),
    Mutant(exercise=_TRAIN, id="num_train_samples_ignored",
           mistake="the training accuracy is measured on the whole training set instead of the first "
                   "num_train_samples examples.",
           fix="evaluate(model, X_train[:num_train_samples], y_train[:num_train_samples]).",
           patch=[("evaluate(model, X_train[:num_fit], y_train[:num_fit])", "evaluate(model, X_train, y_train)")]),
    Mutant(exercise=_TRAIN, id="never_stops",
           mistake="training never stops early, whatever patience says.",
           fix="break once epoch - best_epoch >= patience.",
           patch=[("            break\n", "            pass\n")]),
    Mutant(exercise=_TRAIN, id="stops_at_first_non_improvement",
           mistake="training stops at the first epoch without improvement instead of waiting patience epochs.",
           fix="stop once epoch - best_epoch >= patience.",
           patch=[(_STOP_TEST, 'if patience is not None and epoch - history["best_epoch"] >= 1:')]),
    Mutant(exercise=_TRAIN, id="stops_one_epoch_late",
           mistake="training stops one epoch late: epoch - best_epoch > patience instead of >=.",
           fix="stop once epoch - best_epoch >= patience.",
           patch=[(_STOP_TEST, 'if patience is not None and epoch - history["best_epoch"] > patience:')]),
    Mutant(exercise=_TRAIN, id="ties_improve",
           mistake="an equal validation accuracy counts as an improvement (>=), moving the best epoch forward.",
           fix="only a strictly higher accuracy improves: val_acc > best_val_acc.",
           patch=[('val_acc > history["best_val_acc"]', 'val_acc >= history["best_val_acc"]')]),
    Mutant(exercise=_TRAIN, id="best_not_restored",
           mistake="the model ends with the last epoch's params: the best ones are never put back (or were kept as "
                   "references to model.params, which follow every update).",
           fix="keep copies (value.copy()) of the best epoch's params and model.params.update(them) at the end.",
           patch=[("        model.params.update(best_params)\n", "        pass\n")]),
    Mutant(exercise=_TRAIN, id="best_epoch_from_one",
           mistake="the best epoch is recorded counted from 1, so it is no index into history['val_acc'] (and "
                   "patience is counted from the wrong epoch).",
           fix="record the epoch counted from 0.",
           patch=[('history["best_val_acc"], history["best_epoch"] = val_acc, epoch',
                   'history["best_val_acc"], history["best_epoch"] = val_acc, epoch + 1')]),
    Mutant(exercise=_TRAIN, id="progress_bar_always_shown",
           mistake="the progress bar is always shown, even when stderr is not a terminal, filling logs and the "
                   "grader's output.",
           fix="tqdm(..., disable=not show) with show = sys.stderr.isatty() when progress is None.",
           patch=[("disable=not show", "disable=False")]),
    Mutant(exercise=_TRAIN, id="progress_argument_ignored",
           mistake="progress=True shows no bar when stderr is not a terminal: the progress argument is ignored.",
           fix="show = sys.stderr.isatty() if progress is None else progress.",
           patch=[("show = sys.stderr.isatty() if progress is None else progress", "show = sys.stderr.isatty()")]),
]

PROBES = {
    _PRE: probes.catalog_preprocess,
    _SPLIT: probes.catalog_train_val_split,
    _BATCHES: probes.catalog_iterate_minibatches,
    _NET: probes.catalog_FullyConnectedNet,
    _EVAL: probes.catalog_evaluate,
    _TRAIN: probes.catalog_train,
}
