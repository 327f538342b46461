"""Pictures of a fitted network: loss curves, gradients per layer, activations.

Three displays in scikit-learn's ``Display`` style (as
:class:`sklearn.metrics.RocCurveDisplay`): build one with
``from_estimator`` (or ``from_estimators``), which computes the data and
draws it; ``plot(ax=...)`` draws it again, on any axes, as often as wanted;
the data are the display's attributes and the matplotlib artists drawn are
attributes ending in ``_``, beside ``ax_`` and ``figure_``.

- :class:`LossCurveDisplay`: the training cost C after every epoch
  (``loss_curve_``), with early stopping the cost and the score on the
  held-out set, and the epochs where the ``'adaptive'`` schedule lowered η.
- :class:`GradientDisplay`: mean \\|∂C/∂W⁽ˡ⁾\\| and mean σ′ = a (1 − a) for
  each layer l: the vanishing gradient of deep sigmoid stacks.
- :class:`ActivationDisplay`: the distribution of the activations of each
  hidden layer, with the fractions of saturated units (a ≈ 0 or 1).

They need matplotlib: ``pip install "scikit-backprop[plot]"``.

Why a module of its own rather than :mod:`sknn.inspection` (where
scikit-learn puts ``PartialDependenceDisplay`` beside ``partial_dependence``):
:mod:`sknn.inspection` computes numbers and needs nothing beyond sknn's own
requirements, while everything here draws and needs the ``plot`` extra; one
module per extra keeps that boundary visible in the import (as
:mod:`sknn.onnx` does for the ``onnx`` extra), lets its doctests skip as a
whole where matplotlib is missing, and gives the loss curve, which reads only
fitted attributes and is no inspection of the network's insides, a natural
home. The gradients and activations drawn here are computed by
:func:`sknn.inspection.gradients` and :func:`sknn.inspection.activations`.
"""

# SPDX-License-Identifier: BSD-3-Clause

from ._activation import ActivationDisplay
from ._gradient import GradientDisplay
from ._loss_curve import LossCurveDisplay

__all__ = ["ActivationDisplay", "GradientDisplay", "LossCurveDisplay"]
