"""The documentation's sources, checked without building it (the build itself,
``sphinx-build -W -b html docs docs/_build/html``, runs in CI: ``.ci/run``).

* every name of ``symehp.__all__`` is in the API reference;
* every public module gets a page, and every top-level one is in a layer;
* the tutorials are sphinx-gallery scripts that the build executes, they compile,
  and together they cover the paper's applications, sweeps on Dask and the
  symbolic layer;
* ``docs/conf.py`` loads, with the extensions the build needs and no network.
"""

import re
import runpy
import types
from pathlib import Path

import pytest

import symehp

DOCS = Path(__file__).resolve().parents[1] / "docs"
TUTORIALS = sorted((DOCS / "tutorials").glob("*.py"))


def _autosummary_entries(rst):
    """The names listed in the autosummary directives of an rst file."""
    names, inside = [], False
    for line in rst.splitlines():
        if line.startswith(".. autosummary::"):
            inside = True
        elif inside and line and not line.startswith(" "):
            inside = False
        elif inside and line.strip() and not line.strip().startswith(":"):
            names.append(line.strip())
    return names


@pytest.fixture(scope="module")
def conf():
    pytest.importorskip("sphinx")
    return runpy.run_path(str(DOCS / "conf.py"))


@pytest.fixture(scope="module")
def extension(conf):
    import symehp_docs              # docs/_ext, on the path once conf.py ran
    return symehp_docs


def test_every_public_name_is_in_the_api_reference():
    listed = set(_autosummary_entries((DOCS / "api.rst").read_text()))
    names = [n for n in symehp.__all__ if not isinstance(getattr(symehp, n), types.ModuleType)]
    missing = [n for n in names if n not in listed]
    assert not missing, f"symehp.__all__ names missing from docs/api.rst: {missing}"
    unknown = [n for n in listed if n not in symehp.__all__]
    assert not unknown, f"docs/api.rst lists names that are not in symehp.__all__: {unknown}"


def test_public_modules_have_pages(extension, tmp_path):
    extension.write_module_pages(tmp_path)
    pages = {p.stem for p in tmp_path.glob("*.rst")}
    modules = set(extension._public_modules())
    assert modules <= pages
    for name in ("symehp.greens", "symehp.modes", "symehp.ehp", "symehp.closed_forms",
                 "symehp.verify", "symehp.sweep", "symehp.errors", "symehp.numeric.backends",
                 "symehp.applications.two_modes", "symehp.derivations"):
        assert name in pages, name
        assert f".. automodule:: {name}" in (tmp_path / f"{name}.rst").read_text()
    # the modules in symehp.__all__ (symehp.ehp, symehp.verify, ...) are in a layer
    layered = {m for names in extension._LAYERS.values() for m in names}
    in_all = {f"symehp.{n}" for n in symehp.__all__
              if isinstance(getattr(symehp, n), types.ModuleType)}
    assert in_all <= layered
    # the module symehp.sweep is not indexed: the name belongs to the function
    assert ":no-index:" in (tmp_path / "symehp.sweep.rst").read_text()
    # re-exported names are documented once, at the top level, and linked
    model_page = (tmp_path / "symehp.model.rst").read_text()
    assert ".. autoclass:: Junction" not in model_page
    assert "<symehp.Junction>" in model_page


def test_tutorials_are_executed_gallery_scripts(conf):
    pattern = conf["sphinx_gallery_conf"]["filename_pattern"]
    assert conf["sphinx_gallery_conf"]["examples_dirs"] == "tutorials"
    assert len(TUTORIALS) >= 7
    for path in TUTORIALS:
        # sphinx-gallery executes the files whose path matches filename_pattern
        assert re.search(pattern, str(path)), f"{path.name} would not be executed"
        source = path.read_text()
        compile(source, str(path), "exec")
        # a title in the leading docstring, and some math in the text
        assert re.match(r'r?"""\n[^\n]+\n=+\n', source), f"{path.name}: no title"
        assert ":math:" in source or ".. math::" in source, f"{path.name}: no math"
    assert (DOCS / "tutorials" / "GALLERY_HEADER.rst").exists()


def test_tutorials_cover_the_applications_sweeps_and_symbolic_layer():
    sources = {p.name: p.read_text() for p in TUTORIALS}
    text = "\n".join(sources.values())
    for call in ("symehp.rectification(", "symehp.cold_spot(", "symehp.bias_response(",
                 "symehp.instability_bias(", "symehp.exceptional_point(",
                 "symehp.two_mode_dynamics(", "bias_induced_coupling(",
                 "symehp.eq9_coefficients(", "symehp.sweep(", "symehp.verify.",
                 "derivations.derive(", "closed_forms."):
        assert call in text, f"no tutorial calls {call}"
    dask = [s for s in sources.values() if "client=client" in s]
    assert dask and "LocalCluster(n_workers=2" in dask[0] and "processes=True" in dask[0]


def test_conf_needs_no_network(conf):
    for ext in ("sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.napoleon",
                "sphinx.ext.mathjax", "sphinx_gallery.gen_gallery", "myst_parser"):
        assert ext in conf["extensions"]
    assert "sphinx.ext.intersphinx" not in conf["extensions"]
    assert not conf.get("intersphinx_mapping")
    assert conf["release"] == symehp.__version__
