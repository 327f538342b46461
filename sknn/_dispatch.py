"""Compiled kernel or numpy reference: the one place that decides.

Training epochs and predictions run in the compiled kernel, ``_sgd_fast``
(Cython: the equations of ``_backprop``, ``_losses`` and ``_sgd`` under the
same names), wherever :func:`kernel_applies`, and in the reference modules
everywhere else: sparse input, other array namespaces (torch, CuPy…), and a
source tree or installation without the compiled kernel. This module is the
only one in sknn that imports the kernel; the reference modules import
nothing compiled.

Where the kernel cannot be imported, ``import sknn`` warns once, with
:class:`KernelMissingWarning`, and everything runs in the reference.
"""

# SPDX-License-Identifier: BSD-3-Clause

import importlib
import warnings

import numpy as np

from ._predict import chunk_rows_for, reference_predict_output
from ._train import reference_epoch


class KernelMissingWarning(UserWarning):
    """sknn's compiled kernel could not be imported: the numpy reference trains.

    Issued once, when ``sknn`` is imported without its compiled kernel
    (``sknn._sgd_fast``): typically a source tree imported from its root
    before the kernel was built there, or an installation whose build failed.
    Training and prediction still work and give the same weights to rounding,
    in the numpy reference implementation, which trains 2–6× slower on small
    problems (the smaller the batches, the slower). The message names the
    command that builds the kernel.

    Examples
    --------
    >>> from sknn import KernelMissingWarning
    >>> issubclass(KernelMissingWarning, UserWarning)
    True
    """


KERNEL_MISSING = (
    "sknn's compiled kernel (sknn._sgd_fast) could not be imported ({error}): training "
    "and prediction run in the numpy reference implementation instead, with the same "
    "results to rounding but 2-6x slower. Build the kernel with `pip install -e .` in "
    "the repository's root (Python imports a clone's source tree, not an installed "
    "copy, when run from the clone's root), or reinstall scikit-backprop where a C "
    "compiler is available."
)

try:
    # Not ``from . import _sgd_fast``: for a missing file its error blames a
    # circular import; this one says "No module named 'sknn._sgd_fast'".
    _sgd_fast = importlib.import_module(f"{__package__}._sgd_fast")
except ImportError as error:
    _sgd_fast = None
    warnings.warn(KERNEL_MISSING.format(error=error), KernelMissingWarning, stacklevel=2)

_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def kernel_applies(X, dtype):
    """Whether the compiled kernel computes with X and parameters of ``dtype``.

    The one test, for training epochs and for predictions alike: the kernel
    is built, and X is a non-empty two-dimensional C-ordered numpy array of
    float32 or float64, the dtype of the parameters.

    Parameters
    ----------
    X : array-like or sparse matrix
        The input rows.
    dtype : dtype
        The dtype of the parameters (θ, or W⁽ˡ⁾ and b⁽ˡ⁾), of any namespace.

    Returns
    -------
    bool
    """
    return (
        _sgd_fast is not None
        and isinstance(X, np.ndarray)
        and X.dtype in _KERNEL_DTYPES
        and X.dtype == dtype
        and X.ndim == 2
        and X.flags.c_contiguous
        and X.shape[0] > 0
    )


def run_epoch(theta, velocity, X, Y, sample_weight, *, workspace, **settings):
    """One pass of mini-batch SGD over (X, Y); θ and v are updated in place.

    Where :func:`kernel_applies`, in the compiled kernel
    (``sknn._sgd_fast.sgd_epoch``, which releases the GIL for the epoch,
    taking it back every ~0.05 s of work in the main thread to let Ctrl-C
    through), elsewhere in the reference, :func:`sknn._train.reference_epoch`:
    the same equations in the same order, so both give the same θ to rounding.

    Parameters
    ----------
    theta, velocity : ndarray of shape (n_params,)
        Parameters θ and velocity v, C-ordered (as ``_parameters.pack`` makes
        them).
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    workspace : sknn._train.Workspace
    **settings
        ``batch_size``, ``order``, ``loss``, ``out_activation``, ``alpha``,
        ``learning_rate``, ``momentum`` and ``nesterov``, as in
        :func:`sknn._train.reference_epoch`.

    Returns
    -------
    weighted_cost : float
        Σ_batches m_b C_b; ``nan`` as soon as a batch's cost is not finite
        (the epoch stops there).
    total_weight : float
        Σ_batches m_b, so that the epoch's mean cost is their ratio.
    """
    if not kernel_applies(X, theta.dtype):
        return reference_epoch(
            theta, velocity, X, Y, sample_weight, workspace=workspace, **settings
        )
    order = settings["order"]
    return _sgd_fast.sgd_epoch(
        theta,
        velocity,
        X,
        workspace.kernel_targets(Y, X.dtype),
        None if sample_weight is None else np.ascontiguousarray(sample_weight, X.dtype),
        None if order is None else np.ascontiguousarray(order, np.int64),
        workspace.layer_units,
        settings["batch_size"],
        settings["loss"],
        settings["out_activation"],
        float(settings["alpha"]),
        float(settings["learning_rate"]),
        float(settings["momentum"]),
        bool(settings["nesterov"]),
    )


def predict_output(X, coefs, intercepts, out_activation, chunk_rows=None):
    """ŷ = A⁽ᴸ⁾ for every row of X, fed forward a chunk of rows at a time.

    Where :func:`kernel_applies`, through the compiled forward pass
    (``sknn._sgd_fast.predict``, the GIL released), elsewhere through
    :func:`sknn._predict.reference_predict_output`; both compute the same
    equations in the same order, in chunks of the same rows.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Input rows.
    coefs, intercepts : list of ndarray
        W⁽ˡ⁾ and b⁽ˡ⁾ for l = 1..L.
    out_activation : {'identity', 'logistic', 'softmax'}
        Output activation.
    chunk_rows : int, optional
        Rows per chunk; by default :func:`sknn._predict.chunk_rows_for`.

    Returns
    -------
    Y_hat : ndarray of shape (n_samples, n_outputs)

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._dispatch import predict_output
    >>> coefs, intercepts = [np.ones((2, 1))], [np.zeros(1)]
    >>> predict_output(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), coefs, intercepts,
    ...                "identity", chunk_rows=2)
    array([[ 3.],
           [ 7.],
           [11.]])
    """
    if not kernel_applies(X, coefs[0].dtype):
        # Inputs far outside the training range (say 1e300) can overflow Z⁽ˡ⁾
        # and give ∞ − ∞ = NaN, silently as in the kernel: the caller checks ŷ.
        with np.errstate(over="ignore", invalid="ignore"):
            return reference_predict_output(X, coefs, intercepts, out_activation, chunk_rows)
    if chunk_rows is None:
        chunk_rows = chunk_rows_for(X, coefs)
    # Weights of any memory layout: the kernel reads the θ they view, or packs a copy.
    return _sgd_fast.predict(X, coefs, intercepts, out_activation, chunk_rows)


__all__ = ["KernelMissingWarning", "kernel_applies", "predict_output", "run_epoch"]
