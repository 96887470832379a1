"""Parameter sweeps as labelled data: :func:`sweep` returns an :class:`xarray.Dataset`.

A sweep is the outer product of its axes (each 1-d argument is one dimension,
in the order the keywords were given).  The axes of the operating conditions
(bias ``V`` or ``mu_L``/``mu_R``, ``T_e`` or ``T_L``/``T_R``, ``T_ph``) are
evaluated by the vectorized numeric functions (:func:`symehp.transport`,
:func:`symehp.mode_occupation`), which broadcast over parameter points; the
axes of model parameters (a factory ``f(**params) -> Junction``) give one
model per combination.  The grid is cut into chunks of ``chunks`` points of
one model each, and each chunk is one vectorized call: in-process, or one
Dask task per chunk on a ``dask.distributed`` cluster.  Both run the same
function on the same chunks, so they give the same bits.

Units and signs (``docs/conventions.md``): hbar = e = k_B = 1; ``J > 0``: the
electrons heat the modes; ``I > 0``: electrons flow from L to R (electric
current ``-e I``).
"""

from __future__ import annotations

import inspect
import json
import sys
import warnings

import numpy as np

from .conditions import CONDITIONS, DESCRIPTIONS, check_conditions
from .ehp import CHANNELS
from .errors import ModelError, ParameterError
from .model import Junction
from .numeric import mode_occupation, transport
from .numeric._args import real_array
from .numeric.backends import resolve
from .numeric.results import RTOL

__all__ = ["sweep", "QUANTITIES", "DEFAULT_CHUNK", "CONVENTIONS"]

#: the data variables :func:`sweep` can compute (the error estimates come with J and I)
QUANTITIES = ("J", "I", "J_channel", "n")
#: parameter points per chunk (one vectorized call, one Dask task); as :func:`transport`'s own
DEFAULT_CHUNK = 256
#: the ``conventions`` attribute of every sweep
CONVENTIONS = ("symehp conventions (docs/conventions.md): hbar = e = k_B = 1, energies, "
               "temperatures and chemical potentials in one model energy unit, time = hbar/energy; "
               "J > 0: energy flows from the electrons into the modes (heats them); I > 0: "
               "electrons flow from L to R (the electric current is -e I); V means "
               "mu_L = V/2, mu_R = -V/2")

#: the operating conditions that may be swept: name -> (long name, is a temperature)
_CONDITIONS = {name: (DESCRIPTIONS[name], name.startswith("T_")) for name in CONDITIONS}
_ENERGY = "energy (model units)"
_CURRENT_UNITS = "energy/time (model units, hbar = 1)"
_RATE_UNITS = "electrons/time (model units, hbar = 1)"
#: dimensions the results add (no parameter may take these names)
_RESERVED = ("channel", "mode")


def _signature(model_or_factory, /, *, V=None, mu_L=None, mu_R=None, T_e=None, T_L=None,
               T_R=None, T_ph=None, quantities=QUANTITIES, dressed=False, client=None,
               chunks=None, progress=True, backend="auto", rtol=None, **params):
    """The public signature of :func:`sweep` (which takes ``**kwargs`` to keep their order)."""


_SIGNATURE = inspect.signature(_signature)
_OPTIONS = ("quantities", "dressed", "client", "chunks", "progress", "backend", "rtol")


# ---------------------------------------------------------------- checking the input

def _axis(value, name, *, temperature=False):
    """``(values, is_axis)``: a checked float array, 0-d (an attribute) or 1-d (a dimension)."""
    if np.ndim(value) > 1:
        raise ParameterError(f"{name} must be a number or a 1-d array (one sweep axis), got an "
                             f"array of shape {np.shape(value)}; give each axis as its own keyword")
    arr = real_array(value, name, nonnegative=temperature)
    if arr.ndim == 1 and arr.size == 0:
        raise ParameterError(f"{name} is an empty array: a sweep axis needs at least one point")
    return arr, arr.ndim == 1


def _check_options(opts):
    """The checked options: quantities (tuple), chunk size, engine name."""
    if not isinstance(opts["dressed"], (bool, np.bool_)):
        raise ParameterError(f"dressed must be True or False, got {opts['dressed']!r}")
    q = opts["quantities"]
    q = (q,) if isinstance(q, str) else tuple(q)
    unknown = [x for x in q if x not in QUANTITIES]
    if unknown or not q:
        raise ParameterError(f"quantities: unknown name(s) {', '.join(map(repr, unknown))}; "
                             f"choose from {', '.join(QUANTITIES)}" if unknown else
                             f"quantities is empty; choose from {', '.join(QUANTITIES)}")
    chunks = DEFAULT_CHUNK if opts["chunks"] is None else opts["chunks"]
    if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks < 1:
        raise ParameterError(f"chunks must be a positive integer (points per chunk), "
                             f"got {opts['chunks']!r}")
    if not isinstance(opts["progress"], (bool, np.bool_)):
        raise ParameterError(f"progress must be True or False, got {opts['progress']!r}")
    rtol = opts["rtol"]
    if rtol is not None and (isinstance(rtol, bool) or not isinstance(rtol, (int, float))
                             or not 1e-14 <= rtol < 1):
        raise ParameterError(f"rtol must be a number in [1e-14, 1), got {rtol!r}")
    engine = resolve(opts["backend"], None)
    return tuple(dict.fromkeys(q)), int(chunks), engine


def _check_conditions(given):
    """Checked conditions: name -> float array (0-d or 1-d), and the bias/temperature form."""
    values = {}
    for name, value in given.items():
        if value is not None:
            values[name] = _axis(value, name, temperature=_CONDITIONS[name][1])[0]
    check_conditions(values)
    return values


def _check_params(model_or_factory, params):
    """``(model or None, factory or None, axes, scalars)`` of the model argument."""
    if isinstance(model_or_factory, Junction):
        if params:
            raise ParameterError(
                f"unknown sweep keyword(s) {', '.join(params)} for a model: sweep takes V, mu_L, "
                "mu_R, T_e, T_L, T_R, T_ph; to sweep a model parameter pass a factory "
                "f(**params) -> Junction instead of the model")
        model_or_factory.numeric()            # a symbolic model: ModelError now, not later
        return model_or_factory, None, {}, {}
    if not callable(model_or_factory):
        raise ParameterError("model_or_factory must be a symehp.Junction or a factory "
                             "f(**params) -> Junction, got "
                             f"{type(model_or_factory).__name__}")
    axes, scalars = {}, {}
    for name, value in params.items():
        if name in _RESERVED:
            raise ParameterError(f"{name} cannot be a parameter name: the sweep's results use "
                                 f"it as a dimension ({', '.join(_RESERVED)})")
        if np.ndim(value) == 0:
            scalars[name] = value            # passed to the factory as given
        else:
            axes[name] = _axis(value, name)[0]
    return None, model_or_factory, axes, scalars


def _check_client(client):
    """The ``dask.distributed.Client`` (or None), checked usable."""
    if client is None:
        return None
    try:
        import distributed
    except ImportError:
        raise ParameterError("client= needs dask.distributed, which is not installed: "
                             "pip install -e '.[dask]' (or pip install 'dask[distributed]')") from None
    if not isinstance(client, distributed.Client):
        raise ParameterError(f"client must be a dask.distributed.Client, got "
                             f"{type(client).__name__}")
    if client.status != "running":
        raise ParameterError(f"client is not usable: its status is {client.status!r} "
                             "(closed, or not connected to a scheduler)")
    return client


def _factory_model(factory, kwargs):
    """``factory(**kwargs)``, checked to be a numeric Junction."""
    model = factory(**kwargs)
    if not isinstance(model, Junction):
        shown = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        raise ParameterError(f"model_or_factory: the factory must return a symehp.Junction, got "
                             f"{type(model).__name__} for ({shown})")
    return model


# ---------------------------------------------------------------- the work of one chunk

def _evaluate_chunk(model, mu_L, mu_R, T_L, T_R, T_ph, quantities, rtol, backend,
                    dressed=False):
    """The quantities at the points of one chunk (1-d arrays): name -> array (points first).

    One vectorized :func:`transport` call (when J, I or J_channel is asked for) and
    one :func:`mode_occupation` call per mode; this is the function every chunk runs,
    in-process or as a Dask task.
    """
    out = {}
    conditions = dict(mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R, T_ph=T_ph)
    if {"J", "I", "J_channel"} & set(quantities):
        res = transport(model, **conditions, rtol=rtol, progress=False, backend=backend,
                        dressed=bool(dressed))
        if "J" in quantities:
            out["J"], out["error_J"] = res.J, res.error_J
        if "I" in quantities:
            out["I"], out["error_I"] = res.I, res.error_I
        if "J_channel" in quantities:
            out["J_channel"] = np.stack([res.J_by_channel[ch.name] for ch in CHANNELS], axis=-1)
    if "n" in quantities and dressed:
        # the dressed K-mode steady state, one bias point at a time (NaN where unstable)
        from .numeric.steady_state import mode_steady_state
        rows = []
        for i in range(np.size(mu_L)):
            st = mode_steady_state(model, mu_L=mu_L[i], mu_R=mu_R[i], T_L=T_L[i], T_R=T_R[i],
                                   T_ph=T_ph[i], dressed=True)
            rows.append(np.full(model.K, np.nan) if st.occupation is None else st.occupation)
        out["n"] = np.array(rows).reshape(np.size(mu_L), model.K)
    elif "n" in quantities:
        out["n"] = np.stack([mode_occupation(model, k, **conditions, unstable="flag",
                                             backend=backend).n
                             for k in range(model.K)], axis=-1)
    return {k: np.asarray(v, float).reshape(mu_L.shape + np.shape(v)[1:]) for k, v in out.items()}


def _chunk_on_worker(*args):
    """:func:`_evaluate_chunk` on a Dask worker: ``(result, warnings)``, the warnings it
    raised as ``(category, message)`` pairs, so the client can raise them where the
    user sees them (a worker's own warnings go to its log, if anywhere)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = _evaluate_chunk(*args)
    return out, [(w.category, str(w.message)) for w in caught]


def _reraise(raised):
    """Raise the warnings of the chunks (lists of ``(category, message)``) on the client,
    each distinct one once, in chunk order."""
    seen = set()
    for category, message in (w for chunk in raised for w in chunk):
        if (category, message) not in seen:
            seen.add((category, message))
            warnings.warn(f"{message} (in a sweep task on a Dask worker)", category, stacklevel=3)


# ---------------------------------------------------------------- attributes

def _attr(value):
    """A netCDF-serializable attribute value (str, number, 1-d numeric array), or None."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (str, int, float, np.integer, np.floating)):
        return value
    arr = np.asarray(value)
    if arr.dtype.kind in "iuf" and arr.ndim <= 1:
        return arr if arr.ndim else arr.item()
    if arr.dtype.kind == "c" and arr.ndim == 0:
        return str(complex(arr))
    return str(value)


def _model_attrs(model, factory, scalars):
    """The model's parameters as attributes (for a factory: at the first parameter set)."""
    from .modelfile import model_to_dict
    num = model.numeric()
    try:
        written = json.dumps(model_to_dict(model))
    except ModelError as exc:
        # a lead given as a Python function (leads.self_energy) has no file form
        written = f"not written: {exc}"
    attrs = {"model_N": model.N, "model_K": model.K,
             "model_omega": np.asarray(num.omega, float),
             "model_gamma_ph": np.asarray(num.gamma_ph, float),
             "model_spin_degeneracy": num.spin_degeneracy,
             "model": written}
    if factory is not None:
        attrs["model_factory"] = getattr(factory, "__qualname__", type(factory).__name__)
        attrs["model_note"] = ("model_N ... model: the factory's model at the first value of "
                               "every swept parameter")
        attrs.update({name: _attr(v) for name, v in scalars.items()})
    return attrs


def _variable_attrs():
    """``units`` and ``long_name`` of every data variable."""
    return {
        "J": dict(units=_CURRENT_UNITS,
                  long_name="energy current from the electrons into the modes (> 0 heats them)"),
        "error_J": dict(units=_CURRENT_UNITS,
                        long_name="absolute error estimate of J (frequency quadrature)"),
        "I": dict(units=_RATE_UNITS, long_name="particle current, electrons per unit time from "
                                               "L to R (electric current -e I)"),
        "error_I": dict(units=_RATE_UNITS,
                        long_name="absolute error estimate of I (frequency quadrature)"),
        "J_channel": dict(units=_CURRENT_UNITS,
                          long_name="energy current into the modes per EHP channel J_ab "
                                    "(sum over channel = J)"),
        "n": dict(units="1", long_name="mean occupation of the mode (quanta; nan where the bias "
                                       "drives it unstable)"),
    }


# ---------------------------------------------------------------- the sweep

def sweep(model_or_factory, /, **kwargs):
    """Sweep the currents and occupations over a grid of parameters: a labelled Dataset.

    Parameters
    ----------
    model_or_factory : Junction or callable
        A numeric model, or a factory ``f(**params) -> Junction`` (then every
        keyword not listed here is a model parameter, given to the factory).
    V : float or 1-d array_like, optional
        Bias ``eV = mu_L - mu_R``, applied symmetrically: ``mu_L = V/2``,
        ``mu_R = -V/2`` (energy units).  Either ``V`` or both ``mu_L`` and ``mu_R``.
    mu_L, mu_R : float or 1-d array_like, optional
        Chemical potentials of the electrodes (energy units).
    T_e : float or 1-d array_like, optional
        Electron temperature of both electrodes (``>= 0``, energy units).
        Either ``T_e`` or both ``T_L`` and ``T_R``.
    T_L, T_R : float or 1-d array_like, optional
        Temperatures of the two electrodes.
    T_ph : float or 1-d array_like
        Temperature of the phonon bath (required).
    quantities : sequence of str
        Any of ``"J"`` (with ``error_J``), ``"I"`` (with ``error_I``),
        ``"J_channel"``, ``"n"``; default all.
    dressed : bool
        Use the electron-dressed mode propagator (``transport(..., dressed=True)``,
        docs/conventions.md "Dressed modes"): ``J``, ``I``, ``J_channel`` with the dressed
        K x K ``D^r``, and ``n`` the occupations of :func:`symehp.mode_steady_state` (NaN
        where a dressed mode grows).  Wide-band leads only.
    client : dask.distributed.Client, optional
        Run each chunk as a Dask task on this client's cluster (a
        ``LocalCluster`` or any scheduler; the workers need symehp installed).
        Needs the extra ``dask`` (``pip install -e '.[dask]'``).  Default: in-process.
    chunks : int, optional
        Parameter points per chunk, i.e. per vectorized call and per Dask task
        (default 256, :data:`DEFAULT_CHUNK`).  A chunk never mixes two models.
    progress : bool
        Show progress: without a client a tqdm bar over the chunks (on stderr);
        with a client Dask's own ``distributed.progress`` (a text bar on stdout,
        or a widget in a notebook).  Default True.
    backend : {"auto", "numpy", "numba"}
        The double-precision engine, as in :func:`symehp.transport`.
    rtol : float, optional
        Relative tolerance of the frequency integral (:func:`symehp.transport`;
        default 1e-10).
    **params
        Model parameters for the factory: a 1-d array is a sweep axis, a scalar
        is passed as it is (and recorded as an attribute).

    Returns
    -------
    xarray.Dataset
        Dimensions: one per 1-d argument, named after it (``"V"``, ``"T_e"``,
        ``"gate"``...), in the order the keywords were given, with the values
        as coordinates (a ``V`` axis also carries the coordinates ``mu_L`` and
        ``mu_R``).  Scalar arguments are attributes.  Data variables (each with
        ``units`` and ``long_name``), as asked for by ``quantities``:

        * ``J``, ``error_J``: energy current from the electrons into the modes
          and its absolute error estimate (energy/time, hbar = 1; ``J > 0``
          heats the modes);
        * ``I``, ``error_I``: electrons per unit time from L to R (the electric
          current is ``-e I``);
        * ``J_channel``: ``J_ab`` per EHP channel, extra dimension ``channel``
          = LL, RR, RL, LR;
        * ``n``: occupation of each mode (nan where the bias drives it
          unstable), extra dimension ``mode`` (coordinate ``mode_omega``: the mode
          frequencies).

        Attributes: ``conventions``, ``symehp_version``, ``rtol``, ``backend``,
        the model's parameters (``model_N``, ``model_K``, ``model_omega``,
        ``model_gamma_ph``, and ``model``: the model in the general form of
        :mod:`symehp.modelfile`, as JSON), and the scalar arguments: all
        netCDF-serializable, so ``ds.to_netcdf(path)`` writes a self-describing file.

    Raises
    ------
    ParameterError
        Before any work: an unknown keyword for a model (model parameters need
        a factory), an axis that is not 0-d or 1-d, both or neither of ``V``
        and ``mu_L``/``mu_R``, both or neither of ``T_e`` and ``T_L``/``T_R``,
        no ``T_ph``, a factory that does not return a Junction (checked with the
        first parameter set), unknown quantities, ``dressed`` not a bool, a client
        that is not a running ``dask.distributed.Client`` or dask not installed.

    Notes
    -----
    Every chunk is evaluated by the same function with one vectorized call, in
    the same points, whether in-process or on Dask workers: the results are
    bit for bit the same, and equal to :func:`symehp.transport` and
    :func:`symehp.mode_occupation` called on the same points.

    Examples
    --------
    >>> ds = symehp.sweep(model, V=np.linspace(0, 2, 101), T_e=[0.05, 0.1], T_ph=0.05)
    >>> ds.J.sel(T_e=0.05).plot()                                     # doctest: +SKIP
    >>> gated = symehp.sweep(lambda gate: symehp.two_level(eps1=0.5 + gate, eps2=-0.5 + gate,
    ...                      gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05),
    ...                      gate=np.linspace(-1, 1, 21), V=1.0, T_e=0.05, T_ph=0.05)
    """
    import xarray as xr

    from . import __version__
    try:
        bound = _SIGNATURE.bind(model_or_factory, **kwargs)
    except TypeError as exc:
        raise ParameterError(f"sweep: {exc}") from None
    args = {**{k: p.default for k, p in _SIGNATURE.parameters.items()
               if p.default is not inspect.Parameter.empty}, **bound.arguments}
    params = args.pop("params", {})
    opts = {k: args[k] for k in _OPTIONS}
    quantities, chunk, engine = _check_options(opts)
    conditions = _check_conditions({k: args[k] for k in _CONDITIONS})
    model, factory, param_axes, scalars = _check_params(model_or_factory, params)
    client = _check_client(opts["client"])
    rtol = opts["rtol"]
    dressed = bool(opts["dressed"])

    # dimensions in the order of the keywords as given
    cond_dims = [k for k in kwargs if k in conditions and conditions[k].ndim == 1]
    param_dims = list(param_axes)
    order = [k for k in kwargs if k in cond_dims or k in param_dims]

    # the models: one per combination of the parameter axes (C order over param_dims)
    param_shape = tuple(param_axes[d].size for d in param_dims)
    if factory is not None:
        combos = [dict(scalars, **{d: param_axes[d][i] for d, i in zip(param_dims, idx)})
                  for idx in np.ndindex(param_shape)]
        first = _factory_model(factory, combos[0])
        first.numeric()                       # a symbolic model: ModelError before the work
        models = [first] + [_factory_model(factory, c) for c in combos[1:]]
        for c, m in zip(combos, models):
            if m.K != first.K:
                raise ParameterError(
                    f"model_or_factory: the factory's models must all have the same number of "
                    f"modes (the dimension 'mode'), got {first.K} and {m.K} (at {c})")
    else:
        models = [model]
    template = models[0]

    # the condition points: the five arrays on the grid of cond_dims (C order)
    def grid(name):
        arr = conditions[name]
        return xr.DataArray(arr, dims=(name,) if arr.ndim else ())
    if "V" in conditions:
        v = grid("V")
        mu_L, mu_R = v / 2, 0.0 - v / 2            # 0.0 - x: no -0.0 at V = 0
    else:
        mu_L, mu_R = grid("mu_L"), grid("mu_R")
    T_L, T_R = (grid("T_e"), grid("T_e")) if "T_e" in conditions else (grid("T_L"), grid("T_R"))
    cond_shape = tuple(conditions[d].size for d in cond_dims)
    points = [np.ascontiguousarray(np.broadcast_to(
                  x.expand_dims([d for d in cond_dims if d not in x.dims]).transpose(*cond_dims)
                  .values, cond_shape)).ravel()
              for x in (mu_L, mu_R, T_L, T_R, grid("T_ph"))]
    size = points[0].size

    # the chunks: (model index, start) over every model, each a slice of the points
    tasks = [(m, start) for m in range(len(models)) for start in range(0, size, chunk)]

    def chunk_args(m, start):
        return [models[m]] + [p[start:start + chunk] for p in points]

    if client is None:
        todo = tasks
        if opts["progress"]:
            from tqdm import tqdm
            todo = tqdm(tasks, desc="symehp: sweep", unit="chunk", disable=len(tasks) < 2,
                        mininterval=0.1 if sys.stderr.isatty() else 60.0)
        parts = [_evaluate_chunk(*chunk_args(m, s), quantities, rtol, engine, dressed)
                 for m, s in todo]
    else:
        scattered = client.scatter(models, hash=False)
        futures = [client.submit(_chunk_on_worker, scattered[m],
                                 *[p[s:s + chunk] for p in points], quantities, rtol, engine,
                                 dressed, pure=False)
                   for m, s in tasks]
        if opts["progress"]:
            from distributed import progress as dask_progress
            dask_progress(futures)
        parts, raised = zip(*client.gather(futures))
        _reraise(raised)

    # assemble: (models, points, extra) -> param dims + cond dims (+ extra), then keyword order
    variables = {}
    extra_dims = {"J_channel": ("channel",), "n": ("mode",)}
    names = [k for k in ("J", "error_J", "I", "error_I", "J_channel", "n") if k in parts[0]]
    for name in names:
        per_model = [np.concatenate([parts[i][name] for i, (m, _) in enumerate(tasks) if m == j])
                     for j in range(len(models))]
        data = np.stack(per_model).reshape(param_shape + cond_shape + per_model[0].shape[1:])
        dims = tuple(param_dims + cond_dims) + extra_dims.get(name, ())
        da = xr.DataArray(data, dims=dims).transpose(*order, *extra_dims.get(name, ()))
        variables[name] = xr.Variable(da.dims, np.ascontiguousarray(da.values),
                                      attrs=_variable_attrs()[name])

    coords = {}
    for d in order:
        values = conditions[d] if d in conditions else param_axes[d]
        attrs = ({"units": _ENERGY, "long_name": _CONDITIONS[d][0]} if d in conditions
                 else {"long_name": f"model parameter {d} (given to the factory)"})
        coords[d] = xr.Variable((d,), values, attrs=attrs)
    if "V" in cond_dims:
        coords["mu_L"] = xr.Variable(("V",), conditions["V"] / 2,
                                     attrs={"units": _ENERGY, "long_name": "mu_L = V/2"})
        coords["mu_R"] = xr.Variable(("V",), 0.0 - conditions["V"] / 2,
                                     attrs={"units": _ENERGY, "long_name": "mu_R = -V/2"})
    if "J_channel" in variables:
        coords["channel"] = xr.Variable(("channel",), [ch.name for ch in CHANNELS],
                                        attrs={"long_name": "EHP channel (electron in, hole in)"})
    if "n" in variables:
        coords["mode"] = xr.Variable(("mode",), np.arange(template.K),
                                     attrs={"long_name": "mode index (0-based)"})
        coords["mode_omega"] = xr.Variable(("mode",), np.asarray(template.numeric().omega, float),
                                      attrs={"units": _ENERGY, "long_name": "mode frequency"})

    attrs = {"title": "symehp sweep", "conventions": CONVENTIONS,
             "symehp_version": __version__, "rtol": RTOL if rtol is None else float(rtol),
             "backend": engine, "dressed": int(bool(dressed))}
    for name, arr in conditions.items():
        if arr.ndim == 0:
            attrs[name] = float(arr)
            if name == "V":
                attrs["mu_L"], attrs["mu_R"] = float(arr) / 2, 0.0 - float(arr) / 2
    attrs.update(_model_attrs(template, factory, scalars))
    attrs = {k: v for k, v in attrs.items() if v is not None}
    return xr.Dataset(variables, coords=coords, attrs=attrs)


sweep.__signature__ = _SIGNATURE
