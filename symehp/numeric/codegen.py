"""Code generation: the symbolic EHP kernel compiled into a NumPy function.

The closed forms of :mod:`symehp.numeric.spectra` need wide-band leads.  This module is the
general route from the symbolic layer to numbers (PyDy-style): the SymPy
kernel ``tr[M^m A_a(e) M^n A_b(e - w)] / (2 pi)`` of :func:`symehp.ehp.kernel`
is lambdified once per model and channel, with one common-subexpression
elimination over all K x K entries, and cached by a hash of the printed
expression.  The Fermi factors are applied numerically (:mod:`.stats`), so the
generated code holds no overflow-prone ``exp`` and no ``Piecewise``.

Use it for quadrature-based checks and for models whose spectra have no closed
form; it is also an independent check of the pole expansion.  The generated
source is kept on the object (``.source``) for inspection.

The per-pole-pair closed form of :mod:`symehp.derivations.pole_pair` is
generated too (:func:`generate_pair_kernel`, :func:`generate_bose_kernel`):
``X_pq`` from precomputed digamma values and the Bose weight ``d n_B(d, T)``,
as NumPy functions or compiled by numba.  For numba the lambdified source is
written to a real module file in a per-user cache directory
(:func:`cache_dir`), named by a hash of the source and never rewritten, and
imported from there, so that ``numba.njit(cache=True)`` keeps the machine
code on disk across processes (numba caches only functions defined in files).
"""

from __future__ import annotations

import builtins
import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sympy as sp

from .. import ehp
from ..errors import ParameterError
from ..symbols import eps as _eps, omega as _omega
from .stats import fermi

__all__ = ["CompiledKernel", "compile_kernel", "integrand", "GeneratedPairKernel",
           "PAIR_BACKENDS", "generate_pair_kernel", "generate_bose_kernel", "cache_dir"]

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
        from ._args import real_array
        args = [real_array(energy, "energy"), real_array(omega, "omega")]
        args += [real_array(params[str(s)], str(s)) for s in self.params]
        try:
            shape = np.broadcast_shapes(*(a.shape for a in args))
        except ValueError:
            raise ParameterError("energy, omega and the kernel parameters must broadcast "
                                 f"together, got shapes {[a.shape for a in args]}") from None
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


# ---------------------------------------------------------------- pole-pair kernels

#: the backends of :func:`generate_pair_kernel` and :func:`generate_bose_kernel`
PAIR_BACKENDS = ("numpy", "numba")

_GENERATED = {}


@dataclass(frozen=True, eq=False)
class GeneratedPairKernel:
    """An element-wise function generated from the pole-pair derivation.

    Attributes
    ----------
    name : str
        ``"x_pair"`` (:func:`generate_pair_kernel`) or ``"x_bose"``
        (:func:`generate_bose_kernel`); the name of the generated function.
    backend : str
        ``"numpy"`` or ``"numba"``.
    args : tuple of str
        The argument names, in call order.
    expr : sympy.Basic
        The expression the code was generated from.
    func : callable
        The function: NumPy arrays or scalars in (broadcast together), the
        values out (a 0-d array for scalar input where ``where`` is used).
    source : str
        The generated Python source (for numba: the whole module file).
    path : pathlib.Path or None
        The module file the numba function was imported from (None for NumPy).

    Notes
    -----
    Calling the object calls ``func``.
    """

    name: str
    backend: str
    args: tuple
    expr: sp.Basic
    func: object
    source: str
    path: object = None

    def __call__(self, *args):
        return self.func(*args)


def cache_dir() -> Path:
    """The directory of the generated module files (not created here).

    ``$SYMEHP_CACHE_DIR/codegen`` if ``SYMEHP_CACHE_DIR`` is set, else
    ``$XDG_CACHE_HOME/symehp/codegen`` (default ``~/.cache/symehp/codegen``).
    numba keeps its on-disk cache in ``__pycache__`` below it.
    """
    root = os.environ.get("SYMEHP_CACHE_DIR")
    if root:
        return Path(root).expanduser() / "codegen"
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(xdg).expanduser() / "symehp" / "codegen"


def _check_backend(backend):
    if not isinstance(backend, str) or backend not in PAIR_BACKENDS:
        raise ParameterError(f"backend must be one of {PAIR_BACKENDS}, got {backend!r}")
    if backend == "numba":
        try:
            return importlib.import_module("numba")
        except ImportError as exc:
            raise ParameterError(
                "backend='numba' needs numba, which is not installed: "
                "pip install -e '.[fast]' (or use backend='numpy')") from exc
    return None


try:                                     # SymPy >= 1.9 keeps the NumPy printer here
    from sympy.printing.numpy import NumPyPrinter as _NumPyPrinter
except ImportError:                      # pragma: no cover
    from sympy.printing.pycode import NumPyPrinter as _NumPyPrinter


class _KernelPrinter(_NumPyPrinter):
    """NumPy printer whose output numba compiles for arrays and scalars alike:
    ``Piecewise`` as nested ``where`` (not ``select``), ``Abs`` as ``absolute``
    (numba's builtin ``abs`` takes no arrays)."""

    def _print_Piecewise(self, expr):
        where = self._module_format("numpy.where")
        *pieces, (last, cond) = expr.args
        if cond != sp.true:
            raise ValueError("Piecewise without a final True condition cannot be generated")
        text = self._print(last)
        for value, cond in reversed(pieces):
            text = f"{where}({self._print(cond)}, {self._print(value)}, {text})"
        return text

    def _print_Abs(self, expr):
        return f"{self._module_format('numpy.absolute')}({self._print(expr.args[0])})"


def _printer():
    # the settings lambdify gives its own printers: names unqualified, from the numpy namespace
    return _KernelPrinter({"fully_qualified_modules": False, "inline": True,
                           "allow_unknown_functions": True, "user_functions": {}})


def _pair_expression():
    from ..derivations.pole_pair import kernel_expression
    args, expr = kernel_expression()
    return args, expr


def _bose_expression():
    """The stable Bose weight with the division guarded at ``d = 0``.

    ``where`` evaluates both branches; ``|d|`` in the generic branch is
    replaced by ``T`` at ``d = 0`` (where the branch is discarded), so that
    NumPy never meets ``0/0`` (no warning) and numba no division by zero.
    """
    from ..derivations.pole_pair import BOSE_ARGS, bose_weight
    d, T = BOSE_ARGS
    stable = bose_weight()["stable"]
    (at_zero, cond), (branch, _) = stable.args
    guard = sp.Piecewise((T, sp.Eq(d, 0)), (sp.Abs(d), True))
    return BOSE_ARGS, sp.Piecewise((at_zero, cond), (branch.xreplace({sp.Abs(d): guard}), True))


_EXPRESSIONS = {"x_pair": _pair_expression, "x_bose": _bose_expression}


def _module_file(name, source, directory):
    """Write ``source`` to ``directory/<name>_<hash>.py`` unless it is there already
    (an unchanged file keeps numba's cache valid); atomic against concurrent writers."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(f"cannot create the codegen cache directory {directory} ({exc}); "
                      "set SYMEHP_CACHE_DIR to a writable directory") from exc
    path = directory / f"{name}_{digest}.py"
    if not (path.is_file() and path.read_text() == source):
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}_", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(source)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    return path


def _import_file(path):
    """Import the module file ``path`` under a name unique to its location and contents."""
    key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    mod_name = f"_symehp_codegen_{path.stem}_{key}"
    module = sys.modules.get(mod_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(mod_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[mod_name]
            raise
    return module


def _module_source(name, func, args, expr):
    """A standalone module defining ``name``: the lambdified source plus its NumPy imports."""
    body = inspect.getsource(func).replace("def _lambdifygenerated(", f"def {name}(", 1)
    names = sorted(n for n in func.__code__.co_names if n in func.__globals__
                   and getattr(np, n, None) is func.__globals__[n])
    unknown = [n for n in func.__code__.co_names
               if n not in names and not hasattr(builtins, n)]
    if unknown:
        raise RuntimeError(f"generated code for {name} uses unknown names {unknown}")
    header = (f'"""Generated by symehp.numeric.codegen ({name}); do not edit.\n\n'
              f"{name}({', '.join(str(a) for a in args)}) = {sp.sstr(expr)}\n"
              '"""\n\n')
    imports = f"from numpy import {', '.join(names)}\n\n\n" if names else "\n"
    return header + imports + body


def _generate(name, backend):
    numba = _check_backend(backend)
    directory = cache_dir() if backend == "numba" else None
    key = (name, backend, None if directory is None else str(directory))
    cached = _GENERATED.get(key)
    if cached is not None:
        return cached
    args, expr = _EXPRESSIONS[name]()
    func = sp.lambdify(args, expr, modules="numpy", cse=True, printer=_printer())
    arg_names = tuple(str(a) for a in args)
    if backend == "numpy":
        out = GeneratedPairKernel(name, backend, arg_names, expr, func, inspect.getsource(func))
    else:
        source = _module_source(name, func, args, expr)
        path = _module_file(name, source, directory)
        module = _import_file(path)
        # error_model="numpy": 0/0 gives nan (as NumPy), not ZeroDivisionError
        compiled = numba.njit(cache=True, error_model="numpy")(getattr(module, name))
        out = GeneratedPairKernel(name, backend, arg_names, expr, compiled, source, path)
    _GENERATED[key] = out
    return out


def generate_pair_kernel(backend="numpy") -> GeneratedPairKernel:
    """The generic pole-pair value ``X_pq`` as generated code (cached per backend).

    ``func(phi_a_p, phi_b_pw, phi_a_qw, phi_b_q, d, h)`` returns

        X_pq = [Phi_a(p) - Phi_b(p - w) - Phi_a(q + w) + Phi_b(q)] / (d h)

    (:func:`symehp.derivations.pole_pair.kernel_expression`), from the
    precomputed primitives ``Phi_c = Phi(.; mu_c, T)`` of
    :mod:`.fermi_integrals` (complex, dimensionless; any regularization
    constant common to a family cancels), ``d = w - mu_ab`` (real) and
    ``h = p - q - w`` (complex), energy units; arrays broadcast.  So
    ``Lambda = -(d/2 pi) sum_pq T_pq X_pq``.  Generic pairs only: at the
    removable points ``d = 0`` or ``h = 0`` the result is inf/nan (use the
    limits of :func:`~symehp.derivations.pole_pair.removable_limits`, or
    :mod:`.diagonal_spectra`, which resolves them).

    Parameters
    ----------
    backend : {"numpy", "numba"}
        ``"numpy"``: ``sympy.lambdify(..., modules="numpy", cse=True)``.
        ``"numba"``: the same source written to :func:`cache_dir`, imported,
        and compiled with ``numba.njit(cache=True)`` (needs the extra
        ``fast``; :class:`~symehp.errors.ParameterError` without numba).
    """
    return _generate("x_pair", backend)


def generate_bose_kernel(backend="numpy") -> GeneratedPairKernel:
    """The Bose weight ``x_bose(d, T) = d n_B(d, T)`` as generated code (cached per backend).

    The ``"stable"`` form of :func:`symehp.derivations.pole_pair.bose_weight`:
    ``|d| exp(-|d|/T) / (-expm1(-|d|/T)) + max(-d, 0)``, and ``T`` at ``d = 0``;
    no overflow, no ``0/0``, full relative precision for ``d`` of either sign.
    ``d`` and ``T > 0`` in energy units, real; the result in energy units.
    Multiplies ``-(1/2 pi) sum_pq T_pq X_pq`` in ``Pi^<``.  ``backend`` as in
    :func:`generate_pair_kernel`.
    """
    return _generate("x_bose", backend)
