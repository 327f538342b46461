"""The cost C of data the network is not training on.

Training gets C from :func:`sknn._backprop.backprop` together with its
gradient. The validation loss and the finite-difference gradient check need C
alone, for fixed weights: a forward pass and the cost functions of
:mod:`sknn._losses`, nothing else.
"""

# SPDX-License-Identifier: BSD-3-Clause

from ._array_api import take_rows
from ._backprop import forward_pass
from ._losses import batch_loss, batch_weight, cost, penalty
from ._predict import chunk_rows_for
from ._sgd import minibatch_slices


def batch_cost(X, Y, coefs, intercepts, *, loss, out_activation, alpha, sample_weight=None):
    """C of (X, Y) taken as one batch: the value :func:`~sknn._backprop.backprop` returns.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Inputs.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets, encoded as training encodes them.
    coefs, intercepts : list of ndarray
        W⁽ˡ⁾ and b⁽ˡ⁾ for l = 1..L.
    loss : {'squared_error', 'log_loss'}
        The cost.
    out_activation : {'identity', 'logistic', 'softmax'}
        Output activation.
    alpha : float
        L2 regularisation strength α.
    sample_weight : ndarray of shape (n_samples,), optional
        Sample weights s; m is their sum (:func:`~sknn._losses.batch_weight`).

    Returns
    -------
    C : float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._evaluate import batch_cost
    >>> X, Y = np.array([[1.0], [2.0]]), np.array([[1.0], [3.0]])
    >>> batch_cost(X, Y, [np.zeros((1, 1))], [np.zeros(1)],
    ...            loss="squared_error", out_activation="identity", alpha=0.0)
    2.5
    """
    A, Z_out = forward_pass(X, coefs, intercepts, out_activation)
    m = batch_weight(sample_weight, X.shape[0])
    loss_sum = batch_loss(loss, out_activation, A[-1], Z_out, Y, sample_weight)
    return cost(loss_sum, coefs, alpha, m)


def epoch_cost(
    X, Y, coefs, intercepts, *, batch_size, loss, out_activation, alpha, sample_weight=None
):
    """C averaged over mini-batches as training reports ``loss_``, for fixed weights.

    Training's ``loss_`` is Σ_b m_b C_b / Σ_b m_b over the mini-batches of an
    epoch; each C_b carries the penalty divided by its own m_b. Averaging the
    same way here (batches of ``batch_size`` rows, in order) keeps a held-out
    loss on the scale of the training loss whatever the data size and α.

    Parameters
    ----------
    X, Y, coefs, intercepts, loss, out_activation, alpha, sample_weight
        As in :func:`batch_cost`.
    batch_size : int
        Rows per mini-batch.

    Returns
    -------
    C : float

    Examples
    --------
    Without a penalty, averaging batch costs by their size is the cost of
    all rows at once:

    >>> import numpy as np
    >>> from sknn._evaluate import batch_cost, epoch_cost
    >>> X, Y = np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [3.0], [0.0]])
    >>> args = [np.zeros((1, 1))], [np.zeros(1)]
    >>> kwargs = dict(loss="squared_error", out_activation="identity", alpha=0.0)
    >>> epoch_cost(X, Y, *args, batch_size=2, **kwargs) == batch_cost(X, Y, *args, **kwargs)
    True
    """
    # Σ_b m_b C_b = Σ_b (Σᵢ∈b sᵢ lossᵢ + P) = Σᵢ sᵢ lossᵢ + (weighted batches) × P:
    # the loss of all rows, fed forward in chunks as a prediction is (a pass a
    # chunk, not a mini-batch), and the penalty P once per batch with weight.
    loss_sum = 0.0
    chunk = chunk_rows_for(X, coefs)
    for start in range(0, X.shape[0], chunk):
        rows = slice(start, min(start + chunk, X.shape[0]))
        A, Z_out = forward_pass(take_rows(X, rows), coefs, intercepts, out_activation)
        s = None if sample_weight is None else sample_weight[rows]
        loss_sum += batch_loss(loss, out_activation, A[-1], Z_out, take_rows(Y, rows), s)
    m = [
        batch_weight(None if sample_weight is None else sample_weight[b], b.stop - b.start)
        for b in minibatch_slices(X.shape[0], batch_size)
    ]
    # As in training, a batch without weight carries nothing, not even P.
    weighted_batches = sum(m_b != 0 for m_b in m)
    return (loss_sum + weighted_batches * penalty(coefs, alpha)) / sum(m)
