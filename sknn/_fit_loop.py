"""The epochs of one training call: run each, ask the rules whether to stop, finish.

:class:`Training` is the loop of one ``fit``/``partial_fit`` call, after its
data is prepared (``_prepare``) and its optimizer started (``_optimizer``).
Each epoch runs (``Interruption`` guarding it), is checked for
``Divergence``, counted, scored by its monitor (``TrainingLoss`` or
``EarlyStopping``), reported to the callbacks, moves η by the schedule, and
asks the ``Plateau`` rule and the ``StillImproving`` warning. Every rule has
the one method ``on_epoch_end(training) -> bool`` (True: stop) and reads
the loop's state from the object passed to it.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np
import scipy.sparse as sp

from ._array_api import attributes_to, get_namespace, to_device, to_numpy
from ._diagnose import diagnose, diagnosis_due
from ._divergence import Divergence, start_cost
from ._early_stopping import EarlyStopping
from ._init import sample_rows
from ._interruption import Interruption
from ._losses import baseline_cost
from ._parameters import unpack
from ._plateau import Plateau, TrainingLoss
from ._still_improving import StillImproving
from ._target_scale import TargetScale
from ._train import Workspace


class Training:
    """The epochs of one call, on θ (a private copy: the call is a transaction).

    Parameters
    ----------
    estimator : BaseSigmoidMLP
    data : sknn._prepare.TrainingData
    theta : array of shape (n_params,)
        θ in training units; ``layers`` are views of it. The estimator's
        ``coefs_``/``intercepts_`` stay the old ones, which other threads may
        predict with, until :meth:`finish` publishes the new ones.
    layer_units : list of int
    optimizer : sknn._optimizer.SGDOptimizer
    task : callback context of the call
    incremental : bool
        ``partial_fit``: one epoch.
    """

    def __init__(self, estimator, data, theta, layer_units, optimizer, task, incremental):
        self.estimator, self.data, self.theta = estimator, data, theta
        self.layer_units, self.optimizer = layer_units, optimizer
        self.task, self.incremental = task, incremental
        self.layers = unpack(theta, layer_units)  # (coefs, intercepts) being trained
        self.rng = np.random.default_rng([estimator._seed, estimator.t_])
        if sp.issparse(data.X):
            data.X = data.X.tocsr()  # row batches
        self.unit = TargetScale.of(estimator).unit
        self._rows = None
        self._start_rules()
        data.to_device()
        self.n_samples = data.X.shape[0]
        self.batch_size = min(estimator.batch_size, self.n_samples)
        self.network = dict(
            workspace=Workspace(layer_units), batch_size=self.batch_size, loss=estimator.loss,
            out_activation=estimator.out_activation_, alpha=estimator.alpha,
        )
        estimator.n_iter_ = 0
        self.epoch_loss, self.stopped_by_rule = math.nan, False

    def _start_rules(self):
        """The stopping rules of this call, with the yardsticks they measure by."""
        estimator, data = self.estimator, self.data
        # A prediction that ignores X scores this: the yardstick for divergence
        # and for telling a plateau from convergence.
        self.baseline = baseline_cost(
            estimator.loss, estimator.out_activation_, data.Y, data.sample_weight
        ) / self.unit
        self.interruption = Interruption()
        self.divergence = Divergence(
            self.baseline, self._start_cost(), estimator.learning_rate_init,
            keep_best=estimator.early_stopping,
        )
        if estimator.early_stopping:
            self.monitor = EarlyStopping(estimator, data, self.rng, self.theta)
            self.plateau = Plateau("Validation score")
        else:
            self.monitor = TrainingLoss(estimator)
            self.plateau = Plateau("Training loss")
        self.still_improving = StillImproving()

    def _start_cost(self):
        """The starting network's loss, for the divergence yardstick, as a callable.

        It keeps the call's data as it is now (before a validation split) and
        a copy of the starting θ (the epochs change θ in place), and runs its
        forward pass only if the divergence rule asks.
        """
        estimator, (X, Y, sample_weight) = self.estimator, self._arrays()
        network = unpack(to_numpy(self.theta).copy(), self.layer_units)

        def cost():
            rows = self.sample_rows(X, sample_weight)
            return start_cost(estimator, X, Y, sample_weight, rows, network) / self.unit

        return cost

    def _arrays(self):
        data = self.data
        return data.X, data.Y, data.sample_weight

    def sample_rows(self, X, sample_weight):
        """The rows of X that the yardstick and the diagnosis look at, drawn once per X."""
        if self._rows is None or self._rows[0] is not X:
            rows = sample_rows(self.estimator._seed, X.shape[0], to_numpy(sample_weight))
            self._rows = (X, rows)
        return self._rows[1]

    @property
    def n_iter(self):
        """Epochs counted so far in this call."""
        return self.estimator.n_iter_

    def run(self):
        """Epochs until a rule says stop: at most ``max_iter``, one for ``partial_fit``."""
        n_epochs = 1 if self.incremental else self.estimator.max_iter
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(n_epochs):
                if self._epoch():
                    break

    def _epoch(self):
        """Run one epoch and ask the rules; True to stop."""
        estimator, seen = self.estimator, self.data.seen
        epoch_task = self.task.subcontext(task_name="epoch")
        epoch_task.call_on_fit_task_begin(estimator=estimator, **seen)
        result = self.interruption.run(
            self._run_epoch, self.theta, self.optimizer.velocity, epoch_task, estimator
        )
        if result is None:
            return True
        if self.data.device is not None:  # the layers afresh from θ (see _parameters)
            self.layers = unpack(self.theta, self.layer_units)
        weighted_cost, total_weight = result
        self.epoch_loss = weighted_cost / total_weight / self.unit if total_weight else math.nan
        if self.divergence.on_epoch_end(self):
            return True
        self._record()
        self.monitor.on_epoch_end(self)
        stop_requested = epoch_task.call_on_fit_task_end(
            estimator=estimator, reconstruction_attributes=self._epoch_state, **seen
        )
        self.optimizer.end_epoch()
        if self.plateau.on_epoch_end(self):
            self.stopped_by_rule = True
            return True
        if self.incremental or stop_requested:
            return True
        self.still_improving.on_epoch_end(self)
        return False

    def _run_epoch(self):
        data = self.data
        return self.optimizer.run_epoch(
            self.theta, data.X, data.Y, data.sample_weight, order=self._order(),
            network=self.network,
        )

    def _order(self):
        """The order of the rows in this epoch: a shuffle, or None (as given).

        Drawn with numpy on every namespace, so that a seed shuffles alike
        whether the network trains on numpy or on a GPU.
        """
        if not self.estimator.shuffle:
            return None
        order = self.rng.permutation(self.n_samples)
        return order if self.data.device is None else to_device(order, *self.data.device)

    def _record(self):
        """Count the epoch and record its loss and η."""
        estimator, loss = self.estimator, self.epoch_loss
        estimator.n_iter_ += 1
        self.optimizer.count(self.n_samples)
        estimator.t_ = self.optimizer.t
        estimator.loss_ = loss
        estimator.loss_curve_.append(loss)
        estimator.learning_rate_curve_.append(self.optimizer.learning_rate)
        if estimator.verbose:
            print(f"Iteration {estimator.n_iter_}, loss = {loss:.8f}")

    def _epoch_state(self):
        """Copies of what changes from epoch to epoch, for a callback's ``fitted_estimator``.

        Called lazily, only when a callback asks for the fitted estimator.
        """
        estimator, (coefs, intercepts) = self.estimator, self.layers
        xp = get_namespace(coefs[0])
        coefs, intercepts = TargetScale.of(estimator).from_training_units(
            [xp.asarray(W, copy=True) for W in coefs],
            [xp.asarray(b, copy=True) for b in intercepts],
        )
        state = {
            "coefs_": coefs,
            "intercepts_": intercepts,
            "n_iter_": estimator.n_iter_,
            "t_": estimator.t_,
            "loss_": estimator.loss_,
            "loss_curve_": list(estimator.loss_curve_),
        }
        if estimator.early_stopping:
            state["validation_scores_"] = list(estimator.validation_scores_)
            state["validation_loss_curve_"] = list(estimator.validation_loss_curve_)
        return state

    def finish(self):
        """The result on the estimator: θ (the best epoch's), optimizer, diagnosis, y's units."""
        estimator, data = self.estimator, self.data
        self.monitor.finish(self.theta)
        network = unpack(self.theta, self.layer_units)
        self.optimizer.save(estimator)
        if estimator.n_iter_ and diagnosis_due(estimator, self.n_samples, self.incremental,
                                               self.stopped_by_rule):
            rows = self.sample_rows(data.X, data.sample_weight)
            diagnose(
                estimator, data.X, data.Y, data.sample_weight, rows, self.baseline,
                self.stopped_by_rule, network,
            )
        # Both at once, in y's units: what threads predicting meanwhile switch to.
        estimator._publish(*TargetScale.of(estimator).from_training_units(*network))
        if data.device is not None:  # every fitted array where X is (scikit-learn's convention)
            attributes_to(estimator, *data.device)
        self.task.call_on_fit_task_end(estimator=estimator, reconstruction_attributes={}, **data.seen)
