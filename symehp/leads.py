"""Electrode self-energies as objects: wide-band, semi-infinite chain, or any function.

A lead is what the electrons of the central region see of one electrode: its
retarded self-energy ``Sigma^r(E)``, an N x N matrix in the orbital basis of
``H`` (energy units of the model), and its broadening

    ``Gamma(E) = i (Sigma^r(E) - Sigma^r(E)^dagger)``   (Hermitian, positive semi-definite),

so that ``G^r(E) = [E - H - Sigma_L(E) - Sigma_R(E)]^-1``, ``A_a = G^r Gamma_a G^a``
and, for a wide-band lead, ``Sigma^r = -i Gamma / 2`` (docs/conventions.md, "Leads").

* :func:`wide_band` (``Gamma`` constant): what ``Junction(gamma_L=...)`` means;
  the EHP spectra then have closed forms.
* :func:`chain`: a semi-infinite 1-D tight-binding chain, exact surface Green's function.
* :func:`self_energy`: any user function ``fn(E) -> Sigma^r(E)``, checked.

Every lead has ``sigma(E, mu=0.0)`` (shape ``E.shape + (N, N)``, complex),
``gamma(E, mu=0.0)``, ``energy_dependent``, ``band_edges`` (where ``Sigma`` is
not analytic) and ``follow_bias``.  ``mu`` is the chemical potential of the
electrode the lead is attached to: with ``follow_bias=True`` the whole band
moves rigidly with it, ``Sigma(E; mu) = Sigma(E - mu; 0)`` (a metal whose bands
follow its Fermi level); by default the band stays put when a bias is applied
and only the electrode's occupation ``f(E - mu)`` moves.

A lead object is immutable and holds its own read-only copies of its numbers.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
from functools import cached_property

import numpy as np

from .errors import ModelError

__all__ = ["Lead", "WideBand", "Chain", "SelfEnergy", "wide_band", "chain", "self_energy"]

#: Round-off allowed in the Hermiticity and positivity checks, relative to
#: ``max(1, max |A_ij|)`` (the convention of :data:`symehp.model.ROUND_OFF`).
ROUND_OFF = 1e-12

#: energies at which :func:`self_energy` is checked, when the model gives no others
CHECK_POINTS = 201


def _scale(arr, axes=(-2, -1)):
    """``max(1, max |A_ij|)`` over the matrix axes."""
    return np.maximum(1.0, np.max(np.abs(arr), axis=axes, initial=0.0))


def _energies(E):
    """``E`` as a float array (real energies), or a ModelError."""
    arr = np.asarray(E)
    if arr.dtype.kind == "c":
        raise ModelError("a lead's self-energy is taken at real energies E, got a complex array")
    try:
        arr = arr.astype(float)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"energies E must be real numbers: {exc}") from exc
    return arr


def _real_number(value, name):
    """A finite real Python float (ints, floats, NumPy numbers; not booleans)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise ModelError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ModelError(f"{name} must be finite, got {value}")
    return value


def _check_psd_batch(gamma, name, energies):
    """ModelError unless every ``gamma[i]`` (Hermitian part taken) is PSD within round-off."""
    herm = 0.5 * (gamma + np.conj(np.swapaxes(gamma, -1, -2)))
    asym = np.max(np.abs(gamma - herm), axis=(-2, -1), initial=0.0)
    scale = _scale(gamma)
    bad = np.flatnonzero(asym > ROUND_OFF * scale)
    if bad.size:
        i = int(bad[0])
        raise ModelError(f"{name}: Gamma = i(Sigma - Sigma^dagger) is not Hermitian at "
                         f"E = {energies[i]:.6g} (Sigma must be a matrix in the orbital basis)")
    lowest = np.linalg.eigvalsh(herm)[..., 0]
    bad = np.flatnonzero(lowest < -ROUND_OFF * scale)
    if bad.size:
        i = int(bad[np.argmin(lowest[bad])])
        raise ModelError(
            f"{name}: not a retarded self-energy: Gamma = i(Sigma - Sigma^dagger) has the "
            f"eigenvalue {lowest[i]:.3g} < 0 at E = {energies[i]:.6g} (a retarded Sigma has "
            "-Im Sigma positive semi-definite)")


class Lead:
    """Base class of the leads: a retarded self-energy ``Sigma(E)`` of one electrode.

    Subclasses define ``_sigma0(x)`` (the self-energy at the energies ``x``,
    measured from the band's reference, i.e. ``x = E - mu`` with ``follow_bias``
    and ``x = E`` without), ``_edges0`` and, for the energy-dependent routes,
    ``_basis`` and ``_reduced_gamma0``.
    """

    #: whether Sigma depends on the energy (False only for :class:`WideBand`)
    energy_dependent = True
    follow_bias = False
    _name = "lead"

    # -- the public views
    @property
    def N(self):
        """Number of device orbitals the lead couples to (the size of ``Sigma``)."""
        return self._n

    @property
    def band_edges(self):
        """Energies (with ``mu = 0``) where ``Sigma`` is not analytic: a tuple of floats.

        With ``follow_bias=True`` they move with the electrode's chemical potential
        (:meth:`band_edges_at`)."""
        return tuple(float(x) for x in self._edges0)

    def band_edges_at(self, mu=0.0):
        """The band edges when the electrode's chemical potential is ``mu``."""
        shift = float(mu) if self.follow_bias else 0.0
        return tuple(float(x) + shift for x in self._edges0)

    def sigma(self, E, mu=0.0):
        """Retarded self-energy ``Sigma^r(E)``: shape ``E.shape + (N, N)``, complex.

        Parameters
        ----------
        E : array_like
            Real energies (energy units).
        mu : float or array_like
            The electrode's chemical potential (broadcast against ``E``); used
            only when the lead follows the bias (``follow_bias=True``), as
            ``Sigma(E - mu)``.
        """
        x = self._shifted(E, mu)
        return self._sigma0(x)

    def subtract_sigma(self, out, E, mu=0.0):
        """``out -= Sigma^r(E)`` in place, ``out`` of shape ``(E.size, N, N)`` (complex), for
        a 1-d array ``E``: how :class:`~symehp.numeric.transmission.Electrodes` builds
        ``E - H - Sigma`` without an (E.size, N, N) temporary per lead where the lead
        touches few orbitals."""
        out -= self.sigma(E, mu)

    def gamma(self, E, mu=0.0):
        """Broadening ``Gamma(E) = i (Sigma^r - Sigma^r^dagger)``: ``E.shape + (N, N)``,
        Hermitian and positive semi-definite (energy units)."""
        s = self.sigma(E, mu)
        return 1j * (s - np.conj(np.swapaxes(s, -1, -2)))

    def _shifted(self, E, mu):
        E = _energies(E)
        if not self.follow_bias:
            return E
        return E - _energies(mu)

    def _support0(self):
        """The interval (lo, hi) outside which ``Gamma = 0`` (``mu = 0``)."""
        return (-np.inf, np.inf)

    def support_at(self, mu=0.0):
        """The interval outside which ``Gamma(E) = 0``, at chemical potential ``mu``."""
        lo, hi = self._support0()
        shift = float(mu) if self.follow_bias else 0.0
        return (lo + shift, hi + shift)

    def reduced_gamma(self, E, mu=0.0):
        """``P^dagger Gamma(E) P`` (shape ``E.shape + (r, r)``) for the fixed orthonormal
        N x r basis ``P`` (:attr:`basis`) of the orbitals the lead broadens:
        ``Gamma = P reduced_gamma P^dagger``.  The energy-dependent routes work with
        ``G^r P`` (N x r) instead of ``G^r`` (N x N)."""
        return self._reduced_gamma0(self._shifted(E, mu))

    def _reduced_gamma0(self, x):
        g = self._gamma0(x)
        p = self.basis
        return np.conj(p.T) @ g @ p

    def _gamma0(self, x):
        s = self._sigma0(x)
        return 1j * (s - np.conj(np.swapaxes(s, -1, -2)))

    @property
    def basis(self):
        """An orthonormal N x r basis of the orbitals the lead broadens (read-only)."""
        return self._basis

    @property
    def key(self):
        """A hash of the lead's numbers (for caches of a model's work)."""
        return self._key

    def _bound(self, name, n, energies):
        """This lead checked against a model with ``n`` orbitals, named ``name`` in errors
        (``"lead_L"``); ``energies``: where a user function is checked.  Returns a lead
        (this one, or a named copy)."""
        raise NotImplementedError


# ---------------------------------------------------------------- wide band

class WideBand(Lead):
    """A wide-band lead: ``Sigma^r = -i Gamma / 2`` at every energy (made by :func:`wide_band`)."""

    energy_dependent = False

    def __init__(self, gamma):
        # as the caller gave it (a copy): what a Junction reads as its gamma_
        self.given = np.array(gamma) if isinstance(gamma, np.ndarray) else copy.deepcopy(gamma)
        self._symbolic = _is_symbolic(gamma)
        if self._symbolic:
            self.matrix = gamma
            self._n = int(np.shape(np.asarray(gamma, dtype=object))[0])
            return
        try:
            arr = np.array(gamma, dtype=complex)
        except (TypeError, ValueError) as exc:
            raise ModelError(f"wide_band: gamma could not be read as a complex matrix: {exc}") \
                from exc
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
            raise ModelError(f"wide_band: gamma must be a square N x N matrix, got shape "
                             f"{arr.shape}")
        if not np.all(np.isfinite(arr)):
            i, j = (int(x) for x in np.argwhere(~np.isfinite(arr))[0])
            raise ModelError(f"wide_band: gamma[{i}, {j}] is not finite ({arr[i, j]})")
        _check_psd_batch(arr[None], "wide_band: gamma", [0.0])
        arr.flags.writeable = False
        self.matrix = arr
        self._n = arr.shape[0]

    @property
    def _edges0(self):
        return ()

    def _numbers(self):
        if self._symbolic:
            raise ModelError("wide_band: gamma is symbolic; give it numbers (model.subs) before "
                             "evaluating its self-energy")
        return self.matrix

    def _sigma0(self, x):
        g = self._numbers()
        return np.broadcast_to(-0.5j * g, np.shape(x) + g.shape).copy()

    def _gamma0(self, x):
        g = self._numbers()
        return np.broadcast_to(g, np.shape(x) + g.shape).copy()

    @cached_property
    def _eigen(self):
        vals, vecs = np.linalg.eigh(self._numbers())
        keep = vals > ROUND_OFF * _scale(self._numbers())
        return vals[keep], vecs[:, keep]

    @property
    def _basis(self):
        return self._eigen[1]

    def _reduced_gamma0(self, x):
        vals = self._eigen[0]
        return np.broadcast_to(np.diag(vals).astype(complex),
                               np.shape(x) + (vals.size, vals.size)).copy()

    @cached_property
    def _key(self):
        return _digest("wide", self._numbers())

    def _bound(self, name, n, energies):
        return self

    def __repr__(self):
        if self._symbolic:
            return f"wide_band(<symbolic {self._n} x {self._n}>)"
        g = self.matrix.real if not self.matrix.imag.any() else self.matrix
        text = np.array2string(g, precision=4, separator=", ", max_line_width=10**9)
        return f"wide_band(gamma={text})"


def _is_symbolic(value):
    """Whether ``value`` holds a SymPy object (a matrix or entries)."""
    try:
        import sympy as sp
    except ImportError:                                   # pragma: no cover
        return False
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype == object and any(isinstance(x, sp.Basic) for x in value.flat)
    if isinstance(value, (list, tuple)):
        return any(_is_symbolic(v) for v in value)
    return False


def wide_band(gamma) -> WideBand:
    """A wide-band lead with the constant broadening ``gamma`` (N x N, Hermitian, PSD).

    ``Sigma^r(E) = -i gamma / 2`` at every energy: today's ``Junction(gamma_L=gamma)``,
    which ``Junction(lead_L=wide_band(gamma))`` is exactly (same numbers, same closed
    forms).  ``gamma`` may be numbers or a SymPy matrix (then only a Junction can use it).

    Raises
    ------
    ModelError
        If ``gamma`` is not a square matrix of finite numbers, not Hermitian or not
        positive semi-definite (within ``1e-12 max(1, max |gamma_ij|)``).
    """
    return WideBand(gamma)


# ---------------------------------------------------------------- semi-infinite chain

def chain_surface_green(x):
    """``|t| g_s`` of a semi-infinite chain at the reduced energies ``x = (E - onsite)/(2|t|)``.

    ``u(x)`` solves ``u = 1/(2x - u)`` (``g_s = 1/(E - onsite - |t|^2 g_s)``) on the
    retarded branch: inside the band (``|x| <= 1``) ``u = x - i sqrt(1 - x^2)``
    (``Im u <= 0``); outside, the root with ``|u| < 1`` (real, sign of ``x``), written
    ``u = sign(x) / (|x| + sqrt(x^2 - 1))`` without cancellation.  Both are ``sign(x)``
    at the edges ``x = +-1``, so ``u`` is continuous and finite everywhere (its
    derivative diverges there).  The square roots are taken as
    ``sqrt(1 - |x|) sqrt(1 + |x|)`` (no loss near the edges, no overflow far out).
    """
    x = np.asarray(x, dtype=float)
    a = np.abs(x)
    inside = a <= 1.0
    with np.errstate(invalid="ignore"):
        root_in = np.sqrt(np.where(inside, 1.0 - a, 0.0)) * np.sqrt(1.0 + a)
        root_out = np.sqrt(np.where(inside, 0.0, a - 1.0)) * np.sqrt(1.0 + a)
        out = np.sign(x) / (a + root_out)
    return np.where(inside, x - 1j * root_in, np.where(a == 0.0, 0.0, out) + 0j)


class Chain(Lead):
    """A semi-infinite tight-binding chain attached to the device (made by :func:`chain`)."""

    def __init__(self, t, onsite, coupling, follow_bias):
        self.t = _real_number(t, "chain: t")
        if self.t == 0:
            raise ModelError("chain: the hopping t must be nonzero (a chain with t = 0 has "
                             "no band)")
        self.onsite = _real_number(onsite, "chain: onsite")
        if isinstance(follow_bias, (bool, np.bool_)):
            self.follow_bias = bool(follow_bias)
        else:
            raise ModelError(f"chain: follow_bias must be True or False, got {follow_bias!r}")
        if isinstance(coupling, (str, bytes)) or coupling is None:
            raise ModelError(f"chain: coupling must be a vector of N hoppings, got {coupling!r}")
        try:
            v = np.array(coupling, dtype=complex)
        except (TypeError, ValueError) as exc:
            raise ModelError(f"chain: coupling must be a vector of N numbers: {exc}") from exc
        if v.ndim != 1 or v.size == 0:
            raise ModelError(f"chain: coupling must be a 1-d vector of N hoppings (one per "
                             f"device orbital), got shape {v.shape}")
        if not np.all(np.isfinite(v)):
            i = int(np.flatnonzero(~np.isfinite(v))[0])
            raise ModelError(f"chain: coupling[{i}] is not finite ({v[i]})")
        v.flags.writeable = False
        self.coupling = v
        self._n = v.size
        self._weight = float(np.vdot(v, v).real)            # |v|^2
        self._outer = np.outer(v, np.conj(v))                 # v v^dagger
        self._outer.flags.writeable = False

    @property
    def half_width(self):
        """``2 |t|``: half the band width."""
        return 2.0 * abs(self.t)

    @property
    def _edges0(self):
        return (self.onsite - self.half_width, self.onsite + self.half_width)

    def _support0(self):
        return self._edges0

    def surface_green(self, E, mu=0.0):
        """The chain's surface Green's function ``g_s(E)`` (retarded), ``E.shape``, complex.

        ``g_s = [z - sqrt(z - e_-) sqrt(z - e_+)] / (2 t^2)`` with ``z = E - onsite``
        and the band ``|z| < 2|t|``: ``-Im g_s / pi = sqrt(4t^2 - z^2) / (2 pi t^2)``
        (the semicircle, unit weight) inside, real with the sign of ``z`` and
        ``|g_s| < 1/|t|`` outside, ``+-1/|t|`` at the edges, ``~1/z`` far away
        (:func:`chain_surface_green`).  Energies in the model's units.
        """
        x = (self._shifted(E, mu) - self.onsite) / self.half_width
        return chain_surface_green(x) / abs(self.t)

    def _g0(self, x):
        return chain_surface_green((x - self.onsite) / self.half_width) / abs(self.t)

    def _sigma0(self, x):
        return self._g0(x)[..., None, None] * self._outer

    def subtract_sigma(self, out, E, mu=0.0):
        # Sigma = g_s(E) v v^dagger is zero outside the orbitals v touches: update that block
        touched = np.flatnonzero(self.coupling)
        if touched.size:
            g = self._g0(self._shifted(E, mu))
            rows, cols = touched[:, None], touched[None, :]
            out[:, rows, cols] -= g[:, None, None] * self._outer[rows, cols]

    def _gamma0(self, x):
        return (-2.0 * self._g0(x).imag)[..., None, None] * self._outer

    @cached_property
    def _basis(self):
        if self._weight == 0:
            return np.zeros((self._n, 0), dtype=complex)
        return (self.coupling / np.sqrt(self._weight))[:, None]

    def _reduced_gamma0(self, x):
        if self._weight == 0:
            return np.zeros(np.shape(x) + (0, 0), dtype=complex)
        return (-2.0 * self._weight * self._g0(x).imag + 0j)[..., None, None]

    @cached_property
    def _key(self):
        return _digest(f"chain {self.t!r} {self.onsite!r} {self.follow_bias}", self.coupling)

    def _bound(self, name, n, energies):
        if self._n != n:
            raise ModelError(f"{name}: coupling has {self._n} entries, but H is {n} x {n} "
                             "(one hopping per device orbital)")
        return self

    def __repr__(self):
        v = self.coupling.real if not self.coupling.imag.any() else self.coupling
        bias = ", follow_bias=True" if self.follow_bias else ""
        return (f"chain(t={self.t:g}, onsite={self.onsite:g}, coupling="
                f"{np.array2string(v, precision=4, separator=', ')}{bias}; band "
                f"[{self._edges0[0]:g}, {self._edges0[1]:g}])")


def chain(t, onsite=0.0, coupling=None, follow_bias=False) -> Chain:
    """A semi-infinite 1-D tight-binding chain as a lead.

    The chain has sites ``s = 0, 1, 2, ...`` with onsite energy ``onsite`` and
    nearest-neighbour hopping ``t`` (real, nonzero; only ``|t|`` matters); its
    surface site ``s = 0`` is coupled to device orbital ``i`` by the hopping
    ``coupling[i] = <i|H|s=0>``.  Then

        ``Sigma^r_ij(E) = coupling[i] g_s(E) conj(coupling[j])``,  i.e. ``Sigma = v g_s v^dagger``,

    with the exact retarded surface Green's function ``g_s`` (:meth:`Chain.surface_green`),
    and ``Gamma(E) = -2 Im g_s(E) v v^dagger``: nonzero in the band
    ``|E - onsite| < 2|t|``, zero outside it, where ``Re Sigma`` still shifts the
    levels (bound states may appear).  Energies in the model's units.

    Parameters
    ----------
    t : float
        Hopping along the chain (energy units, nonzero).
    onsite : float
        Onsite energy of the chain's sites: the band centre.
    coupling : sequence of N numbers (may be complex)
        Hoppings from the N device orbitals to the surface site.
    follow_bias : bool
        False (default): the band stays where it is when the electrode's chemical
        potential ``mu`` moves.  True: the band moves rigidly with it,
        ``Sigma(E; mu) = Sigma(E - mu; 0)``.

    Raises
    ------
    ModelError
        For ``t = 0``, non-finite numbers, a coupling that is not a 1-d vector
        (and, in a Junction, one whose length is not N).
    """
    return Chain(t, onsite, coupling, follow_bias)


# ---------------------------------------------------------------- any function

class SelfEnergy(Lead):
    """A lead given by a user function ``fn(E) -> Sigma^r(E)`` (made by :func:`self_energy`)."""

    def __init__(self, fn, band_edges, follow_bias, check_energies, name="lead"):
        if not callable(fn):
            raise ModelError(f"self_energy: fn must be a callable fn(E) -> Sigma(E), got "
                             f"{type(fn).__name__}")
        self.fn = fn
        edges = np.atleast_1d(np.asarray(band_edges if band_edges is not None else (), float))
        if edges.ndim != 1 or not np.all(np.isfinite(edges)):
            raise ModelError(f"self_energy: band_edges must be finite real energies, got "
                             f"{band_edges!r}")
        self._edges_arr = np.unique(edges)
        if not isinstance(follow_bias, (bool, np.bool_)):
            raise ModelError(f"self_energy: follow_bias must be True or False, got "
                             f"{follow_bias!r}")
        self.follow_bias = bool(follow_bias)
        self.check_energies = None if check_energies is None else np.asarray(check_energies,
                                                                            float).ravel()
        self._name = name
        self._n = None
        self._serial = next(_SERIALS)

    @property
    def _edges0(self):
        return tuple(self._edges_arr)

    def _sigma0(self, x):
        x = np.asarray(x, float)
        flat = x.ravel()
        try:
            out = np.asarray(self.fn(flat))
        except Exception as exc:  # noqa: BLE001 - the user's function: say whose it is
            raise ModelError(f"{self._name}: the self-energy function raised "
                             f"{type(exc).__name__}: {exc}") from exc
        if out.dtype.kind not in "iufc":
            raise ModelError(f"{self._name}: the self-energy function must return numbers, "
                             f"got dtype {out.dtype}")
        n = self._n
        ok = out.ndim == 3 and out.shape[0] == flat.size and out.shape[1] == out.shape[2] and (
            n is None or out.shape[1] == n)
        if not ok:
            want = f"({flat.size}, N, N)" if n is None else f"({flat.size}, {n}, {n})"
            raise ModelError(f"{self._name}: the self-energy function must return an array of "
                             f"shape (len(E), N, N) = {want} for a 1-d array E of "
                             f"{flat.size} energies, got shape {out.shape}")
        out = out.astype(complex)
        bad = ~np.all(np.isfinite(out), axis=(1, 2))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ModelError(f"{self._name}: the self-energy function returned a non-finite "
                             f"value at E = {flat[i]:.6g}")
        return out.reshape(x.shape + out.shape[1:])

    @cached_property
    def _basis(self):
        return np.eye(self._n, dtype=complex)

    def _reduced_gamma0(self, x):
        return self._gamma0(x)

    @cached_property
    def _key(self):
        # a function has no numbers to hash: a serial number, unique in the process
        # (id(fn) could be reused by another function once this one is gone)
        return _digest(f"fn {self._serial} {self.follow_bias}", self._edges_arr)

    def _bound(self, name, n, energies):
        bound = SelfEnergy(self.fn, self._edges_arr, self.follow_bias, self.check_energies, name)
        bound._n = n
        check = energies if self.check_energies is None else self.check_energies
        check = np.unique(np.concatenate([np.asarray(check, float), self._edges_arr]))
        gamma = bound._gamma0(check)            # shape, finiteness: checked by _sigma0
        _check_psd_batch(gamma, name, check)
        return bound

    def __repr__(self):
        name = getattr(self.fn, "__qualname__", type(self.fn).__name__)
        edges = f", band_edges={self.band_edges}" if self._edges_arr.size else ""
        bias = ", follow_bias=True" if self.follow_bias else ""
        size = "" if self._n is None else f"N={self._n}, "
        return f"self_energy({size}fn={name}{edges}{bias})"


def self_energy(fn, *, band_edges=(), follow_bias=False, check_energies=None) -> SelfEnergy:
    """A lead given by its retarded self-energy function.

    Parameters
    ----------
    fn : callable
        ``fn(E)`` takes a 1-d float array of energies (``E - mu`` with
        ``follow_bias``) and returns ``Sigma^r`` there, shape ``(len(E), N, N)``
        (complex, energy units, the orbital basis of ``H``).  Retarded means
        ``Gamma = i (Sigma - Sigma^dagger)`` positive semi-definite.
    band_edges : sequence of float
        Energies where ``Sigma`` is not analytic (band edges, van Hove points):
        the quadratures put breakpoints there.  Default none.
    follow_bias : bool
        Whether ``Sigma`` moves rigidly with the electrode's chemical potential
        (as for :func:`chain`).
    check_energies : array_like, optional
        Where a :class:`~symehp.model.Junction` checks ``Gamma >= 0``; default
        201 energies spanning the spectrum of ``H`` widened by twice its width
        (at least 2 energy units each side), and the band edges.

    Returns
    -------
    SelfEnergy

    Notes
    -----
    Every evaluation checks the shape and that the values are finite; the
    Junction checks positivity at ``check_energies``.  Errors are
    :class:`~symehp.errors.ModelError` naming the lead (``lead_L: ...``).
    """
    return SelfEnergy(fn, band_edges, follow_bias, check_energies)


_SERIALS = itertools.count()


def _digest(tag, arr):
    h = hashlib.sha256(tag.encode())
    a = np.ascontiguousarray(arr)
    h.update(a.tobytes())
    h.update(str(a.shape).encode())
    return h.hexdigest()


def default_check_energies(H):
    """The energies where a user self-energy is checked for a device Hamiltonian ``H``."""
    levels = np.linalg.eigvalsh(np.asarray(H, complex))
    lo, hi = float(levels.min()), float(levels.max())
    pad = max(2.0 * (hi - lo), 2.0)
    return np.concatenate([np.linspace(lo - pad, hi + pad, CHECK_POINTS), levels])
