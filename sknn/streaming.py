"""A stream of ``partial_fit`` calls as one task for scikit-learn's callbacks.

Every ``partial_fit`` is a training call of its own: with
``model.set_callbacks(ProgressBar())`` a loop over 20 chunks draws 20 full
bars, one per call, and nothing says how far the stream has got.
:class:`PartialFitStream` makes the loop one task, the way scikit-learn's
meta-estimators make their fits one task (``Pipeline``, ``GridSearchCV``): a
root task ``stream`` with one sub-task per chunk, whose number is known
(``n_chunks``) or not (None), and each chunk's ``partial_fit`` merged into
that sub-task through ``CallbackContext.propagate_callback_context``.
Callbacks set on the stream with :meth:`~PartialFitStream.set_callbacks`
see the whole stream; auto-propagated ones, such as ``ProgressBar``, also
reach the estimator (``ProgressBar(max_propagation_depth=0)`` draws only the
stream's bar).

Callbacks need scikit-learn >= 1.9 (``sklearn.callback``), and
``ProgressBar`` needs rich (the ``progress`` extra). With an older
scikit-learn the stream still forwards every ``partial_fit``, and
``set_callbacks`` raises an ``ImportError`` that says which version is needed.
"""

# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral

from ._callbacks import CALLBACKS_SUPPORTED, CallbackSupport

__all__ = ["PartialFitStream"]


class PartialFitStream(CallbackSupport):
    """Train an estimator chunk by chunk with ``partial_fit``, reporting as one task.

    Use it as a context manager around the loop over the chunks, and call
    its :meth:`partial_fit` instead of the estimator's. The estimator itself
    is trained, exactly as by its own ``partial_fit``: afterwards use it
    directly.

    Parameters
    ----------
    estimator : estimator with ``partial_fit``
        The estimator to train, e.g. a :class:`~sknn.SigmoidMLPClassifier`.
        It must not hold an auto-propagated callback (such as ``ProgressBar``)
        itself: set those on the stream.
    n_chunks : int or None, default=None
        How many ``partial_fit`` calls the stream will make (chunks times
        passes over them); a progress bar then shows the fraction done and
        the time left. None when unknown: the bar then counts without an end.

    Attributes
    ----------
    n_chunks_seen_ : int
        Number of ``partial_fit`` calls made through the stream.

    See Also
    --------
    sklearn.callback.ProgressBar : The progress bar (scikit-learn >= 1.9, rich).

    Notes
    -----
    The stream's task tree, as callbacks see it: a root task named
    ``'stream'`` (``max_subtasks`` is ``n_chunks``) with one sub-task
    ``'partial_fit'`` per chunk. Each of these is merged with the root task of
    the estimator's own ``partial_fit`` (as scikit-learn merges a
    meta-estimator's task with its sub-estimator's): for sknn a ``'fit'``
    task with its one epoch beneath. The root task begins at the first chunk
    and ends with the ``with`` block; the callbacks are torn down then, also
    when the block raises.

    ``ProgressBar()`` draws a bar for the stream and, beneath it, one bar
    for every chunk's fit; ``ProgressBar(max_propagation_depth=0)`` draws
    only the stream's bar.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn import SigmoidMLPClassifier
    >>> from sknn.streaming import PartialFitStream
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(size=(600, 4))
    >>> y = (X[:, 0] > X[:, 1]).astype(int)
    >>> model = SigmoidMLPClassifier(hidden_layer_sizes=(8,), random_state=0)
    >>> chunks = [slice(i, i + 100) for i in range(0, 600, 100)]
    >>> with PartialFitStream(model, n_chunks=2 * len(chunks)) as stream:
    ...     # stream.set_callbacks(ProgressBar(max_propagation_depth=0)): one bar
    ...     for epoch in range(2):
    ...         for rows in chunks:
    ...             _ = stream.partial_fit(X[rows], y[rows], classes=[0, 1])
    >>> stream.n_chunks_seen_, model.t_
    (12, 1200)
    """

    def __init__(self, estimator, *, n_chunks=None):
        self.estimator = estimator
        self.n_chunks = n_chunks

    def __enter__(self):
        if not hasattr(self.estimator, "partial_fit"):
            raise TypeError(
                f"PartialFitStream needs an estimator with partial_fit; "
                f"{type(self.estimator).__name__} has none."
            )
        if self.n_chunks is not None and (
            isinstance(self.n_chunks, bool) or not isinstance(self.n_chunks, Integral)
            or self.n_chunks < 1
        ):
            raise ValueError(f"n_chunks must be a positive int or None, got {self.n_chunks!r}.")
        self.n_chunks_seen_ = 0
        self._task = None
        self._open = True
        return self

    def __exit__(self, exc_type, exc, traceback):
        self._close(failed=exc_type is not None)
        return False

    def partial_fit(self, X, y=None, **fit_params):
        """Train the estimator on one chunk, as a sub-task of the stream.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The chunk.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Its targets.
        **fit_params : dict
            Passed to the estimator's ``partial_fit``, e.g. ``classes`` or
            ``sample_weight``.

        Returns
        -------
        self : PartialFitStream
            The stream.
        """
        if not getattr(self, "_open", False):
            raise RuntimeError(
                "Use PartialFitStream as a context manager: with PartialFitStream(model) "
                "as stream: ... stream.partial_fit(X, y)."
            )
        if self.n_chunks is not None and self.n_chunks_seen_ >= self.n_chunks:
            raise ValueError(
                f"The stream was declared with n_chunks={self.n_chunks} and has had them "
                "all. Pass the total number of partial_fit calls (or None if unknown)."
            )
        if not CALLBACKS_SUPPORTED:
            self.estimator.partial_fit(X, y, **fit_params)
        else:
            if self._task is None:
                self._task = self._init_callback_context(
                    task_name="stream", max_subtasks=self.n_chunks
                )
                self._task.call_on_fit_task_begin(estimator=self)
            chunk = self._task.subcontext(task_name="partial_fit")
            with chunk.propagate_callback_context(self.estimator):
                chunk.call_on_fit_task_begin(estimator=self, X=X, y=y)
                self.estimator.partial_fit(X, y, **fit_params)
                chunk.call_on_fit_task_end(estimator=self, X=X, y=y)
        self.n_chunks_seen_ += 1
        return self

    def _close(self, *, failed):
        if not getattr(self, "_open", False):
            return
        self._open = False
        task, self._task = self._task, None
        if task is None:
            return
        try:
            if not failed:
                task.call_on_fit_task_end(estimator=self)
        finally:
            callbacks = getattr(self, "_skl_callbacks_to_teardown", [])
            errors = []
            for callback in callbacks:
                try:
                    callback.teardown(estimator=self, context=task)
                except Exception as error:  # tear every callback down, then report
                    errors.append(error)
            self.__dict__.pop("_skl_callbacks_to_teardown", None)
            self.__dict__.pop("_callback_fit_ctx", None)
            if errors:
                raise errors[0]
