"""Saving and loading models: the sknn version travels with the pickled state.

scikit-learn stamps the pickles of its own estimators with its version and
warns (``InconsistentVersionWarning``) when one is loaded by another version,
but it does so only for classes in the ``sklearn`` package. This module does
the same for sknn's estimators, for pickle, joblib and skops alike (all three
go through ``__getstate__``/``__setstate__``).
"""

# SPDX-License-Identifier: BSD-3-Clause

import warnings

from sklearn.exceptions import InconsistentVersionWarning as _SklearnVersionWarning

_VERSION_KEY = "_sknn_version"


def _current_version():
    # Imported when called, not at import time: the package root imports the
    # estimators, which import this module, before it defines __version__.
    from . import __version__

    return __version__


class InconsistentVersionWarning(_SklearnVersionWarning):
    """A model saved with one sknn version is loaded with another.

    A subclass of scikit-learn's warning of the same name, so a filter on that
    one covers sknn's models too.

    Parameters
    ----------
    estimator_name : str
        Class of the loaded estimator.
    current_sknn_version : str
        The sknn version that loads it.
    original_sknn_version : str
        The sknn version that saved it.

    Examples
    --------
    >>> from sknn import InconsistentVersionWarning
    >>> w = InconsistentVersionWarning(estimator_name="SigmoidMLPClassifier",
    ...     current_sknn_version="0.2", original_sknn_version="0.1")
    >>> print(w)  # doctest: +ELLIPSIS
    Trying to load estimator SigmoidMLPClassifier saved with sknn 0.1 when using sknn 0.2. ...
    """

    def __init__(self, *, estimator_name, current_sknn_version, original_sknn_version):
        super().__init__(
            estimator_name=estimator_name,
            current_sklearn_version=current_sknn_version,
            original_sklearn_version=original_sknn_version,
        )
        self.current_sknn_version = current_sknn_version
        self.original_sknn_version = original_sknn_version

    def __str__(self):
        return (
            f"Trying to load estimator {self.estimator_name} saved with sknn "
            f"{self.original_sknn_version} when using sknn {self.current_sknn_version}. "
            "This might lead to breaking code or invalid results; refit the model "
            "with this version if you can."
        )


class VersionedStateMixin:
    """Store the sknn version in the saved state; warn when it differs on load.

    Extends scikit-learn's ``BaseEstimator.__getstate__``/``__setstate__``
    (which it must precede in the bases) rather than replacing them.
    """

    def __getstate__(self):
        state = super().__getstate__()
        return {**state, _VERSION_KEY: _current_version()}

    def __setstate__(self, state):
        state = dict(state)
        saved = state.pop(_VERSION_KEY, "unknown (older than 0.1)")
        current = _current_version()
        if saved != current:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_sknn_version=current,
                    original_sknn_version=saved,
                )
            )
        super().__setstate__(state)
