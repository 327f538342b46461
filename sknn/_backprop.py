"""The forward pass and backpropagation, as pure functions on arrays.

The batch is stored as rows, so layer l computes

    Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾,    A⁽ˡ⁾ = σ(Z⁽ˡ⁾),    A⁽⁰⁾ = X,

with W⁽ˡ⁾ of shape (fan_in, fan_out), the transpose of the textbook matrix in
a⁽ˡ⁾ = σ(W a⁽ˡ⁻¹⁾ + b). Backpropagation runs the three textbook equations
backwards from the output error δ⁽ᴸ⁾:

    δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁺¹⁾ᵀ) ⊙ A⁽ˡ⁾ ⊙ (1 − A⁽ˡ⁾)
    ∂C/∂W⁽ˡ⁾ = A⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾ / m + (α / m) W⁽ˡ⁾,    ∂C/∂b⁽ˡ⁾ = Σ rows of δ⁽ˡ⁾ / m

The δ⁽ˡ⁾ are linear in δ⁽ᴸ⁾, so :func:`backprop` divides δ⁽ᴸ⁾ by m once and
every δ⁽ˡ⁾ it derives is already divided by m: the gradient functions below
take these *mean* errors δ⁽ˡ⁾ / m, and no layer divides by m again.

:func:`backprop` is the gradient of the data's part of C; the L2 penalty's
part, :func:`penalty_gradient` (α / m) W⁽ˡ⁾, is added by the training step
(``_train.update_mini_batch``, once over all weights, as the kernel does)
or, for one batch on its own, by :func:`penalised_backprop`.

Python lists count from 0 where the math counts layers from 1: ``coefs[l]``
is W⁽ˡ⁺¹⁾, it maps ``A[l]`` to ``A[l + 1]``, and ``deltas[l]`` is δ⁽ˡ⁺¹⁾.

This is the reference implementation: plain array code, one function per
equation, every call returning new arrays (so nothing is shared between
calls or threads), written against the array API standard so that the same
equations train numpy, torch or CuPy arrays (see ``_array_api``). It imports
nothing compiled: training and prediction of dense input run the same
equations in the compiled kernel, ``_sgd_fast``, whose functions carry the
same names, where ``_dispatch`` finds it; the tests hold the two together.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp

from ._array_api import get_namespace
from ._activations import OUTPUT_ACTIVATIONS, sigmoid, sigmoid_derivative
from ._losses import batch_loss, batch_weight, output_error, penalty


def _matmul(A, B):
    """A @ B as a dense array, for dense or sparse (scipy) A."""
    return np.asarray(A @ B) if sp.issparse(A) else A @ B


def weighted_input(A_prev, W, b):
    """Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾, the weighted input of every unit of a layer.

    Parameters
    ----------
    A_prev : ndarray or sparse matrix of shape (n_samples, fan_in)
        Activations of the previous layer (X for the first layer).
    W : ndarray of shape (fan_in, fan_out)
        Weights.
    b : ndarray of shape (fan_out,)
        Biases, broadcast over the rows.

    Returns
    -------
    Z : ndarray of shape (n_samples, fan_out)

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._backprop import weighted_input
    >>> weighted_input(np.array([[1.0, 2.0]]), np.array([[1.0], [1.0]]), np.array([0.5]))
    array([[3.5]])
    """
    return _matmul(A_prev, W) + b


def forward_pass(X, coefs, intercepts, out_activation):
    """Feed X forward through the network: every A⁽ˡ⁾ and the output's Z⁽ᴸ⁾.

    Backpropagation needs only the activations A⁽ˡ⁾ of the hidden layers,
    since σ′ = a (1 − a); the output layer's Z⁽ᴸ⁾ is returned beside
    ŷ = A⁽ᴸ⁾ because the log-losses are evaluated from the logits.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Input batch, A⁽⁰⁾.
    coefs, intercepts : list of ndarray
        W⁽ˡ⁾ and b⁽ˡ⁾ for l = 1..L.
    out_activation : {'identity', 'logistic', 'softmax'}
        Output activation.

    Returns
    -------
    A : list of ndarray
        ``[X, A⁽¹⁾, ..., A⁽ᴸ⁾]``; ``A[-1]`` is the prediction ŷ.
    Z_out : ndarray of shape (n_samples, n_outputs)
        Z⁽ᴸ⁾, the weighted input of the output layer.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._backprop import forward_pass
    >>> coefs = [np.zeros((2, 3)), np.zeros((3, 1))]
    >>> intercepts = [np.zeros(3), np.ones(1)]
    >>> A, Z_out = forward_pass(np.ones((1, 2)), coefs, intercepts, "identity")
    >>> A[1], A[2]
    (array([[0.5, 0.5, 0.5]]), array([[1.]]))
    """
    A = [X]
    for W, b in zip(coefs[:-1], intercepts[:-1]):
        A.append(sigmoid(weighted_input(A[-1], W, b)))
    Z_out = weighted_input(A[-1], coefs[-1], intercepts[-1])
    A.append(OUTPUT_ACTIVATIONS[out_activation](Z_out))
    return A, Z_out


def hidden_error(delta_next, W_next, A):
    """δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁺¹⁾ᵀ) ⊙ A⁽ˡ⁾ ⊙ (1 − A⁽ˡ⁾), the error of a hidden layer.

    The error of layer l is the next layer's error carried back through the
    weights it left by, scaled by how sensitive each sigmoid was, σ′ = a (1 − a).

    Parameters
    ----------
    delta_next : ndarray of shape (n_samples, fan_out)
        δ⁽ˡ⁺¹⁾.
    W_next : ndarray of shape (fan_in, fan_out)
        W⁽ˡ⁺¹⁾.
    A : ndarray of shape (n_samples, fan_in)
        A⁽ˡ⁾.

    Returns
    -------
    delta : ndarray of shape (n_samples, fan_in)

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._backprop import hidden_error
    >>> hidden_error(np.array([[2.0]]), np.array([[1.0], [3.0]]), np.array([[0.5, 0.5]]))
    array([[0.5, 1.5]])
    """
    return (delta_next @ W_next.T) * sigmoid_derivative(A)


def weight_gradient(A_prev, delta):
    """∂C/∂W⁽ˡ⁾ = A⁽ˡ⁻¹⁾ᵀ (δ⁽ˡ⁾ / m), from the mean error δ⁽ˡ⁾ / m.

    The data's part of the gradient; the L2 penalty's (α / m) W⁽ˡ⁾ is
    :func:`penalty_gradient`.

    Parameters
    ----------
    A_prev : ndarray or sparse matrix of shape (n_samples, fan_in)
        A⁽ˡ⁻¹⁾.
    delta : ndarray of shape (n_samples, fan_out)
        δ⁽ˡ⁾ / m, the error already divided by m (and its rows multiplied by
        the sample weights, if any).

    Returns
    -------
    ndarray of shape (fan_in, fan_out)

    Examples
    --------
    Two samples, so δ / m = [[1], [1]] / 2:

    >>> import numpy as np
    >>> from sknn._backprop import weight_gradient
    >>> A_prev, delta_over_m = np.array([[1.0], [3.0]]), np.array([[0.5], [0.5]])
    >>> weight_gradient(A_prev, delta_over_m)
    array([[2.]])
    """
    return _matmul(A_prev.T, delta)


def penalty_gradient(W, alpha, m):
    """(α / m) W, the L2 penalty's part of ∂C/∂W.

    Parameters
    ----------
    W : ndarray
        Weights: one W⁽ˡ⁾, or all of them as the weight block of θ.
    alpha : float
        L2 regularisation strength α.
    m : float
        Σᵢ sᵢ over the batch.

    Returns
    -------
    ndarray of the shape of W

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._backprop import penalty_gradient
    >>> penalty_gradient(np.array([2.0, -4.0]), alpha=0.5, m=2.0)
    array([ 0.5, -1. ])
    """
    return W * (alpha / m)


def bias_gradient(delta):
    """∂C/∂b⁽ˡ⁾ = Σ rows of (δ⁽ˡ⁾ / m), from the mean error δ⁽ˡ⁾ / m.

    Parameters
    ----------
    delta : ndarray of shape (n_samples, fan_out)
        δ⁽ˡ⁾ / m, the error already divided by m.

    Returns
    -------
    ndarray of shape (fan_out,)

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._backprop import bias_gradient
    >>> bias_gradient(np.array([[1.0, 2.0], [3.0, 4.0]]) / 2)  # m = 2
    array([2., 3.])
    """
    return get_namespace(delta).sum(delta, axis=0)


def backprop(X, Y, coefs, intercepts, *, loss, out_activation, sample_weight=None, m=None):
    """The data's cost (1/m) Σᵢ sᵢ lossᵢ of a batch and its gradient ∂C/∂W⁽ˡ⁾, ∂C/∂b⁽ˡ⁾.

    Without the L2 penalty, as the kernel's ``backprop``: the training step
    adds its terms (``_train.update_mini_batch``), or :func:`penalised_backprop`.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Input batch.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets (one-hot or 0/1 indicators for classification).
    coefs, intercepts : list of ndarray
        W⁽ˡ⁾ and b⁽ˡ⁾ for l = 1..L.
    loss, out_activation : str
        The cost ('squared_error', 'log_loss') and the output activation.
    sample_weight : ndarray of shape (n_samples,), optional
        Sample weights s.
    m : float, optional
        :func:`~sknn._losses.batch_weight` of ``sample_weight`` (computed when not given).

    Returns
    -------
    C : float
        The cost of the batch without the penalty.
    coef_grads, intercept_grads : list of ndarray
        ∂C/∂W⁽ˡ⁾ and ∂C/∂b⁽ˡ⁾ without the penalty's terms.

    Examples
    --------
    A network with no hidden layer and identity output is linear regression:

    >>> import numpy as np
    >>> from sknn._backprop import backprop
    >>> X, Y = np.array([[1.0], [2.0]]), np.array([[1.0], [3.0]])
    >>> C, dW, db = backprop(X, Y, [np.zeros((1, 1))], [np.zeros(1)],
    ...                      loss="squared_error", out_activation="identity")
    >>> C, dW[0], db[0]
    (2.5, array([[-3.5]]), array([-2.]))
    """
    if m is None:
        m = batch_weight(sample_weight, X.shape[0])
    A, Z_out = forward_pass(X, coefs, intercepts, out_activation)
    C = batch_loss(loss, out_activation, A[-1], Z_out, Y, sample_weight) / m

    # δ⁽ᴸ⁾ / m: every δ⁽ˡ⁾ below is linear in δ⁽ᴸ⁾, so dividing by m here, once on the
    # smallest array, spares a division of every gradient (and scales the rows by sᵢ).
    delta = output_error(loss, out_activation, A[-1], Y)
    scale = (1.0 / m) if sample_weight is None else (sample_weight / m)[:, None]
    delta = delta * scale

    # From the output layer back to the first: δ⁽ˡ⁾ needs δ⁽ˡ⁺¹⁾ and W⁽ˡ⁺¹⁾.
    n_layers = len(coefs)
    coef_grads, intercept_grads = [None] * n_layers, [None] * n_layers
    for l in range(n_layers - 1, -1, -1):
        coef_grads[l] = weight_gradient(A[l], delta)
        intercept_grads[l] = bias_gradient(delta)
        if l > 0:
            delta = hidden_error(delta, coefs[l], A[l])
    return C, coef_grads, intercept_grads


def penalised_backprop(
    X, Y, coefs, intercepts, *, loss, out_activation, alpha, sample_weight=None
):
    """C of one batch, penalty included, and ∂C/∂W⁽ˡ⁾, ∂C/∂b⁽ˡ⁾: backprop plus the L2 terms.

    :func:`backprop`, then (α / 2m) Σ‖W⁽ˡ⁾‖² (``_losses.penalty``) added to C
    and :func:`penalty_gradient` to every ∂C/∂W⁽ˡ⁾: the gradient of the cost
    that training minimises, for inspecting or checking one batch.

    Parameters
    ----------
    X, Y, coefs, intercepts, loss, out_activation, sample_weight
        As in :func:`backprop`.
    alpha : float
        L2 regularisation strength α.

    Returns
    -------
    C : float
        The cost of the batch, penalty included.
    coef_grads, intercept_grads : list of ndarray
        ∂C/∂W⁽ˡ⁾ and ∂C/∂b⁽ˡ⁾.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._backprop import penalised_backprop
    >>> X, Y = np.array([[1.0], [2.0]]), np.array([[1.0], [3.0]])
    >>> C, dW, db = penalised_backprop(X, Y, [np.ones((1, 1))], [np.zeros(1)], alpha=2.0,
    ...                                loss="squared_error", out_activation="identity")
    >>> C, dW[0], db[0]  # the data's 0.25, -1 and -0.5; plus (α/2m) · 1² and (α/m) · 1
    (0.75, array([[0.]]), array([-0.5]))
    """
    m = batch_weight(sample_weight, X.shape[0])
    C, coef_grads, intercept_grads = backprop(
        X, Y, coefs, intercepts, loss=loss, out_activation=out_activation,
        sample_weight=sample_weight, m=m,
    )
    if alpha:
        C += penalty(coefs, alpha) / m
        coef_grads = [dW + penalty_gradient(W, alpha, m) for dW, W in zip(coef_grads, coefs)]
    return C, coef_grads, intercept_grads
