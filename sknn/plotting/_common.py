"""What the displays share: matplotlib's import, the fitted network, the axes, the legend."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
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
    """``ax`` and its figure; a new figure, laid out by matplotlib, when ``ax`` is None.

    The constrained layout keeps every label inside the figure (the score
    axis's label on the right, a long tick label, a legend).
    """
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    return ax, ax.figure


def _next_color(plt, ax):
    """The next colour of the colour cycle for a curve on ``ax`` or on its twin axes.

    Counted on ``ax`` (after the lines it already has), so that the curves on
    its twin axes, which has a colour cycle of its own, and those of a second
    ``plot`` on the same axes take new colours too.
    """
    colors = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
    k = getattr(ax, "_sknn_next_color", len(ax.lines))
    ax._sknn_next_color = k + 1
    return colors[k % len(colors)]


def _one_or_list(artists):
    """A single artist for one curve, a list for several (as scikit-learn's displays)."""
    return artists[0] if len(artists) == 1 else artists


def _as_curves(values, n_curves, name):
    """``values`` as a list of ``n_curves`` float arrays (or None entries)."""
    if values is None:
        return [None] * n_curves
    if n_curves == 1 and (len(values) == 0 or (values[0] is not None and np.ndim(values[0]) == 0)):
        values = [values]
    if len(values) != n_curves:
        raise ValueError(f"{name} has {len(values)} curves, loss_curve has {n_curves}.")
    return [None if v is None else np.asarray(v, dtype=float) for v in values]


def _differing_params(networks):
    """Legend names: the parameters in which the networks differ, else their positions."""
    params = [network.get_params(deep=False) for network in networks]
    differ = [
        key for key in params[0]
        if key not in ("random_state", "verbose")
        and any(repr(p[key]) != repr(params[0][key]) for p in params[1:])
    ]
    if not differ:
        return [f"fit {i + 1}" for i in range(len(networks))]
    return [", ".join(f"{key}={p[key]!r}" for key in differ) for p in params]


# matplotlib's legend locations in the order of its loc='best' (its ties go to the first),
# each as (horizontal, vertical) place in the axes.
_LEGEND_PLACES = {
    "upper right": ("right", "upper"), "upper left": ("left", "upper"),
    "lower left": ("left", "lower"), "lower right": ("right", "lower"),
    "center right": ("right", "center"), "center left": ("left", "center"),
    "lower center": ("center", "lower"), "upper center": ("center", "upper"),
    "center": ("center", "center"),
}


def _legend_clear_of_curves(ax, twin, handles, labels, **kwargs):
    """A legend on ``ax`` where it covers the fewest curves of ``ax`` and of its ``twin``.

    matplotlib's ``loc='best'`` sees only the curves of the legend's own axes,
    and draws the twin's curves over it. Here the figure is laid out once to
    learn the legend's size; of matplotlib's places for it, the one whose box
    holds the fewest points of the curves of both axes, and is crossed by the
    fewest, is taken. ``ax`` is drawn above its twin, so that no curve is
    drawn over the legend where none is clear.
    """
    from matplotlib.transforms import Bbox

    ax.set_zorder(twin.get_zorder() + 1)
    twin.patch.set_facecolor(ax.patch.get_facecolor())
    twin.patch.set_visible(True)
    ax.patch.set_visible(False)
    legend = ax.legend(handles, labels, loc="upper right", **kwargs)
    ax.figure.draw_without_rendering()
    box, frame = legend.get_window_extent(), ax.get_window_extent()
    pad_x, pad_y = frame.x1 - box.x1, frame.y1 - box.y1
    x = {"left": frame.x0 + pad_x, "center": (frame.x0 + frame.x1 - box.width) / 2,
         "right": box.x0}
    y = {"lower": frame.y0 + pad_y, "center": (frame.y0 + frame.y1 - box.height) / 2,
         "upper": box.y0}
    paths = [line.get_transform().transform_path(line.get_path())
             for axes in (ax, twin) for line in axes.lines if line.get_visible()]

    def covered(place):
        horizontal, vertical = _LEGEND_PLACES[place]
        where = Bbox.from_bounds(x[horizontal], y[vertical], box.width, box.height)
        return sum(where.count_contains(path.vertices) + path.intersects_bbox(where, filled=False)
                   for path in paths)

    return ax.legend(handles, labels, loc=min(_LEGEND_PLACES, key=covered), **kwargs)
