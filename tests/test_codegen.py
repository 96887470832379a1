"""The lambdified symbolic kernel (codegen) against the pole expansion and np.linalg.inv."""

import numpy as np
import pytest

import symehp
from symehp.numeric.codegen import compile_kernel, integrand
from symehp.numeric.poles import pole_expansion
from symehp.numeric.stats import fermi


from _shared import three_level_simple as three_level  # noqa: E402


def brute_kernel(model, alpha, beta, e, w):
    nm = model.numeric()
    sigma = -0.5j * (nm.gamma_L + nm.gamma_R)
    gam = {"L": nm.gamma_L, "R": nm.gamma_R}

    def spectral(a, x):
        g = np.linalg.inv(x * np.eye(nm.N) - nm.H - sigma)
        return g @ gam[a] @ g.conj().T

    return np.array([[np.trace(nm.M[m] @ spectral(alpha, e) @ nm.M[n] @ spectral(beta, e - w))
                      for n in range(nm.K)] for m in range(nm.K)]) / (2 * np.pi)


@pytest.mark.parametrize("name", ["LL", "RR", "RL", "LR"])
def test_compiled_kernel_matches_inverse_and_poles(name):
    model = three_level()
    ch = symehp.channel(name)
    kern = compile_kernel(model, name)
    energies = np.array([-1.3, -0.2, 0.45, 1.7])
    got = kern(energies, 0.6)
    assert got.shape == (4, 2, 2)
    for i, e in enumerate(energies):
        ref = brute_kernel(model, ch.alpha, ch.beta, e, 0.6)
        assert np.allclose(got[i], ref, rtol=1e-12, atol=1e-15)
    poles = pole_expansion(model.numeric()).kernel(ch.alpha, ch.beta, energies, 0.6) / (2 * np.pi)
    assert np.allclose(got, poles, rtol=1e-11, atol=1e-15)


def test_symbolic_parameters_by_name_and_cache():
    sym = symehp.two_level()
    kern = compile_kernel(sym, "LR")
    assert compile_kernel(sym, "LR") is kern          # cached by expression hash
    values = dict(epsilon_1=0.5, epsilon_2=-0.5, gamma_1=0.2, gamma_2=0.3, m=0.1,
                  Omega=1.0, gamma_ph=0.05)
    num = symehp.two_level(0.5, -0.5, 0.2, 0.3, 0.1, 1.0, 0.05)
    e = np.linspace(-2, 2, 9)
    ref = np.array([brute_kernel(num, "L", "R", x, 0.8) for x in e])
    assert np.allclose(kern(e, 0.8, **values), ref, rtol=1e-12, atol=1e-16)
    assert "def " in kern.source
    with pytest.raises(symehp.ParameterError, match="missing"):
        kern(e, 0.8, epsilon_1=0.5)


def test_integrand_weights():
    model = symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)
    e, w, mu_l, mu_r, t = 0.3, 0.9, 0.4, -0.4, 0.07
    base = brute_kernel(model, "L", "R", e, w)
    f_a, f_b = fermi(e - mu_l, t), fermi(e - w - mu_r, t)
    kw = dict(mu_L=mu_l, mu_R=mu_r, T_L=t, T_R=t)
    assert np.allclose(integrand(model, "LR", e, w, which="dos", **kw), base * (f_b - f_a))
    assert np.allclose(integrand(model, "LR", e, w, which="emission", **kw), base * f_a * (1 - f_b))
    assert np.allclose(integrand(model, 4, e, w, which="absorption", **kw), base * f_b * (1 - f_a))
    with pytest.raises(symehp.ParameterError, match="which"):
        integrand(model, "LR", e, w, which="bogus", **kw)
