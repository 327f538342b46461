"""SigmoidMLPRegressor: real-valued targets, one output unit per target."""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import column_or_1d

from ._array_api import to_numpy
from ._base import BaseSigmoidMLP
from ._docstrings import fill_doc
from ._prepare import not_numeric
from ._scores import r2
from ._sklearn_names import reject_mlp_only_parameters


@fill_doc(
    learning_rate="adaptive", learning_rate_init="auto", max_iter=500, momentum=0.9, init_scale=1.0
)
class SigmoidMLPRegressor(RegressorMixin, BaseSigmoidMLP):
    """Multi-layer perceptron regressor with sigmoid hidden units, trained by backprop.

    A feed-forward network Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾, A⁽ˡ⁾ = σ(Z⁽ˡ⁾), with an
    identity output (any real target) or a sigmoid output (the textbook
    network, for targets in [0, 1]), trained on the quadratic cost by
    backpropagation and mini-batch stochastic gradient descent with momentum.
    A 2-D y trains one output unit per column.

    Parameters
    ----------
    {hidden_layer_sizes}

    {choices}

    loss : {{'squared_error'}}, default='squared_error'
        The cost, ½ ‖ŷ − y‖² per sample.

    output_activation : {{'identity', 'sigmoid'}}, default='identity'
        Activation of the output units. ``'sigmoid'`` is the textbook network
        and needs targets in [0, 1] (scale them, e.g. with
        :class:`~sklearn.compose.TransformedTargetRegressor` and
        :class:`~sklearn.preprocessing.MinMaxScaler`).

    {training}

    target_std : float or None, default=5.0
        With the identity output, training subtracts the (weighted) mean of
        each target column and scales it to standard deviation
        ``target_std``; ``coefs_`` and ``intercepts_`` are mapped back after
        every call, so predictions are in y's units. Any scale of y then
        trains alike, and a spread of about 5 makes the output weights large
        enough that the error δ reaches the hidden layers undiminished
        (with unit-variance targets it arrives many times weaker, and the
        hidden layers barely learn). ``loss_``, ``loss_curve_`` and ``tol``
        are then in units of Var(y): the cost over ``target_std``², so that
        ½ (1 − R²) is the loss of the fit. The mean and spread come from the
        first call (for ``partial_fit``, the first chunk). None trains on y
        as given, as scikit-learn's ``MLPRegressor``; ignored with
        ``output_activation='sigmoid'``, whose targets are in [0, 1].

    Attributes
    ----------
    {attributes}

    out_activation_ : {{'identity', 'logistic'}}
        Activation of the output layer, in scikit-learn's vocabulary.

    See Also
    --------
    SigmoidMLPClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : The MLP of scikit-learn, which this one
        matches with ``activation='logistic', solver='sgd'``.

    Notes
    -----
    The defaults are chosen so that a first fit of
    ``make_pipeline(MinMaxScaler(), SigmoidMLPRegressor())`` learns (see
    "Why the defaults learn" in the user guide): y is rescaled for training
    (``target_std``), the hidden units start on the data (``init='data'``),
    η follows the curvature of the cost
    (``learning_rate_init='auto'``), and the ``'adaptive'`` schedule divides
    η by 5 whenever the loss stalls, so that training settles instead of
    rattling around the minimum. ``init='glorot', target_std=None`` with an
    explicit ``learning_rate_init`` trains exactly as scikit-learn's
    ``MLPRegressor(activation='logistic', solver='sgd')``.

    A fitted model saves with pickle, joblib or skops; with
    ``skops.io.load`` the only type to trust is ``"sknn._regressor.SigmoidMLPRegressor"``
    (see "Saving models" in the README). Loading a model saved by another
    sknn version warns with :class:`sknn.InconsistentVersionWarning`.

    {threads}

    {callbacks}

    Examples
    --------
    >>> import numpy as np
    >>> from sknn import SigmoidMLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(size=(400, 1))
    >>> y = X[:, 0] ** 2
    >>> model = SigmoidMLPRegressor(hidden_layer_sizes=(20,), random_state=0).fit(X, y)
    >>> model.score(X, y) > 0.9
    True
    """

    _parameter_constraints: dict = {
        **BaseSigmoidMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error"})],
        "output_activation": [StrOptions({"identity", "sigmoid"})],
        "target_std": [Interval(Real, 0, None, closed="neither"), None],
    }
    _y_numeric = True

    @reject_mlp_only_parameters
    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="logistic",
        *,
        solver="sgd",
        loss="squared_error",
        output_activation="identity",
        alpha=1e-4,
        batch_size=32,
        learning_rate="adaptive",
        learning_rate_init="auto",
        power_t=0.5,
        max_iter=500,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        init="data",
        init_scale=1.0,
        target_std=5.0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            init=init,
            init_scale=init_scale,
        )
        self.target_std = target_std
        self.loss = loss
        self.output_activation = output_activation

    def _validate_targets(self, y, *, first_pass, classes, warm_fit=False):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if Y.dtype.kind != "f":
            try:  # validate_data lets strings through; they fail here
                Y = Y.astype(np.float64)
            except (TypeError, ValueError) as error:
                raise not_numeric("y", error) from error
        if self.output_activation == "sigmoid" and (Y.min() < 0 or Y.max() > 1):
            raise ValueError(
                "output_activation='sigmoid' needs targets in [0, 1], got values in "
                f"[{Y.min():g}, {Y.max():g}]. Scale y (e.g. TransformedTargetRegressor "
                "with MinMaxScaler) or use output_activation='identity'."
            )
        if first_pass:
            self.n_outputs_ = Y.shape[1]
            self.out_activation_ = "logistic" if self.output_activation == "sigmoid" else "identity"
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} target columns but the model was fitted on "
                f"{self.n_outputs_}."
            )
        return Y, None

    def _weight_samples(self, labels, sample_weight, *, dtype, incremental):
        # No class weights: sᵢ as given.
        return sample_weight

    def _decode(self, Y_hat):
        return Y_hat[:, 0] if Y_hat.shape[1] == 1 else Y_hat

    def _score(self, X, Y, y, sample_weight=None, network=None):
        # R² is the same in training units (each column's R² is unchanged by
        # an affine map of both y and ŷ), where the weights are during training.
        # Scored on the CPU, where the targets are kept (see _base).
        Y_hat = to_numpy(self._forward(X, check_input=False, network=network))
        return r2(to_numpy(Y), Y_hat, to_numpy(sample_weight))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on (X, y): one call per chunk of a stream.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A chunk of training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets of the chunk.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; None gives every sample 1.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values.
        """
        return self._predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
