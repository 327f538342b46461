"""scikit-learn's MLP parameters: the choices sknn has one of, and those it does not take.

sknn's estimators take the parameter names of scikit-learn's
``MLPClassifier``/``MLPRegressor``. ``activation`` and ``solver`` are real
parameters with the one value sknn implements (``'logistic'``, ``'sgd'``),
so that scikit-learn code runs with only the class name changed; another
value fails at ``fit`` in scikit-learn's parameter-validation style, with
what sknn is and which parameters to use (:func:`explain_invalid_choice`).
The settings of solvers sknn does not have (``beta_1``, ``beta_2``,
``epsilon``, ``max_fun``) are not parameters: instead of Python's bare
"unexpected keyword argument", the TypeError says the same.
"""

# SPDX-License-Identifier: BSD-3-Clause

import functools

from sklearn.utils._param_validation import InvalidParameterError, StrOptions

# scikit-learn's choices, each with the one value sknn implements.
MLP_CHOICES = {"activation": "logistic", "solver": "sgd"}

# The settings of scikit-learn's other solvers, which sknn has no use for.
MLP_ONLY = ("beta_1", "beta_2", "epsilon", "max_fun")

CHOICE_CONSTRAINTS = {name: [StrOptions({value})] for name, value in MLP_CHOICES.items()}

_OUTPUT = {
    "SigmoidMLPClassifier": "loss= ('log_loss', 'squared_error') picks the output layer's cost",
    "SigmoidMLPRegressor": "output_activation= ('identity', 'sigmoid') picks the output layer",
}


_WHAT_SKNN_IS = (
    "sknn is the textbook network, sigmoid hidden units trained by "
    "backpropagation and mini-batch SGD with momentum, nothing else."
)
_SGD_ADVICE = (
    "The one solver is SGD: tune it with learning_rate ('constant', 'invscaling', "
    "'adaptive'), learning_rate_init, momentum, nesterovs_momentum and batch_size."
)


def _activation_advice(cls_name):
    output = _OUTPUT.get(cls_name, "the output layer follows from the task")
    return f"The hidden units are always sigmoid (activation='logistic'); {output}."


def explain_invalid_choice(estimator, error):
    """``error`` of parameter validation, with sknn's advice where it is about a choice.

    Parameters
    ----------
    estimator : estimator
        The sknn estimator whose parameters failed validation.
    error : InvalidParameterError
        scikit-learn's error.

    Returns
    -------
    InvalidParameterError
        ``error`` itself, or for an ``activation`` or ``solver`` that sknn does
        not implement, the same message followed by what sknn is and what to
        use instead.

    Examples
    --------
    >>> from sknn import SigmoidMLPClassifier
    >>> SigmoidMLPClassifier(solver="adam").fit([[0.0], [1.0]], [0, 1])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'solver' parameter of \
SigmoidMLPClassifier must be a str among {'sgd'}. Got 'adam' instead. sknn is the textbook ...
    """
    message = str(error)
    advice = {"activation": _activation_advice(type(estimator).__name__), "solver": _SGD_ADVICE}
    for name, text in advice.items():
        if message.startswith(f"The {name!r} parameter"):
            return InvalidParameterError(f"{message} {_WHAT_SKNN_IS} {text}")
    return error


def _message(cls_name, given):
    """The error for the MLP-only parameters ``given`` (name → value) to ``cls_name``."""
    parts = [
        f"{cls_name} does not take scikit-learn's MLP parameters "
        + ", ".join(f"{name}={value!r}" for name, value in given.items())
        + ": "
        + _WHAT_SKNN_IS
    ]
    adam = [name for name in ("beta_1", "beta_2", "epsilon") if name in given]
    if adam:
        verb = "belongs" if len(adam) == 1 else "belong"
        parts.append(f"{', '.join(adam)} {verb} to the 'adam' solver.")
    if "max_fun" in given:
        parts.append("max_fun belongs to the 'lbfgs' solver; max_iter bounds the epochs of SGD.")
    parts.append(_SGD_ADVICE)
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
    >>> SigmoidMLPClassifier(beta_1=0.8)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: SigmoidMLPClassifier does not take scikit-learn's MLP parameters beta_1=0.8: ...
    >>> "beta_1" in inspect.signature(SigmoidMLPClassifier).parameters
    False
    """

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        given = {name: kwargs[name] for name in MLP_ONLY if name in kwargs}
        if given:
            raise TypeError(_message(type(self).__name__, given))
        init(self, *args, **kwargs)

    return __init__
