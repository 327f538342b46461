"""Mini-batch stochastic gradient descent: batches, step sizes, the update.

SGD with momentum μ and learning rate η, as scikit-learn defines it:

    v ← μ v − η g,    θ ← θ + v                (classical momentum)
    v ← μ v − η g,    θ ← θ + μ v − η g        (Nesterov's momentum)

With μ = 0 both are the textbook step θ ← θ − η ∂C/∂θ. All parameters live in
one flat vector θ (see ``_parameters``), so one update is a handful of
operations over the whole network instead of a loop over layers.
"""

# SPDX-License-Identifier: BSD-3-Clause


def minibatch_slices(n_samples, batch_size):
    """Consecutive slices of ``batch_size`` rows covering ``range(n_samples)``.

    The last batch holds the remainder and may be smaller.

    Parameters
    ----------
    n_samples : int
    batch_size : int

    Returns
    -------
    list of slice

    Examples
    --------
    >>> from sknn._sgd import minibatch_slices
    >>> minibatch_slices(5, 2)
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    """
    return [
        slice(start, min(start + batch_size, n_samples))
        for start in range(0, n_samples, batch_size)
    ]


def invscaling_learning_rate(learning_rate_init, t, power_t):
    """η = η₀ / (t + 1)^power_t, where t counts the samples seen so far.

    Parameters
    ----------
    learning_rate_init : float
        η₀.
    t : int
        Number of training samples seen.
    power_t : float
        Exponent of the decay.

    Returns
    -------
    float

    Examples
    --------
    >>> from sknn._sgd import invscaling_learning_rate
    >>> invscaling_learning_rate(0.1, t=99, power_t=0.5)
    0.01
    """
    return learning_rate_init / (t + 1) ** power_t


# The largest second derivative of each cost with respect to the output's z.
CURVATURE = {
    ("squared_error", "identity"): 1.0,
    ("squared_error", "logistic"): 1.0 / 16,
    ("log_loss", "logistic"): 1.0 / 4,
    ("log_loss", "softmax"): 1.0 / 2,
}


def auto_learning_rate(bound, loss, out_activation):
    """η = 1 / (2 λ̂) for ``learning_rate_init='auto'``: a step the curvature allows.

    λ̂ = κ ``bound`` bounds the largest eigenvalue of the cost's curvature
    (the Gauss–Newton matrix, see ``sknn._curvature``), with κ the largest
    second derivative of the loss in the output's z: 1 for the squared
    error, 1/4 for the sigmoid's log-loss, 1/2 for the softmax's. LeCun et
    al. ("Efficient BackProp", 1998) show that η = 1 / λ_max is the largest
    step that does not oscillate, stable with any momentum, classical or
    Nesterov's; half of it leaves room for the curvature that grows as the
    output weights grow. Unlike a fixed η, the step follows the width of the
    layers and the scale of X.

    Parameters
    ----------
    bound : float
        E[λ_max(J Jᵀ)] over the training rows, J = ∂z⁽ᴸ⁾/∂θ
        (:func:`sknn._curvature.jacobian_bound`).
    loss : {'squared_error', 'log_loss'}
        The cost.
    out_activation : {'identity', 'logistic', 'softmax'}
        The output activation.

    Returns
    -------
    float

    Examples
    --------
    The output layer alone of a hundred units at σ = 1/2, for the squared
    error: bound = 100 / 4 + 1 = 26.

    >>> from sknn._sgd import auto_learning_rate
    >>> round(auto_learning_rate(26.0, "squared_error", "identity"), 6)
    0.019231
    >>> round(auto_learning_rate(26.0, "log_loss", "logistic"), 6)  # κ = 1/4
    0.076923
    """
    return 0.5 / (CURVATURE[loss, out_activation] * bound)


def adaptive_learning_rate(learning_rate):
    """Divide η by 5 when training stalls; ``None`` once η is already ≤ 1e-6.

    Parameters
    ----------
    learning_rate : float
        The current η.

    Returns
    -------
    float or None
        The next η, or ``None`` meaning "stop training".

    Examples
    --------
    >>> from sknn._sgd import adaptive_learning_rate
    >>> adaptive_learning_rate(0.5)
    0.1
    >>> adaptive_learning_rate(1e-7) is None
    True
    """
    if learning_rate <= 1e-6:
        return None
    return learning_rate / 5.0


def momentum_step(theta, velocity, grad, learning_rate, momentum, nesterov):
    """One SGD step with momentum: v ← μ v − η g, then θ moves.

    Written as array expressions that return new arrays, so that it runs in
    any array namespace (the array API standard has no ``out=``).

    Parameters
    ----------
    theta : array of shape (n_params,)
        All weights and biases θ.
    velocity : array of shape (n_params,)
        The velocity v.
    grad : array of shape (n_params,)
        ∂C/∂θ of the current mini-batch.
    learning_rate : float
        η.
    momentum : float
        μ.
    nesterov : bool
        Use Nesterov's momentum.

    Returns
    -------
    theta, velocity : array of shape (n_params,)
        θ and v after the step.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._sgd import momentum_step
    >>> theta, v = momentum_step(np.array([1.0]), np.array([0.5]), np.array([2.0]),
    ...                          learning_rate=0.1, momentum=0.9, nesterov=False)
    >>> v, theta  # v = 0.9 * 0.5 - 0.1 * 2 = 0.25, θ = 1 + 0.25
    (array([0.25]), array([1.25]))
    >>> theta, v = momentum_step(theta, v, np.array([2.0]), learning_rate=0.1,
    ...                          momentum=0.9, nesterov=True)
    >>> v, theta  # v = 0.9 * 0.25 - 0.2 = 0.025, θ = 1.25 - 0.2 + 0.9 * 0.025
    (array([0.025]), array([1.0725]))
    """
    step = grad * learning_rate  # η g
    velocity = velocity * momentum - step
    if nesterov:
        # θ − η g + μ v, with the new v: a look-ahead along the velocity.
        return theta - step + velocity * momentum, velocity
    return theta + velocity, velocity
