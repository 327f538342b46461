"""Class weights: each class's factor on the weights of its samples, as scikit-learn's.

``class_weight`` multiplies the sample weight sᵢ of every sample by the
weight of its class: a dict of weights, or ``'balanced'``, n_samples /
(n_classes × the class's count), from scikit-learn's ``compute_class_weight``
(whose counts are sums of sample weights where it takes ``sample_weight``).
"""

# SPDX-License-Identifier: BSD-3-Clause

import inspect

import numpy as np
from sklearn.utils.class_weight import compute_class_weight

# Recent scikit-learn counts the classes by sample weight for 'balanced' (so
# that a weight of 2 is the same as a repeated row); older versions count rows.
_BALANCED_TAKES_WEIGHTS = "sample_weight" in inspect.signature(compute_class_weight).parameters


def check_class_weight_use(class_weight, y_type, incremental):
    """Raise where ``class_weight`` cannot apply: multilabel y, or 'balanced' in a stream.

    Parameters
    ----------
    class_weight : dict or 'balanced'
    y_type : str
        The fitted target type (``'binary'``, ``'multiclass'``, ``'multilabel-indicator'``).
    incremental : bool
        Whether the call is ``partial_fit``.
    """
    if y_type == "multilabel-indicator":
        raise ValueError(
            "class_weight is not supported for multilabel targets; weight the "
            "samples with sample_weight instead."
        )
    if incremental and class_weight == "balanced":
        # As SGDClassifier: one chunk of a stream does not show the class frequencies.
        raise ValueError(
            "class_weight='balanced' is not supported for partial_fit: a chunk does "
            "not show the class frequencies of the stream. Compute the weights once "
            "with sklearn.utils.class_weight.compute_class_weight('balanced', "
            "classes=classes, y=y) on a large enough sample of the targets and pass "
            "them as a dict: class_weight=dict(zip(classes, weights))."
        )


def class_weights(class_weight, classes, labels, sample_weight):
    """The weight of each class in ``classes``, each finite and ≥ 0.

    Parameters
    ----------
    class_weight : dict or 'balanced'
    classes : ndarray of shape (n_classes,)
        The fitted classes, sorted.
    labels : ndarray of shape (n_samples,)
        The labels of the call.
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    ndarray of shape (n_classes,)

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._class_weight import class_weights
    >>> class_weights("balanced", np.array([0, 1]), np.array([0, 0, 0, 1]), None)
    array([0.66666667, 2.        ])
    """
    extra = {"sample_weight": sample_weight} if _BALANCED_TAKES_WEIGHTS else {}
    with np.errstate(divide="ignore"):  # 'balanced', a class of zero total weight
        weights = compute_class_weight(class_weight, classes=classes, y=labels, **extra)
    bad = ~(np.isfinite(weights) & (weights >= 0))
    if np.any(bad):
        reason = ": their samples have zero total sample_weight" if class_weight == "balanced" else ""
        raise ValueError(
            f"class_weight={class_weight!r} gives the classes "
            f"{classes[bad].tolist()} no finite weight >= 0{reason}."
        )
    return weights
