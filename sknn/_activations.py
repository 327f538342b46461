"""Activation functions σ, their derivatives, and the output activations.

Every function works on a whole mini-batch at once (samples are rows) and
returns a new array: the reference of the equations, written against the
array API standard (numpy, or torch, CuPy… with array API dispatch; see
``_array_api``), which the compiled kernel (``_sgd_fast``) computes in the
same order.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._array_api import get_namespace


def sigmoid(Z):
    """The logistic sigmoid σ(z) = 1 / (1 + e^(−z)), element-wise.

    Computed literally. For z below about −88 (float32) or −709 (float64)
    e^(−z) overflows to +∞, and 1 / (1 + ∞) is exactly 0, the correctly
    rounded σ; the overflow is expected, so its warning is silenced here. σ
    is therefore finite, in [0, 1], for every finite input (NaN stays NaN).

    Parameters
    ----------
    Z : array
        Weighted inputs.

    Returns
    -------
    A : array
        σ(Z), of the same shape and dtype as ``Z``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._activations import sigmoid
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    >>> sigmoid(np.array([-1000.0, 1000.0], dtype=np.float32)).dtype
    dtype('float32')
    """
    xp = get_namespace(Z)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + xp.exp(-Z))


def sigmoid_derivative(A):
    """σ′(z) written with the activation itself: σ′(z) = a (1 − a).

    Backpropagation only ever needs σ′ at the weighted inputs of the forward
    pass, and there a = σ(z) is already known, so z need not be kept.

    Parameters
    ----------
    A : ndarray
        Activations a = σ(z).

    Returns
    -------
    ndarray
        a (1 − a), element-wise.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._activations import sigmoid_derivative
    >>> sigmoid_derivative(np.array([0.0, 0.5, 1.0]))
    array([0.  , 0.25, 0.  ])
    """
    return (1 - A) * A


def softmax(Z):
    """Row-wise softmax, ŷₖ = e^(zₖ) / Σⱼ e^(zⱼ).

    The row maximum is subtracted first: softmax is unchanged by a shift and
    e^(z − max z) ≤ 1 cannot overflow.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)
        Weighted inputs of the output layer.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        Non-negative rows that sum to one.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._activations import softmax
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    xp = get_namespace(Z)
    E = xp.exp(Z - xp.max(Z, axis=1, keepdims=True))
    return E / xp.sum(E, axis=1, keepdims=True)


def identity(Z):
    """The identity output activation of regression, ŷ = z.

    Parameters
    ----------
    Z : ndarray
        Weighted inputs of the output layer.

    Returns
    -------
    ndarray
        ``Z`` itself.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._activations import identity
    >>> identity(np.array([-2.0, 3.0]))
    array([-2.,  3.])
    """
    return Z


# Names as in scikit-learn's MLP (`out_activation_`), so tools that read a
# fitted scikit-learn MLP understand ours.
OUTPUT_ACTIVATIONS = {"identity": identity, "logistic": sigmoid, "softmax": softmax}
