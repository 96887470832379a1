"""symehp's own Sphinx extension: the module pages of the API reference and
a few docstring hooks.

* :func:`write_module_pages` writes ``api/modules/*.rst`` (one page per public
  module, and their index) when the builder starts;
* module-level data get the ``#:`` comment of the module that defines them,
  never the docstring of their value's type;
* properties and data keep their docstrings as written (napoleon would read a
  first line ``text: more`` as ``type: description``);
* autosummary's one-line summaries are not cut at "Eq." or "Fig.".
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from sphinx.pycode import ModuleAnalyzer

import symehp

# The module pages (api/modules/*.rst) are written here, not by autosummary's
# recursive mode: autosummary reads ``symehp.sweep`` as the function ``sweep`` of
# ``symehp`` (``from .sweep import sweep`` shadows the module), and likewise
# ``symehp.applications.cold_spot`` and ``.rectification``.  Each page holds the
# module's docstring and, in full, the members of its ``__all__`` that it defines;
# the names of ``symehp.__all__`` are documented once, on their ``symehp.NAME``
# page (api.rst), and only linked from the module that defines them, so every
# object has one description and every cross-reference one target.

#: command-line front ends: documented by ``symehp --help``, not here
_NOT_MODULES = {"symehp.__main__", "symehp.cli", "symehp.cli_current", "symehp.quickstart",
                # former names of symehp.numeric.mp.spectra / .currents (the same modules)
                "symehp.numeric.precise", "symehp.numeric.precise_currents"}

#: members left out of the pages, each with the reason
_NOT_DOCUMENTED: set[str] = set()

#: the top-level modules, by layer, in reading order (others go to "Other modules")
_LAYERS = {
    "Symbolic model": ["symehp.model", "symehp.models", "symehp.leads", "symehp.symbols",
                       "symehp.greens", "symehp.modes", "symehp.ehp"],
    "Proofs and closed forms": ["symehp.verify", "symehp.closed_forms", "symehp.derivations",
                                "symehp.printing"],
    "Numbers": ["symehp.numeric", "symehp.sweep", "symehp.conditions", "symehp.units",
                "symehp.modelfile"],
    "Inputs from other codes": ["symehp.interop"],
    "Applications and figures": ["symehp.applications", "symehp.figures"],
    "Errors": ["symehp.errors"],
}


def _public_modules():
    names = [info.name for info in pkgutil.walk_packages(symehp.__path__, "symehp.")
             if not any(part.startswith("_") for part in info.name.split("."))
             and info.name not in _NOT_MODULES]
    return {name: importlib.import_module(name) for name in sorted(names)}


def _defines(module, name, value):
    """Whether ``module`` defines ``name`` (not just imports it)."""
    if inspect.ismodule(value):
        return False
    if inspect.isclass(value) or inspect.isfunction(value):
        return value.__module__ == module.__name__
    # data (e.g. ``CHANNELS``): assigned at the top level of the module's source
    return re.search(rf"^{re.escape(name)}\s*[:=]", inspect.getsource(module), re.M) is not None


def _members(module):
    """(kind, name) of the members of ``__all__`` that ``module`` defines."""
    out = []
    for name in getattr(module, "__all__", ()):
        value = getattr(module, name, None)
        if value is None or not _defines(module, name, value):
            continue
        if inspect.isclass(value):
            kind = "exception" if issubclass(value, BaseException) else "class"
        elif inspect.isfunction(value):
            kind = "function"
        else:
            kind = "data"
        out.append((kind, name))
    return out


def _page(name, module, modules, top, documented):
    lines = [name, "=" * len(name), "", f".. automodule:: {name}", "   :no-members:"]
    if name in documented:            # the module symehp.sweep vs the function symehp.sweep
        lines.append("   :no-index:")
    lines += ["", f".. currentmodule:: {name}", ""]
    members = [(kind, member) for kind, member in _members(module)
               if f"{name}.{member}" not in _NOT_DOCUMENTED]
    linked = [(member, top[id(getattr(module, member))]) for _, member in members
              if id(getattr(module, member)) in top]
    own = [(kind, member) for kind, member in members if id(getattr(module, member)) not in top]
    if linked:
        refs = ", ".join(f":py:obj:`{member} <{target}>`" for member, target in linked)
        lines += [f"Documented with the package: {refs}.", ""]
    if own:
        lines += [".. rubric:: Summary", "", ".. autosummary::", "   :nosignatures:", ""]
        lines += [f"   {member}" for _, member in own]
        lines.append("")
        for kind, member in own:
            lines += [f".. auto{kind}:: {member}"]
            if kind in ("class", "exception"):
                lines.append("   :members:")
            lines.append("")
    children = [m for m in modules if m.rpartition(".")[0] == name]
    if children:
        lines += [".. rubric:: Modules", ""] + _module_list(children, modules)
    return "\n".join(lines)


def _summary(module):
    """The first line of a module's docstring."""
    doc = (module.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


def _module_list(names, modules):
    """A list of links to module pages with their summaries, and the (hidden) toctree.
    (Not an autosummary table: that would read ``symehp.sweep`` as the function.)"""
    lines = [f"* :doc:`{m} <{m}>`: {_summary(modules[m])}" for m in names]
    return lines + ["", ".. toctree::", "   :hidden:", ""] + [f"   {m}" for m in names] + [""]


def _index(modules):
    top_level = [m for m in modules if m.count(".") == 1]
    layers = {k: [m for m in v if m in modules] for k, v in _LAYERS.items()}
    listed = {m for v in layers.values() for m in v}
    others = [m for m in top_level if m not in listed]
    if others:
        layers["Other modules"] = others
    lines = ["Module reference", "================", "",
             "The layers of symehp, module by module: each page has the module's own notes",
             "(the derivation, the conventions it uses) and the members it defines.  The",
             "names of ``symehp.__all__`` are documented once, in the :doc:`/api`, and",
             "linked from the module that defines them.", ""]
    for title, names in layers.items():
        lines += [title, "-" * len(title), ""] + _module_list(names, modules)
    return "\n".join(lines)


def write_module_pages(out):
    """Write the module pages and their index into ``out``; files are only
    touched when they change (so that incremental builds stay incremental)."""
    modules = _public_modules()
    top = {id(getattr(symehp, name)): f"symehp.{name}" for name in symehp.__all__
           if not isinstance(getattr(symehp, name), type(symehp))}
    documented = set(top.values()) | {f"{name}.{member}" for name, module in modules.items()
                                      for _, member in _members(module)}
    pages = {name: _page(name, module, modules, top, documented)
             for name, module in modules.items()}
    pages["index"] = _index(modules)
    out.mkdir(parents=True, exist_ok=True)
    for stale in set(p.stem for p in out.glob("*.rst")) - set(pages):
        (out / f"{stale}.rst").unlink()
    for name, text in pages.items():
        path = out / f"{name}.rst"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)



def _data_docstring(app, what, name, obj, options, lines):
    """Module-level data: the ``#:`` comment where the value is defined, never the
    docstring of the value's type (autodoc falls back to it: ``symehp.CHANNELS``
    would read "Built-in immutable sequence", a SymPy symbol the Symbol class's)."""
    if what != "data":
        return
    type_doc = inspect.getdoc(type(obj)) or ""
    if lines and type_doc and lines[0].strip() == type_doc.splitlines()[0].strip():
        lines[:] = []
    if lines:
        return
    short = name.rpartition(".")[2]
    for modname, module in _public_modules().items():
        if getattr(module, short, None) is obj and _defines(module, short, obj):
            comment = ModuleAnalyzer.for_module(modname).find_attr_docs().get(("", short))
            if comment:
                lines[:] = list(comment)
            return


#: docstrings of properties and data, kept from napoleon (see _keep_as_written)
_AS_WRITTEN: dict[str, list[str]] = {}
_ATTRIBUTES = ("attribute", "data", "property")


def _keep_as_written(app, what, name, obj, options, lines):
    """Properties and data keep their docstrings as written.

    napoleon reads their first line Google-style, ``type: description``, and
    turns the text before the first colon into a "Type" field; symehp's
    docstrings are not written that way ("Couplings ``M^k``: a tuple of K ...",
    "defaults for Figs. 2 and 3 (the paper gives none): energy units" are
    sentences).  napoleon does nothing else to these docstrings (no sections),
    so the text it received is put back after it ran (priority 500)."""
    if what in _ATTRIBUTES:
        _AS_WRITTEN[name] = list(lines)


def _restore_as_written(app, what, name, obj, options, lines):
    if what in _ATTRIBUTES and name in _AS_WRITTEN:
        lines[:] = _AS_WRITTEN.pop(name)


def _builder_inited(app):
    write_module_pages(Path(app.srcdir) / "api" / "modules")


def _abbreviations():
    """autosummary's tables show a docstring's first sentence, cut at the first
    period: "Energy current J ..., Eq. (8)." would read "..., Eq.".  It knows a few
    abbreviations ("e.g.", "et al."); the paper's references are added."""
    from sphinx.ext import autosummary

    extra = ("Eq.", "Eqs.", "Fig.", "Figs.")
    known = tuple(getattr(autosummary, "WELL_KNOWN_ABBREVIATIONS", ()))
    autosummary.WELL_KNOWN_ABBREVIATIONS = known + tuple(a for a in extra if a not in known)


def setup(app):
    _abbreviations()
    app.connect("builder-inited", _builder_inited)
    app.connect("autodoc-process-docstring", _data_docstring, priority=400)
    app.connect("autodoc-process-docstring", _keep_as_written, priority=450)
    app.connect("autodoc-process-docstring", _restore_as_written, priority=550)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
