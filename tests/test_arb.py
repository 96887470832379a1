"""The dps= path's polygamma through Arb (python-flint) against mpmath's (issue 9)."""

import mpmath as mp
import numpy as np
import pytest

import symehp
from symehp.numeric.mp import spectra as precise

pytestmark = pytest.mark.skipif(precise._flint is None, reason="python-flint not installed")

POINTS = [mp.mpc("0.16667", "-1.1"), mp.mpc("-3.25", "7.5"), mp.mpc("0.5", "1e-30"),
          mp.mpc("1e5", "-2e6"), mp.mpc("0.5", "0"), mp.mpc("-7.75", "-1e-12")]


@pytest.mark.parametrize("dps", [15, 30, 60])
@pytest.mark.parametrize("order", [0, 1, 2])
def test_polygamma_equals_mpmath_to_the_working_precision(dps, order):
    with mp.workdps(dps):
        for z in POINTS:
            got = precise._polygamma(order, z)
            want = mp.digamma(z) if order == 0 else mp.polygamma(order, z)
            assert abs(got - want) <= mp.mpf(10) ** (2 - dps) * abs(want), (z, got, want)


@pytest.mark.slow
def test_the_currents_do_not_depend_on_the_polygamma_route(monkeypatch):
    """Arb and mpmath give the same J and spectra at dps = 25 (to 1e-22 of J)."""
    model = symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)
    args = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.05, dps=25)
    arb = symehp.transport(model, **args)
    lam = symehp.ehp_dos(model, "LR", 0.9, mu_L=0.6, mu_R=-0.6, T_e=0.05, dps=25)
    monkeypatch.setattr(precise, "_flint", None)
    precise._PHI_MEMO.clear()
    ref = symehp.transport(model, **args)
    ref_lam = symehp.ehp_dos(model, "LR", 0.9, mu_L=0.6, mu_R=-0.6, T_e=0.05, dps=25)
    precise._PHI_MEMO.clear()
    assert abs(arb.J - ref.J) <= mp.mpf("1e-22") * abs(ref.J)
    assert abs(arb.I - ref.I) <= mp.mpf("1e-22") * abs(ref.I)
    assert abs(np.asarray(lam, complex) - np.asarray(ref_lam, complex)).max() <= 1e-15


def test_the_spectra_do_not_depend_on_the_polygamma_route(monkeypatch):
    """Three-level model with hopping (coincident-limit branches included): Lambda and
    Pi^< through Arb equal mpmath's at dps = 30 to 1e-28."""
    from _shared import GL3, GPH3, GR3, H3, M3, OM3
    model = symehp.Junction(H3, GL3, GR3, list(M3), list(OM3), list(GPH3))
    args = dict(mu_L=0.4, mu_R=-0.3, T_e=0.05, dps=30)
    w = 0.7                                                       # = mu_L - mu_R (trigamma)
    arb = [f(model, ch, w, **args) for ch in ("LR", "RL") for f in
           (symehp.ehp_dos, symehp.emission_spectrum)]
    monkeypatch.setattr(precise, "_flint", None)
    precise._PHI_MEMO.clear()
    ref = [f(model, ch, w, **args) for ch in ("LR", "RL") for f in
           (symehp.ehp_dos, symehp.emission_spectrum)]
    precise._PHI_MEMO.clear()
    for a, b in zip(arb, ref):
        a, b = np.ravel(a), np.ravel(b)
        scale = max(abs(x) for x in b)
        assert scale > 0
        assert max(abs(x - y) for x, y in zip(a, b)) <= mp.mpf("1e-28") * scale


def test_arb_pair_sums_equal_the_mpmath_ones(monkeypatch):
    """The equal-temperature pair sums in Arb (``ARB_PAIR_SUMS``) against the same sums in
    mpmath, same digammas: three-level model with hopping and complex couplings, at
    generic frequencies and at w = 0 (where the pairs p = w + p take the mpmath limits):
    equal at dps = 30 to 1e-28 of each spectrum."""
    from _shared import GL3, GPH3, GR3, H3, M3, OM3
    model = symehp.Junction(H3, GL3, GR3, list(M3), list(OM3), list(GPH3))
    args = dict(mu_L=0.4, mu_R=-0.3, T_e=0.05, dps=30)
    w = [0.0, 0.31, -0.9, 1.4]

    def spectra():
        precise._PHI_MEMO.clear()
        precise._ARB_CACHE.clear()
        return [np.ravel(f(model, ch, w, **args)) for ch in ("LR", "RR") for f in
                (symehp.ehp_dos, symehp.emission_spectrum)]

    arb = spectra()
    monkeypatch.setattr(precise, "ARB_PAIR_SUMS", False)
    ref = spectra()
    for a, b in zip(arb, ref):
        scale = max(abs(x) for x in b)
        assert scale > 0
        assert max(abs(x - y) for x, y in zip(a, b)) <= mp.mpf("1e-28") * scale


def test_two_temperature_emission_at_dps_equals_the_double_closed_form():
    """``Pi^<`` at ``T_L != T_R`` with ``dps=``: the Fermi pole sums in Arb (pole count set
    by evaluating their error at 10^-(dps + 10)) against the double-precision pole sums
    of the spectra (1e-12 of the peak: the double route's own accuracy)."""
    model = symehp.two_level(0.3, -0.2, 0.1, 0.15, 0.05, 0.4, 0.01)
    kw = dict(mu_L=0.25, mu_R=-0.25, T_L=0.1, T_R=0.2)
    w = np.array([-0.5, 0.0, 0.3, 0.9])
    for ch in ("LR", "RL"):
        precise_values = np.asarray(symehp.emission_spectrum(model, ch, w, dps=30, **kw),
                                    complex)
        double = symehp.emission_spectrum(model, ch, w, **kw)
        assert np.abs(precise_values - double).max() <= 1e-12 * np.abs(double).max()


@pytest.mark.slow          # ~10 s: the mpmath energy quadrature at 30 digits, two nodes
def test_two_temperature_emission_at_dps_equals_the_mpmath_quadrature(monkeypatch):
    """The same against the 30-digit energy quadrature it replaced: 1e-28 relative."""
    model = symehp.two_level(0.3, -0.2, 0.1, 0.15, 0.05, 0.4, 0.01)
    kw = dict(mu_L=0.25, mu_R=-0.25, T_L=0.1, T_R=0.2, dps=30)
    w = [0.5, 0.0]
    poles = np.ravel(symehp.emission_spectrum(model, "LR", w, **kw))
    monkeypatch.setattr(precise, "ARB_PAIR_SUMS", False)
    quad = np.ravel(symehp.emission_spectrum(model, "LR", w, **kw))
    for a, b in zip(poles, quad):
        assert abs(a - b) <= mp.mpf("1e-28") * abs(b)
