"""The optimizer of a training call: velocity v, learning rate η, samples seen t, schedule.

One object holds what SGD carries from epoch to epoch (scikit-learn keeps
the same in ``_stochastic_optimizers.SGDOptimizer``): it runs an epoch
(``_dispatch.run_epoch``, kernel or reference) with its η and momentum, counts
the samples seen, and moves η by the schedule ('constant', 'invscaling',
'adaptive'). ``fit`` starts it afresh, as scikit-learn's MLP does, also with
``warm_start``; ``partial_fit`` continues the last call's. Between calls its
state rests on the estimator as plain values (``_velocity``,
``_learning_rate``, ``t_``, ``learning_rate_init_``), so that a saved model
holds no type of this module.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._array_api import get_namespace, to_numpy
from ._curvature import jacobian_bound
from ._init import init_rows
from ._sgd import adaptive_learning_rate, auto_learning_rate, invscaling_learning_rate
from ._dispatch import run_epoch


def initial_learning_rate(estimator, X, sample_weight, first_pass, network):
    """η at the start of a fit: ``learning_rate_init``, or the 'auto' rule.

    'auto' is worked out from the initial weights ``network`` (``(coefs,
    intercepts)``, in training units); a warm start keeps the η of the first
    fit, so that fits in pieces train as one.
    """
    if estimator.learning_rate_init == "auto" and not first_pass and (
        getattr(estimator, "_auto_rate", None) is not None
    ):
        return estimator._auto_rate
    if estimator.learning_rate_init == "auto":
        X_rows, weights = init_rows(np.random.RandomState(estimator._seed), X, sample_weight)
        coefs = [to_numpy(W) for W in network[0]]
        intercepts = [to_numpy(b) for b in network[1]]
        bound = jacobian_bound(X_rows, coefs, intercepts, estimator.out_activation_, weights)
        estimator._auto_rate = auto_learning_rate(
            bound, estimator.loss, estimator.out_activation_
        )
        return estimator._auto_rate
    return float(estimator.learning_rate_init)


class SGDOptimizer:
    """Mini-batch SGD with momentum and a learning-rate schedule.

    Parameters
    ----------
    velocity : array of shape (n_params,)
        v, laid out like θ.
    learning_rate : float
        η of the next epoch.
    learning_rate_init : float
        η₀, the start of the 'invscaling' schedule.
    t : int
        Samples seen so far.
    schedule : {'constant', 'invscaling', 'adaptive'}
    power_t, momentum : float
    nesterov : bool
    """

    def __init__(
        self, velocity, learning_rate, *, learning_rate_init, t, schedule, power_t, momentum,
        nesterov,
    ):
        self.velocity, self.learning_rate = velocity, learning_rate
        self.learning_rate_init, self.t = learning_rate_init, t
        self.schedule, self.power_t = schedule, power_t
        self.momentum, self.nesterov = momentum, nesterov

    @classmethod
    def start(cls, estimator, theta, X, sample_weight, *, first_pass, incremental, network):
        """Continue the last ``partial_fit``'s optimizer, or start afresh (``fit``).

        ``network`` is ``(coefs, intercepts)``, views into θ.
        """
        xp = get_namespace(theta)
        velocity = getattr(estimator, "_velocity", None)
        if incremental and velocity is not None and velocity.shape == theta.shape:
            velocity = xp.astype(velocity, theta.dtype, copy=True)
            learning_rate = estimator._learning_rate
        else:  # fit, also with warm_start, restarts the optimizer as scikit-learn's
            velocity = xp.zeros_like(theta)
            learning_rate = estimator.learning_rate_init_ = initial_learning_rate(
                estimator, X, sample_weight, first_pass, network
            )
        return cls(
            velocity,
            learning_rate,
            learning_rate_init=estimator.learning_rate_init_,
            t=estimator.t_,
            schedule=estimator.learning_rate,
            power_t=estimator.power_t,
            momentum=estimator.momentum,
            nesterov=estimator.nesterovs_momentum,
        )

    def run_epoch(self, theta, X, Y, sample_weight, *, order, network):
        """One epoch of mini-batches over (X, Y); θ and v in place.

        ``network`` holds the epoch's other settings (``workspace``,
        ``batch_size``, ``loss``, ``out_activation``, ``alpha``).

        Returns
        -------
        weighted_cost, total_weight : float
            As :func:`sknn._dispatch.run_epoch`.
        """
        return run_epoch(
            theta, self.velocity, X, Y, sample_weight, order=order, **network,
            learning_rate=self.learning_rate, momentum=self.momentum, nesterov=self.nesterov,
        )

    def count(self, n_samples):
        """Count an epoch's samples into t."""
        self.t += n_samples

    def end_epoch(self):
        """η for the next epoch by the 'invscaling' schedule, η₀ / (t + 1)^power_t."""
        if self.schedule == "invscaling":
            self.learning_rate = invscaling_learning_rate(
                self.learning_rate_init, self.t, self.power_t
            )

    def reduce(self):
        """η / 5 once training stalls with the 'adaptive' schedule; False: stop instead."""
        next_rate = adaptive_learning_rate(self.learning_rate) if self.schedule == "adaptive" else None
        if next_rate is None:
            return False
        self.learning_rate = next_rate
        return True

    def save(self, estimator):
        """Leave v and η on the estimator for the next ``partial_fit``."""
        estimator._velocity = self.velocity
        estimator._learning_rate = self.learning_rate
