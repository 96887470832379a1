"""Numeric kernels of symehp against independent high-precision references.

* :mod:`symehp.numeric.stats` (Fermi / Bose factors) against mpmath at 30 digits;
* :func:`~symehp.numeric.fermi_integrals.phi` against an mpmath quadrature of
  ``int f(e - mu, T) [1/(e - p) - 1/(e - q)] de`` over the real line;
* :func:`divided_difference` and :func:`mixed_difference` against mpmath digamma /
  log at 40 digits, evaluated at *exactly the same double-precision points* (the
  doubles are converted to mpmath; nothing is recomputed from decimals);
* :func:`~symehp.numeric.poles.pole_expansion` against ``np.linalg.inv``;
* the exceptional point of ``H - i (Gamma_L + Gamma_R)/2`` must raise ModelError.

Nothing here compares symehp with itself.
"""

import mpmath as mp
import numpy as np
import pytest

import symehp
from symehp.numeric.fermi_integrals import (CLOSE, analytic_radius, divided_difference,
                                             mixed_difference, phi)
from symehp.numeric.poles import pole_expansion
from symehp.numeric.stats import bose, fermi, x_bose

EPS = np.finfo(float).eps


# --------------------------------------------------------------------------- helpers

def _mpc(z):
    """Exact conversion of a double (real or complex) to mpmath."""
    z = complex(z)
    return mp.mpc(mp.mpf(z.real), mp.mpf(z.imag))


def _phi_mp(z, mu, T, s):
    """Reference Phi(z; mu, T) of family s, from mpmath (z, mu, T already mpmath numbers).

    ``psi(1/2 + s (z - mu) / (2 pi i T)) + s i pi / 2`` at T > 0, ``log(z - mu)`` at T = 0
    (the regularization documented in symehp.numeric.fermi_integrals; its validity is
    checked independently against the quadrature in ``test_phi_against_quadrature``).
    """
    if T == 0:
        return mp.log(z - mu)
    return mp.psi(0, mp.mpf(1) / 2 + s * (z - mu) / (2j * mp.pi * T)) + s * 0.5j * mp.pi


def _rel(got, ref):
    ref = _mpc(ref) if not isinstance(ref, (mp.mpc, mp.mpf)) else ref
    return float(abs(_mpc(got) - ref) / abs(ref))


# --------------------------------------------------------------------------- stats

Y_VALUES = [-1e5, -700.0, -40.0, -10.0, -1.0, -1e-3, -1e-12, 1e-12, 1e-3, 1.0, 10.0, 40.0,
            700.0, 1e5]
T_VALUES = [1e-3, 1.0, 1e3]
SMALLEST_NORMAL = np.finfo(float).tiny


def _stats_reference(x, T):
    """(fermi, bose, x_bose) of the *exact* doubles x, T, at 30 digits."""
    with mp.workdps(30):
        y = mp.mpf(x) / mp.mpf(T)
        f = mp.exp(-y) / (1 + mp.exp(-y)) if y > 0 else 1 / (mp.exp(y) + 1)
        b = 1 / mp.expm1(y)
        return f, b, mp.mpf(x) * b


def _check_value(got, ref, y):
    """Relative accuracy limited only by the conditioning |y| of exp(y)."""
    got = float(got)
    ref_d = float(ref)          # rounds (or underflows) like any correct double result
    if abs(ref) < SMALLEST_NORMAL:
        assert abs(got) <= 2 * SMALLEST_NORMAL, (got, ref)
        return
    rtol = 4 * EPS * (2 + abs(y))
    err = float(abs(mp.mpf(got) - ref) / abs(ref))
    assert err <= rtol, (got, ref_d, err)


@pytest.mark.parametrize("T", T_VALUES)
@pytest.mark.parametrize("y", Y_VALUES)
def test_fermi_against_mpmath(y, T):
    """Full relative precision in the upper tail too (1/(e^y + 1) is a normal double up to
    y ~ 708); a 0.5 (1 - tanh(y/2)) form fails this from y ~ 10 on."""
    x = y * T
    f, _, _ = _stats_reference(x, T)
    _check_value(fermi(x, T), f, y)


@pytest.mark.parametrize("T", T_VALUES)
@pytest.mark.parametrize("y", Y_VALUES)
def test_fermi_absolute_accuracy(y, T):
    """Whatever the tail, the absolute error stays at the rounding level of 1."""
    x = y * T
    f, _, _ = _stats_reference(x, T)
    assert abs(mp.mpf(float(fermi(x, T))) - f) <= EPS


@pytest.mark.parametrize("T", T_VALUES)
@pytest.mark.parametrize("y", Y_VALUES)
def test_bose_against_mpmath(y, T):
    x = y * T
    _, b, _ = _stats_reference(x, T)
    _check_value(bose(x, T), b, y)


@pytest.mark.parametrize("T", T_VALUES)
@pytest.mark.parametrize("y", Y_VALUES)
def test_x_bose_against_mpmath(y, T):
    x = y * T
    _, _, xb = _stats_reference(x, T)
    _check_value(x_bose(x, T), xb, y)


def test_stats_vectorized_matches_mpmath():
    """One array call over the whole grid (broadcasting x against T)."""
    ys = np.array(Y_VALUES)
    T = np.array(T_VALUES)[:, None]
    x = ys[None, :] * T
    for func, idx in ((fermi, 0), (bose, 1), (x_bose, 2)):
        got = func(x, T)
        assert got.shape == x.shape
        for i in range(T.shape[0]):
            for j, y in enumerate(ys):
                _check_value(got[i, j], _stats_reference(x[i, j], T[i, 0])[idx], y)


def test_stats_zero_temperature_steps():
    x = np.array([-1e5, -3.0, -1e-300, 0.0, 1e-300, 2.5, 1e300])
    assert np.array_equal(fermi(x, 0.0), [1, 1, 1, 0.5, 0, 0, 0])
    b = bose(x, 0.0)
    assert np.array_equal(b[x < 0], [-1, -1, -1]) and np.array_equal(b[x > 0], [0, 0, 0])
    assert b[x == 0] == np.inf
    assert np.array_equal(x_bose(x, 0.0), np.where(x < 0, -x, 0.0))
    # T = 0 mixed with T > 0 in one broadcast call
    T = np.array([0.0, 0.5])[:, None]
    xs = np.array([-1.0, 1.0])
    np.testing.assert_array_equal(fermi(xs, T)[0], [1.0, 0.0])
    np.testing.assert_allclose(fermi(xs, T)[1], [1 / (np.exp(-2) + 1), 1 / (np.exp(2) + 1)],
                               rtol=1e-15)


@pytest.mark.parametrize("T", [1e-300, 1e-12, 0.37, 1.0, 1e3, 1e300])
def test_x_bose_at_zero_is_T(T):
    assert x_bose(0.0, T) == T
    assert bose(0.0, T) == np.inf           # the pole of n_B itself
    np.testing.assert_array_equal(x_bose(np.zeros(3), np.full(3, T)), np.full(3, T))


def test_x_bose_continuous_through_zero():
    T = 0.3
    for x in (1e-300, 1e-200, 1e-16, 1e-9):
        for sx in (x, -x):
            with mp.workdps(30):
                ref = mp.mpf(sx) / mp.expm1(mp.mpf(sx) / mp.mpf(T))
            assert abs(mp.mpf(float(x_bose(sx, T))) - ref) <= 4 * EPS * abs(ref)


@pytest.mark.parametrize("x, T", [
    (np.array([-1e5, -700.0, -1e-300, 0.0, 1e-300, 700.0, 1e5]), 1e-300),
    (np.array([-1e300, -1e5, -1e-12, 0.0, 1e-12, 1e5, 1e300]), 1e-5),
    (np.array([-1e308, -1.0, 0.0, 1.0, 1e308]), 1.0),
    (np.array([-1e308, -1e-300, 0.0, 5e-324, 1e308]), 1e308),
    (np.array([-1e308, -1e-300, -5e-324, 0.0, 5e-324, 1e308]), 0.0),
])
def test_stats_extreme_inputs_are_warning_free_and_finite(x, T):
    """filterwarnings=error turns any overflow / invalid / divide warning into a failure.

    ``|x / T|`` stays representable here (up to ~1e305); see the test below for beyond.
    """
    f, b, xb = fermi(x, T), bose(x, T), x_bose(x, T)
    assert np.all(np.isfinite(f)) and np.all((f >= 0) & (f <= 1))
    assert np.all(np.isfinite(b[(x != 0) & (np.abs(x) >= 1e-300 * T)]))   # off the pole
    assert np.all(np.isfinite(xb)) and np.all(xb >= 0)
    assert np.all(np.diff(f) <= 0)                           # monotone in x
    assert np.all(np.diff(xb) <= 0)
    # the limits themselves
    big = np.abs(x) >= 1e5 * max(T, 1e-300)
    np.testing.assert_array_equal(f[big], np.where(x[big] < 0, 1.0, 0.0))
    np.testing.assert_array_equal(b[big], np.where(x[big] < 0, -1.0, 0.0))
    np.testing.assert_allclose(xb[big], np.where(x[big] < 0, -x[big], 0.0), rtol=1e-15)


def test_stats_ratio_overflow_is_warning_free():
    x = np.array([-1.0, 1.0])
    np.testing.assert_array_equal(fermi(x, 1e-310), [1.0, 0.0])
    np.testing.assert_array_equal(bose(x, 1e-310), [-1.0, 0.0])
    np.testing.assert_array_equal(x_bose(x, 1e-310), [1.0, 0.0])
    np.testing.assert_array_equal(fermi(np.array([-1e300, 1e300]), 1e-10), [1.0, 0.0])


# --------------------------------------------------------------------------- phi

from _shared import fermi_mp as _fermi_mp  # noqa: E402


def _phi_quadrature(p, q, mu, T):
    """int f(e - mu, T) [1/(e - p) - 1/(e - q)] de over the real line, at 30 digits."""
    with mp.workdps(30):
        P, Q, MU, TT = _mpc(p), _mpc(q), mp.mpf(mu), mp.mpf(T)

        def integrand(e):
            return _fermi_mp(e - MU, TT) * (1 / (e - P) - 1 / (e - Q))

        pts = {MU, P.real, Q.real}
        if TT == 0:
            pts = sorted(x for x in pts if x <= MU)
            segments = [-mp.inf] + pts
        else:
            pts |= {MU - 5 * TT, MU + 5 * TT}
            segments = [-mp.inf] + sorted(pts) + [MU + 90 * TT]   # tail beyond: e^-90
        val, err = mp.quad(integrand, segments, error=True)
        assert err < mp.mpf(10) ** -20 * abs(val)
        return val


PHI_PAIRS = [
    (0.3 + 0.2j, -0.4 + 0.1j),       # both upper
    (0.3 - 0.2j, -0.4 - 0.5j),       # both lower
    (0.3 + 0.2j, -0.4 - 0.1j),       # mixed
    (-0.7 - 0.05j, 1.3 + 0.6j),      # mixed, other way round
    (5.0 + 1.0j, -3.0 - 2.0j),       # far from mu
    (0.12 + 0.01j, -0.2 + 0.02j),    # narrow, one right at mu (nearby pairs: see the
                                     # divided differences; their difference is ill-conditioned)
    (0.1 - 0.3j, 0.1 + 0.3j),        # conjugate pair on the chemical potential
]


@pytest.mark.parametrize("T", [0.0, 0.05, 1.0])
@pytest.mark.parametrize("p, q", PHI_PAIRS)
def test_phi_against_quadrature(p, q, T):
    mu = 0.1
    ref = _phi_quadrature(p, q, mu, T)
    got = phi(p, mu, T, np.sign(p.imag)) - phi(q, mu, T, np.sign(q.imag))
    assert _rel(got, ref) < 1e-13


def test_phi_asymptotic_branch_matches_digamma():
    """|w| > 1e15 uses log(z - mu) - log(2 pi T); it must continue psi exactly."""
    mu, T = 0.0, 1e-16
    p, q = 0.9 - 0.3j, 1e-3 + 1e-4j            # |w_p| ~ 1.5e15 (log), |w_q| ~ 1.6e12 (psi)
    got = phi(p, mu, T, -1) - phi(q, mu, T, 1)
    with mp.workdps(40):
        ref = _phi_mp(_mpc(p), mp.mpf(mu), mp.mpf(T), -1) - _phi_mp(_mpc(q), mp.mpf(mu),
                                                                    mp.mpf(T), 1)
    assert _rel(got, ref) < 1e-14


def test_phi_vectorized_families():
    z = np.array([0.3 + 0.2j, 0.3 - 0.2j, -1 + 1j])
    s = np.sign(z.imag)
    got = phi(z, 0.1, 0.05, s)
    assert got.shape == (3,)
    for zi, si, gi in zip(z, s, got):
        with mp.workdps(30):
            ref = _phi_mp(_mpc(zi), mp.mpf(0.1), mp.mpf(0.05), si)
        assert _rel(gi, ref) < 1e-14


# --------------------------------------------------------------------------- divided differences

def _dd_reference(x, y, mu, T, s, s_y=None):
    s_y = s if s_y is None else s_y
    with mp.workdps(40):
        X, Y, MU, TT = _mpc(x), _mpc(y), mp.mpf(mu), mp.mpf(T)
        if X == Y:
            return mp.diff(lambda z: _phi_mp(z, MU, TT, s), X)
        return (_phi_mp(X, MU, TT, s) - _phi_mp(Y, MU, TT, s_y)) / (X - Y)


MU_DD = 0.25
SEPARATIONS = [1e-1, 1e-4, 1e-8, 0.0]
# poles a few widths (and temperatures) away from the chemical potential
DD_POINTS = [MU_DD + 1.0 - 0.2j, MU_DD - 0.7 + 0.3j, MU_DD + 2.5 - 0.05j]


def _dd_case(x, h, T):
    y = x + h          # a double: the reference uses this exact double, not x + h in mpmath
    s = np.sign(x.imag)
    assert np.sign(y.imag) == s
    got = divided_difference(x, y, MU_DD, T, s)
    return _rel(got, _dd_reference(x, y, MU_DD, T, s))


@pytest.mark.parametrize("T", [0.0, 1e-6, 0.05])
@pytest.mark.parametrize("h", SEPARATIONS + [3e-3 * (1 + 1j)])
@pytest.mark.parametrize("x", DD_POINTS)
def test_divided_difference_against_mpmath(x, h, T):
    assert _dd_case(x, h, T) < 1e-12


def test_divided_difference_regimes_are_exercised():
    """The grid above really hits both the direct formula and the contour integral."""
    kinds = set()
    for x in DD_POINTS:
        for h in SEPARATIONS:
            for T in (0.0, 1e-6, 0.05):
                kinds.add(bool(abs(h) <= CLOSE * analytic_radius(x + h / 2, T)))
    assert kinds == {True, False}


@pytest.mark.parametrize("x, T", [
    (MU_DD + 0.01 - 0.05j, 0.05),          # pole on the Fermi level, pi T > |Im z|
    (MU_DD - 0.02 + 0.1j, 0.3),
    (MU_DD - 0.4 - 1.0j, 0.3),             # broad level, hot electrode
    (MU_DD + 0.01 - 0.05j, 0.0),           # log branch point at mu (error ~4e-12)
])
@pytest.mark.parametrize("h", [1e-4, 1e-8, 0.0])
def test_divided_difference_near_chemical_potential(x, T, h):
    assert _dd_case(x, h, T) < 1e-12


@pytest.mark.parametrize("T", [0.0, 1e-6])
@pytest.mark.parametrize("h", [1e-4, 1e-8, 0.0])
def test_divided_difference_far_from_chemical_potential(h, T):
    assert _dd_case(1e4 - 0.01j, h, T) < 1e-12


@pytest.mark.parametrize("T", [0.0, 0.05, 1.0])
@pytest.mark.parametrize("x, y", [(0.3 - 0.2j, 0.3 + 0.2j), (1.0 + 0.1j, -0.5 - 0.4j),
                                  (0.25 - 1e-3j, 0.25 + 1e-3j)])
def test_divided_difference_different_families(x, y, T):
    s, s_y = np.sign(x.imag), np.sign(y.imag)
    got = divided_difference(x, y, MU_DD, T, s, s_y)
    assert _rel(got, _dd_reference(x, y, MU_DD, T, s, s_y)) < 1e-12


def test_divided_difference_broadcasts():
    x = np.array([DD_POINTS[0], DD_POINTS[1]])[:, None]
    h = np.array(SEPARATIONS)[None, :]
    y = x + h
    s = np.sign(x.imag)
    got = divided_difference(x, y, MU_DD, 0.05, s)
    assert got.shape == (2, 4)
    for i in range(2):
        for j in range(4):
            ref = _dd_reference(x[i, 0], y[i, j], MU_DD, 0.05, s[i, 0])
            assert _rel(got[i, j], ref) < 1e-12


# --------------------------------------------------------------------------- mixed difference

def _mixed_reference(p, q, d, mu, T, s_p, s_q):
    """[Phi(p) - Phi(p - d) - Phi(q) + Phi(q - d)] / (d (p - q)) at 40 digits, exact inputs."""
    with mp.workdps(40):
        P, Q, D, MU, TT = _mpc(p), _mpc(q), _mpc(d), mp.mpf(mu), mp.mpf(T)

        def fp(z):
            return _phi_mp(z, MU, TT, s_p)

        def fq(z):
            return _phi_mp(z, MU, TT, s_q)

        if D == 0 and P == Q:
            return mp.diff(fp, P, 2)
        if D == 0:
            return (mp.diff(fp, P) - mp.diff(fq, Q)) / (P - Q)
        if P == Q:
            return (mp.diff(fp, P) - mp.diff(fp, P - D)) / D
        return (fp(P) - fp(P - D) - fq(Q) + fq(Q - D)) / (D * (P - Q))


# (d, p - q): both large, d tiny, p - q tiny, both tiny, both exactly 0, and mixtures
MIXED_REGIMES = [(0.7, 0.6), (-0.3, 0.45), (1e-8, 0.6), (0.0, 0.6), (0.7, 1e-8), (0.7, 0.0),
                 (1e-4, 1e-4), (1e-8, 1e-8), (1e-8, 0.0), (0.0, 1e-8), (0.0, 0.0)]
MIXED_POINTS = [MU_DD + 1.0 - 0.2j, MU_DD - 0.7 + 0.3j]


def _mixed_case(p, d, dq, T, family_q=None):
    s = np.sign(p.imag)
    q = p - dq if family_q is None else dq      # dq is q itself for mixed families
    s_q = s if family_q is None else family_q
    got = mixed_difference(p, q, d, MU_DD, T, s, s_q)
    return _rel(got, _mixed_reference(p, q, d, MU_DD, T, s, s_q))


@pytest.mark.parametrize("T", [0.0, 1e-6, 0.05])
@pytest.mark.parametrize("d, dq", MIXED_REGIMES)
@pytest.mark.parametrize("p", MIXED_POINTS)
def test_mixed_difference_against_mpmath(p, d, dq, T):
    assert _mixed_case(p, d, dq, T) < 1e-11


@pytest.mark.parametrize("T", [0.0, 1e-6, 0.05])
@pytest.mark.parametrize("d", [0.7, 1e-4, 1e-8, 0.0, -0.2])
@pytest.mark.parametrize("p, q", [(MU_DD + 1.0 - 0.2j, MU_DD + 0.7 + 0.2j),
                                  (MU_DD - 0.7 + 0.3j, MU_DD - 0.69 - 0.3j),
                                  (MU_DD + 0.3 - 0.02j, MU_DD + 0.3 + 0.02j)])
def test_mixed_difference_different_families(p, q, d, T):
    assert _mixed_case(p, d, q, T, family_q=np.sign(q.imag)) < 1e-11


@pytest.mark.parametrize("d", [1e-8, 0.0])
def test_mixed_difference_pole_on_chemical_potential(d):
    # q = p - 0.6 sits right on mu (Re q = mu), with pi T ~ |Im q|: the contour of d -> 0
    assert _mixed_case(MU_DD + 0.6 - 0.4j, d, 0.6, 0.05) < 1e-11


@pytest.mark.parametrize("d, dq", [(1e-4, 1e-4), (1e-8, 1e-8), (0.0, 0.0)])
def test_mixed_difference_tiny_temperature(d, dq):
    # |Phi| ~ log(|p - mu| / 2 pi T) ~ 13 on a contour of radius 0.025
    assert _mixed_case(MU_DD + 2.5 - 0.05j, d, dq, 1e-6) < 1e-11


def test_mixed_difference_broadcasts_over_regimes():
    """All four code paths in one vectorized call must agree with the scalar references."""
    p = MIXED_POINTS[0]
    d = np.array([r[0] for r in MIXED_REGIMES])
    q = p - np.array([r[1] for r in MIXED_REGIMES])
    s = np.sign(p.imag)
    got = mixed_difference(p, q, d, MU_DD, 0.05, s, s)
    assert got.shape == d.shape
    for di, qi, gi in zip(d, q, got):
        assert _rel(gi, _mixed_reference(p, qi, di, MU_DD, 0.05, s, s)) < 1e-11


# --------------------------------------------------------------------------- poles

def _inv_spectral(numeric, electrode, e):
    """A_a(e) = G^r Gamma_a G^a with G^r = inv(e - H + i (Gamma_L + Gamma_R)/2)."""
    n = numeric.N
    g = np.linalg.inv(e * np.eye(n) - numeric.H + 0.5j * (numeric.gamma_L + numeric.gamma_R))
    gamma = numeric.gamma_L if electrode == "L" else numeric.gamma_R
    return g @ gamma @ g.conj().T


from _shared import THREE_LEVEL_B as THREE_LEVEL  # noqa: E402

DECOUPLED = dict(   # level 3: no hopping, no broadening -> real eigenvalue 0.7 of H_eff
    H=np.array([[0.4, 0.15, 0.0], [0.15, -0.3, 0.0], [0.0, 0.0, 0.7]]),
    gamma_L=np.array([[0.2, 0.08, 0.0], [0.08, 0.1, 0.0], [0.0, 0.0, 0.0]]),
    gamma_R=np.diag([0.0, 0.05, 0.0]),
    M=[np.array([[0.1, 0.05, 0.02], [0.05, -0.05, 0.03], [0.02, 0.03, 0.02]])],
    omega=1.0, gamma_ph=0.01)

DARK = dict(        # two degenerate levels seen by L only through (|1> + |2>): |1> - |2> is dark
    H=np.diag([0.2, 0.2]),
    gamma_L=np.array([[0.1, 0.1], [0.1, 0.1]]),
    gamma_R=np.zeros((2, 2)),
    M=[np.array([[0.1, 0.03], [0.03, -0.1]])],
    omega=1.0, gamma_ph=0.01)

ENERGIES = np.array([-3.0, -0.3, -0.2999, 0.0, 0.1, 0.201, 0.4, 0.69, 0.71, 2.0, 40.0])


@pytest.mark.parametrize("electrode", ["L", "R"])
@pytest.mark.parametrize("spec, n_poles", [(THREE_LEVEL, 6), (DECOUPLED, 4), (DARK, 2)],
                         ids=["three-level", "decoupled-level", "dark-state"])
def test_pole_expansion_spectral_matches_inverse(spec, n_poles, electrode):
    numeric = symehp.Junction(**spec).numeric()
    expansion = pole_expansion(numeric)
    # decoupled / dark levels (real eigenvalues of H_eff) are dropped, the rest kept
    assert expansion.poles.shape == (n_poles,)
    assert np.all(np.abs(expansion.poles.imag) > 1e-6)
    assert np.array_equal(expansion.family, np.sign(expansion.poles.imag))
    got = expansion.spectral(electrode, ENERGIES)
    assert got.shape == ENERGIES.shape + (numeric.N, numeric.N)
    for e, a in zip(ENERGIES, got):
        ref = _inv_spectral(numeric, electrode, e)
        scale = max(np.abs(ref).max(), 1e-300)
        assert np.abs(a - ref).max() <= 1e-12 * scale + 1e-15, (e, np.abs(a - ref).max())
        # Hermitian and positive semi-definite
        assert np.abs(a - a.conj().T).max() <= 1e-13 * scale + 1e-16
        assert np.linalg.eigvalsh(0.5 * (a + a.conj().T)).min() >= -1e-13 * scale


def test_pole_expansion_total_spectral_sum_rule():
    """A_L + A_R = i (G^r - G^a), and int A de / 2 pi = identity (one state per level)."""
    numeric = symehp.Junction(**THREE_LEVEL).numeric()
    expansion = pole_expansion(numeric)
    # A = i (G^r - G^a): the residues of the lower family sum to i * sum_j P_j = i * identity
    w = expansion.residues["L"] + expansion.residues["R"]
    lower = expansion.family < 0
    np.testing.assert_allclose(w[lower].sum(axis=0), 1j * np.eye(3), atol=1e-13)
    for e in (-0.4, 0.05, 0.9):
        g = np.linalg.inv(e * np.eye(3) - numeric.H + 0.5j * (numeric.gamma_L + numeric.gamma_R))
        total = expansion.spectral("L", e) + expansion.spectral("R", e)
        np.testing.assert_allclose(total, 1j * (g - g.conj().T), atol=1e-13)


# --------------------------------------------------------------------------- exceptional point

def _exceptional_junction(g):
    """H = [[0, t], [t, 0]], gamma_L = diag(g, 0), gamma_R = 0, t = g/4: H_eff is a Jordan block.

    H_eff = [[-i g/2, t], [t, 0]] has characteristic polynomial (lambda + i g/4)^2 exactly
    (g/2 and g/4 are exact in binary), i.e. an exact exceptional point.
    """
    t = g / 4
    return symehp.Junction(H=[[0, t], [t, 0]], gamma_L=[[g, 0], [0, 0]], gamma_R=[[0, 0], [0, 0]],
                           M=[[0.3, 0.1], [0.1, -0.2]], omega=1.0, gamma_ph=0.1)


@pytest.mark.parametrize("func", [symehp.ehp_dos, symehp.emission_spectrum])
def test_exceptional_point_raises_model_error(func):
    model = _exceptional_junction(1.0)
    with pytest.raises(symehp.ModelError, match="exceptional point|defective"):
        func(model, "LL", 0.3, mu_L=0.1, mu_R=0.1, T_e=0.05)


def test_every_exact_exceptional_point_raises():
    """LAPACK splits a Jordan block by ~sqrt(eps): cond(eigenvectors) lands anywhere near
    1e8 depending on the numbers, so a detection threshold must sit well below that (with
    the former threshold 1e8, g = 2, 3, 5, 6 slipped through and gave 37-48% errors)."""
    missed = []
    for g in (0.1, 0.2, 0.4, 1.0, 2.0, 3.0, 5.0, 6.0):
        try:
            symehp.ehp_dos(_exceptional_junction(g), "LL", 0.3, mu_L=0.1, mu_R=0.1, T_e=0.05)
        except symehp.ModelError:
            continue
        missed.append(g)
    assert not missed, f"no ModelError for exact exceptional points g = {missed}"


def test_exceptional_point_is_defective_in_exact_arithmetic():
    """Guard for the test above: the model really is a Jordan block (mpmath, 50 digits)."""
    with mp.workdps(50):
        for g in (1.0, 2.0, 3.0):
            t = mp.mpf(g) / 4
            a, b, c = mp.mpf(1), 0.5j * mp.mpf(g), -t ** 2       # lambda^2 + i g/2 lambda - t^2
            assert b ** 2 - 4 * a * c == 0


# --------------------------------------------------------------------------- fast digamma, Taylor forms

from symehp.numeric.fermi_integrals import (parallelogram_mean, phi_derivatives,  # noqa: E402
                                             psi_half, segment_mean, singularity_distance)

PSI_ARGS = [0.0, 0.3j, 0.01 + 0.3j, 0.5 - 7j, 2 + 19.9j, 9.4999 + 0.1j, 9.5 + 0j, 10 - 1e-9j,
            10.0 + 0j, 3 + 9.99j, 0.3 + 10.01j, 1e3 + 1e5j, 1e14j, -0.2 + 3j, -0.24 + 0.1j,
            -0.3 + 0.2j, -1.7 + 4j, 40 - 3j]


@pytest.mark.parametrize("v", PSI_ARGS)
def test_psi_half_against_mpmath(v):
    """psi(1/2 + v): shift/series boundary (|v| = 10), large |v|, and the SciPy fallback
    for Re(1/2 + v) <= 1/4 (never used by the closed forms)."""
    got = psi_half(np.array([v]))[0]
    with mp.workdps(30):
        ref = mp.digamma(mp.mpf(1) / 2 + _mpc(v))
    assert abs(_mpc(got) - ref) <= 4e-15 * max(1.0, abs(ref))


def test_psi_half_vectorized_mixed_regimes():
    v = np.array(PSI_ARGS).reshape(2, 9)
    got = psi_half(v)
    assert got.shape == v.shape
    for vi, gi in zip(v.ravel(), got.ravel()):
        assert gi == psi_half(np.array([vi]))[0]


def test_psi_half_over_several_pieces_against_scipy():
    """More arguments than one piece of the vectorized digamma (``_PSI_PIECE``): every
    piece, and its boundaries, agree with SciPy's digamma to 4e-15, each argument gives
    the bits of its own call (no dependence on its position in the array), and the
    ``Re(1/2 + v) <= 1/4`` and ``|v| > 1e15`` arguments are placed in their slots."""
    from scipy.special import digamma

    from symehp.numeric import fermi_integrals
    rng = np.random.default_rng(7)
    n = 2 * fermi_integrals._PSI_PIECE + 37
    v = rng.uniform(0.0, 25.0, n) + 1j * rng.uniform(-40.0, 40.0, n)
    v[::97] = 0.3 + 1j * rng.uniform(-3.0, 3.0, v[::97].size)     # near the digamma poles
    v[5], v[fermi_integrals._PSI_PIECE] = -0.3 + 0.2j, 2e15 + 1e15j
    got = psi_half(v)
    ref = digamma(0.5 + v)
    assert np.max(np.abs(got - ref) / np.maximum(1.0, np.abs(ref))) < 4e-15
    for i in list(range(0, n, 211)) + [5, fermi_integrals._PSI_PIECE - 1,
                                       fermi_integrals._PSI_PIECE]:
        assert got[i] == psi_half(v[i:i + 1])[0], i


def test_phi_lower_from_real_parts():
    """``phi_lower_parts(Re x, Im x, tau)`` (the inner loop's form) is ``phi_lower(x, tau)``
    against mpmath, broadcasting the parts and tau, and with its logarithmic limit
    beyond ``|x / tau| = 1e15``."""
    from symehp.numeric.fermi_integrals import phi_lower, phi_lower_parts
    rng = np.random.default_rng(9)
    re = rng.uniform(-3.0, 3.0, (2, 1, 50, 1)) + np.zeros((1, 2, 1, 3))
    im = -rng.uniform(0.0, 0.5, 3)
    tau = 2 * np.pi * rng.uniform(1e-3, 0.2, (50, 1))
    got = phi_lower_parts(re, im, tau)
    assert got.shape == (2, 2, 50, 3)
    x = re + 1j * im
    assert np.max(np.abs(got - phi_lower(x, tau))) < 4e-15 * np.max(np.abs(got))
    for idx in [(0, 0, 0, 0), (1, 1, 49, 2), (0, 1, 17, 1)]:
        with mp.workdps(30):
            v = 1j * _mpc(x[idx]) / mp.mpf(float(tau[idx[2], 0]))
            ref = mp.digamma(mp.mpf(1) / 2 + v) - 0.5j * mp.pi
        assert abs(_mpc(got[idx]) - ref) <= 4e-15 * max(1.0, abs(ref))
    far = phi_lower_parts(np.array([3e14, 0.3]), np.array([-1.0, -0.1]), 1e-3)
    assert abs(far[0] - (np.log(1j * (3e14 - 1j)) - np.log(1e-3) - 0.5j * np.pi)) < 1e-13
    assert far[1] == phi_lower(np.array([0.3 - 0.1j]), 1e-3)[0]


def test_log_by_parts_is_the_principal_log():
    """The digamma's ``log v`` as ``log|v|^2 / 2 + i arg v``: NumPy's complex log to 1 ulp
    of ``log|v|``, on every quadrant and at the magnitudes the series meets."""
    from symehp.numeric.fermi_integrals import _log
    rng = np.random.default_rng(8)
    mag = 10.0 ** rng.uniform(-3, 15, 4000)
    v = mag * np.exp(1j * rng.uniform(-np.pi, np.pi, mag.size))
    v = np.r_[v, -1.0 + 0j, 1j, -1j, 10.5 + 0j]
    got, ref = _log(v), np.log(v)
    assert np.all(np.abs(got.real - ref.real) <= 2 * EPS * np.maximum(1.0, np.abs(ref.real)))
    assert np.all(np.abs(got.imag - ref.imag) <= 2 * EPS * np.pi)


# points x = z - mu of both families, near and far from mu on the scale 2 pi T
DERIV_POINTS = [(0.3 - 0.2j, -1), (2.0 - 0.1j, -1), (0.01 + 0.001j, 1), (10 - 0.1j, -1),
                (-0.7 + 0.3j, 1), (0.3 - 1e-3j, -1)]


@pytest.mark.parametrize("T", [0.0, 1e-6, 1e-3, 0.05, 1.0])
@pytest.mark.parametrize("x, s", DERIV_POINTS)
def test_phi_derivatives_against_mpmath(x, s, T):
    orders = list(range(1, 11))
    got = phi_derivatives(np.array([x]), T, s, orders)[:, 0]
    with mp.workdps(40):
        X, TT = _mpc(x), mp.mpf(T)
        for j, g in zip(orders, got):
            if T == 0:
                ref = (-1) ** (j - 1) * mp.factorial(j - 1) / X ** j
            else:
                scale = s / (2j * mp.pi * TT)
                ref = mp.polygamma(j, mp.mpf(1) / 2 + scale * X) * scale ** j
            assert _rel(g, ref) < 1e-13, (j, g, ref)


def _segment_reference(c, h, mu, T, s):
    with mp.workdps(40):
        C, H, MU, TT = _mpc(c), _mpc(h), mp.mpf(mu), mp.mpf(T)
        if H == 0:
            return mp.diff(lambda z: _phi_mp(z, MU, TT, s), C)
        return (_phi_mp(C + H / 2, MU, TT, s) - _phi_mp(C - H / 2, MU, TT, s)) / H


SEGMENT_CENTRES = [0.25 - 0.2j, 0.3 - 0.01j, 2.5 - 0.05j, -0.7 + 0.3j, 0.25 - 1e-4j]


@pytest.mark.parametrize("T", [0.0, 1e-6, 0.05, 1.0])
@pytest.mark.parametrize("c", SEGMENT_CENTRES)
def test_segment_mean_against_mpmath(c, T):
    """Up to the edge of its radius (|h| = R/64, the worst case) in several directions,
    and at coincidence (h = 0)."""
    mu = 0.25
    s = np.sign(c.imag)
    R = singularity_distance(c - mu, T, s)
    for frac in (CLOSE, 1 / 200, 1e-6, 0.0):
        for angle in (0.0, 0.7, np.pi / 2, 2.0):
            h = frac * R * np.exp(1j * angle)
            got = segment_mean(c, h, mu, T, s)
            assert _rel(got, _segment_reference(c, h, mu, T, s)) < 1e-14, (frac, angle)


@pytest.mark.parametrize("T", [0.0, 1e-6, 0.05])
@pytest.mark.parametrize("c", SEGMENT_CENTRES[:4])
def test_parallelogram_mean_against_mpmath(c, T):
    """The mean of Phi'' over the parallelogram p, p - d, q, q - d is the second divided
    difference of mixed_difference; checked up to the edge of its radius
    (|p - q| = |d| = R/64) and in the coincident limits."""
    mu = MU_DD
    s = np.sign(c.imag)
    R = singularity_distance(c - mu, T, s)
    for f1, f2 in ((CLOSE, CLOSE), (CLOSE, 0.0), (0.0, CLOSE), (1e-5, 1e-3), (0.0, 0.0)):
        for a1, a2 in ((0.0, 0.0), (0.5, np.pi), (np.pi / 2, 0.0), (1.0, 2.0)):
            r1 = f1 * R * np.exp(1j * a1)
            d = f2 * R * np.cos(a2)                          # d is real in the spectra
            got = parallelogram_mean(c, r1, -d, mu, T, s)
            p = c + r1 / 2 + d / 2
            q = c - r1 / 2 + d / 2
            ref = _mixed_reference(p, q, d, mu, T, s, s)
            assert _rel(got, ref) < 1e-14, (f1, f2, a1, a2)


def test_taylor_forms_agree_with_contour_route():
    """At and near coincidence the Taylor forms and the contour integrals of
    divided_difference / mixed_difference are two independent evaluations."""
    mu, T = 0.1, 0.05
    for x in (0.6 - 0.1j, -0.4 + 0.1j):
        s = np.sign(x.imag)
        for h in (0.0, 1e-9, 1e-4, 3e-3):
            seg = segment_mean(x - h / 2, h, mu, T, s)
            assert abs(seg - divided_difference(x, x - h, mu, T, s)) <= 1e-13 * abs(seg)
            for d in (0.0, 1e-7, 2e-3):
                par = parallelogram_mean(x - h / 2 - d / 2, h, -d, mu, T, s)
                mix = mixed_difference(x, x - h, d, mu, T, s, s)
                assert abs(par - mix) <= 1e-12 * abs(par)


# --------------------------------------------------------------------------- adaptive quadrature

from symehp.numeric.quadrature import _RULES, integrate_panels  # noqa: E402


def test_fejer_rules_exact_for_polynomials():
    """Fejer's second rule with n - 1 nodes integrates polynomials of degree <= n - 1 exactly."""
    for nodes, weights, _ in _RULES:
        n = nodes.size + 1
        for k in range(n):
            exact = 0.0 if k % 2 else 2.0 / (k + 1)
            assert abs(weights @ nodes ** k - exact) < 1e-14


def test_integrate_panels_known_integrals():
    """Several integrals at once, each with its own breakpoints; a jump at a breakpoint
    (no node sits on it) and a narrow Lorentzian whose peak is a breakpoint."""
    calls = []

    def f(w, owner):
        calls.append(w.size)
        lor = 1e-3 / ((w - 0.3) ** 2 + 1e-6)
        return np.stack([np.exp(w), np.where(w < 0.3, 1.0, -2.0), lor], axis=-1)

    def lorentz(a, b):
        return np.arctan((b - 0.3) / 1e-3) - np.arctan((a - 0.3) / 1e-3)

    edges = [np.array([-1.0, 0.3, 1.0]), np.array([0.0, 0.3, 2.0]), np.array([0.0, 0.3, 1.0])]
    expected = [[np.e - 1 / np.e, 1.3 - 2 * 0.7, lorentz(-1, 1)],
                [np.exp(2) - 1, 0.3 - 2 * 1.7, lorentz(0, 2)],
                [np.e - 1, 0.3 - 2 * 0.7, lorentz(0, 1)]]
    values, errors = integrate_panels(f, edges, rtol=1e-12)
    for row, want, err in zip(values, expected, errors):
        scale = np.max(np.abs(want))
        assert np.max(np.abs(row - want)) <= 1e-12 * scale
        assert err <= 1e-12 * scale
    assert len(calls) < 30          # about ten bisections of each side of the peak
