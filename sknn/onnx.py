"""Export fitted sknn estimators to ONNX, alone or inside scikit-learn pipelines.

Needs the ``onnx`` extra, ``pip install "scikit-backprop[onnx]"`` (skl2onnx,
which builds the graph, and onnxruntime, which runs it). :func:`register`
teaches skl2onnx to convert `SigmoidMLPClassifier` and `SigmoidMLPRegressor`,
so that ``skl2onnx.to_onnx`` works on them and on any pipeline that holds
them; :func:`to_onnx` registers and converts in one call.

The graph is the forward pass of :mod:`sknn._backprop`, one MatMul, Add and
activation per layer, followed by exactly what ``predict`` and
``predict_proba`` do with the output activations ŷ:

============================  ===========================  ==========================
target                        ``probabilities``            ``label``
============================  ===========================  ==========================
binary (one sigmoid unit)     [1 − ŷ, ŷ]                   ``classes_[ŷ > 0.5]``
multiclass, log_loss          softmax ŷ                    ``classes_[argmax ŷ]``
multiclass, squared_error     ŷ / Σₖ ŷₖ (1/K if Σ = 0)     ``classes_[argmax ŷ]``
multilabel                    ŷ (one column per label)     ``(ŷ > 0.5)`` as int64
============================  ===========================  ==========================

A regressor's one output, ``variable``, is ŷ itself, of shape
(n_samples, n_outputs) even for one output (``predict`` returns that 1-D).

skl2onnx's own converter for scikit-learn's MLP is not reused: it gives a
multilabel model with two labels four probability columns ([1 − ŷ, ŷ] as if
binary), declares its multilabel ``label`` output one-dimensional, and
flattens multi-output regression into a single column.

The dtype of the sample X chooses the precision of the whole graph, as in
skl2onnx: float32 gives a float graph (the weights are rounded to float32),
float64 a double graph. Class labels become int64 (integers, booleans and
integer-valued floats) or strings.
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._array_api import model_to_numpy, to_numpy
from ._classifier import SigmoidMLPClassifier
from ._regressor import SigmoidMLPRegressor

__all__ = ["register", "to_onnx"]

# scikit-learn's names of the output activations → ONNX operators.
_ONNX_ACTIVATION = {"identity": "Identity", "logistic": "Sigmoid", "softmax": "Softmax"}


def _import_skl2onnx():
    """skl2onnx, or an ImportError that says how to install it."""
    try:
        import skl2onnx
    except ImportError as exc:
        raise ImportError(
            "sknn.onnx needs skl2onnx (and onnxruntime to run the graphs): install "
            'the onnx extra, pip install "scikit-backprop[onnx]".'
        ) from exc
    return skl2onnx


def register():
    """Register the sknn estimators with skl2onnx.

    After this call ``skl2onnx.to_onnx`` (and ``convert_sklearn``) converts
    `SigmoidMLPClassifier` and `SigmoidMLPRegressor`, alone or as steps of a
    :class:`~sklearn.pipeline.Pipeline` or any other composite skl2onnx
    handles. Calling it again is harmless.

    The classifier accepts skl2onnx's usual classifier options ``zipmap``
    (True, False or ``'columns'``), ``nocl`` (labels 0..K−1 instead of
    ``classes_``) and ``output_class_labels``.

    Examples
    --------
    >>> import numpy as np
    >>> import skl2onnx
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from sknn import SigmoidMLPClassifier
    >>> from sknn.onnx import register
    >>> register()
    >>> X = np.random.RandomState(0).uniform(size=(60, 3)).astype(np.float32)
    >>> y = (X[:, 0] > 0.5).astype(int)
    >>> model = make_pipeline(MinMaxScaler(), SigmoidMLPClassifier(random_state=0)).fit(X, y)
    >>> onx = skl2onnx.to_onnx(model, X[:1], options={SigmoidMLPClassifier: {"zipmap": False}})
    >>> [output.name for output in onx.graph.output]
    ['label', 'probabilities']
    """
    _import_skl2onnx()
    from skl2onnx import update_registered_converter

    update_registered_converter(
        SigmoidMLPClassifier,
        "SknnSigmoidMLPClassifier",
        _classifier_output_shapes,
        _convert_classifier,
        options={
            "zipmap": [True, False, "columns"],
            "nocl": [False, True],
            "output_class_labels": [False, True],
        },
    )
    update_registered_converter(
        SigmoidMLPRegressor,
        "SknnSigmoidMLPRegressor",
        _regressor_output_shapes,
        _convert_regressor,
    )


def to_onnx(estimator, X_sample, *, zipmap=False, target_opset=None):
    """Convert a fitted estimator (or pipeline) holding sknn estimators to ONNX.

    Parameters
    ----------
    estimator : estimator
        A fitted `SigmoidMLPClassifier`, `SigmoidMLPRegressor`, or anything
        skl2onnx converts that holds them (e.g. a Pipeline with a MinMaxScaler).
    X_sample : array-like of shape (n_samples, n_features)
        A few rows of input. Only its dtype and number of columns are used:
        float32 gives a float graph, float64 a double graph.
    zipmap : bool or 'columns', default=False
        The skl2onnx option ``zipmap`` for the sknn classifiers. False gives the
        probabilities as one (n_samples, n_classes) tensor, True as a list of
        dicts {label: probability}.
    target_opset : int, default=None
        The ONNX opset; None is skl2onnx's latest tested opset.

    Returns
    -------
    onnx.ModelProto
        The model. Its input is ``X``; a classifier's outputs are ``label``
        and ``probabilities``, a regressor's ``variable`` of shape
        (n_samples, n_outputs) (``predict`` returns it 1-D for one output).

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> from sknn import SigmoidMLPClassifier
    >>> from sknn.onnx import to_onnx
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(size=(90, 2)).astype(np.float32)
    >>> y = np.array(["low", "mid", "high"])[(3 * X[:, 0]).astype(int)]
    >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(10,), random_state=0).fit(X, y)
    >>> onx = to_onnx(model, X[:1])
    >>> session = onnxruntime.InferenceSession(
    ...     onx.SerializeToString(), providers=["CPUExecutionProvider"]
    ... )
    >>> label, proba = session.run(None, {"X": X[:5]})
    >>> bool((label == model.predict(X[:5])).all())
    True
    >>> bool(np.allclose(proba, model.predict_proba(X[:5]), atol=1e-5))
    True
    """
    skl2onnx = _import_skl2onnx()
    register()
    options = {SigmoidMLPClassifier: {"zipmap": zipmap}}
    return skl2onnx.to_onnx(estimator, X_sample, target_opset=target_opset, options=options)


# ------------------------------------------------------------------ shapes


def _float_type(input_type):
    """The tensor type of the graph's values: double for double input, else float."""
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    return DoubleTensorType if isinstance(input_type, DoubleTensorType) else FloatTensorType


def _class_labels(scope, model):
    """The class labels as an ONNX tensor: (TensorProto type, values).

    ``classes_``, or 0..K−1 with skl2onnx's option ``nocl``.
    """
    from onnx import TensorProto
    from skl2onnx.common.utils_classifier import get_label_classes

    classes = np.asarray(get_label_classes(scope, model_to_numpy(model)))
    if classes.dtype.kind in "iub" or (
        classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes))
    ):
        return TensorProto.INT64, classes.astype(np.int64)
    if all(isinstance(label, str) for label in classes):
        return TensorProto.STRING, np.array([label.encode("utf-8") for label in classes])
    raise ValueError(
        f"Cannot export the class labels {classes.tolist()} to ONNX: labels must be "
        "integers, integer-valued floats or strings. Encode them first, e.g. with "
        "sklearn.preprocessing.LabelEncoder."
    )


def _check_model(operator):
    """Raise NotFittedError, or ValueError for a model this graph cannot express."""
    model = operator.raw_operator
    check_is_fitted(model)
    n_features = operator.inputs[0].type.shape[1] if len(operator.inputs[0].type.shape) == 2 else None
    if isinstance(n_features, Integral) and n_features != model.n_features_in_:
        raise ValueError(
            f"X has {n_features} features, but {type(model).__name__} is expecting "
            f"{model.n_features_in_} features as input."
        )
    if model.out_activation_ not in _ONNX_ACTIVATION:
        raise ValueError(
            f"Cannot export out_activation_={model.out_activation_!r} to ONNX; "
            f"supported: {sorted(_ONNX_ACTIVATION)}."
        )


def _classifier_output_shapes(operator):
    """Declare ``label`` and ``probabilities`` for a SigmoidMLPClassifier."""
    from onnx import TensorProto
    from skl2onnx.common.data_types import Int64TensorType, StringTensorType
    from skl2onnx.common.utils import check_input_and_output_numbers

    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    _check_model(operator)
    model = operator.raw_operator
    n_samples = operator.inputs[0].get_first_dimension()
    n_classes = len(model.classes_)
    if model._y_type == "multilabel-indicator":
        label_type = Int64TensorType([n_samples, n_classes])
    elif _class_labels(operator.scope_inst, model)[0] == TensorProto.STRING:
        label_type = StringTensorType([n_samples])
    else:
        label_type = Int64TensorType([n_samples])
    operator.outputs[0].type = label_type
    operator.outputs[1].type = _float_type(operator.inputs[0].type)([n_samples, n_classes])


def _regressor_output_shapes(operator):
    """Declare ``variable``, (n_samples, n_outputs), for a SigmoidMLPRegressor."""
    from skl2onnx.common.utils import check_input_and_output_numbers

    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    _check_model(operator)
    model = operator.raw_operator
    n_samples = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _float_type(operator.inputs[0].type)([n_samples, model.n_outputs_])


# ------------------------------------------------------------------ the graph


class _Graph:
    """Adds nodes and constants to skl2onnx's container under fresh names."""

    def __init__(self, scope, container, dtype):
        self.scope, self.container, self.dtype = scope, container, dtype

    def constant(self, value, onnx_type=None):
        """A constant tensor (an initializer); floats take the graph's dtype."""
        from onnx import TensorProto

        value = np.asarray(value)
        if onnx_type is None:
            value = value.astype(self.dtype)
            onnx_type = TensorProto.DOUBLE if self.dtype == np.float64 else TensorProto.FLOAT
        name = self.scope.get_unique_variable_name("constant")
        self.container.add_initializer(name, onnx_type, list(value.shape), value.ravel().tolist())
        return name

    def node(self, op_type, inputs, output=None, **attrs):
        """One ONNX node; returns the name of its output."""
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        name = self.scope.get_unique_operator_name(op_type)
        self.container.add_node(op_type, inputs, output, name=name, **attrs)
        return output

    def row_sum(self, Y):
        """Σₖ Yₖ per row, kept as a column (ReduceSum's axes moved to an input in opset 13)."""
        from onnx import TensorProto

        if self.container.target_opset < 13:
            return self.node("ReduceSum", [Y], axes=[1], keepdims=1)
        axes = self.constant([1], TensorProto.INT64)
        return self.node("ReduceSum", [Y, axes], keepdims=1)


def _forward_pass(graph, model, X):
    """ŷ = A⁽ᴸ⁾ with Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾, A⁽ˡ⁾ = σ(Z⁽ˡ⁾), the output activation last."""
    from onnx import TensorProto

    to = TensorProto.DOUBLE if graph.dtype == np.float64 else TensorProto.FLOAT
    A = graph.node("Cast", [X], to=to)
    n_layers = len(model.coefs_)
    for l, (W, b) in enumerate(zip(model.coefs_, model.intercepts_), start=1):
        # A model fitted on torch, CuPy… arrays exports its weights from the CPU.
        W, b = to_numpy(W), to_numpy(b)
        Z = graph.node("Add", [graph.node("MatMul", [A, graph.constant(W)]), graph.constant(b)])
        if l < n_layers:
            A = graph.node("Sigmoid", [Z])
        elif model.out_activation_ == "softmax":
            A = graph.node("Softmax", [Z], axis=1)
        else:
            A = graph.node(_ONNX_ACTIVATION[model.out_activation_], [Z])
    return A


def _graph_for(scope, operator, container):
    """A _Graph in the precision of the operator's input."""
    from skl2onnx.common.data_types import DoubleTensorType

    double = isinstance(operator.inputs[0].type, DoubleTensorType)
    return _Graph(scope, container, np.float64 if double else np.float32)


def _convert_classifier(scope, operator, container):
    """``predict`` and ``predict_proba`` of SigmoidMLPClassifier as ONNX nodes."""
    from onnx import TensorProto

    model = operator.raw_operator
    graph = _graph_for(scope, operator, container)
    Y_hat = _forward_pass(graph, model, operator.inputs[0].full_name)
    label, proba = operator.outputs[0].full_name, operator.outputs[1].full_name

    if model._y_type == "multilabel-indicator":
        # Each label on its own: its probability, and whether it exceeds ½.
        graph.node("Identity", [Y_hat], proba)
        above = graph.node("Greater", [Y_hat, graph.constant(0.5)])
        graph.node("Cast", [above], label, to=TensorProto.INT64)
        return

    label_type, classes = _class_labels(scope, model)
    classes = graph.constant(classes, label_type)
    if model._y_type == "binary":
        # One sigmoid unit: ŷ is P(classes_[1]).
        graph.node("Concat", [graph.node("Sub", [graph.constant(1.0), Y_hat]), Y_hat], proba, axis=1)
        above = graph.node("Cast", [graph.node("Greater", [Y_hat, graph.constant(0.5)])], to=TensorProto.INT64)
        index = graph.node("Reshape", [above, graph.constant([-1], TensorProto.INT64)])
    else:
        if model.out_activation_ == "softmax":
            graph.node("Identity", [Y_hat], proba)
        else:
            # K sigmoid units of the quadratic cost: normalise them to sum to 1,
            # the uniform 1/K where they all are 0 (as predict_proba does).
            total = graph.row_sum(Y_hat)
            ratio = graph.node("Div", [Y_hat, total])
            positive = graph.node("Greater", [total, graph.constant(0.0)])
            graph.node("Where", [positive, ratio, graph.constant(1.0 / len(model.classes_))], proba)
        index = graph.node("ArgMax", [Y_hat], axis=1, keepdims=0)
    graph.node("Gather", [classes, index], label, axis=0)


def _convert_regressor(scope, operator, container):
    """``predict`` of SigmoidMLPRegressor as ONNX nodes (always 2-D)."""
    graph = _graph_for(scope, operator, container)
    Y_hat = _forward_pass(graph, operator.raw_operator, operator.inputs[0].full_name)
    graph.node("Identity", [Y_hat], operator.outputs[0].full_name)
