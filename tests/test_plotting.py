"""sknn.plotting: the displays draw the data they hold, and refuse what they cannot draw."""

import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn.inspection import activations, gradients

matplotlib = pytest.importorskip(
    "matplotlib", reason="the plot extra (matplotlib) is not installed"
)
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sknn.plotting import ActivationDisplay, GradientDisplay, LossCurveDisplay  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return MinMaxScaler().fit_transform(X), y


def _model(**params):
    defaults = dict(hidden_layer_sizes=(6,), max_iter=12, random_state=0)
    return SigmoidMLPClassifier(**{**defaults, **params})


# ---------------------------------------------------------------- LossCurveDisplay


def test_loss_curve_holds_the_training_curve(iris):
    model = _model().fit(*iris)
    display = LossCurveDisplay.from_estimator(model)
    assert_array_equal(display.line_.get_xdata(), np.arange(1, model.n_iter_ + 1))
    assert_allclose(display.line_.get_ydata(), model.loss_curve_)
    assert display.validation_line_ == [] and display.score_line_ == []
    assert display.ax_score_ is None and display.learning_rate_marks_ == []
    assert display.ax_.get_xlabel() == "epoch" and display.figure_ is display.ax_.figure


def test_loss_curve_with_early_stopping_draws_the_held_out_curves(iris):
    model = _model(early_stopping=True, validation_fraction=0.3, max_iter=15).fit(*iris)
    display = LossCurveDisplay.from_estimator(model)
    (validation,), (score,) = display.validation_line_, display.score_line_
    assert_allclose(validation.get_ydata(), model.validation_loss_curve_)
    assert_allclose(score.get_ydata(), model.validation_scores_)
    assert score.axes is display.ax_score_ is not display.ax_
    assert display.ax_score_.get_ylabel() == "validation accuracy"
    regressor = SigmoidMLPRegressor(hidden_layer_sizes=(4,), max_iter=5, early_stopping=True,
                                    random_state=0).fit(iris[0], iris[1] / 2)
    assert LossCurveDisplay.from_estimator(regressor).ax_score_.get_ylabel() == "validation R²"


def test_validation_of_a_warm_start_fit_sits_beside_its_epochs(iris):
    model = _model(early_stopping=True, validation_fraction=0.3, max_iter=4, tol=0,
                   n_iter_no_change=100, warm_start=True)
    model.fit(*iris).fit(*iris)
    assert len(model.loss_curve_) == 8 and len(model.validation_scores_) == 4
    display = LossCurveDisplay.from_estimator(model)
    assert_array_equal(display.validation_line_[0].get_xdata(), [5, 6, 7, 8])


def test_learning_rate_changes_are_marked(iris):
    model = SigmoidMLPRegressor(hidden_layer_sizes=(4,), max_iter=6, random_state=0)
    model.fit(iris[0], iris[1] / 2)
    assert LossCurveDisplay.from_estimator(model).learning_rate_marks_ == []  # η never changed
    # A fit the adaptive schedule slowed down: a mark between the epochs of each change.
    slowed = SigmoidMLPRegressor(hidden_layer_sizes=(4,), random_state=0).fit(iris[0], iris[1] / 2)
    changes = np.flatnonzero(np.diff(slowed.learning_rate_curve_)) + 1
    assert len(changes) > 0
    marks = LossCurveDisplay.from_estimator(slowed).learning_rate_marks_
    assert [mark.get_xdata()[0] for mark in marks] == pytest.approx(changes + 0.5)
    # The η of each epoch, as the estimator records it in learning_rate_curve_.
    model.learning_rate_curve_ = [0.03, 0.03, 0.006, 0.006, 0.006, 0.0012]
    display = LossCurveDisplay.from_estimator(model)
    assert [mark.get_xdata()[0] for mark in display.learning_rate_marks_] == [2.5, 5.5]
    assert display.learning_rate_marks_[0].get_label() == "learning rate lowered"
    labels = [t.get_text() for t in display.ax_.texts]
    assert labels == ["η = 0.006", "η = 0.0012"]
    # Only the adaptive schedule's changes are marked.
    model.set_params(learning_rate="invscaling")
    assert LossCurveDisplay.from_estimator(model).learning_rate_marks_ == []


def test_log_scale_where_it_helps():
    falling = LossCurveDisplay(loss_curve=[2.0, 0.5, 0.1, 0.05]).plot()
    assert falling.ax_.get_yscale() == "log"
    flat = LossCurveDisplay(loss_curve=[0.5, 0.4, 0.3]).plot()
    assert flat.ax_.get_yscale() == "linear"
    forced = LossCurveDisplay(loss_curve=[2.0, 0.5, 0.1, 0.05]).plot(log_scale=False)
    assert forced.ax_.get_yscale() == "linear"


def test_loss_curve_plot_twice_on_one_axes(iris):
    model = _model(early_stopping=True, validation_fraction=0.3).fit(*iris)
    display = LossCurveDisplay.from_estimator(model, name="first")
    ax = display.ax_
    twin = display.ax_score_
    display.plot(ax=ax, name="again")
    assert display.ax_ is ax and display.ax_score_ is twin  # the twin axes is reused
    assert len(ax.figure.axes) == 2
    assert [line.get_label() for line in ax.lines if "training" in line.get_label()] == [
        "first: training cost", "again: training cost"
    ]
    assert len(twin.lines) == 2
    # A fit without early stopping drawn on the same axes keeps the scores in the legend.
    other = LossCurveDisplay.from_estimator(_model().fit(*iris), name="plain", ax=ax)
    assert other.ax_score_ is None
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "plain: training cost" in legend and "first: validation accuracy" in legend


def _artists_outside_the_figure(figure):
    """The drawn lines, legends, texts, axis labels and tick labels not inside ``figure``."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    artists = []
    for ax in figure.axes:
        artists += [ax.xaxis.label, ax.yaxis.label, ax.title, *ax.lines, *ax.texts]
        artists += [ax.get_legend()] if ax.get_legend() is not None else []
        for axis, coordinate in [(ax.xaxis, 0), (ax.yaxis, 1)]:
            low, high = sorted(axis.get_view_interval())
            # Tick labels exist for ticks beyond the view too; only those in it are drawn.
            artists += [label for label in axis.get_majorticklabels() + axis.get_minorticklabels()
                        if low <= label.get_position()[coordinate] <= high]
    drawn = [a for a in artists if a.get_visible() and getattr(a, "get_text", lambda: "x")()]
    assert len(drawn) > 10  # labels, ticks and curves were found: not a check of nothing
    frame = figure.bbox
    return [
        a for a in drawn
        if not frame.contains(*a.get_window_extent(renderer).p0)
        or not frame.contains(*a.get_window_extent(renderer).p1)
    ]


def _curves(display):
    return [*np.atleast_1d(display.line_), *display.validation_line_, *display.score_line_]


@pytest.mark.parametrize("early_stopping", [False, True], ids=["plain", "early_stopping"])
@pytest.mark.parametrize("Estimator", [SigmoidMLPClassifier, SigmoidMLPRegressor])
def test_loss_curve_stays_inside_its_figure_in_colours_of_its_own(iris, Estimator, early_stopping):
    X, y = iris
    model = Estimator(hidden_layer_sizes=(6,), max_iter=40, early_stopping=early_stopping,
                      validation_fraction=0.3, random_state=0)
    model.fit(X, y if Estimator is SigmoidMLPClassifier else y / 2)
    display = LossCurveDisplay.from_estimator(model)
    curves = _curves(display)
    assert len(curves) == (3 if early_stopping else 1)
    # The score axis's label on the right, the legend, the tick labels: all in the figure.
    assert _artists_outside_the_figure(display.figure_) == []
    # Training cost, validation cost and validation score: one colour each.
    colors = {matplotlib.colors.to_rgba(line.get_color()) for line in curves}
    assert len(colors) == len(curves)
    # The legend covers no point of any curve, on either axes.
    box = display.ax_.get_legend().get_window_extent()
    for line in curves:
        points = line.get_transform().transform(line.get_xydata())
        assert not box.count_contains(points), line.get_label()


def test_loss_curve_colours_go_on_when_plotted_again_on_its_axes(iris):
    model = _model(early_stopping=True, validation_fraction=0.3).fit(*iris)
    first = LossCurveDisplay.from_estimator(model, name="first")
    again = LossCurveDisplay.from_estimator(model, name="again", ax=first.ax_)
    colors = [matplotlib.colors.to_rgba(line.get_color()) for line in _curves(first) + _curves(again)]
    assert len(set(colors)) == 6
    assert _artists_outside_the_figure(first.figure_) == []
    # A colour asked for is the training curve's; the validation curves take others.
    red = LossCurveDisplay.from_estimator(model, curve_kwargs={"color": "red"})
    assert red.line_.get_color() == "red"
    assert "red" not in [line.get_color() for line in red.validation_line_ + red.score_line_]


@pytest.mark.parametrize("Display", [GradientDisplay, ActivationDisplay])
def test_gradient_and_activation_displays_stay_inside_their_figures(iris, Display):
    model = _model(hidden_layer_sizes=(6, 4)).fit(*iris)
    display = _draw(Display, model, *iris)
    assert _artists_outside_the_figure(display.figure_) == []


def test_from_estimators_names_the_curves_by_what_differs(iris):
    models = [_model(learning_rate_init=eta).fit(*iris) for eta in (0.01, 0.3)]
    display = LossCurveDisplay.from_estimators(models)
    assert [line.get_label() for line in display.line_] == [
        "learning_rate_init=0.01: training cost", "learning_rate_init=0.3: training cost"
    ]
    for line, model in zip(display.line_, models):
        assert_allclose(line.get_ydata(), model.loss_curve_)
    assert display.line_[0].get_color() != display.line_[1].get_color()
    named = LossCurveDisplay.from_estimators({"slow": models[0], "fast": models[1]})
    assert named.line_[1].get_label() == "fast: training cost"
    with pytest.raises(ValueError, match="names has 1 entries for 2 estimators"):
        LossCurveDisplay.from_estimators(models, names=["one"])
    with pytest.raises(ValueError, match="at least one"):
        LossCurveDisplay.from_estimators([])


def test_from_estimators_takes_the_folds_of_cross_validate(iris):
    cv = cross_validate(make_pipeline(MinMaxScaler(), _model(max_iter=5)), *iris, cv=3,
                        return_estimator=True)
    display = LossCurveDisplay.from_estimators(cv["estimator"])
    assert [line.get_label() for line in display.line_] == [
        f"fit {i}: training cost" for i in (1, 2, 3)
    ]
    for line, pipeline in zip(display.line_, cv["estimator"]):
        assert_allclose(line.get_ydata(), pipeline[-1].loss_curve_)


# ---------------------------------------------------------------- GradientDisplay


def test_gradient_display_holds_the_gradients(iris):
    X, y = iris
    model = _model(hidden_layer_sizes=(6, 5)).fit(X, y)
    display = GradientDisplay.from_estimator(model, X, y, name="net")
    coef_grads, _ = gradients(model, X, y)
    A = activations(model, X)
    assert_allclose(display.gradient_line_.get_ydata(), [np.abs(g).mean() for g in coef_grads])
    assert_array_equal(display.gradient_line_.get_xdata(), [1, 2, 3])
    assert_allclose(display.slope_line_.get_ydata(), [np.mean(a * (1 - a)) for a in A[1:-1]])
    assert_array_equal(display.slope_line_.get_xdata(), [1, 2])
    assert display.slope_max_line_.get_ydata()[0] == 0.25
    assert display.ax_.get_yscale() == "log"


def test_gradient_display_plot_twice_on_one_axes(iris):
    X, y = iris
    deep = GradientDisplay.from_estimator(_model(hidden_layer_sizes=(6,) * 4).fit(X, y), X, y,
                                          name="deep")
    shallow = GradientDisplay.from_estimator(_model().fit(X, y), X, y, name="shallow", ax=deep.ax_)
    assert shallow.ax_ is deep.ax_ and len(deep.ax_.lines) == 5  # 2 + 2 + the 1/4 line once
    assert shallow.slope_max_line_ is None
    deep.plot(ax=deep.ax_, plot_slope=False)
    assert deep.slope_line_ is None and len(deep.ax_.lines) == 6


def test_gradient_display_of_a_pipeline_transforms_X(iris):
    X_raw, y = load_iris(return_X_y=True)
    pipeline = make_pipeline(MinMaxScaler(), _model()).fit(X_raw, y)
    display = GradientDisplay.from_estimator(pipeline, X_raw, y)
    expected = gradients(pipeline[-1], pipeline[0].transform(X_raw), y)[0]
    assert_allclose(display.mean_abs_gradient, [np.abs(g).mean() for g in expected])


def test_gradient_display_without_hidden_layers(iris):
    model = _model(hidden_layer_sizes=()).fit(*iris)
    display = GradientDisplay.from_estimator(model, *iris)
    assert len(display.gradient_line_.get_ydata()) == 1 and display.slope_line_ is None


# ---------------------------------------------------------------- ActivationDisplay


def test_activation_display_holds_the_distributions(iris):
    X, _ = iris
    model = _model(hidden_layer_sizes=(6, 4)).fit(*iris)
    display = ActivationDisplay.from_estimator(model, X, bins=10, saturation=0.1)
    hidden = activations(model, X)[1:-1]
    assert len(display.fill_) == len(display.densities) == 2
    for l, (A, density, fill) in enumerate(zip(hidden, display.densities, display.fill_), 1):
        assert_allclose(density, np.histogram(A, bins=np.linspace(0, 1, 11))[0] / A.size)
        # The row of layer l rises from height l, highest over its fullest bin.
        top = fill.get_paths()[0].vertices
        assert top[:, 1].min() == pytest.approx(l)
        tallest = top[np.argmax(top[:, 1]), 0]
        fullest = np.argmax(density)
        assert display.bin_edges[fullest] <= tallest <= display.bin_edges[fullest + 1]
    assert_allclose(display.saturated_low, [np.mean(A < 0.1) for A in hidden])
    assert_allclose(display.saturated_high, [np.mean(A > 0.9) for A in hidden])
    low, high = display.saturation_text_[0]
    assert low.get_text().strip() == f"{display.saturated_low[0]:.0%}"
    assert high.get_text().strip() == f"{display.saturated_high[0]:.0%}"
    assert len(display.saturation_zone_) == 2


def test_saturation_is_seen(iris):
    # Huge weights drive every hidden unit to 0 or 1: the collapse the display shows.
    X, y = iris
    model = _model().fit(X, y)
    model.coefs_[0] = model.coefs_[0] * 200
    display = ActivationDisplay.from_estimator(model, X)
    assert display.saturated_low[0] + display.saturated_high[0] > 0.9


def test_activation_display_plot_twice_on_one_axes(iris):
    X, y = iris
    before = ActivationDisplay.from_estimator(_model(max_iter=1).fit(X, y), X, name="1 epoch")
    after = ActivationDisplay.from_estimator(_model(max_iter=20).fit(X, y), X, name="20 epochs",
                                             ax=before.ax_)
    assert after.ax_ is before.ax_ and len(before.ax_.collections) == 2
    assert after.saturation_zone_ == []  # shaded once per axes
    labels = before.ax_.get_legend_handles_labels()[1]
    assert "1 epoch" in labels and "20 epochs" in labels
    before.plot(ax=before.ax_)
    assert len(before.ax_.collections) == 3


def test_activation_display_errors(iris):
    X, y = iris
    with pytest.raises(ValueError, match="has none"):
        ActivationDisplay.from_estimator(_model(hidden_layer_sizes=()).fit(X, y), X)
    with pytest.raises(ValueError, match="saturation must be in"):
        ActivationDisplay.from_estimator(_model().fit(X, y), X, saturation=0.5)


# ---------------------------------------------------------------- errors shared by all three


def _draw(Display, estimator, X, y):
    if Display is LossCurveDisplay:
        return Display.from_estimator(estimator)
    if Display is GradientDisplay:
        return Display.from_estimator(estimator, X, y)
    return Display.from_estimator(estimator, X)


DISPLAYS = [LossCurveDisplay, GradientDisplay, ActivationDisplay]


@pytest.mark.parametrize("Display", DISPLAYS)
def test_unfitted_estimator(Display, iris):
    with pytest.raises(NotFittedError):
        _draw(Display, _model(), *iris)
    with pytest.raises(NotFittedError):
        _draw(Display, make_pipeline(MinMaxScaler(), _model()), *iris)


@pytest.mark.parametrize("Display", DISPLAYS)
def test_not_an_sknn_network(Display, iris):
    message = "needs a SigmoidMLPClassifier or SigmoidMLPRegressor.*got LogisticRegression"
    with pytest.raises(TypeError, match=message):
        _draw(Display, LogisticRegression().fit(*iris), *iris)
    with pytest.raises(TypeError, match="got Pipeline"):
        _draw(Display, make_pipeline(LogisticRegression()).fit(*iris), *iris)


@pytest.mark.parametrize("Display", DISPLAYS)
def test_without_matplotlib_the_error_names_the_extra(Display, iris, monkeypatch):
    model = _model(max_iter=2).fit(*iris)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"needs matplotlib.*scikit-backprop\[plot\]"):
        _draw(Display, model, *iris)
