"""scikit-learn's MLP parameters that sknn does not take, and what replaces them.

sknn's estimators take the parameter names of scikit-learn's
``MLPClassifier``/``MLPRegressor`` except those that choose something sknn
does not have: another activation of the hidden units, another solver, and
the settings of those solvers. Someone coming from scikit-learn writes them
out of habit; instead of Python's bare "unexpected keyword argument", the
error says what sknn is and which parameters to use.
"""

# SPDX-License-Identifier: BSD-3-Clause

import functools

# The names, each with the value sknn always uses (None: a setting sknn has no use for).
MLP_ONLY = {
    "activation": "logistic",
    "solver": "sgd",
    "beta_1": None,  # the 'adam' solver's
    "beta_2": None,
    "epsilon": None,
    "max_fun": None,  # the 'lbfgs' solver's
}

_OUTPUT = {
    "SigmoidMLPClassifier": "loss= ('log_loss', 'squared_error') picks the output layer's cost",
    "SigmoidMLPRegressor": "output_activation= ('identity', 'sigmoid') picks the output layer",
}


def _message(cls_name, given):
    """The error for the MLP-only parameters ``given`` (name → value) to ``cls_name``."""
    parts = [
        f"{cls_name} does not take scikit-learn's MLP parameters "
        + ", ".join(f"{name}={value!r}" for name, value in given.items())
        + ": sknn is the textbook network, sigmoid hidden units trained by "
        "backpropagation and mini-batch SGD with momentum, nothing else."
    ]
    same = [
        f"{name}={value!r}" for name, value in given.items()
        if isinstance(value, str) and value == MLP_ONLY[name]
    ]
    if same:
        verb = "is" if len(same) == 1 else "are"
        parts.append(f"{' and '.join(same)} {verb} what sknn always does: leave it out.")
    if "activation" in given:
        output = _OUTPUT.get(cls_name, "the output layer follows from the task")
        parts.append(f"The hidden units are always sigmoid (activation='logistic'); {output}.")
    adam = [name for name in ("beta_1", "beta_2", "epsilon") if name in given]
    if adam:
        verb = "belongs" if len(adam) == 1 else "belong"
        parts.append(f"{', '.join(adam)} {verb} to the 'adam' solver.")
    if "max_fun" in given:
        parts.append("max_fun belongs to the 'lbfgs' solver; max_iter bounds the epochs of SGD.")
    if given.keys() - {"activation"}:
        parts.append(
            "The one solver is SGD: tune it with learning_rate ('constant', 'invscaling', "
            "'adaptive'), learning_rate_init, momentum, nesterovs_momentum and batch_size."
        )
    return " ".join(parts)


def reject_mlp_only_parameters(init):
    """Decorate ``__init__``: scikit-learn MLP parameters raise a TypeError that explains.

    ``functools.wraps`` keeps the signature of ``init`` visible to
    :func:`inspect.signature`, which scikit-learn's ``get_params``,
    ``clone`` and ``check_estimator`` read.

    Parameters
    ----------
    init : callable
        The ``__init__`` of an sknn estimator.

    Returns
    -------
    callable
        ``init``, raising :class:`TypeError` for the names in ``MLP_ONLY``.

    Examples
    --------
    >>> import inspect
    >>> from sknn import SigmoidMLPClassifier
    >>> SigmoidMLPClassifier(solver="adam")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: SigmoidMLPClassifier does not take scikit-learn's MLP parameters solver='adam': ...
    >>> "solver" in inspect.signature(SigmoidMLPClassifier).parameters
    False
    """

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        given = {name: kwargs[name] for name in MLP_ONLY if name in kwargs}
        if given:
            raise TypeError(_message(type(self).__name__, given))
        init(self, *args, **kwargs)

    return __init__
