"""The commands the README gives are the ones the docs give and CI runs.

A new user copies the test and documentation commands from README.md or from
docs/getting_started.rst; CI (.ci/run) must run the same ones, so that a
command that works in CI works as written.
"""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if not (ROOT / "README.md").exists():  # an installed sknn, without the sources
    pytest.skip("the source tree (README.md, docs/, .ci/) is not here", allow_module_level=True)


def _read(path):
    return (ROOT / path).read_text(encoding="utf-8")


def _commands(text, keyword):
    """The lines of ``text`` that hold ``keyword``, stripped of indentation."""
    return {line.strip() for line in text.splitlines() if keyword in line}


def _readme_block(section):
    """The lines of the ```bash block under README.md's ``## section``, as CI reads them."""
    text = _read("README.md").split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"^```bash\n(.*?)^```$", text, re.M | re.S).group(1).splitlines()


def test_one_quick_start_command():
    # CI (readme_command in .ci/run) runs the block's one command on a fresh clone.
    (readme,) = _readme_block("Quick start")
    assert readme.endswith(" && python -m sknn")
    assert readme in _commands(_read("docs/getting_started.rst"), "python -m sknn")
    ci = _read(".ci/run")
    assert 'command=$(readme_command "Quick start")' in ci
    assert 'git clone --quiet . "$clone"' in ci and "step quickstart quickstart" in ci


def test_one_test_command():
    # The README's command, in a ```bash block.
    (readme,) = re.findall(r"^(python3 -m venv .*python -m pytest)$", _read("README.md"), re.M)
    assert readme in _commands(_read("docs/getting_started.rst"), "python -m pytest")
    ci = _read(".ci/run")
    install = readme.split(" && python -m pytest")[0]
    assert install in ci, "CI's main step must run the README's test command"


def test_one_docs_command():
    (readme,) = re.findall(r"^(pip install -e \"\.\[docs\]\".*)$", _read("README.md"), re.M)
    assert readme in _commands(_read("docs/getting_started.rst"), "sphinx-build")
    assert readme in _read(".ci/run"), "CI's docs step must run the README's docs command"


def test_docs_extra_installs_what_the_gallery_imports():
    # Every top-level import of examples/*.py is the standard library, a core
    # requirement, or a package the docs extra pulls in.
    pyproject = _read("pyproject.toml")
    docs = re.search(r"^docs = \[(.*?)^\]", pyproject, re.M | re.S).group(1)
    extras = re.findall(r"scikit-backprop\[([\w,-]+)\]", docs)
    assert extras, "the docs extra should pull the extras the gallery needs"
    included = {name for group in extras for name in group.split(",")}
    # dask (plot_out_of_core.py), matplotlib (every example), rich (its progress bar).
    assert {"plot", "dask", "progress"} <= included
    imported = set()
    for example in (ROOT / "examples").glob("*.py"):
        imported |= set(re.findall(r"^\s*(?:import|from) (\w+)", example.read_text(), re.M))
    needs = {
        "matplotlib": "plot", "dask": "dask", "dask_ml": "dask", "rich": "progress",
        "array_api_strict": "array-api",
    }
    # sknn, its requirements and theirs.
    core = {"numpy", "scipy", "sklearn", "sknn", "threadpoolctl", "joblib"}
    # Imported where installed, with a fallback that the docs extra has
    # (plot_gpu_pipeline.py: array_api_strict without PyTorch).
    optional = {"torch"}
    unknown = imported - core - optional - needs.keys() - set(sys.stdlib_module_names)
    assert not unknown, f"examples import {unknown}: add them to the docs extra"
    assert {needs[name] for name in imported & needs.keys()} <= included


def test_docs_build_needs_only_pip():
    # The equations are rendered by MathJax bundled in a package of the docs
    # extra, not by LaTeX and dvipng from the system (sphinx.ext.imgmath).
    conf = _read("docs/conf.py")
    assert "sphinx.ext.imgmath" not in conf
    assert re.search(r'^extensions\.append\("sphinx-mathjax-offline"\)$', conf, re.M)
    docs = re.search(r"^docs = \[(.*?)^\]", _read("pyproject.toml"), re.M | re.S).group(1)
    assert '"sphinx-mathjax-offline' in docs
    # Nothing to install besides pip's: no system packages in the README's
    # Documentation section, the getting-started page or CI's docs step.
    readme = re.search(r"^## Documentation$(.*?)^## ", _read("README.md"), re.M | re.S).group(1)
    ci = re.search(r"^docs\(\) \{$(.*?)^\}$", _read(".ci/run"), re.M | re.S).group(1)
    for text in (readme, _read("docs/getting_started.rst"), ci):
        assert not re.search(r"apt-get|dvipng|texlive|LaTeX", text)


def test_the_wheel_lists_every_package_of_sknn():
    # setuptools puts into the wheel only the packages pyproject.toml names.
    listed = re.search(r"^packages = \[(.*?)\]", _read("pyproject.toml"), re.M).group(1)
    listed = set(re.findall(r'"([\w.]+)"', listed))
    found = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "sknn").rglob("__init__.py")
    }
    assert "sknn.plotting" in found
    assert found == listed
