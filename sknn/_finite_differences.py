"""Central finite differences: the slope that backpropagation is checked against.

For each entry θⱼ of an array θ,

    ∂f/∂θⱼ ≈ (f(θ + ε eⱼ) − f(θ − ε eⱼ)) / 2ε,

with an error of about ε² |f‴| / 6 (truncation) plus 1e-16 |f| / ε
(rounding). ``sknn.inspection.check_gradients`` uses it on a fitted
network's θ, and the tests on the W⁽ˡ⁾ and b⁽ˡ⁾ of the reference equations.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


def central_differences(f, theta, epsilon, indices=None):
    """(f(θ + ε eⱼ) − f(θ − ε eⱼ)) / 2ε for every entry j of ``theta``.

    ``theta`` is moved in place, one entry at a time, and put back after
    each; ``f`` takes no argument and reads θ where it lies (for instance a
    network's W and b, views into θ or θ itself).

    Parameters
    ----------
    f : callable
        ``f()`` returns a float or an array (the same shape each time).
    theta : ndarray
        The parameters: an array that ``theta.reshape(-1)`` views (a
        C-contiguous one, say); entries are counted in that order.
    epsilon : float
        The step ε.
    indices : sequence of int, default=None
        The entries j to differentiate along; None takes them all.

    Returns
    -------
    ndarray of shape (n_entries, *f().shape)
        One slope per entry, in the order of ``indices``.
    """
    flat = theta.reshape(-1)
    if not np.shares_memory(flat, theta):
        raise ValueError(
            "theta must be an array that theta.reshape(-1) views (C-contiguous, say), "
            "so that its entries can move in place."
        )
    slopes = []
    for j in range(flat.size) if indices is None else indices:
        saved = flat[j]
        flat[j] = saved + epsilon
        f_plus = f()
        flat[j] = saved - epsilon
        f_minus = f()
        flat[j] = saved
        slopes.append((f_plus - f_minus) / (2 * epsilon))
    return np.array(slopes)
