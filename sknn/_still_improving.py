"""The still-improving warning: ``max_iter`` ended a fit that was still learning."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._quiet import warn

# max_iter ended a fit still learning if its last epochs gained this much of its total gain.
PROGRESS_FRACTION = 0.01


class StillImproving:
    """Warn (``ConvergenceWarning``) when the last allowed epoch ends a fit still learning.

    Still learning: over its last epochs (``n_iter_no_change`` of them, at
    most a tenth of the fit) the loss (or, with early stopping, the
    validation score) gained more than ``tol`` and more than
    ``PROGRESS_FRACTION`` of all it gained in this fit. A curve that creeps
    down by a hair per epoch (the log-loss of separable classes keeps
    falling as the weights grow) has converged for every practical purpose
    and does not warn. Never stops training itself.
    """

    def on_epoch_end(self, fit):
        """Warn if this was epoch ``max_iter`` and the curve still falls; always False."""
        estimator = fit.estimator
        if estimator.n_iter_ != estimator.max_iter:
            return False
        if estimator.early_stopping:
            curve = -np.asarray(estimator.validation_scores_, dtype=float)
        else:
            curve = np.asarray(estimator.loss_curve_[-estimator.n_iter_ :], dtype=float)
        window = int(min(estimator.n_iter_no_change, max(1, len(curve) // 10), len(curve) - 1))
        if window < 1:
            return False
        recent = curve[-window - 1] - curve[-window:].min()
        total = curve.max() - curve.min()  # the whole change (a first epoch can rise)
        if recent > estimator.tol and recent > PROGRESS_FRACTION * total:
            what = "validation score" if estimator.early_stopping else "loss"
            warn(
                f"Stochastic Optimizer: Maximum iterations ({estimator.max_iter}) reached and "
                f"the optimization hasn't converged yet: the {what} improved by "
                f"{recent:.3g} in the last {window} epochs ({recent / total:.1%} of its "
                "whole change in this fit). More epochs (max_iter) would fit the training data "
                "further.",
                ConvergenceWarning,
            )
        return False
