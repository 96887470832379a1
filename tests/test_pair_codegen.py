"""The pole-pair closed form (symehp.derivations.pole_pair) and its generated kernels.

(a) the SymPy-derived X_pq against an independent mpmath quadrature of the energy
integral; (b) the removable limits, symbolically and numerically; (c) the NumPy and
numba kernels against each other, against fermi_integrals.mixed_difference and
against diagonal_spectra; (d)-(f) source, optional numba, bad backend.
Each check carries a control that a sign flip would fail.
"""

import dataclasses
import os
import subprocess
import sys

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from sympy.codegen.cfunctions import expm1

from symehp.derivations import pole_pair as pp
from symehp.ehp import CHANNELS
from symehp.errors import ParameterError, ProofError
from symehp.numeric import codegen
from symehp.numeric.diagonal_spectra import (_phi_lower, diagonal_model, diagonal_spectra,
                                             point_data)
from symehp.numeric.fermi_integrals import mixed_difference
from symehp.numeric.poles import pole_expansion
from symehp.numeric.stats import x_bose

from _shared import three_level_simple

ARGS = (pp.P, pp.Q, pp.W, pp.MU_A, pp.MU_B, pp.T)


@pytest.fixture(scope="module", autouse=True)
def cache_directory(tmp_path_factory):
    """Generated numba modules go to a temporary cache, not the user's."""
    path = tmp_path_factory.mktemp("symehp_cache")
    with pytest.MonkeyPatch.context() as m:
        m.setenv("SYMEHP_CACHE_DIR", str(path))
        yield path


@pytest.fixture(scope="module")
def generic():
    """The derived X_pq (digamma form) as mpmath functions, per family of q."""
    return {s: sp.lambdify(ARGS, pp.pair_closed_form(s), modules="mpmath") for s in (-1, 1)}


@pytest.fixture(scope="module")
def limits():
    forms = pp.removable_limits(-1)
    return {"d->0": sp.lambdify(ARGS, forms["d->0"], "mpmath"),
            "h->0": sp.lambdify(ARGS, forms["h->0"], "mpmath"),
            "both": sp.lambdify(ARGS, forms["both"], "mpmath")}


# ---------------------------------------------------------------- (a) against quadrature

def energy_quadrature(p, q, w, mu_a, mu_b, T):
    """mpmath.quad of int de (f_b(e - w) - f_a(e)) / ((e - p)(e - w - q)), graded panels."""
    def f(x):
        return 1 / (mp.exp(x / T) + 1)

    def g(e):
        return (f(e - w - mu_b) - f(e - mu_a)) / ((e - p) * (e - w - q))

    scale = min(mp.pi * T, abs(mp.im(p)), abs(mp.im(q))) / 2
    features = [mu_a, mu_b + w, mp.re(p), mp.re(q) + w]
    reach = 80 * T + 2
    points = set()
    for c in features:
        step = scale
        while step < reach:
            points.update((c - step, c + step))
            step *= 1.5
        points.add(c)
    pts = sorted(points)
    merged = [pts[0]]
    for x in pts[1:]:
        if x - merged[-1] > scale / 4:
            merged.append(x)
    return mp.quad(g, [-mp.inf] + merged + [mp.inf])


CASES = [  # p (lower), q, w, mu_a, mu_b, T
    (0.3 - 0.25j, -0.4 - 0.15j, 0.55, 0.2, -0.3, 0.1),
    (0.3 - 0.25j, -0.4 + 0.15j, 0.55, 0.2, -0.3, 0.1),
    (-0.2 - 0.4j, 0.5 + 0.3j, -0.7, -0.1, 0.25, 0.3),
    (1.1 - 0.2j, 0.1 - 0.35j, 1.3, 0.4, 0.4, 0.15),
]


@pytest.mark.parametrize("case", CASES)
def test_generic_form_matches_energy_quadrature(generic, case):
    p, q, w, mu_a, mu_b, T = case
    family_q = 1 if q.imag > 0 else -1
    with mp.workdps(30):
        p_, q_ = mp.mpc(p), mp.mpc(q)
        w_, mu_a_, mu_b_, T_ = (mp.mpf(x) for x in (w, mu_a, mu_b, T))
        d = w_ - mu_a_ + mu_b_
        x_quad = -energy_quadrature(p_, q_, w_, mu_a_, mu_b_, T_) / d
        x_sym = generic[family_q](p_, q_, w_, mu_a_, mu_b_, T_)
        assert abs(x_sym - x_quad) <= 1e-20 * abs(x_quad)
        # controls: the other family's primitive for q, and the opposite overall sign
        x_wrong = generic[-family_q](p_, q_, w_, mu_a_, mu_b_, T_)
        assert abs(x_wrong - x_quad) > 1e-3 * abs(x_quad)
        assert abs(-x_sym - x_quad) > 1e-3 * abs(x_quad)


def test_derivation_steps():
    (r1, z1), (r2, z2) = sorted(pp.partial_fractions(), key=lambda t: str(t[1]))
    assert {z1, z2} == {pp.P, pp.Q + pp.W}
    assert sp.simplify(r1 + r2) == 0
    args, expr = pp.kernel_expression()
    a, b, c, e, d, h = args
    assert tuple(map(str, args)) == ("phi_a_p", "phi_b_pw", "phi_a_qw", "phi_b_q", "d", "h")
    assert sp.simplify(expr - (a - b - c + e) / (d * h)) == 0
    assert sp.simplify(expr - (a + b - c + e) / (d * h)) != 0
    assert set(pp.derive()) >= {"X_pq", "X_pq(h->0)", "X_pq(d->0)", "X_pq(both)", "d_nB_stable"}


# ---------------------------------------------------------------- (b) removable limits

def test_limits_symbolic():
    residuals = pp.check_limits()
    assert set(residuals) == {(-1, "d->0"), (-1, "h->0"), (-1, "both"), (1, "d->0")}
    assert all(r == 0 for r in residuals.values())

    def flipped(family_q):
        forms = pp.removable_limits(family_q)
        if "both" in forms:
            forms["both"] = -forms["both"]
        return forms
    with pytest.raises(ProofError, match="both"):
        pp.check_limits(flipped, families=(-1,))


@pytest.mark.parametrize("name", ["h->0", "d->0", "both"])
def test_limits_numeric(generic, limits, name):
    with mp.workdps(40):
        p, w, mu_a, T = mp.mpc(0.3, -0.25), mp.mpf(0.55), mp.mpf(0.2), mp.mpf(0.12)
        mu_b0 = mu_a - w                                   # d = 0
        q0 = mp.mpc(-0.4, -0.15)
        errors = []
        for eps in (mp.mpf("1e-8"), mp.mpf("1e-12")):
            dh = {"h->0": (mp.mpf(0.3), eps * mp.mpc(0.6, 0.8)),
                  "d->0": (eps, None), "both": (eps, eps * mp.mpc(0.6, 0.8))}[name]
            d, h = dh
            mu_b = mu_b0 + d
            q = q0 if h is None else p - w - h
            value = generic[-1](p, q, w, mu_a, mu_b, T)
            # the limit form at the limit point: d = 0 and/or h = 0
            lim = limits[name](p, q0 if h is None else p - w, w, mu_a,
                               mu_b0 if name != "h->0" else mu_b, T)
            errors.append(abs(value - lim))
        scale = abs(lim)
        assert errors[1] <= 1e-9 * scale               # O(eps): converges to the limit
        assert errors[1] < 1e-2 * errors[0]
        assert abs(value + lim) > 1e-3 * scale          # control: the sign flip is caught


def test_bose_weight():
    assert all(r == 0 for r in pp.check_bose_weight().values())
    forms = pp.bose_weight()
    assert forms["at_zero"] == pp.T
    assert forms["expm1"] == pp.D / expm1(pp.D / pp.T)
    kern = codegen.generate_bose_kernel("numpy")
    d = np.array([0.0, 1e-12, -1e-12, 0.3, -0.3, 5.0, -5.0, 30.0, -30.0, 800.0, -800.0])
    T = 0.7
    with np.errstate(divide="raise", invalid="raise", over="raise"):   # no 0/0, no overflow
        got = np.asarray(kern.func(d, T))
    ref = x_bose(d, T)
    assert np.allclose(got, ref, rtol=1e-14, atol=0)       # relative, also 30 e^-43 at d = 30
    assert got[7] > 0
    assert got[0] == T
    assert not np.allclose(np.asarray(kern.func(-d, T)), ref, rtol=1e-3)   # control: d -> -d


# ---------------------------------------------------------------- (c) generated kernels

def random_inputs(seed=3, nodes=40, n=4):
    """Lower poles, nodes and the four Phi arrays for (p lower, q lower then upper),
    away from the removable points (|d| and |h| >= 0.05)."""
    rng = np.random.default_rng(seed)
    z = rng.uniform(-1, 1, n) - 1j * rng.uniform(0.05, 0.5, n)
    q = np.concatenate([z, z.conj()])
    w = rng.uniform(-2, 2, 4 * nodes)
    mu_a, mu_b = rng.uniform(-1, 1, (2, w.size))
    T = rng.uniform(0.02, 0.5, w.size)
    d = w - (mu_a - mu_b)
    h = z[None, :, None] - q[None, None, :] - w[:, None, None]
    keep = (np.abs(d) > 0.05) & (np.abs(h).min(axis=(1, 2)) > 0.05)
    w, mu_a, mu_b, T, d, h = w[keep][:nodes], mu_a[keep][:nodes], mu_b[keep][:nodes], \
        T[keep][:nodes], d[keep][:nodes], h[keep][:nodes]
    tau = 2 * np.pi * T[:, None]
    phi_a_p = _phi_lower(z[None, :] - mu_a[:, None], tau)
    phi_b_pw = _phi_lower(z[None, :] - w[:, None] - mu_b[:, None], tau)
    lower_qw = _phi_lower(z[None, :] + w[:, None] - mu_a[:, None], tau)
    lower_q = _phi_lower(z[None, :] - mu_b[:, None], tau)
    phi_a_qw = np.concatenate([lower_qw, lower_qw.conj()], axis=1)     # Phi(conj z; +) = conj
    phi_b_q = np.concatenate([lower_q, lower_q.conj()], axis=1)
    phis = (phi_a_p[:, :, None], phi_b_pw[:, :, None], phi_a_qw[:, None, :], phi_b_q[:, None, :])
    return dict(z=z, q=q, w=w, mu_a=mu_a, mu_b=mu_b, T=T, d=d, h=h, phis=phis)


def gross(inp):
    a, b, c, e = inp["phis"]
    return (np.abs(a) + np.abs(b) + np.abs(c) + np.abs(e)) / np.abs(inp["d"][:, None, None]
                                                                      * inp["h"])


def test_numpy_kernel_matches_mixed_difference():
    inp = random_inputs()
    kern = codegen.generate_pair_kernel("numpy")
    assert kern.backend == "numpy" and kern.args[-2:] == ("d", "h")
    got = kern.func(*inp["phis"], inp["d"][:, None, None], inp["h"])
    assert got.shape == inp["h"].shape and got.dtype == complex
    n = inp["z"].size
    family = np.r_[-np.ones(n), np.ones(n)][None, None, :]
    col = (slice(None), None, None)
    ref = mixed_difference(inp["z"][None, :, None], inp["q"][None, None, :] + inp["w"][col],
                           inp["d"][col], inp["mu_a"][col], inp["T"][col], -1.0, family)
    err = np.abs(got - ref)
    assert np.all(err <= 1e-13 * np.abs(ref) + 1e-14 * gross(inp))
    assert np.median(err / np.abs(ref)) < 1e-14
    a, b, c, e = inp["phis"]
    flipped = (a + b - c + e) / (inp["d"][:, None, None] * inp["h"])      # control
    assert np.all(np.abs(flipped - ref) > 1e-6 * np.abs(ref))


@pytest.fixture(scope="module")
def model_data():
    model = three_level_simple()
    expansion = pole_expansion(model.numeric())
    dm = diagonal_model(expansion)
    mu_l, mu_r, T = 0.3, -0.3, 0.08
    w = np.linspace(0.11, 2.9, 29)
    w = w[np.abs(np.abs(w) - (mu_l - mu_r)) > 0.05]
    data = point_data(dm, np.array([mu_l]), np.array([mu_r]), np.array([T]))
    spectra, _ = diagonal_spectra(dm, data, w, np.zeros(w.size, int))
    return expansion, dict(L=mu_l, R=mu_r), T, w, spectra


def generated_spectra(expansion, mus, T, w, pair, bose):
    """Lambda_kk and Pi^<_kk of every coupled channel from the generated kernels:
    ``S_k = sum_pq T_kk,pq X_pq`` over all pairs, ``X_{conj p, conj q} = conj X_pq``."""
    poles = expansion.poles
    n = poles.size // 2
    z = poles[:n]
    conj = np.r_[np.arange(n, 2 * n), np.arange(n)]
    tau = 2 * np.pi * T
    out = {}
    for ch in CHANNELS:
        weights = expansion.pair_weights(ch.alpha, ch.beta)              # (K, P, P)
        if not np.any(weights):
            continue
        mu_a, mu_b = mus[ch.alpha], mus[ch.beta]
        d = w - (mu_a - mu_b)
        lower_qw = _phi_lower(z[None, :] + w[:, None] - mu_a, tau)
        lower_q = np.broadcast_to(_phi_lower(z - mu_b, tau), lower_qw.shape)
        phis = (np.broadcast_to(_phi_lower(z - mu_a, tau), lower_qw.shape)[:, :, None],
                _phi_lower(z[None, :] - w[:, None] - mu_b, tau)[:, :, None],
                np.concatenate([lower_qw, lower_qw.conj()], axis=1)[:, None, :],
                np.concatenate([lower_q, lower_q.conj()], axis=1)[:, None, :])
        h = z[None, :, None] - poles[None, None, :] - w[:, None, None]
        x = np.asarray(pair(*(np.ascontiguousarray(p) for p in phis),
                            np.ascontiguousarray(d[:, None, None]), h))        # (M, N, P)
        full = np.concatenate([x, np.conj(x[:, :, conj])], axis=1)        # (M, P, P)
        total = np.einsum("kpq,mpq->mk", weights, full).real
        out[ch.name] = (-(d[:, None] * total) / (2 * np.pi),
                        -(np.asarray(bose(d, np.full(d.shape, T)))[:, None] * total)
                        / (2 * np.pi))
    return out


def assert_spectra_close(got, ref, rtol):
    """Element by element (the emission tails too, 1e-16 of the peak)."""
    assert set(got) == set(ref) and got
    for name in ref:
        for g, r in zip(got[name], ref[name]):
            assert np.all(np.abs(g - r) <= rtol * np.abs(r)), name
            assert np.all(np.abs(-g - r) > np.abs(r))                  # control: a sign flip


def test_numpy_kernels_match_diagonal_spectra(model_data):
    dm, mus, T, w, spectra = model_data
    got = generated_spectra(dm, mus, T, w, codegen.generate_pair_kernel("numpy"),
                            codegen.generate_bose_kernel("numpy"))
    assert_spectra_close(got, spectra, 1e-13)


def test_numba_kernels(model_data, cache_directory):
    pytest.importorskip("numba")
    pair_np, pair_nb = (codegen.generate_pair_kernel(b) for b in ("numpy", "numba"))
    bose_np, bose_nb = (codegen.generate_bose_kernel(b) for b in ("numpy", "numba"))
    assert codegen.generate_pair_kernel("numba") is pair_nb          # cached in-process
    assert pair_nb.backend == "numba" and pair_nb.expr == pair_np.expr
    # the module files: in the cache directory, named by the source's hash, importable
    for kern in (pair_nb, bose_nb):
        assert kern.path.parent == cache_directory / "codegen"
        assert kern.path.read_text() == kern.source and kern.path.stem.startswith(kern.name)
    inp = random_inputs(seed=11)
    args = [np.ascontiguousarray(np.broadcast_to(p, inp["h"].shape)) for p in inp["phis"]]
    d3 = np.ascontiguousarray(np.broadcast_to(inp["d"][:, None, None], inp["h"].shape))
    x_np, x_nb = pair_np.func(*args, d3, inp["h"]), pair_nb.func(*args, d3, inp["h"])
    assert np.all(np.abs(x_nb - x_np) <= 1e-14 * np.abs(x_np))
    assert complex(pair_nb.func(1j, 2.0, 3.0, 4j, 1.0, 2 + 1j)) == pytest.approx(-1 + 3j)
    d = np.array([0.0, 1e-9, -0.2, 3.0, -40.0, 900.0])
    T = np.full(d.shape, 0.9)
    assert np.allclose(bose_nb.func(d, T), bose_np.func(d, T), rtol=1e-14, atol=0)
    assert bose_nb.func(d, T)[0] == 0.9
    got = generated_spectra(*model_data[:4], pair_nb, bose_nb)
    assert_spectra_close(got, model_data[4], 1e-13)


def test_numba_cache_across_processes(cache_directory):
    pytest.importorskip("numba")
    kern = codegen.generate_pair_kernel("numba")
    z = np.ones(3, complex)
    kern.func(z, z, z, z, np.ones(3), z)                 # compiled here, saved to disk
    probe = ("import numpy as np\n"
             "from symehp.numeric.codegen import generate_pair_kernel\n"
             "k = generate_pair_kernel('numba')\n"
             "z = np.ones(3, complex)\n"
             "k.func(z, z, z, z, np.ones(3), z)\n"
             "print(sum(k.func.stats.cache_hits.values()), str(k.path))\n")
    env = dict(os.environ, SYMEHP_CACHE_DIR=str(cache_directory))
    run = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                         text=True, timeout=120, check=True)
    hits, path = run.stdout.split()
    assert int(hits) >= 1 and path == str(kern.path)


# ---------------------------------------------------------------- (d)-(f)

@pytest.mark.parametrize("make", [codegen.generate_pair_kernel, codegen.generate_bose_kernel])
def test_source_is_inspectable(make):
    kern = make("numpy")
    assert isinstance(kern.source, str) and "def " in kern.source and kern.path is None
    assert make("numpy") is kern
    with pytest.raises(dataclasses.FrozenInstanceError):
        kern.func = None


@pytest.mark.parametrize("backend", ["fortran", "NUMPY", "", None, 3])
def test_bad_backend(backend):
    with pytest.raises(ParameterError, match="backend"):
        codegen.generate_pair_kernel(backend)
    with pytest.raises(ParameterError, match="backend"):
        codegen.generate_bose_kernel(backend)


def test_missing_numba_is_a_parameter_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)      # import numba -> ImportError
    with pytest.raises(ParameterError, match=r"pip install -e '\.\[fast\]'"):
        codegen.generate_pair_kernel("numba")
    assert codegen.generate_pair_kernel("numpy").backend == "numpy"


def test_existing_codegen_names_kept():
    assert {"CompiledKernel", "compile_kernel", "integrand"} <= set(codegen.__all__)
    assert callable(codegen.compile_kernel) and callable(codegen.integrand)
