"""Activation functions σ, their derivatives, and the output activations.

Every function works on a whole mini-batch at once (samples are rows) and can
write into a preallocated array through ``out``, so that the training loop
allocates nothing per mini-batch.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


def sigmoid(Z, out=None):
    """The logistic sigmoid σ(z) = 1 / (1 + e^(−z)), element-wise.

    Computed literally, by four in-place ufuncs: on the machines we measured
    this is faster than ``scipy.special.expit`` (markedly so in float32, where
    numpy's exp is vectorised). For z below about −88 (float32) or −709
    (float64) e^(−z) overflows to +∞, and 1 / (1 + ∞) is exactly 0, the
    correctly rounded σ; the overflow is expected, so its warning is silenced
    here. σ is therefore finite, in [0, 1], for every input.

    Parameters
    ----------
    Z : ndarray
        Weighted inputs.
    out : ndarray, optional
        Where to write σ(Z); may be ``Z`` itself.

    Returns
    -------
    A : ndarray
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
    A = np.negative(Z, out=out)
    with np.errstate(over="ignore"):
        np.exp(A, out=A)
    np.add(A, 1, out=A)
    # 1 / x as a division: numpy vectorises ``divide`` but not ``reciprocal``,
    # which is up to twice as slow on large arrays.
    return np.divide(1.0, A, out=A)


def sigmoid_derivative(A, out=None):
    """σ′(z) written with the activation itself: σ′(z) = a (1 − a).

    Backpropagation only ever needs σ′ at the weighted inputs of the forward
    pass, and there a = σ(z) is already known, so z need not be kept.

    Parameters
    ----------
    A : ndarray
        Activations a = σ(z).
    out : ndarray, optional
        Where to write a (1 − a); must not be ``A``.

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
    out = np.subtract(1, A, out=out)
    return np.multiply(out, A, out=out)


def softmax(Z, out=None, log_normalizer=None):
    """Row-wise softmax, ŷₖ = e^(zₖ) / Σⱼ e^(zⱼ).

    The row maximum is subtracted first: softmax is unchanged by a shift and
    e^(z − max z) ≤ 1 cannot overflow.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)
        Weighted inputs of the output layer.
    out : ndarray, optional
        Where to write the probabilities; may be ``Z`` itself.
    log_normalizer : ndarray of shape (n_samples, 1), optional
        Where to also write log Σⱼ e^(zⱼ) of every row. The log-loss needs
        exactly this sum, and the softmax has it on the way, so training
        takes it from here instead of exponentiating Z⁽ᴸ⁾ a second time.

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
    >>> log_normalizer = np.empty((1, 1))
    >>> _ = softmax(np.array([[0.0, 0.0]]), log_normalizer=log_normalizer)
    >>> log_normalizer  # log(e⁰ + e⁰) = log 2
    array([[0.69314718]])
    """
    Z_max = np.maximum.reduce(Z, axis=1, keepdims=True)
    out = np.subtract(Z, Z_max, out=out)
    np.exp(out, out=out)
    row_sum = np.add.reduce(out, axis=1, keepdims=True)
    if log_normalizer is not None:
        # log Σⱼ e^(zⱼ) = max z + log Σⱼ e^(zⱼ − max z)
        np.log(row_sum, out=log_normalizer)
        log_normalizer += Z_max
    out /= row_sum
    return out


def identity(Z, out=None):
    """The identity output activation of regression, ŷ = z.

    Parameters
    ----------
    Z : ndarray
        Weighted inputs of the output layer.
    out : ndarray, optional
        Where to copy ``Z``; when ``out`` is ``Z`` nothing is copied.

    Returns
    -------
    ndarray
        ``Z`` (or its copy in ``out``).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._activations import identity
    >>> identity(np.array([-2.0, 3.0]))
    array([-2.,  3.])
    """
    if out is None or out is Z:
        return Z
    np.copyto(out, Z)
    return out


# Names as in scikit-learn's MLP (`out_activation_`), so tools that read a
# fitted scikit-learn MLP understand ours.
OUTPUT_ACTIVATIONS = {"identity": identity, "logistic": sigmoid, "softmax": softmax}
