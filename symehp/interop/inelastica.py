"""Mode energies, e-ph couplings and the device Hamiltonian from Inelastica's phonon step.

Inelastica's ``Phonons`` script (``Inelastica/Phonons.py``, ``DynamicalMatrix.WriteOutput``)
writes ``<label>.nc`` with ``netCDF4.Dataset(..., "w")``, i.e. in the NetCDF-4
(HDF5) format (versions before the netCDF4 module wrote NetCDF-3 classic files
with the same variables).  :func:`read_inelastica` reads either, with h5netcdf
(NetCDF-4; the extra ``sisl`` installs it, netCDF4 is used if h5netcdf is missing)
or ``scipy.io.netcdf_file`` (classic).  The variables it uses, as that writer
defines them:

==========================  ====================================  ==========
variable                    dimensions                            unit
==========================  ====================================  ==========
``hw``                      ``(modes,)``                          eV
``He_ph``                   ``(modes, nspin, norb, norb)``        eV
``ImHe_ph`` (k != Gamma)    ``(modes, nspin, norb, norb)``        eV
``H0``                      ``(nspin, norb, norb)``               eV
``H0.imag`` (k != Gamma)    ``(nspin, norb, norb)``               eV
``S0``, ``S0.imag``         ``(nspin, norb, norb)``               1
``kpoint``                  ``(xyz,)``                            1/Ang
==========================  ====================================  ==========

``hw`` are the mode energies ``hbar Omega_lambda`` (sorted descending;
non-positive for unstable or translational modes, whose couplings Inelastica
leaves at zero); ``He_ph`` (``'d'``, or ``'f'`` with ``--SinglePrec``) holds
the real part of the coupling per mode, ``ImHe_ph`` the imaginary part (written
only for a k point other than Gamma, as are ``H0.imag`` and ``S0.imag``); ``H0``,
``S0`` are the device block (``DeviceFirst``..``DeviceLast``) of the SIESTA
Hamiltonian and overlap at ``kpoint`` (written only when the device was
given).  ``nspin`` is 1 (spin-degenerate) or 2 (collinear, up and down).

From ``He_ph`` to symehp's ``M``
--------------------------------
Inelastica (``ComputeEPHcouplings``; Frederiksen et al., PRB 75, 205413 (2007))
writes

    ``He_ph^lambda = sum_{a,j} dH/dR_aj v^lambda_aj sqrt(hbar^2 / (2 m_a hbar Omega_lambda))
    = (dH/dQ_lambda) sqrt(hbar / (2 Omega_lambda))``,

with ``v^lambda`` the orthonormal eigenvectors of the mass-scaled dynamical
matrix and ``Q_lambda = sum_aj sqrt(m_a) v^lambda_aj dR_aj`` the mass-weighted
normal coordinate, so that ``H_eph = sum_lambda He_ph^lambda (b_lambda + b_lambda^+)``
(``Q = sqrt(hbar/2 Omega) (b + b^+)``): an energy, the coupling per phonon.
symehp's ``H_es = sum_k M^k u_k`` (Eq. 1 of Hu, Nian & Lu) couples to the
mass-weighted displacement itself: its free propagator
``D^r = [w^2 - Omega^2 + i w gamma_ph]^-1`` (docs/conventions.md) is that of a
coordinate of unit mass, ``u_k = Q_k``.  Hence

    ``M^k = dH/dQ_k = He_ph^k sqrt(2 Omega_k / hbar)``,  i.e. ``M = He_ph sqrt(2 hbar Omega)``

with ``hbar = 1`` and ``hbar Omega`` in the energy unit (``M`` in energy^(3/2)).
Check: symehp's electronic damping of mode k, ``sum_ab Lambda^{ab}_kk(Omega) /
(2 Omega)``, is in the flat-band limit ``g_s tr[M A M A] / (4 pi) =
g_s Omega tr[He A He A] / (2 pi)``, which for ``spin_degeneracy=2`` is exactly
Inelastica's e-h damping ``Tr[He A He A] hbar Omega / pi`` (``iets.calcIETS``):
tests/test_loe.py and tests/test_inelastica.py check it.

Spin and basis
--------------
``nspin = 1``: both spins alike, ``spin_degeneracy = 2`` (as Inelastica counts
them).  ``nspin = 2``: ``spin=0`` or ``1`` selects one, ``spin_degeneracy = 1``
(the totals are the sums over both spins).  SIESTA's basis is not orthogonal:
when ``S0`` is not the identity, ``H`` and ``M`` are Loewdin-orthogonalized,
``X A X`` with ``X = S0^-1/2`` (``orthogonalize=True``).  Traces such as
``Tr[M A M A]``, with ``A`` from ``G = [E S - H - Sigma]^-1`` in the original basis,
are unchanged (``G -> X^-1 G X^-1``), so symehp's numbers are Inelastica's;
electrode broadenings and self-energies given in the file's basis become
``X Gamma X`` (:meth:`InelasticaCouplings.to_model_basis`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ModelError, ParameterError
from ..units import ENERGY_UNITS

__all__ = ["InelasticaCouplings", "read_inelastica", "coupling_to_M", "M_to_coupling"]

#: ``|S0 - 1|`` below which the basis counts as orthonormal (no Loewdin step)
ORTHONORMAL = 1e-12

_HDF5 = b"\x89HDF\r\n\x1a\n"
_CLASSIC = (b"CDF\x01", b"CDF\x02")


def _mode_factor(coupling, omega, name):
    """``(array, sqrt(2 Omega))`` with the factor shaped to broadcast over ``coupling``.

    ``coupling`` is (K, N, N) or, for one mode, (N, N); ``omega`` the K mode energies.
    """
    arr = np.asarray(coupling)
    om = np.atleast_1d(np.asarray(omega, dtype=float))
    if om.ndim != 1 or np.any(~np.isfinite(om)) or np.any(om <= 0):
        raise ParameterError(f"omega must be positive mode energies, got {omega!r}")
    factor = np.sqrt(2.0 * om)
    if arr.ndim == 2 and om.size == 1:
        return arr, factor[0]
    if arr.ndim != 3 or arr.shape[0] != om.size:
        raise ParameterError(
            f"{name} must be (K, N, N) with K = len(omega) = {om.size} "
            f"(or (N, N) for one mode), got shape {arr.shape}")
    return arr, factor[:, None, None]


def coupling_to_M(He_ph, omega):
    """symehp's ``M^k = He_ph^k sqrt(2 Omega_k)`` from Inelastica's coupling per phonon.

    ``He_ph``: (K, N, N) or (N, N) (energy units), ``omega``: the K mode energies
    ``hbar Omega_k > 0`` in the same unit (``hbar = 1``).  Returns ``M`` in
    energy^(3/2), the coupling to the mass-weighted displacement (module notes).
    """
    he, factor = _mode_factor(He_ph, omega, "He_ph")
    return he * factor


def M_to_coupling(M, omega):
    """The inverse of :func:`coupling_to_M`: ``He_ph = M / sqrt(2 Omega)``."""
    m, factor = _mode_factor(M, omega, "M")
    return m / factor


def _readonly(arr):
    if arr is None:
        return None
    arr = np.array(arr)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class InelasticaCouplings:
    """What a :class:`~symehp.Junction` needs from an Inelastica phonon file.

    Energies are in :attr:`energy_unit` (``hbar = 1``); every matrix is in the
    basis of :attr:`H` (Loewdin-orthogonalized when the file's overlap is not the
    identity, see :attr:`lowdin`).  Arrays are read-only.

    Attributes
    ----------
    path : str
        The file read.
    energy_unit : str
        The unit of every energy here (a key of :data:`symehp.units.ENERGY_UNITS`).
    omega : ndarray, (K,)
        Mode energies ``hbar Omega_k`` of the modes kept (:attr:`modes`).
    M : ndarray, (K, N, N)
        symehp's couplings, ``M^k = He_ph^k sqrt(2 Omega_k)`` (energy^(3/2)).
    He_ph : ndarray, (K, N, N)
        Inelastica's coupling per phonon (energy), ``ImHe_ph`` included, in the basis of ``H``.
    H : ndarray (N, N) or None
        The device Hamiltonian (``H0``, ``H0.imag``), None when the file has none.
    overlap : ndarray (N, N) or None
        The file's overlap ``S0`` (its own basis), None when absent.
    lowdin : ndarray (N, N) or None
        ``X = S0^-1/2`` when the basis was orthogonalized (``H = X H0 X``,
        ``He_ph = X He_ph,file X``), else None.
    spin : int
        The spin index read (``0`` when ``nspin = 1``).
    nspin : int
        1 or 2, as in the file.
    spin_degeneracy : int
        2 when ``nspin = 1`` (both spins alike), 1 for one spin of a polarized file.
    kpoint : ndarray (3,) or None
        The file's ``kpoint`` (Inelastica: "vector in orthogonal space").
    gamma_point : bool
        True when the file has no imaginary parts (``ImHe_ph``, ``H0.imag``).
    modes : ndarray of int, (K,)
        Indices into the file's ``hw`` of the modes kept.
    """

    path: str
    energy_unit: str
    omega: np.ndarray
    M: np.ndarray
    He_ph: np.ndarray
    H: np.ndarray | None
    overlap: np.ndarray | None
    lowdin: np.ndarray | None
    spin: int
    nspin: int
    spin_degeneracy: int
    kpoint: np.ndarray | None
    gamma_point: bool
    modes: np.ndarray = field(repr=False)

    @property
    def N(self) -> int:
        """Number of device orbitals."""
        return int(self.M.shape[1])

    @property
    def K(self) -> int:
        """Number of modes kept."""
        return int(self.M.shape[0])

    def to_model_basis(self, matrix):
        """A matrix of the file's (SIESTA) basis in the basis of :attr:`H`: ``X A X``.

        For a broadening ``Gamma`` or a self-energy ``Sigma`` given in the file's
        basis (``[E S - H - Sigma]^-1``); the identity map when no Loewdin step was
        needed.  Accepts ``(..., N, N)``."""
        arr = np.asarray(matrix)
        if arr.shape[-2:] != (self.N, self.N):
            raise ModelError(f"to_model_basis: expected (..., {self.N}, {self.N}), got "
                             f"shape {arr.shape}")
        if self.lowdin is None:
            return np.array(arr)
        return self.lowdin @ arr @ self.lowdin

    def junction(self, *, gamma_ph, gamma_L=None, gamma_R=None, lead_L=None, lead_R=None,
                 H=None, modes=None, spin_degeneracy=None):
        """A :class:`~symehp.Junction` of these modes and couplings.

        Parameters
        ----------
        gamma_ph : number or sequence
            Ohmic damping of each mode by the phonon bath (energy units); a number
            is the damping of every mode.
        gamma_L, gamma_R, lead_L, lead_R
            The electrodes, as for :class:`~symehp.Junction`, in the basis of :attr:`H`
            (:meth:`to_model_basis` maps matrices of the file's basis).
        H : array_like, optional
            The device Hamiltonian ``(N, N)``; default :attr:`H` (required when the file has none).
        modes : sequence of int, optional
            Which of the K modes kept (indices into :attr:`omega`); default all.
        spin_degeneracy : {None, 1, 2}
            Default :attr:`spin_degeneracy`.

        Raises
        ------
        ModelError
            No ``H`` anywhere (the file has no ``H0``), bad mode indices, and every
            error of :class:`~symehp.Junction`.
        """
        from ..model import Junction

        if H is None:
            if self.H is None:
                raise ModelError(f"{self.path}: the file has no device Hamiltonian (variable "
                                 "'H0'); give H= (N x N, in the basis of M)")
            H = self.H
        if modes is None:
            index = np.arange(self.K)
        else:
            index = np.asarray(modes)
            if index.ndim != 1 or index.size == 0 or index.dtype.kind not in "iu" or \
                    np.any(index < 0) or np.any(index >= self.K):
                raise ModelError(f"modes must be a non-empty sequence of indices 0..{self.K - 1} "
                                 f"into omega, got {modes!r}")
        g = self.spin_degeneracy if spin_degeneracy is None else spin_degeneracy
        if np.ndim(gamma_ph) == 0:
            gamma_ph = [gamma_ph] * index.size
        return Junction(H, gamma_L, gamma_R, M=list(self.M[index]), omega=self.omega[index],
                        gamma_ph=gamma_ph, lead_L=lead_L, lead_R=lead_R, spin_degeneracy=g)


# ---------------------------------------------------------------- reading

class _Variables:
    """The variables of an open NetCDF file: ``get(name)`` -> (array, attributes) or None."""

    def __init__(self, path):
        self.path = str(path)
        with open(path, "rb") as fh:
            head = fh.read(8)
        if head.startswith(_HDF5):
            self._read_hdf5(path)
        elif head[:4] in _CLASSIC:
            self._read_classic(path)
        else:
            raise ModelError(f"{self.path}: not a NetCDF file (neither NetCDF-4/HDF5 nor "
                             "NetCDF-3 classic)")

    def _read_hdf5(self, path):
        try:
            import h5netcdf
        except ImportError:
            h5netcdf = None
        if h5netcdf is not None:
            with h5netcdf.File(path, "r") as f:
                self._data = {name: (np.array(var[...]), _attrs(var.attrs))
                              for name, var in f.variables.items()}
            return
        try:
            import netCDF4
        except ImportError as exc:
            raise ImportError('reading a NetCDF-4 file needs h5netcdf (the optional extra '
                              '"sisl": pip install "symehp[sisl]") or netCDF4') from exc
        with netCDF4.Dataset(path, "r") as f:                      # pragma: no cover
            f.set_auto_mask(False)
            self._data = {name: (np.array(var[...]),
                                 {a: var.getncattr(a) for a in var.ncattrs()})
                          for name, var in f.variables.items()}

    def _read_classic(self, path):
        from scipy.io import netcdf_file

        with netcdf_file(path, "r", mmap=False) as f:
            self._data = {name: (np.array(var[...]), _attrs(getattr(var, "_attributes", {})))
                          for name, var in f.variables.items()}

    def get(self, name):
        return self._data.get(name)

    def require(self, name, what):
        found = self._data.get(name)
        if found is None:
            present = ", ".join(sorted(self._data)) or "none"
            raise ModelError(f"{self.path}: variable '{name}' ({what}) is missing; the file "
                             f"has: {present}")
        return found


def _attrs(attrs):
    out = {}
    for key in attrs:
        value = attrs[key]
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        elif isinstance(value, np.ndarray) and value.dtype.kind in "SU" and value.size == 1:
            value = str(value.item().decode() if isinstance(value.item(), bytes)
                        else value.item())
        out[key] = value
    return out


def _check_unit(path, name, attrs):
    unit = attrs.get("unit", attrs.get("units"))
    if unit is not None and str(unit).strip() not in ("eV", "ev"):
        raise ModelError(f"{path}: variable '{name}' has unit {unit!r}; Inelastica writes "
                         "it in eV, and only eV is read")


def _matrix_stack(path, name, arr, shape, dims):
    if arr.shape != shape:
        raise ModelError(f"{path}: variable '{name}' has shape {arr.shape}, expected "
                         f"{dims} = {shape}")
    if not np.all(np.isfinite(arr)):
        raise ModelError(f"{path}: variable '{name}' has entries that are not finite")
    return arr


def read_inelastica(path, *, spin=None, energy_unit="eV", mode_cutoff=0.0,
                    orthogonalize=True) -> InelasticaCouplings:
    """Read the NetCDF file of Inelastica's phonon step (``Phonons``, ``<label>.nc``).

    Parameters
    ----------
    path : str or path-like
        The file (NetCDF-4/HDF5 as Inelastica writes it, or NetCDF-3 classic).
    spin : {None, 0, 1}
        The spin index for ``nspin = 2`` (required there); for ``nspin = 1`` None or 0.
    energy_unit : str
        The unit of the energies returned (``"eV"``, ``"meV"``, ... a key of
        :data:`symehp.units.ENERGY_UNITS`); the file's are eV.
    mode_cutoff : float
        Modes with ``hw <= mode_cutoff`` (eV, ``>= 0``) are left out (Inelastica's
        ``--modeCutoff``); symehp needs ``Omega > 0``, and Inelastica's couplings
        of non-positive modes are zero anyway.
    orthogonalize : bool
        Loewdin-orthogonalize ``H0`` and ``He_ph`` with ``S0^-1/2`` when ``S0`` is
        not the identity (default).  With False a non-orthogonal file is a
        :class:`~symehp.errors.ModelError` (symehp has no overlap matrix).

    Returns
    -------
    InelasticaCouplings

    Raises
    ------
    ModelError
        A variable missing (named), of the wrong shape or unit, not finite; no mode
        above the cutoff; an overlap that is not positive definite.
    ParameterError
        ``spin``, ``energy_unit``, ``mode_cutoff`` invalid.
    """
    if energy_unit not in ENERGY_UNITS:
        raise ParameterError(f"energy_unit must be one of {', '.join(ENERGY_UNITS)}, got "
                             f"{energy_unit!r}")
    if isinstance(mode_cutoff, (bool, np.bool_)) or not isinstance(
            mode_cutoff, (int, float, np.integer, np.floating)) or \
            not np.isfinite(mode_cutoff) or mode_cutoff < 0:
        raise ParameterError(f"mode_cutoff must be a non-negative energy in eV, got "
                             f"{mode_cutoff!r}")
    if not isinstance(orthogonalize, (bool, np.bool_)):
        raise ParameterError(f"orthogonalize must be True or False, got {orthogonalize!r}")
    path = str(Path(path))
    data = _Variables(path)

    hw, hw_attrs = data.require("hw", "the mode energies hbar Omega, eV")
    _check_unit(path, "hw", hw_attrs)
    hw = np.asarray(hw, dtype=float)
    if hw.ndim != 1 or hw.size == 0:
        raise ModelError(f"{path}: variable 'hw' must be 1-d (modes,), got shape {hw.shape}")
    if not np.all(np.isfinite(hw)):
        raise ModelError(f"{path}: variable 'hw' has entries that are not finite")
    he_re, he_attrs = data.require("He_ph", "the e-ph couplings per mode, eV")
    _check_unit(path, "He_ph", he_attrs)
    if he_re.ndim != 4 or he_re.shape[0] != hw.size or he_re.shape[2] != he_re.shape[3]:
        raise ModelError(f"{path}: variable 'He_ph' must be (modes, nspin, norb, norb) with "
                         f"modes = {hw.size} (the length of 'hw'), got shape {he_re.shape}")
    n_modes, nspin, norb, _ = he_re.shape
    if nspin not in (1, 2):
        raise ModelError(f"{path}: dimension nspin of 'He_ph' is {nspin}; Inelastica writes "
                         "1 (spin-degenerate) or 2 (collinear spin)")
    if nspin == 1:
        if spin not in (None, 0) or isinstance(spin, (bool, np.bool_)):
            raise ParameterError(f"spin={spin!r}: {path} has nspin = 1 (both spins alike); "
                                 "leave spin=None")
        spin, degeneracy = 0, 2
    else:
        if isinstance(spin, (bool, np.bool_)) or spin not in (0, 1):
            raise ParameterError(f"spin={spin!r}: {path} has nspin = 2 (collinear spin, a "
                                 "coupling per spin); choose spin=0 or spin=1 (each spin is "
                                 "its own Junction; the totals are the sums over both)")
        spin, degeneracy = int(spin), 1
    shape4 = (n_modes, nspin, norb, norb)
    shape3 = (nspin, norb, norb)
    he = _matrix_stack(path, "He_ph", np.asarray(he_re, dtype=float), shape4,
                       "(modes, nspin, norb, norb)").astype(complex)
    imag = data.get("ImHe_ph")
    if imag is not None:
        he = he + 1j * _matrix_stack(path, "ImHe_ph", np.asarray(imag[0], dtype=float),
                                     shape4, "(modes, nspin, norb, norb)")
    he = he[:, spin]

    H = None
    found = data.get("H0")
    if found is not None:
        _check_unit(path, "H0", found[1])
        H = _matrix_stack(path, "H0", np.asarray(found[0], dtype=float), shape3,
                          "(nspin, norb, norb)").astype(complex)
        found = data.get("H0.imag")
        if found is not None:
            H = H + 1j * _matrix_stack(path, "H0.imag", np.asarray(found[0], dtype=float),
                                       shape3, "(nspin, norb, norb)")
        H = H[spin]
    S = None
    found = data.get("S0")
    if found is not None:
        S = _overlap(path, "S0", np.asarray(found[0], dtype=float), shape3).astype(complex)
        found = data.get("S0.imag")
        if found is not None:
            S = S + 1j * _overlap(path, "S0.imag", np.asarray(found[0], dtype=float), shape3)
    kpoint = None
    found = data.get("kpoint")
    if found is not None:
        kpoint = np.asarray(found[0], dtype=float)
        if kpoint.shape != (3,):
            raise ModelError(f"{path}: variable 'kpoint' must be (xyz,) = (3,), got shape "
                             f"{kpoint.shape}")
    gamma_point = imag is None and data.get("H0.imag") is None

    keep = np.flatnonzero(hw > mode_cutoff)
    if keep.size == 0:
        raise ModelError(f"{path}: no mode has hw > mode_cutoff = {mode_cutoff} eV (hw from "
                         f"{hw.min():.6g} to {hw.max():.6g} eV)")
    scale = ENERGY_UNITS["eV"] / ENERGY_UNITS[energy_unit]
    omega = hw[keep] * scale
    he = he[keep] * scale
    if H is not None:
        H = H * scale

    lowdin = None
    if S is not None and np.max(np.abs(S - np.eye(norb))) > ORTHONORMAL:
        if not orthogonalize:
            raise ModelError(f"{path}: the basis is not orthogonal (S0 is not the identity) "
                             "and orthogonalize=False; symehp has no overlap matrix")
        herm = 0.5 * (S + np.conj(S.T))
        if np.max(np.abs(S - herm)) > 1e-10 * max(1.0, np.max(np.abs(S))):
            raise ModelError(f"{path}: the overlap S0 is not Hermitian")
        vals, vecs = np.linalg.eigh(herm)
        if vals[0] <= 0:
            raise ModelError(f"{path}: the overlap S0 is not positive definite (lowest "
                             f"eigenvalue {vals[0]:.3g})")
        lowdin = (vecs / np.sqrt(vals)) @ np.conj(vecs.T)
        he = lowdin @ he @ lowdin
        if H is not None:
            H = lowdin @ H @ lowdin
    M = coupling_to_M(he, omega)
    return InelasticaCouplings(
        path=path, energy_unit=energy_unit, omega=_readonly(omega), M=_readonly(M),
        He_ph=_readonly(he), H=_readonly(H), overlap=_readonly(S), lowdin=_readonly(lowdin),
        spin=spin, nspin=nspin, spin_degeneracy=degeneracy, kpoint=_readonly(kpoint),
        gamma_point=bool(gamma_point), modes=_readonly(keep))


def _overlap(path, name, arr, shape3):
    """``S0`` (one matrix, the same for every spin): from (nspin, norb, norb) or (norb, norb)."""
    if arr.shape == shape3[1:]:
        return arr
    arr = _matrix_stack(path, name, arr, shape3, "(nspin, norb, norb)")
    return arr[0]
