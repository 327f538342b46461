"""The public docstrings match the code: every parameter, default and attribute.

The class docstrings are assembled from shared text (``sknn._docstrings``),
so a parameter added to ``__init__``, a default changed in one estimator, or
a fitted attribute added in ``_base`` can silently fall out of step with the
documentation; these tests catch it. numpydoc (in the ``test`` and ``docs``
extras) parses and validates the docstrings; without it they are skipped.
"""

import ast
import inspect

import numpy as np
import pytest

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor

numpydoc_validate = pytest.importorskip("numpydoc.validate")
from numpydoc.docscrape import ClassDoc  # noqa: E402  (after the skip)

ESTIMATORS = [SigmoidMLPClassifier, SigmoidMLPRegressor]

# numpydoc's checks that concern what the docstrings say about the code:
# parameters (PR), returns (RT03-RT05), summary lines (SS) and See Also (SA02-SA04).
# Left out: ES01/SA01/EX01 (every method need not have an extended summary,
# See Also and Examples), RT02 (scikit-learn's "self : object" convention),
# GL08 (inherited methods of scikit-learn).
CHECKED = {
    "GL01", "GL02", "GL03", "GL05", "GL06", "GL07", "GL09", "GL10",
    "SS01", "SS02", "SS03", "SS04", "SS05", "SS06",
    "PR01", "PR02", "PR03", "PR04", "PR05", "PR06", "PR07", "PR08", "PR09", "PR10",
    "RT01", "RT03", "RT04", "RT05", "YD01", "SA02", "SA03", "SA04",
}


def _public_methods(cls):
    """The methods a user calls, own and inherited, as listed in the API pages."""
    return sorted(
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and callable(member) and not inspect.isclass(member)
    )


def _object_names():
    for cls in ESTIMATORS:
        yield f"sknn.{cls.__name__}"
        for method in _public_methods(cls):
            yield f"sknn.{cls.__name__}.{method}"


@pytest.mark.parametrize("name", list(_object_names()))
def test_numpydoc_validation(name):
    errors = [
        f"{code}: {message}"
        for code, message in numpydoc_validate.validate(name)["errors"]
        if code in CHECKED
    ]
    assert not errors, f"{name}:\n" + "\n".join(errors)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_parameters_match_signature_in_order(cls):
    documented = [p.name for p in ClassDoc(cls)["Parameters"]]
    signature = list(inspect.signature(cls).parameters)
    assert documented == signature


def _documented_default(param_type):
    """The value after ``default=`` in a numpydoc type line, or a sentinel."""
    _, found, default = param_type.partition("default=")
    if not found:
        return inspect.Parameter.empty
    return ast.literal_eval(default.strip())


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_documented_defaults_match_signature(cls):
    # Both estimators share the text; each fills in its own defaults.
    signature = inspect.signature(cls).parameters
    mismatches = {}
    for param in ClassDoc(cls)["Parameters"]:
        documented = _documented_default(param.type)
        actual = signature[param.name].default
        if documented != actual:
            mismatches[param.name] = (documented, actual)
    assert not mismatches, f"documented vs actual defaults: {mismatches}"


def _fitted(cls):
    """An estimator fitted on a DataFrame, so that feature_names_in_ exists too."""
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.uniform(size=(40, 3)), columns=["a", "b", "c"])
    y = np.arange(40) % 2 if cls is SigmoidMLPClassifier else X["a"].to_numpy()
    return cls(hidden_layer_sizes=(3,), max_iter=3, n_iter_no_change=5).fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_attributes_documented_and_set(cls):
    estimator = _fitted(cls)
    public_fitted = {
        name for name in vars(estimator) if name.endswith("_") and not name.startswith("_")
    }
    documented = {attr.name for attr in ClassDoc(cls)["Attributes"]}
    assert public_fitted - documented == set(), "fitted attributes missing from the docstring"
    assert documented - public_fitted == set(), "documented attributes that fit does not set"


def _other_public_names():
    """The public classes and functions of sknn's other modules, and their methods."""
    import importlib

    for module_name in ["sknn.plotting", "sknn.streaming", "sknn.inspection", "sknn.quickstart"]:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            yield f"{module_name}.{name}"
            obj = getattr(module, name)
            if inspect.isclass(obj):
                for method, member in vars(obj).items():
                    if not method.startswith("_") and callable(getattr(obj, method)):
                        yield f"{module_name}.{name}.{method}"


@pytest.mark.parametrize("name", list(_other_public_names()))
def test_numpydoc_validation_of_the_other_modules(name):
    errors = [
        f"{code}: {message}"
        for code, message in numpydoc_validate.validate(name)["errors"]
        if code in CHECKED
    ]
    assert not errors, f"{name}:\n" + "\n".join(errors)


def test_every_public_name_is_in_the_api_page():
    import importlib
    from pathlib import Path

    api = Path(__file__).resolve().parents[1] / "docs" / "api.rst"
    if not api.exists():
        pytest.skip("the source tree (docs/api.rst) is not here")
    text = api.read_text(encoding="utf-8")
    missing = []
    for module_name in [
        "sknn", "sknn.inspection", "sknn.plotting", "sknn.streaming", "sknn.quickstart", "sknn.onnx"
    ]:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # sknn.onnx without its extra
            continue
        if f".. currentmodule:: {module_name}\n" not in text:
            missing.append(module_name)
            continue
        for name in module.__all__:
            if name != "__version__" and f"\n   {name}\n" not in text:
                missing.append(f"{module_name}.{name}")
    assert not missing, f"public names missing from docs/api.rst: {missing}"
