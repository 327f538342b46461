"""Where arrays live: their namespace (numpy, torch, cupy…), device, and moves.

The reference modules (``_activations``, ``_losses``, ``_backprop``, ``_sgd``,
``_parameters``, ``_evaluate``) are written once against the Python array API
standard: each takes its namespace ``xp`` from its arguments with
:func:`get_namespace`, scikit-learn's rule. Without
``sklearn.set_config(array_api_dispatch=True)`` that is always numpy (other
arrays are converted by ``validate_data``); with it, a torch tensor trains with
torch, on its device. This module holds the few functions that cross a
boundary between namespaces: rows to numpy for the computations that run on a
sample of the data (the data-placed start, the learning rate, the diagnosis),
numpy to the device for the results, and the fitted attributes as a whole.
"""

# SPDX-License-Identifier: BSD-3-Clause

import functools
import os

import numpy as np
import scipy
import scipy.sparse as sp
from sklearn import get_config
from sklearn.utils._array_api import (
    _convert_to_numpy,
    _is_numpy_namespace,
    _max_precision_float_dtype,
)
from sklearn.utils._array_api import get_namespace_and_device as _sklearn_namespace_and_device
from sklearn.utils.fixes import parse_version


# scikit-learn dispatches to other namespaces from this SciPy on (SCIPY_ARRAY_API=1).
MIN_SCIPY = "1.14"


def get_namespace(*arrays):
    """The array namespace ``xp`` of ``arrays`` (sparse matrices and None ignored).

    numpy (scikit-learn's numpy-compatible wrapper) unless array API dispatch
    is on and the arrays come from another library: then their namespace, as
    ``sklearn.utils._array_api.get_namespace`` finds it, but without its
    checks of the configuration on every call (tens of µs, in a function the
    reference modules call for every equation of every mini-batch).

    Parameters
    ----------
    *arrays : arrays, sparse matrices or None

    Returns
    -------
    xp : module
        The namespace, with the functions of the array API standard.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._array_api import get_namespace
    >>> xp = get_namespace(np.ones(2))
    >>> float(xp.sum(xp.exp(xp.zeros(2))))
    2.0
    """
    others = [A for A in arrays if not (A is None or isinstance(A, np.ndarray) or sp.issparse(A))]
    if not others or not get_config()["array_api_dispatch"]:
        return _numpy_namespace()
    return _compat().array_namespace(*others)


def _numpy_namespace():
    """scikit-learn's numpy namespace (array_api_compat.numpy, or its wrapper for numpy < 2)."""
    global _NUMPY_XP
    if _NUMPY_XP is None:
        from sklearn.utils._array_api import get_namespace as sklearn_get_namespace

        _NUMPY_XP = sklearn_get_namespace(np.empty(0))[0]
    return _NUMPY_XP


_NUMPY_XP = None


def get_namespace_and_device(A):
    """(xp, device) of one array: :func:`get_namespace`, and the array's device."""
    xp = get_namespace(A)
    if is_numpy(xp):
        return xp, "cpu"
    return xp, _compat().device(A)


def is_numpy(xp):
    """Whether ``xp`` is numpy (or a wrapper of it, such as array_api_compat.numpy).

    array_api_strict wraps numpy too, but has its own array type: it is not numpy here.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._array_api import get_namespace, is_numpy
    >>> is_numpy(get_namespace(np.ones(1)))
    True
    """
    return xp is np or _is_numpy_namespace(xp)


@functools.cache
def array_api_available():
    """Whether scikit-learn can dispatch to other array namespaces here.

    It needs SciPy >= 1.14 imported with ``SCIPY_ARRAY_API=1`` and
    array_api_compat (which scikit-learn >= 1.7 vendors). SciPy reads the
    variable when it is imported, so the answer holds for the process (and
    is worked out once: the estimators' tags ask on every call).

    Returns
    -------
    bool
    """
    if parse_version(scipy.__version__) < parse_version(MIN_SCIPY):
        return False
    if os.environ.get("SCIPY_ARRAY_API") != "1":
        return False
    return _compat() is not None


def dispatching(X):
    """(xp, device) of X when it trains outside numpy, else None.

    That is, when array API dispatch is on and X is not a numpy array (nor
    sparse, nor a list): a torch tensor, a CuPy array, an array_api_strict array.
    """
    if not get_config()["array_api_dispatch"] or sp.issparse(X):
        return None
    xp, is_array_api, device = _sklearn_namespace_and_device(X)
    if not is_array_api or is_numpy(xp):
        return None
    return xp, device


def float_dtypes(X):
    """The float dtypes X may train in, the preferred first: float64, then float32.

    numpy's for numpy input (and lists, sparse…); for another namespace its
    own, without float64 where the device lacks it (Apple's MPS, some
    GPUs): there, as scikit-learn does, everything computes in float32.
    """
    device = dispatching(X)
    if device is None:
        return (np.float64, np.float32)
    xp, device = device
    if _max_precision_float_dtype(xp, device) == xp.float32:
        return (xp.float32,)
    return (xp.float64, xp.float32)


def to_numpy(A):
    """A as a numpy array on the CPU (numpy input, None and sparse unchanged).

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._array_api import to_numpy
    >>> to_numpy(np.ones(2))
    array([1., 1.])
    """
    if A is None or isinstance(A, np.ndarray) or sp.issparse(A):
        return A
    if not is_array(A):
        return np.asarray(A)
    return _convert_to_numpy(A, _compat().array_namespace(A))


def _compat():
    """array_api_compat: scikit-learn's vendored copy (>= 1.7), else the package, else None."""
    try:
        from sklearn.externals import array_api_compat
    except ImportError:
        try:
            import array_api_compat
        except ImportError:
            return None
    return array_api_compat


def is_array(A):
    """Whether A is an array of an array API namespace: numpy's, torch's, CuPy's…

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._array_api import is_array
    >>> is_array(np.ones(1)), is_array([1.0])
    (True, False)
    """
    if isinstance(A, np.ndarray):
        return True
    compat = _compat()
    return compat is not None and compat.is_array_api_obj(A)


def to_device(A, xp, device, dtype=None):
    """A numpy array (or None) as an array of ``xp`` on ``device``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._array_api import get_namespace, to_device
    >>> to_device(np.arange(2), get_namespace(np.ones(1)), None, dtype=np.float64)
    array([0., 1.])
    """
    if A is None:
        return None
    if dtype is not None:
        A = np.asarray(A).astype(_numpy_dtype(dtype), copy=False)
    if is_numpy(xp):
        return np.asarray(A)
    return xp.asarray(np.ascontiguousarray(A), device=device)


def _numpy_dtype(dtype):
    """The numpy dtype of a dtype of any namespace (float32, float64…)."""
    try:
        return np.dtype(dtype)
    except TypeError:
        return np.dtype(str(dtype).rsplit(".", 1)[-1])


def take_rows(A, rows):
    """Rows ``rows`` of A (any namespace, or sparse): a slice, or an index array.

    The index array may be numpy's or one of A's namespace and device.
    """
    if isinstance(A, np.ndarray) or sp.issparse(A):
        return A[rows]
    if isinstance(rows, slice):  # the standard wants every axis named
        return A[(rows,) + (slice(None),) * (A.ndim - 1)]
    xp, device = get_namespace_and_device(A)
    if isinstance(rows, np.ndarray):
        rows = xp.asarray(rows.astype(np.int64, copy=False), device=device)
    return xp.take(A, rows, axis=0)


def numpy_rows(A, rows):
    """Rows ``rows`` of A as a numpy array (dense): what sample-based steps work on."""
    A = take_rows(A, rows)
    return A.toarray() if sp.issparse(A) else to_numpy(A)


def same_device(A, B):
    """Whether A and B have one namespace and one device."""
    xp_a, device_a = get_namespace_and_device(A)
    xp_b, device_b = get_namespace_and_device(B)
    if is_numpy(xp_a) and is_numpy(xp_b):
        return True
    return xp_a is xp_b and device_a == device_b


def check_same_namespace(X, estimator, method):
    """Raise if X is in another namespace or on another device than ``coefs_``.

    As scikit-learn's ``check_same_namespace``: a model fitted on torch
    tensors takes torch tensors on that device (with array API dispatch on);
    numpy input needs the model moved to numpy first.
    """
    W = estimator.coefs_[0]
    fitted_on_numpy = isinstance(W, np.ndarray)
    if not get_config()["array_api_dispatch"]:
        if fitted_on_numpy:
            return
        raise ValueError(
            f"{type(estimator).__name__}.{method}(): this model was fitted with array API "
            f"dispatch on {type(W).__module__} arrays, but array API dispatch is off now. "
            "Call it inside sklearn.config_context(array_api_dispatch=True) with arrays of "
            "that namespace and device, or convert the model with sknn.model_to_numpy(model)."
        )
    if sp.issparse(X) or not is_array(X):
        if fitted_on_numpy:  # lists, DataFrames, sparse matrices: numpy's
            return
    elif same_device(X, W):
        return
    xp_w, device_w = get_namespace_and_device(W)
    xp_x, device_x = get_namespace_and_device(X)
    raise ValueError(
        f"Inputs passed to {type(estimator).__name__}.{method}() must use the same "
        "namespace and the same device as those passed to fit(): the model was fitted "
        f"on {xp_w.__name__} arrays on device {device_w!r}, X is {xp_x.__name__} on "
        f"device {device_x!r}. Move X there (e.g. torch.asarray(X, device=...)), or the "
        "model to numpy with sknn.model_to_numpy(model)."
    )


def _convert(value, convert):
    """``value`` with every array in it (also in lists and tuples) converted."""
    if isinstance(value, (list, tuple)):
        return type(value)(_convert(v, convert) for v in value)
    if is_array(value):
        return convert(value)
    return value


def move_attributes(estimator, convert, skip=()):
    """Replace each array attribute of ``estimator`` (lists too) by ``convert(array)``.

    Attributes whose values are not numeric arrays (string ``classes_``) are kept.
    """
    for name, value in list(vars(estimator).items()):
        if name in skip:
            continue
        if isinstance(value, np.ndarray) and value.dtype.kind not in "biuf":
            continue
        estimator.__dict__[name] = _convert(value, convert)


def attributes_to(estimator, xp, device):
    """Move the fitted arrays of ``estimator`` to ``xp`` on ``device``, in place.

    Arrays already there (the trained weights) stay as they are.
    """

    def move(A):
        if not isinstance(A, np.ndarray) and get_namespace_and_device(A) == (xp, device):
            return A
        return to_device(to_numpy(A), xp, device)

    move_attributes(estimator, move)


def model_to_numpy(estimator):
    """A copy of a fitted model whose array attributes are numpy arrays on the CPU.

    A model fitted with array API dispatch on, say, CUDA tensors keeps its
    weights there and predicts on that device. Convert it to pickle it for
    a machine without that device, to export it to ONNX, or to use
    :mod:`sknn.inspection` on it; the copy predicts numpy arrays, as if it
    had been fitted on numpy.

    Parameters
    ----------
    estimator : SigmoidMLPClassifier or SigmoidMLPRegressor
        A fitted model (a numpy model gives an equal copy).

    Returns
    -------
    estimator
        A new model; the given one is unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn import SigmoidMLPRegressor, model_to_numpy
    >>> X, y = np.linspace(0, 1, 20)[:, None], np.linspace(0, 1, 20)
    >>> model = SigmoidMLPRegressor(random_state=0).fit(X, y)
    >>> type(model_to_numpy(model).coefs_[0]).__name__
    'ndarray'
    """
    import copy

    converted = copy.copy(estimator)
    converted.__dict__ = dict(vars(estimator))
    move_attributes(converted, to_numpy)
    return converted
