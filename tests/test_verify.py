"""Tests of symehp.verify: the five analytic proofs and their wrong variants."""

import pytest
import sympy as sp

from symehp import verify
from symehp.errors import ProofError

CHECKS = [verify.detailed_balance, verify.fluctuation_dissipation, verify.spectral_sum_rule,
          verify.flat_dos_limit, verify.equilibrium_zero]

# each wrong variant, with the reason it is wrong
WRONG = [
    pytest.param(verify.detailed_balance, {"sign": -1}, id="detailed_balance-flipped-mu"),
    pytest.param(verify.fluctuation_dissipation, {"offset": 0}, id="fdt-missing-half"),
    pytest.param(verify.fluctuation_dissipation, {"sign": -1}, id="fdt-flipped-mu"),
    pytest.param(verify.spectral_sum_rule, {"sign": -1}, id="sum-rule-swapped-emission"),
    pytest.param(verify.spectral_sum_rule, {"gf_factor": -sp.I}, id="sum-rule-minus-i"),
    pytest.param(verify.flat_dos_limit, {"prefactor": 1}, id="flat-dos-no-2pi"),
    pytest.param(verify.flat_dos_limit, {"sign": -1}, id="flat-dos-flipped-mu"),
    pytest.param(verify.equilibrium_zero, {"T_ph": sp.Symbol("T_ph", positive=True)},
                 id="equilibrium-Tph-neq-Te"),
    pytest.param(verify.equilibrium_zero, {"T_ph": sp.Rational(1, 2) * verify.T_e},
                 id="equilibrium-Tph-half-Te"),
    pytest.param(verify.equilibrium_zero, {"bias": sp.Symbol("V", real=True)},
                 id="equilibrium-biased"),
]


@pytest.fixture(scope="module")
def proofs():
    return {f.__name__: f() for f in CHECKS}


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_check_proves(proofs, check):
    proof = proofs[check.__name__]
    assert isinstance(proof, verify.Proof)
    assert proof
    assert proof.name == check.__name__
    assert proof.residual == 0
    assert all(r == 0 for r in proof.residuals)
    assert len(proof.residuals) == len(proof.labels) >= 4
    assert isinstance(proof.latex, str) and proof.latex
    assert proof._repr_latex_().startswith("$")
    assert "proven" in repr(proof)
    assert isinstance(proof.spot_check, float) and proof.spot_check < 1e-20


@pytest.mark.parametrize("check, kwargs", WRONG)
def test_wrong_variant_rejected(check, kwargs):
    with pytest.raises(ProofError) as info:
        check(**kwargs)
    err = info.value
    assert err.proof_name == check.__name__
    assert err.residual is not None and sp.sympify(err.residual) != 0
    assert check.__name__ in str(err)
    # the independent numeric check also sees the error
    assert not err.proof
    assert err.proof.spot_check > 1e-6


@pytest.mark.parametrize("check, kwargs", WRONG[:3])
def test_non_strict_returns_falsy_proof(check, kwargs):
    proof = check(strict=False, **kwargs)
    assert not proof
    assert proof.residual != 0
    assert "FAILED" in repr(proof)
    assert proof.spot_check > 1e-6


def test_detailed_balance_flip_only_breaks_inter_channels():
    proof = verify.detailed_balance(sign=-1, strict=False)
    verdict = {lab: r == 0 for lab, r in zip(proof.labels, proof.residuals)}
    assert verdict == {"channel 1 (LL)": True, "channel 2 (RR)": True,
                       "channel 3 (RL)": False, "channel 4 (LR)": False}


def test_fdt_counterexample_unequal_temperatures(proofs):
    counter = proofs["fluctuation_dissipation"].counterexample
    value = counter["value"]
    assert value.is_Rational and value != 0
    # the point makes every exponential rational: recompute the weights by hand
    f_a = sp.Rational(1, 3 + 1)                 # f(ln 3, T_L = 1)
    f_b = 1 / (sp.Rational(3, 2) ** 2 + 1)      # f(ln 3 - ln 2, T_R = 1/2)
    n_b = 1 / (sp.Integer(2) - 1)               # n_B(ln 2, T_L = 1)
    assert value == f_a * (1 - f_b) - n_b * (f_b - f_a)


def test_equilibrium_counterexamples(proofs):
    counter = proofs["equilibrium_zero"].counterexample
    assert len(counter) == 2
    assert all(v.is_Rational and v != 0 for v in counter.values())


def test_flat_dos_default_matches_library():
    proof = verify.flat_dos_limit()
    labels = [lab for lab in proof.labels if lab.startswith("ehp.flat_dos")]
    assert len(labels) == 4


def test_spectral_sum_rule_covers_both_models(proofs):
    labels = proofs["spectral_sum_rule"].labels
    assert sum("two_level()" in lab for lab in labels) == 4
    assert sum("hopping=t" in lab for lab in labels) == 4


def test_spot_check_guard_catches_wrong_simplification(monkeypatch):
    # pretend SymPy "proved" a false identity: the mpmath guard must refuse it
    monkeypatch.setattr(verify, "_reduce", lambda expr: sp.Integer(0))
    with pytest.raises(ProofError, match="spot check"):
        verify.fluctuation_dissipation(offset=0)


def test_all_proofs():
    out = verify.all_proofs()
    assert [p.name for p in out] == [f.__name__ for f in CHECKS]
    assert all(out)
