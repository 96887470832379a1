"""The contract of symehp's public numeric functions, checked by one helper (issue 12).

``check_contract(fn, model, kind=...)`` asserts, for one public numeric function, what
every one of them promises (in the style of QuTiP 5's ``assert_guarantees``):

1. scalar arguments give a scalar: a Python ``float`` (``bool`` for ``stable``) for the
   currents and occupations, a ``(K, K)`` complex array for the spectra, a 0-d value
   (or its documented trailing shape) elsewhere;
2. array arguments broadcast: every result has the broadcast shape of the arguments
   (plus its trailing dimensions), also with arguments the channel does not use;
3. the array result equals the calls at each point;
4. every result is finite;
5. spectra are Hermitian in the mode indices with a real diagonal;
6. the engines agree (``backend="numpy"``, ``"numba"``; ``"auto"`` is the one it names);
7. the ``dps=`` path agrees with the double path (one point, where the function has ``dps``);
8. bad input is rejected with symehp's own error type, whose message names the argument
   (and says what is wrong where the case gives a ``match``).

A :class:`Kind` describes one calling convention: how a call is made from a dict of
arguments, which numbers make its result, the standard point, the broadcasting grids and
the bad inputs.  The kinds are at the end of this module; ``tests/test_contract.py`` runs
every public numeric function through :func:`check_contract`.
"""

import dataclasses
import re
from collections.abc import Mapping
from typing import Callable

import mpmath as mp
import numpy as np
import pytest

import symehp
from symehp.errors import ModelError, ParameterError, SymehpError
from symehp.numeric import backends as _backends

#: removes an argument from the call (``Bad(dict(T_e=MISSING), ...)``)
MISSING = object()


@dataclasses.dataclass(frozen=True)
class FromModel:
    """An argument value computed from the model (``FromModel(lambda model: model.K)``)."""

    value: Callable


@dataclasses.dataclass(frozen=True)
class Bad:
    """One bad input: ``change`` applied to the standard point must raise ``error``
    (exactly that type) with every one of ``names`` in the message (and ``match`` found
    by ``re.search``).  ``change`` may hold ``model=`` to replace the model."""

    id: str
    change: dict
    names: tuple
    error: type = ParameterError
    match: str = None
    #: also checked on the dps= path (where the function has one)
    with_dps: bool = True


@dataclasses.dataclass(frozen=True)
class Kind:
    """A calling convention of public numeric functions (see the module docstring)."""

    name: str
    #: the standard point: scalar arguments (``model`` is passed first if not None)
    base: dict
    #: ``call(fn, model, args) -> result`` (default: ``fn(model, **args)``, or
    #: ``fn(**args)`` without a model)
    call: Callable = None
    #: broadcasting grids: ``(id, {argument: array}, expected shape[, options])``, options
    #: ``{"pointwise_rtol": ..., "backend_rtol": ...}`` overriding the kind's for the grid
    grids: tuple = ()
    #: the bad inputs
    bad: tuple = ()
    #: ``outputs(result, model) -> {name: value}``: the numbers of a result
    outputs: Callable = None
    #: ``trailing(name, model) -> shape`` of one output at one point
    trailing: Callable = lambda name, model: ()
    #: the type of a scalar output (None: any 0-d value)
    scalar_type: type = None
    #: ``{output: group}``: outputs measured on a common scale, the largest magnitude in
    #: the group (error estimates and channel parts on the scale of the total); an output
    #: ``"J_by_channel.LR"`` is looked up by its part before the first "."
    scale_of: dict = dataclasses.field(default_factory=dict)
    hermitian: bool = False
    has_backend: bool = False
    has_dps: bool = False
    #: |array - pointwise| <= pointwise_rtol * scale of the output (per grid: grid options)
    pointwise_rtol: float = 0.0
    #: |numba - numpy| <= backend_rtol * scale
    backend_rtol: float = 0.0
    #: |dps - double| <= dps_rtol * scale
    dps_rtol: float = 0.0


def _call(kind, fn, model, args):
    args = {k: (v.value(model) if isinstance(v, FromModel) else v)
            for k, v in args.items() if v is not MISSING}
    model = args.pop("model", model)
    if kind.call is not None:
        return kind.call(fn, model, args)
    return fn(**args) if model is None else fn(model, **args)


def _fields(*names):
    """``outputs`` for a result object: the named attributes; a Mapping attribute
    (``J_by_channel``) gives one output per key."""
    def outputs(result, model):
        out = {}
        for name in names:
            value = getattr(result, name)
            if isinstance(value, Mapping):
                for key, x in value.items():
                    out[f"{name}.{key}"] = x
            else:
                out[name] = value
        return out
    return outputs


def _value(result, model):
    """``outputs`` for a plain value, or a ChannelMapping (``by_channel=True``)."""
    if isinstance(result, Mapping):
        return {f"channel.{key}": x for key, x in result.items()}
    return {"value": result}


def _numbers(value):
    """An output as a complex (or bool) ndarray; mpmath entries converted."""
    arr = np.asarray(value)
    if arr.dtype == object:
        arr = np.vectorize(complex, otypes=[complex])(arr) if arr.size else arr.astype(complex)
    return arr


def _group(kind, name):
    prefix = name.split(".")[0]
    return kind.scale_of.get(prefix, prefix)


def _scales(kind, outputs):
    """``{name: scale}``: the largest magnitude over the output's group (the output and
    those measured on the same scale, ``kind.scale_of``); booleans have none."""
    mags = {name: float(np.max(np.abs(x), initial=0.0)) for name, x in
            ((name, _numbers(v)) for name, v in outputs.items()) if x.dtype != bool}
    groups = {}
    for name, mag in mags.items():
        groups[_group(kind, name)] = max(groups.get(_group(kind, name), 0.0), mag)
    return {name: groups[_group(kind, name)] for name in mags}


def _close(got, want, tol, what):
    got, want = _numbers(got), _numbers(want)
    if want.dtype == bool or got.dtype == bool:
        assert np.array_equal(got, want), what
        return
    diff = float(np.max(np.abs(got - want), initial=0.0))
    assert diff <= tol, f"{what}: |difference| = {diff:.3g} > {tol:.3g}"


# ============================================================ the helper

def check_contract(fn, model, *, kind, args=None, grids=None, backends=("numpy", "numba"),
                   dps=20, bad=True, label=None):
    """Assert the contract (module docstring, points 1-8) of ``fn`` for ``model``.

    Parameters
    ----------
    fn : callable
        The public function.
    model : Junction or None
        Passed first (None for functions without a model).
    kind : Kind
        Its calling convention (:data:`SPECTRUM`, :data:`CURRENT`, ...).
    args : dict, optional
        Changes to the kind's standard point (e.g. ``channel``, ``mode``, ``T_L``/``T_R``).
    grids : sequence, optional
        Broadcasting grids ``(id, {argument: array}, shape)`` instead of the kind's.
    backends : sequence of str
        Engines compared (where ``kind.has_backend``; "numba" where installed), and
        ``"auto"`` against the one it names; () skips the comparison.
    dps : int or None
        Digits of the one-point mpmath check (where ``kind.has_dps``); None skips it.
    bad : bool
        Also check the kind's bad inputs.
    """
    base = {**kind.base, **(args or {})}
    label = label or getattr(fn, "__name__", repr(fn))
    trailing = {}

    # 1. scalar in -> scalar out, 4. finite
    point = kind.outputs(_call(kind, fn, model, base), model)
    for name, value in point.items():
        shape = trailing[name] = kind.trailing(name, model)
        where = f"{label}: {name} at the standard point"
        if shape:
            assert isinstance(value, np.ndarray) and value.shape == shape, \
                f"{where}: {type(value).__name__} of shape {np.shape(value)}, expected {shape}"
            if kind.hermitian:
                assert np.iscomplexobj(value), f"{where}: not complex"
        elif kind.scalar_type is not None and not isinstance(value, (bool, np.bool_)):
            assert type(value) is kind.scalar_type, \
                f"{where}: {type(value).__name__}, expected {kind.scalar_type.__name__}"
        else:
            assert np.ndim(value) == 0, f"{where}: shape {np.shape(value)}, expected a scalar"
        assert np.all(np.isfinite(_numbers(value))), f"{where}: not finite ({value})"
    if kind.hermitian:
        _check_hermitian(point, kind, f"{label} at the standard point")

    # 2. broadcasting, 3. pointwise, 4. finite, 5. Hermitian
    for grid_id, grid, shape, *options in (kind.grids if grids is None else grids):
        rtol = {**(options[0] if options else {})}.get("pointwise_rtol", kind.pointwise_rtol)
        where = f"{label} on grid {grid_id}"
        call = {**base, **grid}
        full = kind.outputs(_call(kind, fn, model, call), model)
        assert set(full) == set(point), f"{where}: outputs {sorted(full)} != {sorted(point)}"
        for name, value in full.items():
            want = tuple(shape) + trailing[name]
            assert isinstance(value, np.ndarray) and value.shape == want, \
                f"{where}: {name} is {type(value).__name__} of shape {np.shape(value)}, " \
                f"expected {want}"
            assert np.all(np.isfinite(_numbers(value))), f"{where}: {name} not finite"
        if kind.hermitian:
            _check_hermitian(full, kind, where)
        scales = _scales(kind, full)
        arrays = {k: np.broadcast_to(np.asarray(v), shape) for k, v in grid.items()
                  if v is not MISSING}
        for idx in np.ndindex(*shape):
            at = {k: a[idx].item() for k, a in arrays.items()}
            one = kind.outputs(_call(kind, fn, model, {**call, **at}), model)
            assert set(one) == set(full), f"{where}: outputs at {idx} {sorted(one)}"
            for name, value in one.items():
                if not trailing[name]:
                    assert np.ndim(value) == 0, f"{where}: {name} at {idx} is not a scalar"
                _close(full[name][idx], value, rtol * scales.get(name, 0.0),
                       f"{where}: {name} at {idx} against its pointwise call")

    # 6. the engines agree, on every grid (numba where installed: the extra "fast")
    backends = tuple(b for b in backends if b != "numba" or _backends.numba_available())
    if kind.has_backend and len(backends) > 1:
        auto = _backends.resolve("auto")
        for grid_id, grid, _, *options in (kind.grids if grids is None else grids):
            rtol = {**(options[0] if options else {})}.get("backend_rtol", kind.backend_rtol)
            call = {**base, **grid}
            results = {b: kind.outputs(_call(kind, fn, model, {**call, "backend": b}), model)
                       for b in backends}
            ref = results[backends[0]]
            scales = _scales(kind, ref)
            for b in backends[1:]:
                for name, value in results[b].items():
                    _close(value, ref[name], rtol * scales.get(name, 0.0),
                           f"{label} on grid {grid_id}: backend={b!r} against "
                           f"{backends[0]!r}, {name}")
            if auto in results:
                default = kind.outputs(_call(kind, fn, model, call), model)
                for name, value in default.items():
                    _close(value, results[auto][name], 0.0,
                           f"{label} on grid {grid_id}: backend='auto' is not {auto!r}, {name}")

    # 7. dps against double
    if kind.has_dps and dps is not None:
        precise = kind.outputs(_call(kind, fn, model, {**base, "dps": dps}), model)
        scales = _scales(kind, point)
        for name, value in precise.items():
            where = f"{label}: dps={dps}, {name}"
            if trailing[name]:
                assert isinstance(value, np.ndarray) and value.dtype == object \
                    and value.shape == trailing[name], where
                assert all(isinstance(x, mp.mpc) for x in value.ravel()), f"{where}: not mpc"
            elif not isinstance(point[name], (bool, np.bool_)):
                assert isinstance(value, mp.mpf), f"{where}: {type(value).__name__}, expected mpf"
            _close(value, point[name], kind.dps_rtol * scales.get(name, 0.0), where)

    # 8. bad input
    if bad:
        for case in kind.bad:
            check_rejects(fn, model, base, case, label, kind)
            if kind.has_dps and dps is not None and case.with_dps and "dps" not in case.change:
                # the mpmath path checks its arguments the same way (before computing)
                check_rejects(fn, model, {**base, "dps": dps}, case, f"{label} (dps={dps})",
                              kind)


def _check_hermitian(outputs, kind, where):
    """Hermitian in the last two (mode) indices to 1e-13 of the largest entry, real
    diagonal to 1e-14 (the closed forms add conjugate pole pairs in floating point:
    observed 2e-15 and 1e-15)."""
    for name, value in outputs.items():
        x = _numbers(value)
        if x.ndim < 2:
            continue
        scale = float(np.max(np.abs(x), initial=0.0))
        herm = float(np.max(np.abs(x - np.conj(np.swapaxes(x, -1, -2))), initial=0.0))
        diag = float(np.max(np.abs(np.diagonal(x, axis1=-2, axis2=-1).imag), initial=0.0))
        assert herm <= 1e-13 * scale, f"{where}: {name} not Hermitian ({herm:.3g} of {scale:.3g})"
        assert diag <= 1e-14 * scale, f"{where}: {name} has an imaginary diagonal ({diag:.3g})"


def check_rejects(fn, model, base, case, label="", kind=None):
    """``case`` (a :class:`Bad`) applied to the arguments ``base`` raises as it says."""
    args = {**base, **case.change}
    where = f"{label}: bad input {case.id!r}"
    try:
        _call(kind or Kind(name="", base={}), fn, model, args)
    except Exception as exc:                 # noqa: BLE001 (its type is the first check)
        err = exc
    else:
        pytest.fail(f"{where}: accepted")
    assert type(err) is case.error, f"{where}: raised {type(err).__name__}: {err}"
    if issubclass(case.error, SymehpError):
        assert isinstance(err, SymehpError), where
    message = str(err)
    for name in case.names:
        assert name in message, f"{where}: the message does not name {name!r}: {message}"
    if case.match is not None:
        assert re.search(case.match, message), f"{where}: {message!r} !~ {case.match!r}"


# ============================================================ bad inputs

def real_argument(name, *, required=True, temperature=False):
    """The bad values of one real argument (a chemical potential, temperature, frequency)."""
    cases = [
        Bad(f"{name}-nan", {name: np.nan}, (name,), match="must be finite"),
        Bad(f"{name}-inf-in-array", {name: [0.1, np.inf]}, (name,), match="must be finite"),
        Bad(f"{name}-complex", {name: 0.1 + 0.2j}, (name,), match="must be real"),
        Bad(f"{name}-complex-in-array", {name: [0.1, 0.2 + 1e-3j]}, (name,), match="must be real"),
        Bad(f"{name}-string", {name: "0.1"}, (name,),
            match="must be a real number or array, got a string"),
        Bad(f"{name}-boolean", {name: True}, (name,),
            match="must be a real number or array, got a boolean"),
        Bad(f"{name}-huge", {name: 1e300}, (name,),
            match=r"= 1e\+300 is beyond the supported range"),
        Bad(f"{name}-ragged", {name: [[0.1, 0.2], [0.3]]}, (name,),
            match="must be a real number or a rectangular array, got a ragged"),
    ]
    if required:
        cases.append(Bad(f"{name}-none", {name: None}, (name,), match="is required"))
    if temperature:
        cases.append(Bad(f"{name}-negative", {name: -0.1}, (name,), match="must be >= 0"))
    return cases


ELECTRON_TEMPERATURES = [
    Bad("T_e-none", {"T_e": None}, ("T_e",)),
    Bad("T_e-and-T_L", {"T_L": 0.05, "T_R": 0.05}, ("T_e", "T_L")),
    Bad("T_e-and-T_L-only", {"T_L": 0.05}, ("T_e", "T_L")),
    Bad("T_L-without-T_R", {"T_e": MISSING, "T_L": 0.05}, ("T_R",)),
    Bad("T_R-without-T_L", {"T_e": MISSING, "T_R": 0.05}, ("T_L",)),
    Bad("no-temperature", {"T_e": MISSING}, ("T_e",)),
    Bad("T_L-negative", {"T_e": MISSING, "T_L": -1.0, "T_R": 0.05}, ("T_L",), match="must be >= 0"),
    Bad("T_R-nan", {"T_e": MISSING, "T_L": 0.05, "T_R": np.nan}, ("T_R",), match="must be finite"),
]

SHAPES = [
    Bad("shapes-mu_L-T_e", {"mu_L": [0.0, 0.1, 0.2], "T_e": [0.05, 0.1]}, ("mu_L", "T_e"),
        match=r"^mu_L \(shape \(3,\)\), T_e \(shape \(2,\)\) cannot be broadcast together"),
    Bad("shapes-T_L-T_R", {"T_e": MISSING, "T_L": [0.05, 0.1], "T_R": [0.05, 0.1, 0.2]},
        ("T_L", "T_R"), match=r"T_L \(shape \(2,\)\), T_R \(shape \(3,\)\) cannot be broadcast"),
    Bad("shapes-mu_L-mu_R", {"mu_L": np.zeros((2, 3)), "mu_R": [0.0, 0.1]}, ("mu_L", "mu_R"),
        match=r"mu_L \(shape \(2, 3\)\), mu_R \(shape \(2,\)\)"),
]

ENGINES = [
    Bad("backend-unknown", {"backend": "cuda"}, ("backend",), match="backend must be one of"),
    Bad("backend-fortran", {"backend": "fortran"}, ("backend",), match="backend must be one of"),
    Bad("backend-none", {"backend": None}, ("backend",), match="backend must be one of"),
    Bad("backend-numpy-with-dps", {"backend": "numpy", "dps": 20}, ("backend", "dps"),
        match="give one or the other"),
    Bad("backend-numba-with-dps", {"backend": "numba", "dps": 20}, ("backend", "dps"),
        match="give one or the other"),
    *[Bad(f"dps-{value!r}", {"dps": value}, ("dps",),
          match=r"dps must be an integer .*\[15, 1000\]")
      for value in (5, 10, 14.5, 20.5, 30.0, 2000, True, "30")],
]

BAD_MODELS = [
    Bad("model-symbolic", {"model": symehp.two_level()}, ("model", "symbols", "subs"),
        error=ModelError),
    Bad("model-string", {"model": "not a model"}, ("model must be a symehp.Junction",),
        error=ModelError),
    Bad("model-dict", {"model": {"H": [[0]]}}, ("model must be a symehp.Junction",),
        error=ModelError),
]

COMMON = [*real_argument("mu_L"), *real_argument("mu_R"),
          *real_argument("T_e", required=False, temperature=True),
          *ELECTRON_TEMPERATURES, *SHAPES, *ENGINES, *BAD_MODELS]

#: a symbolic model (BAD_MODELS) and a numeric one with an energy-dependent lead
_SYMBOLIC = BAD_MODELS[0].change["model"]
_CHAIN_LEAD = symehp.Junction(H=[[0.0]], lead_L=symehp.leads.chain(1.0, 0.0, coupling=[0.3]),
                              lead_R=symehp.leads.wide_band([[0.2]]), M=[[[0.1]]], omega=[1.0],
                              gamma_ph=[0.05])

#: the dressed= switch itself: True or False (a NumPy bool too), nothing else
DRESSED_FLAG = [
    Bad(f"dressed-{label}", {"dressed": value}, ("dressed",),
        match="dressed must be True or False")
    for label, value in (("yes", "yes"), ("string-True", "True"), ("one", 1), ("zero", 0),
                         ("none", None), ("array", np.array([True])))]

#: what dressed=True does not take: a symbolic model, energy-dependent leads (both a
#: ParameterError, as documented: "dressed=True with a symbolic model"); for the currents
#: also dps= and certify= (double precision only)
DRESSED_MODELS = [
    Bad("dressed-model-symbolic", {"dressed": True, "model": _SYMBOLIC},
        ("dressed=True", "numeric model", "subs"), with_dps=False),
    Bad("dressed-model-energy-dependent-leads", {"dressed": True, "model": _CHAIN_LEAD},
        ("dressed=True", "wide-band leads"), with_dps=False),
    *BAD_MODELS[1:],
]
DRESSED_PRECISION = [
    Bad("dressed-with-dps", {"dressed": True, "dps": 30}, ("dressed", "dps"),
        match="double precision only"),
    Bad("dressed-with-certify", {"dressed": True, "dps": 30, "certify": True},
        ("dressed", "certify"), match="double precision only"),
    Bad("dressed-backend-unknown", {"dressed": True, "backend": "cuda"}, ("backend",),
        match="backend must be one of", with_dps=False),
]


# ============================================================ the kinds

def _spectrum_trailing(name, model):
    return (model.K, model.K)


#: ehp_dos, emission_spectrum: ``fn(model, channel, omega, *, mu_L, mu_R, T_e | T_L, T_R)``
SPECTRUM = Kind(
    name="spectrum",
    base=dict(channel="LR", omega=0.3, mu_L=0.25, mu_R=-0.125, T_e=0.05),
    grids=(
        ("omega-mu_L", dict(omega=np.array([-0.61, 0.0, 0.23, 0.375, 1.1]),
                            mu_L=np.array([[0.25], [0.1], [-0.2]])), (3, 5)),
        ("omega-T_e", dict(omega=np.array([-0.61, 0.0, 0.23, 0.375, 1.1]),
                           T_e=np.array([[0.0], [0.01], [0.2]])), (3, 5)),
        ("omega-mu_R", dict(omega=np.array([[0.0], [0.375]]), mu_R=np.array([0.0, 0.1, -0.2])),
         (2, 3)),
        # rows with T_L == T_R use the closed form, the others the energy quadrature
        # (relative 1e-12): one call
        ("omega-T_L-mixed", dict(T_e=MISSING, omega=np.array([-0.5, 0.2, 0.5, 0.9]),
                                 T_L=np.array([[0.05], [0.03], [0.05]]), T_R=0.05), (3, 4),
         {"pointwise_rtol": 1e-12}),
    ),
    bad=(*COMMON, *real_argument("omega"),
         Bad("shapes-omega-mu_L", {"omega": np.linspace(0.5, 1.5, 4), "mu_L": [0.0, 0.1, 0.2]},
             ("omega", "mu_L"), match=r"omega \(shape \(4,\)\), mu_L \(shape \(3,\)\)"),
         *[Bad(f"channel-{value!r}", {"channel": value}, ("channel",))
           for value in ("XY", 5, 0, "", True, None)]),
    outputs=_value,
    trailing=_spectrum_trailing,
    hermitian=True,
    has_backend=True,
    has_dps=True,
    # the closed forms at one node, evaluated in arrays of any length: round-off of
    # exp/log/digamma may differ between array lengths (SIMD), not more
    pointwise_rtol=1e-13,
    # both engines evaluate the full K x K spectra with the same NumPy code (ehp_dos docs)
    backend_rtol=0.0,
    # the double closed forms lose a few digits where terms cancel (test_precise: 1e-12)
    dps_rtol=1e-12,
)

_BATH = [*real_argument("T_ph", temperature=True),
         Bad("shapes-mu_L-T_ph", {"mu_L": [0.1, 0.2, 0.3], "T_ph": [0.05, 0.1]},
             ("mu_L", "T_ph"), match=r"mu_L \(shape \(3,\)\), T_ph \(shape \(2,\)\) cannot"),
         Bad("mu_R-missing", {"mu_R": MISSING}, ("mu_R",), error=TypeError),
         Bad("T_ph-missing", {"T_ph": MISSING}, ("T_ph",), error=TypeError)]
#: (with dps= symehp ignores rtol without checking it: test_contract.py, xfail)
_RTOL = [Bad(f"rtol-{value!r}", {"rtol": value}, ("rtol",), with_dps=False)
         for value in (0, 1.5, -1, np.nan, "tight")]
_CURRENT_BAD = (*COMMON, *_BATH, *_RTOL, *DRESSED_FLAG, *DRESSED_PRECISION,
                *DRESSED_MODELS[:2])

_CURRENT_GRIDS = (
    ("mu_L-T_ph", dict(mu_L=np.array([[0.25], [0.5]]), T_ph=np.array([0.02, 0.04, 0.08])), (2, 3)),
    ("mu_R-T_e", dict(mu_R=np.array([-0.125, 0.0]), T_e=np.array([[0.03], [0.05]])), (2, 2)),
    # T_L != T_R: the spectra are energy quadratures (relative 1e-12) whose adaptive
    # panels follow the round-off of each engine: 4e-13 of the gross current observed
    ("T_L-T_R", dict(T_e=MISSING, T_L=np.array([0.05, 0.03]), T_R=0.05), (2,),
     {"backend_rtol": 1e-12}),
)

_CURRENT_OPTIONS = dict(
    has_backend=True,
    has_dps=True,
    scalar_type=float,
    # a point's currents do not depend on the other points of its call (test_currents
    # asserts the bits); 1e-12 of the gross current leaves room for round-off of
    # vectorized exp/log on another CPU, not for a quadrature panel's worth (1e-10)
    pointwise_rtol=1e-12,
    # the compiled loops order the floating-point operations of the mode-diagonal
    # spectra differently: round-off of the integrand (observed 3e-16 of J)
    backend_rtol=1e-13,
    # the double frequency integral is converged to rtol = 1e-10 per channel (default);
    # observed 4e-14 on the two-level model
    dps_rtol=1e-10,
)

#: energy_current, particle_current: ``fn(model, *, mu_L, mu_R, T_ph, T_e | T_L, T_R)``
#: (``by_channel=True`` in ``args``: a ChannelMapping of the four channels and "total")
CURRENT = Kind(name="current", base=dict(mu_L=0.25, mu_R=-0.125, T_e=0.05, T_ph=0.04),
               grids=_CURRENT_GRIDS, bad=_CURRENT_BAD, outputs=_value,
               scale_of={"channel": "channel"}, **_CURRENT_OPTIONS)

#: transport: a TransportResult
TRANSPORT = Kind(name="transport", base=CURRENT.base, grids=_CURRENT_GRIDS, bad=_CURRENT_BAD,
                 outputs=_fields("J", "I", "error_J", "error_I", "J_by_channel", "I_by_channel"),
                 scale_of={"error_J": "J", "J_by_channel": "J", "error_I": "I",
                           "I_by_channel": "I"}, **_CURRENT_OPTIONS)

#: mode_occupation: ``fn(model, mode, *, mu_L, mu_R, T_ph, T_e | T_L, T_R)`` -> ModeOccupation
OCCUPATION = Kind(
    name="occupation",
    base=dict(mode=0, **CURRENT.base),
    # biases below the instability of the two-level model (eV > Omega inverts channel LR)
    grids=(("mu_L-T_ph", dict(mu_L=np.array([[0.1], [0.25]]),
                              T_ph=np.array([0.02, 0.04, 0.08])), (2, 3)),
           *_CURRENT_GRIDS[1:]),
    bad=(*COMMON, *_BATH,
         *[Bad(f"mode-{value!r}", {"mode": value}, ("mode",))
           for value in (-1, True, "a", 0.0, None)],
         Bad("mode-K", {"mode": FromModel(lambda model: model.K)}, ("mode",),
             match=r"mode must be an integer in \[0, "),
         Bad("unstable-option", {"unstable": "xyz"}, ("unstable",)),
         Bad("unstable-none", {"unstable": None}, ("unstable",))),
    outputs=_fields("n", "T_eff", "damping", "emission", "stable", "damping_by_channel",
                    "emission_by_channel"),
    scale_of={"damping_by_channel": "damping", "emission_by_channel": "emission"},
    scalar_type=float,
    has_backend=True,
    has_dps=True,
    # the spectra at w = Omega_k, closed forms at one node per point (as SPECTRUM), and a
    # ratio and a logarithm: round-off only (test_occupation used 1e-12 relative)
    pointwise_rtol=1e-13,
    # both engines evaluate these closed forms with the same NumPy code (docstring)
    backend_rtol=0.0,
    # the double closed forms lose a few digits where terms cancel (as SPECTRUM)
    dps_rtol=1e-12,
)

#: fermi, bose, x_bose: ``fn(x, T)``
DISTRIBUTION = Kind(
    name="distribution",
    base=dict(x=0.3, T=0.1),
    grids=(("x-T", dict(x=np.array([-0.5, -1e-3, 0.2, 40.0]),
                        T=np.array([[0.0], [0.05], [1.0]])), (3, 4)),),
    outputs=_value,
    pointwise_rtol=1e-15,           # elementwise NumPy: round-off of vectorized exp (SIMD) only
)

#: a CompiledKernel ``kernel(energy, omega)`` (symehp.numeric.compile_kernel), checked as
#: ``check_contract(kernel, model, kind=KERNEL)``: the model gives the (K, K) shape only
KERNEL = Kind(
    name="kernel",
    call=lambda fn, model, args: fn(**args),
    base=dict(energy=0.1, omega=0.3),
    grids=(("energy-omega", dict(energy=np.array([[-0.4], [0.1], [0.6]]),
                                 omega=np.array([-0.3, 0.0, 0.7])), (3, 3)),),
    bad=(Bad("kernel-extra-parameter", {"gate": 0.1}, ("kernel parameters", "gate")),),
    outputs=_value,
    trailing=_spectrum_trailing,
    hermitian=True,
    pointwise_rtol=1e-13,           # a lambdified expression: round-off of the array length
)


# ------------------------------------------------------------ the applications

_APP = dict(pointwise_rtol=1e-12, scalar_type=None)   # currents inside: as CURRENT

#: rectification: ``fn(model, *, T0, dT, mu_L, mu_R, rtol)``, vectorized over dT
RECTIFICATION = Kind(
    name="rectification",
    base=dict(T0=0.05, dT=0.02),
    grids=(("dT", dict(dT=np.array([[0.01], [0.03], [-0.02]])), (3, 1)),),
    bad=(*real_argument("T0"), Bad("T0-zero", {"T0": 0.0}, ("T0",), match="must be > 0"),
         *real_argument("dT"),
         Bad("dT-below-minus-T0", {"dT": -0.1}, ("dT", "T0"), match="T0 \\+ dT >= 0"),
         Bad("mu_L-nan", {"mu_L": np.nan}, ("mu_L",)), Bad("mu_R-string", {"mu_R": "a"}, ("mu_R",)),
         *_RTOL, *BAD_MODELS),
    outputs=_fields("J_forward", "J_backward", "asymmetry"),
    **_APP,
)

#: cold_spot: ``fn(model, *, T_e, T_ph, mu, rtol)``, vectorized over T_ph
COLD_SPOT = Kind(
    name="cold_spot",
    base=dict(T_e=0.05, T_ph=0.03),
    grids=(("T_ph", dict(T_ph=np.array([[0.02], [0.04], [0.08]])), (3, 1)),),
    bad=(Bad("T_e-nan", {"T_e": np.nan}, ("T_e",)), Bad("T_e-zero", {"T_e": 0.0}, ("T_e",)),
         Bad("T_e-string", {"T_e": "a"}, ("T_e",)),
         *real_argument("T_ph", temperature=True), Bad("mu-nan", {"mu": np.nan}, ("mu",)),
         *_RTOL, *BAD_MODELS),
    outputs=_fields("I", "J", "J_by_channel", "I_by_channel", "energy_per_electron"),
    scale_of={"J_by_channel": "J", "I_by_channel": "I"},
    **_APP,
)

#: bias_response: ``fn(model, V, *, T_e, T_ph, mode, rtol)``, vectorized over V
BIAS_RESPONSE = Kind(
    name="bias_response",
    base=dict(V=0.3, T_e=0.05, T_ph=0.04),
    # below the instability of the two-level model (V = 0.515 at these temperatures)
    grids=(("V", dict(V=np.array([[0.0, 0.1], [0.3, 0.45]])), (2, 2)),),
    bad=(*real_argument("V"), Bad("T_e-negative", {"T_e": -0.1}, ("T_e",)),
         Bad("T_ph-nan", {"T_ph": np.nan}, ("T_ph",)),
         *[Bad(f"mode-{value!r}", {"mode": value}, ("mode",)) for value in (-1, "a")],
         Bad("mode-K", {"mode": FromModel(lambda model: model.K)}, ("mode",)),
         *_RTOL, *BAD_MODELS),
    outputs=_fields("J", "J_by_channel", "I", "n", "T_eff", "damping", "stable"),
    scale_of={"J_by_channel": "J"},
    **_APP,
)

_TWO_MODE_TRAILING = {"matrix": (2, 2), "eigenvalues": (2,), "frequencies": (2,),
                      "vectors": (2, 2)}
_EQ9 = dict(Omega=1.0, delta=0.04, gamma=0.001, a=0.05, b=0.0, c=0.02)


def _eq9_bad(*names):
    return [case for name in names for case in (
        Bad(f"{name}-nan", {name: np.nan}, (name,), match="must be finite"),
        Bad(f"{name}-string", {name: "x"}, (name,), match="must be a real number"),
        Bad(f"{name}-array", {name: [0.1, 0.2]}, (name,), match="must be a real number"),
        # None is "not given" (model= may stand in for Eq. (9)'s parameters)
        Bad(f"{name}-none", {name: None}, (name,), match=r"missing Eq. \(9\) parameter"))] + [
        Bad("Omega-zero", {"Omega": 0.0}, ("Omega",), match="must be > 0"),
        Bad("gamma-negative", {"gamma": -1.0}, ("gamma",), match="must be >= 0")]


#: two_mode_dynamics: ``fn(V, *, Omega, delta, gamma, a, b, c)`` (Eq. 9), V of any shape
TWO_MODES = Kind(
    name="two_mode_dynamics",
    base=dict(V=0.3, **_EQ9),
    grids=(("V", dict(V=np.array([[0.0, 0.3, 0.69282048], [-0.2, 1.0, 2.0]])), (2, 3)),),
    bad=(Bad("V-string", {"V": "a"}, ("V",)), Bad("V-inf", {"V": np.inf}, ("V",)),
         Bad("V-nan", {"V": np.nan}, ("V",)), *_eq9_bad(*_EQ9)),
    outputs=_fields("matrix", "eigenvalues", "frequencies", "vectors", "overlap", "discriminant"),
    trailing=lambda name, model: _TWO_MODE_TRAILING.get(name, ()),
    # closed forms (trace and discriminant of a 2 x 2), elementwise
    pointwise_rtol=1e-13,
)

#: exceptional_point: ``fn(*, Omega, delta, gamma, a, b, c, v_range, n_scan)``: scalars only
EXCEPTIONAL_POINT = Kind(
    name="exceptional_point",
    base=dict(_EQ9),
    bad=(*_eq9_bad(*_EQ9),
         Bad("v_range-reversed", {"v_range": (1.0, 0.0)}, ("v_range",))),
    outputs=_fields("V", "closest", "overlap_at_closest", "frequencies_at_closest",
                    "discriminant_at_closest", "frequency"),
    trailing=lambda name, model: {"V": (2,), "frequencies_at_closest": (2,)}.get(name, ()),
)

#: eq9_coefficients: ``fn(model, *, V, T_e, frequency, omega_eval, route)``: scalars only
EQ9_COEFFICIENTS = Kind(
    name="eq9_coefficients",
    base=dict(V=0.3, T_e=0.05),
    bad=(*[c for c in real_argument("V") if "array" not in c.id],
         Bad("V-array", {"V": [0.3, 0.4]}, ("V",), match="single number"),
         *real_argument("T_e", temperature=True),
         Bad("frequency-unknown", {"frequency": "x"}, ("frequency",)),
         Bad("route-unknown", {"route": "x"}, ("route",)),
         Bad("omega_eval-nan", {"omega_eval": np.nan}, ("omega_eval",)),
         Bad("omega_eval-negative", {"omega_eval": -1.0}, ("omega_eval",)),
         Bad("model-one-mode", {"model": symehp.two_level(0.3, -0.2, 0.1, 0.15, 0.05, 0.4, 0.01)},
             ("model", "two modes"), error=ModelError),
         *BAD_MODELS),
    outputs=_fields("Omega", "delta", "gamma", "a", "b", "c", "kappa", "anti_even", "model_matrix"),
    trailing=lambda name, model: (2, 2) if name == "model_matrix" else (),
)

#: instability_bias: ``fn(model, *, T_e, T_ph, mode, V_max, points)`` -> float (or None)
INSTABILITY_BIAS = Kind(
    name="instability_bias",
    base=dict(T_e=0.05, T_ph=0.04),
    bad=(*[c for c in real_argument("T_e", temperature=True) if "array" not in c.id
           and "none" not in c.id], Bad("T_e-none", {"T_e": None}, ("T_e",)),
         *[c for c in real_argument("T_ph", temperature=True) if "array" not in c.id],
         Bad("mode-K", {"mode": FromModel(lambda model: model.K)}, ("mode",)),
         Bad("V_max-negative", {"V_max": -1.0}, ("V_max",)),
         Bad("V_max-nan", {"V_max": np.nan}, ("V_max",)),
         BAD_MODELS[0]),                 # a non-model: AttributeError (test_contract.py, GAPS)
    outputs=_value,
)


# ------------------------------------------------------------ the dressed modes

def scalar_only(*names):
    """Arrays where one bias point (scalars) is taken: a ParameterError naming the argument."""
    cases = [Bad(f"{name}-array", {name: [0.05, 0.1]}, (name,), match="must be a single number")
             for name in names]
    if "T_e" in names:
        cases.append(Bad("T_L-array", {"T_e": MISSING, "T_L": [0.05, 0.1], "T_R": 0.05},
                         ("T_L",), match="must be a single number"))
    return cases


_BIAS_POINT = [*real_argument("mu_L"), *real_argument("mu_R"),
               *real_argument("T_e", required=False, temperature=True),
               *ELECTRON_TEMPERATURES, *scalar_only("mu_L", "mu_R", "T_e"),
               Bad("mu_R-missing", {"mu_R": MISSING}, ("mu_R",), error=TypeError)]

#: transport, energy_current, particle_current with dressed=True: the currents' contract
#: (no dps= path; the backend is checked and has nothing to choose)
_DRESSED_CURRENT_BAD = (
    *real_argument("mu_L"), *real_argument("mu_R"),
    *real_argument("T_e", required=False, temperature=True), *ELECTRON_TEMPERATURES, *SHAPES,
    *ENGINES[:3], *_BATH, *_RTOL, *DRESSED_FLAG, *DRESSED_PRECISION,
    *[Bad(f"dressed-dps-{value!r}", {"dps": value}, ("dressed", "dps"),
          match="double precision only") for value in (20, 5, "30")],
    *DRESSED_MODELS)

_DRESSED_CURRENT_GRIDS = (
    # biases below the instability of the two-level model (as OCCUPATION): NaN beyond it
    ("mu_L-T_ph", dict(mu_L=np.array([[0.1], [0.25]]), T_ph=np.array([0.02, 0.04, 0.08])),
     (2, 3)),
    _CURRENT_GRIDS[1],
    # T_L and T_R given, equal at each point: the closed forms (T_L != T_R takes an energy
    # quadrature of the spectra at every frequency node, 2-10 s a point: not here)
    ("T_L-T_R", dict(T_e=MISSING, T_L=np.array([0.05, 0.03]), T_R=np.array([0.05, 0.03])),
     (2,)),
)

_DRESSED_OPTIONS = dict(
    _CURRENT_OPTIONS,
    has_dps=False,
    # dressed=True ignores the engine (it is only checked): the same numbers
    backend_rtol=0.0,
)

DRESSED_CURRENT = Kind(name="current(dressed=True)", base=dict(CURRENT.base, dressed=True),
                       grids=_DRESSED_CURRENT_GRIDS, bad=_DRESSED_CURRENT_BAD, outputs=_value,
                       scale_of=CURRENT.scale_of, **_DRESSED_OPTIONS)

DRESSED_TRANSPORT = Kind(name="transport(dressed=True)", base=DRESSED_CURRENT.base,
                         grids=_DRESSED_CURRENT_GRIDS, bad=_DRESSED_CURRENT_BAD,
                         outputs=TRANSPORT.outputs, scale_of=TRANSPORT.scale_of,
                         **_DRESSED_OPTIONS)


def _mode_trailing(name, model):
    k = model.K
    return {"frequencies": (k,), "vectors": (k, k), "iterations": (k,),
            "occupation": (k,), "energy": (k,), "sum_rule": (k,), "eigenfrequencies": (k,),
            "covariance": (2 * k, 2 * k)}.get(name, (k,) if name.startswith("heating") else ())


#: mode_eigenfrequencies: ``fn(model, *, mu_L, mu_R, T_e | T_L, T_R)`` -> ModeEigenmodes,
#: one bias point (scalars only)
EIGENMODES = Kind(
    name="mode_eigenfrequencies",
    base=dict(mu_L=0.25, mu_R=-0.125, T_e=0.05),
    bad=(*_BIAS_POINT, *BAD_MODELS,
         Bad("model-energy-dependent-leads", {"model": _CHAIN_LEAD}, ("wide-band", "lead_L"),
             error=ModelError)),
    # (unstable_mode is None at a stable point: not an output)
    outputs=_fields("frequencies", "vectors", "growth_rate", "stable", "iterations"),
    trailing=_mode_trailing,
    scalar_type=float,
)


def _steady_state(result, model):
    """The numbers of a ModeSteadyState (stable point); ``sum_rule`` and ``cutoff`` are
    None undressed (as documented), not outputs then."""
    names = ["occupation", "covariance", "energy", "eigenfrequencies", "stable",
             "heating_by_channel", "error_covariance", "error_heating"]
    return _fields(*names, *(("sum_rule", "cutoff") if result.dressed else ()))(result, model)


#: mode_steady_state: ``fn(model, *, mu_L, mu_R, T_ph, T_e | T_L, T_R, dressed, cutoff,
#: rtol)`` -> ModeSteadyState, one bias point (scalars only)
STEADY_STATE = Kind(
    name="mode_steady_state",
    base=dict(mu_L=0.25, mu_R=-0.125, T_e=0.05, T_ph=0.04),
    bad=(*_BIAS_POINT, *real_argument("T_ph", temperature=True), *scalar_only("T_ph"),
         Bad("T_ph-missing", {"T_ph": MISSING}, ("T_ph",), error=TypeError),
         *DRESSED_FLAG, *DRESSED_MODELS,
         Bad("model-symbolic-undressed", {"model": _SYMBOLIC, "dressed": False},
             ("model", "symbols", "subs"), error=ModelError),
         *[Bad(f"cutoff-{label}", {"cutoff": value}, ("cutoff",), match=match)
           for label, value, match in (
               ("nan", np.nan, "must be finite"), ("inf", np.inf, "must be finite"),
               ("string", "20", "got a string"), ("boolean", True, "got a boolean"),
               ("complex", 20 + 1j, "must be real"), ("array", [20.0, 30.0], "single number"),
               ("negative", -20.0, "must exceed twice"), ("below-twice-Omega", 0.5,
                                                         "must exceed twice"))],
         Bad("cutoff-undressed", {"cutoff": 20.0, "dressed": False}, ("cutoff", "dressed=True")),
         *_RTOL, *[Bad(f"rtol-undressed-{value!r}", {"rtol": value, "dressed": False},
                       ("rtol",)) for value in (0, "tight")]),
    outputs=_steady_state,
    trailing=_mode_trailing,
    scalar_type=float,
)

#: mode_spectral_function: ``fn(model, omega, *, mu_L, mu_R, T_e | T_L, T_R, dressed,
#: part)`` -> (..., K, K), Hermitian (A = D^r Lambda D^a)
MODE_SPECTRAL = Kind(
    name="mode_spectral_function",
    base=dict(omega=0.3, mu_L=0.25, mu_R=-0.125, T_e=0.05, dressed=True, part="total"),
    grids=SPECTRUM.grids,
    bad=(*real_argument("omega"), *real_argument("mu_L"), *real_argument("mu_R"),
         *real_argument("T_e", required=False, temperature=True), *ELECTRON_TEMPERATURES,
         *SHAPES, *[c for c in SPECTRUM.bad if c.id == "shapes-omega-mu_L"],
         *[Bad(f"part-{value!r}", {"part": value}, ("part",), match="part must be")
           for value in ("XY", "TOTAL", "", 5, 0, True, None, 1.0, ("LR",))],
         *DRESSED_FLAG, *DRESSED_MODELS,
         Bad("model-symbolic-undressed", {"model": _SYMBOLIC, "dressed": False},
             ("model", "symbols", "subs"), error=ModelError)),
    outputs=_value,
    trailing=_spectrum_trailing,
    hermitian=True,
    # closed forms and a K x K inverse per node (as SPECTRUM); the T_L != T_R grid's
    # quadrature: its own option
    pointwise_rtol=1e-13,
)


# ------------------------------------------------------------ instability_map

def gate_factory(gate):
    """The contract's model factory for :func:`symehp.instability_map`: the two-level model
    of tests/test_contract.py with its upper level shifted by ``gate``."""
    return symehp.two_level(0.3 + gate, -0.2, 0.1, 0.15, 0.05, 0.4, 0.01)


def _raising_factory(gate):
    raise ValueError("no model here")


def _map_outputs(result, model):
    return {"growth_rate": result.values, "V": result.coords["V"].values,
            "axis": result.coords[result.dims[1]].values}


#: instability_map: ``fn(model_factory, *, V, T_e | T_L, T_R, **axis)`` -> DataArray
#: ("V", name); V and the axis are 1-D grids (no broadcasting); checked with
#: ``check_contract(symehp.instability_map, contract.gate_factory, kind=INSTABILITY_MAP)``
INSTABILITY_MAP = Kind(
    name="instability_map",
    # V = 0.8: beyond the two-level model's instability (growth > 0), the others below
    base=dict(V=[0.1, 0.3, 0.8], T_e=0.05, gate=[0.0, 0.1]),
    bad=(*[Bad(f"V-{label}", {"V": value}, ("V",), match=match)
           for label, value, match in (
               ("nan", [0.1, np.nan], "finite"), ("inf", [np.inf], "finite"),
               ("huge", [0.1, 1e300], "beyond the supported range"),
               ("complex", [0.1, 0.2j], "real numbers"), ("string", ["0.1"], "real numbers"),
               ("strings", "0.1", "1-D"), ("boolean", [True, False], "real numbers"),
               ("none-in-array", [0.1, None], "real numbers"),
               ("scalar", 0.3, "1-D"), ("none", None, "1-D"), ("2-D", [[0.1, 0.3]], "1-D"),
               ("empty", [], "non-empty"), ("ragged", [[0.1], [0.2, 0.3]], "1-D"))],
         Bad("V-missing", {"V": MISSING}, ("V",), error=TypeError),
         *[c for c in real_argument("T_e", temperature=True)
           if c.id not in ("T_e-none", "T_e-inf-in-array", "T_e-complex-in-array")],
         Bad("T_e-array", {"T_e": [0.05, 0.1]}, ("T_e",), match="single number"),
         *ELECTRON_TEMPERATURES,
         *[Bad(f"axis-{label}", {"gate": value}, ("gate",), match=match)
           for label, value, match in (("scalar", 0.1, "1-D"), ("none", None, "1-D"),
                                       ("2-D", [[0.0, 0.1]], "1-D"), ("empty", [], "non-empty"),
                                       ("ragged", [[0.0], [0.1, 0.2]], "1-D"))],
         Bad("axis-missing", {"gate": MISSING}, ("exactly one extra keyword axis",),
             match="got none"),
         Bad("axis-two", {"width": [0.1, 0.2]}, ("exactly one extra keyword axis", "gate",
                                                 "width")),
         Bad("factory-not-callable", {"model": "not a factory"}, ("model_factory",),
             match="must be callable"),
         Bad("factory-a-model", {"model": symehp.two_level(0.3, -0.2, 0.1, 0.15, 0.05, 0.4,
                                                           0.01)}, ("model_factory",)),
         Bad("factory-raises", {"model": _raising_factory},
             ("model_factory(gate=0.0)", "ValueError", "no model here")),
         Bad("factory-wrong-keyword", {"model": lambda width: gate_factory(width)},
             ("model_factory(gate=0.0)", "TypeError")),
         Bad("factory-returns-dict", {"model": lambda gate: {"H": [[0.0]]}},
             ("model_factory(gate=0.0)", "dict", "not a symehp.Junction")),
         Bad("factory-returns-numeric-junction",
             {"model": lambda gate: gate_factory(gate).numeric()},
             ("model_factory(gate=0.0)", "NumericJunction", "not a symehp.Junction")),
         Bad("factory-returns-none", {"model": lambda gate: None},
             ("model_factory(gate=0.0)", "NoneType")),
         *[Bad(f"factory-returns-{label}", {"model": lambda gate, m=m: m},
               ("model_factory(gate=0.0)", *names), error=ModelError)
           for label, m, names in (
               ("symbolic", _SYMBOLIC, ("symbols", "subs")),
               ("energy-dependent-leads", _CHAIN_LEAD, ("wide-band",)),
               ("unbroadened", symehp.Junction([[0.5, 0.1], [0.1, -0.5]], np.zeros((2, 2)),
                                               np.zeros((2, 2)), [[0.0, 0.1], [0.1, 0.0]],
                                               1.0, 0.05), ("couple every level",)))]),
    outputs=_map_outputs,
    trailing=lambda name, model: {"growth_rate": (3, 2), "V": (3,)}.get(name, (2,)),
)
