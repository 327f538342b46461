"""The costs, and the output error δ⁽ᴸ⁾ of each output-activation/cost pair.

Notation (``DESIGN.md``): ŷ = A⁽ᴸ⁾ is the output activation, Z⁽ᴸ⁾ its weighted
input, Y the targets (one row per sample), s the sample weights and
m = Σᵢ sᵢ. The cost of a mini-batch is

    C = (1/m) Σᵢ sᵢ lossᵢ + (α / 2m) Σₗ ‖W⁽ˡ⁾‖².

The functions named after a loss return the weighted *sum* Σᵢ sᵢ lossᵢ;
:func:`cost` turns it into C.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._array_api import get_namespace
from ._weighted import mean_and_std


def _weighted_sum(per_sample, sample_weight):
    """Σᵢ sᵢ vᵢ, or Σᵢ vᵢ when there are no weights."""
    if sample_weight is None:
        return float(get_namespace(per_sample).sum(per_sample))
    return float(per_sample @ sample_weight)


def squared_error(Y_hat, Y, sample_weight=None):
    """Σᵢ sᵢ ½ ‖ŷᵢ − yᵢ‖², the quadratic cost summed over a batch.

    Parameters
    ----------
    Y_hat : ndarray of shape (n_samples, n_outputs)
        Output activations ŷ.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets.
    sample_weight : ndarray of shape (n_samples,), optional
        Sample weights s.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._losses import squared_error
    >>> squared_error(np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]]))
    5.0
    """
    xp = get_namespace(Y_hat)
    E = Y_hat - Y
    return 0.5 * _weighted_sum(xp.sum(E * E, axis=1), sample_weight)


def binary_log_loss(Z, Y, sample_weight=None):
    """Σᵢ sᵢ Σₖ [−yᵢₖ log σ(zᵢₖ) − (1 − yᵢₖ) log(1 − σ(zᵢₖ))], from the logits.

    The loss is computed from Z rather than from ŷ = σ(Z): since
    log σ(z) = −log(1 + e^(−z)), each term equals log(1 + e^z) − y z, which
    ``logaddexp`` evaluates exactly for every finite z, whereas log σ(z)
    would be log 0 = −∞ once σ(z) rounds to 0 or 1.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_outputs)
        Weighted inputs of the sigmoid output units.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets in {0, 1}.
    sample_weight : ndarray of shape (n_samples,), optional
        Sample weights s.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._losses import binary_log_loss
    >>> round(binary_log_loss(np.array([[0.0]]), np.array([[1.0]])), 6)  # log 2
    0.693147
    >>> binary_log_loss(np.array([[-1000.0]]), np.array([[1.0]]))  # finite
    1000.0
    """
    xp = get_namespace(Z)
    per_entry = xp.logaddexp(xp.zeros_like(Z), Z) - Y * Z
    return _weighted_sum(xp.sum(per_entry, axis=1), sample_weight)


def log_loss(Z, Y, sample_weight=None):
    """Σᵢ sᵢ [−Σₖ yᵢₖ log softmax(zᵢ)ₖ], the cross-entropy of a softmax output.

    With log softmax(z)ₖ = zₖ − log Σⱼ e^(zⱼ) and Σₖ yₖ = 1 each term is
    log Σⱼ e^(zᵢⱼ) − Σₖ yᵢₖ zᵢₖ, evaluated from the logits so that it stays
    finite when a probability underflows to 0; log Σⱼ e^(zⱼ) is taken as
    max z + log Σⱼ e^(zⱼ − max z), which cannot overflow.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)
        Weighted inputs of the softmax output layer.
    Y : ndarray of shape (n_samples, n_classes)
        One-hot targets.
    sample_weight : ndarray of shape (n_samples,), optional
        Sample weights s.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._losses import log_loss
    >>> round(log_loss(np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]])), 6)
    0.693147
    >>> log_loss(np.array([[-1000.0, 1000.0]]), np.array([[1.0, 0.0]]))  # finite
    2000.0
    """
    xp = get_namespace(Z)
    Z_max = xp.max(Z, axis=1)
    log_normalizer = Z_max + xp.log(xp.sum(xp.exp(Z - Z_max[:, None]), axis=1))
    per_sample = log_normalizer - xp.sum(Y * Z, axis=1)
    return _weighted_sum(per_sample, sample_weight)


def batch_loss(loss, out_activation, Y_hat, Z, Y, sample_weight=None):
    """Σᵢ sᵢ lossᵢ for the given cost and output activation.

    Parameters
    ----------
    loss : {'squared_error', 'log_loss'}
        The cost.
    out_activation : {'identity', 'logistic', 'softmax'}
        The output activation.
    Y_hat, Z : ndarray of shape (n_samples, n_outputs)
        Output activations and the weighted inputs they came from.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets.
    sample_weight : ndarray of shape (n_samples,), optional
        Sample weights s.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._losses import batch_loss
    >>> Z = np.array([[0.0]])
    >>> batch_loss("squared_error", "identity", Z, Z, np.array([[2.0]]))
    2.0
    """
    if loss == "squared_error":
        return squared_error(Y_hat, Y, sample_weight)
    if out_activation == "softmax":
        return log_loss(Z, Y, sample_weight)
    return binary_log_loss(Z, Y, sample_weight)


def baseline_cost(loss, out_activation, Y, sample_weight=None):
    """The cost of the best prediction that ignores X: ŷ = the (weighted) mean of Y.

    What a network that learned nothing from X would score: ½ Σₖ Var(yₖ)
    for the squared error, the entropy of the class (or label) frequencies
    for the log-loss. Training compares its loss with it to tell a plateau
    from convergence, and divergence from a noisy start.

    Parameters
    ----------
    loss : {'squared_error', 'log_loss'}
        The cost.
    out_activation : {'identity', 'logistic', 'softmax'}
        The output activation.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets, encoded as training encodes them.
    sample_weight : ndarray of shape (n_samples,), optional
        Sample weights s.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._losses import baseline_cost
    >>> baseline_cost("squared_error", "identity", np.array([[0.0], [2.0]]))
    0.5
    >>> round(baseline_cost("log_loss", "softmax", np.eye(2)), 4)  # log 2
    0.6931
    """
    Y = np.asarray(Y, dtype=np.float64)
    p, std = mean_and_std(Y, sample_weight)  # p: the constant prediction
    if loss == "squared_error":
        return float(0.5 * (std**2).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(p > 0, p * np.log(p), 0.0)
        if out_activation != "softmax":  # one Bernoulli per output unit
            entropy -= np.where(p < 1, (1 - p) * np.log1p(-p), 0.0)
    return float(entropy.sum())


def penalty(coefs, alpha):
    """(α / 2) Σₗ ‖W⁽ˡ⁾‖², the L2 penalty on the weights (biases are free).

    Parameters
    ----------
    coefs : list of ndarray
        The weight matrices W⁽ˡ⁾.
    alpha : float
        L2 regularisation strength α.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._losses import penalty
    >>> penalty([np.array([[1.0, 2.0]]), np.array([[2.0]])], alpha=0.5)
    2.25
    """
    if alpha == 0:
        return 0.0
    return 0.5 * alpha * sum(float(get_namespace(W).sum(W * W)) for W in coefs)


def batch_weight(sample_weight, n_rows):
    """m = Σᵢ sᵢ of a batch, or its number of rows when there are no weights.

    The m of every C and ∂C/∂θ of the batch; computed once per batch, by
    its caller, and handed to the functions that need it.

    Parameters
    ----------
    sample_weight : ndarray of shape (n_rows,) or None
        The batch's sample weights s.
    n_rows : int
        The batch's number of rows.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._losses import batch_weight
    >>> batch_weight(None, 3), batch_weight(np.array([0.5, 2.0]), 2)
    (3.0, 2.5)
    """
    if sample_weight is None:
        return float(n_rows)
    return float(get_namespace(sample_weight).sum(sample_weight))


def cost(loss_sum, coefs, alpha, m):
    """C = (1/m) Σᵢ sᵢ lossᵢ + (α / 2m) Σₗ ‖W⁽ˡ⁾‖².

    Dividing the penalty by m = Σᵢ sᵢ as well is what makes a sample weight
    of 2 the same as repeating a row.

    Parameters
    ----------
    loss_sum : float
        Σᵢ sᵢ lossᵢ over the batch.
    coefs : list of ndarray
        The weight matrices W⁽ˡ⁾.
    alpha : float
        L2 regularisation strength α.
    m : float
        Σᵢ sᵢ, the number of rows when there are no weights.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._losses import cost
    >>> cost(3.0, [np.array([[2.0]])], alpha=1.0, m=2.0)
    2.5
    """
    return (loss_sum + penalty(coefs, alpha)) / m


def output_error(loss, out_activation, Y_hat, Y):
    """δ⁽ᴸ⁾ = ∂(lossᵢ)/∂z⁽ᴸ⁾ for every sample, the error of the output layer.

    For the canonical pairs (identity + squared error, sigmoid + log-loss,
    softmax + log-loss) the derivative of the activation cancels against the
    derivative of the cost and δ⁽ᴸ⁾ = ŷ − y. The textbook network, sigmoid
    output with the quadratic cost, keeps the factor σ′(z) = ŷ (1 − ŷ):
    δ⁽ᴸ⁾ = (ŷ − y) ⊙ ŷ ⊙ (1 − ŷ).

    Parameters
    ----------
    loss : {'squared_error', 'log_loss'}
        The cost.
    out_activation : {'identity', 'logistic', 'softmax'}
        The output activation.
    Y_hat : ndarray of shape (n_samples, n_outputs)
        Output activations ŷ.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets (booleans are fine).

    Returns
    -------
    delta : ndarray of shape (n_samples, n_outputs)

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._losses import output_error
    >>> Y_hat, Y = np.array([[0.5]]), np.array([[1.0]])
    >>> output_error("log_loss", "logistic", Y_hat, Y)
    array([[-0.5]])
    >>> output_error("squared_error", "logistic", Y_hat, Y)
    array([[-0.125]])
    """
    delta = Y_hat - Y
    if loss == "squared_error" and out_activation == "logistic":
        delta = delta * Y_hat * (1 - Y_hat)
    return delta
