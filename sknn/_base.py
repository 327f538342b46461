"""The estimator shared by the classifier and the regressor.

It owns what the array modules below it do not know about: hyperparameters
and their validation, input checking, initialisation, the epochs with their
learning-rate schedule and stopping rules, and the fitted attributes. Every
training call is a transaction: it works on a fresh copy of the parameters and
only an error-free call leaves its results on the estimator, ``coefs_`` and
``intercepts_`` published together at its end, so that threads predicting
meanwhile see the old model or the new one.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math
import threading
import warnings
from abc import ABCMeta, abstractmethod
from contextlib import contextmanager
from functools import partial
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._array_api import (
    array_api_available,
    attributes_to,
    check_same_namespace,
    dispatching,
    float_dtypes,
    get_namespace,
    move_attributes,
    numpy_rows,
    take_rows,
    to_device,
    to_numpy,
    _numpy_dtype,
)
from ._backprop import forward_pass, predict_output
from ._callbacks import CallbackSupport, fit_task
from ._curvature import jacobian_bound
from ._diagnose import (
    DegenerateFitWarning,
    PlateauWarning,
    degenerate_fit_message,
    plateau_message,
)
from ._evaluate import batch_cost, epoch_cost
from ._init import init_rows, initial_weights, sample_rows
from ._limits import check_sample_weight_sum, check_target_range
from ._losses import baseline_cost, penalty
from ._parameters import pack, unpack
from ._persistence import VersionedStateMixin
from ._sgd import adaptive_learning_rate, auto_learning_rate, invscaling_learning_rate
from ._train import Workspace, run_epoch


# An epoch whose loss exceeds this multiple of a constant prediction's has diverged.
DIVERGENCE_FACTOR = 10
# max_iter ended a fit still learning if its last epochs gained this much of its total gain.
PROGRESS_FRACTION = 0.01


# Held while ``coefs_`` and ``intercepts_`` are rebound or read as a pair, so
# that a thread predicting while another trains sees both of one model.
_NETWORK_LOCK = threading.Lock()


@contextmanager
def _transaction(estimator):
    """Undo every attribute change of ``estimator`` if the block raises.

    Training never writes into arrays the estimator already holds (it packs
    copies), so a shallow copy of ``__dict__`` is a complete snapshot. The
    undo never removes an attribute that was there before, so that a thread
    predicting meanwhile always finds a whole model.
    """
    saved = dict(estimator.__dict__)
    try:
        yield
    except BaseException:
        with _NETWORK_LOCK:
            for name in estimator.__dict__.keys() - saved.keys():
                del estimator.__dict__[name]
            estimator.__dict__.update(saved)
        raise


def _cast_finite(A, dtype, name):
    """A (dense or sparse, any namespace) as ``dtype``; raise if the cast overflows to ±∞.

    A model trained in float32 keeps float32, so a float64 input such as 1e300
    must fail clearly here rather than turn into ∞ and then NaN downstream.
    """
    if A.dtype == dtype:
        return A
    if sp.issparse(A):
        with np.errstate(over="ignore"):
            A = A.astype(dtype)
        finite = np.isfinite(A.data).all()
    else:
        xp = get_namespace(A)
        with np.errstate(over="ignore"):
            A = xp.astype(A, dtype)
        finite = bool(xp.all(xp.isfinite(A)))
    if not finite:
        raise ValueError(
            f"{name} has values too large for {_numpy_dtype(dtype).name}, the dtype the "
            f"model computes in (set by the X of the first fit). Scale {name}."
        )
    return A


@contextmanager
def _numeric(X, y=None):
    """Say which input was not numeric when converting X (or y) to floats fails.

    numpy's "could not convert string to float: 'a'" names the value but not
    the argument it came from. ``y`` is given where y must be numeric too (a
    regression); validate_data converts X first, so the error is y's only
    when X converts.
    """
    try:
        yield
    except ValueError as error:
        if "could not convert" not in str(error):
            raise
        name = "y" if y is not None and _converts(X) else "X"
        raise _not_numeric(name, error) from error


def _converts(A):
    """Whether A can be read as an array of floats."""
    try:
        np.asarray(A, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


def _not_numeric(name, error):
    """The error for an input ``name`` whose values are not numbers."""
    return ValueError(
        f"{name} must be numeric ({error}). Encode text and categorical columns "
        "as numbers first, e.g. with OneHotEncoder or OrdinalEncoder in a "
        "ColumnTransformer."
    )


def _numpy_weights(coefs, intercepts):
    """The layers as numpy arrays (themselves when they are).

    The steps that look at a sample of the rows (the learning rate, the
    start cost, the diagnosis) run on the CPU, in numpy, whatever
    namespace the network trains in: a thousand rows at most.
    """
    return [to_numpy(W) for W in coefs], [to_numpy(b) for b in intercepts]


class BaseSigmoidMLP(VersionedStateMixin, CallbackSupport, BaseEstimator, metaclass=ABCMeta):
    """Base class of the sigmoid MLPs; use the classifier or the regressor."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "init": [StrOptions({"data", "glorot"})],
        "init_scale": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
    }

    _y_numeric = False  # the regressor asks validate_data for numeric y

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        *,
        alpha,
        batch_size,
        learning_rate,
        learning_rate_init,
        power_t,
        max_iter,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        n_iter_no_change,
        init,
        init_scale,
    ):
        self.init = init
        self.init_scale = init_scale
        self.hidden_layer_sizes = hidden_layer_sizes
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change

    # ---------------------------------------------------------------- subclass hooks

    @abstractmethod
    def _validate_targets(self, y, *, first_pass, classes, warm_fit=False):
        """Check y and encode it as the 2-D target matrix Y the network learns.

        Sets the target-related fitted attributes (``classes_``, ``n_outputs_``,
        ``out_activation_``) when ``first_pass``; returns ``(Y, stratify)``.
        ``warm_fit`` is a ``fit`` with ``warm_start`` on a fitted model.
        """

    def _weight_samples(self, labels, sample_weight, *, dtype, incremental):
        """The weights sᵢ training uses: ``sample_weight`` as given by default.

        The classifier multiplies in its ``class_weight``; ``labels`` are the
        1-D labels ``_validate_targets`` returned (None for multilabel).
        """
        return sample_weight

    @abstractmethod
    def _decode(self, Y_hat):
        """Turn output activations into predictions."""

    @abstractmethod
    def _score(self, X, Y, y, sample_weight=None, network=None):
        """Validation score (higher is better) of the weights ``network``.

        ``network`` is ``(coefs, intercepts)``, the weights being trained (in
        training units); ``Y`` are the targets as training encodes them (in
        training units), ``y`` as the user gave them.
        """

    # ---------------------------------------------------------------- validation

    def _layer_sizes(self):
        """``hidden_layer_sizes`` as a list of positive ints."""
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
        for size in sizes:
            if isinstance(size, (bool, np.bool_)) or not isinstance(size, Integral) or size < 1:
                raise ValueError(
                    "hidden_layer_sizes must hold positive integers (units per hidden "
                    f"layer), got {self.hidden_layer_sizes!r}."
                )
        return [int(size) for size in sizes]

    def _validate_X_y(self, X, y, *, reset):
        """Check X and y; once fitted, X takes the dtype of the weights.

        ``reset=True`` (a fresh fit) records ``n_features_in_`` and
        ``feature_names_in_``; otherwise X must match them.
        """
        with _numeric(X, y if self._y_numeric else None):
            X, y = validate_data(
                self,
                X,
                y,
                accept_sparse=["csr", "csc"],
                multi_output=True,
                dtype=float_dtypes(X),
                order="C",  # rows contiguous, as the compiled kernel takes them
                reset=reset,
                y_numeric=self._y_numeric,
            )
        if not reset:
            X = _cast_finite(X, self.coefs_[0].dtype, "X")
        return X, y

    def _validate_X(self, X):
        """Check X against the fitted model (features, names)."""
        with _numeric(X):
            return validate_data(
                self, X, accept_sparse=["csr", "csc"], dtype=float_dtypes(X),
                order="C", reset=False,
            )

    def _validate_sample_weight(self, sample_weight, n_samples, dtype):
        """sample_weight as a numpy array of ``dtype`` (None stays None), checked."""
        if sample_weight is None:
            return None
        sample_weight = _check_sample_weight(
            # Only the length of X matters here, and X's namespace may be another.
            sample_weight, np.empty((n_samples, 0), dtype), dtype=dtype, ensure_non_negative=True
        )
        if not np.all(np.isfinite(sample_weight)):
            raise ValueError("sample_weight contains NaN or infinity.")
        if not sample_weight.any():
            raise ValueError("sample_weight sums to zero: at least one sample needs a positive weight.")
        check_sample_weight_sum(sample_weight, dtype)
        return sample_weight

    # ---------------------------------------------------------------- initialisation

    def _initialize(self, layer_units, X, sample_weight, dtype):
        """Fresh random weights and the fitted attributes of an untrained model."""
        rng = check_random_state(self.random_state)
        on_data = self.init == "data"
        coefs, intercepts = initial_weights(
            rng, layer_units, dtype, X=X if on_data else None, scale=self.init_scale,
            sample_weight=sample_weight,
        )
        # Drawn with numpy on every namespace, so that one seed gives one θ.
        self.coefs_, self.intercepts_ = self._from_training_units(coefs, intercepts)  # y's units
        # One seed for all later randomness (splits, shuffles): every training
        # call draws from its own stream, keyed by the samples seen so far.
        self._seed = int(rng.randint(np.iinfo(np.int32).max))
        self.n_layers_ = len(layer_units)
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.learning_rate_curve_ = []
        self._no_improvement_count = 0
        self.best_loss_ = self._reference_loss = np.inf
        self.validation_scores_ = self.best_validation_score_ = None
        self.validation_loss_curve_ = None

    def _check_layers(self, layer_units):
        """Check that the current weights fit the data and hyperparameters."""
        shapes = [(a, b) for a, b in zip(layer_units, layer_units[1:])]
        coef_shapes = [np.shape(W) for W in self.coefs_]
        bias_shapes = [np.shape(b) for b in self.intercepts_]
        if coef_shapes != shapes or bias_shapes != [(b,) for _, b in shapes]:
            raise ValueError(
                f"The weights have shapes coefs_={coef_shapes}, intercepts_={bias_shapes}, "
                f"but hidden_layer_sizes and the data need coefs_={shapes}. Set "
                "warm_start=False (or call fit) to start from new weights."
            )

    # ---------------------------------------------------------------- training

    def _fit(self, X, y, sample_weight=None, *, incremental, classes=None):
        if incremental:
            # scikit-learn's _fit_context validates partial_fit's parameters
            # only on the first call; set_params can change them in between.
            self._validate_params()
        # Callbacks (scikit-learn >= 1.9): a fit task with one sub-task per epoch;
        # partial_fit is a fit task of one epoch. Set up outside the transaction,
        # so that a failed call still tears the callbacks down.
        task = fit_task(self, n_epochs=1 if incremental else self.max_iter)
        with _transaction(self):
            return self._fit_transaction(X, y, sample_weight, incremental, classes, task)

    def _fit_transaction(self, X, y, sample_weight, incremental, classes, task):
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: there is no "
                "held-out set on a stream. Set early_stopping=False."
            )
        hidden = self._layer_sizes()
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        # With array API dispatch, X may be a torch tensor, a CuPy array…: the
        # network trains in its namespace, on its device (the reference
        # modules), numpy X in the compiled kernel. Labels, classes and sample
        # weights are always read on the CPU, wherever they come from.
        device = dispatching(X)
        if get_config()["array_api_dispatch"]:
            y, sample_weight = to_numpy(y), to_numpy(sample_weight)
        if not first_pass:  # a model trained on, say, CUDA continues there only
            check_same_namespace(X, self, "partial_fit" if incremental else "fit")
        if device is not None and not first_pass:
            move_attributes(self, to_numpy, skip=("coefs_", "intercepts_", "_velocity"))
        X, y = self._validate_X_y(X, y, reset=first_pass)
        xp = get_namespace(X)
        dtype = _numpy_dtype(X.dtype)  # numpy's, for the work done on the CPU
        sample_weight = self._validate_sample_weight(sample_weight, X.shape[0], dtype)
        # Callbacks see the data of the call, and score with the caller's weights.
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        seen = dict(X=X, y=y, metadata=metadata)
        Y, stratify = self._validate_targets(
            y, first_pass=first_pass, classes=classes, warm_fit=not (first_pass or incremental)
        )
        sample_weight = self._weight_samples(
            stratify, sample_weight, dtype=dtype, incremental=incremental
        )
        if Y.dtype.kind == "f":
            Y = check_target_range(Y, dtype, sample_weight)
        if first_pass:
            self._fit_target_scale(Y, sample_weight)
        Y = self._training_targets(Y)

        layer_units = [X.shape[1], *hidden, Y.shape[1]]
        if first_pass:
            self._initialize(layer_units, X, sample_weight, dtype)
            if device is not None:
                attributes_to(self, *device)
        else:
            self._check_layers(layer_units)

        # The transaction: train a private copy of θ (coefs and intercepts are
        # views into it); the estimator's old arrays stay untouched, and are
        # what other threads predict with, until the call succeeds and
        # publishes new ones. Training runs in the units of the training
        # targets (see _training_targets).
        theta, coefs, intercepts = pack(
            *self._to_training_units(list(self.coefs_), list(self.intercepts_)), X.dtype
        )
        task.call_on_fit_task_begin(estimator=self, **seen)
        if incremental and getattr(self, "_velocity", None) is not None and (
            self._velocity.shape == theta.shape
        ):
            velocity = xp.astype(self._velocity, X.dtype, copy=True)
            learning_rate = self._learning_rate
        else:  # fit, also with warm_start, restarts the optimizer as scikit-learn's
            velocity = xp.zeros_like(theta)
            learning_rate = self.learning_rate_init_ = self._initial_learning_rate(
                X, sample_weight, first_pass, coefs, intercepts
            )

        rng = np.random.default_rng([self._seed, self.t_])
        if sp.issparse(X):
            X = X.tocsr()  # row batches
        # A prediction that ignores X scores this: the yardstick for divergence
        # and for telling a plateau from convergence.
        unit = self._loss_unit()
        baseline = baseline_cost(self.loss, self.out_activation_, Y, sample_weight) / unit
        # Divergence is a loss far above both a constant prediction's and the
        # starting network's (either alone can be tiny: a great warm start, a
        # class weight that puts nearly all weight on one class).
        yardstick = max(baseline, self._start_cost(X, Y, sample_weight, coefs, intercepts) / unit)
        validation = None
        if self.early_stopping:
            # A fresh held-out set each call, so scores start afresh too.
            X, Y, sample_weight, validation = self._split_validation(
                X, Y, y, sample_weight, stratify, rng
            )
            if device is not None:  # Y and the weights go where X is
                X_val, Y_val, y_val, sw_val = validation
                validation = X_val, to_device(Y_val, *device, dtype), y_val, to_device(sw_val, *device)
            self.validation_scores_ = []
            self.validation_loss_curve_ = []
            self.best_validation_score_ = -np.inf
            self._reference_score = -np.inf
            self.best_loss_ = None
            self._no_improvement_count = 0
            best_theta = xp.asarray(theta, copy=True)
        elif self.best_loss_ is None:  # the last fit used early stopping
            self.best_loss_ = np.inf
            self.validation_scores_ = self.best_validation_score_ = None
            self.validation_loss_curve_ = None

        if device is not None:
            Y, sample_weight = to_device(Y, *device, dtype), to_device(sample_weight, *device)
        n_samples = X.shape[0]
        batch_size = min(self.batch_size, n_samples)
        workspace = Workspace(layer_units)
        self.loss_curve_ = list(self.loss_curve_)
        self.learning_rate_curve_ = list(getattr(self, "learning_rate_curve_", []))
        self.n_iter_ = 0
        n_epochs = 1 if incremental else self.max_iter
        stopped_by_rule = False

        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(n_epochs):
                epoch_task = task.subcontext(task_name="epoch")
                epoch_task.call_on_fit_task_begin(estimator=self, **seen)
                snapshot = xp.asarray(theta, copy=True), xp.asarray(velocity, copy=True)
                try:
                    weighted_cost, total_weight = run_epoch(
                        theta,
                        velocity,
                        coefs,
                        intercepts,
                        X,
                        Y,
                        sample_weight,
                        workspace=workspace,
                        batch_size=batch_size,
                        order=self._order(rng, n_samples, device),
                        loss=self.loss,
                        out_activation=self.out_activation_,
                        alpha=self.alpha,
                        learning_rate=learning_rate,
                        momentum=self.momentum,
                        nesterov=self.nesterovs_momentum,
                    )
                except KeyboardInterrupt:
                    theta[...], velocity[...] = snapshot
                    epoch_task.call_on_fit_task_end(estimator=self)  # an empty task
                    warnings.warn(
                        "Training interrupted by user; the model keeps the weights of "
                        "the last complete epoch."
                    )
                    break
                if device is not None:  # the layers afresh from θ (see _parameters)
                    coefs, intercepts = unpack(theta, layer_units)
                epoch_loss = weighted_cost / total_weight / unit if total_weight else math.nan
                diverged = self._divergence(epoch_loss, theta, yardstick, learning_rate)
                if diverged is not None:
                    if self.early_stopping and self.n_iter_ > 0:
                        # Keep the best epoch so far, as when the score stalls.
                        warnings.warn(diverged + " Keeping the weights of the best epoch.")
                        velocity[:] = 0  # no use continuing from a runaway velocity
                        break
                    raise ValueError(diverged)
                self.n_iter_ += 1
                self.t_ += n_samples
                self.loss_ = epoch_loss
                self.loss_curve_.append(epoch_loss)
                self.learning_rate_curve_.append(learning_rate)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {epoch_loss:.8f}")

                if self.early_stopping:
                    if self._update_validation(
                        *validation, batch_size=batch_size, network=(coefs, intercepts)
                    ):
                        best_theta[...] = theta
                else:
                    self._update_training_loss(epoch_loss)
                stop_requested = epoch_task.call_on_fit_task_end(
                    estimator=self,
                    reconstruction_attributes=partial(self._epoch_state, coefs, intercepts),
                    **seen,
                )
                if self.learning_rate == "invscaling":
                    learning_rate = invscaling_learning_rate(
                        getattr(self, "learning_rate_init_", self.learning_rate_init),  # old pickles
                        self.t_,
                        self.power_t,
                    )
                if self._no_improvement_count > self.n_iter_no_change:
                    next_rate = self._stalled(learning_rate)
                    if next_rate is None:
                        stopped_by_rule = True
                        break
                    learning_rate = next_rate
                if incremental or stop_requested:
                    break
                if self.n_iter_ == self.max_iter:
                    self._warn_if_still_improving()

        if self.early_stopping:
            theta[...] = best_theta
        coefs, intercepts = unpack(theta, layer_units)
        self._velocity = velocity
        self._learning_rate = learning_rate
        if self.n_iter_:
            self._diagnose(X, Y, sample_weight, baseline, stopped_by_rule, coefs, intercepts)
        self._publish(*self._from_training_units(coefs, intercepts))
        if device is not None:  # every fitted array where X is (scikit-learn's convention)
            attributes_to(self, *device)
        task.call_on_fit_task_end(estimator=self, reconstruction_attributes={}, **seen)
        return self

    # ---------------------------------------------------------------- training units

    def _fit_target_scale(self, Y, sample_weight):
        """Learn the target scaling of ``_training_targets`` (none here)."""

    def _training_targets(self, Y):
        """The targets in the units the network trains on: Y itself here.

        The regressor standardises them (``normalize_y``); ``coefs_`` always
        predict in the user's units, so training converts the output layer to
        the training units first (:meth:`_to_training_units`) and back at the
        end (:meth:`_from_training_units`).
        """
        return Y

    def _loss_unit(self):
        """What the cost in training units is divided by for ``loss_`` (1 here).

        The regressor trains on y scaled to spread ``target_std`` but reports
        (and stops on) the cost of y scaled to spread 1, so that ``tol`` means
        the same whatever ``target_std`` is.
        """
        return 1.0

    def _to_training_units(self, coefs, intercepts):
        """The layers with the output layer in the units of ``_training_targets``.

        Returns new lists (the given arrays are not modified): the same layers here.
        """
        return coefs, intercepts

    def _from_training_units(self, coefs, intercepts):
        """Undo :meth:`_to_training_units`: new lists, in the units of y."""
        return coefs, intercepts

    # ---------------------------------------------------------------- η, divergence, diagnosis

    def _initial_learning_rate(self, X, sample_weight, first_pass, coefs, intercepts):
        """η at the start of a fit: ``learning_rate_init``, or the 'auto' rule.

        'auto' is worked out from the initial weights ``coefs``, ``intercepts``
        (in training units); a warm start keeps the η of the first fit, so
        that fits in pieces train as one.
        """
        if self.learning_rate_init == "auto" and not first_pass and (
            getattr(self, "_auto_rate", None) is not None
        ):
            return self._auto_rate
        if self.learning_rate_init == "auto":
            X_rows, weights = init_rows(np.random.RandomState(self._seed), X, sample_weight)
            bound = jacobian_bound(
                X_rows, *_numpy_weights(coefs, intercepts), self.out_activation_, weights
            )
            self._auto_rate = auto_learning_rate(bound, self.loss, self.out_activation_)
            return self._auto_rate
        return float(self.learning_rate_init)

    def _warn_if_still_improving(self):
        """``ConvergenceWarning`` when ``max_iter`` ended a fit that was still learning.

        Still learning: over its last epochs (``n_iter_no_change`` of them, at
        most a tenth of the fit) the loss (or, with early stopping, the
        validation score) gained more than ``tol`` and more than
        ``PROGRESS_FRACTION`` of all it gained in this fit. A curve
        that creeps down by a hair per epoch (the log-loss of separable classes
        keeps falling as the weights grow) has converged for every practical
        purpose and does not warn.
        """
        if self.early_stopping:
            curve = -np.asarray(self.validation_scores_, dtype=float)
        else:
            curve = np.asarray(self.loss_curve_[-self.n_iter_ :], dtype=float)
        window = int(min(self.n_iter_no_change, max(1, len(curve) // 10), len(curve) - 1))
        if window < 1:
            return
        recent = curve[-window - 1] - curve[-window:].min()
        total = curve.max() - curve.min()  # the whole change (a first epoch can rise)
        if recent > self.tol and recent > PROGRESS_FRACTION * total:
            what = "validation score" if self.early_stopping else "loss"
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and "
                f"the optimization hasn't converged yet: the {what} improved by "
                f"{recent:.3g} in the last {window} epochs ({recent / total:.1%} of its "
                "whole change in this fit). More epochs (max_iter) would fit the training data "
                "further.",
                ConvergenceWarning,
            )

    def _sample_rows(self, n_samples, sample_weight):
        """Up to N_INIT_ROWS rows of positive weight, drawn alike in every call of one model."""
        return sample_rows(np.random.RandomState(self._seed), n_samples, to_numpy(sample_weight))

    def _network(self):
        """``(coefs_, intercepts_)``, read as one pair (see :meth:`_publish`)."""
        with _NETWORK_LOCK:
            return self.coefs_, self.intercepts_

    def _publish(self, coefs, intercepts):
        """Make new weights the model's: both at once, for threads predicting meanwhile."""
        with _NETWORK_LOCK:
            self.coefs_, self.intercepts_ = coefs, intercepts

    def _order(self, rng, n_samples, device):
        """The order of the rows in this epoch: a shuffle, or None (as given).

        Drawn with numpy on every namespace, so that a seed shuffles alike
        whether the network trains on numpy or on a GPU.
        """
        if not self.shuffle:
            return None
        order = rng.permutation(n_samples)
        return order if device is None else to_device(order, *device)

    def _start_cost(self, X, Y, sample_weight, coefs, intercepts):
        """The cost C of a mini-batch of the weights at the start, on a sample of the rows.

        The penalty is (α / 2m) Σ‖W‖² with the m of a mini-batch, as in training.
        """
        rows = self._sample_rows(X.shape[0], sample_weight)
        weights = None if sample_weight is None else sample_weight[rows]
        coefs, intercepts = _numpy_weights(coefs, intercepts)
        data_cost = batch_cost(
            numpy_rows(X, rows), Y[rows], coefs, intercepts, loss=self.loss,
            out_activation=self.out_activation_, alpha=0.0, sample_weight=weights,
        )
        m = min(self.batch_size, X.shape[0]) * (1.0 if weights is None else float(weights.mean()))
        return data_cost + penalty(coefs, self.alpha) / m

    def _divergence(self, epoch_loss, theta, yardstick, learning_rate):
        """The error message if this epoch diverged, else None.

        Diverged means a loss or weight that is not finite, or a loss above
        ``DIVERGENCE_FACTOR`` times the yardstick (the larger of a constant
        prediction's loss and the starting network's): SGD may rise above it
        for a moment, but an epoch that ends far above it took steps too large
        for the cost's curvature, and such steps only grow.
        """
        xp = get_namespace(theta)
        if math.isfinite(epoch_loss) and bool(xp.all(xp.isfinite(theta))):
            if not (yardstick > 0 and epoch_loss > DIVERGENCE_FACTOR * yardstick):
                return None
            what = (
                f"the loss ({epoch_loss:.3g}) exploded to over {DIVERGENCE_FACTOR}× that of "
                f"a constant prediction or of the starting weights ({yardstick:.3g})"
            )
        else:
            what = "the loss or the weights became non-finite"
        return (
            f"Training diverged in epoch {self.n_iter_ + 1}: {what} (learning rate "
            f"{learning_rate:g}, learning_rate_init={self.learning_rate_init!r}). Lower "
            "learning_rate_init (or use 'auto'), or scale X (e.g. MinMaxScaler)."
        )

    def _diagnose(self, X, Y, sample_weight, baseline, stopped_by_rule, coefs, intercepts):
        """Warn if the trained network (in training units) cannot have learned X, or stalled."""
        rows = self._sample_rows(X.shape[0], sample_weight)
        A, _ = forward_pass(
            numpy_rows(X, rows), *_numpy_weights(coefs, intercepts), self.out_activation_
        )
        weights = None if sample_weight is None else numpy_rows(sample_weight, rows)
        message = degenerate_fit_message(
            A, numpy_rows(Y, rows), weights, type(self).__name__, self.alpha
        )
        if message is not None:
            warnings.warn(message, DegenerateFitWarning)
        elif stopped_by_rule:
            message = plateau_message(A, self.loss_, baseline)
            if message is not None:
                warnings.warn(
                    f"Training stopped on a plateau after {self.n_iter_} epochs: the loss "
                    f"({self.loss_:.4g}) did not improve by tol={self.tol:g} for "
                    f"{self.n_iter_no_change} epochs, but {message} Raise "
                    "n_iter_no_change, lower tol, or use learning_rate_init='auto' and "
                    "init='data'; see 'When it does not learn' in the user guide.",
                    PlateauWarning,
                )

    def _epoch_state(self, coefs, intercepts):
        """Copies of what changes from epoch to epoch, for a callback's ``fitted_estimator``.

        ``coefs``, ``intercepts`` are the weights being trained, in training
        units. Called lazily, only when a callback asks for the fitted estimator.
        """
        xp = get_namespace(coefs[0])
        coefs, intercepts = self._from_training_units(
            [xp.asarray(W, copy=True) for W in coefs],
            [xp.asarray(b, copy=True) for b in intercepts],
        )
        state = {
            "coefs_": coefs,
            "intercepts_": intercepts,
            "n_iter_": self.n_iter_,
            "t_": self.t_,
            "loss_": self.loss_,
            "loss_curve_": list(self.loss_curve_),
        }
        if self.early_stopping:
            state["validation_scores_"] = list(self.validation_scores_)
            state["validation_loss_curve_"] = list(self.validation_loss_curve_)
        return state

    def _split_validation(self, X, Y, y, sample_weight, stratify, rng):
        """Hold out ``validation_fraction`` of the rows (stratified by class).

        Returns the training part ``X, Y, sample_weight`` and the held-out
        ``(X_val, Y_val, y_val, sw_val)``.
        """
        try:
            # The rows by index, so that X may be of any namespace.
            train, held_out = train_test_split(
                np.arange(X.shape[0]),
                test_size=self.validation_fraction,
                stratify=stratify,
                random_state=int(rng.integers(np.iinfo(np.int32).max)),
            )
        except ValueError as error:  # e.g. fewer validation rows than classes
            if stratify is None:
                raise ValueError(
                    f"early_stopping cannot hold out validation_fraction="
                    f"{self.validation_fraction} of {X.shape[0]} samples: {error}. The "
                    "validation set is too small: increase validation_fraction or provide "
                    "more samples."
                ) from error
            # As scikit-learn's MLP fits such data: hold out a plain random split.
            warnings.warn(
                f"early_stopping could not stratify the validation split ({error}); "
                "holding out a random split without stratification instead. Increase "
                "validation_fraction to keep every class in the validation set."
            )
            return self._split_validation(X, Y, y, sample_weight, None, rng)
        X_train, X_val = take_rows(X, train), take_rows(X, held_out)
        Y_train, Y_val, y_val = Y[train], Y[held_out], y[held_out]
        sw_train, sw_val = (None, None) if sample_weight is None else (
            sample_weight[train], sample_weight[held_out]
        )
        if X_val.shape[0] < 2:
            raise ValueError(
                f"The validation set is too small ({X_val.shape[0]} rows): increase "
                "validation_fraction or provide more samples."
            )
        return X_train, Y_train, sw_train, (X_val, Y_val, y_val, sw_val)

    def _update_validation(self, X_val, Y_val, y_val, sw_val, *, batch_size, network):
        """Record the validation score and loss of ``network``; True when the score is the best."""
        score = self._score(X_val, Y_val, y_val, sw_val, network=network)
        self.validation_scores_.append(score)
        # The training cost on the held-out rows, averaged over mini-batches
        # as loss_ is, so that the two curves are on one scale.
        self.validation_loss_curve_.append(
            epoch_cost(
                X_val,
                Y_val,
                *network,
                batch_size=batch_size,
                loss=self.loss,
                out_activation=self.out_activation_,
                alpha=self.alpha,
                sample_weight=sw_val,
            )
            / self._loss_unit()
        )
        if self.verbose:
            print(
                f"Validation score: {score:f}, validation loss = "
                f"{self.validation_loss_curve_[-1]:.8f}"
            )
        # Progress is counted against the last score that made progress, so
        # that many small gains add up (see _update_training_loss).
        if score > self._reference_score + self.tol:
            self._reference_score = score
            self._no_improvement_count = 0
        else:
            self._no_improvement_count += 1
        if score > self.best_validation_score_:
            self.best_validation_score_ = score
            return True
        return False

    def _update_training_loss(self, epoch_loss):
        """Count the epochs since the loss last beat its reference by ``tol``.

        The reference is the loss of the last epoch that made progress, not
        the best loss so far (scikit-learn's rule): on a slow but steady
        descent each epoch gains less than ``tol``, and comparing with the
        best would stop training although ``n_iter_no_change`` epochs together
        gained many times ``tol``. Here those small gains add up.
        """
        reference = getattr(self, "_reference_loss", self.best_loss_)  # older pickles
        if epoch_loss < reference - self.tol:
            self._reference_loss = epoch_loss
            self._no_improvement_count = 0
        else:
            self._reference_loss = reference
            self._no_improvement_count += 1
        self.best_loss_ = min(self.best_loss_, epoch_loss)

    def _stalled(self, learning_rate):
        """The next η once training stalled, or None to stop (as scikit-learn)."""
        what = "Validation score" if self.early_stopping else "Training loss"
        msg = (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )
        self._no_improvement_count = 0
        next_rate = adaptive_learning_rate(learning_rate) if self.learning_rate == "adaptive" else None
        if self.verbose:
            if next_rate is None:
                print(msg + " Stopping.")
            else:
                print(msg + f" Setting learning rate to {next_rate:f}")
        return next_rate

    # ---------------------------------------------------------------- prediction

    def _forward(self, X, check_input=True, method="predict", network=None):
        """ŷ for X with the fitted weights, or ``network``; allocates its own arrays (thread-safe).

        ``method`` names the public method, for the error when X is of another
        namespace or device than the model. ``network`` is ``(coefs,
        intercepts)`` (the weights being trained, for the validation score);
        the fitted ones are read once, as a pair, so that a ``partial_fit`` in
        another thread cannot change them halfway through.
        """
        check_is_fitted(self)
        if check_input:
            check_same_namespace(X, self, method)
            X = self._validate_X(X)
        coefs, intercepts = self._network() if network is None else network
        X = _cast_finite(X, coefs[0].dtype, "X")
        # Inputs far outside the training range (say 1e300) can overflow Z⁽ˡ⁾
        # and give ∞ − ∞ = NaN: raise instead of returning NaN predictions.
        with np.errstate(over="ignore", invalid="ignore"):
            Y_hat = predict_output(X, coefs, intercepts, self.out_activation_)
        xp = get_namespace(Y_hat)
        if not bool(xp.all(xp.isfinite(Y_hat))):
            raise ValueError(
                "The network's output is not finite: X has values too large for the "
                "weights (overflow in the forward pass). Scale X as in training "
                "(e.g. MinMaxScaler)."
            )
        return Y_hat

    def _predict(self, X, check_input=True, network=None):
        return self._decode(self._forward(X, check_input=check_input, network=network))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on (X, y) by mini-batch SGD.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 input trains in float32.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights sᵢ of the samples in the cost; None gives every sample 1.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # torch, CuPy… with array API dispatch, where SciPy lets scikit-learn dispatch.
        tags.array_api_support = array_api_available()
        return tags
