"""The rank-one pole expansion (issue 13): right against matrix inverses, and small.

``A_a(e) = G^r Gamma_a G^a = sum_p u^a_p v^a_p / (e - p)`` and the EHP kernel
``tr[M^m A_a(e) M^n A_b(e - w)]`` from the pole-basis couplings, against batched
matrix inverses (``PoleExpansion.direct_kernel``, an independent route) on random
models with hopping, non-diagonal broadenings and complex couplings; the arrays
the expansion holds grow as K N^2, never N^4.
"""

import numpy as np
import pytest

from symehp.model import NumericJunction
from symehp.numeric.diagonal_spectra import diagonal_model
from symehp.numeric.poles import pole_expansion


def random_model(n, k, seed, *, chain=False):
    rng = np.random.default_rng(seed)

    def hermitian(scale):
        a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
        return scale * (a + a.conj().T) / 2

    if chain:
        h = np.diag(rng.uniform(-0.1, 0.1, n)) + np.diag(np.ones(n - 1), 1) + np.diag(
            np.ones(n - 1), -1)
        h = h.astype(complex)
        g_l, g_r = np.zeros((n, n), complex), np.zeros((n, n), complex)
        for j in range(4):
            g_l[j, j] = rng.uniform(0.2, 0.8)
            g_r[n - 1 - j, n - 1 - j] = rng.uniform(0.2, 0.8)
        m = np.zeros((k, n, n), complex)
        for i in range(k):
            s = rng.integers(0, n - 3)
            block = hermitian(0.05)[:3, :3]
            m[i, s:s + 3, s:s + 3] = block
    else:
        h = hermitian(0.5)
        p_l = rng.normal(size=(n, 2)) + 1j * rng.normal(size=(n, 2))
        p_r = rng.normal(size=(n, 1)) + 1j * rng.normal(size=(n, 1))
        g_l, g_r = 0.2 * p_l @ p_l.conj().T, 0.3 * p_r @ p_r.conj().T
        m = np.array([hermitian(0.1) for _ in range(k)])
    return NumericJunction(H=h, gamma_L=g_l, gamma_R=g_r, M=m,
                           omega=np.linspace(0.5, 1.5, k), gamma_ph=np.full(k, 0.05))


ENERGIES = np.array([-2.3, -0.41, 0.0, 0.07, 0.5, 1.9, 25.0])
OMEGAS = np.array([-0.8, 0.0, 0.33, 1.2])


@pytest.mark.parametrize("n, k, seed", [(1, 1, 0), (3, 2, 1), (6, 3, 2), (9, 1, 3)])
def test_kernel_from_couplings_matches_matrix_inverses(n, k, seed):
    model = random_model(n, k, seed)
    expansion = pole_expansion(model)
    e = ENERGIES[:, None]
    w = OMEGAS[None, :]
    for a in "LR":
        got = expansion.spectral(a, ENERGIES)
        for x, spec in zip(ENERGIES, got):
            g = np.linalg.inv(x * np.eye(n) - model.H + 0.5j * (model.gamma_L + model.gamma_R))
            ref = g @ (model.gamma_L if a == "L" else model.gamma_R) @ g.conj().T
            assert np.abs(spec - ref).max() <= 1e-12 * np.abs(ref).max()
        for b in "LR":
            kern = expansion.kernel(a, b, e, w)                  # via contract()
            ref = expansion.direct_kernel(a, b, e, w)
            scale = np.abs(ref).max()
            assert kern.shape == ref.shape == (ENERGIES.size, OMEGAS.size, k, k)
            assert np.abs(kern - ref).max() <= 1e-11 * scale
            # the mode-diagonal pair weights are the diagonal of the full traces
            full = expansion.traces[(a, b)]
            diag = full[np.arange(k), np.arange(k)]
            np.testing.assert_allclose(expansion.pair_weights(a, b), diag, rtol=1e-14,
                                       atol=1e-15 * np.abs(diag).max())
            # the absolute contraction bounds the contraction entry by entry
            x = 1.0 / ((ENERGIES[:, None, None] - expansion.poles[:, None])
                       * (ENERGIES[:, None, None] - 0.3 - expansion.poles[None, :]))
            assert np.all(np.abs(expansion.contract(a, b, x))
                          <= expansion.contract(a, b, x, absolute=True) * (1 + 1e-12) + 1e-300)


def test_residues_are_rank_one_and_conjugate_paired():
    model = random_model(5, 1, 7)
    expansion = pole_expansion(model)
    n = expansion.poles.size // 2
    for a in "LR":
        w = expansion.residues[a]
        assert np.all(np.linalg.matrix_rank(w, tol=1e-10 * np.abs(w).max()) <= 1)
        np.testing.assert_allclose(w[n:], np.conj(np.swapaxes(w[:n], 1, 2)), atol=1e-14)
    # A_L + A_R = i (G^r - G^a): the lower residues sum to i * identity
    total = expansion.residues["L"][:n].sum(axis=0) + expansion.residues["R"][:n].sum(axis=0)
    np.testing.assert_allclose(total, 1j * np.eye(5), atol=1e-12)


@pytest.mark.filterwarnings("ignore::symehp.errors.ValidityWarning")  # narrow levels on purpose
def test_expansion_holds_k_n_squared_numbers():
    """N = 120 orbitals, K = 20 modes (a chain with broadened end sites, local modes):
    building the expansion and the mode-diagonal data of the currents holds arrays
    of at most 4 K N^2 numbers each; the (P, N, N) residues and the K x K x P x P
    traces are never made."""
    n, k = 120, 20
    model = random_model(n, k, 11, chain=True)
    expansion = pole_expansion(model)
    p = expansion.poles.size
    assert p <= 2 * n
    held = [*expansion.u.values(), *expansion.v.values(), *expansion.couplings.values()]
    assert max(x.size for x in held) <= 4 * k * n * n
    assert sum(x.nbytes for x in held) <= 16 * k * n * n * 16 + 4 * 2 * n * n * 16
    diagonal = diagonal_model(expansion)
    for entry in diagonal.channels:
        # the alpha/beta and gross coefficients, interleaved as real views, q lower and
        # q upper: 2 K N P together
        for pair in entry[1:3]:
            assert sum(x.size for x in pair) <= 2 * k * n * p
    assert "traces" not in expansion.__dict__ and "residues" not in expansion.__dict__
    # and the spectra at a few frequencies contract without them
    from symehp.numeric.spectra import channel_spectra
    dos, _ = channel_spectra(expansion, "LR", np.array([0.1, 0.3]), 0.2, -0.2, 0.025, 0.025,
                             emission=False)
    assert dos.shape == (2, k, k) and np.all(np.isfinite(dos))
    assert "traces" not in expansion.__dict__ and "residues" not in expansion.__dict__


@pytest.mark.filterwarnings("ignore::symehp.errors.ValidityWarning")  # narrow levels on purpose
def test_direct_kernel_leaves_out_undamped_levels():
    """Five levels at e = 0 (H = 0) with rank-one broadenings: three levels no electrode
    broadens sit on the real axis.  The matrix-inverse kernel at e = 0 exactly (where
    e - H_eff is singular) and at 1e-9 from it (where the full inverse is 1e9 and the
    undamped part would cancel to round-off) equals the pole form; and the spectra at
    T_R = T_L (1 + 4e-15), by energy quadrature, equal the closed form at T_L = T_R."""
    import symehp

    n = 5
    v_l = np.array([0.1, 0.3, 0.5, 0.1, 0.2])
    v_r = np.array([0.2, 0.2, 0.2, 0.2, 0.2j])
    model = NumericJunction(H=np.zeros((n, n), complex), gamma_L=np.outer(v_l, v_l.conj()),
                            gamma_R=np.outer(v_r, v_r.conj()),
                            M=np.array([np.diag([0.0, 0.1, 0.0, 0.05, 0.0]).astype(complex)]),
                            omega=np.array([1.0]), gamma_ph=np.array([0.05]))
    expansion = pole_expansion(model)
    assert expansion.poles.size == 4 and expansion.basis.shape == (n, 2)
    e = np.array([0.0, 1e-9, -1e-9, 0.15, 0.3])
    w = np.array([0.15, 0.0, 0.3])[:, None]
    for a in "LR":
        for b in "LR":
            direct = expansion.direct_kernel(a, b, e, w)
            poles = expansion.kernel(a, b, e, w)
            assert np.all(np.isfinite(direct))
            assert np.abs(direct - poles).max() <= 1e-12 * np.abs(poles).max()
    omegas = np.array([0.0, 0.15, 0.7])
    for ch in ("RL", "LR"):
        junction = symehp.Junction(model.H, model.gamma_L, model.gamma_R, list(model.M),
                                   list(model.omega), list(model.gamma_ph))
        args = dict(mu_L=0.1, mu_R=-0.05)
        closed = symehp.emission_spectrum(junction, ch, omegas, T_e=0.01, **args)
        quad = symehp.emission_spectrum(junction, ch, omegas, T_L=0.01,
                                        T_R=0.01 * (1 + 4e-15), **args)
        assert np.abs(quad - closed).max() <= 1e-9 * np.abs(closed).max()


def test_node_blocks_keep_a_memory_budget():
    """The mode-diagonal spectra over 3000 frequency nodes of an N = 64, K = 4 model:
    the nodes go in blocks sized to a memory budget, so the peak of NumPy's allocations
    (tracemalloc) stays near 64 MiB, not the ~2 GiB that 2048-node blocks of N x P
    pair values would take."""
    import tracemalloc

    from symehp.numeric.diagonal_spectra import block_size, diagonal_spectra, point_data

    model = random_model(64, 4, 5, chain=True)
    diagonal = diagonal_model(pole_expansion(model))
    assert block_size(diagonal) < 2048
    data = point_data(diagonal, np.array([0.3]), np.array([-0.3]), np.array([0.05]))
    w = np.linspace(1e-3, 3.0, 3000)
    owner = np.zeros(w.size, dtype=int)
    tracemalloc.start()
    try:
        spectra, bad = diagonal_spectra(diagonal, data, w, owner)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert bad.shape == w.shape and all(np.all(np.isfinite(x)) for v in spectra.values() for x in v)
    assert peak <= 256 * 2**20, f"peak {peak / 2**20:.0f} MiB"


# ------------------------------------------------------------------ levels outside Eq. (8)
def _lifshitz_model(width_site, coupling, tag):
    """Two broadened levels, and a third (at 0.9) broadened only by ``width_site`` and
    coupled to the mode by ``coupling`` (``tag`` makes the numbers, hence the cache key, new)."""
    h = np.diag([0.3, -0.4, 0.9]).astype(complex)
    h[0, 1] = h[1, 0] = 0.1
    g_l = np.diag([0.3, 0.0, width_site])
    g_r = np.diag([0.0, 0.25, 0.0])
    m = np.zeros((1, 3, 3), complex)
    m[0, 0, 1] = m[0, 1, 0] = 0.05
    m[0, 2, 2] = coupling
    m[0, 0, 2] = m[0, 2, 0] = 0.01 * coupling
    return NumericJunction(H=h, gamma_L=g_l, gamma_R=g_r, M=m, omega=np.array([1.0 + tag]),
                           gamma_ph=np.array([0.05]))


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_node_blocks_do_not_change_the_bits(engine, monkeypatch):
    """The mode-diagonal spectra of 5000 nodes of the two-level model (N = 2: blocks of
    up to ``_BLOCK_PAIRS / N^2`` nodes, split evenly) are the bits of the same nodes in
    blocks of 2048, of 333, and of one node each (the first 40 nodes): a point's
    result does not depend on which block, chunk or sweep its nodes fall in."""
    if engine == "numba":
        pytest.importorskip("numba")
    import symehp
    from symehp.numeric import diagonal_spectra as ds
    model = symehp.two_level(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1,
                             omega=1.0, gamma_ph=0.05).numeric()
    dmodel = ds.diagonal_model(pole_expansion(model))
    assert ds.block_size(dmodel, engine) == ds._BLOCK_PAIRS // 4 > ds._BLOCK
    data = ds.point_data(dmodel, np.array([0.3, 0.8]), np.array([-0.3, -0.8]),
                         np.array([0.05, 0.05]), engine)
    rng = np.random.default_rng(4)
    w = np.r_[0.0, 1.0, 0.6, rng.uniform(0.0, 3.0, 4997)]        # coincidences included
    owner = rng.integers(0, 2, w.size)
    ref, bad_ref = ds.diagonal_spectra(dmodel, data, w, owner)
    for pairs, block, nodes in ((0, 2048, w.size), (0, 333, w.size), (0, 1, 40)):
        monkeypatch.setattr(ds, "_BLOCK_PAIRS", pairs)
        monkeypatch.setattr(ds, "_BLOCK", block)
        got, bad = ds.diagonal_spectra(dmodel, data, w[:nodes], owner[:nodes])
        assert np.array_equal(bad, bad_ref[:nodes])
        for name in ref:
            for a, b in zip(got[name], ref[name]):
                assert np.array_equal(a, b[:nodes]), (name, block)


def test_nearest_resonance_gap():
    """``min_r |w - r|``: the loop over a few resonances and the binary search over many
    are the (M, R) reduction, bit for bit, with nodes beyond both ends and on them."""
    from symehp.numeric.diagonal_spectra import _nearest_gap
    rng = np.random.default_rng(5)
    w = np.r_[rng.uniform(-4.0, 4.0, 3000), -1.0, 0.0, 1.0, 1e9, -1e9]
    for points in (np.array([-1.0, 0.0, 1.0]), np.array([2.5]),
                   np.unique(rng.normal(size=(30, 30))), np.arange(-4.0, 5.0)):
        ref = np.min(np.abs(w[:, None] - points), axis=1)
        assert np.array_equal(_nearest_gap(w, points), ref), points.size
    assert np.all(_nearest_gap(w, np.zeros(0)) == np.inf)


def test_validity_warning_for_a_level_far_narrower_than_its_coupling():
    """A level of width 1e-6 coupled with 0.1: Eq. (8) (second order in M) does not hold,
    symehp says so and keeps its weight; at width 1e-14 (below the pole expansion's
    resolution, above round-off) it says that the weight is dropped."""
    import warnings

    import symehp
    from symehp.errors import ValidityWarning
    from symehp.numeric.poles import check_level_widths

    with pytest.warns(ValidityWarning, match=r"1 level\(s\) .* width 1e-06, coupling 0.1.*kept"):
        pole_expansion(_lifshitz_model(1e-6, 0.1, 1e-9))
    with pytest.warns(ValidityWarning, match=r"treated as decoupled, their spectral weight is "
                                             r"dropped"):
        pole_expansion(_lifshitz_model(1e-14, 0.1, 2e-9))
    # a narrow level that no mode touches, and a broad one: nothing to say
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_level_widths(*_arrays(_lifshitz_model(1e-6, 0.0, 3e-9))).size == 0
        assert check_level_widths(*_arrays(_lifshitz_model(0.2, 0.1, 4e-9))).size == 0
        # the paper's model, and levels no electrode broadens at all (exactly decoupled:
        # no weight to lose, whatever their coupling)
        paper = symehp.two_level(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1,
                                 omega=1.0, gamma_ph=0.05).numeric()
        assert check_level_widths(*_arrays(paper)).size == 0
        assert check_level_widths(*_arrays(_lifshitz_model(0.0, 0.1, 5e-9))).size == 0
        # the threshold: width / coupling = 0.011 is inside the regime (the level is an
        # eigenstate of H, so its width is gamma_L[2, 2] and its coupling M[2, 2] exactly)
        assert check_level_widths(*_arrays(_lifshitz_model(1.1e-3, 0.1, 6e-9))).size == 0
    # ... and 0.009 is not: the level is flagged by its index
    with pytest.warns(ValidityWarning, match="ratio < 0.01"):
        assert list(check_level_widths(*_arrays(_lifshitz_model(0.9e-3, 0.1, 7e-9)))) == [2]


def _arrays(model):
    return model.H, model.gamma_L + model.gamma_R, model.M
