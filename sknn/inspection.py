"""Look inside a fitted network: activations, gradients, and a gradient check.

Everything here runs the very functions training runs: the forward pass of
:mod:`sknn._backprop`, its backpropagation, the estimator's own checks and
target encoding. So :func:`gradients` is the gradient SGD would step along
from the current weights, and :func:`check_gradients` tests that gradient
against the slope of the cost measured by central finite differences.

In :func:`check_gradients`, the floor 1e-8 of the relative difference sits
above the rounding noise of the finite differences (about 1e-12 for costs
near 1 and ε = 1e-4), so a gradient that has all but vanished (a deep
sigmoid stack's first layers) does not count as a mismatch.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._backprop import forward_pass, penalised_backprop
from ._base import BaseSigmoidMLP
from ._evaluate import batch_cost
from ._finite_differences import central_differences
from ._parameters import pack
from ._prepare import cast_finite, prepare
from ._target_scale import TargetScale

__all__ = ["activations", "check_gradients", "gradients"]


def _check_network(estimator):
    if not isinstance(estimator, BaseSigmoidMLP):
        raise TypeError(
            "estimator must be a fitted SigmoidMLPClassifier or SigmoidMLPRegressor, got "
            f"{type(estimator).__name__}. For a Pipeline, pass its last step and the "
            "data transformed by the steps before it."
        )
    check_is_fitted(estimator)
    if not isinstance(estimator.coefs_[0], np.ndarray):
        raise TypeError(
            "sknn.inspection works on numpy models, but this one was fitted with array API "
            f"dispatch on {type(estimator.coefs_[0]).__module__} arrays. Convert it with "
            "sknn.model_to_numpy(estimator) and pass numpy X (and y)."
        )


def _input(estimator, X):
    """X checked against the fit, in the dtype of the weights."""
    return cast_finite(estimator._validate_X(X), estimator.coefs_[0].dtype, "X")


def _training_data(estimator, X, y, sample_weight):
    """(X, Y, s) exactly as ``fit(X, y, sample_weight)`` would train on them.

    The preparation of ``fit`` itself (one-hot or 0/1 targets, class weights
    multiplied into the sample weights, the regressor's training units) on
    the fitted model; changes nothing on it.
    """
    data = prepare(
        estimator, X, y, sample_weight, first_pass=False, incremental=False, warm_fit=False
    )
    return data.X, data.Y, data.sample_weight


def _training_weights(estimator, dtype):
    """θ and its views W⁽ˡ⁾, b⁽ˡ⁾ in the units training works in (copies).

    They are ``coefs_`` and ``intercepts_`` themselves except for a regressor
    with ``target_std``, whose output layer trains on rescaled targets.
    """
    units = TargetScale.of(estimator)
    return pack(*units.to_training_units(list(estimator.coefs_), list(estimator.intercepts_)), dtype)


def _cost_settings(estimator):
    return dict(loss=estimator.loss, out_activation=estimator.out_activation_, alpha=estimator.alpha)


def activations(estimator, X):
    """The activations A⁽ˡ⁾ of every layer for the samples X.

    The forward pass prediction runs, Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾ and
    A⁽ˡ⁾ = σ(Z⁽ˡ⁾), keeping every layer: the hidden representations the
    network learned, and how far into the flat tails of σ its units sit.

    Parameters
    ----------
    estimator : SigmoidMLPClassifier or SigmoidMLPRegressor
        A fitted network.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The input samples.

    Returns
    -------
    list of ndarray
        ``A[l]`` is A⁽ˡ⁾, of shape (n_samples, units of layer l), for
        l = 0..L: ``A[0]`` is X itself (as checked), ``A[1:-1]`` the sigmoid
        activations of the hidden layers, ``A[-1]`` the output ŷ.

    See Also
    --------
    gradients : ∂C/∂W⁽ˡ⁾ and ∂C/∂b⁽ˡ⁾ of every layer.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import SigmoidMLPClassifier
    >>> from sknn.inspection import activations
    >>> X, y = load_iris(return_X_y=True)
    >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(8, 3), max_iter=20,
    ...                              random_state=0).fit(X / 8, y)
    >>> A = activations(model, X[:5] / 8)
    >>> [a.shape for a in A]
    [(5, 4), (5, 8), (5, 3), (5, 3)]
    >>> bool(((A[1] > 0) & (A[1] < 1)).all())  # sigmoid units
    True
    """
    _check_network(estimator)
    X = _input(estimator, X)
    A, _ = forward_pass(X, estimator.coefs_, estimator.intercepts_, estimator.out_activation_)
    return A


def gradients(estimator, X, y, sample_weight=None):
    """∂C/∂W⁽ˡ⁾ and ∂C/∂b⁽ˡ⁾ of every layer, by the backpropagation training uses.

    C is the cost that ``fit(X, y, sample_weight)`` minimises, taken over all
    of (X, y) as one batch, at the current weights:
    C = (1/m) Σᵢ sᵢ lossᵢ + (α / 2m) Σₗ ‖W⁽ˡ⁾‖², with the targets encoded
    and the samples weighted (``sample_weight``, and ``class_weight`` for a
    classifier) as training does. Everything is in the units training works
    in, so minus these gradients is the direction SGD steps along: for
    :class:`~sknn.SigmoidMLPRegressor` with ``target_std`` (the default),
    y is first scaled to (y − mean) / c with c = std(y) / ``target_std``,
    and the output layer to W⁽ᴸ⁾ / c and (b⁽ᴸ⁾ − mean) / c, which predict
    the scaled y (the hidden layers are the same in both units).

    Parameters
    ----------
    estimator : SigmoidMLPClassifier or SigmoidMLPRegressor
        A fitted network.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The input samples.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Their targets (labels for a classifier).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights; None gives every sample 1.

    Returns
    -------
    coef_grads : list of ndarray
        ``coef_grads[l]`` is ∂C/∂W⁽ˡ⁺¹⁾, shaped like ``estimator.coefs_[l]``.
    intercept_grads : list of ndarray
        ``intercept_grads[l]`` is ∂C/∂b⁽ˡ⁺¹⁾, shaped like ``estimator.intercepts_[l]``.

    See Also
    --------
    check_gradients : Compare these gradients with finite differences.

    Examples
    --------
    Training on the same data again would step along minus these gradients:

    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sknn import SigmoidMLPClassifier
    >>> from sknn.inspection import gradients
    >>> X, y = load_iris(return_X_y=True)
    >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(8,), max_iter=20,
    ...                              random_state=0).fit(X / 8, y)
    >>> dW, db = gradients(model, X / 8, y)
    >>> [g.shape for g in dW], [g.shape for g in db]
    ([(4, 8), (8, 3)], [(8,), (3,)])
    >>> bool(np.linalg.norm(dW[1]) > 0)
    True
    """
    _check_network(estimator)
    X, Y, sample_weight = _training_data(estimator, X, y, sample_weight)
    _, coefs, intercepts = _training_weights(estimator, X.dtype)
    _, coef_grads, intercept_grads = penalised_backprop(
        X, Y, coefs, intercepts, sample_weight=sample_weight, **_cost_settings(estimator)
    )
    return coef_grads, intercept_grads


def _parameters_checked(n_params, max_params, random_state):
    """The indices of θ to check: all, or ``max_params`` of them drawn at random."""
    if max_params is None:
        return np.arange(n_params)
    if not 1 <= max_params:
        raise ValueError(f"max_params must be a positive int or None, got {max_params!r}.")
    rng = check_random_state(random_state)
    return rng.choice(n_params, size=min(int(max_params), n_params), replace=False)


def check_gradients(
    estimator, X, y, sample_weight=None, *, epsilon=1e-4, max_params=None, random_state=None
):
    """Largest relative difference between backprop and central finite differences.

    For each parameter θⱼ (every weight and bias), the slope of the cost is
    measured as (C(θ + ε eⱼ) − C(θ − ε eⱼ)) / 2ε, with C evaluated by a plain
    forward pass, and compared with ∂C/∂θⱼ from :func:`gradients`::

        max over j of |gⱼ − ĝⱼ| / max(|gⱼ|, |ĝⱼ|, 1e-8)

    Correct backpropagation gives about 1e-7 for a shallow network and 1e-4
    for a deep sigmoid stack; a wrong equation gives values near 1 (see the
    module's notes). Computed in float64 whatever the dtype of the network.

    Parameters
    ----------
    estimator : SigmoidMLPClassifier or SigmoidMLPRegressor
        A fitted network.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The input samples.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Their targets (labels for a classifier).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights; None gives every sample 1.
    epsilon : float, default=1e-4
        The step ε of the finite differences. Their error is about ε² ``|C‴|``
        (truncation) plus 1e-16 ``|C|`` / ε (rounding).
    max_params : int, default=None
        Check only this many parameters, drawn at random (two forward passes
        each); None checks them all.
    random_state : int, RandomState instance or None, default=None
        Draws the parameters checked when ``max_params`` is set.

    Returns
    -------
    float
        The largest relative difference.

    See Also
    --------
    gradients : The gradients by backpropagation.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import SigmoidMLPClassifier
    >>> from sknn.inspection import check_gradients
    >>> X, y = load_iris(return_X_y=True)
    >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(5,), max_iter=20,
    ...                              random_state=0).fit(X / 8, y)
    >>> check_gradients(model, X / 8, y) < 1e-6
    True
    """
    _check_network(estimator)
    if not epsilon > 0:
        raise ValueError(f"epsilon must be a positive step, got {epsilon!r}.")
    n_params = sum(np.size(A) for A in [*estimator.coefs_, *estimator.intercepts_])
    indices = _parameters_checked(n_params, max_params, random_state)
    return _largest_difference(estimator, X, y, sample_weight, epsilon, indices)


def _largest_difference(estimator, X, y, sample_weight, epsilon, indices):
    """:func:`check_gradients` after its checks, for the θⱼ of ``indices``."""
    X, Y, sample_weight = (
        None if A is None else A.astype(np.float64, copy=False)
        for A in _training_data(estimator, X, y, sample_weight)
    )
    # θ as one float64 vector; coefs and intercepts are views, so moving θⱼ moves the network.
    theta, coefs, intercepts = _training_weights(estimator, np.float64)
    settings = dict(sample_weight=sample_weight, **_cost_settings(estimator))
    _, coef_grads, intercept_grads = penalised_backprop(X, Y, coefs, intercepts, **settings)
    analytic, _, _ = pack(coef_grads, intercept_grads, np.float64)

    def C():
        return batch_cost(X, Y, coefs, intercepts, **settings)

    numeric = central_differences(C, theta, epsilon, indices)
    # Compared on the scale of loss_ (the regressor's cost over target_std²),
    # where the floor below fits the rounding noise.
    unit = TargetScale.of(estimator).unit
    g, numeric = analytic[indices] / unit, numeric / unit
    scale = np.maximum(np.maximum(np.abs(g), np.abs(numeric)), 1e-8)
    return float(np.max(np.abs(g - numeric) / scale))
