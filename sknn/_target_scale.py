"""The regressor's target scaling: the units the network trains in.

With ``target_std`` (and the identity output) the regressor trains on

    y′ = (y − μ) / s,    s = std(y) / target_std,

so that the training targets have mean 0 and spread ``target_std``, while
``coefs_`` and ``intercepts_`` always predict in y's units: ŷ = (A W + b) s + μ,
so the network of the scaled targets has W / s and (b − μ) / s. A training
call converts the output layer to training units at its start and back at
its end. ``loss_`` is the cost of y scaled to spread 1 (the training cost
over ``target_std``²), so that ``tol`` means the same whatever
``target_std`` is.

μ and s are stored on the estimator as plain arrays (``_y_shift``,
``_y_scale``), so that a saved model holds no type of this module.
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._array_api import get_namespace_and_device, to_device, to_numpy
from ._weighted import mean_and_std


class TargetScale:
    """μ and s of the training targets, or none (``shift is None``: y as given).

    Parameters
    ----------
    shift, scale : ndarray of shape (n_outputs,) or None
        μ and s.
    target_std : float or None
        The spread of the training targets.
    """

    def __init__(self, shift=None, scale=None, target_std=None):
        self.shift, self.scale, self.target_std = shift, scale, target_std

    @classmethod
    def fit_for(cls, estimator, Y, sample_weight):
        """Learn μ and s from the first call's Y and store them on ``estimator``.

        Only an estimator with a ``target_std`` (the regressor) scales its
        targets, and only with the identity output: a sigmoid's y is in [0, 1].
        """
        if not hasattr(estimator, "target_std"):
            return
        target_std = estimator.target_std
        if target_std is None or estimator.out_activation_ != "identity":
            estimator._y_shift = estimator._y_scale = None
            return
        mean, std = mean_and_std(Y, sample_weight)
        estimator._y_shift = mean.astype(np.float64)
        # Training targets (y − mean) / std × target_std: mean 0, spread target_std.
        estimator._y_scale = (np.where(std > 0, std, 1.0) / target_std).astype(np.float64)

    @classmethod
    def of(cls, estimator):
        """The scale ``estimator`` trains with (none for a classifier)."""
        scale = getattr(estimator, "_y_scale", None)
        if scale is None:
            return cls()
        return cls(estimator._y_shift, scale, estimator.target_std)

    @property
    def unit(self):
        """What the cost in training units is divided by for ``loss_``: target_std² or 1."""
        return 1.0 if self.scale is None else self.target_std**2

    def training_targets(self, Y):
        """Y in training units, (Y − μ) / s, in Y's dtype."""
        if self.scale is None:
            return Y
        shift, scale = to_numpy(self.shift), to_numpy(self.scale)
        return ((Y - shift) / scale).astype(Y.dtype, copy=False)

    def to_training_units(self, coefs, intercepts):
        """The layers with the output layer in training units: new lists, W / s and (b − μ) / s."""
        if self.scale is None:
            return coefs, intercepts
        shift, scale = self._like(coefs[-1])
        return [*coefs[:-1], coefs[-1] / scale], [*intercepts[:-1], (intercepts[-1] - shift) / scale]

    def from_training_units(self, coefs, intercepts):
        """Undo :meth:`to_training_units`: new lists, in the units of y."""
        if self.scale is None:
            return coefs, intercepts
        shift, scale = self._like(coefs[-1])
        return [*coefs[:-1], coefs[-1] * scale], [*intercepts[:-1], intercepts[-1] * scale + shift]

    def _like(self, W):
        """μ and s in the namespace, device and dtype of W."""
        xp, device = get_namespace_and_device(W)
        return (
            to_device(to_numpy(self.shift), xp, device, W.dtype),
            to_device(to_numpy(self.scale), xp, device, W.dtype),
        )
