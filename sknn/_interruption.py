"""Interruption: Ctrl-C during an epoch ends training with the last complete epoch."""

# SPDX-License-Identifier: BSD-3-Clause

from ._array_api import get_namespace
from ._quiet import warn


class Interruption:
    """Run an epoch so that a ``KeyboardInterrupt`` in it undoes it and stops training.

    θ and v are copied before the epoch (the kernel updates them in place);
    on an interrupt they are restored, the epoch's callback task is ended
    empty and a warning says what the model keeps.
    """

    def run(self, epoch, theta, velocity, epoch_task, estimator):
        """``epoch()``'s result, or None if the user interrupted it."""
        xp = get_namespace(theta)
        snapshot = xp.asarray(theta, copy=True), xp.asarray(velocity, copy=True)
        try:
            return epoch()
        except KeyboardInterrupt:
            theta[...], velocity[...] = snapshot
            epoch_task.call_on_fit_task_end(estimator=estimator)  # an empty task
            warn(
                "Training interrupted by user; the model keeps the weights of "
                "the last complete epoch."
            )
            return None
