"""Every public numeric function through the one contract helper (``tests/contract.py``).

Scalar in -> scalar out, broadcasting with the shapes kept and the pointwise values,
finite results, Hermitian spectra, the engines and the ``dps=`` path agreeing, bad
input rejected with symehp's own named errors (issue 12).  Models: the two-level
model ``two_level(0.3, -0.2, 0.1, 0.15, 0.05, 0.4, 0.01)`` and the three-level,
two-mode models of ``_shared`` (hopping, non-diagonal broadenings, complex couplings).

Covered: ``symehp.__all__``'s numeric functions (spectra, currents, transport, mode
occupation, the applications; the dressed modes: ``dressed=True`` of the currents,
``mode_eigenfrequencies``, ``mode_steady_state``, ``mode_spectral_function``,
``instability_map``) and ``symehp.numeric``'s (``fermi``, ``bose``,
``x_bose``, ``compile_kernel``).  ``symehp.sweep`` returns a labelled grid (an xarray
Dataset, no NumPy broadcasting): its contract is ``tests/test_sweep.py``.  Then the
known gaps (strict xfails) and a check that every part of the helper can fail.
"""

import mpmath as mp
import numpy as np
import pytest

import symehp
from symehp import numeric
from symehp.numeric import backends

import contract
from _shared import THREE_LEVEL_B, three_level_model
from contract import check_contract


def two_level():
    return symehp.two_level(0.3, -0.2, 0.1, 0.15, 0.05, 0.4, 0.01)


MODELS = {"two": two_level(), "three": three_level_model(),
          "B": symehp.Junction(**THREE_LEVEL_B),
          # the paper's model (Fig. 2): eps1 - eps2 = Omega, equal widths (coincident poles)
          "A": symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)}
CHANNELS = ("LL", "RR", "RL", "LR")


# ------------------------------------------------------------------ the spectra

@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("fn", [symehp.ehp_dos, symehp.emission_spectrum])
@pytest.mark.parametrize("name", ["two", "A", "B"])
def test_spectra(name, fn, channel):
    # the dps point and the bad inputs once per function
    full = name == "two" and channel == "LR"
    bias = dict(mu_L=0.25, mu_R=-0.25) if name == "A" else {}
    check_contract(fn, MODELS[name], kind=contract.SPECTRUM, args=dict(channel=channel, **bias),
                   dps=20 if full else None, bad=full)


def test_spectra_are_hermitian_at_every_temperature_and_genuinely_complex():
    """Model B: the mode-mode spectra are complex, so Hermiticity is a real check."""
    model = MODELS["B"]
    w = np.array([-0.61, 0.0, 0.23, 0.375, 1.1])
    for temps in (dict(T_e=0.0), dict(T_e=0.05), dict(T_L=0.08, T_R=0.03)):
        args = {"T_e": contract.MISSING, **temps}
        for ch in CHANNELS:
            for fn in (symehp.ehp_dos, symehp.emission_spectrum):
                check_contract(fn, model, kind=contract.SPECTRUM,
                               grids=[("omega", {"omega": w}, (5,))], backends=(), dps=None,
                               bad=False, args=dict(channel=ch, **args))
                x = fn(model, ch, w, mu_L=0.25, mu_R=-0.125, **temps)
                assert np.abs(x[..., 0, 1].imag).max() > 1e-3 * np.abs(x).max()


# ------------------------------------------------------------------ the currents

@pytest.mark.parametrize("by_channel", [False, True])
@pytest.mark.parametrize("fn", [symehp.energy_current, symehp.particle_current])
def test_currents(fn, by_channel):
    check_contract(fn, MODELS["two"], kind=contract.CURRENT, args=dict(by_channel=by_channel),
                   bad=not by_channel, dps=None)


def test_currents_dps():
    """The dps point of both shortcuts (and their channel parts) in one test: the
    shortcuts share one computation for the same arguments (3-4 s at dps=20)."""
    for fn in (symehp.energy_current, symehp.particle_current):
        for by_channel in (False, True):
            check_contract(fn, MODELS["two"], kind=contract.CURRENT, grids=(), backends=(),
                           args=dict(by_channel=by_channel), dps=20, bad=False)


def test_transport():
    check_contract(symehp.transport, MODELS["two"], kind=contract.TRANSPORT)


def test_currents_three_level():
    check_contract(symehp.transport, MODELS["three"], kind=contract.TRANSPORT, dps=None,
                   bad=False)


# ------------------------------------------------------------------ the mode occupation

@pytest.mark.parametrize("name, mode", [("two", 0), ("three", 1)])
def test_mode_occupation(name, mode):
    check_contract(symehp.mode_occupation, MODELS[name], kind=contract.OCCUPATION,
                   args=dict(mode=mode), dps=20 if name == "two" else None)


# ------------------------------------------------------------------ symehp.numeric's helpers

@pytest.mark.parametrize("fn", [numeric.fermi, numeric.bose, numeric.x_bose])
def test_distributions(fn):
    check_contract(fn, None, kind=contract.DISTRIBUTION)


#: two levels, two modes with a complex coupling (compiling a three-level kernel takes 30 s)
TWO_MODES = symehp.Junction([[0.3, 0.05], [0.05, -0.2]], [[0.1, 0], [0, 0]], [[0, 0], [0, 0.15]],
                            [[[0.02, 0.05], [0.05, -0.01]], [[0.0, 0.03j], [-0.03j, 0.02]]],
                            [0.4, 0.7], [0.01, 0.02])


@pytest.mark.parametrize("model, channel", [*[("two", ch) for ch in CHANNELS],
                                            ("two-modes", "LR"), ("two-modes", "LL")])
def test_compiled_kernel(model, channel):
    model = TWO_MODES if model == "two-modes" else MODELS[model]
    kernel = numeric.compile_kernel(model, channel)
    check_contract(kernel, model, kind=contract.KERNEL)
    if model.K == 2:                  # a complex mode-mode kernel: Hermiticity is a real check
        x = kernel(np.array([-0.4, 0.1, 0.6]), 0.3)
        assert np.abs(x[..., 0, 1].imag).max() > 1e-2 * np.abs(x).max()


def test_compile_kernel_rejects_an_unknown_channel():
    contract.check_rejects(numeric.compile_kernel, MODELS["two"], {"channel": "LR"},
                           contract.Bad("channel-unknown", {"channel": "XY"}, ("channel",)),
                           "compile_kernel")


# ------------------------------------------------------------------ the applications

def test_rectification():
    check_contract(symehp.rectification, MODELS["two"], kind=contract.RECTIFICATION)


def test_cold_spot():
    check_contract(symehp.cold_spot, MODELS["two"], kind=contract.COLD_SPOT)


def test_bias_response():
    check_contract(symehp.bias_response, MODELS["two"], kind=contract.BIAS_RESPONSE)


def test_two_mode_dynamics():
    check_contract(symehp.two_mode_dynamics, None, kind=contract.TWO_MODES)


def test_exceptional_point():
    check_contract(symehp.exceptional_point, None, kind=contract.EXCEPTIONAL_POINT)


def test_eq9_coefficients():
    check_contract(symehp.eq9_coefficients, MODELS["three"], kind=contract.EQ9_COEFFICIENTS)


def test_instability_bias():
    check_contract(symehp.instability_bias, MODELS["two"], kind=contract.INSTABILITY_BIAS)


# ------------------------------------------------------------------ the dressed modes
# (symehp.numeric.mode_dynamics, .dressed, .steady_state; applications.instability)

@pytest.mark.parametrize("fn", [symehp.energy_current, symehp.particle_current])
def test_currents_dressed(fn):
    # the bad inputs once (the shortcuts check them in transport)
    check_contract(fn, MODELS["two"], kind=contract.DRESSED_CURRENT,
                   bad=fn is symehp.energy_current)
    check_contract(fn, MODELS["two"], kind=contract.DRESSED_CURRENT, grids=(), backends=(),
                   args=dict(by_channel=True), bad=False)


def test_transport_dressed():
    check_contract(symehp.transport, MODELS["two"], kind=contract.DRESSED_TRANSPORT)
    # model B: two modes coupled through the electrons (the K x K inverse); one grid
    kind = contract.DRESSED_TRANSPORT
    check_contract(symehp.transport, MODELS["B"], kind=kind, grids=kind.grids[:1],
                   backends=(), bad=False)


@pytest.mark.parametrize("name", ["two", "B"])
def test_mode_eigenfrequencies(name):
    check_contract(symehp.mode_eigenfrequencies, MODELS[name], kind=contract.EIGENMODES,
                   bad=name == "two")
    check_contract(symehp.mode_eigenfrequencies, MODELS[name], kind=contract.EIGENMODES,
                   args=dict(T_e=contract.MISSING, T_L=0.08, T_R=0.03), bad=False)


@pytest.mark.parametrize("dressed", [True, False])
@pytest.mark.parametrize("name", ["two", "B"])
def test_mode_steady_state(name, dressed):
    # the bad inputs from the dressed standard point (they say dressed=False where it matters)
    check_contract(symehp.mode_steady_state, MODELS[name], kind=contract.STEADY_STATE,
                   args=dict(dressed=dressed), bad=name == "two" and dressed)
    # T_L != T_R dressed: an energy quadrature of the spectra per node (2-10 s), so equal
    # T_L and T_R there (the keywords), different ones undressed
    temps = dict(T_L=0.05, T_R=0.05) if dressed else dict(T_L=0.08, T_R=0.03)
    check_contract(symehp.mode_steady_state, MODELS[name], kind=contract.STEADY_STATE,
                   args=dict(dressed=dressed, T_e=contract.MISSING, **temps), bad=False)


@pytest.mark.parametrize("dressed", [True, False])
def test_mode_steady_state_unstable_point_has_no_numbers(dressed):
    """Beyond the instability (eV = 0.625 > 0.515): stable False, a growing mode, and
    None (never a number) for what has no steady state."""
    result = symehp.mode_steady_state(MODELS["two"], mu_L=0.5, mu_R=-0.125, T_e=0.05,
                                      T_ph=0.04, dressed=dressed)
    assert result.stable is False and result.dressed is dressed
    assert max(result.eigenfrequencies.imag) >= 0
    assert result.growing_mode.shape == (1,)
    for name in ("occupation", "covariance", "energy", "heating_by_channel", "sum_rule"):
        assert getattr(result, name) is None, name


@pytest.mark.parametrize("part", ["total", "ph", "LR", 3])
@pytest.mark.parametrize("dressed", [True, False])
@pytest.mark.parametrize("name", ["two", "B"])
def test_mode_spectral_function(name, dressed, part):
    check_contract(symehp.mode_spectral_function, MODELS[name], kind=contract.MODE_SPECTRAL,
                   args=dict(dressed=dressed, part=part),
                   bad=(name, dressed, part) == ("two", True, "total"))


def test_instability_map():
    """Grids of V and one factory keyword (no broadcasting): the shape (V, axis), finite
    growth rates (both signs on this grid), each the growth rate of its pointwise model."""
    fn, factory = symehp.instability_map, contract.gate_factory
    check_contract(fn, factory, kind=contract.INSTABILITY_MAP)
    check_contract(fn, factory, kind=contract.INSTABILITY_MAP, bad=False,
                   args=dict(T_e=contract.MISSING, T_L=0.08, T_R=0.03))
    base = contract.INSTABILITY_MAP.base
    result = fn(factory, **base)
    assert result.dims == ("V", "gate")
    for i, v in enumerate(base["V"]):
        for j, gate in enumerate(base["gate"]):
            one = symehp.mode_eigenfrequencies(factory(gate), mu_L=v / 2, mu_R=-v / 2,
                                               T_e=base["T_e"])
            assert float(result[i, j]) == one.growth_rate, (v, gate)
    assert (result.values < 0).any() and (result.values > 0).any()


# ------------------------------------------------------------------ known gaps (reported, issue 12)
# Bad input that symehp accepts, or rejects without its own error naming the argument:
# each is the check the kinds would make, marked xfail(strict): it fails (XPASS) the day
# symehp is fixed, and then belongs in the kind's bad inputs.

Bad = contract.Bad
#: no broadening: a dps call that is accepted computes nothing
UNBROADENED = symehp.Junction([[0.5, 0.1], [0.1, -0.5]], np.zeros((2, 2)), np.zeros((2, 2)),
                              [[0.0, 0.1], [0.1, 0.0]], 1.0, 0.05)
#: gaps reported by the first run of this file and since fixed: each now a check that
#: must pass (the reason says what symehp did before)
FIXED = [
    # found with the dressed= route, accepted on both routes (numeric/currents.py)
    ("transport-progress-string", symehp.transport, MODELS["two"], contract.DRESSED_CURRENT.base,
     Bad("progress-string", {"progress": "no"}, ("progress",)), "accepted: taken as true"),
    ("energy_current-by_channel-string", symehp.energy_current, MODELS["two"],
     contract.DRESSED_CURRENT.base, Bad("by_channel-string", {"by_channel": "no"}, ("by_channel",)),
     "accepted: taken as true"),
    ("transport-rtol-with-dps", symehp.transport, UNBROADENED,
     dict(mu_L=0.25, mu_R=-0.125, T_e=0.05, T_ph=0.04, dps=20),
     Bad("rtol", {"rtol": "tight"}, ("rtol",)), "with dps= rtol is ignored, unchecked"),
    ("rectification-T0-array", symehp.rectification, MODELS["two"], dict(T0=0.05, dT=0.01),
     Bad("T0-array", {"T0": [0.05, 0.06]}, ("T0",)), "NumPy's TypeError"),
    ("rectification-mu_L-array", symehp.rectification, MODELS["two"], dict(T0=0.05, dT=0.01),
     Bad("mu_L-array", {"mu_L": [0.1, 0.2]}, ("mu_L",)), "NumPy's TypeError"),
    ("cold_spot-T_e-array", symehp.cold_spot, MODELS["two"], dict(T_e=0.05, T_ph=0.03),
     Bad("T_e-array", {"T_e": [0.05, 0.06]}, ("T_e",)), "NumPy's TypeError"),
    ("bias_response-T_e-array", symehp.bias_response, MODELS["two"],
     dict(V=0.3, T_e=0.05, T_ph=0.04),
     Bad("T_e-array", {"T_e": [0.05, 0.1]}, ("T_e",)), "NumPy's TypeError"),
    ("instability_bias-T_e-array", symehp.instability_bias, MODELS["two"],
     dict(T_e=0.05, T_ph=0.04),
     Bad("T_e-array", {"T_e": [0.05, 0.1]}, ("T_e",), match="^(?!.*mu_L)"),
     "the message names the internal bias grid, mu_L (shape (201,))"),
    ("instability_bias-not-a-model", symehp.instability_bias, "model", dict(T_e=0.05, T_ph=0.04),
     Bad("model", {}, ("model",), error=symehp.ModelError), "AttributeError"),
    ("instability_bias-points", symehp.instability_bias, MODELS["two"],
     dict(T_e=0.05, T_ph=0.04), Bad("points", {"points": 2.5}, ("points",)), "accepted"),
    ("fermi-negative-T", numeric.fermi, None, dict(x=0.3, T=0.1),
     Bad("T-negative", {"T": -0.1}, ("T",)), "accepted: the T = 0 step"),
    ("bose-string", numeric.bose, None, dict(x=0.3, T=0.1),
     Bad("x-string", {"x": "0.3"}, ("x",)), "accepted: parsed"),
    ("fermi-nan", numeric.fermi, None, dict(x=0.3, T=0.1),
     Bad("x-nan", {"x": np.nan}, ("x",)), "accepted: nan"),
    ("exceptional_point-n_scan", symehp.exceptional_point, None, contract._EQ9,
     Bad("n_scan", {"n_scan": 1.5}, ("n_scan",)), "accepted"),
    ("two_mode_dynamics-V-boolean", symehp.two_mode_dynamics, None, dict(V=0.3, **contract._EQ9),
     Bad("V-boolean", {"V": True}, ("V",)), "accepted"),
    ("two_mode_dynamics-V-ragged", symehp.two_mode_dynamics, None, dict(V=0.3, **contract._EQ9),
     Bad("V-ragged", {"V": [[0.1], [0.2, 0.3]]}, ("V",)), "NumPy's ValueError"),
    ("kernel-nan", numeric.compile_kernel(MODELS["two"], "LR"), MODELS["two"],
     dict(energy=0.1, omega=0.3), Bad("energy-nan", {"energy": np.nan}, ("energy",)),
     "accepted: nan (and a RuntimeWarning)"),
    ("mode_steady_state-cutoff-array", symehp.mode_steady_state, MODELS["two"],
     contract.STEADY_STATE.base, Bad("cutoff-array", {"cutoff": [20.0, 30.0]}, ("cutoff",)),
     "NumPy's TypeError (only 0-dimensional arrays can be converted)"),
    ("mode_steady_state-rtol-undressed", symehp.mode_steady_state, MODELS["two"],
     contract.STEADY_STATE.base, Bad("rtol", {"rtol": "tight", "dressed": False}, ("rtol",)),
     "with dressed=False rtol is ignored, unchecked"),
    ("instability_map-V-huge", symehp.instability_map, contract.gate_factory,
     dict(V=[0.1], T_e=0.05, gate=[0.0]),
     Bad("V-huge", {"V": [0.1, 1e300]}, ("V",), match="^(?!.*mu_L)"),
     "the message names mu_L (= V/2), not V"),
    ("instability_map-factory-symbolic", symehp.instability_map, contract.gate_factory,
     dict(V=[0.1], T_e=0.05, gate=[0.0]),
     Bad("factory-symbolic", {"model": lambda gate: contract._SYMBOLIC},
         ("model_factory(gate=0.0)",), error=symehp.ModelError),
     "the model's ModelError without the factory call (also energy-dependent leads, "
     "unbroadened levels)"),
]
#: a new gap goes here, and into FIXED once fixed
GAPS = [
]


@pytest.mark.parametrize("fn, model, base, case", [
    pytest.param(fn, model, base, case, id=gap_id, marks=pytest.mark.xfail(
        strict=True, reason=reason, raises=(AssertionError, pytest.fail.Exception)))
    for gap_id, fn, model, base, case, reason in GAPS])
def test_known_gaps(fn, model, base, case):
    kind = contract.KERNEL if isinstance(fn, numeric.CompiledKernel) else None
    contract.check_rejects(fn, model, base, case, getattr(fn, "__name__", "kernel"), kind)


# ------------------------------------------------------------------ the helper can fail

def _broken(fault):
    """ehp_dos, or energy_current for "scalar", with one part of the contract broken."""
    def fn(model, *args, **kwargs):
        if fault == "scalar":
            out = symehp.energy_current(model, *args, **kwargs)
            return np.float64(out) if np.ndim(out) == 0 else out
        if fault in ("accepted", "wrong-type", "unnamed"):
            try:
                return symehp.ehp_dos(model, *args, **kwargs)
            except symehp.ParameterError as exc:
                if fault == "accepted":
                    return np.zeros((model.K, model.K), complex)
                raise (ValueError(str(exc)) if fault == "wrong-type"
                       else symehp.ParameterError("bad argument")) from None
        out = symehp.ehp_dos(model, *args, **kwargs)
        scalar = out.ndim == 2
        if fault == "shape" and not scalar:
            return out.reshape(-1, model.K, model.K)
        if fault == "pointwise" and not scalar:
            return out * (1 + 1e-11)
        if fault == "hermitian":
            return out + 1e-9 * np.abs(out).max() * np.triu(np.ones((model.K, model.K)), 1)
        if fault == "real-diagonal":
            return out + 3e-14j * np.abs(out).max() * np.eye(model.K)
        if fault == "finite" and not scalar:
            return np.where(np.abs(out) > 0.5 * np.abs(out).max(), np.inf, out)
        if fault == "engine" and kwargs.get("backend") == "numba":
            return out * (1 + 1e-15)
        if fault == "auto" and kwargs.get("backend", "auto") == "auto":
            return out * (1 + 1e-15)
        if fault == "dps" and kwargs.get("dps"):
            return out * (1 + mp.mpf(1e-11))
        return out
    fn.__name__ = f"broken-{fault}"
    return fn


@pytest.mark.parametrize("fault, message", [
    ("scalar", "expected float"), ("shape", "expected"), ("pointwise", "pointwise call"),
    ("hermitian", "not Hermitian"), ("real-diagonal", "imaginary diagonal"),
    ("finite", "not finite"), ("engine", "backend='numba'"), ("auto", "backend='auto'"),
    ("dps", "dps=20"), ("accepted", "accepted"), ("wrong-type", "raised ValueError"),
    ("unnamed", "does not name"),
])
def test_the_helper_fails_on_a_broken_contract(fault, message):
    """Each check of check_contract fails for a function that breaks it (model B: K = 2)."""
    if fault in ("engine", "auto") and not backends.numba_available():
        pytest.skip("needs numba (the extra 'fast')")
    kind = contract.CURRENT if fault == "scalar" else contract.SPECTRUM
    model = MODELS["two"] if fault == "scalar" else MODELS["B"]
    with pytest.raises((AssertionError, pytest.fail.Exception), match=message):
        check_contract(_broken(fault), model, kind=kind, grids=kind.grids[:1],
                       dps=20 if fault == "dps" else None,
                       backends=("numpy", "numba") if fault in ("engine", "auto") else (),
                       bad=fault in ("accepted", "wrong-type", "unnamed"))


@pytest.mark.parametrize("fn, model, base, case", [
    pytest.param(fn, model, base, case, id=gap_id) for gap_id, fn, model, base, case, _ in FIXED])
def test_fixed_gaps(fn, model, base, case):
    kind = contract.KERNEL if isinstance(fn, numeric.CompiledKernel) else None
    contract.check_rejects(fn, model, base, case, getattr(fn, "__name__", "kernel"), kind)
