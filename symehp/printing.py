"""SymPy expressions printed in a paper's notation (one home for the LaTeX and text forms).

:class:`PaperLatexPrinter` and :class:`PaperPrettyPrinter` (with the shortcuts
:func:`latex` and :func:`pretty`) print ``psi``, ``psi'``, ``psi''`` for the
digamma, trigamma and tetragamma functions (SymPy's ``polygamma(0/1/2, z)``),
``Re``, ``Im``, ``tr``, ``arctan`` and ``e^x - 1`` for SymPy's ``re``, ``im``,
``Trace``, ``atan`` and ``expm1``, and the Greek letter for the symbol
``varepsilon`` in the pretty text.  ``symehp derive`` (:mod:`symehp.derivations`),
:func:`symehp.closed_forms.to_latex` and the documentation print through them.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.codegen.cfunctions import expm1
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import pretty_symbol, pretty_use_unicode
from sympy.printing.pretty.stringpict import prettyForm

__all__ = ["PaperLatexPrinter", "PaperPrettyPrinter", "latex", "pretty"]

#: a symbol named ``Re(X)`` or ``Im(X)`` stands for the real or imaginary part of ``X``
_PART_NAME = re.compile(r"(Re|Im)\((.+)\)")
#: the stem ``varepsilon`` of a symbol name (SymPy's pretty printer only knows ``epsilon``)
_VAREPSILON = re.compile(r"^varepsilon(?=$|[_^0-9])")
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076"
                                                  "\u2077\u2078\u2079")


def _paper_form(expr):
    """``expr`` with SymPy's numerical ``expm1(x)`` written as ``exp(x) - 1``, as a paper does."""
    if isinstance(expr, (sp.Basic, sp.MatrixBase)):
        return expr.replace(expm1, lambda x: sp.exp(x) - 1)
    return expr


def _polygamma_order(expr):
    """The order ``m`` of ``polygamma(m, z)`` as an int, or None when it is symbolic."""
    order = expr.args[0]
    return int(order) if order.is_Integer and order >= 0 else None


class PaperLatexPrinter(LatexPrinter):
    r"""SymPy's LaTeX printer in a paper's notation.

    * ``polygamma(m, z)``: ``\psi(z)``, ``\psi'(z)``, ``\psi''(z)`` for
      ``m = 0, 1, 2``, ``\psi^{(m)}(z)`` otherwise;
    * ``re``, ``im``, ``Trace``: ``\mathrm{Re}``, ``\mathrm{Im}``, ``\mathrm{tr}``;
    * ``atan`` and the other inverse trigonometric functions: ``\arctan``, ...;
    * ``expm1(x)``: ``e^{x} - 1`` (the expression is rewritten before printing);
    * a symbol named ``Re(X)`` or ``Im(X)``: ``\mathrm{Re}\,X``, ``\mathrm{Im}\,X``.
    """

    _default_settings = {**LatexPrinter._default_settings, "inv_trig_style": "full"}

    def doprint(self, expr):
        return super().doprint(_paper_form(expr))

    def _print_polygamma(self, expr, exp=None):
        order = _polygamma_order(expr)
        primes = {0: "", 1: "'", 2: "''"}
        head = (r"\psi" + primes[order] if order in primes
                else r"\psi^{(%s)}" % self._print(expr.args[0]))
        tex = r"%s{\left(%s \right)}" % (head, self._print(expr.args[1]))
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)

    def _print_part(self, part, expr, exp):
        tex = r"\mathrm{%s}{%s}" % (part, self.parenthesize(expr.args[0], PRECEDENCE["Atom"]))
        return self._do_exponent(tex, exp)

    def _print_re(self, expr, exp=None):
        return self._print_part("Re", expr, exp)

    def _print_im(self, expr, exp=None):
        return self._print_part("Im", expr, exp)

    def _print_Trace(self, expr):
        return r"\mathrm{tr}\left(%s \right)" % self._print(expr.arg)

    def _print_Symbol(self, expr, style="plain"):
        part = _PART_NAME.fullmatch(expr.name)
        if part is None or expr in self._settings["symbol_names"]:
            return super()._print_Symbol(expr, style=style)
        return r"\mathrm{%s}\,%s" % (part[1], self._deal_with_super_sub(part[2], style=style))


class PaperPrettyPrinter(PrettyPrinter):
    """SymPy's pretty printer in the notation of :class:`PaperLatexPrinter`.

    ``polygamma(m, z)`` prints as psi with ``m`` primes for ``m = 0, 1, 2`` and
    with a superscript ``(m)`` above (the Greek letter in unicode, ``psi'``
    in ASCII); ``re``/``im`` as ``Re``/``Im``; ``expm1(x)`` as ``e^x - 1``; a
    symbol whose name starts with ``varepsilon`` as the Greek epsilon, and one
    named ``Re(X)`` or ``Im(X)`` as that part of ``X``.
    """

    def doprint(self, expr):
        return super().doprint(_paper_form(expr))

    def _psi_name(self, order):
        """``psi`` with ``order`` primes (in unicode also a superscript ``(m)``), or
        None when there is no such name (a symbolic order)."""
        if order is None:
            return None
        if self._use_unicode:
            marks = {0: "", 1: "\u2032", 2: "\u2033"}          # prime, double prime
            superscript = f"\u207d{str(order).translate(_SUPERSCRIPT_DIGITS)}\u207e"   # (m)
            return "\u03c8" + marks.get(order, superscript)
        return "psi" + "'" * order if order <= 2 else None

    def _print_polygamma(self, expr):
        name = self._psi_name(_polygamma_order(expr))
        if name is None:
            return super()._print_Function(expr)
        return self._helper_print_function(expr.func, expr.args[1:], func_name=name)

    def _print_re(self, expr):
        return self._helper_print_function(expr.func, expr.args, func_name="Re")

    def _print_im(self, expr):
        return self._helper_print_function(expr.func, expr.args, func_name="Im")

    def _print_Symbol(self, e, bold_name=False):
        part = _PART_NAME.fullmatch(e.name)
        if part is not None:
            return prettyForm(f"{part[1]}({pretty_symbol(part[2], bold_name)})")
        return prettyForm(pretty_symbol(_VAREPSILON.sub("epsilon", e.name), bold_name))


def latex(expr):
    """``expr`` as LaTeX in a paper's notation (:class:`PaperLatexPrinter`)."""
    return PaperLatexPrinter().doprint(expr)


def pretty(expr, *, use_unicode=True):
    """``expr`` as 2-d text in a paper's notation (:class:`PaperPrettyPrinter`)."""
    printer = PaperPrettyPrinter({"use_unicode": use_unicode})
    previous = pretty_use_unicode(use_unicode)
    try:
        return printer.doprint(expr)
    finally:
        pretty_use_unicode(previous)
