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
