"""SigmoidMLPClassifier: labels in, probabilities out."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from ._array_api import get_namespace, same_device, to_numpy
from ._base import BaseSigmoidMLP
from ._class_weight import check_class_weight_use, class_weights
from ._docstrings import fill_doc
from ._scores import accuracy
from ._sklearn_names import reject_mlp_only_parameters



def _labels(y):
    """Whether y is 1-D integer, boolean or string labels (never continuous or multilabel).

    Such y needs no ``type_of_target`` (two passes over y that a stream of
    small batches pays on every call).
    """
    return isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype.kind in "biuU"


@fill_doc(
    learning_rate="constant", learning_rate_init="auto", max_iter=500, momentum=0.9, init_scale=2.0
)
class SigmoidMLPClassifier(ClassifierMixin, BaseSigmoidMLP):
    """Multi-layer perceptron classifier with sigmoid hidden units, trained by backprop.

    A feed-forward network Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾, A⁽ˡ⁾ = σ(Z⁽ˡ⁾), trained by
    backpropagation and mini-batch stochastic gradient descent with momentum.
    The output layer is one sigmoid unit for two classes, a softmax over the
    classes for more (or one sigmoid per class with the quadratic cost), and
    one sigmoid per label for multilabel targets.

    Parameters
    ----------
    {hidden_layer_sizes}

    {choices}

    loss : {{'log_loss', 'squared_error'}}, default='log_loss'
        The cost. ``'log_loss'`` is the cross-entropy, whose output error is
        simply ŷ − y. ``'squared_error'`` is the textbook quadratic cost
        ½ ‖ŷ − y‖² on one-hot targets with sigmoid outputs (one unit per class;
        ``predict_proba`` normalises their activations to sum to one).

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, ``{{label: weight}}``: every sample's weight sᵢ
        in the cost is multiplied by the weight of its class (and by its
        ``sample_weight``, if given). ``'balanced'`` uses
        n_samples / (n_classes × count of the class), so that every class
        carries the same total weight; the counts are sums of sample weights
        where scikit-learn's ``compute_class_weight`` takes ``sample_weight``
        (recent versions), numbers of rows on older ones. None gives
        every class weight 1. With ``early_stopping``, the held-out score and
        loss are weighted the same way (so ``'balanced'`` stops on balanced
        accuracy). Not available for multilabel targets; for
        ``partial_fit``, compute balanced weights once with
        :func:`~sklearn.utils.class_weight.compute_class_weight` and pass them
        as a dict.

    {training}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.

    {attributes}

    out_activation_ : {{'logistic', 'softmax'}}
        Activation of the output layer, in scikit-learn's vocabulary.

    See Also
    --------
    SigmoidMLPRegressor : The same network for regression.
    sklearn.neural_network.MLPClassifier : The MLP of scikit-learn, which this one
        matches with ``activation='logistic', solver='sgd'``.

    Notes
    -----
    The defaults are chosen so that a first fit of
    ``make_pipeline(MinMaxScaler(), SigmoidMLPClassifier())`` learns (see
    "Why the defaults learn" in the user guide): the hidden units start on
    the data with steps twice as sharp as the regressor's (``init='data'``,
    ``init_scale=2``: class boundaries are steps; ``init_scale='auto'``
    starts sharper where the data shows finer detail and a held-out race
    confirms it), η follows the curvature
    of the cost (``learning_rate_init='auto'``) with momentum 0.9,
    and the stopping rule ends training once the loss stops improving.
    ``init='glorot'`` with an explicit ``learning_rate_init`` trains exactly
    as scikit-learn's ``MLPClassifier(activation='logistic', solver='sgd')``.

    A fitted model saves with pickle, joblib or skops; with
    ``skops.io.load`` the only type to trust is ``"sknn._classifier.SigmoidMLPClassifier"``
    (see "Saving models" in the README). Loading a model saved by another
    sknn version warns with :class:`sknn.InconsistentVersionWarning`.

    {threads}

    {callbacks}

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from sknn import SigmoidMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> model = make_pipeline(MinMaxScaler(), SigmoidMLPClassifier(random_state=0))
    >>> model.fit(X_train, y_train).score(X_test, y_test) > 0.9
    True
    >>> print(model.predict_proba(X_test[:1]).round(2).sum())
    1.0
    """

    _BASE_INIT_SCALE = 2.0  # init_scale='auto' races a sharper start against this one

    _parameter_constraints: dict = {
        **BaseSigmoidMLP._parameter_constraints,
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    @reject_mlp_only_parameters
    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="logistic",
        *,
        solver="sgd",
        loss="log_loss",
        class_weight=None,
        alpha=1e-4,
        batch_size=32,
        learning_rate="constant",
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
        init_scale=2.0,
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
        self.loss = loss
        self.class_weight = class_weight

    def _validate_targets(self, y, *, first_pass, classes, warm_fit=False):
        if sp.issparse(y):  # a sparse indicator matrix trains as the dense one
            y = y.toarray()
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not first_pass and self._y_type != "multilabel-indicator" and _labels(y):
            multilabel = False  # a fitted model's 1-D labels: _encode checks them
        else:
            check_classification_targets(y)
            multilabel = type_of_target(y) == "multilabel-indicator"
        if first_pass:
            self._set_classes(y, classes, multilabel)
        else:
            self._check_classes(y, classes, multilabel)
            if warm_fit and not multilabel and not np.array_equal(unique_labels(y), self.classes_):
                # As scikit-learn's MLP: a warm fit continues the same problem.
                # Its very text (arrays printed as numpy prints them), which its tests match.
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has "
                    f"{unique_labels(y)}"
                )
        if self._y_type == "multilabel-indicator":
            return np.asarray(y != 0), None
        codes = self._encode(y)
        if self._y_type == "binary":
            return (codes == 1)[:, np.newaxis], y
        return codes[:, np.newaxis] == np.arange(len(self.classes_)), y

    def _weight_samples(self, labels, sample_weight, *, dtype, incremental):
        """sᵢ × weight of the class of sample i, as scikit-learn's classifiers combine them."""
        if self.class_weight is None:
            return sample_weight
        check_class_weight_use(self.class_weight, self._y_type, incremental)
        weights = class_weights(self.class_weight, self.classes_, labels, sample_weight)
        per_sample = weights[self._encode(labels)].astype(dtype)
        if sample_weight is not None:
            per_sample *= sample_weight
        if not per_sample.sum() > 0:
            raise ValueError(
                "class_weight and sample_weight together give every sample zero weight."
            )
        return per_sample

    def _set_classes(self, y, classes, multilabel):
        """Define ``classes_`` and the output layer from y (or ``classes``)."""
        if multilabel:
            classes_ = np.arange(y.shape[1]) if classes is None else unique_labels(classes)
            if len(classes_) != y.shape[1]:
                raise ValueError(
                    f"classes has {len(classes_)} labels but the multilabel y has "
                    f"{y.shape[1]} columns."
                )
            self._y_type = "multilabel-indicator"
        else:
            classes_ = unique_labels(y if classes is None else classes)
            self._y_type = "binary" if len(classes_) == 2 else "multiclass"
        if len(classes_) < 2 and classes is not None and not multilabel:
            raise ValueError(  # the cause is the caller's list, whatever y holds
                f"classes={classes_.tolist()} names only one class, but "
                f"{type(self).__name__} needs at least 2: pass every label the stream "
                f"will see (y holds {unique_labels(y).tolist()})."
            )
        if len(classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes, but the data "
                f"contain only one class: {classes_.tolist()[0]!r}."
            )
        self.classes_ = classes_
        self.n_outputs_ = 1 if self._y_type == "binary" else len(classes_)
        softmax = self._y_type == "multiclass" and self.loss == "log_loss"
        self.out_activation_ = "softmax" if softmax else "logistic"

    def _check_classes(self, y, classes, multilabel):
        """Check that y and ``classes`` agree with the classes fitted before."""
        if classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(
                f"classes={unique_labels(classes).tolist()} differs from the classes of the "
                f"first call, {self.classes_.tolist()}; classes cannot change between calls."
            )
        if multilabel != (self._y_type == "multilabel-indicator") or (
            multilabel and y.shape[1] != self.n_outputs_
        ):
            raise ValueError(
                f"y is {type_of_target(y)!r} but the model was fitted on "
                f"{self._y_type!r} targets with classes {self.classes_.tolist()}."
            )

    def _encode(self, y):
        """Index of each label of y in ``classes_``; unseen labels raise."""
        codes = np.clip(np.searchsorted(self.classes_, y), 0, len(self.classes_) - 1)
        unseen = self.classes_[codes] != y
        if np.any(unseen):
            raise ValueError(
                f"y contains labels not in classes_ {self.classes_.tolist()}: "
                f"{np.unique(np.asarray(y)[unseen]).tolist()}. Pass every label in "
                "`classes` on the first call to partial_fit."
            )
        return codes

    def _decode(self, Y_hat):
        xp = get_namespace(Y_hat)
        if self._y_type == "multilabel-indicator":
            return xp.astype(Y_hat > 0.5, xp.int64)
        if self._y_type == "binary":
            return self._labels(xp.astype(Y_hat[:, 0] > 0.5, xp.int64))
        return self._labels(xp.argmax(Y_hat, axis=1))

    def _labels(self, codes):
        """``classes_[codes]``: in the namespace of ``codes``, unless the labels are strings."""
        if same_device(self.classes_, codes):
            return get_namespace(codes).take(self.classes_, codes, axis=0)
        return self.classes_[to_numpy(codes)]  # numpy classes_ (say strings), or during fit

    def _score(self, X, Y, y, sample_weight=None, network=None):
        # On the CPU, where y is kept (see _base).
        y_pred = to_numpy(self._predict(X, check_input=False, network=network))
        return accuracy(y, y_pred, to_numpy(sample_weight))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train for one epoch on (X, y): one call per chunk of a stream.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A chunk of training data.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Labels of the chunk (or a multilabel indicator matrix).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; None gives every sample 1.
        classes : array-like of shape (n_classes,), default=None
            Every label of the whole stream. Required on the first call (a
            chunk need not contain all of them); later calls may repeat it.

        Returns
        -------
        self : object
            The updated estimator.
        """
        if classes is None and not hasattr(self, "classes_"):
            raise ValueError("classes must be passed on the first call to partial_fit.")
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Predicted labels (an indicator matrix for multilabel targets).
        """
        return self._predict(X)

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``. Rows sum to
            one, except for multilabel targets, where each column is the
            probability of its own label.
        """
        return self._proba(X, method="predict_proba")

    def _proba(self, X, method):
        """:meth:`predict_proba`; ``method`` is the public method, for its errors."""
        Y_hat = self._forward(X, method=method)
        xp = get_namespace(Y_hat)
        if self._y_type == "binary":
            return xp.concat([1 - Y_hat, Y_hat], axis=1)
        if self._y_type == "multiclass" and self.out_activation_ == "logistic":
            # K sigmoid units trained with the quadratic cost: normalise.
            total = xp.sum(Y_hat, axis=1, keepdims=True)
            with np.errstate(divide="ignore", invalid="ignore"):
                return xp.where(total > 0, Y_hat / total, xp.full_like(Y_hat, 1 / Y_hat.shape[1]))
        return Y_hat

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        proba = self._proba(X, method="predict_log_proba")
        with np.errstate(divide="ignore"):
            return get_namespace(proba).log(proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
