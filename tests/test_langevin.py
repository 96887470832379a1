"""An independent time-domain check of mode_steady_state: a Langevin simulation of two
coupled modes in the flat-DOS (Markovian) limit (issue 11).

Flat DOS (levels much broader than Omega, eV and T): the electrons' retarded self-energy
is ``Pi^r(w) ~ R - i w eta_e`` near the modes, with ``R`` the static shift and coupling and
a friction ``eta_e = Lambda_e(w) / (2 w)`` that does not depend on ``w`` (``Lambda_e`` is
linear in ``w`` through 0 once the four channels are summed).  With real couplings and no
hopping every spectrum is real and symmetric (no non-conservative part).  The classical
Langevin equation with the same self-energies taken at the modes' mean frequency ``w0``::

    du = p dt,   dp = (-K u - eta p) dt + xi dt,   <xi(t) xi(t')^T> = B delta(t - t'),
    K = diag(Omega^2) + Re Pi^r_e(w0),   eta = diag(gamma_ph) - Im Pi^r_e(w0) / w0,
    B = Re[Pi^<_t(w0) + Lambda_t(w0) / 2]    (the symmetrized noise, phonon bath included)

gives ``<x x^T> = int dw/2pi D(w) B D(w)^+``, ``D = [w^2 - K + i w eta]^-1``: the quantum
result ``int_0^inf dw/2pi Re[D^r (2 Pi^< + Lambda) D^a]`` of mode_steady_state with the
spectra frozen at ``w0`` (white noise).  The difference is of order the linewidths,
``|Im z| / Re z`` (and the momentum covariance's log of the cutoff).

The SDE is linear, so it is integrated exactly: ``x_{n+1} = F x_n + L g_n`` with ``F =
expm(A h)``, the step's noise covariance ``Q_h = int_0^h expm(A s) Q expm(A s)^T ds``
from Van Loan's block exponential, ``L L^T = Q_h``, ``g_n`` standard normal: every step is
exact for any ``h`` (here 12 steps per period).  1024 independent chains from ``x = 0``
(seeded), a burn-in of 10 relaxation times, then 30000 steps; the statistical error of a
covariance entry is the spread of the chains' time averages over sqrt(1024).
"""

import numpy as np
import pytest
from scipy.linalg import cholesky, expm, solve_continuous_lyapunov

import symehp
from symehp.ehp import CHANNELS
from symehp.numeric.dressed import node_matrices
from symehp.numeric.self_energy import _expansion, channel_self_energy

pytestmark = pytest.mark.slow

POINT = dict(mu_L=0.15, mu_R=-0.15, T_e=0.02)
T_PH = 0.02


def flat_dos_model(m=0.04, width=4.0):
    sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    sz = np.diag([1.0, -1.0])
    return symehp.Junction(H=[[0.5, 0.0], [0.0, -0.5]], gamma_L=[[width, 0.0], [0.0, 0.0]],
                           gamma_R=[[0.0, 0.0], [0.0, width]],
                           M=[m * sx, m * (0.6 * sx + 0.8 * sz)], omega=[0.1, 0.101],
                           gamma_ph=[5e-4, 5e-4])


def markov_parameters(model, w0):
    """``(K, eta, B)`` of the Langevin equation from the self-energies at ``w0``."""
    num = model.numeric()
    exp = _expansion(num)
    mus = {"L": POINT["mu_L"], "R": POINT["mu_R"]}
    t = POINT["T_e"]
    pi_r = sum(channel_self_energy(exp, (c.alpha, c.beta), np.array([w0]), np.array([mus[c.alpha]]),
                                   np.array([mus[c.beta]]), np.array([t]), np.array([t]))
               for c in CHANNELS)[0]
    par = [np.array([x]) for x in (mus["L"], mus["R"], t, t, T_PH)]
    _, _, lam_t, less_t = node_matrices(num, exp, np.array([w0]), *par)
    # real symmetric spectra (no curl): the Markovian split is unambiguous
    assert np.max(np.abs(pi_r - pi_r.T)) < 1e-14 and np.max(np.abs(less_t.imag)) < 1e-16
    stiffness = np.diag(np.asarray(num.omega) ** 2) + pi_r.real
    eta = np.diag(np.asarray(num.gamma_ph)) - pi_r.imag / w0
    noise = np.real(less_t[0] + lam_t[0] / 2)
    return stiffness, eta, noise


def simulate(stiffness, eta, noise, *, h, burn, steps, chains, seed):
    """Sampled covariance of x = (u, p) and its statistical error (per entry)."""
    k = stiffness.shape[0]
    a = np.block([[np.zeros((k, k)), np.eye(k)], [-stiffness, -eta]])
    q = np.zeros((2 * k, 2 * k))
    q[k:, k:] = noise
    # Van Loan: expm([[-A, Q], [0, A^T]] h) = [[., G], [0, F^T]], Q_h = F G
    n = 2 * k
    block = expm(np.block([[-a, q], [np.zeros((n, n)), a.T]]) * h)
    f = block[n:, n:].T
    q_h = f @ block[:n, n:]
    q_h = 0.5 * (q_h + q_h.T)
    chol = cholesky(q_h, lower=True)
    rng = np.random.default_rng(seed)
    x = np.zeros((chains, n))
    ft, lt = f.T, chol.T
    for _ in range(burn):
        x = x @ ft + rng.standard_normal((chains, n)) @ lt
    acc = np.zeros((chains, n, n))
    for _ in range(steps):
        x = x @ ft + rng.standard_normal((chains, n)) @ lt
        acc += x[:, :, None] * x[:, None, :]
    per_chain = acc / steps
    return per_chain.mean(axis=0), per_chain.std(axis=0, ddof=1) / np.sqrt(chains)


def _compare(sampled, error, predicted, width):
    """``|sampled - predicted|`` per entry in units of the allowed deviation: 4 standard
    errors plus the Markovian systematic part, 5 linewidths of the diagonal scale."""
    scale = np.sqrt(np.outer(np.diag(predicted), np.diag(predicted)))
    allowed = 4 * error + 5 * width * scale
    return np.abs(sampled - predicted) / allowed


def test_langevin_covariance_agrees_with_mode_steady_state():
    model = flat_dos_model()
    st = symehp.mode_steady_state(model, **POINT, T_ph=T_PH)
    assert st.stable
    z = st.eigenfrequencies
    w0 = float(np.mean(z.real))
    width = float(np.max(np.abs(z.imag) / z.real))
    stiffness, eta, noise = markov_parameters(model, w0)
    h = 2 * np.pi / w0 / 12
    relax = 1 / (2 * float(np.min(np.abs(z.imag))))
    burn = int(10 * relax / h)
    args = dict(h=h, burn=burn, steps=30000, chains=1024)
    sampled, error = simulate(stiffness, eta, noise, seed=20260311, **args)
    predicted = st.covariance
    ratio = _compare(sampled, error, predicted, width)
    scale = np.sqrt(np.outer(np.diag(predicted), np.diag(predicted)))
    print("linewidth |Im z|/Re z:", width)
    print("sampled:\n", sampled, "\npredicted:\n", predicted)
    print("(sampled - predicted)/scale:\n", (sampled - predicted) / scale)
    print("statistical error/scale:\n", error / scale)
    assert np.all(ratio < 1.0)
    # the simulator itself: the sampled covariance is the stationary solution of its SDE
    # (Lyapunov equation) within the statistical error
    a = np.block([[np.zeros((2, 2)), np.eye(2)], [-stiffness, -eta]])
    q = np.zeros((4, 4))
    q[2:, 2:] = noise
    lyap = solve_continuous_lyapunov(a, -q)
    print("(Lyapunov - predicted)/scale:\n", (lyap - predicted) / scale)
    assert np.all(np.abs(sampled - lyap) <= 4 * error + 1e-12 * scale)
    # the check has teeth: doubling the noise is caught
    doubled, err2 = simulate(stiffness, eta, 2 * noise, seed=20260311, **args)
    assert np.max(_compare(doubled, err2, predicted, width)) > 5.0
    # the occupation from the sampled position variance, n ~ Re z <u u> - 1/2, is close
    n_sampled = z.real * np.diag(sampled)[:2] - 0.5
    assert np.allclose(n_sampled, st.occupation, atol=10 * width * (st.occupation + 0.5))
