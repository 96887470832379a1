"""Flat-band cross-check against the LOE formulas that Inelastica implements.

The lowest-order expansion (LOE) of Paulsson, Frederiksen & Brandbyge, PRB 72,
201101(R) (2005) and Frederiksen et al., PRB 75, 205413 (2007) takes the spectral
functions at the Fermi energy (energy-independent: the broad-level limit) and
counts both spins.  With Inelastica's coupling per phonon ``He`` (symehp's
``M = He sqrt(2 Omega)``), ``A = A_L + A_R`` at ``E_F`` and ``hbar = 1``:

* e-h damping rate ``gamma_eh = Tr[He A He A] Omega / pi``;
* excess emission rate (the phonons emitted per unit time beyond equilibrium, per
  excess phonon of damping: ``n = n_B + emis / (gamma_eh + gamma_ext)``)
  ``emis = Tr[He A_L He A_R] [Omega (cosh(v) - 1) coth(Omega / 2T) - V sinh(v)]
  / (cosh(Omega / T) - cosh(v)) / pi``, ``v = V / T``; at ``T = 0`` it is
  ``Tr[He A_L He A_R] (|V| - Omega) theta(|V| - Omega) / pi``: the heating onset at
  ``|eV| = Omega``.  At ``|V| = Omega`` the closed form is 0/0.

These are written here from the papers' formulas (not from any code).  symehp at
``spin_degeneracy=2``: damping ``sum_ab Lambda^{ab}(Omega) / (2 Omega)``, excess
emission ``[sum_ab Pi^<_ab(Omega) - n_B(Omega) sum_ab Lambda^{ab}(Omega)] / (2 Omega)``
(docs/conventions.md: ``gamma_e = Lambda / (2 Omega)`` in the units of
``Gamma_ph = 2 Omega gamma_ph``).  The model: two levels at ``E_F = 0`` with
diagonal broadenings of scale ``G`` (so ``A(e)`` is even in ``e`` and the first
order in ``Omega / G`` vanishes): symehp must agree to ``O((Omega / G)^2)``, and the
error must fall by 4 when ``G`` doubles.
"""

import numpy as np
import pytest

import symehp

OMEGA = 1.0
HE = np.array([[0.02, 0.01], [0.01, -0.015]])          # Inelastica's He_ph (energy)
CHANNELS = ("LL", "RR", "LR", "RL")
GAMMA_PH = 1e-3


def broadenings(G):
    return G * np.diag([1.0, 0.6]), G * np.diag([0.4, 1.0])


def model(G):
    gL, gR = broadenings(G)
    return symehp.Junction(np.zeros((2, 2)), gL, gR, M=HE * np.sqrt(2 * OMEGA), omega=OMEGA,
                           gamma_ph=GAMMA_PH, spin_degeneracy=2)


def traces(G):
    """``Tr[He A He A]``, ``Tr[He A_L He A_R]`` with the spectral functions at E_F = 0."""
    gL, gR = broadenings(G)
    g0 = np.linalg.inv(0.5j * (gL + gR))                  # G^r(0) = [0 - H + i Gamma/2]^-1
    AL, AR = g0 @ gL @ g0.conj().T, g0 @ gR @ g0.conj().T
    A = AL + AR
    return np.trace(HE @ A @ HE @ A).real, np.trace(HE @ AL @ HE @ AR).real


def loe_damping(G):
    return traces(G)[0] * OMEGA / np.pi


def loe_emission(G, V, T):
    p2 = traces(G)[1]
    if T == 0:
        return p2 * max(abs(V) - OMEGA, 0.0) / np.pi
    c = np.cosh(V / T)
    with np.errstate(divide="ignore", invalid="ignore"):
        return p2 * (OMEGA * (c - 1) / np.tanh(OMEGA / (2 * T)) - V * np.sinh(V / T)) \
            / (np.cosh(OMEGA / T) - c) / np.pi


def x_nb(x, T):
    """``x n_B(x, T)``, ``T`` at ``x = 0``."""
    return T if x == 0 else x / np.expm1(x / T)


def symehp_rates(jn, V, T):
    """(damping, excess emission) of symehp at the mode, rates in energy units."""
    kw = dict(mu_L=V / 2, mu_R=-V / 2, T_e=T)
    lam = sum(symehp.ehp_dos(jn, c, OMEGA, **kw)[0, 0].real for c in CHANNELS)
    emission = sum(symehp.emission_spectrum(jn, c, OMEGA, **kw)[0, 0].real for c in CHANNELS)
    nb = 0.0 if T == 0 else 1.0 / np.expm1(OMEGA / T)
    return lam / (2 * OMEGA), (emission - nb * lam) / (2 * OMEGA)


def test_loe_emission_closed_form_is_the_flat_band_sum_over_channels():
    # independent route for the formula read from the papers: in the flat band the two
    # inter-electrode channels emit in excess (Omega -+ V) [n_B(Omega -+ V) - n_B(Omega)]
    for V, T in ((0.5, 0.2), (1.5, 0.2), (-2.5, 0.3), (0.9, 0.05)):
        p2 = traces(10.0)[1]
        direct = p2 / np.pi * (x_nb(OMEGA - V, T) + x_nb(OMEGA + V, T) - 2 * x_nb(OMEGA, T))
        assert loe_emission(10.0, V, T) == pytest.approx(direct, rel=1e-12)


@pytest.mark.parametrize("V, T", [(0.5, 0.2), (1.5, 0.2), (-1.5, 0.2), (2.5, 0.0),
                                  (0.5, 0.0)])
def test_damping_and_emission_match_loe_to_second_order(V, T):
    errors = []
    for G in (20.0, 40.0):
        damp, emis = symehp_rates(model(G), V, T)
        ref_damp, ref_emis = loe_damping(G), loe_emission(G, V, T)
        e_damp = damp / ref_damp - 1
        assert abs(e_damp) < 10 * (OMEGA / G) ** 2
        if ref_emis == 0:                     # below the threshold at T = 0: nothing
            assert emis == 0
            errors.append((e_damp, None))
            continue
        e_emis = emis / ref_emis - 1
        assert abs(e_emis) < 10 * (OMEGA / G) ** 2
        errors.append((e_damp, e_emis))
    # the error falls as (Omega / G)^2: a factor 4 from G = 20 to 40
    assert 3.6 < errors[0][0] / errors[1][0] < 4.4
    if errors[0][1] is not None:
        assert 3.6 < errors[0][1] / errors[1][1] < 4.4


def test_heating_threshold_onset():
    # T = 0: no excess emission up to |eV| = Omega, then (|V| - Omega) Tr[He A_L He A_R]/pi
    jn = model(40.0)
    p2 = traces(40.0)[1]
    for V in (0.3, 0.99, 1.0):
        assert symehp_rates(jn, V, 0.0)[1] == 0.0
    slope = (symehp_rates(jn, 1.4, 0.0)[1] - symehp_rates(jn, 1.2, 0.0)[1]) / 0.2
    assert slope == pytest.approx(p2 / np.pi, rel=10 * (OMEGA / 40.0) ** 2)


def test_finite_at_the_threshold_where_the_closed_form_is_zero_over_zero():
    T, G = 0.2, 40.0
    with np.errstate(all="ignore"):
        closed = loe_emission(G, OMEGA, T)
    assert not np.isfinite(closed) or abs(closed) > 1e3 * abs(loe_emission(G, 1.1, T))
    jn = model(G)
    at = symehp_rates(jn, OMEGA, T)[1]
    assert np.isfinite(at) and at > 0
    # continuous through |eV| = Omega, and its limit value
    near = [symehp_rates(jn, OMEGA * (1 + s), T)[1] for s in (-1e-7, 1e-7)]
    assert at == pytest.approx(0.5 * (near[0] + near[1]), rel=1e-6)
    p2 = traces(G)[1]
    limit = p2 / np.pi * (T + x_nb(2 * OMEGA, T) - 2 * x_nb(OMEGA, T))
    assert at == pytest.approx(limit, rel=10 * (OMEGA / G) ** 2)
    # the mode occupation is finite there too (and at -Omega)
    for V in (OMEGA, -OMEGA):
        n = symehp.mode_occupation(jn, mu_L=V / 2, mu_R=-V / 2, T_e=T, T_ph=T).n
        assert np.isfinite(n)


def test_mode_occupation_and_power_match_loe():
    T, V = 0.2, 1.5
    for G in (20.0, 40.0):
        jn = model(G)
        occ = symehp.mode_occupation(jn, mu_L=V / 2, mu_R=-V / 2, T_e=T, T_ph=T)
        # Inelastica: n = emis / (gamma_eh + gamma_ext) + n_B, here gamma_ext = gamma_ph
        loe_n = 1 / np.expm1(OMEGA / T) + loe_emission(G, V, T) / (loe_damping(G) + GAMMA_PH)
        assert float(occ.n) == pytest.approx(loe_n, rel=10 * (OMEGA / G) ** 2)
    # power into the bath with the mode held at n_B (a narrow bath-damped mode, T_ph = T_e
    # = 0): J = Omega emis, to O((Omega/G)^2) and O(gamma_ph / Omega) from the line shape
    for G in (20.0, 40.0):
        r = symehp.transport(model(G), mu_L=1.0, mu_R=-1.0, T_e=0.0, T_ph=0.0)
        want = OMEGA * loe_emission(G, 2.0, 0.0)
        assert float(r.J) == pytest.approx(want, rel=2 * (OMEGA / G) ** 2 + 2 * GAMMA_PH)
