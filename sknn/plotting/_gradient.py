"""GradientDisplay: the mean gradient and mean σ′ of every layer."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ..inspection import activations, gradients
from ._common import _check_matplotlib, _get_ax, _integer_ticks, _network


class GradientDisplay:
    """Mean \\|∂C/∂W⁽ˡ⁾\\| and mean σ′ of every layer: where the gradient vanishes.

    Backpropagation carries the error back one layer at a time,
    δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁺¹⁾ᵀ) ⊙ σ′(Z⁽ˡ⁾), and every hidden layer multiplies it
    by σ′ = a (1 − a) ≤ 1/4. Both are drawn per layer on one log axis: the
    gradient shrinking towards the input, and the factors that shrink it.

    Build it with :meth:`from_estimator`; all parameters are stored as
    attributes.

    Parameters
    ----------
    mean_abs_gradient : array-like of shape (n_layers - 1,)
        Mean \\|∂C/∂W⁽ˡ⁾\\| over the entries of W⁽ˡ⁾, for l = 1..L.
    mean_sigmoid_slope : array-like of shape (n_layers - 2,), default=None
        Mean σ′(Z⁽ˡ⁾) = a (1 − a) over samples and units of hidden layer l,
        for l = 1..L − 1; None draws no slopes.
    name : str, default=None
        Legend name of the network.

    Attributes
    ----------
    gradient_line_ : matplotlib Line2D
        The mean \\|∂C/∂W⁽ˡ⁾\\| against l.
    slope_line_ : matplotlib Line2D or None
        The mean σ′ against l (hidden layers only).
    slope_max_line_ : matplotlib Line2D or None
        The largest σ′, 1/4, as a horizontal line (drawn once per axes).
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    See Also
    --------
    sknn.inspection.gradients : The gradients themselves.
    sknn.inspection.check_gradients : Backpropagation against finite differences.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sknn import SigmoidMLPClassifier
    >>> from sknn.plotting import GradientDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(8, 8), random_state=0).fit(X / 8, y)
    >>> display = GradientDisplay.from_estimator(model, X / 8, y)
    >>> display.mean_abs_gradient.shape, display.mean_sigmoid_slope.shape
    ((3,), (2,))
    >>> bool((display.mean_sigmoid_slope <= 0.25).all())
    True
    >>> plt.close("all")
    """

    def __init__(self, *, mean_abs_gradient, mean_sigmoid_slope=None, name=None):
        self.mean_abs_gradient = mean_abs_gradient
        self.mean_sigmoid_slope = mean_sigmoid_slope
        self.name = name

    def plot(self, ax=None, *, name=None, plot_slope=True, gradient_kwargs=None):
        """Draw the gradient (and σ′) of each layer on ``ax``.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure. Drawing several networks
            on one axes compares them (e.g. a deep and a shallow stack).
        name : str, default=None
            Legend name, overriding the ``name`` attribute.
        plot_slope : bool, default=True
            Also draw the mean σ′ of the hidden layers and its maximum 1/4.
        gradient_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            gradient line; the σ′ line takes its colour, dashed.

        Returns
        -------
        display : GradientDisplay
            This display, with the artists drawn.
        """
        plt = _check_matplotlib("GradientDisplay.plot")
        self.ax_, self.figure_ = _get_ax(plt, ax)
        ax = self.ax_
        name = self.name if name is None else name
        prefix = "" if name is None else f"{name}: "
        gradient = np.asarray(self.mean_abs_gradient, dtype=float)
        layers = np.arange(1, len(gradient) + 1)
        kwargs = {"marker": "o", "label": f"{prefix}mean |∂C/∂W⁽ˡ⁾|", **(gradient_kwargs or {})}
        (self.gradient_line_,) = ax.plot(layers, gradient, **kwargs)
        self.slope_line_ = self.slope_max_line_ = None
        if plot_slope and self.mean_sigmoid_slope is not None and len(self.mean_sigmoid_slope):
            slope = np.asarray(self.mean_sigmoid_slope, dtype=float)
            (self.slope_line_,) = ax.plot(
                np.arange(1, len(slope) + 1), slope, marker="s", linestyle="--",
                color=self.gradient_line_.get_color(), label=f"{prefix}mean σ′(Z⁽ˡ⁾) = a (1 − a)",
            )
            if not getattr(ax, "_sknn_slope_max", False):
                self.slope_max_line_ = ax.axhline(
                    0.25, color="0.4", linewidth=1, linestyle=":", label="largest σ′ = 1/4"
                )
                ax._sknn_slope_max = True
        ax.set_yscale("log")
        ax.set(xlabel="layer l (1 = first hidden, last = output)", ylabel="mean size")
        _integer_ticks(ax.xaxis)
        ax.legend(fontsize="small")
        return self

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, sample_weight=None, name=None, ax=None, plot_slope=True,
        gradient_kwargs=None,
    ):
        """Compute and draw the gradient of each layer of a fitted network on (X, y).

        The gradient is that of the cost ``fit`` minimises, over all of
        (X, y) as one batch, at the current weights
        (:func:`sknn.inspection.gradients`); σ′ comes from the activations of
        the same forward pass (:func:`sknn.inspection.activations`).

        Parameters
        ----------
        estimator : SigmoidMLPClassifier, SigmoidMLPRegressor or Pipeline
            A fitted network, or a fitted pipeline ending in one (X then goes
            through the steps before it).
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Their targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights; None gives every sample 1.
        name : str, default=None
            Legend name.
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.
        plot_slope : bool, default=True
            Also draw the mean σ′ of the hidden layers.
        gradient_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            gradient line.

        Returns
        -------
        display : GradientDisplay
            The display, drawn.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import load_iris
        >>> from sknn import SigmoidMLPClassifier
        >>> from sknn.plotting import GradientDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(8,), random_state=0).fit(X / 8, y)
        >>> display = GradientDisplay.from_estimator(model, X / 8, y, name="iris")
        >>> display.gradient_line_.get_xdata().tolist()  # layers 1 and 2
        [1, 2]
        >>> plt.close("all")
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        network, X = _network(estimator, X, caller=f"{cls.__name__}.from_estimator")
        coef_grads, _ = gradients(network, X, y, sample_weight=sample_weight)
        hidden = activations(network, X)[1:-1]
        display = cls(
            mean_abs_gradient=np.array([np.mean(np.abs(g)) for g in coef_grads]),
            mean_sigmoid_slope=np.array([np.mean(A * (1 - A)) for A in hidden]),
            name=name,
        )
        return display.plot(ax=ax, plot_slope=plot_slope, gradient_kwargs=gradient_kwargs)
