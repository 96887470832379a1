"""Sphinx configuration of the symehp documentation.

Build from the repository root (``pip install -e ".[docs]"``, included in ``dev``)::

    sphinx-build -W -b html docs docs/_build/html

* ``index.rst``: what symehp is, how to install it, a short tour;
* ``api.rst``: the API reference, generated from the docstrings (numpy style,
  read by napoleon): the names of ``symehp.__all__`` by autosummary into
  ``api/generated/``, one page per module by ``_ext/symehp_docs.py`` into
  ``api/modules/``;
* ``conventions.md``, read by myst-parser;
* ``tutorials/plot_*.py``: sphinx-gallery scripts, executed at every build
  into ``auto_tutorials/`` (their figures and printed output are on the pages).

The build needs no network: there is no intersphinx mapping, and MathJax is
only referenced by the HTML pages (the browser loads it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
# symehp's own extension (module pages, docstring hooks)
sys.path.insert(0, str(DOCS / "_ext"))

import symehp  # noqa: E402

# tutorials draw with matplotlib off screen; sphinx-gallery collects the figures
os.environ.setdefault("MPLBACKEND", "Agg")

project = "symehp"
author = "the symehp developers"
copyright = "2019-2025, the symehp developers"
release = symehp.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "symehp_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
# tutorials/ holds the gallery's sources (sphinx-gallery reads them itself);
# the pages made from them are in auto_tutorials/
exclude_patterns = ["_build", "_ext", "tutorials", "Thumbs.db", ".DS_Store"]

# ------------------------------------------------------------------ API reference
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"           # signatures as written; the docstrings give the types
autoclass_content = "class"

napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_preprocess_types = False
napoleon_custom_sections = [
    # symehp.Junction has a section of its own after its Notes
    "Numbers and checks",
    # "Attributes" as a list like "Parameters": napoleon's own forms mangle the
    # numpydoc lines that name several attributes ("T_e, mu : float"), and
    # ".. attribute::" entries would describe the dataclass fields a second time
    ("Attributes", "params_style"),
]

# ------------------------------------------------------------------ conventions.md
myst_heading_anchors = 3

# ------------------------------------------------------------------ tutorials
sphinx_gallery_conf = {
    "examples_dirs": "tutorials",
    "gallery_dirs": "auto_tutorials",
    "filename_pattern": r"/plot_",          # every plot_*.py is executed
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,         # a tutorial that fails fails the build
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    # the last expression of a cell is shown: HTML when it has one (an
    # xarray.Dataset, the display math of the symbolic tutorial), else its repr
    "capture_repr": ("_repr_html_", "__repr__"),
    "reset_modules": ("matplotlib",),
}

# ------------------------------------------------------------------ HTML
try:
    import furo  # noqa: F401
    html_theme = "furo"
except ImportError:                          # alabaster comes with Sphinx
    html_theme = "alabaster"
html_title = f"symehp {release}"
html_static_path: list[str] = []
