"""Sphinx configuration of the sknn documentation.

Build (warnings are errors; works offline)::

    sphinx-build -W -b html docs docs/_build/html
"""

# SPDX-License-Identifier: BSD-3-Clause

import os
import sys
import warnings

# Document the source tree this file belongs to, installed or not.
sys.path.insert(0, os.path.abspath(".."))
# Before SciPy is first imported: scikit-learn dispatches to other array
# namespaces (plot_gpu_pipeline.py) only with SciPy's array API support on.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import sknn  # noqa: E402

project = "sknn"
author = "The sknn developers"
copyright = "The sknn developers, BSD-3-Clause"
release = sknn.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",  # only for CHANGELOG.md, included by changelog.rst
]

# ---------------------------------------------------------------- math
# The build must work offline and need nothing but pip, so MathJax is served
# from the pages themselves, not from a CDN: sphinx-mathjax-offline bundles
# MathJax 3 and copies it into _static/mathjax/ (mathjax_path points there).
# The equations use only TeX and the amsmath/amssymb commands, which MathJax's
# tex-chtml.js component reads as it is; \bm (the bm package) is defined as
# \boldsymbol, so that LaTeX's usual bold-vector macro works too.
extensions.append("sphinx-mathjax-offline")
mathjax3_config = {
    "tex": {"macros": {"bm": [r"\boldsymbol{#1}", 1]}},
}

# ---------------------------------------------------------------- sources
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
default_role = "literal"  # `x` renders as code, never as a dangling reference
suppress_warnings = [
    # CHANGELOG.md starts at "# Changelog" and its "## [Unreleased]" links are
    # Keep-a-Changelog reference style; neither is a cross-reference target.
    "myst.xref_missing",
]
myst_heading_anchors = 3

# ---------------------------------------------------------------- API reference
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"  # the numpydoc sections carry the types
# numpydoc lists the methods in a table; autodoc (members above) documents
# them on the same page, so the table must not make its own stub pages.
numpydoc_show_class_members = True
numpydoc_show_inherited_class_members = True
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# ---------------------------------------------------------------- gallery
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",  # run every examples/plot_*.py
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "doc_module": ("sknn",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sknn": None},
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "show_memory": False,
    # The timing table pages load DataTables from a CDN: not offline. Each
    # example's page still states its own running time.
    "write_computation_times": False,
    "plot_gallery": "True",
}

# Training warnings (ConvergenceWarning with small max_iter on purpose) should
# not clutter the rendered examples.
warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is currently using agg")

# ---------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"sknn {release}"
html_theme_options = {
    # Nothing in the pages may come from the network: no icon links (their
    # logos are bundled, but they point away), no version switcher JSON, no
    # analytics.
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "icon_links": [],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
# No left sidebar on single pages (it would be an empty "Section Navigation").
html_sidebars = {
    page: [] for page in ["index", "getting_started", "user_guide", "changelog", "benchmarks"]
}
html_show_sourcelink = False
# "fit()" rather than "SigmoidMLPClassifier.fit()" in the page contents.
toc_object_entries_show_parents = "hide"


# The methods inherited from scikit-learn (score, get_metadata_routing,
# set_*_request) cite labels and glossary terms of scikit-learn's own docs.
# Intersphinx would fetch scikit-learn's inventory over the network, so the
# few targets they use are resolved here to plain links (nothing is fetched).
SKLEARN_DOCS = "https://scikit-learn.org/stable/"
SKLEARN_TARGETS = {
    ("ref", "accuracy_score"): "modules/model_evaluation.html#accuracy-score",
    ("ref", "r2_score"): "modules/model_evaluation.html#r2-score",
    ("ref", "metadata_routing"): "metadata_routing.html",
    ("term", "meta-estimator"): "glossary.html#term-meta-estimator",
}


def _link_sklearn_targets(app, env, node, contnode):
    """Resolve scikit-learn's labels and terms to links into its documentation."""
    if node.get("refdomain") != "std":
        return None
    page = SKLEARN_TARGETS.get((node.get("reftype"), node.get("reftarget", "").lower()))
    if page is None:
        return None
    from docutils import nodes

    reference = nodes.reference(
        "", "", internal=False, refuri=SKLEARN_DOCS + page, reftitle="scikit-learn documentation"
    )
    reference += contnode
    return reference


def setup(app):
    app.connect("missing-reference", _link_sklearn_targets)
