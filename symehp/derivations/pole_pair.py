"""The per-pole-pair closed form of the equal-temperature EHP energy integral.

Symbolic layer (SymPy only).  Units hbar = e = k_B = 1: energies, frequencies,
chemical potentials and the temperature share one unit; the digamma
primitives ``Phi`` are dimensionless, so ``X_pq`` is in inverse energy squared.
Conventions of ``docs/conventions.md`` and :mod:`symehp.closed_forms`.

For wide-band leads the kernel of Eq. (7) is ``sum_pq T_pq / ((e - p)(e - w - q))``
over the simple poles ``p`` of ``A_a`` and ``q`` of ``A_b``.  At equal electrode
temperatures ``T > 0`` one pole pair contributes

    I_pq = int de (f_b(e - w) - f_a(e)) / ((e - p)(e - w - q)) = -d X_pq,
    X_pq = [Phi_a(p) - Phi_b(p - w) - Phi_a(q + w) + Phi_b(q)] / (d h),

with ``f_a(e) = f(e - mu_a, T)``, ``f_b(e - w) = f(e - w - mu_b, T)``,
``d = w - (mu_a - mu_b)``, ``h = p - q - w`` and ``Phi_c(z)`` the regularized
``int de f(e - mu_c, T)/(e - z)`` = ``psi(1/2 + s (z - mu_c)/(2 pi i T)) + s i pi/2``
of the pole family ``s = sign(Im z)``
(:func:`symehp.closed_forms.fermi_primitive`, :func:`symehp.numeric.fermi_integrals.phi`).
Then ``Lambda = -(d/2 pi) sum_pq T_pq X_pq`` and
``Pi^< = -(d n_B(d, T)/2 pi) sum_pq T_pq X_pq``.

Derivation (each step done by SymPy here):

1. partial fractions in ``e`` (:func:`partial_fractions`): two simple poles with
   opposite residues ``+-1/h``, so the divergent constant of a single Fermi
   integral (the log of a cutoff) cancels;
2. each simple pole integrated with the primitive (:func:`energy_integral`),
   ``int de f(e - w - mu_b)/(e - z) = Phi_b(z - w)`` (shift ``e -> e + w``);
3. ``X_pq = -I_pq/d`` simplified to the form above (:func:`pair_closed_form`);
   the family constants ``s i pi/2`` cancel pair by pair;
4. the removable singularities (:func:`removable_limits`), from the Taylor
   series of the generic form (:func:`check_limits`):

   * ``h -> 0`` (poles of one family with ``p = q + w``):
     ``X = [Phi_a'(p) - Phi_b'(p - w)] / d`` (trigamma);
   * ``d -> 0`` (``w = mu_ab``): ``X = [Phi_a'(p) - Phi_a'(q + w)] / h``;
   * both: ``X = Phi_a''(p)`` (tetragamma).

   With ``x = p - mu_a`` and ``Phi_c(z) = F(z - mu_c)`` (one analytic ``F`` per
   family), ``X = [F(x) - F(x - d) - F(x - h) + F(x - h - d)] / (d h)`` is the mean
   of ``F''`` over a parallelogram, analytic in ``d`` and ``h``;
5. the Bose weight ``d n_B(d, T)`` rewritten with ``sympy.codegen.rewriting``
   (``expm1``) and made finite at ``d = 0`` and free of overflow
   (:func:`bose_weight`).

:func:`kernel_expression` is the generic form in terms of precomputed
digamma values, the input of :func:`symehp.numeric.codegen.generate_pair_kernel`.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import expm1
from sympy.codegen.rewriting import expm1_opt, optimize

from ..closed_forms import fermi_primitive
from ..errors import ProofError
from ..symbols import bose, eps, fermi, omega

__all__ = ["NAME", "SUMMARY", "E", "W", "MU_A", "MU_B", "T", "P", "Q", "D", "H", "X",
           "PHI_A", "PHI_B", "KERNEL_ARGS", "BOSE_ARGS", "integrand", "partial_fractions",
           "energy_integral", "pair_closed_form", "to_digamma", "kernel_expression",
           "removable_limits", "check_limits", "bose_weight", "check_bose_weight", "derive"]

NAME = "pole_pair"
SUMMARY = ("per-pole-pair closed form X_pq of the equal-temperature energy integral, its "
           "removable limits (h -> 0, d -> 0, both) and the stable Bose weight d n_B(d)")

#: electron energy, boson frequency (energy units, real)
E, W = eps, omega
#: chemical potentials of the two electrodes of the channel (``a``: electron, ``b``: hole)
MU_A, MU_B = sp.symbols("mu_a mu_b", real=True)
#: common electrode temperature (> 0)
T = sp.Symbol("T", positive=True)
#: the two poles (complex): ``p`` of ``A_a(e)``, ``q`` of ``A_b(e - w)``
P, Q = sp.symbols("p q")
#: ``d = w - (mu_a - mu_b)`` (real) and ``h = p - q - w`` (complex)
D = sp.Symbol("d", real=True)
H = sp.Symbol("h")
#: ``x = p - mu_a``: the variable of the limit forms
X = sp.Symbol("x")
#: the regularized Fermi integrals ``Phi_c(z) = "int de f(e - mu_c, T)/(e - z)"``
PHI_A, PHI_B = sp.Function("Phi_a"), sp.Function("Phi_b")
#: the arguments of the generated pair kernel: the four digamma values, ``d`` and ``h``
KERNEL_ARGS = sp.symbols("phi_a_p phi_b_pw phi_a_qw phi_b_q") + (D, H)
#: the arguments of the generated Bose weight
BOSE_ARGS = (D, T)

_D_EXPR = W - MU_A + MU_B
_H_EXPR = P - Q - W
#: one analytic primitive per pole family, ``Phi_c(z) = F_s(z - mu_c)``, and its derivatives
#: ``F_s^(k)`` as functions of their own (SymPy's series does not expand ``Subs`` of
#: derivatives of undefined functions reliably)
_FK = {}


def _f(s, k=0):
    """``F_s^(k)``: the k-th derivative of the primitive of family ``s`` (undefined function)."""
    key = (s, k)
    if key not in _FK:
        _FK[key] = sp.Function(f"F{'_minus' if s < 0 else '_plus'}" + ("'" * k))
    return _FK[key]


def _normalize(expr):
    """Derivatives of the ``F_s^(k)`` (``Derivative`` and ``Subs`` objects) as ``F_s^(k+n)``."""
    order = {func: key for key, func in _FK.items()}
    expr = expr.doit()

    def as_function(deriv, point):
        inner = deriv.expr
        if getattr(inner, "func", None) not in order or len(deriv.variable_count) != 1:
            return None
        s, k = order[inner.func]
        return _f(s, k + deriv.derivative_count)(point)

    for sub in expr.atoms(sp.Subs):
        if isinstance(sub.expr, sp.Derivative) and len(sub.point) == 1:
            new = as_function(sub.expr, sub.point[0])
            if new is not None:
                expr = expr.xreplace({sub: new})
    for der in expr.atoms(sp.Derivative):
        if len(der.expr.args) == 1 and der.expr.args[0].is_Symbol:
            new = as_function(der, der.expr.args[0])
            if new is not None:
                expr = expr.xreplace({der: new})
    return expr


def _family(s):
    if s not in (-1, 1):
        raise ValueError(f"pole family must be -1 (lower half-plane) or +1 (upper), got {s!r}")
    return s


def _zero(expr):
    """Whether ``expr`` vanishes identically (cancel first, simplify if needed)."""
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    reduced = sp.cancel(sp.together(sp.expand(expr)))
    return reduced == 0 or sp.simplify(reduced) == 0


# ---------------------------------------------------------------- the generic pair

def integrand():
    """The energy integrand of one pole pair, ``(kernel, weight)``.

    ``kernel = 1/((e - p)(e - w - q))`` (inverse energy squared) and
    ``weight = f_b(e - w) - f_a(e) = f(e - w - mu_b, T) - f(e - mu_a, T)``
    (dimensionless), so that ``Lambda = (1/2 pi) sum_pq T_pq int de kernel * weight``.
    """
    return 1 / ((E - P) * (E - W - Q)), fermi(E - W - MU_B, T) - fermi(E - MU_A, T)


def partial_fractions():
    """``kernel = sum_k r_k / (e - z_k)`` by ``sympy.apart``: a tuple of ``(r_k, z_k)``.

    The poles are ``z = p`` and ``z = q + w`` with residues ``+1/h`` and ``-1/h``,
    ``h = p - q - w``.  Raises :class:`~symehp.errors.ProofError` unless the
    residues sum to zero (what makes the regularized integrals well defined).
    """
    kernel, _ = integrand()
    terms = []
    for term in sp.Add.make_args(sp.apart(kernel, E)):
        _, den = sp.fraction(sp.together(term))
        roots = [r for r in sp.solve(den, E)]
        if len(roots) != 1:
            raise ProofError(f"partial fraction {term} is not a simple pole in e",
                             proof_name="pole_pair.partial_fractions", residual=term)
        z = sp.expand(roots[0])
        terms.append((sp.factor(sp.cancel(term * (E - z))), z))
    total = sp.Add(*[r for r, _ in terms])
    if not _zero(total) or not _zero(sp.Add(*[r / (E - z) for r, z in terms]) - kernel):
        raise ProofError("partial fractions do not reproduce the kernel with zero residue sum",
                         proof_name="pole_pair.partial_fractions", residual=total)
    return tuple(terms)


def to_digamma(expr, family_q=-1, *, constants=None):
    """Replace ``Phi_a(z)``, ``Phi_b(z)`` by the digamma primitive of ``z``'s family.

    ``Phi_c(z) = fermi_primitive(z - mu_c, T, s)`` with ``s = -1`` for arguments
    built on ``p`` (lower half-plane) and ``s = family_q`` for those built on
    ``q`` (a real shift ``w`` keeps the family).  ``constants``: the
    regularization constants ``{+1: c_+, -1: c_-}`` (default ``s i pi/2``).
    """
    family_q = _family(family_q)
    mus = {PHI_A: MU_A, PHI_B: MU_B}

    def primitive(call):
        z = call.args[0]
        s = -1 if z.has(P) else family_q
        return fermi_primitive(z - mus[call.func], T, s, constants=constants)

    return expr.replace(lambda x: getattr(x, "func", None) in mus, primitive)


def energy_integral(family_q=-1, *, primitive=False):
    """``I_pq = int de (f_b(e - w) - f_a(e)) / ((e - p)(e - w - q))`` in closed form.

    From :func:`partial_fractions`, every simple pole ``r/(e - z)`` integrates
    to ``r [Phi_b(z - w) - Phi_a(z)]`` (``int de f(e - w - mu_b)/(e - z) = Phi_b(z - w)``
    by ``e -> e + w``).  ``primitive=False`` keeps ``Phi_a``, ``Phi_b`` as
    undefined functions (the result holds for any regularized Fermi integral);
    ``True`` substitutes the digamma primitive (:func:`to_digamma`).  Energy
    units: ``1/energy`` (dimensionless ``Phi`` over ``h``).
    """
    total = sp.Add(*[r * (PHI_B(z - W) - PHI_A(z)) for r, z in partial_fractions()])
    return to_digamma(total, family_q) if primitive else total


def pair_closed_form(family_q=-1, *, primitive=True):
    """``X_pq = -I_pq / d`` as the four-term form of the module docstring.

    ``X_pq = [Phi_a(p) - Phi_b(p - w) - Phi_a(q + w) + Phi_b(q)] / (d h)`` with
    ``d = w - mu_a + mu_b`` and ``h = p - q - w`` written out in ``w``,
    ``mu_a``, ``mu_b``, ``p``, ``q``; ``p`` is a lower-half-plane pole, ``q`` of
    family ``family_q``.  Checked against ``-I/d`` of :func:`energy_integral`
    (:class:`~symehp.errors.ProofError` otherwise), and with ``primitive``
    (digammas) that the family constants cancel.  Inverse energy squared.
    """
    family_q = _family(family_q)
    target = (PHI_A(P) - PHI_B(P - W) - PHI_A(Q + W) + PHI_B(Q)) / (_D_EXPR * _H_EXPR)
    derived = -energy_integral(family_q) / _D_EXPR
    if not _zero(derived - target):
        raise ProofError("-I/d does not reduce to the four-term pair form",
                         proof_name="pole_pair.pair_closed_form", residual=derived - target)
    if not primitive:
        return target
    out = to_digamma(target, family_q)
    c_plus, c_minus = sp.symbols("c_+ c_-")
    free = to_digamma(target, family_q, constants={1: c_plus, -1: c_minus})
    if not _zero(free - out):
        raise ProofError("the regularization constants do not cancel in X_pq",
                         proof_name="pole_pair.pair_closed_form", residual=free - out)
    return out


def kernel_expression():
    """The generic ``X_pq`` in the arguments of the generated kernel: ``(args, expr)``.

    ``args = KERNEL_ARGS = (phi_a_p, phi_b_pw, phi_a_qw, phi_b_q, d, h)``: the
    precomputed ``Phi_a(p)``, ``Phi_b(p - w)``, ``Phi_a(q + w)``, ``Phi_b(q)``
    (complex, dimensionless, any consistent regularization: the constants
    cancel), ``d = w - mu_ab`` (real) and ``h = p - q - w`` (complex), energy
    units.  Obtained from :func:`pair_closed_form` by substitution, so it is
    the derived form, not a retyped one.
    """
    phis = dict(zip((PHI_A(P), PHI_B(P - W), PHI_A(Q + W), PHI_B(Q)), KERNEL_ARGS[:4]))
    expr = pair_closed_form(primitive=False).xreplace(phis)
    expr = sp.factor(expr.subs({MU_B: D - W + MU_A}).subs({Q: P - W - H}))
    extra = expr.free_symbols - set(KERNEL_ARGS)
    if extra:
        raise ProofError(f"kernel expression depends on {extra}",
                         proof_name="pole_pair.kernel_expression", residual=expr)
    return KERNEL_ARGS, expr


# ---------------------------------------------------------------- removable limits

def _parallelogram(family_q):
    """The generic form in ``x = p - mu_a``, ``d``, ``h`` with ``Phi_c(z) = F_s(z - mu_c)``."""
    mus = {PHI_A: MU_A, PHI_B: MU_B}

    def in_f(call):
        z = call.args[0]
        s = -1 if z.has(P) else family_q
        return _f(s)(z - mus[call.func])

    form = pair_closed_form(family_q, primitive=False)
    form = form.replace(lambda x: getattr(x, "func", None) in mus, in_f)
    form = form.subs({MU_B: MU_A - W + D}).subs({Q: MU_A + X - W - H}).subs({P: MU_A + X})
    return sp.expand(form)


def _series_limit(expr, var):
    """``lim_{var -> 0} expr`` for ``expr = N / (var * R)`` with ``N(0) = 0``, by the
    Taylor series of the numerator; :class:`ProofError` if it is not removable."""
    num, den = sp.fraction(sp.together(expr))
    rest = sp.cancel(den / var)
    if sp.cancel(den.subs(var, 0)) != 0 or _zero(rest.subs(var, 0)):
        raise ProofError(f"{var} -> 0 is not a simple removable point of the denominator {den}",
                         proof_name="pole_pair.limit", residual=den)
    series = sp.expand(_normalize(sp.series(num, var, 0, 2).removeO()))
    value = series.subs(var, 0)
    if not _zero(value):
        raise ProofError(f"the numerator does not vanish at {var} = 0",
                         proof_name="pole_pair.limit", residual=value)
    return sp.expand(series.coeff(var, 1) / rest.subs(var, 0))


def _to_x(expr):
    """A form in the pole variables rewritten in ``x = p - mu_a``, ``d``, ``h``."""
    return sp.expand(expr.subs({MU_B: MU_A - W + D}).subs({Q: MU_A + X - W - H})
                     .subs({P: MU_A + X}))


def _digamma_f(expr):
    """Every ``F_s^(k)`` replaced by the digamma primitive of family ``s`` (order ``k``)."""
    y = sp.Dummy("y")
    for (s, k), func in list(_FK.items()):
        expr = expr.replace(func, sp.Lambda(y, fermi_primitive(y, T, s, order=k)))
    return expr


def removable_limits(family_q=-1):
    """The removable limits of ``X_pq`` as digamma closed forms (dict of SymPy expressions).

    ``"d->0"`` (``w = mu_a - mu_b``; any ``family_q``), in ``p, q, w, mu_a, T``:
        ``[Phi_a'(p) - Phi_a'(q + w)] / h``, ``h = p - q - w``;
    ``"h->0"`` (``q = p - w``, ``q`` of ``p``'s lower family), in ``p, w, mu_a, mu_b, T``:
        ``[Phi_a'(p) - Phi_b'(p - w)] / d``;

    ``"both"``: ``Phi_a''(p)``, in ``p, mu_a, T``.

    ``Phi^(k)`` is :func:`~symehp.closed_forms.fermi_primitive` of order ``k``
    (``polygamma(k, .)`` times ``(-i s/(2 pi T))^k``), inverse energy^k.  The
    last two exist only for ``family_q = -1`` (poles of different families
    never coincide: ``Im h != 0``).  See :func:`check_limits`.
    """
    family_q = _family(family_q)

    def deriv(z, mu, s, k):
        return fermi_primitive(z - mu, T, s, order=k)

    out = {"d->0": (deriv(P, MU_A, -1, 1) - deriv(Q + W, MU_A, family_q, 1)) / _H_EXPR}
    if family_q == -1:
        out["h->0"] = (deriv(P, MU_A, -1, 1) - deriv(P - W, MU_B, -1, 1)) / _D_EXPR
        out["both"] = deriv(P, MU_A, -1, 2)
    return out


def check_limits(limits=None, *, families=(-1, 1)):
    """Check symbolically that each removable limit is the limit of the generic ``X_pq``.

    For each family of ``q`` the generic form, written as
    ``[F(x) - F(x - d) - F_q(x - h) + F_q(x - h - d)] / (d h)`` (``x = p - mu_a``)
    for an arbitrary analytic ``F`` per family, is expanded with ``sympy.series``
    in ``d``, for one family also in ``h`` and in both (in either order, which
    must agree); with ``F`` replaced by the digamma primitive the results must
    equal ``limits`` (a callable ``family_q -> dict`` like
    :func:`removable_limits`, the default) rewritten in ``x, d, h``.  The
    single limits are also taken directly from the digamma form (series of
    ``polygamma``).  Raises :class:`~symehp.errors.ProofError` on a mismatch;
    returns ``{(family_q, name): residual}`` (all 0).
    """
    limits = removable_limits if limits is None else limits
    residuals = {}
    for family_q in families:
        generic = _parallelogram(family_q)
        variables = {"d->0": D} if family_q != -1 else {"d->0": D, "h->0": H}
        derived = {name: _series_limit(generic, var) for name, var in variables.items()}
        concrete = {name: _series_limit(_digamma_f(generic), var)
                    for name, var in variables.items()}
        if family_q == -1:
            both_dh = _series_limit(derived["d->0"], H)
            both_hd = _series_limit(derived["h->0"], D)
            if not _zero(both_dh - both_hd):
                raise ProofError("the double limit depends on the order",
                                 proof_name="pole_pair.check_limits", residual=both_dh - both_hd)
            derived["both"] = both_dh
            concrete["both"] = _series_limit(concrete["d->0"], H)
        given = limits(family_q)
        for name, value in derived.items():
            if name not in given:
                raise ProofError(f"no closed form given for the limit {name!r}",
                                 proof_name="pole_pair.check_limits")
            target = _to_x(given[name])
            for how, found in (("abstract", _digamma_f(value)), ("digamma", concrete[name])):
                residual = sp.simplify(sp.expand(found - target))
                if residual != 0:
                    raise ProofError(
                        f"limit {name!r} (family_q={family_q}) is not the limit of the generic "
                        f"pair form ({how} series)", proof_name="pole_pair.check_limits",
                        residual=residual)
            residuals[(family_q, name)] = residual
    return residuals


# ---------------------------------------------------------------- Bose weight

def bose_weight():
    """The Bose weight ``d n_B(d, T)`` of ``Pi^< = -(d n_B(d)/2 pi) sum T X``, rewritten.

    Returns a dict of SymPy expressions in ``d`` (energy) and ``T`` (> 0):

    * ``"raw"``: ``d / (exp(d/T) - 1)``;
    * ``"expm1"``: the same after ``sympy.codegen.rewriting.optimize(., [expm1_opt])``,
      ``d / expm1(d/T)``: no cancellation in ``exp(d/T) - 1`` at small ``|d|/T``;
    * ``"at_zero"``: its limit at ``d = 0``, ``T``;
    * ``"stable"``: ``|d| exp(-|d|/T)/(-expm1(-|d|/T)) + max(-d, 0)``, and ``T``
      at ``d = 0`` (a ``Piecewise``): the expm1 form written with ``|d|``
      (``n_B(-y) = -1 - n_B(y)``) so that no ``exp`` of a positive argument
      appears: finite for every ``d``, no overflow at ``d/T > 709``, full
      relative precision in both tails (``max(-d, 0)`` is one term, so the
      tiny tail value is never added to ``-d/2 + |d|/2``).  Energy units.
    """
    raw = D * bose(D, T)
    rewritten = optimize(raw, [expm1_opt])
    at_zero = sp.limit(raw, D, 0)
    a = sp.Abs(D)
    # |d| n_B(|d|) = |d| e^{-|d|/T} / (1 - e^{-|d|/T}), the denominator through expm1_opt
    denominator = optimize(1 - sp.exp(-a / T), [expm1_opt])
    # + |d| for d < 0 as one term: (|d| - d)/2 would be split by SymPy into -d/2 + |d|/2,
    # and the generated sum (-d/2 + tiny) + |d|/2 loses the tail value at d > 0
    negative = sp.Piecewise((-D, D < 0), (0, True))
    branch = a * sp.exp(-a / T) / denominator + negative
    stable = sp.Piecewise((at_zero, sp.Eq(D, 0)), (branch, True))
    return {"raw": raw, "expm1": rewritten, "at_zero": at_zero, "stable": stable}


def check_bose_weight():
    """Check the rewritten Bose weights against ``d / (exp(d/T) - 1)`` symbolically.

    ``"expm1"`` and both sides (``d > 0``, ``d < 0``) of ``"stable"``, with
    ``expm1`` rewritten as ``exp - 1``, must simplify to ``"raw"``; the value
    at ``d = 0`` must be the limit ``T``.  Raises
    :class:`~symehp.errors.ProofError` otherwise; returns the residuals (0).
    """
    forms = bose_weight()
    raw, branch = forms["raw"], forms["stable"].args[1][0]
    y = sp.Symbol("y", positive=True)
    checks = {"expm1": forms["expm1"] - raw,
              "stable, d > 0": (branch - raw).subs(D, y),
              "stable, d < 0": (branch - raw).subs(D, -y),
              "stable, d = 0": forms["stable"].subs(D, 0) - sp.limit(raw, D, 0)}
    out = {}
    for name, residual in checks.items():
        residual = sp.simplify(residual.rewrite(sp.exp))
        if residual != 0:
            raise ProofError(f"Bose weight {name} differs from d n_B(d, T)",
                             proof_name="pole_pair.check_bose_weight", residual=residual)
        out[name] = residual
    if not forms["expm1"].has(expm1):
        raise ProofError("expm1_opt did not rewrite exp(d/T) - 1",
                         proof_name="pole_pair.check_bose_weight", residual=forms["expm1"])
    return out


def derive():
    """The results of this derivation, in reading order (dict of SymPy objects)."""
    kernel, weight = integrand()
    out = {"kernel": kernel, "weight": weight,
           "partial_fractions": sp.Add(*[r / (E - z) for r, z in partial_fractions()]),
           "I_pq": energy_integral(),
           "X_pq": pair_closed_form(primitive=False),
           "X_pq_lower_q": pair_closed_form(-1),
           "X_pq_upper_q": pair_closed_form(1),
           "X_pq_kernel": kernel_expression()[1]}
    out.update({f"X_pq({name})": value for name, value in removable_limits(-1).items()})
    out["X_pq(d->0), upper q"] = removable_limits(1)["d->0"]
    bose_forms = bose_weight()
    out["d_nB_expm1"] = bose_forms["expm1"]
    out["d_nB_stable"] = bose_forms["stable"]
    return out
