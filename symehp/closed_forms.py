"""Closed forms of the EHP spectra of Eqs. (6)-(7) as SymPy expressions.

Symbolic layer (SymPy only, nothing is evaluated numerically here except the
pole expansion of a purely numeric model, see below).  Units hbar = e = k_B = 1:
energies, frequencies, temperatures and chemical potentials share one unit;
the spectra ``Lambda`` and ``Pi^<`` are energies (``M^2`` times a rate).

Conventions (``docs/conventions.md``, "Spectra (Eqs. 5-7)"), equal electrode
temperatures ``T_a = T_b = T``:

* ``Lambda^{ab}_{mn}(w) = - int de/(2 pi) tr[M^m A_a(e) M^n A_b(e - w)] (f(e - mu_a) - f(e - w - mu_b))``
* ``Pi^<_{ab,mn}(w)   =   int de/(2 pi) tr[M^m A_a(e) M^n A_b(e - w)] f(e - mu_a) (1 - f(e - w - mu_b))``
  ``= n_B(w - mu_ab, T) Lambda^{ab}_{mn}(w)``, since
  ``f(x)(1 - f(y)) = n_B(x - y)(f(y) - f(x))`` with ``x - y = w - mu_ab``.

Derivation
----------
1. Poles.  Wide band: ``G^r(e) = [e - H_eff]^-1``, ``H_eff = H - i(Gamma_L + Gamma_R)/2
   = R diag(z) R^-1`` (``Im z_j < 0``).  With ``P_j = R[:, j] R^-1[j, :]``,
   ``A_a(e) = sum_p W^a_p / (e - p)`` over ``p in {z_j, conj z_j}``, where
   ``W^a_{z_j} = sum_k P_j Gamma_a P_k^+ / (z_j - conj z_k)`` and ``W^a_{conj z_j} = (W^a_{z_j})^+``.
   So ``tr[M^m A_a(e) M^n A_b(e - w)] = sum_{pq} T_pq / ((e - p)(e - w - q))`` with
   ``T_pq = tr[M^m W^a_p M^n W^b_q]``.  Computed in the rank-one form of
   :mod:`symehp.numeric.poles` (``W^a_p = u^a_p v^a_p``, ``T_{mn,pq} = C^{ba}_{m,qp}
   C^{ab}_{n,pq}`` with ``C^{ab}_m = V^a M^m U^b``), the same construction as the
   numeric layers, with SymPy or mpmath entries.
2. Partial fractions in ``e``: ``1/((e - p)(e - w - q)) = [1/(e - p) - 1/(e - w - q)] / (p - w - q)``,
   or ``1/(e - p)^2`` when ``p = w + q`` (coincident poles: ``w = p - q`` real needs
   ``Im p = Im q``, e.g. the paper's resonance ``gamma1 = gamma2, w = eps1 - eps2``).
3. Fermi integrals.  With the Matsubara sum ``f(x) = 1/2 - T sum_n 1/(x - i w_n)``
   and each term closed in its half-plane,

       "int de f(e - mu, T) / (e - z)" = Phi_s(z - mu) + const,
       Phi_s(x) = psi(1/2 + s x / (2 pi i T)) + c_s,    c_s = s i pi/2,

   ``s = sign(Im z)`` (the pole family); ``const`` (``-log`` of a cutoff) is
   common to all poles and drops out because the two fractions of every pair
   have opposite residues.  ``c_s`` is the regularization constant of family
   ``s``: it differs between the families, so it does matter for a single
   Fermi integral (it carries ``(1/2) int K de``, the ``1/2`` of the Matsubara
   sum).  Coincident poles: ``int f/(e - p)^2 = Phi_s'(p - mu)`` (trigamma).
4. Spectrum.  With ``P = p - mu_a``, ``Q = w + q - mu_a`` and ``d = w - mu_ab``,
   the ``f_b`` integral is the ``f_a`` one shifted by ``d``:

       Lambda = -(1/2 pi) sum_pq T_pq [Phi(P) - Phi(P - d) - Phi(Q) + Phi(Q - d)] / (P - Q).

   Each family enters a pair once with ``+`` and once with ``-``, so ``c_s``
   cancels pair by pair: ``(c_{s_p} - c_{s_p} - c_{s_q} + c_{s_q}) = 0`` - in every
   spectrum, for any values of the constants (:func:`regularization_residual`).
   Coincident pair: ``[Phi'(P) - Phi'(P - d)]``.  At ``d = 0`` ``Lambda = 0`` and
   ``Pi^< = n_B(d) Lambda`` has the limit ``-(T/2 pi) sum T_pq [Phi'(P) - Phi'(Q)]/(P - Q)``
   (``Phi''(P)`` when also ``P = Q``).
5. Compact (real) form.  For real parameters the pair ``(conj p, conj q)`` gives
   the complex conjugate of ``(p, q)`` with ``T^{mn} -> conj T^{nm}``, and
   ``psi(1/2 - i x/(2 pi T)) = conj psi(1/2 + i conj(x)/(2 pi T))``.  Hence
   ``Lambda = -(U + U^+)/(2 pi)``, where ``U`` holds only the digammas of the lower
   family, ``psi(1/2 + i (z - mu)/(2 pi T))`` with ``Re(arg) > 1/2``; the diagonal is
   ``-Re U_mm / pi``.

At ``T = 0`` (:func:`zero_temperature_closed_form`) the same partial fractions
are integrated between the Fermi edges, ``e in [mu_b + w, mu_a]``, into logs and
arctangents: no limit of the digamma form is taken.

Models: any wide-band :class:`~symehp.model.Junction` whose ``H_eff`` SymPy can
diagonalize.  Diagonal ``H_eff`` (e.g. :func:`~symehp.model.two_level` without
hopping) is exact for symbolic or exact-number entries; other symbolic models go
through ``Matrix.diagonalize`` (correct, but the radicals make the expressions
large: the symbolic two-level model with hopping gives ~1e5 operations at T > 0
and ~4e6 at T = 0); models with Float entries or non-diagonal numeric ``H_eff``
are diagonalized with ``mpmath.eig`` at ``dps`` digits (entries read exactly: a
double stays that double) and carry ``Float`` coefficients of ``dps`` digits.

Coincidences (``omega = mu_ab``, coincident poles) are recognised from the
arguments given to the builder: exact zeros of ``omega - mu_ab`` and
``p - omega - q``, or Float differences below ``10^-(dps-10)``.  A form built
with symbolic ``omega`` and then evaluated at such a point meets ``0/0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath as mp
import numpy as np
import sympy as sp

from .ehp import channel as _channel
from .printing import PaperLatexPrinter
from .errors import ModelError, ParameterError
from .numeric.poles import expand, from_eigensystem
from .symbols import T_e as _T_e, bose, eps as _eps, mu_L as _mu_L, mu_R as _mu_R, omega as _omega

__all__ = ["SymbolicPoles", "pole_expansion", "kernel_pole_sum", "fermi_primitive",
           "REGULARIZATION", "fermi_integral_closed_form", "ehp_dos_closed_form",
           "emission_closed_form", "emission_two_temperature_closed_form", "fermi_pole_set",
           "regularization_residual", "zero_temperature_closed_form",
           "to_latex"]

#: regularization constants ``c_s`` of the two pole families (``s = +1``: upper half-plane)
REGULARIZATION = {1: sp.I * sp.pi / 2, -1: -sp.I * sp.pi / 2}

#: default number of digits of the Float coefficients of a numeric, non-diagonal model
DPS = 40


# ---------------------------------------------------------------- small helpers

def _tidy(expr):
    """Light simplification of a small coefficient (no blind simplify, no factoring over
    Q(i), which is slow): numbers are evaluated, symbolic rational functions cancelled."""
    expr = sp.sympify(expr)
    if not expr.free_symbols:
        if expr.has(sp.Float):
            prec = max(f._prec for f in expr.atoms(sp.Float))
            return sp.N(expr, mp.libmp.prec_to_dps(prec))
        return sp.expand(expr)
    if expr.has(sp.Float):
        return sp.expand(expr)
    if any(not p.exp.is_Integer for p in expr.atoms(sp.Pow)):
        return expr     # radicals (eigenvalues of a symbolic non-diagonal H_eff): cancel stalls
    return sp.factor_terms(sp.cancel(sp.together(expr)))


def _is_zero(expr, tol):
    """Exact zero test of a small expression; numbers with Floats: ``|expr| <= tol``."""
    expr = sp.expand(sp.sympify(expr))
    if expr == 0 or expr.is_zero:
        return True
    if expr.is_number:
        if expr.has(sp.Float):
            return abs(complex(expr)) <= tol
        return False
    if not expr.has(sp.Float) and sp.cancel(expr) == 0:
        return True
    return False


def _to_mp(value):
    """A SymPy number as an mpmath number, exactly (a double stays that double)."""
    re_, im_ = sp.sympify(value).as_real_imag()
    prec = mp.mp.dps + 10

    def conv(x):
        x = sp.Float(x, prec) if not isinstance(x, sp.Float) else x
        return mp.mpf(x._mpf_)
    return mp.mpc(conv(re_), conv(im_))


def _from_mp(value, dps):
    value = mp.mpc(value)
    out = sp.Float(value.real._mpf_, dps)
    if value.imag != 0:
        out += sp.I * sp.Float(value.imag._mpf_, dps)
    return out


# ---------------------------------------------------------------- pole expansion

@dataclass(frozen=True, eq=False)
class SymbolicPoles:
    """Poles and residues of the wide-band spectral functions of a model, as SymPy objects.

    A SymPy view of the rank-one :class:`~symehp.numeric.poles.PoleExpansion`
    (``expansion``), whose residue and trace formulas it uses.

    Attributes
    ----------
    poles : tuple of sympy expressions
        ``z_j`` (eigenvalues of ``H_eff``, lower half-plane) followed by their
        conjugates.  Energy units.
    family : tuple of int
        ``-1`` for the ``z_j``, ``+1`` for the conjugates.
    expansion : PoleExpansion
        The rank-one expansion: SymPy entries (exact or symbolic models) or
        mpmath entries at ``dps + 15`` digits (numeric, non-diagonal models).
    M : tuple of sympy Matrix
        The couplings ``M^k`` of the model.
    dps : int or None
        Numeric expansions: digits of the Float coefficients (None: exact).

    Notes
    -----
    ``residues`` (dict electrode -> tuple of sympy Matrix ``W^a_p``, with
    ``A_a(e) = sum_p W^a_p / (e - p)``, dimensionless) and :meth:`traces` are
    made from ``expansion`` on first use.
    """

    poles: tuple
    family: tuple
    expansion: object
    M: tuple
    dps: int = None

    @property
    def lower(self):
        """Indices of the poles of the lower family (the ``z_j``)."""
        return tuple(i for i, s in enumerate(self.family) if s < 0)

    def _to_sympy(self, value):
        """An entry of the expansion as a SymPy coefficient (exact zero kept exact)."""
        if self.dps is None:
            return _tidy(value)
        return _from_mp(value, self.dps) if value != 0 else sp.S.Zero

    def _converted(self, compute):
        """``compute()`` (object arrays of the expansion's entries) as SymPy entries."""
        if self.dps is None:
            return np.vectorize(self._to_sympy, otypes=[object])(compute())
        with mp.workdps(self.dps + 15):
            return np.vectorize(self._to_sympy, otypes=[object])(compute())

    @property
    def residues(self):
        """``W^a_p = u^a_p v^a_p`` per electrode, a tuple of ``sympy.ImmutableMatrix``."""
        cache = self.__dict__.setdefault("_residues", {})
        if not cache:
            for name in ("L", "R"):
                w = self._converted(lambda name=name: self.expansion.residues[name])
                cache[name] = tuple(sp.ImmutableMatrix(w_p.tolist()) for w_p in w)
        return cache

    def traces(self, ch):
        """``T^{ab}_{mn,pq} = tr[M^m W^a_p M^n W^b_q]`` as nested lists ``[m][n][p][q]``.

        From the pole-basis couplings, ``T_{mn,pq} = C^{ba}_{m,qp} C^{ab}_{n,pq}``
        (:attr:`~symehp.numeric.poles.PoleExpansion.traces`).
        """
        ch = _channel(ch)
        key = (ch.alpha, ch.beta)
        cache = self.__dict__.setdefault("_traces", {})
        if key not in cache:
            cache[key] = self._converted(lambda: self.expansion.traces[key]).tolist()
        return cache[key]


def _is_diagonal(mat):
    return all(_is_zero(mat[i, j], 0) for i in range(mat.rows) for j in range(mat.cols) if i != j)


def _objects(mat):
    """A SymPy Matrix as an object array of its entries."""
    return np.array(sp.Matrix(mat).tolist(), dtype=object).reshape(mat.shape)


def pole_expansion(model, *, dps=DPS):
    """The :class:`SymbolicPoles` of ``model`` (a :class:`~symehp.model.Junction`).

    ``H_eff = H - i (Gamma_L + Gamma_R)/2`` is diagonalized exactly when it has
    symbols (SymPy ``diagonalize`` unless it is diagonal) or is a diagonal matrix
    of exact numbers; otherwise (Floats, or non-diagonal numbers) with
    ``mpmath.eig`` at ``dps`` digits (plus 15 guard digits), the entries read
    exactly.  Either eigen-decomposition goes through the one rank-one
    construction of :func:`symehp.numeric.poles.from_eigensystem`.  Levels
    decoupled from both leads (real eigenvalue) carry no spectral weight and
    are dropped.
    """
    h_eff = sp.Matrix(model.H) - sp.I * (sp.Matrix(model.gamma_L) + sp.Matrix(model.gamma_R)) / 2
    n = model.N
    gammas = {"L": sp.Matrix(model.gamma_L), "R": sp.Matrix(model.gamma_R)}
    exact = bool(h_eff.free_symbols) or not any(
        x.has(sp.Float) for mat in (model.H, model.gamma_L, model.gamma_R) for x in mat)
    if h_eff.free_symbols or (exact and _is_diagonal(h_eff)):
        if _is_diagonal(h_eff):
            z = [h_eff[i, i] for i in range(n)]
            right = sp.eye(n)
            left = sp.eye(n)
        else:
            try:
                right, diag = h_eff.diagonalize()
            except sp.matrices.exceptions.MatrixError as exc:
                raise ModelError(f"H_eff is not diagonalizable (exceptional point): {exc}") from exc
            z = [diag[i, i] for i in range(n)]
            left = right.inv()
        keep = [j for j in range(n) if not _is_zero(sp.im(z[j]), 0)]
        expansion = from_eigensystem(
            np.array([z[j] for j in keep], dtype=object).reshape(len(keep)),
            _objects(right)[:, keep], _objects(left)[keep, :],
            _objects(gammas["L"]), _objects(gammas["R"]),
            np.array([_objects(mk) for mk in model.M], dtype=object).reshape(len(model.M), n, n),
            backend="sympy", model=model, simplify=_tidy)
        poles = tuple(expansion.poles)
        return SymbolicPoles(poles, tuple(int(s) for s in expansion.family), expansion,
                             tuple(model.M))
    # numeric, non-diagonal: mpmath at dps digits (plus guard), Floats of dps digits
    with mp.workdps(dps + 15):
        # entries read exactly, H_eff formed in mpmath (SymPy would round Float sums to 53 bits)
        def entries(mat):
            return np.array([[_to_mp(mat[i, j]) for j in range(n)] for i in range(n)],
                            dtype=object).reshape(n, n)
        m_entries = np.array([entries(mk) for mk in model.M], dtype=object).reshape(
            len(model.M), n, n)
        expansion = expand(entries(model.H), entries(gammas["L"]), entries(gammas["R"]),
                           m_entries, backend="mpmath", model=model)
        poles = tuple(_from_mp(x, dps) for x in expansion.poles)
    return SymbolicPoles(poles, tuple(int(s) for s in expansion.family), expansion,
                         tuple(model.M), dps)


def kernel_pole_sum(model, ch, *, eps=_eps, omega=_omega, dps=DPS, poles=None):
    """``tr[M^m A_a(e) M^n A_b(e - w)] / (2 pi)`` rebuilt from the poles (K x K Matrix).

    ``sum_pq T_pq / ((e - p)(e - w - q)) / (2 pi)``: the same function as
    :func:`symehp.ehp.kernel`, written as the sum the closed forms integrate.
    """
    ch = _channel(ch)
    poles = pole_expansion(model, dps=dps) if poles is None else poles
    tr = poles.traces(ch)
    k = len(poles.M)
    idx = range(len(poles.poles))
    return sp.ImmutableMatrix(k, k, lambda m, n: sp.Add(*[
        tr[m][n][p][q] / ((eps - poles.poles[p]) * (eps - omega - poles.poles[q]))
        for p in idx for q in idx if tr[m][n][p][q] != 0]) / (2 * sp.pi))


# ---------------------------------------------------------------- Fermi primitive

def fermi_primitive(x, T, family, *, order=0, constants=None):
    """``Phi_s^{(k)}(x)``: the regularized ``int de f(e - mu, T)/(e - z)``, ``x = z - mu``.

    ``Phi_s(x) = psi(1/2 + s x/(2 pi i T)) + c_s`` for the pole family ``s``
    (``+1``: ``Im z > 0``, ``-1``: ``Im z < 0``); ``order`` k >= 1 gives the k-th
    derivative in ``x``, ``polygamma(k, .) (s/(2 pi i T))^k`` (no constant).
    ``constants`` maps ``s -> c_s`` (default :data:`REGULARIZATION`, ``c_s = s i pi/2``).
    ``x`` and ``T`` in energy units; ``T > 0`` (see :func:`zero_temperature_closed_form`).
    """
    s = 1 if family > 0 else -1
    arg = sp.Rational(1, 2) - sp.I * s * x / (2 * sp.pi * T)
    if order == 0:
        consts = REGULARIZATION if constants is None else constants
        return sp.digamma(arg) + consts[s]
    return sp.polygamma(order, arg) * (-sp.I * s / (2 * sp.pi * T)) ** order


# ---------------------------------------------------------------- pair terms

@dataclass(frozen=True)
class _Term:
    """``coef * Phi_family^{(order)}(x)``."""
    coef: object
    order: int
    family: int
    x: object


def _setup(model, ch, omega, mu_L, mu_R, dps, poles):
    ch = _channel(ch)
    mus = {"L": sp.sympify(mu_L), "R": sp.sympify(mu_R)}
    poles = pole_expansion(model, dps=dps) if poles is None else poles
    return ch, mus[ch.alpha], mus[ch.beta], sp.sympify(omega), poles


def _tol(dps):
    return sp.Float(10) ** (-(dps - 10))


def _pair_terms(p, q, s_p, s_q, omega, mu_a, mu_b, what, tol):
    """Terms of one pole pair (p, q), up to the trace ``T_pq``.

    what = "dos":  [Phi(P) - Phi(P - d) - Phi(Q) + Phi(Q - d)]/(P - Q)   (-> Lambda = -(1/2pi) sum T .)
    what = "d0":   [Phi'(P) - Phi'(Q)]/(P - Q)                            (the d -> 0 limit / d)
    what = "a"/"b": the single Fermi integral of side a / b: [Phi(X) - Phi(Y)]/(P - Q)
    """
    d = omega - mu_a + mu_b
    P, Q = p - mu_a, omega + q - mu_a
    gap = sp.expand(p - omega - q)
    coincident = s_p == s_q and _is_zero(gap, tol)
    if what == "dos":
        if coincident:
            return [_Term(1, 1, s_p, P), _Term(-1, 1, s_p, P - d)]
        c = 1 / gap
        return [_Term(c, 0, s_p, P), _Term(-c, 0, s_p, P - d),
                _Term(-c, 0, s_q, Q), _Term(c, 0, s_q, Q - d)]
    if what == "d0":
        if coincident:
            return [_Term(1, 2, s_p, P)]
        c = 1 / gap
        return [_Term(c, 1, s_p, P), _Term(-c, 1, s_q, Q)]
    if what in ("a", "b"):
        mu = mu_a if what == "a" else mu_b
        shift = 0 if what == "a" else omega
        if coincident:
            return [_Term(1, 1, s_p, p - shift - mu)]
        c = 1 / gap
        return [_Term(c, 0, s_p, p - shift - mu), _Term(-c, 0, s_q, omega + q - shift - mu)]
    raise ValueError(what)


def _all_terms(poles, ch, omega, mu_a, mu_b, what, tol, *, lower_only):
    """``{(m, n): [terms]}`` of ``sum_pq T^{mn}_pq (pair terms)``; p over all poles, or
    over the lower family only (``lower_only``)."""
    tr = poles.traces(ch)
    k = len(poles.M)
    ps = poles.lower if lower_only else range(len(poles.poles))
    out = {(m, n): [] for m in range(k) for n in range(k)}
    for p in ps:
        for q in range(len(poles.poles)):
            if all(tr[m][n][p][q] == 0 for m in range(k) for n in range(k)):
                continue
            pair = _pair_terms(poles.poles[p], poles.poles[q], poles.family[p], poles.family[q],
                               omega, mu_a, mu_b, what, tol)
            for m in range(k):
                for n in range(k):
                    t = tr[m][n][p][q]
                    if t != 0:
                        out[(m, n)] += [_Term(t * term.coef, term.order, term.family, term.x)
                                        for term in pair]
    return out


def _render_full(terms, T, constants):
    return sp.Add(*[t.coef * fermi_primitive(t.x, T, t.family, order=t.order, constants=constants)
                    for t in terms])


def _lower_sums(terms_by_entry, k):
    """``U_mn``: lower-family terms of entry (m, n) plus the conjugated upper-family
    terms of entry (n, m), collected per (order, x); returns ``{(m, n): {(order, x): coef}}``."""
    out = {(m, n): {} for m in range(k) for n in range(k)}
    for (m, n), terms in terms_by_entry.items():
        for t in terms:
            if t.family < 0:
                target, coef, x = (m, n), t.coef, t.x
            else:
                # conj[c Phi_+^(k)(x)] = conj(c) Phi_-^(k)(conj x) (+ a constant for k = 0)
                target, coef, x = (n, m), sp.conjugate(t.coef), sp.conjugate(t.x)
            key = (t.order, sp.expand(x))
            bucket = out[target]
            bucket[key] = bucket.get(key, 0) + coef
    for entry in out.values():
        for key in list(entry):
            entry[key] = _tidy(entry[key])
            if entry[key] == 0:
                del entry[key]
    return out


def _render_lower(collected, T):
    """``sum_k C_k Phi_-^{(order)}(x_k)`` without constants, coefficient and chain factor merged."""
    parts = []
    for (order, x), coef in collected.items():
        arg = sp.Rational(1, 2) + sp.I * x / (2 * sp.pi * T)
        factor = (sp.I / (2 * sp.pi * T)) ** order
        parts.append(coef * factor * sp.polygamma(order, arg) if order else coef * sp.digamma(arg))
    return sp.Add(*parts)


def _hermitian_form(u, k, prefactor):
    """``prefactor (U + U^+)``: the diagonal as ``2 Re U_mm`` (unevaluated)."""
    def entry(m, n):
        if m == n:
            return prefactor * 2 * sp.re(u[(m, m)], evaluate=False) if u[(m, m)] != 0 else sp.S.Zero
        return prefactor * (u[(m, n)] + sp.conjugate(u[(n, m)], evaluate=False))
    return sp.ImmutableMatrix(k, k, entry)


def _spectrum(model, ch, omega, T, mu_L, mu_R, form, constants, dps, poles, which):
    if form not in ("compact", "pole_sum"):
        raise ParameterError(f"form must be 'compact' or 'pole_sum', got {form!r}")
    ch, mu_a, mu_b, omega, poles = _setup(model, ch, omega, mu_L, mu_R, dps, poles)
    T = sp.sympify(T)
    if T.is_zero:
        return zero_temperature_closed_form(model, ch, omega=omega, mu_L=mu_L, mu_R=mu_R,
                                            which=which, dps=dps, poles=poles)
    if T.is_positive is False:
        raise ParameterError(
            f"T must be positive (use zero_temperature_closed_form at T = 0), got {T}")
    k = len(poles.M)
    tol = _tol(dps)
    d = sp.expand(omega - mu_a + mu_b)
    at_mu = _is_zero(d, tol)
    if which == "dos":
        if at_mu:
            return sp.ImmutableMatrix(sp.zeros(k, k))
        what, prefactor = "dos", -1 / (2 * sp.pi)
    else:
        if at_mu:       # lim d n_B(d, T) = T: the first-derivative form
            what, prefactor = "d0", -T / (2 * sp.pi)
        else:
            what, prefactor = "dos", -bose(d, T) / (2 * sp.pi)
    if form == "pole_sum":
        terms = _all_terms(poles, ch, omega, mu_a, mu_b, what, tol, lower_only=False)
        return sp.ImmutableMatrix(k, k, lambda m, n: prefactor * _render_full(terms[(m, n)], T,
                                                                              constants))
    terms = _all_terms(poles, ch, omega, mu_a, mu_b, what, tol, lower_only=True)
    u = _lower_sums(terms, k)
    u = {key: _render_lower(val, T) for key, val in u.items()}
    return _hermitian_form(u, k, prefactor)


# ---------------------------------------------------------------- public spectra

def ehp_dos_closed_form(model, channel, *, omega=_omega, T=_T_e, mu_L=_mu_L, mu_R=_mu_R,
                        form="compact", constants=None, dps=DPS, poles=None):
    """``Lambda^{ab}_{mn}(omega)`` (Eq. 7) at electron temperature ``T`` as a K x K SymPy Matrix.

    Parameters
    ----------
    model : Junction
        Symbolic or numeric wide-band model.
    channel : str, int or Channel
        ``"LL"``, ``"RR"``, ``"RL"``, ``"LR"`` (or the paper's labels 1-4).
    omega, T, mu_L, mu_R : sympy expressions or numbers
        Boson energy, common electrode temperature (``T_L = T_R = T > 0``; ``T = 0``
        delegates to :func:`zero_temperature_closed_form`), chemical potentials.
        Energy units (hbar = e = k_B = 1).
    form : ``"compact"`` or ``"pole_sum"``
        ``"pole_sum"``: ``-(1/2 pi) sum_pq T_pq [Phi(P) - Phi(P-d) - Phi(Q) + Phi(Q-d)]/(P-Q)``
        over all pole pairs, with the regularization constants written out
        (``constants``; they cancel).  ``"compact"``: ``-(U + U^+)/(2 pi)`` with the
        conjugate pairs combined, only lower-family digammas, diagonal as
        ``-Re(U_mm)/pi``; needs real parameters (the symehp symbols are real).
    constants : dict ``{+1: c_+, -1: c_-}``, optional
        Regularization constants of the ``"pole_sum"`` form (default ``s i pi/2``).
    dps : int
        Digits of the Float coefficients of a numeric non-diagonal model, and the
        tolerance (``10^-(dps-10)``) for recognising coincident Float poles.

    Notes
    -----
    Coincident poles (``p = omega + q`` exactly for the given expressions, e.g.
    ``two_level().subs(gamma_2, gamma_1)`` at ``omega = eps1 - eps2``) come out as
    their exact limit with ``polygamma(1, .)``; ``omega = mu_ab`` gives 0.
    """
    return _spectrum(model, channel, omega, T, mu_L, mu_R, form, constants, dps, poles, "dos")


def emission_closed_form(model, channel, *, omega=_omega, T=_T_e, mu_L=_mu_L, mu_R=_mu_R,
                         form="compact", constants=None, dps=DPS, poles=None):
    """Emission spectrum ``Pi^<_{ab,mn}(omega)`` at ``T_L = T_R = T`` (K x K SymPy Matrix).

    ``Pi^< = int de/(2pi) K f_a (1 - f_b) = n_B(omega - mu_ab, T) Lambda`` through the
    identity ``f(x)(1 - f(y)) = n_B(x - y)(f(y) - f(x))``, so the same closed form as
    :func:`ehp_dos_closed_form` times the Bose factor.  At ``omega = mu_ab``
    the removable singularity is taken, ``Pi^< = -(T/2 pi) sum T_pq [Phi'(P) - Phi'(Q)]/(P - Q)``
    (trigamma; ``Phi''`` = polygamma(2, .) where the poles coincide too), when the
    arguments make ``omega - mu_ab`` exactly zero: numbers, or ``omega=mu_L - mu_R``.
    The generic form evaluated at ``omega = mu_ab`` is ``0 * oo`` (NaN, or noise
    under ``evalf``): build the form at that point instead.
    Arguments as in :func:`ehp_dos_closed_form`.
    """
    return _spectrum(model, channel, omega, T, mu_L, mu_R, form, constants, dps, poles,
                     "emission")


def fermi_pole_set(n, dps=DPS):
    """The ``n`` Fermi poles ``xi_j`` and residues ``r_j`` (Ozaki's continued fraction) as
    SymPy Floats of ``dps`` digits: ``f(x; T) ~ 1/2 - sum_j r_j T [1/(x - i xi_j T) +
    1/(x + i xi_j T)]`` (:mod:`symehp.numeric.fermi_poles`, which holds the error bound).

    ``xi_j = 1/b_j`` for the positive eigenvalues ``b_j`` of the ``2n x 2n`` tridiagonal
    matrix with zero diagonal and off-diagonal ``beta_m = 1/(2 sqrt((2m-1)(2m+1)))``, and
    ``r_j = v_0^2 / (4 b_j^2)`` with ``v_0`` the first component of the unit eigenvector.
    The eigenvalues from SciPy (double precision) are refined by Newton's method on the
    characteristic polynomial ``chi`` (the monic three-term recurrence, a Sturm sequence)
    in mpmath at ``dps + 10`` digits, and ``v_0^2 = chi^(1)(b) / chi'(b)`` with
    ``chi^(1)`` the characteristic polynomial of the matrix without its first row and
    column: O(n^2) operations, where a dense eigensolver at this precision costs O(n^3)
    and minutes (and the eigenvector's own recurrence is unstable).
    """
    from .numeric.fermi_poles import fermi_poles
    n = int(n)
    if n < 1:
        raise ParameterError(f"n_poles must be a positive integer, got {n}")
    start, _ = fermi_poles(n)
    xi, r = [], []
    with mp.workdps(dps + 10):
        size = 2 * n
        beta2 = [mp.mpf(1) / (4 * (2 * m - 1) * (2 * m + 1)) for m in range(1, size)]  # beta_m^2

        def chi(b, first):
            # monic chi_k(b) = b chi_{k-1} - beta_{k-1}^2 chi_{k-2} over rows first .. size-1
            c_prev, c = mp.mpf(0), mp.mpf(1)
            d_prev, d = mp.mpf(0), mp.mpf(0)
            for k in range(first, size):
                back = beta2[k - 1] if k > first else mp.mpf(0)
                c_prev, c, d_prev, d = c, b * c - back * c_prev, d, c + b * d - back * d_prev
            return c, d

        for x0 in start:
            b = 1 / mp.mpf(float(x0))
            for _ in range(100):
                value, slope = chi(b, 0)
                step = value / slope
                b -= step
                if abs(step) <= abs(b) * mp.mpf(10) ** (-(dps + 8)):
                    break
            _, slope = chi(b, 0)
            minor, _ = chi(b, 1)
            xi.append(sp.Float(1 / b, dps))
            r.append(sp.Float(minor / slope / (4 * b * b), dps))
    return xi, r


def emission_two_temperature_closed_form(model, channel, *, omega=_omega, T_L, T_R, mu_L=_mu_L,
                                         mu_R=_mu_R, n_poles=None, window=None, dps=DPS,
                                         poles=None):
    """Emission spectrum ``Pi^<_{ab,mn}(omega)`` at ``T_a != T_b`` with Fermi pole sums (K x K).

    ``Pi^< = int de/(2pi) K f_a (1 - f_b)``.  With ``x = e - omega - mu_b`` and
    ``delta(x) = f(x, T_a) - f(x, T_b)``:

        Pi^< = Pi^<_{T_a}  +  (1/2pi) sum_pq T_pq sum_z c_z Psi[p, omega + q, z],

    the first term the equal-temperature emission at ``T_a`` (:func:`emission_closed_form`),
    the second the Fermi pole sums of ``delta``: ``z = omega + mu_b -+ i xi_j T_c`` with
    ``c_z = r_j T_b`` (``T_c = T_b``) or ``-r_j T_a`` (``T_c = T_a``), both half-planes;
    ``Psi(u) = Phi_a(u) - log(u - L)`` with ``Phi_a`` the Fermi primitive of electrode
    ``a`` at ``T_a`` (:func:`fermi_primitive`, the family of ``u``), ``L = omega + mu_b -
    window``, and ``Psi[., ., .]`` the second divided difference.  The ``log`` term is the
    pole sums' tail below the window, subtracted exactly (docs/conventions.md).

    Parameters
    ----------
    T_L, T_R : positive numbers or SymPy expressions
        The electrode temperatures (``T_a`` and ``T_b`` are those of the channel's
        electrodes; a channel with ``T_a = T_b`` gives :func:`emission_closed_form`).
    n_poles : int or (int, int), optional
        Fermi poles per temperature, ``(n_a, n_b)``.  Default (numbers only): the rule
        of :func:`symehp.numeric.fermi_poles.pole_count` for the window, which keeps
        ``|delta - delta_N| <= 4e-14`` on it.
    window : number or expression, optional
        The half-width ``X`` of the window in ``x``; default (numbers only)
        ``max(40 max(T_a, T_b), |omega - mu_ab| + 40 T_a)``.
    dps : int
        Digits of the Float poles and residues (and of a numeric model's coefficients).

    The result is a sum of ``O(P^2 (n_a + n_b))`` digamma terms: evaluate it with
    ``evalf`` at the digits you need.  Distinct points are assumed (no Fermi pole on a
    kernel pole, no coincident pair ``p = omega + q``); numbers that coincide raise
    ``ParameterError``.
    """
    ch, mu_a, mu_b, omega, poles = _setup(model, channel, omega, mu_L, mu_R, dps, poles)
    temps = {"L": sp.sympify(T_L), "R": sp.sympify(T_R)}
    T_a, T_b = temps[ch.alpha], temps[ch.beta]
    for name, t in (("T_L", temps["L"]), ("T_R", temps["R"])):
        if t.is_positive is False:
            raise ParameterError(f"{name} must be positive for the Fermi pole sums, got {t}")
    first = emission_closed_form(model, ch, omega=omega, T=T_a, mu_L=mu_L, mu_R=mu_R,
                                 dps=dps, poles=poles, form="pole_sum")
    if sp.simplify(T_a - T_b) == 0:
        return first
    d = sp.expand(omega - mu_a + mu_b)
    numbers = all(x.is_number for x in (d, T_a, T_b))
    if window is None:
        if not numbers:
            raise ParameterError("window must be given when omega, mu or T are symbolic")
        window = max(40 * max(T_a, T_b), abs(d) + 40 * T_a)
    window = sp.sympify(window)
    if n_poles is None:
        if not (numbers and window.is_number):
            raise ParameterError("n_poles must be given when omega, mu or T are symbolic")
        from .numeric.fermi_poles import pole_count
        n_poles = (int(pole_count(float(window / T_a))), int(pole_count(float(window / T_b))))
    if isinstance(n_poles, int):
        n_poles = (n_poles, n_poles)
    n_a, n_b = (int(x) for x in n_poles)
    c = omega + mu_b
    lower_end = c - window
    points = []                      # (z, family, weight)
    for n_c, T_c, sign in ((n_b, T_b, 1), (n_a, T_a, -1)):
        xi, r = fermi_pole_set(n_c, dps)
        for x_j, r_j in zip(xi, r):
            for fam in (-1, 1):
                points.append((c + fam * sp.I * x_j * T_c, fam, sign * r_j * T_c))

    def psi(u, fam):
        return fermi_primitive(u - mu_a, T_a, fam) - sp.log(u - lower_end)

    tol = _tol(dps)
    tr = poles.traces(ch)
    k = len(poles.M)
    size = len(poles.poles)
    out = [[sp.S.Zero] * k for _ in range(k)]
    for pi_ in range(size):
        for qi in range(size):
            entries = [(m, n) for m in range(k) for n in range(k) if tr[m][n][pi_][qi] != 0]
            if not entries:
                continue
            p, s_ = poles.poles[pi_], omega + poles.poles[qi]
            f_p, f_s = poles.family[pi_], poles.family[qi]
            if f_p == f_s and _is_zero(p - s_, tol):
                raise ParameterError("coincident pole pair p = omega + q: not supported by "
                                     "the two-temperature closed form")
            psi_p, psi_s = psi(p, f_p), psi(s_, f_s)
            pair = sp.S.Zero
            for z, f_z, weight in points:
                if (f_z == f_p and _is_zero(p - z, tol)) or (f_z == f_s and _is_zero(s_ - z, tol)):
                    raise ParameterError("a Fermi pole coincides with a kernel pole")
                pair += weight * (psi_p / ((p - s_) * (p - z)) + psi_s / ((s_ - p) * (s_ - z))
                                  + psi(z, f_z) / ((z - p) * (z - s_)))
            for m, n in entries:
                out[m][n] += tr[m][n][pi_][qi] * pair / (2 * sp.pi)
    return sp.ImmutableMatrix(k, k, lambda m, n: first[m, n] + out[m][n])


def fermi_integral_closed_form(model, channel, side, *, omega=_omega, T=_T_e, mu_L=_mu_L,
                               mu_R=_mu_R, constants=None, dps=DPS, poles=None):
    """One Fermi integral of the kernel: ``I_a`` or ``I_b`` (K x K SymPy Matrix).

    ``I_a = int de/(2 pi) tr[M^m A_a(e) M^n A_b(e - w)] f(e - mu_a, T)``,
    ``I_b`` the same with ``f(e - w - mu_b, T)``; ``Lambda = -(I_a - I_b)``.
    Unlike the spectra, a single integral depends on the regularization
    constants (through ``c_+ - c_-``): only ``c_s = s i pi/2`` is right.
    """
    if side not in ("a", "b"):
        raise ParameterError(f"side must be 'a' or 'b', got {side!r}")
    if sp.sympify(T).is_positive is not True:
        raise ParameterError(f"T must be a positive temperature for the digamma form, got {T}")
    ch, mu_a, mu_b, omega, poles = _setup(model, channel, omega, mu_L, mu_R, dps, poles)
    terms = _all_terms(poles, ch, omega, mu_a, mu_b, side, _tol(dps), lower_only=False)
    k = len(poles.M)
    return sp.ImmutableMatrix(k, k, lambda m, n: _render_full(terms[(m, n)], sp.sympify(T),
                                                              constants) / (2 * sp.pi))


def regularization_residual(model, channel, *, which="dos", omega=_omega, mu_L=_mu_L,
                            mu_R=_mu_R, dps=DPS, poles=None):
    """What the regularization constants contribute, with ``c_+``, ``c_-`` left as symbols.

    ``which="dos"``: the constant part of ``Lambda``'s pole sum (and so of
    ``Pi^< = n_B Lambda``): identically zero, pair by pair.  ``which="a"`` / ``"b"``:
    the constant part of the single Fermi integral ``I_a`` / ``I_b``,
    ``(c_+ - c_-)/(2 pi) sum_pq T_pq (s_p - s_q)/(2 (p - w - q))``: not zero; with
    ``c_s = s i pi/2`` it is half of ``int de K``.
    Returns ``(residual K x K Matrix, (c_plus, c_minus))``.
    """
    c_plus, c_minus = sp.symbols("c_+ c_-")
    ch, mu_a, mu_b, omega, poles = _setup(model, channel, omega, mu_L, mu_R, dps, poles)
    what = "dos" if which == "dos" else which
    terms = _all_terms(poles, ch, omega, mu_a, mu_b, what, _tol(dps), lower_only=False)
    consts = {1: c_plus, -1: c_minus}
    k = len(poles.M)

    def entry(m, n):
        total = sp.Add(*[t.coef * consts[t.family] for t in terms[(m, n)] if t.order == 0])
        return sp.collect(sp.expand(total), [c_plus, c_minus])
    return sp.ImmutableMatrix(k, k, entry), (c_plus, c_minus)


# ---------------------------------------------------------------- T = 0

def _real_imag(expr):
    re_, im_ = sp.sympify(expr).as_real_imag()
    return _tidy(re_), _tidy(im_)


def zero_temperature_closed_form(model, channel, *, omega=_omega, mu_L=_mu_L, mu_R=_mu_R,
                                 which="dos", dps=DPS, poles=None):
    """The exact ``T = 0`` spectrum in real form (logs and arctangents), K x K Matrix.

    At ``T = 0``, ``f_a - f_b = theta(mu_a - e) - theta(mu_b + w - e)``, so
    ``Lambda = -(1/2 pi) int_{mu_b + w}^{mu_a} de K(e)`` (an oriented integral: the sign
    flips when ``w > mu_ab``), and ``Pi^< = f_a (1 - f_b)`` weight: ``(1/2 pi) int_{mu_b + w}^{mu_a} K``
    when ``w < mu_ab``, 0 otherwise (``= -theta(mu_ab - w) Lambda``).  The kernel's
    partial fractions integrate to::

        int_{e1}^{e2} de/(e - r) = (1/2) log[((e2 - x)^2 + y^2)/((e1 - x)^2 + y^2)]
                                   + i sign(y) [atan((e2 - x)/|y|) - atan((e1 - x)/|y|)],

    ``r = x + i y`` (never on the real axis, so no branch cut is crossed), and
    ``int de/(e - r)^2 = 1/(e1 - r) - 1/(e2 - r)`` for coincident poles.  Conjugate
    pairs are combined (``Lambda = -(V + V^+)/(2 pi)``) and written with real
    functions: ``Re[C J(r)] = Re C * log-term/2 - Im C sign(y) atan-term``.

    ``which``: ``"dos"`` (Lambda) or ``"emission"`` (Pi^<).  Energy units.
    """
    if which not in ("dos", "emission"):
        raise ParameterError(f"which must be 'dos' or 'emission', got {which!r}")
    ch, mu_a, mu_b, omega, poles = _setup(model, channel, omega, mu_L, mu_R, dps, poles)
    tol = _tol(dps)
    e1, e2 = mu_b + omega, mu_a
    k = len(poles.M)
    tr = poles.traces(ch)
    # V_mn = sum_{p lower, q} T^{mn}_pq [J(p) - J(w + q)]/(p - w - q)  (or J2(p) when p = w + q);
    # the (conj p, conj q) pairs are the complex conjugates (T^{mn} -> conj T^{nm}).  A term
    # _Term(c, order, s, r) stands for c J(r) (order 0) or c J2(r) (order 1).
    terms = {(m, n): [] for m in range(k) for n in range(k)}
    for p in poles.lower:
        for q in range(len(poles.poles)):
            pp, qq = poles.poles[p], poles.poles[q]
            gap = sp.expand(pp - omega - qq)
            if poles.family[q] < 0 and _is_zero(gap, tol):
                pair = [_Term(1, 1, -1, pp)]
            else:
                pair = [_Term(1 / gap, 0, -1, pp), _Term(-1 / gap, 0, poles.family[q], omega + qq)]
            for m in range(k):
                for n in range(k):
                    t = tr[m][n][p][q]
                    if t != 0:
                        terms[(m, n)] += [_Term(t * x.coef, x.order, x.family, x.x) for x in pair]
    # conj J(r) = J(conj r) for real edges: every r moves to the lower half-plane
    v = _lower_sums(terms, k)

    def parts(bucket):
        """(Re V, Im V) of one entry as real expressions; every r = x + i y has y < 0."""
        re_total, im_total = [], []
        for (kind, r), coef in bucket.items():
            c_re, c_im = _real_imag(coef)
            x, y = _real_imag(r)
            if kind == 0:
                # int de/(e - r) = log-term/2 - i atan-term  (y < 0: sign(y) = -1)
                logs = sp.log(((e2 - x) ** 2 + y ** 2) / ((e1 - x) ** 2 + y ** 2)) / 2
                atans = sp.atan((e2 - x) / -y) - sp.atan((e1 - x) / -y)
                re_total.append(c_re * logs + c_im * atans)
                im_total.append(c_im * logs - c_re * atans)
            else:
                # 1/(e1 - r) - 1/(e2 - r), r = x + i y: real and imaginary parts
                den1, den2 = (e1 - x) ** 2 + y ** 2, (e2 - x) ** 2 + y ** 2
                j_re = (e1 - x) / den1 - (e2 - x) / den2
                j_im = y / den1 - y / den2
                re_total.append(c_re * j_re - c_im * j_im)
                im_total.append(c_re * j_im + c_im * j_re)
        return sp.Add(*re_total), sp.Add(*im_total)

    split = {key: parts(bucket) for key, bucket in v.items()}

    def entry(m, n):
        (re_mn, im_mn), (re_nm, im_nm) = split[(m, n)], split[(n, m)]
        if m == n:
            value = -re_mn / sp.pi
        else:
            value = -((re_mn + re_nm) + sp.I * (im_mn - im_nm)) / (2 * sp.pi)
        return value

    dos = sp.ImmutableMatrix(k, k, entry)
    if which == "dos":
        return dos
    d = sp.expand(omega - mu_a + mu_b)
    if _is_zero(d, tol):
        return sp.ImmutableMatrix(sp.zeros(k, k))
    window = sp.Piecewise((1, d < 0), (0, True))     # mu_b + w < mu_a: the window is open
    return sp.ImmutableMatrix(dos.applyfunc(lambda x: -window * x))


def to_latex(expr, **kwargs):
    """LaTeX of a closed form in a paper's notation (:func:`symehp.printing.latex`):
    ``\\psi``, ``\\psi'``, ``\\psi''`` for ``polygamma(0/1/2, .)``, ``\\mathrm{Re}``
    and ``\\mathrm{Im}``.  Keyword arguments are settings of SymPy's LaTeX printer."""
    return PaperLatexPrinter(kwargs).doprint(expr)