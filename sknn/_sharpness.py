"""How sharp the start should be: the data's length scale, the proposal, the verdict.

Pure array code, like :mod:`sknn._init`. A sigmoid unit bends the network
over a width of about 4 s / ``init_scale`` along its direction (s the spread
of the rows along it), and SGD sharpens units only slowly: the start sets
the finest detail a fit reaches within ``max_iter``. ``init_scale='auto'``
asks the data for that detail and a held-out race whether it helps:

1. :func:`loo_bandwidth` — the length scale on which y varies: the bandwidth
   h* (in standard deviations of each feature) of the Gaussian
   Nadaraya–Watson smoother of Y with the lowest leave-one-out error, the
   textbook bias–variance choice of a local smoother;
2. :func:`proposed_scale` — ``clip(1 / h*, base, 8 base)``, so that σ's step
   (z from −2 to 2) spans about 4 h*;
3. :func:`sharper_wins` — the paired test of a short race: the sharper start
   is taken only if its held-out loss is lower by more than two standard
   errors (and by at least :data:`MIN_GAIN`) on the same rows.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from scipy.spatial.distance import cdist

from ._weighted import mean_and_std

# The bandwidths tried, in standard deviations of each feature.
BANDWIDTHS = np.geomspace(0.01, 2.0, 24)
# Neighbours each row is smoothed over (the kernel is ~0 beyond them).
N_NEIGHBOURS = 64
# The proposal is at most this many times the base scale.
MAX_SHARPENING = 8.0
# The sharper start must win by this many standard errors, and this much loss.
Z_SCORE = 2.0
MIN_GAIN = 0.005


def standardise(X, weights=None):
    """X with every feature centred and scaled to (weighted) standard deviation 1.

    Constant features are only centred.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._sharpness import standardise
    >>> standardise(np.array([[0.0, 5.0], [2.0, 5.0]]))
    array([[-1.,  0.],
           [ 1.,  0.]])
    """
    mean, std = mean_and_std(X, weights)
    return (X - mean) / np.where(std > 0, std, 1.0)


def nearest_neighbours(Z, k):
    """The k nearest other rows of every row of Z, and their squared distances.

    Returns
    -------
    nn : ndarray of int, shape (n_rows, k)
    D2 : ndarray of shape (n_rows, k)
        ‖zᵢ − zⱼ‖², less each row's smallest (exp(−D2 / 2h²) then cannot
        underflow to 0 for every neighbour; the smoother is unchanged).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._sharpness import nearest_neighbours
    >>> nn, D2 = nearest_neighbours(np.array([[0.0], [1.0], [3.0]]), 1)
    >>> nn.ravel().tolist(), D2.ravel().tolist()
    ([1, 0, 1], [0.0, 0.0, 0.0])
    """
    D2 = cdist(Z, Z, "sqeuclidean")
    np.fill_diagonal(D2, np.inf)  # leave one out: a row never predicts itself
    nn = np.argpartition(D2, k - 1, axis=1)[:, :k]
    D2 = np.take_along_axis(D2, nn, axis=1)
    return nn, D2 - D2.min(axis=1, keepdims=True)


def loo_error(D2, Y_nn, Y, w_nn, weights, h):
    """Σᵢ wᵢ ‖Ŷ₋ᵢ − Yᵢ‖²: the leave-one-out error of the smoother of bandwidth h.

    Ŷ₋ᵢ = Σⱼ wⱼ Kᵢⱼ Yⱼ / Σⱼ wⱼ Kᵢⱼ over i's neighbours j, with
    Kᵢⱼ = exp(−‖zᵢ − zⱼ‖² / 2h²).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._sharpness import loo_error
    >>> D2 = np.array([[0.0, 1.0]]); Y_nn = np.array([[[1.0], [3.0]]])
    >>> float(loo_error(D2, Y_nn, np.array([[1.0]]), np.ones((1, 2)), np.ones(1), 1e-3))
    0.0
    """
    K = w_nn * np.exp(-D2 / (2.0 * h * h))
    Y_hat = np.einsum("nk,nko->no", K, Y_nn) / K.sum(axis=1, keepdims=True)
    return float(weights @ ((Y_hat - Y) ** 2).sum(axis=1))


def loo_bandwidth(X, Y, weights=None, bandwidths=BANDWIDTHS):
    """h*: the bandwidth of the lowest leave-one-out error, in standard deviations of X.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features)
        Dense rows (the caller samples at most a thousand).
    Y : ndarray of shape (n_rows, n_outputs)
        One-hot labels, or targets of spread about 1.
    weights : ndarray of shape (n_rows,), optional
        Sample weights: each neighbour's kernel value and each row's error
        count with its weight. Rows of weight 0 are left out.
    bandwidths : ndarray
        The candidates, increasing.

    Noise-free y is best predicted by its nearest neighbour (the smallest
    h): h* is the finest scale at which the structure of y stands out of
    its noise.

    Returns
    -------
    float
        The candidate of the lowest error; the largest among ties (a y
        without structure, say constant, gets the widest).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._sharpness import loo_bandwidth
    >>> rng = np.random.RandomState(0)
    >>> x = rng.uniform(size=(400, 1)); noise = rng.normal(scale=0.3, size=x.shape)
    >>> float(loo_bandwidth(x, x + noise))               # a noisy line: smooth widely
    2.0
    >>> float(loo_bandwidth(x, np.sin(40 * x) + noise)) < 0.1  # wiggles: smooth locally
    True
    """
    weights = np.ones(len(X)) if weights is None else np.asarray(weights, float)
    keep = weights > 0
    X, Y, weights = X[keep], Y[keep], weights[keep]
    if len(X) < 3:
        return float(bandwidths[-1])
    Z = standardise(X, weights)
    nn, D2 = nearest_neighbours(Z, min(N_NEIGHBOURS, len(Z) - 1))
    Y = Y - np.average(Y, axis=0, weights=weights)
    errors = [loo_error(D2, Y[nn], Y, weights[nn], weights, h) for h in bandwidths]
    last_best = len(errors) - 1 - int(np.argmin(errors[::-1]))
    return float(bandwidths[last_best])


def proposed_scale(h, base, max_sharpening=MAX_SHARPENING):
    """``clip(1 / h, base, max_sharpening × base)``: σ's step then spans about 4h.

    Examples
    --------
    >>> from sknn._sharpness import proposed_scale
    >>> proposed_scale(0.0625, 2.0), proposed_scale(1.0, 2.0), proposed_scale(0.01, 1.0)
    (16.0, 2.0, 8.0)
    """
    return float(np.clip(1.0 / h, base, max_sharpening * base))


def paired_gain(loss_base, loss_sharp, weights=None):
    """d̄ and SE(d̄) of dᵢ = loss_baseᵢ − loss_sharpᵢ, rows counted with their weights.

    SE² = Σ wᵢ (dᵢ − d̄)² / Σ wᵢ / (n_eff − 1), with the effective number of
    rows n_eff = (Σ w)² / Σ w² (the ordinary standard error for equal weights).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._sharpness import paired_gain
    >>> gain, se = paired_gain(np.array([1.0, 1.0, 0.0, 1.0]), np.zeros(4))
    >>> float(gain), round(float(se), 4)
    (0.75, 0.25)
    """
    d = np.asarray(loss_base, float) - np.asarray(loss_sharp, float)
    w = np.ones(len(d)) if weights is None else np.asarray(weights, float)
    gain = np.average(d, weights=w)
    n_eff = w.sum() ** 2 / (w**2).sum()
    if n_eff <= 1:
        return float(gain), np.inf
    variance = np.average((d - gain) ** 2, weights=w)
    return float(gain), float(np.sqrt(variance / (n_eff - 1)))


def sharper_wins(gain, se, z=Z_SCORE, min_gain=MIN_GAIN):
    """The verdict: ``gain > max(z · se, min_gain)``.

    Examples
    --------
    >>> from sknn._sharpness import sharper_wins
    >>> sharper_wins(0.0, 0.0), sharper_wins(0.15, 0.03), sharper_wins(0.05, 0.04)
    (False, True, False)
    """
    return bool(gain > max(z * se, min_gain))
