"""The trusted gradient checker's messages: it must localise and name what is wrong."""
import numpy as np
import pytest

from tests.checks.gradcheck import gradient_problem, numerical_gradient, rel_error


@pytest.fixture
def true_grad():
    return np.random.default_rng(0).standard_normal((3, 4))


def test_right_gradient_passes(true_grad):
    assert gradient_problem("dW", true_grad + 1e-12, true_grad) is None


def test_exact_zero_gradient_with_round_off_is_not_flagged():
    """Regression: a true gradient of 0 next to 1e-11 of round-off showed a relative error of 1e-3."""
    assert gradient_problem("db", np.array([0.0, 0.5]), np.array([-1.1e-11, 0.5])) is None


@pytest.mark.parametrize("factor, words", [(5.0, "a factor of N = 5"), (0.2, "1/N with N = 5"),
                                           (2.0, "a factor of 2"), (-1.0, "wrong sign")])
def test_constant_factor_patterns_are_named(true_grad, factor, words):
    message = gradient_problem("dW", factor * true_grad, true_grad, batch_size=5)
    assert words in message
    assert "worst at index" in message


def test_shape_and_transposition(true_grad):
    assert "transposed?" in gradient_problem("dW", true_grad.T, true_grad)
    square = true_grad[:, :3]
    assert "transpose of the true gradient" in gradient_problem("dW", square.T, square)


def test_errors_only_at_kinks_are_named():
    x = np.array([-1.0, 0.0, 2.0])
    numeric = np.array([0.0, 0.0, 1.0])
    analytic = np.array([0.0, 1.0, 1.0])  # ReLU with >= at exactly 0
    assert "exactly on a kink" in gradient_problem("dx", analytic, numeric, kink=(x == 0))


def test_zero_and_non_finite_gradients(true_grad):
    assert "zero everywhere" in gradient_problem("dW", np.zeros_like(true_grad), true_grad)
    bad = true_grad.copy()
    bad[1, 2] = np.nan
    assert "index (1, 2)" in gradient_problem("dW", bad, true_grad)


def test_numerical_gradient_is_centred_and_restores_x():
    x = np.array([0.3, -1.2, 2.0])
    before = x.copy()
    grad = numerical_gradient(lambda v: np.sum(v ** 3), x)
    assert np.array_equal(x, before)
    assert rel_error(grad, 3 * x ** 2) < 1e-9
