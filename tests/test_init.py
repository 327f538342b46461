"""The data-placed start's quantile (sknn._init.weighted_quantile), both of its paths."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sknn._init import weighted_quantile


def sorted_quantile(P, q, weights):
    """The definition, column by column: the lowest value whose cumulative weight exceeds q Σw."""
    out = []
    for j in range(P.shape[1]):
        order = np.argsort(P[:, j], kind="stable")
        cumulative = np.cumsum(weights[order])
        reached = np.flatnonzero(cumulative > q[j] * cumulative[-1])
        out.append(P[order[reached[0] if len(reached) else 0], j])
    return np.array(out)


# Few distinct values, so that columns hold ties; q from 0 to just below 1.
values = st.sampled_from([-1.5, -0.0, 0.0, 0.25, 2.0, 7.0])
quantiles = st.sampled_from([0.0, 0.1, 0.5, 0.999, 1 - 2**-53]) | st.floats(0, 1, exclude_max=True)


@settings(max_examples=200, deadline=None)
@given(
    P=st.tuples(st.integers(1, 40), st.integers(1, 5)).flatmap(
        lambda shape: arrays(np.float64, shape, elements=values | st.floats(-10, 10))
    ),
    weight=st.sampled_from([1.0, 0.3, 1 / 7, 2.5e-3, 1e10]),
    data=st.data(),
)
def test_equal_weights_select_the_value_the_sort_finds(P, weight, data):
    q = np.array(data.draw(st.lists(quantiles, min_size=P.shape[1], max_size=P.shape[1])))
    weights = np.full(P.shape[0], weight)
    np.testing.assert_array_equal(weighted_quantile(P, q, weights), sorted_quantile(P, q, weights))


@settings(max_examples=100, deadline=None)
@given(
    P=arrays(np.float64, (12, 3), elements=values),
    weights=arrays(np.float64, 12, elements=st.sampled_from([0.5, 1.0, 3.0])),
    q=arrays(np.float64, 3, elements=quantiles),
)
def test_unequal_weights_count_each_row_by_its_weight(P, weights, q):
    np.testing.assert_array_equal(weighted_quantile(P, q, weights), sorted_quantile(P, q, weights))


def test_a_row_of_weight_two_counts_as_the_row_twice():
    P = np.array([[1.0], [2.0], [3.0], [4.0]])
    twice = np.array([[1.0], [1.0], [2.0], [3.0], [4.0]])
    for q in [0.1, 0.3, 0.45, 0.6, 0.9]:
        q = np.array([q])
        assert weighted_quantile(P, q, np.array([2.0, 1, 1, 1])) == weighted_quantile(
            twice, q, np.ones(5)
        )
