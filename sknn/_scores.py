"""The held-out scores of early stopping: accuracy and R², on arrays already checked.

The same numbers as scikit-learn's ``accuracy_score`` and ``r2_score`` (the
estimators' ``score``), bit for bit, without their input checks. Those checks
(the type of the target, the arrays' conversion) cost about a millisecond a
call, several times what an epoch of a small fit trains in; early stopping
scores its held-out rows after every epoch, on arrays ``fit`` checked once.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp


def accuracy(y, y_pred, sample_weight=None):
    """Σ sᵢ [ŷᵢ = yᵢ] / Σ sᵢ: the (weighted) fraction of rows labelled right.

    Parameters
    ----------
    y, y_pred : ndarray of shape (n_rows,) or (n_rows, n_labels)
        Labels, or multilabel indicator rows (a row is right when every
        label is); ``y`` may be a sparse indicator matrix.
    sample_weight : ndarray of shape (n_rows,), optional

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._scores import accuracy
    >>> accuracy(np.array(["a", "b", "b"]), np.array(["a", "a", "b"]))
    0.6666666666666666
    >>> accuracy(np.array([[1, 0], [1, 1]]), np.array([[1, 0], [1, 0]]), np.array([3.0, 1.0]))
    0.75
    """
    y = y.toarray() if sp.issparse(y) else np.asarray(y)  # a sparse indicator matrix too
    right = y == np.asarray(y_pred)
    if right.ndim == 2:
        right = right.all(axis=1)
    return float(np.average(right, weights=sample_weight))


def r2(Y, Y_hat, sample_weight=None):
    """R² = 1 − Σ sᵢ (yᵢ − ŷᵢ)² / Σ sᵢ (yᵢ − ȳ)², averaged over the outputs.

    A constant output (zero denominator) scores 1 when predicted exactly and
    0 otherwise, as scikit-learn's ``r2_score`` does by default.

    Parameters
    ----------
    Y, Y_hat : ndarray of floats, of shape (n_rows, n_outputs)
        Targets and predictions, at least two rows.
    sample_weight : ndarray of shape (n_rows,), optional
        Weights of the rows; ȳ is their weighted mean.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._scores import r2
    >>> r2(np.array([[1.0], [2.0], [3.0]]), np.array([[3.0], [2.0], [1.0]]))
    -3.0
    >>> r2(np.array([[1.0, 5.0], [3.0, 5.0]]), np.array([[1.0, 5.0], [3.0, 4.0]]))
    0.5
    """
    # Y and Ŷ in the widest dtype of the three, as scikit-learn computes.
    dtype = np.result_type(Y, Y_hat, *([] if sample_weight is None else [sample_weight]))
    Y, Y_hat = Y.astype(dtype, copy=False), Y_hat.astype(dtype, copy=False)
    weight = 1.0 if sample_weight is None else sample_weight[:, None]
    residual = np.sum(weight * (Y - Y_hat) ** 2, axis=0)
    total = np.sum(weight * (Y - np.average(Y, axis=0, weights=sample_weight)) ** 2, axis=0)
    scores = np.ones(Y.shape[1], dtype=residual.dtype)
    explained = (total != 0) & (residual != 0)
    scores[explained] = 1 - residual[explained] / total[explained]
    scores[(residual != 0) & (total == 0)] = 0.0
    return float(np.average(scores))
