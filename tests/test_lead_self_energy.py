"""The modes' self-energy with energy-dependent leads (symehp.numeric.lead_self_energy).

* the anti-Hermitian part is -(i/2) Lambda of symehp.ehp_dos (chain leads, fixed and
  following the bias);
* the Hermitian part is an independent principal-value integral of Lambda
  (scipy.integrate.quad, weight="cauchy"), at T > 0 and at T = 0 with the pole on a
  kink of Lambda;
* a user self-energy -i Gamma/2 is the wide-band closed form of symehp.ehp_self_energy;
* Pi(-w) = conj Pi(w) for the sum over the channels; error estimates; bad input.
"""

import warnings

import numpy as np
import pytest
from scipy import integrate

import symehp
from symehp import ParameterError, leads
from symehp.numeric.lead_self_energy import lead_self_energy
from symehp.numeric.quadrature import IntegrationWarning

H2 = np.array([[0.5, 0.1], [0.1, -0.5]])
M2 = np.array([[0.0, 0.1], [0.1, 0.0]])
CHAIN_L = leads.chain(1.0, coupling=[0.6, 0.0])            # band [-2, 2]
CHAIN_R = leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.5])  # band [-2.2, 2.6]
GAMMA_L = np.array([[0.2, 0.0], [0.0, 0.0]])
GAMMA_R = np.array([[0.0, 0.0], [0.0, 0.3]])
BIAS = dict(mu_L=0.3, mu_R=-0.2)


def _model(lead_l=CHAIN_L, lead_r=CHAIN_R):
    return symehp.Junction(H2, lead_L=lead_l, lead_R=lead_r, M=M2, omega=1.0, gamma_ph=0.05)


def _constant(gamma):
    g = -0.5j * np.asarray(gamma, complex)
    return leads.self_energy(lambda E: np.broadcast_to(g, (len(E),) + g.shape))


@pytest.mark.parametrize("ch", ["LR", "LL"])
def test_anti_hermitian_part_is_the_ehp_dos(ch):
    model = _model()
    w = np.array([-1.0, 0.5, 1.3, 3.0])
    pi, err = lead_self_energy(model, ch, w, T_e=0.05, **BIAS)
    dos = symehp.ehp_dos(model, ch, w, T_e=0.05, **BIAS)
    anti = 1j * (pi - np.conj(np.swapaxes(pi, -1, -2)))
    # the same energy quadrature (rtol 1e-11) with other tables: 1e-10 of the peak
    assert np.max(np.abs(anti - dos)) <= 1e-10 * np.max(np.abs(dos))
    assert np.max(np.abs(dos)) > 1e-4                         # not a test of zeros


def test_follow_bias_groups():
    model = _model(leads.chain(1.0, coupling=[0.6, 0.0], follow_bias=True))
    mu_l = np.array([0.3, 0.6])
    pi = symehp.ehp_self_energy(model, "RL", 0.8, mu_L=mu_l, mu_R=-0.2, T_e=0.05)
    dos = symehp.ehp_dos(model, "RL", 0.8, mu_L=mu_l, mu_R=-0.2, T_e=0.05)
    assert pi.shape == (2, 1, 1)
    assert np.max(np.abs(-2 * pi.imag - dos.real)) <= 1e-10 * np.max(np.abs(dos))
    assert abs(pi[0, 0, 0] - pi[1, 0, 0]) > 1e-6 * abs(pi[0, 0, 0])    # the band moved


#: where Lambda^LR(w) of the chain model may kink at T = 0 (band edges of e in [-2, 2] and
#: of e - w in [-2.2, 2.6] meeting each other or the Fermi levels 0.3 and -0.2 + w)
_KINKS = [-4.6, -2.3, -1.8, 0.5, 2.2, 2.9, 4.2]


def _principal_value(f, w, lo, hi, half=0.3):
    """``PV int_lo^hi f(x) / (w - x) dx`` by QUADPACK: the Cauchy weight (QAWC) on
    ``[w - half, w + half]``, plain QAGS with the kinks as points elsewhere."""
    tol = dict(limit=200, epsabs=1e-12)
    near, _ = integrate.quad(f, w - half, w + half, weight="cauchy", wvar=w, **tol)
    rest = 0.0
    for a, b in ((lo, w - half), (w + half, hi)):
        pts = [k for k in _KINKS if a < k < b]
        rest += integrate.quad(lambda x: f(x) / (x - w), a, b, points=pts or None, **tol)[0]
    return -(near + rest)          # quad's weight is 1/(x - w)


@pytest.mark.parametrize("T, w", [(0.05, [-0.7, 1.3]), (0.0, [2.2])])
def test_hermitian_part_is_an_independent_principal_value(T, w):
    """Lambda^LR is zero outside [-4.6, 4.2] (where the bands of e and e - w overlap);
    at T = 0, w = 2.2 is where the top of band L meets mu_R + w: a kink on the pole."""
    model = _model()
    kw = dict(T_e=T, **BIAS)
    pi, err = lead_self_energy(model, "LR", np.array(w), **kw)

    def dos(x):
        # QUADPACK may sample the limits, where the bands touch and Lambda = 0 is had
        # only to an absolute ~1e-12 (a relative-accuracy warning of the spectra)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IntegrationWarning)
            return symehp.ehp_dos(model, "LR", x, **kw)[0, 0].real

    scale = np.max(np.abs(pi))
    for wi, p in zip(w, pi):
        ref = _principal_value(dos, wi, -4.6, 4.2) / (2 * np.pi)
        # measured: 3e-9 of Pi (QUADPACK's estimates: ~1e-10 absolute)
        assert abs(p[0, 0].real - ref) <= 1e-7 * scale
    assert np.all(err <= 1e-8 * scale)


@pytest.mark.parametrize("ch, T", [("LL", dict(T_e=0.05)), ("RL", dict(T_L=0.0, T_R=0.1))])
def test_constant_user_self_energy_is_the_wide_band_closed_form(ch, T):
    """A lead without a band: the integral over the whole line (arctan variable)."""
    wide = symehp.Junction(H2, gamma_L=GAMMA_L, gamma_R=GAMMA_R, M=M2, omega=1.0,
                           gamma_ph=0.05)
    user = _model(_constant(GAMMA_L), _constant(GAMMA_R))
    w = np.array([0.7])
    pi, err = lead_self_energy(user, ch, w, **T, **BIAS)
    ref = symehp.ehp_self_energy(wide, ch, w, **T, **BIAS)
    scale = np.max(np.abs(ref))
    # measured ~1e-12; the estimate (~1e-9) bounds it
    assert np.max(np.abs(pi - ref)) <= 1e-8 * scale
    assert np.max(np.abs(pi - ref)) <= 10 * np.max(err)
    assert np.max(err) <= 1e-8 * scale


def test_total_is_a_real_response():
    model = _model()
    w = np.array([0.6, -0.6])
    pi = symehp.ehp_self_energy(model, "total", w, T_e=0.05, **BIAS)
    assert np.max(np.abs(pi[1] - np.conj(pi[0]))) <= 1e-9 * np.max(np.abs(pi))
    parts = sum(symehp.ehp_self_energy(model, ch, 0.6, T_e=0.05, **BIAS) for ch in
                ("LL", "RR", "LR", "RL"))
    assert np.max(np.abs(parts - pi[0])) <= 1e-9 * np.max(np.abs(pi))


def test_bad_input():
    model = _model()
    with pytest.raises(ParameterError, match="dps"):
        symehp.ehp_self_energy(model, "LR", 0.5, T_e=0.05, dps=30, **BIAS)
    with pytest.raises(ParameterError, match="rtol"):
        lead_self_energy(model, "LR", 0.5, T_e=0.05, rtol=0.0, **BIAS)
    with pytest.raises(ParameterError):
        symehp.ehp_self_energy(model, "XY", 0.5, T_e=0.05, **BIAS)
