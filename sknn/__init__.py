"""sknn: the textbook neural network as scikit-learn estimators.

Sigmoid neurons, a cost, backpropagation and mini-batch stochastic gradient
descent, in two estimators that work wherever scikit-learn's do.
"""

# SPDX-License-Identifier: BSD-3-Clause

from ._array_api import model_to_numpy
from ._classifier import SigmoidMLPClassifier
from ._diagnose import DegenerateFitWarning, PlateauWarning
from ._dispatch import KernelMissingWarning
from ._persistence import InconsistentVersionWarning
from ._regressor import SigmoidMLPRegressor

__version__ = "0.1.0.dev0"

__all__ = [
    "DegenerateFitWarning",
    "InconsistentVersionWarning",
    "KernelMissingWarning",
    "PlateauWarning",
    "SigmoidMLPClassifier",
    "SigmoidMLPRegressor",
    "__version__",
    "model_to_numpy",
]
