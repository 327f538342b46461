"""What a finished fit looks like from inside: saturated units, a flat output.

The textbook network fails in a few typical ways (see "When it does not
learn" in the user guide). Two of them leave marks that a forward pass over
some training rows shows at once:

- *saturated* hidden units: |z| so large on every row that σ′ = a (1 − a)
  is about 0, so no error δ flows back through them and SGD cannot move
  them any more (the collapse after a too-large step);
- an output that does not depend on X: every row gets the same ŷ.

Pure array code; the estimator turns the findings into warnings.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._activations import sigmoid_derivative
from ._array_api import numpy_rows, to_numpy
from ._backprop import forward_pass
from ._quiet import warn
from ._weighted import mean_and_std

# A unit is saturated when σ′ < SATURATED_SLOPE (|z| > 9.2) on nearly all rows.
SATURATED_SLOPE = 1e-4
SATURATED_ROWS = 0.99
# Warn when at least this fraction of a hidden layer is saturated.
SATURATED_UNITS = 0.5
# Inputs beyond this size are "not scaled" (a MinMaxScaler gives [0, 1]).
LARGE_X = 10.0
# A stop of the stopping rule above this fraction of a constant prediction's loss is a plateau,
PLATEAU_FRACTION = 0.9
# and so is one where every hidden unit's a varies by less than this over the
# rows (|z| spread under 0.5: σ is nearly a straight line there).
LINEAR_SPREAD = 0.125
# A stream of partial_fit calls is diagnosed once per this many rows trained
# (about 8 samples of N_INIT_ROWS rows: a forward pass over the sample then
# costs a few per cent of the training it checks).
DIAGNOSE_EVERY = 8000
# Unless a constant prediction's loss is below this (y constant, up to
# rounding): then there is nothing in X to learn, and any stop is convergence.
NOTHING_TO_LEARN = np.finfo(np.float64).eps


class DegenerateFitWarning(UserWarning):
    """A fit ended with a network that cannot have learned X.

    Raised as a warning (not an error: the model is usable, and the message
    says what went wrong) when, at the end of ``fit`` or ``partial_fit``, at
    least half of a hidden layer's sigmoid units are saturated on the training
    rows (σ′ = a (1 − a) ≈ 0, so their error δ vanishes and SGD cannot move
    them), or when the predictions do not depend on X. The message names the
    cause and the fix; the user guide's "When it does not learn" shows both.

    Examples
    --------
    Turn it into an error where a silent bad model must not pass, e.g. in a
    scheduled retraining job:

    >>> import warnings
    >>> from sknn import DegenerateFitWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", DegenerateFitWarning)
    ...     issubclass(DegenerateFitWarning, UserWarning)
    True
    """


class PlateauWarning(ConvergenceWarning):
    """Training stopped on a plateau, not at a minimum.

    A subclass of scikit-learn's ``ConvergenceWarning``: the stopping rule
    (``tol``, ``n_iter_no_change``) ended training while the loss was still
    that of a prediction that ignores X, so the flat loss curve is a plateau
    of the sigmoid network (small σ′, vanishing δ), not convergence.

    Examples
    --------
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from sknn import PlateauWarning
    >>> issubclass(PlateauWarning, ConvergenceWarning)
    True
    """


def saturated_units(A):
    """The fraction of each hidden layer's units that are saturated on the rows.

    Parameters
    ----------
    A : list of ndarray
        ``[X, A⁽¹⁾, ..., A⁽ᴸ⁾]`` from :func:`sknn._backprop.forward_pass`.

    Returns
    -------
    list of float
        One fraction per hidden layer, A⁽¹⁾ to A⁽ᴸ⁻¹⁾.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._diagnose import saturated_units
    >>> A_hidden = np.array([[1.0, 0.5], [1.0, 0.3], [1.0, 0.9]])  # unit 0 stuck at 1
    >>> saturated_units([None, A_hidden, None])
    [0.5]
    """
    fractions = []
    for A_l in A[1:-1]:
        flat = sigmoid_derivative(np.asarray(A_l, dtype=np.float64)) < SATURATED_SLOPE
        fractions.append(float(np.mean(flat.mean(axis=0) >= SATURATED_ROWS)))
    return fractions


def output_spread(Y_hat, weights=None):
    """The largest (weighted) standard deviation over the rows of any output unit.

    Parameters
    ----------
    Y_hat : ndarray of shape (n_rows, n_outputs)
    weights : ndarray of shape (n_rows,), optional

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._diagnose import output_spread
    >>> output_spread(np.array([[0.5, 1.0], [0.5, 3.0]]))
    1.0
    """
    return float(mean_and_std(np.asarray(Y_hat, dtype=np.float64), weights)[1].max())


def _saturation_cause(X, step_remedy):
    """Why units saturated: X on a large scale, or steps too large for the problem."""
    x_max = float(np.abs(X).max()) if X.size else 0.0
    if x_max > LARGE_X:
        return (
            f"X is on a large scale (|x| up to {x_max:.3g}), so the first layer's "
            "steps, which grow with x, throw its units far into σ's flat tails: put a "
            "MinMaxScaler in front."
        )
    return f"The steps were too large for the problem: {step_remedy}."


def step_advice(estimator):
    """What to do about steps too large, for this estimator's own ``learning_rate_init``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from sknn._diagnose import step_advice
    >>> step_advice(SimpleNamespace(learning_rate_init=0.1))
    "lower learning_rate_init, or use learning_rate_init='auto'"
    >>> step_advice(SimpleNamespace(learning_rate_init="auto", learning_rate_init_=0.0383))
    "set learning_rate_init below the step 'auto' chose for this fit (η = 0.0383)"
    """
    if estimator.learning_rate_init == "auto":
        return (
            "set learning_rate_init below the step 'auto' chose for this fit "
            f"(η = {estimator.learning_rate_init_:.3g})"
        )
    return "lower learning_rate_init, or use learning_rate_init='auto'"


def plateau_remedies(estimator):
    """The settings that would move a fit off its plateau, less those it already uses.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from sknn._diagnose import plateau_remedies
    >>> plateau_remedies(SimpleNamespace(learning_rate_init=1e-3, init="glorot", init_scale=2.0))
    "Raise n_iter_no_change, lower tol, use learning_rate_init='auto', or use init='data'"
    >>> defaults = SimpleNamespace(learning_rate_init="auto", init="data", init_scale=2.0)
    >>> plateau_remedies(defaults).endswith("or use init_scale='auto' (a sharper start where "
    ...                                     "y varies on a fine scale)")
    True
    >>> tried = SimpleNamespace(learning_rate_init="auto", init="data", init_scale="auto")
    >>> plateau_remedies(tried)
    'Raise n_iter_no_change, or lower tol'
    """
    remedies = ["Raise n_iter_no_change", "lower tol"]
    if estimator.learning_rate_init != "auto":
        remedies.append("use learning_rate_init='auto'")
    if estimator.init != "data":
        remedies.append("use init='data'")
    elif estimator.init_scale != "auto":
        remedies.append(
            "use init_scale='auto' (a sharper start where y varies on a fine scale)"
        )
    return ", ".join(remedies[:-1]) + ", or " + remedies[-1]


def degenerate_fit_message(A, Y, weights, name, alpha, step_remedy):
    """The :class:`DegenerateFitWarning` text for a fit, or None when it looks healthy.

    Saturated units, or an output that ignores X.

    Parameters
    ----------
    A : list of ndarray
        The forward pass of the fitted network over training rows (``A[0]``
        is X: its size tells one cause from another).
    Y : ndarray of shape (n_rows, n_outputs)
        Their targets in the units training used.
    weights : ndarray of shape (n_rows,) or None
        Their sample weights.
    name : str
        The estimator's class name, for the message.
    alpha : float
        The L2 penalty α, a cause of weights too small to carry X.
    step_remedy : str
        What to do about steps too large (:func:`step_advice`).

    Returns
    -------
    str or None
    """
    guide = " See 'When it does not learn' in the user guide."
    too_far = _saturation_cause(A[0], step_remedy)
    saturated = saturated_units(A)
    worst = int(np.argmax(saturated)) if saturated else 0
    target_spread = output_spread(Y, weights)
    if target_spread > 0 and output_spread(A[-1], weights) < 1e-4 * target_spread:
        if saturated and saturated[worst] >= SATURATED_UNITS:
            cause = too_far
        else:  # the units are fine: the output layer ignores them
            cause = (
                "The weights are too small to carry X to the output: a strong L2 "
                f"penalty (alpha={alpha:g}) pulls them towards 0, or training never "
                "left a flat start: lower alpha, or use init='data'."
            )
        return (
            f"{name}'s predictions do not depend on X: the output is the same for "
            f"every training row. {cause}{guide}"
        )
    if saturated and saturated[worst] >= SATURATED_UNITS:
        n_units = A[worst + 1].shape[1]
        return (
            f"{name}: {round(saturated[worst] * n_units)} of the {n_units} sigmoid units "
            f"of hidden layer {worst + 1} are saturated (σ′ = a(1 − a) < "
            f"{SATURATED_SLOPE:g} on {SATURATED_ROWS:.0%} of the training rows), so the "
            f"error δ cannot flow through them and SGD cannot move them again. "
            f"{too_far}{guide}"
        )
    return None


def plateau_message(A, loss, baseline):
    """Why a stop of the stopping rule is a plateau, or None for convergence.

    A plateau is a stop (a) at nearly the loss of a prediction that ignores
    X, or (b) with every hidden unit still in σ's nearly linear middle, so that
    the network is a linear model that has found the best straight boundary
    (the sigmoid network's plateau of the linear solution) and moves on only
    as fast as its small σ″ lets it. Neither applies where that prediction's
    loss is zero (a constant y): there is nothing to learn from X.

    Parameters
    ----------
    A : list of ndarray
        The forward pass of the network over training rows.
    loss : float
        The loss at the stop.
    baseline : float
        The loss of a prediction that ignores X.

    Returns
    -------
    str or None
        The end of a sentence that starts "the loss did not improve, but ".

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._diagnose import plateau_message
    >>> X = np.linspace(0, 1, 50)[:, None]
    >>> nearly_linear = [X, 0.5 + 0.05 * X, None]  # a = σ(z) with z spread ≈ 0.06
    >>> plateau_message(nearly_linear, loss=0.3, baseline=0.69)[:34]
    'every hidden unit is still in the '
    >>> curved = [X, 1 / (1 + np.exp(-10 * (X - 0.5))), None]
    >>> plateau_message(curved, loss=0.1, baseline=0.69) is None
    True
    >>> plateau_message(nearly_linear, loss=1e-4, baseline=0.0) is None  # constant y
    True
    """
    if baseline < NOTHING_TO_LEARN:
        return None
    if loss > PLATEAU_FRACTION * baseline:
        return (
            f"it is still near that of a prediction that ignores X ({baseline:.4g}): "
            "either X says little about y, or the network is on a plateau, its sigmoid "
            "units in their flat tails or all alike (σ′ small, δ vanishing)."
        )
    hidden = [np.asarray(A_l, dtype=np.float64) for A_l in A[1:-1]]
    if hidden and all(A_l.std(axis=0).max() < LINEAR_SPREAD for A_l in hidden):
        return (
            "every hidden unit is still in the nearly linear middle of σ (its "
            f"activation varies by less than {LINEAR_SPREAD} over the rows): the network "
            "is a linear model so far, the plateau of the best straight fit, not a "
            "minimum of the curved network."
        )
    return None


def diagnosis_due(estimator, n_samples, incremental, stopped_by_rule):
    """Whether this call ends with a diagnosis (:func:`diagnose`).

    Every ``fit`` does, and every call that a stopping rule ended. A stream
    of ``partial_fit`` calls is diagnosed on its first call and then once
    every ``DIAGNOSE_EVERY`` rows: a diagnosis looks at up to ``N_INIT_ROWS``
    rows, so on small batches it would cost more than their training.
    Records the rows trained since the last diagnosis on the estimator.
    """
    since = getattr(estimator, "_rows_undiagnosed", None) if incremental else None
    due = since is None or stopped_by_rule or since + n_samples >= DIAGNOSE_EVERY
    estimator._rows_undiagnosed = 0 if due else since + n_samples
    return due


def diagnose(estimator, X, Y, sample_weight, rows, baseline, stopped_by_rule, network):
    """Warn if the trained network cannot have learned X, or stalled on a plateau.

    Looks at ``rows``, a sample of the training rows (at most
    ``N_INIT_ROWS``, drawn alike in every call of one model: see
    :func:`sknn._init.sample_rows`), on the CPU, with the trained weights
    ``network`` (``(coefs, intercepts)``, in training units).
    """
    coefs = [to_numpy(W) for W in network[0]]
    intercepts = [to_numpy(b) for b in network[1]]
    A, _ = forward_pass(numpy_rows(X, rows), coefs, intercepts, estimator.out_activation_)
    weights = None if sample_weight is None else numpy_rows(sample_weight, rows)
    message = degenerate_fit_message(
        A, numpy_rows(Y, rows), weights, type(estimator).__name__, estimator.alpha,
        step_advice(estimator),
    )
    if message is not None:
        warn(message, DegenerateFitWarning)
    elif stopped_by_rule:
        message = plateau_message(A, estimator.loss_, baseline)
        if message is not None:
            warn(
                f"Training stopped on a plateau after {estimator.n_iter_} epochs: the loss "
                f"({estimator.loss_:.4g}) did not improve by tol={estimator.tol:g} for "
                f"{estimator.n_iter_no_change} epochs, but {message} "
                f"{plateau_remedies(estimator)}; see 'When it does not learn' in the user guide.",
                PlateauWarning,
            )
