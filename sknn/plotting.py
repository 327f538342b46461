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

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from ._base import BaseSigmoidMLP
from .inspection import activations, gradients

__all__ = ["ActivationDisplay", "GradientDisplay", "LossCurveDisplay"]


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


def _score_name(network):
    return "accuracy" if is_classifier(network) else "R²"


class LossCurveDisplay:
    """Training cost per epoch, with the validation curves and the learning-rate changes.

    Build it with :meth:`from_estimator` (one fit) or :meth:`from_estimators`
    (several fits on one axes); all parameters are stored as attributes.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,), or list of them
        The training cost C after each epoch (``loss_curve_``); a list of
        curves draws one line per fit.
    validation_loss_curve : array-like or list of them (or of None), default=None
        The cost on the held-out set after each epoch of the last fit
        (``validation_loss_curve_``, with ``early_stopping``). When shorter
        than ``loss_curve`` (a ``warm_start`` fit after others) it is drawn
        beside the last epochs.
    validation_scores : array-like or list of them (or of None), default=None
        The held-out score after each epoch of the last fit
        (``validation_scores_``), drawn on a second y axis.
    learning_rate_curve : array-like or list of them (or of None), default=None
        The learning rate η of each epoch. Every change is marked by a
        vertical line between the two epochs, labelled with the new η.
    name : str or list of str, default=None
        The legend name of each curve; None draws no name.
    score_name : str, default='score'
        What the scores are, for the axis label (e.g. ``'accuracy'``).

    Attributes
    ----------
    line_ : matplotlib Line2D or list of Line2D
        The training cost curves (a list when there are several).
    validation_line_ : list of Line2D
        The held-out cost curves, those there are.
    score_line_ : list of Line2D
        The held-out score curves, on ``ax_score_``.
    learning_rate_marks_ : list of Line2D
        One vertical line for every change of η.
    ax_ : matplotlib Axes
        The axes of the cost.
    ax_score_ : matplotlib Axes or None
        The twin axes of the scores; None when there are none.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    See Also
    --------
    GradientDisplay : The gradient of each layer.
    ActivationDisplay : The activations of each hidden layer.

    Notes
    -----
    The cost is drawn on a log scale when every value is positive and the
    curves span more than a factor of 10 (``log_scale='auto'`` in
    :meth:`plot`): the slow late descent then stays visible beside the fast
    first epochs.

    The learning-rate marks need the estimator's ``learning_rate_curve_``
    (the η of every epoch); for an estimator without it, nothing is marked.
    :meth:`from_estimator` passes it only for the ``'adaptive'`` schedule,
    whose η changes rarely (``'invscaling'`` changes it every epoch).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sknn import SigmoidMLPClassifier
    >>> from sknn.plotting import LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(8,), max_iter=30,
    ...                              early_stopping=True, random_state=0).fit(X / 8, y)
    >>> display = LossCurveDisplay.from_estimator(model)
    >>> len(display.line_.get_ydata()) == model.n_iter_
    True
    >>> display.ax_score_.get_ylabel()
    'validation accuracy'
    >>> plt.close("all")
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_loss_curve=None,
        validation_scores=None,
        learning_rate_curve=None,
        name=None,
        score_name="score",
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.learning_rate_curve = learning_rate_curve
        self.name = name
        self.score_name = score_name

    def plot(self, ax=None, *, name=None, log_scale="auto", curve_kwargs=None):
        """Draw the curves on ``ax``.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            The axes for the cost; None makes a new figure. The scores go on a
            twin axes to the right, the same one when ``plot`` is called again
            on the same ``ax``.
        name : str or list of str, default=None
            Legend names, overriding the ``name`` attribute.
        log_scale : bool or 'auto', default='auto'
            Draw the cost on a log scale; ``'auto'`` does when every cost is
            positive and the curves span more than a factor of 10.
        curve_kwargs : dict or list of dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            training curves (one dict for all, or one per curve). The
            validation curves take the same colour, dashed.

        Returns
        -------
        display : LossCurveDisplay
            This display, with the artists drawn.
        """
        plt = _check_matplotlib("LossCurveDisplay.plot")
        loss_curves = self._curves()
        n = len(loss_curves)
        validation = _as_curves(self.validation_loss_curve, n, "validation_loss_curve")
        scores = _as_curves(self.validation_scores, n, "validation_scores")
        rates = _as_curves(self.learning_rate_curve, n, "learning_rate_curve")
        names = self.name if name is None else name
        names = [names] * n if names is None or isinstance(names, str) else list(names)
        if len(names) != n:
            raise ValueError(f"name has {len(names)} entries for {n} curves.")
        if curve_kwargs is None or isinstance(curve_kwargs, dict):
            curve_kwargs = [dict(curve_kwargs or {})] * n
        if len(curve_kwargs) != n:
            raise ValueError(f"curve_kwargs has {len(curve_kwargs)} entries for {n} curves.")

        self.ax_, self.figure_ = _get_ax(plt, ax)
        ax = self.ax_
        self.ax_score_ = None
        if any(s is not None for s in scores):
            # One twin axes per cost axes, found again by the next plot on it.
            self.ax_score_ = getattr(ax, "_sknn_score_axes", None)
            if self.ax_score_ is None:
                self.ax_score_ = ax._sknn_score_axes = ax.twinx()

        lines, self.validation_line_, self.score_line_, self.learning_rate_marks_ = [], [], [], []
        for curve, val, score, rate, label, kwargs in zip(
            loss_curves, validation, scores, rates, names, curve_kwargs
        ):
            epochs = np.arange(1, len(curve) + 1)
            prefix = "" if label is None else f"{label}: "
            line_kwargs = {"label": f"{prefix}training cost", **kwargs}
            (line,) = ax.plot(epochs, curve, **line_kwargs)
            lines.append(line)
            color = line.get_color()
            if val is not None:
                start = len(curve) - len(val) + 1
                (v,) = ax.plot(
                    np.arange(start, start + len(val)), val, linestyle="--", color=color,
                    label=f"{prefix}validation cost",
                )
                self.validation_line_.append(v)
            if score is not None:
                start = len(curve) - len(score) + 1
                (s,) = self.ax_score_.plot(
                    np.arange(start, start + len(score)), score, linestyle=":", marker=".",
                    color=color, label=f"{prefix}validation {self.score_name}",
                )
                self.score_line_.append(s)
            if rate is not None:
                # η of the last len(rate) epochs (all of them, as the estimator records it).
                offset = len(curve) - len(rate)
                self.learning_rate_marks_.extend(self._mark_rates(ax, rate, offset, color, prefix))
        self.line_ = _one_or_list(lines)

        if log_scale == "auto":
            values = np.concatenate(
                [c for c in loss_curves + validation if c is not None and len(c)] or [[1.0]]
            )
            values = values[np.isfinite(values)]
            log_scale = bool(values.size and values.min() > 0 and values.max() > 10 * values.min())
        if log_scale:
            ax.set_yscale("log")
        ax.set(xlabel="epoch", ylabel="cost C")
        _integer_ticks(ax.xaxis)
        handles, labels = ax.get_legend_handles_labels()
        if self.ax_score_ is not None:
            self.ax_score_.set_ylabel(f"validation {self.score_name}")
        twin = getattr(ax, "_sknn_score_axes", None)  # also one drawn by an earlier plot
        if twin is not None:
            more = twin.get_legend_handles_labels()
            handles, labels = handles + more[0], labels + more[1]
        ax.legend(handles, labels, fontsize="small")
        return self

    def _curves(self):
        curve = self.loss_curve
        if len(curve) and np.ndim(curve[0]) == 0:  # one curve
            return [np.asarray(curve, dtype=float)]
        return [np.asarray(c, dtype=float) for c in curve]

    @staticmethod
    def _mark_rates(ax, rate, offset, color, prefix):
        """A vertical line, labelled with the new η, wherever η changes."""
        # The index of every first epoch with a new η.
        changes = np.flatnonzero(rate[1:] != rate[:-1]) + 1
        lowered = bool(np.all(rate[changes] < rate[changes - 1]))
        marks = []
        for k, i in enumerate(changes):
            x = offset + i + 0.5  # between epochs offset + i and offset + i + 1 (counted from 1)
            label = None
            if k == 0:
                label = f"{prefix}learning rate {'lowered' if lowered else 'changed'}"
            marks.append(
                ax.axvline(x, color=color, linestyle=(0, (1, 3)), linewidth=1, label=label)
            )
            ax.annotate(
                f"η = {rate[i]:.2g}", xy=(x, 1), xycoords=("data", "axes fraction"),
                xytext=(2, -2), textcoords="offset points", rotation=90, va="top",
                fontsize="x-small", color=color,
            )
        return marks

    @classmethod
    def _data(cls, estimator):
        network, _ = _network(estimator, caller=f"{cls.__name__}.from_estimator")
        rates = getattr(network, "learning_rate_curve_", None)
        if network.learning_rate != "adaptive":
            rates = None  # 'constant' never changes η; 'invscaling' every epoch
        return {
            "loss_curve": list(network.loss_curve_),
            "validation_loss_curve": network.validation_loss_curve_,
            "validation_scores": network.validation_scores_,
            "learning_rate_curve": rates,
        }, network

    @classmethod
    def from_estimator(cls, estimator, *, name=None, ax=None, log_scale="auto", curve_kwargs=None):
        """Draw the loss curve of a fitted network.

        Parameters
        ----------
        estimator : SigmoidMLPClassifier, SigmoidMLPRegressor or Pipeline
            A fitted network, or a fitted pipeline ending in one.
        name : str, default=None
            Legend name of the curves.
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.
        log_scale : bool or 'auto', default='auto'
            Draw the cost on a log scale (see :meth:`plot`).
        curve_kwargs : dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            training curve.

        Returns
        -------
        display : LossCurveDisplay
            The display, drawn.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import load_iris
        >>> from sknn import SigmoidMLPClassifier
        >>> from sknn.plotting import LossCurveDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(8,), random_state=0).fit(X / 8, y)
        >>> display = LossCurveDisplay.from_estimator(model, name="iris")
        >>> display.line_.get_label()
        'iris: training cost'
        >>> plt.close("all")
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        data, network = cls._data(estimator)
        display = cls(**data, name=name, score_name=_score_name(network))
        return display.plot(ax=ax, log_scale=log_scale, curve_kwargs=curve_kwargs)

    @classmethod
    def from_estimators(
        cls, estimators, *, names=None, ax=None, log_scale="auto", curve_kwargs=None
    ):
        """Draw the loss curves of several fitted networks on one axes.

        For instance one network per setting of a grid (each fitted on the
        same data), or the fitted folds of
        :func:`~sklearn.model_selection.cross_validate` with
        ``return_estimator=True`` (its ``"estimator"`` entry).

        Parameters
        ----------
        estimators : list of estimators, or dict of name to estimator
            Fitted networks (or pipelines ending in one); with a dict its
            keys name the curves.
        names : list of str, default=None
            Legend names, one per estimator. None names each by the
            parameters in which the networks differ (``'learning_rate_init=0.1'``),
            or by its position when they differ in none.
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.
        log_scale : bool or 'auto', default='auto'
            Draw the cost on a log scale (see :meth:`plot`).
        curve_kwargs : dict or list of dict, default=None
            Keyword arguments of :meth:`matplotlib.axes.Axes.plot` for the
            training curves, one dict for all or one per estimator.

        Returns
        -------
        display : LossCurveDisplay
            The display, drawn.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import load_iris
        >>> from sknn import SigmoidMLPClassifier
        >>> from sknn.plotting import LossCurveDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> models = [SigmoidMLPClassifier(hidden_layer_sizes=(8,),
        ...                                learning_rate_init=eta, random_state=0).fit(X / 8, y)
        ...           for eta in (0.01, 0.1)]
        >>> display = LossCurveDisplay.from_estimators(models)
        >>> [line.get_label() for line in display.line_]
        ['learning_rate_init=0.01: training cost', 'learning_rate_init=0.1: training cost']
        >>> plt.close("all")
        """
        _check_matplotlib(f"{cls.__name__}.from_estimators")
        if isinstance(estimators, dict):
            names = list(estimators) if names is None else names
            estimators = list(estimators.values())
        estimators = list(estimators)
        if not estimators:
            raise ValueError("from_estimators needs at least one fitted estimator.")
        data, networks = zip(*(cls._data(estimator) for estimator in estimators))
        if names is None:
            names = _differing_params(networks)
        elif len(names) != len(estimators):
            raise ValueError(f"names has {len(names)} entries for {len(estimators)} estimators.")
        score_names = {_score_name(network) for network in networks}
        display = cls(
            **{key: [d[key] for d in data] for key in data[0]},
            name=list(names),
            score_name=score_names.pop() if len(score_names) == 1 else "score",
        )
        return display.plot(ax=ax, log_scale=log_scale, curve_kwargs=curve_kwargs)


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

        self.saturation_zone_ = []
        if not getattr(ax, "_sknn_saturation_zone", False):
            eps = self.saturation
            for start, stop in [(0, eps), (1 - eps, 1)]:
                self.saturation_zone_.append(
                    ax.axvspan(start, stop, color="0.85", zorder=0,
                               label=f"saturated: a < {eps:g} or a > {1 - eps:g}"
                               if start == 0 else None)
                )
            ax._sknn_saturation_zone = True

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
        densities = [np.histogram(A, bins=edges)[0] / A.size for A in hidden]
        display = cls(
            bin_edges=edges,
            densities=densities,
            saturated_low=np.array([np.mean(A < saturation) for A in hidden]),
            saturated_high=np.array([np.mean(A > 1 - saturation) for A in hidden]),
            saturation=saturation,
            name=name,
        )
        return display.plot(ax=ax, fill_kwargs=fill_kwargs)
