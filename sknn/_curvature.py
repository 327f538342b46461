"""How curved the cost is: a bound on the Gauss–Newton matrix, for the 'auto' step.

Pure array code, like the other modules below the estimators.

Near a minimum the Hessian of the cost is well approximated by the
Gauss–Newton matrix E[Jᵀ H J], where J = ∂z⁽ᴸ⁾/∂θ is the Jacobian of the
output's weighted inputs for one row and H ≼ κ I the second derivative of the
loss in z⁽ᴸ⁾ (κ = 1 for the squared error, 1/4 for the sigmoid's log-loss,
1/2 for the softmax's). Its largest eigenvalue is at most κ E[λ_max(J Jᵀ)],
and J Jᵀ, one entry per pair of outputs, is a sum over the layers that
backpropagation gives directly:

    (J Jᵀ)ₖₖ′ = Σₗ ⟨gₖ⁽ˡ⁾, gₖ′⁽ˡ⁾⟩ (‖a⁽ˡ⁻¹⁾‖² + 1),

with gₖ⁽ˡ⁾ the error δ⁽ˡ⁾ that output k alone (δ⁽ᴸ⁾ = eₖ) sends back to layer
l. For one output this is the squared norm of the gradient of z⁽ᴸ⁾.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._activations import sigmoid_derivative
from ._backprop import forward_pass


def jacobian_bound(X, coefs, intercepts, out_activation, sample_weight=None):
    """E over the rows of λ_max(J Jᵀ), J = ∂z⁽ᴸ⁾/∂θ: the curvature bound per unit of κ.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features)
        Sample rows (dense).
    coefs, intercepts : list of ndarray
        W⁽ˡ⁾ and b⁽ˡ⁾ for l = 1..L.
    out_activation : {'identity', 'logistic', 'softmax'}
        Output activation (the forward pass needs it; the Jacobian is of z⁽ᴸ⁾).
    sample_weight : ndarray of shape (n_rows,), optional
        Weights of the rows in the mean.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the bound overflows: rows of X with norms beyond √(float max).

    Examples
    --------
    A linear model (no hidden layer) has J = (x, 1) per output, and the
    outputs share no weight: λ_max(J Jᵀ) = ‖x‖² + 1 whatever their number.

    >>> import numpy as np
    >>> from sknn._curvature import jacobian_bound
    >>> X = np.array([[1.0, 2.0], [3.0, 0.0]])
    >>> float(jacobian_bound(X, [np.zeros((2, 3))], [np.zeros(3)], "softmax"))
    8.0
    """
    X = np.asarray(X, dtype=np.float64)
    coefs = [np.asarray(W, dtype=np.float64) for W in coefs]
    intercepts = [np.asarray(b, dtype=np.float64) for b in intercepts]
    A, _ = forward_pass(X, coefs, intercepts, out_activation)
    n_rows, n_outputs = X.shape[0], coefs[-1].shape[1]
    # G[i, k] is gₖ⁽ˡ⁾ of row i; at the output layer, the identity.
    G = np.broadcast_to(np.eye(n_outputs), (n_rows, n_outputs, n_outputs))
    gram = np.zeros((n_rows, n_outputs, n_outputs))
    for l in range(len(coefs) - 1, -1, -1):
        inputs = np.einsum("ij,ij->i", A[l], A[l]) + 1.0  # ‖ã⁽ˡ⁻¹⁾‖² (A[l] feeds W⁽ˡ⁺¹⁾)
        gram += inputs[:, None, None] * np.einsum("ikj,imj->ikm", G, G)
        if l > 0:  # gₖ⁽ˡ⁾ = (gₖ⁽ˡ⁺¹⁾ W⁽ˡ⁺¹⁾ᵀ) ⊙ σ′, as hidden_error, for every k
            G = (G @ coefs[l].T) * sigmoid_derivative(A[l])[:, None, :]
    if not np.isfinite(gram).all():
        # ‖x‖² beyond the float range (an entry of 1e300): the curvature, and
        # so the step, is beyond it too (eigvalsh would not even converge).
        raise ValueError(
            "learning_rate_init='auto' cannot bound the curvature of the cost on this X: "
            f"the squared norms of its rows overflow float64 (|x| up to {np.abs(X).max():.3g}), "
            "and no step of SGD is small enough for such rows. Scale X (e.g. MinMaxScaler)."
        )
    return float(np.average(np.linalg.eigvalsh(gram)[:, -1], weights=sample_weight))
