"""sknn._finite_differences: the central differences every gradient check uses."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sknn._finite_differences import central_differences


def test_slopes_of_a_known_function_and_theta_put_back():
    theta = np.array([[0.3, -1.2], [2.0, 0.7]])
    start = theta.copy()
    slopes = central_differences(lambda: np.sin(theta).sum() * 2, theta, 1e-5)
    assert slopes.shape == (4,)
    assert_allclose(slopes, 2 * np.cos(start).ravel(), rtol=1e-9)
    assert_array_equal(theta, start)  # every entry put back, bit for bit


def test_an_array_valued_function_gives_its_jacobian_by_rows():
    theta = np.array([0.5, -0.25, 1.5])
    A = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]])
    J = central_differences(lambda: A @ theta**2, theta, 1e-6)
    assert J.shape == (3, 2)  # one row per entry of θ
    assert_allclose(J, (A * 2 * theta).T, rtol=1e-8)


def test_only_the_entries_asked_for_in_their_order():
    theta = np.arange(5.0)
    slopes = central_differences(lambda: float(theta @ theta), theta, 1e-4, indices=[4, 1])
    assert_allclose(slopes, [8.0, 2.0], rtol=1e-10)


def test_a_theta_that_cannot_move_in_place_is_refused():
    theta = np.ones((3, 4))[::2, :3]  # no flat view: reshape(-1) would copy
    with pytest.raises(ValueError, match="theta must be an array that theta.reshape"):
        central_differences(lambda: theta.sum(), theta, 1e-6)
