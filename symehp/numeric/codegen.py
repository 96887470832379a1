"""Code generation: the symbolic EHP kernel compiled into a NumPy function.

The closed forms of :mod:`.spectra` need wide-band leads.  This module is the
general route from the symbolic layer to numbers (PyDy-style): the SymPy
kernel ``tr[M^m A_a(e) M^n A_b(e - w)] / (2 pi)`` of :func:`symehp.ehp.kernel`
is lambdified once per model and channel, with one common-subexpression
elimination over all K x K entries, and cached by a hash of the printed
expression.  The Fermi factors are applied numerically (:mod:`.stats`), so the
generated code holds no overflow-prone ``exp`` and no ``Piecewise``.

Use it for quadrature-based checks and for models whose spectra have no closed
form; it is also an independent check of the pole expansion.  The generated
source is kept on the object (``.source``) for inspection.
"""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .. import ehp
from ..errors import ParameterError
from ..symbols import eps as _eps, omega as _omega
from .stats import fermi

__all__ = ["CompiledKernel", "compile_kernel", "integrand"]

_CACHE = {}


@dataclass(frozen=True, eq=False)
class CompiledKernel:
    """A vectorized NumPy function for ``tr[M^m A_a(e) M^n A_b(e - w)] / (2 pi)``.

    Call as ``kernel(energy, omega, **params)``; ``params`` gives values for
    the model's remaining symbols, by name.  Returns shape
    ``broadcast(energy, omega, params).shape + (K, K)``.
    """

    channel: ehp.Channel
    expr: sp.ImmutableMatrix
    params: tuple
    func: object
    source: str

    def __call__(self, energy, omega, **params):
        missing = [str(s) for s in self.params if str(s) not in params]
        extra = set(params) - {str(s) for s in self.params}
        if missing or extra:
            raise ParameterError(
                f"kernel parameters: missing {missing or 'none'}, unexpected {sorted(extra) or 'none'}")
        args = [np.asarray(energy, float), np.asarray(omega, float)]
        args += [np.asarray(params[str(s)], float) for s in self.params]
        shape = np.broadcast_shapes(*(a.shape for a in args))
        k = self.expr.rows
        values = self.func(*args)
        out = np.empty(shape + (k, k), dtype=complex)
        for idx, val in enumerate(values):
            out[..., idx // k, idx % k] = np.broadcast_to(val, shape)
        return out


def compile_kernel(model, channel) -> CompiledKernel:
    """Compile the symbolic kernel of ``channel`` for ``model`` (cached)."""
    ch = ehp.channel(channel)
    expr = ehp.kernel(model, ch)
    params = tuple(sorted(model.free_symbols, key=str))
    key = hashlib.sha256((sp.srepr(expr) + repr(params)).encode()).hexdigest()
    if key not in _CACHE:
        entries = list(expr)                     # row-major K*K entries
        func = sp.lambdify((_eps, _omega) + params, entries, modules="numpy", cse=True)
        _CACHE[key] = CompiledKernel(ch, expr, params, func, inspect.getsource(func))
    return _CACHE[key]


def integrand(model, channel, energy, omega, *, which="dos", mu_L, mu_R, T_L, T_R, **params):
    """The energy integrand of ``Lambda`` (``which="dos"``), ``Pi^<`` (``"emission"``)
    or ``Pi^>`` (``"absorption"``) from the compiled symbolic kernel, (..., K, K)."""
    ch = ehp.channel(channel)
    kern = compile_kernel(model, ch)(energy, omega, **params)
    mus, temps = {"L": mu_L, "R": mu_R}, {"L": T_L, "R": T_R}
    x_a = np.asarray(energy, float) - mus[ch.alpha]
    x_b = np.asarray(energy, float) - np.asarray(omega, float) - mus[ch.beta]
    f_a, f_b = fermi(x_a, temps[ch.alpha]), fermi(x_b, temps[ch.beta])
    weights = {"dos": f_b - f_a,
               "emission": f_a * fermi(-x_b, temps[ch.beta]),       # f_a (1 - f_b)
               "absorption": f_b * fermi(-x_a, temps[ch.alpha])}    # f_b (1 - f_a)
    if which not in weights:
        raise ParameterError(f"which must be 'dos', 'emission' or 'absorption', got {which!r}")
    return kern * np.asarray(weights[which])[..., None, None]
