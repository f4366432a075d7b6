"""Day 13 figure: the whole pipeline, with the learner's code, on a subset of the real MNIST.

The judge loads the raw uint8 images (the learner's code never opens files) and sends them to
the worker, where the learner's ``train_val_split`` holds out a validation set and
``preprocess`` turns both parts into float32 rows centred with the training mean. A
``FullyConnectedNet`` (784-256-128-10, dropout, L2) is then trained by the learner's ``train``
with the suite's SGD + momentum and early stopping (tests/probes/day13_mnist_pipeline.py). The
figure shows the minibatch loss, the training and validation accuracy per epoch with the best
epoch, and validation digits the network gets wrong.
"""
from functools import partial

import numpy as np

from tests.probes import day13_mnist_pipeline as probes

from ..mnist import load_mnist
from ..plotting import new_figure, save
from . import _steps

progress = partial(_steps.progress, 13)
smooth = partial(_steps.smooth, window=20)


N_SUBSET, N_VAL = 12_000, 2_000
HIDDEN, KEEP_PROB, REG = (256, 128), 0.8, 1e-4
CONFIG = {"learning_rate": 0.05, "momentum": 0.9}
EPOCHS, BATCH, PATIENCE = 15, 100, 4
WRONG_SHOWN = 16


def draw(day, out_dir):
    progress(f"loading MNIST and drawing a subset of {N_SUBSET} training images")
    images, labels = load_mnist("train")
    subset = np.random.default_rng(0).permutation(len(labels))[:N_SUBSET]
    images, labels = images[subset], labels[subset].astype(np.int64)

    progress(f"your train_val_split ({N_VAL} for validation) and preprocess (float32, centred with the training mean)")
    train_images, y_train, val_images, y_val = day.train_val_split(images, labels, N_VAL, np.random.default_rng(1))
    mean = np.asarray(day.preprocess(train_images), dtype=np.float64).mean(axis=0)
    data = {"X_train": day.preprocess(train_images, mean, np.float32), "y_train": y_train,
            "X_val": day.preprocess(val_images, mean, np.float32), "y_val": y_val}

    net = "-".join(str(d) for d in (784, *HIDDEN, 10))
    progress(f"your train: FullyConnectedNet {net}, keep_prob {KEEP_PROB}, reg {REG:g}, float32, SGD + momentum "
             f"(lr {CONFIG['learning_rate']}), up to {EPOCHS} epochs, patience {PATIENCE}")
    kwargs = {"epochs": EPOCHS, "batch_size": BATCH, "rng": np.random.default_rng(2), "patience": PATIENCE}
    run = day.probe(probes.pipeline_run, data, list(HIDDEN), KEEP_PROB, REG, CONFIG, kwargs)
    history = run["history"]
    progress(f"done: {len(history['val_acc'])} epochs, {run['seconds per epoch']:.1f} s per epoch, best validation "
             f"accuracy {history['best_val_acc']:.2%} after {history['best_epoch'] + 1} epochs")

    fig, axes = new_figure(ncols=2, size=(5.8, 4.4))
    loss_ax, acc_ax = axes[0]
    losses = np.asarray(history["loss"], dtype=float)
    steps = np.arange(len(losses))
    per_epoch = -(-len(y_train) // BATCH)
    loss_ax.plot(steps, losses, color="tab:blue", alpha=0.2, linewidth=0.6, label="each minibatch")
    loss_ax.plot(steps, smooth(losses), color="tab:blue", linewidth=1.8, label="mean of 20")
    loss_ax.set_yscale("log")
    loss_ax.set_title(f"Training loss (minibatches of {BATCH}, with dropout and L2)")
    loss_ax.set_xlabel(f"iteration ({per_epoch} per epoch)")
    loss_ax.set_ylabel("softmax loss (log scale)")
    loss_ax.grid(True, which="both", linewidth=0.3)
    loss_ax.legend(fontsize=8)

    epochs = np.arange(1, len(history["val_acc"]) + 1)
    acc_ax.plot(epochs, history["train_acc"], marker="o", markersize=3, label="training (first 1000 examples)")
    acc_ax.plot(epochs, history["val_acc"], marker="o", markersize=3, label=f"validation ({N_VAL} held out)")
    best = history["best_epoch"] + 1
    acc_ax.axvline(best, color="grey", linestyle="--", linewidth=1)
    acc_ax.annotate(f"best: {history['best_val_acc']:.2%}\n(params restored)", (best, history["best_val_acc"]),
                    xytext=(8, -30), textcoords="offset points", fontsize=8,
                    arrowprops={"arrowstyle": "->", "color": "grey"})
    ran = len(history["val_acc"])
    ending = f"stopped early after {ran} epochs" if ran < EPOCHS else f"all {EPOCHS} epochs ran"
    acc_ax.set_title(f"Accuracy after each epoch ({ending})")
    acc_ax.set_xlabel("epochs completed")
    acc_ax.set_ylabel("accuracy")
    acc_ax.set_ylim(max(0.0, min(min(history["val_acc"]), min(history["train_acc"])) - 0.02), 1.002)
    acc_ax.grid(True, linewidth=0.3)
    acc_ax.legend(fontsize=8, loc="lower right")
    fig.suptitle(f"Your pipeline on {len(y_train)} MNIST training images: {net} network, "
                 f"{run['seconds per epoch']:.1f} s per epoch")
    curves = save(fig, out_dir / "day13_training.png")

    predictions = np.asarray(run["predictions"])
    wrong = np.flatnonzero(predictions != np.asarray(y_val))
    fig, axes = new_figure(ncols=8, nrows=2, size=(1.3, 1.55))
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < min(WRONG_SHOWN, len(wrong)):
            i = wrong[k]
            ax.imshow(np.asarray(val_images[i]), cmap="gray_r")
            ax.set_title(f"{int(y_val[i])} read as {int(predictions[i])}", fontsize=9, color="tab:red")
    fig.suptitle(f"Validation digits your network gets wrong: {len(wrong)} of {len(y_val)} "
                 f"(true label, then the prediction)", fontsize=10)
    mistakes = save(fig, out_dir / "day13_mistakes.png")
    return [curves, mistakes]
