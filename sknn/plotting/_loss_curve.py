"""LossCurveDisplay: the training cost per epoch, the held-out curves, the changes of η."""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.base import is_classifier

from ._common import (
    _as_curves,
    _check_matplotlib,
    _differing_params,
    _get_ax,
    _integer_ticks,
    _legend_clear_of_curves,
    _network,
    _next_color,
    _one_or_list,
)


def _score_axes(ax):
    """The twin axes of the scores beside ``ax``: one per cost axes, found again by the next plot."""
    twin = getattr(ax, "_sknn_score_axes", None)
    if twin is None:
        twin = ax._sknn_score_axes = ax.twinx()
    return twin


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

    Every curve takes a colour of its own. With held-out scores the legend
    goes where it covers the fewest points of the curves of both axes
    (matplotlib's ``loc='best'`` sees those of one axes only), and a figure
    the display makes itself is laid out by matplotlib (``layout='constrained'``),
    so that the score axis's label on the right stays inside it.

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
            training curves (one dict for all, or one per curve). Every
            curve takes a colour of its own, the next of the colour cycle:
            the validation cost dashed, the validation score dotted.

        Returns
        -------
        display : LossCurveDisplay
            This display, with the artists drawn.
        """
        plt = _check_matplotlib("LossCurveDisplay.plot")
        curves = self._curves_to_draw(name, curve_kwargs)
        self.ax_, self.figure_ = _get_ax(plt, ax)
        ax = self.ax_
        self.ax_score_ = None
        if any(score is not None for _, _, score, _, _, _ in curves):
            self.ax_score_ = _score_axes(ax)

        lines, self.validation_line_, self.score_line_, self.learning_rate_marks_ = [], [], [], []
        for curve, val, score, rate, label, kwargs in curves:
            prefix = "" if label is None else f"{label}: "
            line_kwargs = {"label": f"{prefix}training cost", **kwargs}
            line_kwargs.setdefault("color", _next_color(plt, ax))
            (line,) = ax.plot(np.arange(1, len(curve) + 1), curve, **line_kwargs)
            lines.append(line)
            if val is not None:
                self.validation_line_.append(self._plot_beside(
                    ax, curve, val, linestyle="--", color=_next_color(plt, ax),
                    label=f"{prefix}validation cost",
                ))
            if score is not None:
                self.score_line_.append(self._plot_beside(
                    self.ax_score_, curve, score, linestyle=":", marker=".",
                    color=_next_color(plt, ax), label=f"{prefix}validation {self.score_name}",
                ))
            if rate is not None:
                # η of the last len(rate) epochs (all of them, as the estimator records it).
                offset = len(curve) - len(rate)
                self.learning_rate_marks_.extend(
                    self._mark_rates(ax, rate, offset, line.get_color(), prefix)
                )
        self.line_ = _one_or_list(lines)
        self._label_axes(ax, curves, log_scale)
        return self

    def _curves_to_draw(self, name, curve_kwargs):
        """(cost, validation cost, score, η, name, plot kwargs) of every curve, checked."""
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
        return list(zip(loss_curves, validation, scores, rates, names, curve_kwargs))

    @staticmethod
    def _plot_beside(ax, curve, values, **kwargs):
        """``values`` of the last ``len(values)`` epochs of ``curve`` (a warm_start fit's)."""
        start = len(curve) - len(values) + 1
        (line,) = ax.plot(np.arange(start, start + len(values)), values, **kwargs)
        return line

    def _label_axes(self, ax, curves, log_scale):
        """The cost's scale, the axis labels and one legend for the curves of both axes."""
        if log_scale == "auto":
            costs = [c for curve, val, *_ in curves for c in (curve, val) if c is not None]
            values = np.concatenate([c for c in costs if len(c)] or [[1.0]])
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
        if twin is None:
            ax.legend(handles, labels, fontsize="small")  # 'best' sees every curve here
        else:
            more = twin.get_legend_handles_labels()
            _legend_clear_of_curves(ax, twin, handles + more[0], labels + more[1],
                                    fontsize="small")

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
        display = cls(**cls._data_of_several(estimators, names))
        return display.plot(ax=ax, log_scale=log_scale, curve_kwargs=curve_kwargs)

    @classmethod
    def _data_of_several(cls, estimators, names):
        """The display's parameters for several fitted networks, named."""
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
        return dict(
            **{key: [d[key] for d in data] for key in data[0]},
            name=list(names),
            score_name=score_names.pop() if len(score_names) == 1 else "score",
        )
