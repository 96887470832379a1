"""Thermally biased electrodes (T_L != T_R) in closed form: the Fermi pole sums (issue 9).

Independent routes:
* the Fermi function itself (``tanh``) for the pole expansion and its window;
* the nested energy quadrature of ``Pi^<`` from matrix inverses (the route the
  closed form replaced, kept as ``TWO_TEMPERATURE_ROUTE = "quadrature"``), for
  the spectra and for the currents of Eq. (8);
* the equal-temperature closed form as ``T_R -> T_L`` (continuity, linear in the
  temperature difference).
"""

import numpy as np
import pytest

import symehp
from symehp.numeric import spectra as S
from symehp.numeric._args import numeric_model
from symehp.numeric.fermi_poles import (ERROR_BOUND, MIN_POLES, RANGE, fermi_pole_sum,
                                        fermi_poles, pole_count)
from symehp.numeric.poles import pole_expansion

import _shared

TWO = symehp.two_level(0.3, -0.2, 0.1, 0.15, 0.05, 0.4, 0.01)
HOPPING = symehp.two_level(0.3, -0.2, 0.1, 0.15, 0.05, 0.4, 0.01, hopping=0.05 + 0.02j)


def _fermi(x):
    return 0.5 * (1.0 - np.tanh(0.5 * x))


# ----------------------------------------------------------------------------- pole sums
@pytest.mark.parametrize("n", list(range(MIN_POLES, 41)) + [64, 100, 128, 256, 512, 1024])
def test_pole_sum_error_bound_on_its_window(n):
    """``|f - f_N| <= ERROR_BOUND`` on ``|x| <= RANGE N^2`` (the documented bound), and the
    window is not generous: at twice its width the error is far above the bound."""
    x_max = RANGE * n * n
    x = np.concatenate([np.linspace(0.0, x_max, 6001), -np.linspace(0.0, x_max, 997)])
    assert np.max(np.abs(fermi_pole_sum(x, 1.0, n) - _fermi(x))) <= ERROR_BOUND
    assert abs(fermi_pole_sum(2 * x_max, 1.0, n) - _fermi(2 * x_max)) > 1e3 * ERROR_BOUND


def test_pole_sum_scales_with_temperature():
    """``f_N(x; T)`` is a function of ``x/T`` (the residues carry the factor T)."""
    x = np.linspace(-3, 3, 101)
    for T in (1e-3, 0.05, 7.0):
        assert np.allclose(fermi_pole_sum(x * T, T, 20), fermi_pole_sum(x, 1.0, 20),
                           rtol=0, atol=1e-15)


def test_lowest_poles_are_the_matsubara_ones():
    """The continued fraction keeps the first Matsubara poles ``(2j - 1) pi`` with residue
    1 (exactly, as N grows); the residues sum to ``N (2N + 1)/2`` (the 1/x tail)."""
    xi, r = fermi_poles(40)
    assert np.allclose(xi[:5], np.pi * np.arange(1, 10, 2), rtol=1e-12)
    assert np.allclose(r[:5], 1.0, rtol=1e-12)
    assert np.all(np.diff(xi) > 0)
    assert np.sum(r) == pytest.approx(40 * 81 / 2, rel=1e-12)


@pytest.mark.parametrize("x_max", np.geomspace(0.5, 1e6, 40))
def test_pole_count_rule_covers_the_window(x_max):
    """The rule gives the smallest N (above MIN_POLES) whose window covers x_max."""
    n = int(pole_count(x_max))
    assert RANGE * n * n >= x_max
    assert n == MIN_POLES or RANGE * (n - 1) ** 2 < x_max


# ----------------------------------------------------------------------------- spectra
def _expansion(model):
    return pole_expansion(numeric_model(model))


def _nodes(rng, mu_ab, T_a, T_b, count):
    """Frequencies across the window where Pi^< is neither -Lambda nor 0, plus the
    special ones: w = 0 (p = w + q), tiny w, and w near mu_ab (the Bose pole)."""
    width = 50 * (T_a + T_b)
    w = np.concatenate([rng.uniform(mu_ab - width, mu_ab + width, count),
                        [0.0, 1e-12, -3e-7, 1e-4, mu_ab, mu_ab + 1e-9]])
    return w


MODELS = {"two-level": TWO, "hopping": HOPPING, "three-level": _shared.three_level_model()}


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("ratio", [0.1, 0.5, 2.0, 10.0])
def test_emission_closed_form_against_the_energy_quadrature(name, ratio):
    """``Pi^<`` of both inter-electrode channels at ``T_b = ratio T_a``: the pole sums
    against the nested quadrature, to 1e-12 of the channel's largest value (the
    quadrature's own target), and each node within the rounding its condition
    promises: ``|error| <= 1e-15 gross + 1e-13 max|Pi^<|`` (the pole sums' truncation,
    ``2 ERROR_BOUND int |K|``, is below the second term)."""
    expansion = _expansion(MODELS[name])
    rng = np.random.default_rng(7)
    for key, mu_a in ((("R", "L"), -0.25), (("L", "R"), 0.25)):
        T_a = 0.05
        T_b = ratio * T_a
        w = _nodes(rng, 2 * mu_a, T_a, T_b, 60)
        args = [np.full(w.shape, v) for v in (mu_a, -mu_a, T_a, T_b)]
        closed, cond = S._emission_two_t(expansion, key, w, *args)
        _, reference, _ = S._quadrature(expansion, key, w, *args, dos=False)
        top = np.max(np.abs(reference))
        err = np.max(np.abs(closed - reference), axis=(-2, -1))
        assert np.max(err) <= 1e-12 * top
        gross = cond * np.max(np.abs(closed), axis=(-2, -1))
        assert np.all(err <= 1e-15 * np.where(np.isfinite(gross), gross, np.inf) + 1e-13 * top)


@pytest.mark.parametrize("T_R", [0.01, 0.2])
def test_emission_spectrum_public_function_matches_the_quadrature(T_R, monkeypatch):
    """The public ``emission_spectrum`` (every node, the fallback included) at
    ``T_L != T_R``: identical physics through both routes, to 1e-11 relative of the
    spectrum's peak (the quadrature's target is 1e-12)."""
    w = np.linspace(-1.2, 1.6, 57)
    kw = dict(mu_L=0.3, mu_R=-0.3, T_L=0.05, T_R=T_R)
    for ch in ("RL", "LR"):
        closed = symehp.emission_spectrum(HOPPING, ch, w, **kw)
        monkeypatch.setattr(S, "TWO_TEMPERATURE_ROUTE", "quadrature")
        reference = symehp.emission_spectrum(HOPPING, ch, w, **kw)
        monkeypatch.setattr(S, "TWO_TEMPERATURE_ROUTE", "poles")
        assert np.max(np.abs(closed - reference)) <= 1e-11 * np.max(np.abs(reference))


@pytest.mark.parametrize("name", ["two-level", "three-level"])
def test_emission_is_continuous_at_equal_temperatures(name):
    """As ``T_b -> T_a`` the two-temperature closed form goes over into the
    equal-temperature one linearly: the difference over ``h = (T_b - T_a)/T_a`` tends to
    a finite derivative (equal at h = 1e-4 and 1e-5 to 1e-3 of itself), so neither the
    split nor the tail correction leaves a constant behind."""
    expansion = _expansion(MODELS[name])
    w = np.array([-0.4, 0.1, 0.45, 0.8])
    mu_a, mu_b, T = 0.2, -0.2, 0.06
    args = [np.full(w.shape, v) for v in (mu_a, mu_b)]
    s_eq, _ = S._equal_t(expansion, ("L", "R"), w, args[0], args[0] - args[1], np.full(w.shape, T))
    equal = -(symehp.numeric.stats.x_bose(w - (mu_a - mu_b), np.full(w.shape, T))[:, None, None]
              * s_eq) / (2 * np.pi)
    slopes = []
    for h in (1e-4, 1e-5):
        closed, _ = S._emission_two_t(expansion, ("L", "R"), w, *args, np.full(w.shape, T),
                                      np.full(w.shape, T * (1 + h)))
        slopes.append((closed - equal) / h)
    scale = np.max(np.abs(slopes[0]))
    assert scale > 1e-3 * np.max(np.abs(equal))           # a genuine temperature dependence
    assert np.max(np.abs(slopes[0] - slopes[1])) <= 1e-3 * scale


# ----------------------------------------------------------------------------- currents
CURRENT_CASES = [("two-level", 0.0, 0.05, 0.5), ("two-level", 0.3, 0.5, 0.05),
                 ("two-level", 0.8, 0.1, 0.11), ("hopping", 0.5, 0.02, 0.2)]


@pytest.mark.parametrize("name,V,T_L,T_R", CURRENT_CASES)
def test_currents_against_the_nested_quadrature(name, V, T_L, T_R, monkeypatch):
    """J, I and every channel's J_ab of Eq. (8) at ``T_L/T_R`` from 1/10 to 10: the
    closed form against the nested energy quadrature, to 1e-10 (the issue's target;
    both routes' frequency quadratures ask 1e-10 and agree far better in practice)."""
    kw = dict(mu_L=V / 2, mu_R=-V / 2, T_L=T_L, T_R=T_R, T_ph=0.07)
    closed = symehp.transport(MODELS[name], **kw)
    monkeypatch.setattr(S, "TWO_TEMPERATURE_ROUTE", "quadrature")
    reference = symehp.transport(MODELS[name], **kw)
    assert closed.J == pytest.approx(reference.J, rel=1e-10)
    assert closed.I == pytest.approx(reference.I, rel=1e-10)
    largest = max(abs(reference.J_by_channel[c]) for c in ("LL", "RR", "RL", "LR"))
    for c in ("LL", "RR", "RL", "LR"):
        assert abs(closed.J_by_channel[c] - reference.J_by_channel[c]) <= 1e-10 * largest


@pytest.mark.slow          # ~10 s: the three-level two-mode model through the nested quadrature
def test_three_level_currents_against_the_nested_quadrature(monkeypatch):
    kw = dict(mu_L=0.2, mu_R=-0.2, T_L=0.05, T_R=0.2, T_ph=0.07)
    model = MODELS["three-level"]
    closed = symehp.transport(model, **kw)
    monkeypatch.setattr(S, "TWO_TEMPERATURE_ROUTE", "quadrature")
    reference = symehp.transport(model, **kw)
    assert closed.J == pytest.approx(reference.J, rel=1e-10)
    assert closed.I == pytest.approx(reference.I, rel=1e-10)
    largest = max(abs(reference.J_by_channel[c]) for c in ("LL", "RR", "RL", "LR"))
    for c in ("LL", "RR", "RL", "LR"):
        assert abs(closed.J_by_channel[c] - reference.J_by_channel[c]) <= 1e-10 * largest


def test_an_electrode_at_zero_or_far_lower_temperature_keeps_the_quadrature():
    """``T_a T_b = 0`` has no smooth pole expansion of the difference of the Fermi
    functions, and ``T_L = 1e-6`` next to ``T_R = 0.1`` would need ~5000 poles: both
    stay with the energy quadrature (no error, no warning), and the two agree with each
    other as ``T_L -> 0`` (the change at 1e-6 is of order ``T_L^2``)."""
    kw = dict(mu_L=0.2, mu_R=-0.2, T_R=0.1, T_ph=0.05)
    cold = symehp.energy_current(TWO, T_L=0.0, **kw)
    nearly = symehp.energy_current(TWO, T_L=1e-6, **kw)
    assert np.isfinite(cold) and nearly == pytest.approx(cold, rel=1e-8)


def test_numba_and_numpy_pole_sums_agree():
    """The compiled sums over the Fermi poles (:func:`._numba_kernels.fermi_pole_sums`)
    against their NumPy twin: the same terms summed in another order, so equal to the
    rounding that the condition estimates (1e-13 of the spectra's peak and of J)."""
    pytest.importorskip("numba")
    expansion = _expansion(MODELS["three-level"])
    w = np.linspace(-1.0, 1.5, 41)
    args = [np.full(w.shape, v) for v in (0.25, -0.25, 0.04, 0.3)]
    a, _ = S._emission_two_t(expansion, ("L", "R"), w, *args, engine="numpy")
    b, _ = S._emission_two_t(expansion, ("L", "R"), w, *args, engine="numba")
    assert np.max(np.abs(a - b)) <= 1e-13 * np.max(np.abs(a))
    kw = dict(mu_L=0.3, mu_R=-0.3, T_L=0.05, T_R=0.15, T_ph=0.1)
    j_numpy = symehp.energy_current(HOPPING, backend="numpy", **kw)
    j_numba = symehp.energy_current(HOPPING, backend="numba", **kw)
    assert j_numba == pytest.approx(j_numpy, rel=1e-12)


# ----------------------------------------------------------------------------- symbolic
def test_symbolic_fermi_pole_set_matches_a_dense_eigensolver():
    """The Newton-refined poles and residues (``fermi_pole_set``) against mpmath's dense
    symmetric eigensolver of the same tridiagonal matrix at 50 digits (1e-38), against the
    double-precision set (1e-13), and exact properties: the first pole is pi, the
    residues sum to N (2N + 1)/2."""
    import mpmath as mp
    from symehp.closed_forms import fermi_pole_set
    n = 12
    xi, r = fermi_pole_set(n, dps=40)
    xi_n, r_n = fermi_poles(n)
    assert np.allclose([float(x) for x in xi], xi_n, rtol=1e-13)
    assert np.allclose([float(x) for x in r], r_n, rtol=1e-12)
    with mp.workdps(50):
        size = 2 * n
        mat = mp.zeros(size, size)
        for m in range(1, size):
            mat[m - 1, m] = mat[m, m - 1] = 1 / (2 * mp.sqrt((2 * m - 1) * (2 * m + 1)))
        values, vectors = mp.eigsy(mat)
        ref = sorted(((values[i], vectors[0, i]) for i in range(size) if values[i] > 0),
                     key=lambda item: -item[0])
        for x, v, (b, q) in zip(xi, r, ref):
            assert abs(mp.mpf(str(x)) * b - 1) < mp.mpf(10) ** -38
            assert abs(mp.mpf(str(v)) / (q * q / (4 * b * b)) - 1) < mp.mpf(10) ** -38
        assert abs(mp.mpf(str(xi[0])) - mp.pi) < mp.mpf(10) ** -38
        assert abs(mp.fsum(mp.mpf(str(v)) for v in r) - mp.mpf(n * (2 * n + 1)) / 2) < 1e-35


def test_symbolic_two_temperature_form_reduces_and_rejects():
    import sympy as sp
    from symehp.closed_forms import emission_closed_form, emission_two_temperature_closed_form
    from symehp.errors import ParameterError
    model = symehp.two_level(0.3, -0.2, 0.1, 0.15, 0.05, 0.4, 0.01)
    kw = dict(omega=sp.Rational(1, 2), mu_L=sp.Rational(1, 4), mu_R=-sp.Rational(1, 4))
    same = emission_two_temperature_closed_form(model, "LR", T_L=sp.Rational(1, 10),
                                                T_R=sp.Rational(1, 10), **kw)
    assert same == emission_closed_form(model, "LR", T=sp.Rational(1, 10), form="pole_sum", **kw)
    with pytest.raises(ParameterError, match="window"):
        emission_two_temperature_closed_form(model, "LR", T_L=0.1, T_R=0.2, mu_L=0.25,
                                             mu_R=-0.25)            # omega left symbolic
    with pytest.raises(ParameterError, match="T_R"):
        emission_two_temperature_closed_form(model, "LR", T_L=0.1, T_R=-0.2, **kw)


@pytest.mark.slow          # ~10 s: a SymPy sum of ~1e4 digamma terms, evaluated at 30 digits
def test_symbolic_two_temperature_form_against_the_quadrature():
    """The symbolic layer's two-temperature emission, evaluated at 30 digits, against
    the nested energy quadrature and the numeric pole sums (1e-13 relative)."""
    import sympy as sp
    from symehp.closed_forms import emission_two_temperature_closed_form
    model = symehp.two_level(0.3, -0.2, 0.1, 0.15, 0.05, 0.4, 0.01)
    w, mu_a, mu_b, T_a, T_b = 0.5, 0.25, -0.25, 0.1, 0.2
    form = emission_two_temperature_closed_form(
        model, "LR", omega=sp.Float(w), T_L=sp.Float(T_a), T_R=sp.Float(T_b),
        mu_L=sp.Float(mu_a), mu_R=sp.Float(mu_b), dps=30)
    value = complex(sp.N(form[0, 0], 30))
    expansion = _expansion(model)
    args = [np.array([v]) for v in (w, mu_a, mu_b, T_a, T_b)]
    numeric, _ = S._emission_two_t(expansion, ("L", "R"), *args)
    _, reference, _ = S._quadrature(expansion, ("L", "R"), *args, dos=False)
    assert abs(value - reference.ravel()[0]) <= 1e-13 * abs(reference.ravel()[0])
    assert abs(value - numeric.ravel()[0]) <= 1e-13 * abs(reference.ravel()[0])


def test_a_chunk_mixing_equal_and_unequal_temperatures():
    """One vectorized call with equal-temperature, unequal-temperature and T = 0 points
    (the slow route's batches then hold nodes of both kinds): each point equals its own
    call (found by CI: the batch's rescale was handed only the unequal-temperature nodes)."""
    kw = dict(mu_L=np.array([0.6, 0.2, 0.4]), mu_R=-0.6, T_L=np.array([0.05, 0.08, 0.0]),
              T_R=np.array([0.05, 0.03, 0.0]), T_ph=0.05)
    together = symehp.transport(TWO, **kw)
    for i in range(3):
        alone = symehp.transport(TWO, mu_L=kw["mu_L"][i], mu_R=-0.6, T_L=kw["T_L"][i],
                                 T_R=kw["T_R"][i], T_ph=0.05)
        assert together.J[i] == pytest.approx(alone.J, rel=1e-10, abs=1e-10 * abs(together.J).max())
