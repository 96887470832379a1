"""Frequency breakpoints of Eq. (8) that scale (issue 13).

Breakpoints sit only at the level-spacing resonances ``w = |Re(p - q)|`` of pole
pairs of opposite families that carry trace weight, merged where they overlap:
their number grows at most linearly with N on a long chain, an isolated narrow
resonance keeps its own, and the currents agree with those of the all-pairs
breakpoints (every pole difference, as before) to well within their tolerance.
"""

import numpy as np
import pytest

import symehp
from symehp.numeric import breakpoints, currents
from symehp.numeric.poles import pole_expansion


def chain(n, k=1, seed=0):
    rng = np.random.default_rng(seed)
    h = np.diag(rng.uniform(-0.1, 0.1, n)) + np.diag(np.ones(n - 1), 1) + np.diag(
        np.ones(n - 1), -1)
    g_l, g_r = np.zeros((n, n)), np.zeros((n, n))
    for j in range(min(4, n // 2)):
        g_l[j, j] = rng.uniform(0.2, 0.8)
        g_r[n - 1 - j, n - 1 - j] = rng.uniform(0.2, 0.8)
    m = np.zeros((k, n, n))
    for i in range(k):
        s = int(rng.integers(0, n - 3))
        a = rng.normal(size=(3, 3))
        m[i, s:s + 3, s:s + 3] = 0.05 * (a + a.T) / 2
    return symehp.Junction(h, g_l, g_r, m, np.linspace(0.05, 0.4, k), np.full(k, 0.01))


@pytest.mark.filterwarnings("ignore::symehp.errors.ValidityWarning")  # narrow levels on purpose
def test_breakpoints_grow_at_most_linearly_with_n():
    counts = {}
    for n in (8, 16, 32, 64, 128):
        expansion = pole_expansion(chain(n).numeric())
        counts[n] = currents._resonance_points(expansion).size
        all_pairs = np.unique(np.abs(expansion.poles.real[:, None]
                                     - expansion.poles.real[None, :])).size
        # N^2 / 2 pole differences, at most N breakpoints
        assert counts[n] <= n < all_pairs, (n, counts[n], all_pairs)


def test_isolated_narrow_resonances_keep_their_breakpoints():
    """Two narrow levels (widths 1e-6) far from a broad one: the resonance between the
    narrow pair (at 0.6, width 2e-6) and the broad-narrow ones are separate clusters;
    a pair with no trace weight gives none."""
    h = np.diag([0.0, 0.6, -1.5])
    g_l = np.diag([1e-6, 0.0, 0.4])
    g_r = np.diag([0.0, 1e-6, 0.0])
    m = np.array([[0, 0.1, 0], [0.1, 0, 0.05], [0, 0.05, 0]])
    model = symehp.Junction(h, g_l, g_r, m, 0.6, 0.01)
    points = currents._resonance_points(pole_expansion(model.numeric()))
    for expected in (0.6, 2.1):                # |0 - 0.6| and |0.6 - (-1.5)| (coupled by M)
        assert np.min(np.abs(points - expected)) < 1e-9, (expected, points)
    # 0 and -1.5 are not coupled by M at first order: |0 - (-1.5)| = 1.5 carries no weight
    assert np.min(np.abs(points - 1.5)) > 1e-3


@pytest.mark.parametrize("n, V", [(12, 0.9), (24, 0.5)])
def test_currents_agree_with_all_pairs_breakpoints(monkeypatch, n, V):
    model = chain(n, k=2, seed=n)
    args = dict(mu_L=V / 2, mu_R=-V / 2, T_e=0.025, T_ph=0.025, rtol=1e-10)
    new = symehp.transport(model, **args)
    monkeypatch.setattr(breakpoints, "resonance_points", lambda e: np.abs(
        e.poles.real[:, None] - e.poles.real[None, :]).ravel())
    old = symehp.transport(model, **args)
    for a, b, err in ((new.J, old.J, new.error_J + old.error_J),
                      (new.I, old.I, new.error_I + old.error_I)):
        assert abs(a - b) <= 10 * err + 1e-9 * abs(b)
        assert abs(a - b) <= 1e-8 * abs(b)


def test_near_duplicate_breakpoints_are_one():
    from symehp.numeric.breakpoints import _distinct
    pts = np.array([0.0, 1e-20, 0.3, 0.3 + 1e-17, 0.5, 1.0 - 1e-15, 1.0])
    assert list(_distinct(pts)) == [0.0, 1e-20, 0.3, 0.5, 1.0]
    assert list(_distinct(np.array([0.0, 0.3, 1.0]))) == [0.0, 0.3, 1.0]


def _many_modes(k, spacing, seed=3):
    """An 8-site chain with k modes ``spacing`` apart (gamma_ph = 0.01) from 0.05 on."""
    base = chain(8, k=k, seed=seed)
    nm = base.numeric()
    return symehp.Junction(nm.H, nm.gamma_L, nm.gamma_R, nm.M,
                           0.05 + spacing * np.arange(k), np.full(k, 0.01))


def test_overlapping_modes_share_their_breakpoints(monkeypatch):
    """12 modes 0.007 apart (their Lorentzians overlap): the modes' meshes are thinned to
    the distance of the nearest mode pole (about half the breakpoints go), and the
    currents agree with those on the full meshes within their error estimates and 1e-8."""
    from symehp.numeric import breakpoints as bp
    model = _many_modes(12, 0.007)
    nm = model.numeric()
    expansion = pole_expansion(nm)
    args = (0.9, 0.025, 0.025, 0.025)
    thin = bp.refined_edges(nm, bp.frequency_edges(nm, expansion, *args), *args, expansion)
    kw = dict(mu_L=0.45, mu_R=-0.45, T_e=0.025, T_ph=0.025, rtol=1e-10)
    res = symehp.transport(model, **kw)
    monkeypatch.setattr(bp, "_thin_modes", lambda points, *a: points)
    full = bp.refined_edges(nm, bp.frequency_edges(nm, expansion, *args), *args, expansion)
    assert thin.size <= 0.6 * full.size, (thin.size, full.size)
    ref = symehp.transport(model, **kw)
    for a, b, err in ((res.J, ref.J, res.error_J + ref.error_J),
                      (res.I, ref.I, res.error_I + ref.error_I)):
        assert abs(a - b) <= max(10 * err, 1e-12 * abs(b))
        assert abs(a - b) <= 1e-8 * abs(b)


def test_isolated_modes_keep_their_meshes():
    """The thinning rule on its own: modes 0.3 apart (30 gamma_ph) keep every point of
    their meshes (each is at least s/3 beyond the one before); a mode point within s/3
    after another feature's point goes, and |eV| is kept whatever is near it."""
    from symehp.numeric.breakpoints import _MODE_STEPS, _thin_modes
    model = _many_modes(3, 0.3)
    nm = model.numeric()
    modes = np.concatenate([w0 + g * _MODE_STEPS for w0, g in zip(nm.omega, nm.gamma_ph)])
    modes = modes[modes > 0]
    points = np.unique(np.r_[0.0, modes, 3.0])
    assert np.array_equal(_thin_modes(points, modes, nm, [0.0, 0.9, 3.0]), points)
    # another feature's point 0.005 before the mode point at Omega_2 - 3 gamma = 0.32,
    # where s/3 = |0.32 - (0.35 - 0.005i)|/3 = 0.0101: the mode point goes, the other stays
    other = np.unique(np.r_[points, 0.315])
    out = _thin_modes(other, modes, nm, [0.0, 0.9, 3.0])
    assert 0.315 in out and not np.any(np.abs(out - 0.32) < 1e-12)
    assert np.any(np.abs(out - 0.35) < 1e-12)          # the mode's centre is kept
    # |eV| on a mode point is kept
    ev = modes[np.argmin(np.abs(modes - 0.32))]
    assert ev in _thin_modes(other, modes, nm, [0.0, ev, 3.0])
