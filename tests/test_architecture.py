"""The imports of sknn/*.py (and of each subpackage, as one module) follow the layers of docs/architecture.rst, without cycles.

The layer table is read from the page itself, so that the map and the code
cannot drift apart: every module is in exactly one layer, and each imports
only modules of its own layer or below (one documented exception).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sknn"
PAGE = ROOT / "docs" / "architecture.rst"

# (importer, imported): an import that goes up, with the page's reason.
UPWARD = {("_persistence", "__init__")}  # __version__, read at call time


def _layers():
    """{module: layer index (0 = top)} from the page's layer table."""
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["layer", "modules"])
    layers = {}
    for index, line in enumerate(lines[start + 2 :]):
        if line.startswith("="):
            break
        name, *modules = line.split()
        for module in modules:
            assert module not in layers, f"{module} is in two layers"
            layers[module] = index
    return layers


def _module_files():
    """{module: its files}: sknn/*.py, and a subpackage (sknn/plotting/) as one module."""
    files = {p.stem: [p] for p in PACKAGE.glob("*.py")}
    files.update({p.parent.name: sorted(p.parent.glob("*.py")) for p in PACKAGE.glob("*/__init__.py")})
    return files


def _imports(paths):
    """The sknn modules the files ``paths`` of one module import (anywhere in them)."""
    modules = set(_module_files())
    compiled = {p.stem for p in PACKAGE.glob("*.pyx")}
    found = set()
    for path in paths:
        top = 1 if path.parent == PACKAGE else 2  # the level of ``from . import`` that is sknn
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == top:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:  # from . import x: a module, or a name of the package root
                    found |= {
                        a.name if a.name in modules | compiled else "__init__" for a in node.names
                    }
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sknn"):
                parts = node.module.split(".")
                found.add(parts[1] if len(parts) > 1 else "__init__")
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("sknn.")}
    return {name for name in found if name in modules}  # the compiled kernel is not a .py


GRAPH = {name: _imports(paths) for name, paths in sorted(_module_files().items())}


def test_every_module_is_in_the_table_once():
    assert set(_layers()) == set(GRAPH)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down_the_layers(module):
    layers = _layers()
    upward = {
        imported for imported in GRAPH[module]
        if layers[imported] < layers[module] and (module, imported) not in UPWARD
    }
    assert not upward, f"{module} imports {sorted(upward)} from a layer above its own"


def test_the_exceptions_are_real_imports():
    assert all(imported in GRAPH[module] for module, imported in UPWARD)


def test_imports_have_no_cycle():
    graph = {m: {i for i in deps if (m, i) not in UPWARD} for m, deps in GRAPH.items()}
    done, path = set(), []

    def visit(module):
        if module in path:
            pytest.fail("import cycle: " + " -> ".join(path[path.index(module) :] + [module]))
        if module in done:
            return
        path.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
