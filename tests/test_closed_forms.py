"""Symbolic closed forms of the EHP spectra (symehp.closed_forms) against independent references.

* the suite's mpmath reference (``tests/references.py``, 32 digits): Eq. (7) / Pi^<
  integrated over energy straight from the conventions (spectral functions by mpmath
  linear solves, mpmath Fermi functions): nothing shared with the closed forms but the
  model's numbers;
* the double-precision numeric layer (symehp.ehp_dos, symehp.emission_spectrum);
* T -> 0 convergence of the digamma form to the separately derived log/atan form.
"""

import mpmath as mp
import pytest
import sympy as sp

import symehp
from symehp import closed_forms as cf
from symehp.symbols import T_e, bose, fermi, mu_L, mu_R, omega

import references
from _shared import three_level_model

R = sp.Rational
EPS1, EPS2 = sp.symbols("epsilon_1 epsilon_2", real=True)
G1, G2 = sp.symbols("gamma_1 gamma_2", positive=True)
M_SYM = sp.Symbol("m", real=True)
#: two-level parameters (exact): eps1, eps2, gamma1, gamma2, m
TWO = {EPS1: R(1, 2), EPS2: R(-1, 2), G1: R(1, 5), G2: R(3, 10), M_SYM: R(1, 10)}
MU = {mu_L: R(3, 10), mu_R: R(-3, 10)}
TEMP = R(1, 20)
DIGITS = 25


# ---------------------------------------------------------------- independent reference

#: working digits of the mpmath reference (``references.spectra_mp``: a vector tanh-sinh
#: quadrature of Eq. (7) / Pi^< with spectral functions from mpmath linear solves)
DPS = 32


def quadrature(model, ch, w, mu_l, mu_r, temp):
    """``{"dos": Lambda, "emission": Pi^<}`` of channel ``ch`` (K x K) from the reference."""
    dos, less = references.spectra_mp(model, w, mu_L=mu_l, mu_R=mu_r, T_e=temp, channels=(ch,),
                                      dps=DPS)[ch]
    return {"dos": dos, "emission": less}


def value(expr, subs, digits=32):
    """A closed form at a point, as an mpmath number (evalf at ``digits``)."""
    with mp.workdps(digits + 10):
        return mp.mpmathify(sp.N(expr, digits, subs=subs))


def agree(got, ref, digits=DIGITS, scale=None):
    scale = scale if scale is not None else max(abs(ref), mp.mpf(10) ** -30)
    return abs(got - ref) <= mp.mpf(10) ** -digits * scale


# ---------------------------------------------------------------- fixtures

@pytest.fixture(autouse=True)
def _precision():
    """Every comparison here runs at 40 digits (restored afterwards)."""
    with mp.workdps(40):
        yield


@pytest.fixture(scope="module")
def two():
    """The symbolic two-level model with exact numbers, its poles and closed forms (LR, RL)."""
    model = symehp.two_level().subs(TWO)
    poles = cf.pole_expansion(model)
    forms = {ch: {"dos": cf.ehp_dos_closed_form(model, ch, poles=poles)[0, 0],
                  "emission": cf.emission_closed_form(model, ch, poles=poles)[0, 0]}
             for ch in ("LR", "RL")}
    return model, poles, forms


@pytest.fixture(scope="module")
def three():
    """The numeric three-level, two-mode model (hopping, complex couplings), channel LR."""
    model = three_level_model()
    poles = cf.pole_expansion(model)
    return model, poles, cf.ehp_dos_closed_form(model, "LR", poles=poles)


POINT = {**MU, T_e: TEMP}


# ---------------------------------------------------------------- the pole expansion

def test_pole_sum_is_the_kernel():
    """sum_pq T_pq/((e - p)(e - w - q)) is exactly tr[M A_a M A_b]: symbolic for the two-level model."""
    model = symehp.two_level()
    for ch in ("LR", "LL", "RL"):
        diff = cf.kernel_pole_sum(model, ch)[0, 0] - symehp.ehp.kernel(model, ch)[0, 0]
        assert sp.cancel(sp.together(diff)) == 0, ch


def test_pole_sum_is_the_kernel_three_level(three):
    model, poles, _ = three
    e, w = sp.Rational(13, 100), sp.Rational(7, 10)
    pole_sum = cf.kernel_pole_sum(model, "LR", poles=poles)
    direct = references.kernel_mp(model, "LR", e, w, dps=DPS)
    for m in range(2):
        for n in range(2):
            got = value(pole_sum[m, n], {symehp.symbols.eps: e, omega: w})
            assert agree(got, direct[m, n], 30), (m, n, got, direct[m, n])


# ---------------------------------------------------------------- against the quadrature

@pytest.mark.parametrize("ch, w", [("LR", R(7, 10)),        # generic
                                   ("LR", R(3, 5)),         # omega = mu_ab: removable Bose pole
                                   ("LR", R(17, 10)),       # omega above eV
                                   ("RL", R(2, 5))])        # mu_ab = -eV
def test_two_level_against_quadrature(two, ch, w):
    _, _, forms = two
    expect = quadrature(two[0], ch, w, MU[mu_L], MU[mu_R], TEMP)
    at_mu = w == symehp.channel(ch).chemical_potential(MU[mu_L], MU[mu_R])
    for kind in ("dos", "emission"):
        if at_mu and kind == "emission":
            # the removable singularity is taken when omega = mu_ab is given to the builder
            # (with symbolic mu_L, mu_R, omega - mu_ab would not be recognisably zero)
            model, poles = two[0], two[1]
            expr = cf.emission_closed_form(model, ch, omega=w, mu_L=MU[mu_L], mu_R=MU[mu_R],
                                           poles=poles)[0, 0]
            assert any(f.args[0] == 1 for f in expr.atoms(sp.polygamma))
            got = value(expr, POINT)
        else:
            got = value(forms[ch][kind], {**POINT, omega: w})
        ref_val = expect[kind][0, 0]
        if at_mu and kind == "dos":
            # Lambda(mu_ab) = 0: the closed form's digamma differences cancel to the working precision
            assert abs(got) < mp.mpf(10) ** -35 and abs(ref_val) < mp.mpf(10) ** -30
        else:
            assert agree(got, ref_val), (kind, got, ref_val)


def test_resonance_coincident_poles():
    """gamma1 = gamma2 and omega = eps1 - eps2: z_1 = omega + z_2, the trigamma form, vs quadrature."""
    model = symehp.two_level().subs(G2, G1)
    dos = cf.ehp_dos_closed_form(model, "LR", omega=EPS1 - EPS2)[0, 0]
    less = cf.emission_closed_form(model, "LR", omega=EPS1 - EPS2)[0, 0]
    for expr in (dos, less):
        assert expr.has(sp.polygamma) and any(f.args[0] == 1 for f in expr.atoms(sp.polygamma))
    # the generic (distinct-pole) form is singular term by term there
    generic = cf.ehp_dos_closed_form(model, "LR", form="pole_sum")[0, 0]
    assert any(sp.cancel(sp.denom(t).subs(omega, EPS1 - EPS2)) == 0
               for t in sp.Add.make_args(sp.expand(generic, deep=False, mul=True)))
    params = {EPS1: R(1, 2), EPS2: R(-1, 2), G1: R(1, 5), M_SYM: R(1, 10)}
    expect = quadrature(model.subs(params), "LR", 1, MU[mu_L], MU[mu_R], TEMP)
    assert agree(value(dos, {**params, **POINT}), expect["dos"][0, 0])
    assert agree(value(less, {**params, **POINT}), expect["emission"][0, 0])


def test_three_level_against_quadrature(three):
    model, poles, dos = three
    w = R(7, 10)
    entries = [(0, 1), (1, 1)]
    expect = quadrature(model, "LR", w, MU[mu_L], MU[mu_R], TEMP)
    less = cf.emission_closed_form(model, "LR", omega=w, T=TEMP, mu_L=MU[mu_L], mu_R=MU[mu_R],
                                   poles=poles)
    for m, n in entries:
        assert agree(value(dos[m, n], {**POINT, omega: w}), expect["dos"][m, n])
        assert agree(value(less[m, n], {}), expect["emission"][m, n])
    # omega = mu_ab: Lambda = 0, Pi^< from the trigamma limit
    w0 = MU[mu_L] - MU[mu_R]
    expect0 = quadrature(model, "LR", w0, MU[mu_L], MU[mu_R], TEMP)
    less0 = cf.emission_closed_form(model, "LR", omega=w0, mu_L=MU[mu_L], mu_R=MU[mu_R],
                                    poles=poles)[0, 1]
    assert agree(value(less0, POINT), expect0["emission"][0, 1])


# ---------------------------------------------------------------- against the numeric layer

def _numeric_model():
    return symehp.two_level(0.5, -0.5, 0.2, 0.3, 0.1, 1.0, 0.05)


def _close(got, want, rtol=1e-12, atol=1e-17):
    """Double-precision agreement; ``atol`` covers spectra that vanish (omega = mu_ab, where
    float 0.6 and the exact 3/5 differ by 2e-17 and Lambda ~ (omega - mu_ab) * 3e-2)."""
    return abs(complex(got) - complex(want)) <= rtol * abs(complex(want)) + atol


@pytest.mark.parametrize("ch", ["LR", "RL"])
def test_two_level_against_numeric_layer(two, ch):
    _, poles, forms = two
    numeric = _numeric_model()
    mu_ab = symehp.channel(ch).chemical_potential(0.3, -0.3)
    for w in (0.25, mu_ab, 1.0, 1.7):
        want_dos = symehp.ehp_dos(numeric, ch, w, mu_L=0.3, mu_R=-0.3, T_e=0.05)[0, 0]
        want_less = symehp.emission_spectrum(numeric, ch, w, mu_L=0.3, mu_R=-0.3, T_e=0.05)[0, 0]
        if w == mu_ab:
            got_less = value(cf.emission_closed_form(two[0], ch, omega=sp.nsimplify(w),
                                                     mu_L=MU[mu_L], mu_R=MU[mu_R],
                                                     poles=poles)[0, 0], POINT, 20)
        else:
            got_less = value(forms[ch]["emission"], {**POINT, omega: w}, 20)
        got_dos = value(forms[ch]["dos"], {**POINT, omega: w}, 20)
        assert _close(got_dos, want_dos), (w, got_dos, want_dos)
        assert _close(got_less, want_less), (w, got_less, want_less)


def test_three_level_against_numeric_layer(three):
    model, poles, dos = three
    ll = cf.ehp_dos_closed_form(model, "LL", poles=poles)
    for ch, form in (("LR", dos), ("LL", ll)):
        for w in (0.35, 1.1):
            want = symehp.ehp_dos(model, ch, w, mu_L=0.3, mu_R=-0.3, T_e=0.05)
            for m in range(2):
                for n in range(2):
                    got = value(form[m, n], {**POINT, omega: w}, 20)
                    assert _close(got, want[m, n]), (ch, w, m, n)


# ---------------------------------------------------------------- T = 0

def test_zero_temperature_against_numeric_and_quadrature(two, three):
    model, poles, _ = two
    numeric = _numeric_model()
    forms = {kind: cf.zero_temperature_closed_form(model, "LR", which=kind, poles=poles)[0, 0]
             for kind in ("dos", "emission")}
    for expr in forms.values():
        assert expr.has(sp.atan) and expr.has(sp.log) and not expr.has(sp.polygamma)
    for w in (0.25, 0.6, 1.0, 1.7):
        for kind, func in (("dos", symehp.ehp_dos), ("emission", symehp.emission_spectrum)):
            want = func(numeric, "LR", w, mu_L=0.3, mu_R=-0.3, T_e=0)[0, 0]
            got = value(forms[kind], {**MU, omega: w}, 20)
            assert _close(got, want), (kind, w, got, want)
    expect = quadrature(model, "LR", R(1, 4), MU[mu_L], MU[mu_R], 0)
    for kind in ("dos", "emission"):
        assert agree(value(forms[kind], {**MU, omega: R(1, 4)}), expect[kind][0, 0])
    # three levels, two modes (complex off-diagonal entries): the real form of V + V^+
    model3, poles3, _ = three
    zero3 = cf.zero_temperature_closed_form(model3, "LR", omega=R(7, 20), mu_L=MU[mu_L],
                                            mu_R=MU[mu_R], poles=poles3)
    want3 = symehp.ehp_dos(model3, "LR", 0.35, mu_L=0.3, mu_R=-0.3, T_e=0)
    for m in range(2):
        for n in range(2):
            assert _close(value(zero3[m, n], {}, 20), want3[m, n])


def test_zero_temperature_resonance(two):
    model = symehp.two_level().subs(G2, G1)
    expr = cf.zero_temperature_closed_form(model, "LR", omega=EPS1 - EPS2)[0, 0]
    numeric = symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)
    want = symehp.ehp_dos(numeric, "LR", 1.0, mu_L=0.3, mu_R=-0.3, T_e=0)[0, 0]
    params = {EPS1: R(1, 2), EPS2: R(-1, 2), G1: R(1, 5), M_SYM: R(1, 10), **MU}
    assert _close(value(expr, params, 20), want)


def test_digamma_form_converges_to_zero_temperature_form_like_T_squared(two):
    """Sommerfeld: Lambda(T) - Lambda(0) = O(T^2); T = 1e-2, 1e-3, 1e-4 of the level width."""
    model, poles, forms = two
    zero = {kind: cf.zero_temperature_closed_form(model, "LR", which=kind, poles=poles)[0, 0]
            for kind in ("dos", "emission")}
    width = TWO[G1]
    for kind, w in (("dos", R(7, 10)), ("dos", R(1, 4)), ("emission", R(1, 4))):
        exact = value(zero[kind], {**MU, omega: w}, 40)
        errors = [abs(value(forms["LR"][kind], {**MU, omega: w, T_e: width * R(1, 10 ** j)}, 40)
                      - exact) for j in (2, 3, 4)]
        assert errors[0] < mp.mpf(10) ** -3 * abs(exact)
        for big, small in zip(errors, errors[1:]):
            assert 80 < big / small < 120, (kind, w, errors)     # 10x smaller T, 100x smaller error


# ---------------------------------------------------------------- Pi^< = n_B Lambda

def test_emission_is_bose_times_dos(two):
    _, _, forms = two
    for ch in ("LR", "RL"):
        dch = omega - symehp.channel(ch).mu
        assert sp.cancel(forms[ch]["emission"] - bose(dch, T_e) * forms[ch]["dos"]) == 0
    # the identity it rests on: f(x)(1 - f(y)) = n_B(x - y)(f(y) - f(x))
    x, y, t = sp.symbols("x y t", positive=True)
    identity = fermi(x, t) * (1 - fermi(y, t)) - bose(x - y, t) * (fermi(y, t) - fermi(x, t))
    assert sp.simplify(sp.together(identity)) == 0
    # and a 30-digit spot check of the product form away from the symbolic route
    ref_point = {**POINT, omega: R(9, 10)}
    lam = value(forms["LR"]["dos"], ref_point, 32)
    with mp.workdps(40):
        nb = 1 / mp.expm1((mp.mpf(9) / 10 - mp.mpf(6) / 10) / (mp.mpf(1) / 20))
        assert agree(value(forms["LR"]["emission"], ref_point, 32), nb * lam, 30)


# ---------------------------------------------------------------- regularization constants

def test_regularization_constants_cancel_in_the_spectra(two, three):
    model, poles, _ = two
    for ch in ("LR", "RL", "LL"):
        residual, _ = cf.regularization_residual(model, ch, poles=poles)
        assert residual == sp.zeros(1, 1)
    residual3, _ = cf.regularization_residual(three[0], "LR", poles=three[1])
    assert residual3 == sp.zeros(2, 2)
    # a single Fermi integral keeps c_+ - c_- (and only the difference)
    single, (c_plus, c_minus) = cf.regularization_residual(model, "LR", which="a", poles=poles)
    assert single[0, 0] != 0
    assert sp.cancel(single[0, 0].subs({c_plus: sp.Symbol("c"), c_minus: sp.Symbol("c")})) == 0


def test_regularization_constants_matter_for_a_single_fermi_integral(two):
    model, poles, forms = two
    w = R(7, 10)
    point = {**POINT, omega: w}
    right = cf.fermi_integral_closed_form(model, "LR", "a", poles=poles)[0, 0]
    expect = references.fermi_integral_mp(model, "LR", w, mu=MU[mu_L], T=TEMP, dps=DPS)
    assert agree(value(right, point), expect)
    # flipping one family's constant, or dropping both, breaks the single integral ...
    flipped = {1: sp.I * sp.pi / 2, -1: sp.I * sp.pi / 2}
    dropped = {1: 0, -1: 0}
    for consts in (flipped, dropped):
        wrong = cf.fermi_integral_closed_form(model, "LR", "a", constants=consts, poles=poles)[0, 0]
        assert abs(value(wrong, point) - expect) > mp.mpf(10) ** -3 * abs(expect)
    # ... but not the spectrum: Lambda = -(I_a - I_b) with any constants
    lam = value(forms["LR"]["dos"], point)
    for consts in (None, flipped, dropped):
        pole_sum = cf.ehp_dos_closed_form(model, "LR", form="pole_sum", constants=consts,
                                          poles=poles)[0, 0]
        assert agree(value(pole_sum, point), lam, 30)
    i_b = cf.fermi_integral_closed_form(model, "LR", "b", poles=poles)[0, 0]
    assert agree(-(value(right, point) - value(i_b, point)), lam, 30)


# ---------------------------------------------------------------- the derivation module

def test_derivation_two_level_closed_form():
    from symehp.derivations import derive
    out = derive("two_level_closed_form")
    for key in ("Lambda_LR", "Pi_less_LR", "Pi_less_LR_at_omega_eq_eV", "Lambda_LR_resonance",
                "Pi_less_LR_resonance", "Lambda_LR_T0", "Pi_less_LR_T0", "Lambda_LR_T0_resonance"):
        assert key in out, key
    assert out["Lambda_LR"].has(sp.im) and out["Lambda_LR"].has(sp.polygamma)
    assert any(f.args[0] == 1 for f in out["Lambda_LR_resonance"].atoms(sp.polygamma))
    assert out["regularization_in_Lambda"] == 0
    delta = out["Delta"].lhs
    numeric = _numeric_model()
    params = {**TWO, **POINT}
    for key, w, func in (("Lambda_LR", 0.7, symehp.ehp_dos),
                         ("Pi_less_LR", 0.7, symehp.emission_spectrum),
                         ("Pi_less_LR_at_omega_eq_eV", 0.6, symehp.emission_spectrum),
                         ("Lambda_LR_T0", 0.25, symehp.ehp_dos)):
        t_e = 0 if key.endswith("T0") else 0.05
        sub = {**params, omega: sp.nsimplify(w), delta: TWO[EPS1] - TWO[EPS2] - sp.nsimplify(w)}
        want = func(numeric, "LR", w, mu_L=0.3, mu_R=-0.3, T_e=t_e)[0, 0]
        assert _close(value(out[key], sub, 20), want), key
    res = {EPS1: R(1, 2), EPS2: R(-1, 2), G1: R(1, 5), M_SYM: R(1, 10), **POINT}
    numeric_res = symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)
    want = symehp.ehp_dos(numeric_res, "LR", 1.0, mu_L=0.3, mu_R=-0.3, T_e=0.05)[0, 0]
    assert _close(value(out["Lambda_LR_resonance"], res, 20), want)
