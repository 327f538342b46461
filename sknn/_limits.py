"""The largest targets and sample weights training can represent.

Training sums per-sample costs over the samples, each weighted by its sᵢ, and
the regressor's costs and target statistics are squares of y: Σᵢ sᵢ (yᵢ − ȳ)²
must stay within the dtype the model computes in, or the first epoch turns
into ∞ and NaN and looks like a learning rate too large. These checks say so
at validation instead, naming the input and the limit, one rule for float32
and float64 alike.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

# Σᵢ sᵢ may reach this fraction of the dtype's largest value: a weighted sum
# of costs then overflows only for a mean cost above 1e6 per unit of weight,
# which training reports as divergence long before.
WEIGHT_HEADROOM = 1e6


def _largest(dtype):
    """The largest finite value of ``dtype``, as a Python float."""
    return float(np.finfo(dtype).max)


def check_sample_weight_sum(sample_weight, dtype):
    """Raise if Σᵢ sᵢ is too large for the weighted sums of costs in ``dtype``.

    Parameters
    ----------
    sample_weight : ndarray of shape (n_samples,)
        Finite, non-negative weights.
    dtype : numpy dtype
        The dtype the model computes in.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._limits import check_sample_weight_sum
    >>> check_sample_weight_sum(np.ones(3), np.float64)
    >>> check_sample_weight_sum(np.full(3, 1e307), np.float64)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: sample_weight sums to 3e+307, but training in float64 holds at most 1.8e+302 ...
    """
    with np.errstate(over="ignore"):
        total = float(np.sum(sample_weight, dtype=np.float64))
    limit = _largest(dtype) / WEIGHT_HEADROOM
    if total > limit:
        raise ValueError(
            f"sample_weight sums to {total:.3g}, but training in {np.dtype(dtype).name} holds "
            f"at most {limit:.2g} (the weighted sums of the costs would overflow). Divide "
            "sample_weight by a constant: only the ratios of the weights matter (divide "
            "alpha by the same constant too, to keep the same fit)."
        )


def check_target_range(Y, dtype, sample_weight=None):
    """Y as ``dtype``, if Σᵢ sᵢ (yᵢ − ȳ)² cannot overflow there; raise naming y if it can.

    The limit is √(largest / (4 Σᵢ sᵢ)) on |y| (n for Σᵢ sᵢ without weights):
    then no deviation yᵢ − ȳ exceeds 2 |y|, and no weighted sum of their
    squares overflows. The same rule catches a float64 y that a float32 model
    cannot even hold.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Finite targets, of a float dtype.
    dtype : numpy dtype
        The dtype the model computes in.
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    ndarray of shape (n_samples, n_outputs), of ``dtype``

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._limits import check_target_range
    >>> check_target_range(np.array([[1.0], [2.0]]), np.float32).dtype
    dtype('float32')
    >>> check_target_range(np.array([[1e200], [2.0]]), np.float64)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: y has values too large for float64, ...
    """
    total = Y.shape[0] if sample_weight is None else float(np.sum(sample_weight, dtype=np.float64))
    limit = np.sqrt(_largest(dtype) / (4 * total))
    biggest = float(np.abs(Y).max()) if Y.size else 0.0
    if biggest > limit:
        raise ValueError(
            f"y has values too large for {np.dtype(dtype).name}, the dtype the model computes "
            f"in (set by the X of the first fit): |y| is up to {biggest:.3g}, but training sums "
            f"the squares of y over the samples, so |y| must stay below {limit:.3g} here. "
            "Scale y (e.g. divide it by a power of ten, or use "
            "TransformedTargetRegressor with StandardScaler)."
        )
    return Y.astype(dtype, copy=False)
