"""Initial weights: scikit-learn's Glorot draw, and a start placed on the data.

Pure array code, like the other modules below the estimators.

Why the start matters for sigmoid units: training can only bend the network
where some σ is in its steep middle. Glorot's draw makes every Z⁽ˡ⁾ small
for inputs in [0, 1], so all hidden units start in the *linear* middle of σ:
the network is a linear model at first, and on a curved problem SGD must
first grow the weights out of that plateau, which can take longer than
``max_iter`` allows (the straight-line fits of a first try on moons or sin x).
:func:`data_uniform` instead gives every hidden unit a random direction and
puts the unit's step where the data is: Z is scaled so that its spread over
the training rows is ``scale``, and shifted so that the step σ(z) = ½ lies on
a randomly chosen training row. The units then cover the data with bends of
every orientation from the first epoch on, whatever the scale of X.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._activations import sigmoid
from ._array_api import numpy_rows
from ._weighted import mean_and_std

# Rows of X the data-dependent start looks at: enough to place the steps
# and measure the spread, cheap next to a single epoch on large data.
N_INIT_ROWS = 1000


def glorot_uniform(rng, fan_in, fan_out, dtype):
    """W ~ U(−r, r) and b ~ U(−r, r) with r = √(2 / (fan_in + fan_out)).

    Glorot and Bengio's bound for sigmoid units, as scikit-learn uses: it
    keeps the variance of Z⁽ˡ⁾ near that of A⁽ˡ⁻¹⁾. The draws are made in the
    same order as scikit-learn's, so the same ``random_state`` gives the same
    start.

    Parameters
    ----------
    rng : numpy.random.RandomState
    fan_in, fan_out : int
        Units feeding in, and units of the layer.
    dtype : numpy dtype

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
    b : ndarray of shape (fan_out,)

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._init import glorot_uniform
    >>> W, b = glorot_uniform(np.random.RandomState(0), 3, 5, np.float64)
    >>> bool(np.abs(W).max() <= np.sqrt(2 / 8))
    True
    """
    bound = np.sqrt(2.0 / (fan_in + fan_out))
    W = rng.uniform(-bound, bound, (fan_in, fan_out)).astype(dtype, copy=False)
    b = rng.uniform(-bound, bound, fan_out).astype(dtype, copy=False)
    return W, b


def sample_rows(rng, n_samples, sample_weight=None):
    """Up to :data:`N_INIT_ROWS` indices of rows with a positive weight, sorted.

    Rows of weight 0 carry nothing; leaving them out keeps the sample's
    weights from summing to 0, and makes a row of weight 0 the same as no row.

    Parameters
    ----------
    rng : numpy.random.RandomState or int
        The generator, or the seed of a fresh one: made only where there are
        more rows than the sample takes (a call on a small batch of a stream
        then pays nothing for it).
    n_samples : int
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    ndarray of int

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._init import sample_rows
    >>> sample_rows(np.random.RandomState(0), 4, np.array([1.0, 0.0, 2.0, 0.0]))
    array([0, 2])
    >>> len(sample_rows(0, 5000))
    1000
    """
    rows = np.arange(n_samples) if sample_weight is None else np.flatnonzero(sample_weight > 0)
    if len(rows) > N_INIT_ROWS:
        if not isinstance(rng, np.random.RandomState):
            rng = np.random.RandomState(rng)
        rows = rows[np.sort(rng.choice(len(rows), N_INIT_ROWS, replace=False))]
    return rows


def init_rows(rng, X, sample_weight=None):
    """Up to :data:`N_INIT_ROWS` rows of X drawn without replacement, and their weights.

    Parameters
    ----------
    rng : numpy.random.RandomState
    X : array or sparse matrix of shape (n_samples, n_features)
        Of any array namespace (torch, CuPy…).
    sample_weight : ndarray of shape (n_samples,), optional

    Returns
    -------
    X_rows : ndarray of shape (min(n_samples, N_INIT_ROWS), n_features)
        Dense, float64.
    weights : ndarray of shape (len(X_rows),)
        Their sample weights (ones without ``sample_weight``).
    """
    rows = sample_rows(rng, X.shape[0], sample_weight)
    weights = np.ones(len(rows)) if sample_weight is None else np.asarray(sample_weight, float)[rows]
    # On the CPU whatever X's namespace: the start is drawn with numpy (one
    # seed, one θ), on a thousand rows at most.
    X = numpy_rows(X, rows if len(rows) < X.shape[0] else slice(None))
    return X.astype(np.float64, copy=False), weights


def weighted_quantile(P, q, weights):
    """The ``q[j]``-quantile of column j of P, each row counted with its weight.

    The lowest value whose cumulative weight reaches ``q[j]`` of the total:
    a row of weight 2 counts exactly as the same row twice.

    Parameters
    ----------
    P : ndarray of shape (n_rows, n_columns)
    q : ndarray of shape (n_columns,)
        Quantiles in [0, 1).
    weights : ndarray of shape (n_rows,)

    Returns
    -------
    ndarray of shape (n_columns,)

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._init import weighted_quantile
    >>> P = np.array([[1.0], [2.0], [3.0]])
    >>> weighted_quantile(P, np.array([0.5]), np.array([1.0, 1.0, 1.0]))
    array([2.])
    >>> weighted_quantile(P, np.array([0.5]), np.array([4.0, 1.0, 1.0]))
    array([1.])
    """
    if np.all(weights == weights[0]):
        return _equal_weight_quantile(P, q, weights[0])
    order = np.argsort(P, axis=0, kind="stable")
    cumulative = np.cumsum(weights[order], axis=0)
    index = (cumulative > q * cumulative[-1]).argmax(axis=0)
    return P[order[index, np.arange(P.shape[1])], np.arange(P.shape[1])]


def _equal_weight_quantile(P, q, weight):
    """:func:`weighted_quantile` where every row weighs ``weight``, by selection.

    The same value bit for bit: every column's cumulative weights are then
    the one sequence ``weight, weight + weight, ...`` (added in the same
    order), so each column needs only its k-th smallest value, found by
    ``np.partition`` in O(n) instead of a sort (a fifth of the time at a
    thousand rows and a hundred units, on every first fit without weights).
    """
    cumulative = np.cumsum(np.full(P.shape[0], weight))
    index = np.searchsorted(cumulative, q * cumulative[-1], side="right")
    index[index == len(cumulative)] = 0  # no row reaches it: the first, as argmax says
    return np.array([np.partition(column, k)[k] for column, k in zip(P.T, index)], P.dtype)


def _projections(A_prev, W, weights):
    """P = A_prev W / size for rows scaled to at most 1, each column's spread, and size.

    A column along which the rows do not vary gets spread 1 (no scaling).
    """
    # X may hold values near the float range (say 1e300): scale the rows to
    # at most 1 first, so that no square below overflows.
    size = np.abs(A_prev).max()
    size = size if np.isfinite(size) and size > 0 else 1.0
    P = (A_prev / size) @ W
    _, spread = mean_and_std(P, weights)
    # Along a direction where the rows do not vary (rows all alike, or one row
    # of positive weight) the spread is a rounding residue of the mean, up to
    # n ε max|P| for n rows, not 0: count it as no spread, lest 1 / spread
    # make weights of 1e16.
    spread[spread <= len(P) * np.finfo(P.dtype).eps * np.abs(P).max(axis=0)] = 1.0
    return P, spread, size


def data_uniform(rng, A_prev, fan_out, scale, dtype, weights=None):
    """A hidden layer whose units' steps lie on the data, with spread ``scale``.

    Each unit j gets a random direction wⱼ ~ N(0, I), scaled so that its
    weighted input zⱼ = A⁽ˡ⁻¹⁾ wⱼ + bⱼ has standard deviation ``scale`` over
    the rows of ``A_prev``, and a bias that puts zⱼ = 0 (the middle of σ) at
    a random quantile of the rows along wⱼ, so the steps of the layer are
    spread over the data as the rows are (a direction along which the rows
    do not vary keeps its unscaled weights). With ``weights``, the standard
    deviation and the quantile count each row by its weight.

    Parameters
    ----------
    rng : numpy.random.RandomState
    A_prev : ndarray of shape (n_rows, fan_in)
        The layer's inputs on a sample of the training rows.
    fan_out : int
        Units of the layer.
    scale : float
        Standard deviation of each unit's Z over the rows (larger: sharper steps).
    dtype : numpy dtype
    weights : ndarray of shape (n_rows,), optional
        Sample weights of the rows.

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
    b : ndarray of shape (fan_out,)

    Raises
    ------
    ValueError
        If the weights overflow: rows of subnormal size.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._init import data_uniform
    >>> X = np.random.RandomState(0).uniform(size=(200, 3)) * 1000  # unscaled
    >>> W, b = data_uniform(np.random.RandomState(1), X, 4, scale=2.0, dtype=np.float64)
    >>> (X @ W + b).std(axis=0).round(6)
    array([2., 2., 2., 2.])
    """
    if weights is None:
        weights = np.ones(A_prev.shape[0])
    W = rng.standard_normal((A_prev.shape[1], fan_out))
    P, spread, size = _projections(A_prev, W, weights)
    P *= scale / spread
    with np.errstate(over="ignore"):
        W *= scale / (spread * size)
    if not np.isfinite(W).all():
        # Rows of subnormal size (1e-310): the weights that spread Z over them
        # are beyond the float range.
        raise ValueError(
            f"init='data' cannot place the hidden units on this X: its values (|x| up to "
            f"{size:.3g}) are so small that the weights spreading Z over them overflow. "
            "Scale X (e.g. MinMaxScaler), or use init='glorot'."
        )
    b = -weighted_quantile(P, rng.uniform(size=fan_out), weights)
    return W.astype(dtype, copy=False), b.astype(dtype, copy=False)


def initial_weights(rng, layer_units, dtype, X=None, scale=None, sample_weight=None):
    """W⁽ˡ⁾, b⁽ˡ⁾ for every layer: on the data when ``X`` is given, else Glorot.

    With ``X``, the hidden layers come from :func:`data_uniform`, each placed
    on the previous layer's activations of the same rows; the output layer
    is always Glorot's (small weights: the first predictions are near the
    output's middle, and no hidden unit is silenced at the start).

    Parameters
    ----------
    rng : numpy.random.RandomState
    layer_units : list of int
        Units per layer, input first.
    dtype : numpy dtype
    X : ndarray or sparse matrix, optional
        Training inputs; None draws every layer as scikit-learn does.
    scale : float, optional
        Spread of the hidden units' Z over the data (needed with ``X``).
    sample_weight : ndarray of shape (n_samples,), optional
        Weights of the rows of ``X``.

    Returns
    -------
    coefs, intercepts : list of ndarray
    """
    coefs, intercepts = [], []
    A, weights = (None, None) if X is None else init_rows(rng, X, sample_weight)
    for l, (fan_in, fan_out) in enumerate(zip(layer_units, layer_units[1:])):
        hidden = l < len(layer_units) - 2
        if A is not None and hidden:
            W, b = data_uniform(rng, A, fan_out, scale, dtype, weights)
            A = sigmoid(A @ W.astype(np.float64) + b)
        else:
            W, b = glorot_uniform(rng, fan_in, fan_out, dtype)
        coefs.append(W)
        intercepts.append(b)
    return coefs, intercepts
