"""The reference prediction: ŷ = A⁽ᴸ⁾ of the forward pass, fed a chunk of rows at a time.

What the estimators' ``predict`` computes where the compiled kernel does not
apply (sparse X, another array namespace, a missing kernel), and how many
rows a chunk holds for either (``_dispatch.predict_output`` chooses between
the two). The forward pass itself is ``_backprop.forward_pass``.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp

from ._array_api import get_namespace, take_rows
from ._backprop import forward_pass


def default_chunk_rows(layer_units):
    """Rows per chunk of a prediction of numpy or sparse X.

    About 256k activations of the widest layer, or fewer where that keeps
    every product A⁽ˡ⁻¹⁾W⁽ˡ⁾ of a chunk within 10⁶ multiply-adds (with at
    least 64 rows): BLAS multiplies matrices that small without packing them
    first (OpenBLAS's small-matrix kernels), which for a narrow network is
    faster than any larger chunk.

    Parameters
    ----------
    layer_units : list of int
        Units per layer, input first.

    Returns
    -------
    chunk_rows : int
    """
    rows = max(64, (1 << 18) // max(layer_units[1:]))
    small = 10**6 // max(a * b for a, b in zip(layer_units, layer_units[1:]))
    return min(rows, small) if small >= 64 else rows


def chunk_rows_for(X, coefs):
    """Rows per chunk of a prediction of X: :func:`default_chunk_rows`, or more on GPUs.

    Parameters
    ----------
    X : ndarray, sparse matrix or array of another namespace, of shape (n_samples, n_features)
        Input rows.
    coefs : list of ndarray
        W⁽ˡ⁾ for l = 1..L.

    Returns
    -------
    chunk_rows : int
    """
    layer_units = [X.shape[1]] + [W.shape[1] for W in coefs]
    if isinstance(X, np.ndarray) or sp.issparse(X):
        return default_chunk_rows(layer_units)
    # Another namespace, a GPU maybe, wants large products: chunks of 16M
    # activations of the widest layer (64 MB in float32) bound the memory.
    return max(1024, (1 << 24) // max(layer_units[1:]))


def reference_predict_output(X, coefs, intercepts, out_activation, chunk_rows=None):
    """ŷ = A⁽ᴸ⁾ for every row of X by :func:`forward_pass`, a chunk of rows at a time.

    The reference of the prediction (``_dispatch.predict_output`` runs the
    compiled kernel instead where it applies), for dense, sparse or another
    namespace's X. The rows are independent, so chunks give the same ŷ as
    one pass; but a chunk's work arrays stay small enough to remain in the
    CPU cache while σ and the softmax pass over them several times, instead
    of streaming every layer's activations for all of X through memory. The
    chunk's arrays are allocated by this call and shared with no other, so
    several threads may predict with one model at once.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Input rows.
    coefs, intercepts : list of ndarray
        W⁽ˡ⁾ and b⁽ˡ⁾ for l = 1..L.
    out_activation : {'identity', 'logistic', 'softmax'}
        Output activation.
    chunk_rows : int, optional
        Rows per chunk; by default :func:`chunk_rows_for`.

    Returns
    -------
    Y_hat : ndarray of shape (n_samples, n_outputs)

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._predict import reference_predict_output
    >>> coefs, intercepts = [np.ones((2, 1))], [np.zeros(1)]
    >>> reference_predict_output(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), coefs,
    ...                          intercepts, "identity", chunk_rows=2)
    array([[ 3.],
           [ 7.],
           [11.]])
    """
    if chunk_rows is None:
        chunk_rows = chunk_rows_for(X, coefs)
    n_samples = X.shape[0]
    if sp.issparse(X):
        X = X.tocsr()  # cheap row slices
    xp = get_namespace(coefs[0])
    if n_samples == 0:
        return xp.zeros((0, coefs[-1].shape[1]), dtype=coefs[0].dtype)
    chunks = [
        forward_pass(rows, coefs, intercepts, out_activation)[0][-1]
        for rows in (
            take_rows(X, slice(start, min(start + chunk_rows, n_samples)))
            for start in range(0, n_samples, chunk_rows)
        )
    ]
    return chunks[0] if len(chunks) == 1 else xp.concat(chunks, axis=0)
