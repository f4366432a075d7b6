"""Edge cases shared by twin exercises on different days, so each twin meets the same hard inputs.

A loss on scores (Day 3) and its linear-classifier twin (Day 1) see the same exact-zero margin
and the same extreme logits; every ReLU (Day 2, Day 3 layers, the Value engine, the networks)
sees inputs exactly at its kink; every sigmoid and tanh sees |x| up to 1000.

It lives with the probes so that code running in the worker can use the same values; the checks
import it through tests/checks/edges.py.
"""
import numpy as np

#: Scores where one SVM margin is exactly 0 (row 0, class 1: 0 - 1 + 1 = 0) and one is violated by 1
#: in each row; with y = [0, 1] the loss is (1 + 1) / 2 = 1 and the zero margin passes no gradient.
ZERO_MARGIN_SCORES = np.array([[1.0, 0.0, 1.0], [2.0, 2.0, 0.0]])
ZERO_MARGIN_Y = np.array([0, 1])
ZERO_MARGIN_LOSS = 1.0
ZERO_MARGIN_DSCORES = np.array([[-0.5, 0.0, 0.5], [0.5, -0.5, 0.0]])

#: Logits whose exponentials overflow (1000) and underflow (-1000) in float64.
EXTREME_LOGITS = np.array([1000.0, 0.0, -1000.0])
#: -log softmax(EXTREME_LOGITS)[c] for c = 0, 1, 2, exact to double precision.
EXTREME_LOGITS_LOSS = (0.0, 1000.0, 2000.0)

#: Scores with ties for the highest score: the predicted class is the first of the tied ones
#: (np.argmax's rule), as every predict docstring says.
TIED_SCORES = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [-1.0, -1.0, -2.0]])
TIED_PREDICTION = np.array([1, 0, 0])

#: Inputs exactly at ReLU's kink (0), beside negatives and positives, in every row.
KINK_X = np.array([[-1.5, 0.0, 2.0], [0.0, 3.0, -0.5]])

#: The grid on which sigmoid and tanh must neither overflow nor warn.
LARGE_X = np.linspace(-1000.0, 1000.0, 2001)
