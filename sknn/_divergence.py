"""Divergence: the stopping rule for an epoch whose steps were too large.

Diverged means a loss or weight that is not finite, or a loss above
``DIVERGENCE_FACTOR`` times the yardstick: the larger of a constant
prediction's loss and the starting network's (either alone can be tiny: a
great warm start, a class weight that puts nearly all weight on one class).
SGD may rise above it for a moment, but an epoch that ends far above it took
steps too large for the cost's curvature, and such steps only grow.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math

from ._array_api import get_namespace, numpy_rows, to_numpy
from ._evaluate import batch_cost
from ._losses import penalty
from ._quiet import warn

# An epoch whose loss exceeds this multiple of a constant prediction's has diverged.
DIVERGENCE_FACTOR = 10


def start_cost(estimator, X, Y, sample_weight, rows, network):
    """The cost C of a mini-batch of ``network`` (the starting weights), on the sampled ``rows``.

    ``network`` is ``(coefs, intercepts)`` in training units. The penalty is
    (α / 2m) Σ‖W‖² with the m of a typical mini-batch
    (``batch_size`` rows of the mean weight), as in training.
    """
    weights = None if sample_weight is None else sample_weight[rows]
    coefs = [to_numpy(W) for W in network[0]]
    intercepts = [to_numpy(b) for b in network[1]]
    data_cost = batch_cost(
        numpy_rows(X, rows), Y[rows], coefs, intercepts, loss=estimator.loss,
        out_activation=estimator.out_activation_, alpha=0.0, sample_weight=weights,
    )
    m = min(estimator.batch_size, X.shape[0]) * (1.0 if weights is None else float(weights.mean()))
    return data_cost + penalty(coefs, estimator.alpha) / m


class Divergence:
    """Stop (or fail) once an epoch diverged.

    Without early stopping, or in the first epoch, divergence raises a
    ``ValueError`` (and the transaction leaves the model as it was); with
    early stopping after a good epoch, training stops with a warning and
    keeps the best epoch's weights.

    Parameters
    ----------
    baseline : float
        The loss of a constant prediction.
    start_cost : callable
        Returns the starting network's loss; called at most once, and only
        for an epoch whose loss is above ``DIVERGENCE_FACTOR`` × ``baseline``
        (a forward pass that a healthy call never pays for).
    learning_rate_init : float or 'auto'
        The parameter, for the message.
    keep_best : bool
        Whether early stopping holds a best epoch to fall back on.
    """

    def __init__(self, baseline, start_cost, learning_rate_init, keep_best):
        self.baseline, self._start_cost = baseline, start_cost
        self.learning_rate_init = learning_rate_init
        self.keep_best = keep_best

    @property
    def yardstick(self):
        """The larger of a constant prediction's loss and the starting network's."""
        if callable(self._start_cost):
            self._start_cost = self._start_cost()
        return max(self.baseline, self._start_cost)

    def exploded(self, epoch_loss):
        """Whether a finite ``epoch_loss`` is over ``DIVERGENCE_FACTOR`` × the yardstick.

        Over the yardstick means over both its parts: the baseline alone
        clears most epochs before the start's cost is needed.
        """
        if self.baseline > 0 and not epoch_loss > DIVERGENCE_FACTOR * self.baseline:
            return False
        return self.yardstick > 0 and epoch_loss > DIVERGENCE_FACTOR * self.yardstick

    def on_epoch_end(self, fit):
        """True to stop after this epoch (before it is counted); raise if it cannot."""
        message = self.message(fit.epoch_loss, fit.theta, fit.optimizer.learning_rate, fit.n_iter)
        if message is None:
            return False
        if self.keep_best and fit.n_iter > 0:
            # Keep the best epoch so far, as when the score stalls.
            warn(message + " Keeping the weights of the best epoch.")
            fit.optimizer.velocity[:] = 0  # no use continuing from a runaway velocity
            return True
        raise ValueError(message)

    def message(self, epoch_loss, theta, learning_rate, n_iter):
        """The error message if this epoch diverged, else None."""
        xp = get_namespace(theta)
        if math.isfinite(epoch_loss) and bool(xp.all(xp.isfinite(theta))):
            if not self.exploded(epoch_loss):
                return None
            what = (
                f"the loss ({epoch_loss:.3g}) exploded to over {DIVERGENCE_FACTOR}× that of "
                f"a constant prediction or of the starting weights ({self.yardstick:.3g})"
            )
        else:
            what = "the loss or the weights became non-finite"
        return (
            f"Training diverged in epoch {n_iter + 1}: {what} (learning rate "
            f"{learning_rate:g}, learning_rate_init={self.learning_rate_init!r}). Lower "
            "learning_rate_init (or use 'auto'), or scale X (e.g. MinMaxScaler)."
        )
