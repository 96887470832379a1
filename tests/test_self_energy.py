"""``symehp.ehp_self_energy``: the modes' retarded self-energy from one EHP channel (issue 11).

Independent checks: its anti-Hermitian part against ``ehp_dos`` (Eq. 7), its
Hermitian part against a principal-value (Kramers-Kronig) quadrature of that
``Lambda``, the real-response symmetry of the sum, the energy quadrature with matrix
inverses of ``applications.mode_coupling`` (the route the closed form came from), the
mpmath path, and the deprecated alias.
"""

import numpy as np
import pytest
from scipy.integrate import quad

import symehp
from symehp import CHANNELS
from symehp.applications import mode_coupling as mc

import _shared

KW = [dict(mu_L=0.3, mu_R=-0.2, T_e=0.05), dict(mu_L=-0.1, mu_R=0.25, T_L=0.02, T_R=0.08),
      dict(mu_L=0.2, mu_R=-0.2, T_e=0.0)]


@pytest.fixture(scope="module")
def model3():
    return _shared.three_level_model()


def _dagger(x):
    return np.conj(np.swapaxes(x, -1, -2))


@pytest.mark.parametrize("kw", KW)
def test_anti_hermitian_part_is_the_ehp_dos(model3, kw):
    """``i (Pi^r_ab - Pi^r_ab^+) = Lambda^{ab}`` for every channel and for the total."""
    w = np.array([-0.7, -0.1, 0.0, 0.05, 0.4, 1.1])
    total = 0
    for ch in CHANNELS:
        pi = symehp.ehp_self_energy(model3, ch, w, **kw)
        lam = symehp.ehp_dos(model3, ch, w, **kw)
        assert pi.shape == w.shape + (2, 2)
        np.testing.assert_allclose(1j * (pi - _dagger(pi)), lam, rtol=0, atol=1e-13)
        total = total + pi
    np.testing.assert_allclose(symehp.ehp_self_energy(model3, "total", w, **kw), total,
                               rtol=0, atol=1e-15)
    assert np.abs(total).max() > 1e-3


@pytest.mark.parametrize("ch", ["RL", "LL"])
def test_hermitian_part_is_the_kramers_kronig_transform(model3, ch):
    """``(Pi^r + Pi^r^+)/2 = P int dw'/2pi Lambda(w') / (w - w')`` (no constant).
    ``Lambda`` falls like 1/w^2, so cutting the principal value at 1e4 leaves 1e-12;
    QUADPACK's Cauchy rule reaches ~1e-9 here."""
    kw = dict(mu_L=0.3, mu_R=-0.2, T_L=0.05, T_R=0.12)
    w0 = 0.37
    pi = symehp.ehp_self_energy(model3, ch, w0, **kw)
    herm = 0.5 * (pi + _dagger(pi))
    for m, n in ((0, 0), (1, 1), (0, 1)):
        def lam(x, m=m, n=n):
            value = symehp.ehp_dos(model3, ch, x, **kw)
            return 0.5 * (value[m, n] + np.conj(value[n, m])).real / (2 * np.pi)
        principal = -quad(lam, -1e4, 1e4, weight="cauchy", wvar=w0, limit=2000,
                          epsabs=1e-15, epsrel=1e-12)[0]
        assert herm[m, n].real == pytest.approx(principal, rel=1e-8, abs=1e-10 * abs(herm).max())


def test_total_is_a_real_response(model3):
    """``Pi^r(-w) = conj Pi^r(w)`` for the sum over the channels; ``Pi^r(0)`` real."""
    w = np.array([0.0, 0.2, 0.9])
    kw = dict(mu_L=0.25, mu_R=-0.15, T_L=0.03, T_R=0.06)
    plus = symehp.ehp_self_energy(model3, "total", w, **kw)
    minus = symehp.ehp_self_energy(model3, "total", -w, **kw)
    np.testing.assert_allclose(minus, np.conj(plus), rtol=0, atol=1e-14)
    assert np.abs(plus[0].imag).max() < 1e-15


@pytest.mark.parametrize("kw", KW[:2])
def test_against_the_energy_quadrature(model3, kw):
    """The closed form against ``-i int de/2pi tr[M G^r M G^< + M G^< M G^a]`` with matrix
    inverses (mode_coupling's quadrature route), the Hermitian part included."""
    w = np.array([0.0, 0.35, -0.8])
    closed = symehp.ehp_self_energy(model3, "total", w, **kw)
    reference = mc._self_energy(model3, w, route="quadrature", **kw)
    np.testing.assert_allclose(closed, reference, rtol=0, atol=1e-9 * np.abs(closed).max())


def test_dps_path_agrees(model3):
    kw = dict(mu_L=0.3, mu_R=-0.2, T_L=0.05, T_R=0.12)
    for ch in ("RL", "RR"):
        precise = symehp.ehp_self_energy(model3, ch, 0.3, dps=20, **kw)
        double = symehp.ehp_self_energy(model3, ch, 0.3, **kw)
        assert precise.dtype == object
        assert np.abs(np.array(precise, complex) - double).max() <= 1e-13 * np.abs(double).max()


def test_deprecated_alias_warns_and_agrees(model3):
    kw = dict(mu_L=0.3, mu_R=-0.2, T_e=0.05)
    with pytest.warns(DeprecationWarning, match="ehp_self_energy"):
        old = mc.electronic_self_energy(model3, 0.4, **kw)
    assert np.array_equal(old, symehp.ehp_self_energy(model3, "total", 0.4, **kw))


def test_bad_input(model3):
    kw = dict(mu_L=0.1, mu_R=-0.1, T_e=0.01)
    with pytest.raises(symehp.ParameterError, match="channel"):
        symehp.ehp_self_energy(model3, "XY", 0.1, **kw)
    with pytest.raises(symehp.ParameterError, match="omega"):
        symehp.ehp_self_energy(model3, "LR", np.nan, **kw)
    with pytest.raises(symehp.ParameterError, match="T_e"):
        symehp.ehp_self_energy(model3, "LR", 0.1, mu_L=0.1, mu_R=0.0, T_e=-1)
    with pytest.raises(symehp.ParameterError, match="dps"):
        symehp.ehp_self_energy(model3, "LR", 0.1, dps=-3, **kw)
    decoupled = symehp.Junction(np.diag([0.1, 0.3, -0.2]), np.diag([0.2, 0, 0]),
                                np.diag([0, 0.2, 0]), [np.eye(3), np.ones((3, 3))], [1, 1], [0, 0])
    with pytest.raises(symehp.ModelError, match="decoupled"):
        symehp.ehp_self_energy(decoupled, "LR", 0.1, **kw)


def test_blocks_of_points_give_the_same_values(model3, monkeypatch):
    """The pair values are made in blocks of points (memory bounded by ``_BLOCK``
    numbers, not by the number of frequencies times P^2): one point per block gives the
    same numbers as one block for all (to round-off)."""
    from symehp.numeric import self_energy
    w = np.linspace(-1.0, 1.0, 9)[:, None]
    kw = dict(mu_L=np.array([0.3, -0.1]), mu_R=-0.2, T_L=0.05, T_R=0.08)
    whole = symehp.ehp_self_energy(model3, "RL", w, **kw)
    monkeypatch.setattr(self_energy, "_BLOCK", 1)
    # the same arithmetic per point (BLAS may pick another kernel for another batch size)
    np.testing.assert_allclose(symehp.ehp_self_energy(model3, "RL", w, **kw), whole,
                               rtol=1e-14, atol=1e-14 * np.abs(whole).max())
    assert whole.shape == (9, 2, 2, 2)
