"""The stopping rules and the optimizer, each alone, on a hand-made training state.

Each rule of the fit loop (``_divergence``, ``_plateau``, ``_still_improving``,
``_interruption``) has the one method ``on_epoch_end(training) -> bool`` (True:
stop) and reads what it needs from the state passed to it; the optimizer
(``_optimizer.SGDOptimizer``) holds v, η, t and the schedule. Here each is
driven by a stand-in for ``_fit_loop.Training`` instead of a whole fit.
"""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sknn._divergence import DIVERGENCE_FACTOR, Divergence
from sknn._interruption import Interruption
from sknn._optimizer import SGDOptimizer
from sknn._plateau import Plateau, TrainingLoss
from sknn._still_improving import StillImproving
from sknn._target_scale import TargetScale


def _optimizer(schedule="constant", learning_rate=0.1):
    return SGDOptimizer(
        np.zeros(3), learning_rate, learning_rate_init=learning_rate, t=0, schedule=schedule,
        power_t=0.5, momentum=0.9, nesterov=True,
    )


def _training(epoch_loss=1.0, theta=None, n_iter=0, **estimator):
    settings = dict(tol=1e-4, n_iter_no_change=2, verbose=False, max_iter=10,
                    early_stopping=False, n_iter_=n_iter)
    settings.update(estimator)
    return SimpleNamespace(
        estimator=SimpleNamespace(**settings), epoch_loss=epoch_loss,
        theta=np.zeros(3) if theta is None else theta, optimizer=_optimizer(), n_iter=n_iter,
    )


# ----------------------------------------------------------------- divergence


def test_divergence_asks_the_start_only_above_the_baseline():
    asked = []

    def start():
        asked.append(1)
        return 0.5

    rule = Divergence(1.0, start, learning_rate_init=0.1, keep_best=False)
    assert rule.on_epoch_end(_training(DIVERGENCE_FACTOR * 1.0)) is False  # not above 10×
    assert asked == []
    with pytest.raises(ValueError, match=r"Training diverged in epoch 1: the loss \(20\) "
                                         r"exploded to over 10× .* \(1\)"):
        rule.on_epoch_end(_training(20.0))
    assert asked == [1]  # once, kept for the next epochs
    rule.on_epoch_end(_training(5.0))
    assert asked == [1]


def test_divergence_measures_by_the_start_when_it_is_larger():
    rule = Divergence(0.1, lambda: 3.0, learning_rate_init="auto", keep_best=False)
    assert rule.on_epoch_end(_training(20.0)) is False  # 20 < 10 × 3
    with pytest.raises(ValueError, match=r"\(3\).*learning_rate_init='auto'"):
        rule.on_epoch_end(_training(31.0))


def test_divergence_on_non_finite_weights_and_keep_best():
    rule = Divergence(1.0, lambda: 1.0, learning_rate_init=0.1, keep_best=True)
    with pytest.raises(ValueError, match="became non-finite"):
        rule.on_epoch_end(_training(0.5, theta=np.array([0.0, np.nan, 1.0])))  # epoch 1
    training = _training(np.inf, n_iter=3)
    training.optimizer.velocity[:] = 7.0
    with pytest.warns(UserWarning, match="Keeping the weights of the best epoch"):
        assert rule.on_epoch_end(training) is True
    assert not training.optimizer.velocity.any()


# ----------------------------------------------------------------- plateau


def test_training_loss_counts_epochs_without_progress_by_tol():
    estimator = SimpleNamespace(best_loss_=np.inf, _reference_loss=np.inf,
                                _no_improvement_count=0, tol=0.1)
    monitor = TrainingLoss(estimator)
    for loss, count in [(1.0, 0), (0.95, 1), (0.85, 0), (0.86, 1), (0.80, 2)]:
        monitor.on_epoch_end(SimpleNamespace(estimator=estimator, epoch_loss=loss))
        assert estimator._no_improvement_count == count
    assert estimator.best_loss_ == 0.80 and estimator._reference_loss == 0.85


@pytest.mark.parametrize("schedule, stops", [("constant", True), ("adaptive", False)])
def test_plateau_lowers_eta_or_stops(schedule, stops):
    training = _training(_no_improvement_count=3)
    training.optimizer = _optimizer(schedule, learning_rate=0.1)
    assert Plateau("Training loss").on_epoch_end(training) is stops
    assert training.estimator._no_improvement_count == 0
    assert training.optimizer.learning_rate == (0.1 if stops else 0.1 / 5)
    not_yet = _training(_no_improvement_count=2)
    assert Plateau("Training loss").on_epoch_end(not_yet) is False


def test_adaptive_eta_stops_once_it_is_tiny():
    optimizer = _optimizer("adaptive", learning_rate=1e-6)
    assert optimizer.reduce() is False and optimizer.learning_rate == 1e-6


# ----------------------------------------------------------------- still improving


def _at_max_iter(curve):
    return _training(n_iter=len(curve), max_iter=len(curve), loss_curve_=list(curve))


def test_still_improving_warns_only_at_max_iter_and_only_if_the_curve_falls():
    falling = np.linspace(1.0, 0.5, 20)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(20\) reached"):
        assert StillImproving().on_epoch_end(_at_max_iter(falling)) is False
    flat = np.r_[np.linspace(1.0, 0.5, 18), 0.5, 0.5]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        StillImproving().on_epoch_end(_at_max_iter(flat))
        before_the_end = _at_max_iter(falling)
        before_the_end.estimator.n_iter_ = 19
        StillImproving().on_epoch_end(before_the_end)


# ----------------------------------------------------------------- interruption


def test_interruption_restores_the_epoch_and_says_so():
    theta, velocity = np.arange(3.0), np.ones(3)
    ended = []
    task = SimpleNamespace(call_on_fit_task_end=lambda **kwargs: ended.append(kwargs))

    def epoch():
        theta[:] = -1.0
        velocity[:] = 5.0
        raise KeyboardInterrupt

    with pytest.warns(UserWarning, match="interrupted by user"):
        assert Interruption().run(epoch, theta, velocity, task, "model") is None
    np.testing.assert_array_equal(theta, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(velocity, 1.0)
    assert ended == [{"estimator": "model"}]
    assert Interruption().run(lambda: (1.0, 2.0), theta, velocity, task, "model") == (1.0, 2.0)


# ----------------------------------------------------------------- optimizer, target scale


def test_invscaling_eta_follows_the_samples_seen():
    optimizer = _optimizer("invscaling", learning_rate=0.5)
    optimizer.count(99)
    optimizer.end_epoch()
    assert optimizer.t == 99 and optimizer.learning_rate == pytest.approx(0.5 / 100**0.5)


def test_target_scale_round_trip():
    scale = TargetScale(shift=np.array([3.0]), scale=np.array([2.0]), target_std=5.0)
    coefs, intercepts = [np.ones((2, 4)), np.full((4, 1), 0.5)], [np.zeros(4), np.array([1.0])]
    training = scale.to_training_units(coefs, intercepts)
    np.testing.assert_allclose(training[0][-1], coefs[-1] / 2.0)
    np.testing.assert_allclose(training[1][-1], (intercepts[-1] - 3.0) / 2.0)
    back = scale.from_training_units(*training)
    for a, b in zip(back[0] + back[1], coefs + intercepts):
        np.testing.assert_allclose(a, b, rtol=1e-15)
    assert scale.unit == 25.0 and TargetScale().unit == 1.0
