"""scikit-learn's callbacks (``sklearn.callback``, scikit-learn >= 1.9), when there.

Training reports to callbacks as a tree of tasks, the way scikit-learn's own
estimators do: every ``fit`` is one *fit* task whose sub-tasks are its epochs
(at most ``max_iter``), and every ``partial_fit`` is a fit task with exactly
one epoch. A callback sees, at the end of each epoch, the data of the call and
an estimator ready to predict with the weights of that epoch, and may ask
training to stop.

With an older scikit-learn the estimators train exactly the same, without
callbacks: :meth:`set_callbacks` raises an ``ImportError`` that says which
version is needed, and the estimators report to nobody.
"""

# SPDX-License-Identifier: BSD-3-Clause

import sklearn

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9
    CallbackSupportMixin = None

CALLBACKS_SUPPORTED = CallbackSupportMixin is not None


class _NoCallbacks:
    """Stands in for a ``CallbackContext`` when scikit-learn has no callbacks."""

    def subcontext(self, **kwargs):
        return self

    def call_on_fit_task_begin(self, **kwargs):
        return self

    def call_on_fit_task_end(self, **kwargs):
        return False  # never asks training to stop


if CALLBACKS_SUPPORTED:

    class CallbackSupport(CallbackSupportMixin):
        """Adds ``set_callbacks`` (scikit-learn's ``CallbackSupportMixin``)."""

else:

    class CallbackSupport:
        """Callbacks need scikit-learn >= 1.9: ``set_callbacks`` says so."""

        def set_callbacks(self, *callbacks):
            """Set callbacks; needs scikit-learn >= 1.9.

            Parameters
            ----------
            *callbacks : callback instances
                The callbacks to set.

            Raises
            ------
            ImportError
                Always: this scikit-learn has no ``sklearn.callback``.
            """
            raise ImportError(
                f"set_callbacks needs scikit-learn >= 1.9 (sklearn.callback); scikit-learn "
                f"{sklearn.__version__} is installed. The estimator trains without callbacks."
            )


def fit_task(estimator, n_epochs):
    """The root task of one training call, with room for ``n_epochs`` epoch sub-tasks.

    Call once per ``fit``/``partial_fit``, before the estimator's state is
    snapshotted for the transaction: the context it stores on the estimator
    must survive a failed call so that the callbacks are torn down.

    Parameters
    ----------
    estimator : BaseSigmoidMLP
        The estimator being trained.
    n_epochs : int
        The largest number of epochs the call may run.

    Returns
    -------
    CallbackContext or _NoCallbacks
        Call ``call_on_fit_task_begin``/``end`` and ``subcontext`` on it.

    Examples
    --------
    >>> from sknn import SigmoidMLPClassifier
    >>> from sknn._callbacks import fit_task
    >>> task = fit_task(SigmoidMLPClassifier(), n_epochs=3)
    >>> task.subcontext(task_name="epoch").call_on_fit_task_end(estimator=None)
    False
    """
    if not CALLBACKS_SUPPORTED:
        return _NoCallbacks()
    return estimator._init_callback_context(task_name="fit", max_subtasks=n_epochs)
