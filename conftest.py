"""Loaded by pytest before any test module (and before SciPy is imported).

scikit-learn dispatches to other array namespaces (torch, CuPy,
array_api_strict) only when SciPy was imported with ``SCIPY_ARRAY_API=1``;
without it, its array API checks skip ("SCIPY_ARRAY_API is not set"). Setting
it here makes ``python -m pytest`` run them, as scikit-learn's own CI does.
It must happen before the first ``import scipy``, hence this file at the root.
"""

# SPDX-License-Identifier: BSD-3-Clause

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
