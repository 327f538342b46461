"""The training-loss plateau: count epochs without progress, then lower η or stop.

Progress is counted against the loss of the last epoch that made progress,
not the best loss so far (scikit-learn's rule): on a slow but steady descent
each epoch gains less than ``tol``, and comparing with the best would stop
training although ``n_iter_no_change`` epochs together gained many times
``tol``. Here those small gains add up. With early stopping the validation
score is counted instead (:mod:`sknn._early_stopping`); either way, after
``n_iter_no_change`` epochs without progress the 'adaptive' schedule divides
η by 5 and every other schedule stops, as scikit-learn's MLP does.

The counts rest on the estimator between calls (``_no_improvement_count``,
``_reference_loss``, ``best_loss_``), so that a ``partial_fit`` stream counts on.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


class TrainingLoss:
    """Score each epoch by its training loss (the monitor without early stopping)."""

    def __init__(self, estimator):
        if estimator.best_loss_ is None:  # the last fit used early stopping
            estimator.best_loss_ = np.inf
            estimator.validation_scores_ = estimator.best_validation_score_ = None
            estimator.validation_loss_curve_ = None

    def on_epoch_end(self, fit):
        """Count the epochs since the loss last beat its reference by ``tol``."""
        estimator, epoch_loss = fit.estimator, fit.epoch_loss
        reference = estimator._reference_loss
        if epoch_loss < reference - estimator.tol:
            estimator._reference_loss = epoch_loss
            estimator._no_improvement_count = 0
        else:
            estimator._no_improvement_count += 1
        estimator.best_loss_ = min(estimator.best_loss_, epoch_loss)
        return False

    def finish(self, theta):
        """Nothing to restore: the last epoch's θ is the result."""


class Plateau:
    """Stop, or divide η by 5 ('adaptive'), after ``n_iter_no_change`` epochs without progress.

    Parameters
    ----------
    what : str
        What is counted, for the message: 'Training loss' or 'Validation score'.
    """

    def __init__(self, what):
        self.what = what

    def on_epoch_end(self, fit):
        """True to stop: training stalled and η cannot be lowered."""
        estimator = fit.estimator
        if estimator._no_improvement_count <= estimator.n_iter_no_change:
            return False
        estimator._no_improvement_count = 0
        lowered = fit.optimizer.reduce()
        if estimator.verbose:
            msg = (
                f"{self.what} did not improve more than tol={estimator.tol:f} for "
                f"{estimator.n_iter_no_change} consecutive epochs."
            )
            if lowered:
                print(msg + f" Setting learning rate to {fit.optimizer.learning_rate:f}")
            else:
                print(msg + " Stopping.")
        return not lowered
