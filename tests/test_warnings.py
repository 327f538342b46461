"""A stray warning fails the test run (pyproject.toml's filterwarnings).

A test that provokes a warning asserts it with ``pytest.warns``; any other
warning, sknn's own above all, is an error. The run below uses the project's
pytest configuration on a test file of its own, so that the check holds
whatever ``-W`` options the outer run was given.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if not (ROOT / "pyproject.toml").exists():  # an installed sknn, without the sources
    pytest.skip("the source tree (pyproject.toml) is not here", allow_module_level=True)

CATEGORIES = [
    "sknn.PlateauWarning",
    "sknn.DegenerateFitWarning",
    "sknn.InconsistentVersionWarning",
    "sklearn.exceptions.ConvergenceWarning",
    "UserWarning",
    "RuntimeWarning",
    "DeprecationWarning",
]


def _pytest(tmp_path, body):
    """Run one test with ``body`` under the project's configuration; its exit status and output."""
    test = tmp_path / "test_stray.py"
    test.write_text(textwrap.dedent(body))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTHONWARNINGS")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])  # this tree's sknn
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"),
         "--rootdir", str(tmp_path), "-q", str(test)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def test_a_stray_warning_fails(tmp_path):
    checks = "\n".join(
        f"""
        def test_{i}():
            import warnings, sklearn.exceptions, sknn
            warnings.warn("stray", {category})
        """
        for i, category in enumerate(CATEGORIES)
    )
    status, output = _pytest(tmp_path, checks)
    assert status == 1, output
    assert f"{len(CATEGORIES)} failed" in output, output


def test_an_asserted_warning_passes(tmp_path):
    status, output = _pytest(
        tmp_path,
        """
        import warnings
        import pytest
        import sknn

        def test_asserted():
            with pytest.warns(sknn.PlateauWarning, match="plateau"):
                warnings.warn("on a plateau", sknn.PlateauWarning)
        """,
    )
    assert status == 0, output
    assert "1 passed" in output and "warning" not in output, output
