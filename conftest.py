"""Loaded by pytest before any test module (and before SciPy is imported).

scikit-learn dispatches to other array namespaces (torch, CuPy,
array_api_strict) only when SciPy was imported with ``SCIPY_ARRAY_API=1``;
without it, its array API checks skip ("SCIPY_ARRAY_API is not set"). Setting
it here makes ``python -m pytest`` run them, as scikit-learn's own CI does.
It must happen before the first ``import scipy``, hence this file at the root.

It also seeds numpy's global RandomState before every test (see the fixture).
"""

# SPDX-License-Identifier: BSD-3-Clause

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np  # noqa: E402  (after SCIPY_ARRAY_API: numpy does not import SciPy)
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _same_global_random_state():
    """Every test starts from numpy's global RandomState seeded with 0.

    A fit with ``random_state=None`` (scikit-learn's default) draws from the
    global RandomState, which whatever ran before has moved: such a test would
    otherwise depend on the tests before it and on the numpy version (a 3-unit
    fit of 5 epochs saturates its units on 9 of 200 seeds, and so warned in
    one environment of CI and not in another).
    """
    np.random.seed(0)
