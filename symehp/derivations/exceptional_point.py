"""The current-induced exceptional point of the two-mode matrix, Eq. (9).

Eq. (9) of the paper, kept exactly as printed (hbar = e = k_B = 1)::

    K(V) = [[(Omega + delta/2 + i gamma)^2,  V (a + i b Omega) + i c Omega],
            [-V (a + i b Omega) + i c Omega, (Omega - delta/2 + i gamma)^2]]

Its eigenvalues are squared eigen-frequencies.  For a 2 x 2 matrix

    lambda_{1,2} = (tr K -/+ sqrt(D)) / 2,   D = (tr K)^2 - 4 det K
                                              = (K_11 - K_22)^2 + 4 K_12 K_21,

and an exceptional point (EP) is a zero of the discriminant D: both the
eigenvalues and the eigenvectors coalesce.  Here

    D / 4 = delta^2 (Omega + i gamma)^2 - c^2 Omega^2 - V^2 (a + i b Omega)^2,

so D = 0 is a quadratic in V without linear term: two EP biases +/-V_EP,

    V_EP = sqrt(delta^2 (Omega + i gamma)^2 - c^2 Omega^2) / (a + i b Omega).

At the EP the single eigenvalue is tr K / 2 = (Omega + i gamma)^2 + delta^2/4,
independent of V.  With gamma != 0 the radicand is complex, so V_EP is complex:
the exact EP is off the real bias axis.

The paper's Eq. (9) has (Omega + i gamma)^2, whose imaginary part has the
opposite sign to the D^r convention of symehp (poles at Omega - i gamma/2);
this derivation keeps Eq. (9) as printed.
"""

import sympy as sp

NAME = "exceptional_point"
SUMMARY = "Eq. (9) two-mode matrix: discriminant, complex EP bias V_EP and the coalesced eigenvalue"

# V is left complex: the exact EP sits at complex bias once gamma != 0.
V = sp.Symbol("V")
Omega = sp.Symbol("Omega", positive=True)
delta, gamma, a, b, c = sp.symbols("delta gamma a b c", real=True)
lam = sp.Symbol("lambda")


def matrix():
    """The effective dynamical matrix of Eq. (9), entry by entry as printed."""
    coupling = V * (a + sp.I * b * Omega)   # bias-driven, non-conservative + Lorentz
    damping = sp.I * c * Omega              # dissipative coupling, symmetric
    return sp.Matrix([
        [(Omega + delta / 2 + sp.I * gamma) ** 2, coupling + damping],
        [-coupling + damping, (Omega - delta / 2 + sp.I * gamma) ** 2],
    ])


def discriminant(K=None):
    """(tr K)^2 - 4 det K of the 2 x 2 eigenproblem, in the structured form

    D = 4 [delta^2 (Omega + i gamma)^2 - c^2 Omega^2 - V^2 (a + i b Omega)^2],

    checked against the brute-force expansion of the matrix.
    """
    K = matrix() if K is None else K
    brute = sp.expand(K.trace() ** 2 - 4 * K.det())
    # (K11 - K22)^2 = [2 delta (Omega + i gamma)]^2 and 4 K12 K21 = -4 (c Omega)^2 - 4 V^2 w^2
    D = 4 * (delta ** 2 * (Omega + sp.I * gamma) ** 2 - c ** 2 * Omega ** 2
             - V ** 2 * (a + sp.I * b * Omega) ** 2)
    assert sp.expand(D - brute) == 0, "structured discriminant disagrees with tr^2 - 4 det"
    return D


def ep_bias():
    """The roots in V of the discriminant, as a SymPy Tuple (two roots, +/-)."""
    return sp.Tuple(*sp.solve(sp.Eq(discriminant(), 0), V))


def derive():
    K = matrix()
    D = discriminant(K)
    roots = ep_bias()
    # Coalesced eigenvalue: D = 0 leaves the double root tr K / 2.
    char = sp.expand((K - lam * sp.eye(2)).det())
    lam_ep = sp.simplify(K.trace() / 2)
    # Sanity: at the EP the characteristic polynomial is (lambda - lam_ep)^2.
    at_ep = sp.expand(char.subs(V, roots[0]) - (lam - lam_ep) ** 2)
    assert sp.simplify(at_ep) == 0, "EP root does not give a double eigenvalue"
    return {
        "K": K,
        "characteristic_polynomial": sp.collect(char, lam),
        "discriminant": D,
        "V_EP": roots,
        "eigenvalue_EP": sp.expand(lam_ep),
        "frequency_EP": sp.sqrt(sp.expand(lam_ep)),
    }
