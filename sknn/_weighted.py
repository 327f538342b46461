"""Column statistics with sample weights: a row of weight 2 counts as the row twice."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


def mean_and_std(A, weights=None):
    """The (weighted) mean and standard deviation of every column of A.

    Parameters
    ----------
    A : ndarray of shape (n_rows, n_columns)
    weights : ndarray of shape (n_rows,), optional
        Sample weights; None counts every row once.

    Returns
    -------
    mean, std : ndarray of shape (n_columns,)

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._weighted import mean_and_std
    >>> mean_and_std(np.array([[0.0], [2.0]]), np.array([1.0, 3.0]))
    (array([1.5]), array([0.8660254]))
    """
    mean = np.average(A, axis=0, weights=weights)
    return mean, np.sqrt(np.average((A - mean) ** 2, axis=0, weights=weights))
