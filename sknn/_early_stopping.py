"""Early stopping: score each epoch on a held-out set and keep the best epoch's θ.

Each ``fit`` holds out a fresh ``validation_fraction`` of its rows
(stratified by class), so scores start afresh too. After every epoch the
held-out rows are scored (``score``, the estimator's) and their cost is
recorded on the training loss's scale; the plateau rule
(:mod:`sknn._plateau`) counts the epochs since the score last gained
``tol``, and the fit ends with the weights of the best-scoring epoch.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.model_selection import train_test_split

from ._array_api import get_namespace, take_rows, to_device
from ._evaluate import epoch_cost
from ._quiet import warn


def split_validation(X, Y, y, sample_weight, stratify, rng, validation_fraction):
    """Hold out ``validation_fraction`` of the rows (stratified by class).

    Returns the training part ``X, Y, sample_weight`` and the held-out
    ``(X_val, Y_val, y_val, sw_val)``.
    """
    try:
        # The rows by index, so that X may be of any namespace.
        train, held_out = train_test_split(
            np.arange(X.shape[0]),
            test_size=validation_fraction,
            stratify=stratify,
            random_state=int(rng.integers(np.iinfo(np.int32).max)),
        )
    except ValueError as error:  # e.g. fewer validation rows than classes
        if stratify is None:
            raise ValueError(
                f"early_stopping cannot hold out validation_fraction="
                f"{validation_fraction} of {X.shape[0]} samples: {error}. The "
                "validation set is too small: increase validation_fraction or provide "
                "more samples."
            ) from error
        # As scikit-learn's MLP fits such data: hold out a plain random split.
        warn(
            f"early_stopping could not stratify the validation split ({error}); "
            "holding out a random split without stratification instead. Increase "
            "validation_fraction to keep every class in the validation set."
        )
        return split_validation(X, Y, y, sample_weight, None, rng, validation_fraction)
    X_train, X_val = take_rows(X, train), take_rows(X, held_out)
    Y_train, Y_val, y_val = Y[train], Y[held_out], y[held_out]
    sw_train, sw_val = (None, None) if sample_weight is None else (
        sample_weight[train], sample_weight[held_out]
    )
    if X_val.shape[0] < 2:
        raise ValueError(
            f"The validation set is too small ({X_val.shape[0]} rows): increase "
            "validation_fraction or provide more samples."
        )
    return X_train, Y_train, sw_train, (X_val, Y_val, y_val, sw_val)


class EarlyStopping:
    """Score each epoch on the held-out rows; remember the θ of the best.

    Creating it splits ``data`` (the rows it trains on become the rest) and
    resets the estimator's validation attributes for this call.
    """

    def __init__(self, estimator, data, rng, theta):
        data.X, data.Y, data.sample_weight, validation = split_validation(
            data.X, data.Y, data.y, data.sample_weight, data.stratify, rng,
            estimator.validation_fraction,
        )
        if data.device is not None:  # Y and the weights go where X is
            X_val, Y_val, y_val, sw_val = validation
            validation = (
                X_val, to_device(Y_val, *data.device, data.dtype), y_val,
                to_device(sw_val, *data.device),
            )
        self.validation = validation
        estimator.validation_scores_ = []
        estimator.validation_loss_curve_ = []
        estimator.best_validation_score_ = -np.inf
        estimator._reference_score = -np.inf
        estimator.best_loss_ = None
        estimator._no_improvement_count = 0
        self.best_theta = get_namespace(theta).asarray(theta, copy=True)

    def on_epoch_end(self, fit):
        """Record the validation score and loss; keep θ when the score is the best so far."""
        if self._update(fit.estimator, fit.batch_size, fit.unit, fit.layers):
            self.best_theta[...] = fit.theta
        return False

    def finish(self, theta):
        """θ of the best epoch."""
        theta[...] = self.best_theta

    def _update(self, estimator, batch_size, unit, network):
        """Score the epoch's weights ``network``; True when the score is the best so far."""
        X_val, Y_val, y_val, sw_val = self.validation
        score = estimator._score(X_val, Y_val, y_val, sw_val, network=network)
        estimator.validation_scores_.append(score)
        # The training cost on the held-out rows, averaged over mini-batches
        # as loss_ is, so that the two curves are on one scale.
        estimator.validation_loss_curve_.append(
            epoch_cost(
                X_val, Y_val, *network, batch_size=batch_size,
                loss=estimator.loss, out_activation=estimator.out_activation_,
                alpha=estimator.alpha, sample_weight=sw_val,
            )
            / unit
        )
        if estimator.verbose:
            print(
                f"Validation score: {score:f}, validation loss = "
                f"{estimator.validation_loss_curve_[-1]:.8f}"
            )
        # Progress is counted against the last score that made progress, so
        # that many small gains add up (see _plateau).
        if score > estimator._reference_score + estimator.tol:
            estimator._reference_score = score
            estimator._no_improvement_count = 0
        else:
            estimator._no_improvement_count += 1
        if score > estimator.best_validation_score_:
            estimator.best_validation_score_ = score
            return True
        return False
