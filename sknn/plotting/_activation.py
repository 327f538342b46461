"""ActivationDisplay: the distribution of every hidden layer's activations."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ..inspection import activations
from ._common import _check_matplotlib, _get_ax, _network


class ActivationDisplay:
    """The distribution of every hidden layer's activations, saturation marked.

    A sigmoid unit learns through σ′ = a (1 − a): near a = 0 or 1 it is
    *saturated* and passes almost no gradient back. Each hidden layer is one
    row: the histogram of its activations over the samples and units, the
    saturated zones a < ``saturation`` and a > 1 − ``saturation`` shaded, and
    the fraction of activations in each written beside them. A layer whose
    activations pile up at the ends passes almost no gradient back; when they
    no longer depend on the input either, the network has collapsed to a
    constant.

    Build it with :meth:`from_estimator`; all parameters are stored as
    attributes.

    Parameters
    ----------
    bin_edges : array-like of shape (n_bins + 1,)
        The edges of the histogram bins, over [0, 1].
    densities : list of array-like of shape (n_bins,)
        For each hidden layer, the fraction of its activations in each bin.
    saturated_low : array-like of shape (n_hidden_layers,)
        For each hidden layer, the fraction of activations below ``saturation``.
    saturated_high : array-like of shape (n_hidden_layers,)
        For each hidden layer, the fraction above 1 − ``saturation``.
    saturation : float, default=0.05
        How close to 0 or 1 counts as saturated (σ′ < 0.0475 at 0.05, a
        fifth of its largest value).
    name : str, default=None
        Legend name of the network.

    Attributes
    ----------
    fill_ : list of matplotlib PolyCollection
        The histogram of each hidden layer (layer l at height l).
    saturation_text_ : list of (Text, Text)
        The saturated fractions written at both ends of each row.
    saturation_zone_ : list of matplotlib Artist
        The two shaded zones (drawn once per axes).
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    See Also
    --------
    sknn.inspection.activations : The activations themselves.
    GradientDisplay : How saturation shrinks the gradient.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sknn import SigmoidMLPClassifier
    >>> from sknn.plotting import ActivationDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(8, 4), random_state=0).fit(X / 8, y)
    >>> display = ActivationDisplay.from_estimator(model, X / 8)
    >>> len(display.densities), len(display.fill_)
    (2, 2)
    >>> [round(float(d.sum()), 6) for d in display.densities]
    [1.0, 1.0]
    >>> plt.close("all")
    """

    def __init__(
        self, *, bin_edges, densities, saturated_low, saturated_high, saturation=0.05, name=None
    ):
        self.bin_edges = bin_edges
        self.densities = densities
        self.saturated_low = saturated_low
        self.saturated_high = saturated_high
        self.saturation = saturation
        self.name = name

    def plot(self, ax=None, *, name=None, fill_kwargs=None):
        """Draw one row per hidden layer on ``ax``.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure. Drawing two networks (or
            one before and after training) on one axes overlays their rows.
        name : str, default=None
            Legend name, overriding the ``name`` attribute.
        fill_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.fill_between`
            for the histograms.

        Returns
        -------
        display : ActivationDisplay
            This display, with the artists drawn.
        """
        plt = _check_matplotlib("ActivationDisplay.plot")
        self.ax_, self.figure_ = _get_ax(plt, ax)
        ax = self.ax_
        name = self.name if name is None else name
        edges = np.asarray(self.bin_edges, dtype=float)
        low = np.asarray(self.saturated_low, dtype=float)
        high = np.asarray(self.saturated_high, dtype=float)
        n_layers = len(self.densities)
        # Each row's tallest bar reaches 0.85 of the distance to the next row.
        peak = max((np.max(d) for d in self.densities if len(d)), default=1.0) or 1.0
        scale = 0.85 / peak

        self.saturation_zone_ = self._shade_saturation(ax, self.saturation)

        kwargs = {"alpha": 0.6, "step": "post", **(fill_kwargs or {})}
        kwargs.setdefault("label", name)
        self.fill_, self.saturation_text_ = [], []
        x = np.append(edges[:-1], edges[-1])
        for layer, density in enumerate(self.densities, start=1):
            height = layer + scale * np.append(density, density[-1])
            fill = ax.fill_between(x, layer, height, **kwargs)
            kwargs.pop("label", None)  # one legend entry per display
            if "color" not in kwargs and "facecolor" not in kwargs:
                kwargs["color"] = fill.get_facecolor()[0][:3]
            self.fill_.append(fill)
            color = fill.get_facecolor()[0][:3]
            texts = (
                ax.text(0.0, layer + 0.1, f"{low[layer - 1]:.0%} ", ha="right", va="bottom",
                        fontsize="small", color=color),
                ax.text(1.0, layer + 0.1, f" {high[layer - 1]:.0%}", ha="left", va="bottom",
                        fontsize="small", color=color),
            )
            self.saturation_text_.append(texts)
        ax.set_xlim(-0.12, 1.12)
        ax.set_ylim(0.8, n_layers + 1.5)  # room for the legend above the last row
        ax.set_yticks(np.arange(1, n_layers + 1))
        ax.set(xlabel="activation a = σ(z)", ylabel="hidden layer l")
        if any(label for label in ax.get_legend_handles_labels()[1]):
            ax.legend(fontsize="small", loc="upper right")
        return self

    @staticmethod
    def _shade_saturation(ax, eps):
        """The saturated zones a < eps and a > 1 − eps, shaded once per axes."""
        if getattr(ax, "_sknn_saturation_zone", False):
            return []
        ax._sknn_saturation_zone = True
        label = f"saturated: a < {eps:g} or a > {1 - eps:g}"
        return [ax.axvspan(0, eps, color="0.85", zorder=0, label=label),
                ax.axvspan(1 - eps, 1, color="0.85", zorder=0)]

    @classmethod
    def from_estimator(
        cls, estimator, X, *, bins=20, saturation=0.05, name=None, ax=None, fill_kwargs=None
    ):
        """Compute and draw the activations of each hidden layer for the samples X.

        Parameters
        ----------
        estimator : SigmoidMLPClassifier, SigmoidMLPRegressor or Pipeline
            A fitted network with at least one hidden layer, or a fitted
            pipeline ending in one (X then goes through the steps before it).
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.
        bins : int, default=20
            Number of histogram bins over [0, 1].
        saturation : float, default=0.05
            Activations below it or above 1 − ``saturation`` count as saturated.
        name : str, default=None
            Legend name.
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.
        fill_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.fill_between`.

        Returns
        -------
        display : ActivationDisplay
            The display, drawn.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import load_iris
        >>> from sknn import SigmoidMLPClassifier
        >>> from sknn.plotting import ActivationDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(8,), random_state=0).fit(X / 8, y)
        >>> display = ActivationDisplay.from_estimator(model, X / 8, saturation=0.1)
        >>> bool(0 <= display.saturated_low[0] + display.saturated_high[0] <= 1)
        True
        >>> plt.close("all")
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        display = cls(**cls._data(estimator, X, bins, saturation), name=name)
        return display.plot(ax=ax, fill_kwargs=fill_kwargs)

    @classmethod
    def _data(cls, estimator, X, bins, saturation):
        """The histograms and saturated fractions of the hidden layers' activations on X."""
        if not 0 < saturation < 0.5:
            raise ValueError(f"saturation must be in (0, 0.5), got {saturation!r}.")
        network, X = _network(estimator, X, caller=f"{cls.__name__}.from_estimator")
        hidden = activations(network, X)[1:-1]
        if not hidden:
            raise ValueError(
                f"{cls.__name__} draws the hidden layers, and this network has none "
                "(hidden_layer_sizes=())."
            )
        edges = np.linspace(0, 1, int(bins) + 1)
        return dict(
            bin_edges=edges,
            densities=[np.histogram(A, bins=edges)[0] / A.size for A in hidden],
            saturated_low=np.array([np.mean(A < saturation) for A in hidden]),
            saturated_high=np.array([np.mean(A > 1 - saturation) for A in hidden]),
            saturation=saturation,
        )
