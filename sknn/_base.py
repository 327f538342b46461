"""The estimator shared by the classifier and the regressor.

It owns the hyperparameters and their validation, the fitted attributes and
the scikit-learn contract. A training call reads as the algorithm:
prepare the data (``_prepare``), choose the start (``_race``), start or
continue the optimizer
(``_optimizer``), run epochs until a rule says stop (``_fit_loop``), finish.
Every training call is a transaction: it works on a fresh copy of the
parameters and only an error-free call leaves its results on the estimator,
``coefs_`` and ``intercepts_`` published together at its end, so that threads
predicting meanwhile see the old model or the new one.
"""

# SPDX-License-Identifier: BSD-3-Clause

import operator
import threading
import weakref
from abc import ABCMeta, abstractmethod
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import InvalidParameterError, Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._array_api import array_api_available, attributes_to, check_same_namespace
from ._dispatch import predict_output
from ._callbacks import CallbackSupport, fit_task
from ._fit_loop import Training
from ._init import initial_weights
from ._optimizer import SGDOptimizer
from ._parameters import pack
from ._persistence import VersionedStateMixin
from ._prepare import all_finite, cast_finite, prepare, validate_X
from ._race import choose_init_scale
from ._sklearn_names import CHOICE_CONSTRAINTS, explain_invalid_choice
from ._target_scale import TargetScale


# The parameter values each estimator last passed validation with. partial_fit
# validates on every call, since set_params may change them between calls; a
# stream whose parameters are the very same objects is validated once (about
# a millisecond saved per call). Kept beside the estimator, not in it, so that
# pickles and clones carry no cache.
_VALIDATED = weakref.WeakKeyDictionary()

# Held while ``coefs_`` and ``intercepts_`` are rebound or read as a pair, so
# that a thread predicting while another trains sees both of one model.
_NETWORK_LOCK = threading.Lock()


@contextmanager
def _transaction(estimator):
    """Undo every attribute change of ``estimator`` if the block raises.

    Training never writes into arrays the estimator already holds (it packs
    copies), and only appends to its lists (``loss_curve_``, …: copying them
    would make every call of a long stream pay for its whole history), so a
    shallow copy of ``__dict__`` and the lengths of its lists are a complete
    snapshot. The undo never removes an attribute that was there before, so
    that a thread predicting meanwhile always finds a whole model.
    """
    saved = dict(estimator.__dict__)
    lengths = {name: len(value) for name, value in saved.items() if type(value) is list}
    try:
        yield
    except BaseException:
        with _NETWORK_LOCK:
            for name in estimator.__dict__.keys() - saved.keys():
                del estimator.__dict__[name]
            for name, length in lengths.items():
                del saved[name][length:]
            estimator.__dict__.update(saved)
        raise


class BaseSigmoidMLP(VersionedStateMixin, CallbackSupport, BaseEstimator, metaclass=ABCMeta):
    """Base class of the sigmoid MLPs; use the classifier or the regressor."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        **CHOICE_CONSTRAINTS,
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "init": [StrOptions({"data", "glorot"})],
        "init_scale": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
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
    _BASE_INIT_SCALE = 1.0  # what init_scale='auto' keeps unless the race says sharper

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        *,
        solver,
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
        self.activation = activation
        self.solver = solver
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

    @abstractmethod
    def _weight_samples(self, labels, sample_weight, *, dtype, incremental):
        """The weights sᵢ training uses, class weights multiplied in.

        ``labels`` are the 1-D labels ``_validate_targets`` returned (None
        for multilabel and regression).
        """

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

    def _validate_X(self, X):
        """Check X against the fitted model (features, names)."""
        return validate_X(self, X)

    # ---------------------------------------------------------------- initialisation

    def _initialize(self, layer_units, X, sample_weight, dtype):
        """Fresh random weights and the fitted attributes of an untrained model."""
        rng = check_random_state(self.random_state)
        on_data = self.init == "data"
        coefs, intercepts = initial_weights(
            rng, layer_units, dtype, X=X if on_data else None, scale=self.init_scale_,
            sample_weight=sample_weight,
        )
        # Drawn with numpy on every namespace, so that one seed gives one θ.
        self.coefs_, self.intercepts_ = TargetScale.of(self).from_training_units(coefs, intercepts)
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

    def _validate_params(self):
        # scikit-learn's check, with sknn's advice for an activation or solver it
        # lacks; once per set of parameter values (see _VALIDATED).
        values = tuple(getattr(self, name) for name in self._parameter_constraints)
        validated = _VALIDATED.get(self)
        if validated is not None and all(map(operator.is_, values, validated)):
            return
        try:
            super()._validate_params()
        except InvalidParameterError as error:
            raise explain_invalid_choice(self, error) from None
        _VALIDATED[self] = values

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
        """One training call: prepare the data, start the optimizer, run epochs, finish."""
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: there is no "
                "held-out set on a stream. Set early_stopping=False."
            )
        hidden = self._layer_sizes()
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        data = prepare(
            self, X, y, sample_weight, first_pass=first_pass, incremental=incremental,
            classes=classes,
        )
        layer_units = [data.X.shape[1], *hidden, data.Y.shape[1]]
        if first_pass:
            # Choose the start: init_scale='auto' races a sharper one (_race).
            self.init_scale_, self.init_scale_race_ = choose_init_scale(
                self, data, incremental=incremental
            )
            self._initialize(layer_units, data.X, data.sample_weight, data.dtype)
            if data.device is not None:
                attributes_to(self, *data.device)
        else:
            self._check_layers(layer_units)
        # The transaction: train a private copy of θ, in training units (see
        # _target_scale); the estimator's old arrays stay untouched, and are
        # what other threads predict with, until the call succeeds and
        # publishes new ones (Training.finish).
        theta, coefs, intercepts = pack(
            *TargetScale.of(self).to_training_units(list(self.coefs_), list(self.intercepts_)),
            data.X.dtype,
        )
        task.call_on_fit_task_begin(estimator=self, **data.seen)
        optimizer = SGDOptimizer.start(
            self, theta, data.X, data.sample_weight, first_pass=first_pass,
            incremental=incremental, network=(coefs, intercepts),
        )
        training = Training(self, data, theta, layer_units, optimizer, task, incremental)
        training.run()
        training.finish()
        return self

    # ---------------------------------------------------------------- prediction

    def _network(self):
        """``(coefs_, intercepts_)``, read as one pair (see :meth:`_publish`)."""
        with _NETWORK_LOCK:
            return self.coefs_, self.intercepts_

    def _publish(self, coefs, intercepts):
        """Make new weights the model's: both at once, for threads predicting meanwhile."""
        with _NETWORK_LOCK:
            self.coefs_, self.intercepts_ = coefs, intercepts

    def _forward(self, X, check_input=True, method="predict", network=None):
        """ŷ for X with the fitted weights, or ``network``; allocates its own arrays (thread-safe).

        ``method`` names the public method, for the error when X is of another
        namespace or device than the model. ``network`` is ``(coefs,
        intercepts)`` (the weights being trained, for the validation score);
        the fitted ones are read once, as a pair, so that a ``partial_fit`` in
        another thread cannot change them halfway through.
        """
        if "coefs_" not in self.__dict__:  # scikit-learn's check (and error) costs 30 µs
            check_is_fitted(self)
        if check_input:
            check_same_namespace(X, self, method)
            X = self._validate_X(X)
        coefs, intercepts = self._network() if network is None else network
        X = cast_finite(X, coefs[0].dtype, "X")
        # Inputs far outside the training range (say 1e300) can overflow Z⁽ˡ⁾
        # and give ∞ − ∞ = NaN: raise instead of returning NaN predictions.
        Y_hat = predict_output(X, coefs, intercepts, self.out_activation_)
        if not all_finite(Y_hat):
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
