"""Models and helpers shared by the test modules (imported as ``_shared``).

The mpmath references (Fermi functions, spectral functions, the energy integrals of
the spectra and currents) are ``tests/references.py``; ``fermi_mp`` is re-exported here.
"""

import numpy as np

import symehp
from references import fermi_mp  # noqa: F401  (re-exported: test_kernels imports it from here)

# 3 levels, 2 modes: hopping, non-diagonal (complex) broadenings and couplings
H3 = np.array([[0.55, 0.12, 0.0],
               [0.12, 0.05, 0.08 - 0.03j],
               [0.0, 0.08 + 0.03j, -0.45]])
_VL = np.array([0.45, 0.15, 0.05j])
_VR = np.array([0.05, 0.15j, 0.45])
GL3 = np.outer(_VL, _VL.conj()) + np.diag([0.02, 0.01, 0.0])
GR3 = np.outer(_VR, _VR.conj()) + np.diag([0.0, 0.01, 0.02])
M3 = np.array([[[0.03, 0.1 + 0.04j, 0.02],
                [0.1 - 0.04j, -0.02, 0.05j],
                [0.02, -0.05j, 0.04]],
               [[-0.02, 0.03j, 0.08],
                [-0.03j, 0.05, 0.06 - 0.02j],
                [0.08, 0.06 + 0.02j, 0.01]]])
OM3 = np.array([0.7, 1.1])
GPH3 = np.array([0.04, 0.06])


def three_level_model():
    return symehp.Junction(H3, GL3, GR3, list(M3), list(OM3), list(GPH3))


def three_level_simple():
    """3 levels, 2 modes: hopping, non-diagonal gamma_L, complex Hermitian M^1."""
    return symehp.Junction(
        H=[[0.5, 0.1, 0], [0.1, -0.4, 0.05], [0, 0.05, 0.1]],
        gamma_L=[[0.2, 0.05, 0], [0.05, 0.1, 0], [0, 0, 0]],
        gamma_R=[[0, 0, 0], [0, 0.05, 0], [0, 0, 0.3]],
        M=[[[0, 0.1, 0.02], [0.1, 0, 0], [0.02, 0, 0.05]],
           [[0.03, 0, 0.1j], [0, 0, 0.04], [-0.1j, 0.04, 0]]],
        omega=[1.0, 0.7], gamma_ph=[0.05, 0.02])


#: 3 levels with hopping (complex), non-diagonal Gamma_L, two modes with complex M
THREE_LEVEL_B = dict(
    H=np.array([[0.4, 0.15, 0.05j], [0.15, -0.3, 0.1], [-0.05j, 0.1, 0.1]]),
    gamma_L=np.array([[0.2, 0.08, 0.0], [0.08, 0.1, 0.0], [0.0, 0.0, 0.0]]),
    gamma_R=np.diag([0.0, 0.05, 0.25]),
    M=[np.array([[0.1, 0.05 - 0.02j, 0], [0.05 + 0.02j, -0.05, 0.03], [0, 0.03, 0.02]]),
       np.array([[0, 0.04j, 0.06], [-0.04j, 0.02, 0], [0.06, 0, -0.03]])],
    omega=[1.0, 1.2], gamma_ph=[0.01, 0.02])


# vectorized adaptive quadrature (the inner integrals of the double-quadrature references)

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(10)


def adaptive_gauss(f, edges, rtol, max_rounds=60):
    """int f(x) dx over [edges[0], edges[-1]] (split at every edge), f vectorized.

    ``f`` maps nodes of shape (k,) to values of shape (k, ...).  Globally adaptive
    bisection with the 10-point Gauss-Legendre rule, every panel of a round in one
    call of ``f``: a panel's value is compared with the sum over its two halves,
    and a panel whose difference exceeds its share (by width) of ``rtol`` times the
    max-norm of the total is bisected (its halves' values become its children's
    coarse values).  The difference bounds the error of the coarse value; the sum of
    the halves (returned) is much better.  Raises RuntimeError if not converged.
    """
    edges = np.asarray(edges, float)
    length = edges[-1] - edges[0]

    def rule(a, b):
        mid, half = (a + b) / 2, (b - a) / 2
        nodes = mid[:, None] + half[:, None] * _GL_NODES
        vals = np.asarray(f(nodes.ravel()))
        vals = vals.reshape(a.size, _GL_NODES.size, *vals.shape[1:])
        return half.reshape(-1, *[1] * (vals.ndim - 2)) * np.tensordot(_GL_WEIGHTS, vals, (0, 1))

    a, b = edges[:-1], edges[1:]
    coarse = rule(a, b)
    accepted = np.zeros(coarse.shape[1:], coarse.dtype)
    for _ in range(max_rounds):
        mid = (a + b) / 2
        halves = rule(np.concatenate([a, mid]), np.concatenate([mid, b]))
        left, right = halves[:a.size], halves[a.size:]
        fine = left + right
        err = np.abs(fine - coarse).reshape(a.size, -1).max(axis=1)
        total = accepted + fine.sum(axis=0)
        ok = err <= rtol * np.abs(total).max() * (b - a) / length
        accepted = accepted + fine[ok].sum(axis=0)
        if ok.all():
            return accepted
        bad = ~ok
        a, b = np.concatenate([a[bad], mid[bad]]), np.concatenate([mid[bad], b[bad]])
        coarse = np.concatenate([left[bad], right[bad]])
    raise RuntimeError(f"adaptive_gauss did not reach rtol={rtol} in {max_rounds} rounds")


def random_junction(n, k, seed):
    """A random numeric Junction: Hermitian H with hopping (scale 0.5), non-diagonal
    broadenings of rank 2 (L) and 1 (R), k complex Hermitian couplings (scale 0.1),
    mode frequencies 0.5-1.5, gamma_ph = 0.05."""
    rng = np.random.default_rng(seed)

    def hermitian(scale):
        a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
        return scale * (a + a.conj().T) / 2

    p_l = rng.normal(size=(n, 2)) + 1j * rng.normal(size=(n, 2))
    p_r = rng.normal(size=(n, 1)) + 1j * rng.normal(size=(n, 1))
    return symehp.Junction(hermitian(0.5), 0.2 * p_l @ p_l.conj().T, 0.3 * p_r @ p_r.conj().T,
                           np.array([hermitian(0.1) for _ in range(k)]),
                           np.linspace(0.5, 1.5, k), np.full(k, 0.05))
