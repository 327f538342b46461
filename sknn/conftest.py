"""pytest hooks for the doctests of the sknn package.

The doctests of a module that needs an optional extra are skipped, with the
reason, when the extra is not installed (scikit-learn does the same in its
own conftest.py).
"""

# SPDX-License-Identifier: BSD-3-Clause

from importlib.util import find_spec

import pytest

# module file, or package folder → (extra, the packages its doctests import)
_EXTRAS = {
    "onnx.py": ("onnx", ["skl2onnx", "onnxruntime"]),
    "plotting": ("plot", ["matplotlib"]),
}


if find_spec("matplotlib") is not None:  # the doctests of sknn.plotting draw off screen
    import matplotlib

    matplotlib.use("Agg")


def pytest_collection_modifyitems(config, items):
    for item in items:
        extra, packages = _EXTRAS.get(
            item.path.name, _EXTRAS.get(item.path.parent.name, (None, []))
        )
        missing = [name for name in packages if find_spec(name) is None]
        if missing:
            reason = f"the {extra} extra ({', '.join(missing)}) is not installed"
            item.add_marker(pytest.mark.skip(reason=reason))
