"""The data of one training call, checked and encoded as the network trains on it.

One preparation serves ``fit``, ``partial_fit`` and :mod:`sknn.inspection`:
X checked against the model (its dtype once fitted), y encoded as the target
matrix Y (one-hot or 0/1 for a classifier, in training units for a
regressor), the sample weights sᵢ with any class weight multiplied in. The
namespace and device of the call are settled here too, once: labels, classes
and weights are read on the CPU wherever they come from, and what the
network trains on goes where X is.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.utils.validation import _check_sample_weight, validate_data

from ._array_api import (
    _numpy_dtype,
    check_same_namespace,
    dispatching,
    float_dtypes,
    get_namespace,
    move_attributes,
    to_device,
    to_numpy,
)
from ._limits import check_sample_weight_sum, check_target_range
from ._target_scale import TargetScale


def cast_finite(A, dtype, name):
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
def numeric(X, y=None):
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
        raise not_numeric(name, error) from error


def _converts(A):
    """Whether A can be read as an array of floats."""
    try:
        np.asarray(A, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


def not_numeric(name, error):
    """The error for an input ``name`` whose values are not numbers."""
    return ValueError(
        f"{name} must be numeric ({error}). Encode text and categorical columns "
        "as numbers first, e.g. with OneHotEncoder or OrdinalEncoder in a "
        "ColumnTransformer."
    )


def all_finite(A):
    """Whether every entry of the float array A (of any namespace) is finite.

    For numpy, one pass of BLAS's dot v · v first, twice as fast as
    ``A.sum()`` and without a temporary: ∞ and NaN propagate into it. Only
    where it is not finite (a false alarm for |entries| beyond √(float max))
    does the entry-by-entry check decide.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._prepare import all_finite
    >>> all_finite(np.array([[1.0, 1e300]])), all_finite(np.array([1.0, np.nan]))
    (True, False)
    """
    if type(A) is np.ndarray:
        v = A.reshape(-1)
        with np.errstate(over="ignore", invalid="ignore"):
            if math.isfinite(np.dot(v, v)):
                return True
    xp = get_namespace(A)
    return bool(xp.all(xp.isfinite(A)))


def checked_already(estimator, X):
    """Whether X is already what scikit-learn's checks would return for the fitted model.

    That is a finite, C-ordered, 2-D numpy array of the model's dtype and
    number of features, for a model fitted on numpy without feature names
    and with array API dispatch off: the stream of same-shaped arrays that
    ``partial_fit`` and ``predict`` are called with one batch at a time.
    scikit-learn's ``validate_data`` would return X unchanged, at about a
    millisecond a call: the idea of scikit-learn's ``check_input=False``,
    decided by the data instead of the caller. Anything else takes the full
    checks (and their error messages).
    """
    W = estimator.coefs_[0]
    return (
        type(X) is np.ndarray
        and type(W) is np.ndarray
        and X.ndim == 2
        and X.dtype == W.dtype
        and X.flags.c_contiguous
        and 0 < X.shape[0]
        and X.shape[1] == estimator.n_features_in_
        and not hasattr(estimator, "feature_names_in_")
        and not get_config()["array_api_dispatch"]
        and all_finite(X)
    )


def _plain_targets(y, n_samples, y_numeric):
    """Whether y needs no conversion: a 1-D numpy array of numbers (or labels), finite."""
    if type(y) is not np.ndarray or y.ndim != 1 or y.shape[0] != n_samples:
        return False
    if y.dtype.kind in "biu":
        return True
    if y.dtype.kind == "f":
        return all_finite(y)
    return y.dtype.kind == "U" and not y_numeric


def validate_X_y(estimator, X, y, *, reset):
    """Check X and y; once fitted, X takes the dtype of the weights.

    ``reset=True`` (a fresh fit) records ``n_features_in_`` and
    ``feature_names_in_``; otherwise X must match them.
    """
    y_numeric = estimator._y_numeric
    if not reset and checked_already(estimator, X) and _plain_targets(y, X.shape[0], y_numeric):
        return X, y
    with numeric(X, y if y_numeric else None):
        X, y = validate_data(
            estimator,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=float_dtypes(X),
            order="C",  # rows contiguous, as the compiled kernel takes them
            reset=reset,
            y_numeric=y_numeric,
        )
    if not reset:
        X = cast_finite(X, estimator.coefs_[0].dtype, "X")
    return X, y


def validate_X(estimator, X):
    """Check X against the fitted model (features, names)."""
    if checked_already(estimator, X):
        return X
    with numeric(X):
        return validate_data(
            estimator, X, accept_sparse=["csr", "csc"], dtype=float_dtypes(X),
            order="C", reset=False,
        )


def validate_sample_weight(sample_weight, n_samples, dtype):
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


class TrainingData:
    """X, Y and the sample weights of one call, as the network trains on them.

    Attributes
    ----------
    X : array or CSR matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        The targets in training units, on the CPU (see :meth:`to_device`).
    y : ndarray
        The targets as given (checked), for scoring a held-out set.
    sample_weight : ndarray of shape (n_samples,) or None
        sᵢ, class weights included.
    stratify : ndarray or None
        The 1-D labels, for a stratified validation split.
    seen : dict
        The data of the call as callbacks see it.
    device : tuple or None
        ``(xp, device)`` of X under array API dispatch; None for numpy.
    dtype : numpy dtype
        The dtype the network computes in.
    """

    def __init__(self, X, Y, y, sample_weight, stratify, seen, device, dtype):
        self.X, self.Y, self.y = X, Y, y
        self.sample_weight, self.stratify = sample_weight, stratify
        self.seen, self.device, self.dtype = seen, device, dtype

    def to_device(self):
        """Y and the weights where X is, for the epochs (numpy stays as it is)."""
        if self.device is not None:
            self.Y = to_device(self.Y, *self.device, self.dtype)
            self.sample_weight = to_device(self.sample_weight, *self.device)


def settle_namespace(estimator, X, y, sample_weight, *, first_pass, method):
    """The call's device; y and the weights on the CPU; a fitted model's arrays there too.

    With array API dispatch, X may be a torch tensor, a CuPy array…: the
    network trains in its namespace, on its device (the reference modules),
    numpy X in the compiled kernel. A model trained on, say, CUDA continues
    there only.
    """
    device = dispatching(X)
    if get_config()["array_api_dispatch"]:
        y, sample_weight = to_numpy(y), to_numpy(sample_weight)
    if not first_pass:
        check_same_namespace(X, estimator, method)
    if device is not None and not first_pass:
        move_attributes(estimator, to_numpy, skip=("coefs_", "intercepts_", "_velocity"))
    return device, y, sample_weight


def prepare(
    estimator, X, y, sample_weight, *, first_pass, incremental, classes=None, warm_fit=None
):
    """(X, Y, s) exactly as this call of ``fit``/``partial_fit`` trains on them.

    On a first pass this sets the fitted attributes of the targets
    (``classes_``, ``n_outputs_``, ``out_activation_``, the regressor's
    target scale); otherwise it checks the data against them. ``warm_fit``
    (a ``fit`` with ``warm_start`` on a fitted model, by default) asks the
    targets to have the fitted classes.

    Returns
    -------
    TrainingData
    """
    method = "partial_fit" if incremental else "fit"
    device, y, sample_weight = settle_namespace(
        estimator, X, y, sample_weight, first_pass=first_pass, method=method
    )
    X, y = validate_X_y(estimator, X, y, reset=first_pass)
    dtype = _numpy_dtype(X.dtype)  # numpy's, for the work done on the CPU
    sample_weight = validate_sample_weight(sample_weight, X.shape[0], dtype)
    # Callbacks see the data of the call, and score with the caller's weights.
    metadata = None if sample_weight is None else {"sample_weight": sample_weight}
    seen = dict(X=X, y=y, metadata=metadata)
    if warm_fit is None:
        warm_fit = not (first_pass or incremental)
    Y, stratify = estimator._validate_targets(
        y, first_pass=first_pass, classes=classes, warm_fit=warm_fit
    )
    sample_weight = estimator._weight_samples(
        stratify, sample_weight, dtype=dtype, incremental=incremental
    )
    if Y.dtype.kind == "f":
        Y = check_target_range(Y, dtype, sample_weight)
    if first_pass:
        TargetScale.fit_for(estimator, Y, sample_weight)
    Y = TargetScale.of(estimator).training_targets(Y)
    return TrainingData(X, Y, y, sample_weight, stratify, seen, device, dtype)
