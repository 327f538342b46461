"""Warnings of a fit, and the fits that train quietly: the race's trial fits.

``init_scale='auto'`` trains two short trial fits that nobody asked for; their
ConvergenceWarnings and PlateauWarnings are not the user's. ``warnings.
catch_warnings()`` cannot silence them: it swaps the warning filters of the
whole process, so a fit in another thread (a threaded grid search, a web
server) would lose its own warnings meanwhile. Instead every warning of a
training call goes through :func:`warn`, which drops it inside
:func:`quietly`, a context variable: each thread and each asyncio task has
its own.
"""

# SPDX-License-Identifier: BSD-3-Clause

import contextlib
import contextvars
import warnings

_QUIET = contextvars.ContextVar("sknn_quiet", default=False)


def warn(message, category=UserWarning):
    """``warnings.warn(message, category)``, unless this context trains :func:`quietly`.

    The warning points at the line of sknn that called this, as a plain
    ``warnings.warn`` there would.

    Examples
    --------
    >>> import warnings
    >>> from sknn._quiet import quietly, warn
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("heard")
    ...     with quietly():
    ...         warn("not heard")
    >>> [str(w.message) for w in caught]
    ['heard']
    """
    if not _QUIET.get():
        warnings.warn(message, category, stacklevel=2)


@contextlib.contextmanager
def quietly():
    """Drop the warnings of :func:`warn` in this thread (or task) for the ``with`` block."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)
