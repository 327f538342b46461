"""sknn without its compiled kernel: one warning, and the reference trains as the kernel.

``import sknn`` runs in a fresh interpreter, once with the compiled kernel
hidden (``sys.modules["sknn._sgd_fast"] = None``, as for a source tree or a
failed build) and once with it; both fit and predict the same problems, and
the weights and predictions must agree within the kernel/reference tolerances
of tests/test_kernel.py.
"""

import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import sknn
from test_kernel import TOL

# Run in a child interpreter: fit both estimators in float64 and float32 on
# small dense problems, record every warning, and pickle what came out.
CHILD = """
import pickle, sys, warnings
sys.path.insert(0, {root!r})
if {hide}:
    sys.modules["sknn._sgd_fast"] = None
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import numpy as np
    import sknn
    from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor
    from sknn._dispatch import kernel_applies

    rng = np.random.default_rng(0)
    X, w = rng.random((90, 5)), rng.random(90)
    y_class, y_real = rng.integers(3, size=90), X @ rng.standard_normal(5)
    fits, uses_kernel = {{}}, []
    for dtype in (np.float64, np.float32):
        X_d = X.astype(dtype)
        uses_kernel.append(kernel_applies(X_d, X_d.dtype))
        for name, model, y in [
            ("classifier", SigmoidMLPClassifier(hidden_layer_sizes=(6,), max_iter=3,
                                                random_state=0), y_class),
            ("regressor", SigmoidMLPRegressor(hidden_layer_sizes=(5, 4), max_iter=3,
                                              random_state=0), y_real),
        ]:
            model.fit(X_d, y, sample_weight=w)
            output = model.predict_proba(X_d) if name == "classifier" else model.predict(X_d)
            fits[name, np.dtype(dtype).name] = (
                model.coefs_, model.intercepts_, output, model.predict(X_d)
            )
sknn_warnings = [
    (w.category.__name__, str(w.message)) for w in caught
    if w.category.__module__.startswith("sknn")
]
with open(sys.argv[1], "wb") as f:
    pickle.dump((fits, uses_kernel, sknn_warnings), f)
"""


def _run(tmp_path, hide):
    out = tmp_path / f"hide-{hide}.pkl"
    root = str(Path(sknn.__file__).resolve().parents[1])
    subprocess.run(
        [sys.executable, "-c", CHILD.format(root=root, hide=hide), str(out)],
        check=True, cwd=tmp_path, timeout=300,
    )
    with open(out, "rb") as f:
        return pickle.load(f)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("kernel")
    return {hide: _run(tmp_path, hide) for hide in (True, False)}


def test_import_without_kernel_warns_once_and_says_how_to_build_it(runs):
    _, uses_kernel, sknn_warnings = runs[True]
    missing = [message for name, message in sknn_warnings if name == "KernelMissingWarning"]
    assert len(missing) == 1, sknn_warnings  # at import, not again at fit or predict
    (message,) = missing
    assert "compiled kernel (sknn._sgd_fast) could not be imported" in message
    assert "numpy reference implementation" in message and "2-6x slower" in message
    assert "`pip install -e .` in the repository's root" in message
    assert uses_kernel == [False, False]


def test_import_with_kernel_does_not_warn(runs):
    _, uses_kernel, sknn_warnings = runs[False]
    assert "KernelMissingWarning" not in {name for name, _ in sknn_warnings}
    assert uses_kernel == [True, True]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["classifier", "regressor"])
def test_reference_without_kernel_fits_and_predicts_as_the_kernel(runs, name, dtype):
    reference, kernel = runs[True][0][name, dtype], runs[False][0][name, dtype]
    (coefs_r, intercepts_r, output_r, predicted_r) = reference
    (coefs_k, intercepts_k, output_k, predicted_k) = kernel
    tol = TOL[np.dtype(dtype).type]
    for got, expected in zip(coefs_r + intercepts_r, coefs_k + intercepts_k):
        assert got.dtype == expected.dtype == dtype
        assert_allclose(got, expected, rtol=0, atol=tol)
    assert_allclose(output_r, output_k, rtol=0, atol=tol)
    if name == "classifier":
        assert_array_equal(predicted_r, predicted_k)


def test_only_the_dispatch_module_imports_the_kernel():
    # The reference modules import nothing compiled, so that sknn imports and
    # trains without the kernel; one module decides kernel or reference.
    package = Path(sknn.__file__).resolve().parent
    importers = {
        path.name for path in package.glob("*.py")
        if re.search(r"import.*_sgd_fast", path.read_text(encoding="utf-8"))
    }
    assert importers == {"_dispatch.py"}
