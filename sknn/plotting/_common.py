"""What the three displays share: matplotlib's import, the fitted network, the axes."""

# SPDX-License-Identifier: BSD-3-Clause

from sklearn.utils.validation import check_is_fitted

from .._base import BaseSigmoidMLP


def _check_matplotlib(caller):
    """Import matplotlib.pyplot, or raise an ImportError naming the ``plot`` extra."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            f"{caller} needs matplotlib, which is not installed. Install the plot "
            'extra, pip install "scikit-backprop[plot]" (or pip install matplotlib).'
        ) from error
    return plt


def _integer_ticks(axis):
    """Ticks at whole numbers only (epochs, layers) on a matplotlib axis."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _network(estimator, X=None, *, caller):
    """The fitted sknn network in ``estimator``, and X as that network sees it.

    ``estimator`` is a SigmoidMLPClassifier or SigmoidMLPRegressor, or a
    :class:`~sklearn.pipeline.Pipeline` ending in one: then X goes through
    the steps before it (as ``predict`` would send it).
    """
    network = estimator
    if hasattr(estimator, "steps") and len(estimator.steps) > 0:
        network = estimator[-1]
        if X is not None and isinstance(network, BaseSigmoidMLP):
            check_is_fitted(network)
            X = estimator[:-1].transform(X)
    if not isinstance(network, BaseSigmoidMLP):
        raise TypeError(
            f"{caller} needs a SigmoidMLPClassifier or SigmoidMLPRegressor, or a Pipeline "
            f"ending in one; got {type(estimator).__name__}."
        )
    check_is_fitted(network)
    return network, X


def _get_ax(plt, ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax, ax.figure
