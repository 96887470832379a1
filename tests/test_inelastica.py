"""symehp.interop.inelastica: reading the NetCDF file of Inelastica's phonon step.

The files are written here in the layout of Inelastica's own writer
(``Inelastica/Phonons.py``, ``DynamicalMatrix.WriteOutput``: netCDF4's default
NetCDF-4/HDF5 format, written with h5netcdf; and NetCDF-3 classic with
scipy.io.netcdf_file, as older versions wrote).  Checked:

* ``M = He_ph sqrt(2 hw)`` exactly, modes with ``hw <= cutoff`` left out, unit
  conversion (``M`` scales as energy^(3/2)), spin (nspin 1 -> spin_degeneracy 2;
  nspin 2 -> one spin), k != Gamma (imaginary parts), single precision;
* physics: the Junction's electronic damping in the broad-level limit equals
  Inelastica's ``Tr[He A He A] hw / pi`` to O((hw/Gamma)^2) (the conversion and
  the spin factor together);
* Loewdin orthogonalization leaves ``T(E)`` and ``Tr[He A He A]`` of the
  non-orthogonal basis unchanged (an independent route with ``[E S - H - Sigma]^-1``);
* missing variables, wrong shapes or units, not a NetCDF file: errors naming them.
"""

import numpy as np
import pytest

import symehp
from symehp.errors import ModelError, ParameterError
from symehp.interop.inelastica import coupling_to_M, M_to_coupling, read_inelastica

h5netcdf = pytest.importorskip("h5netcdf")

NORB, NATOMS = 2, 3
HW = np.array([0.2, 0.1, 0.0, -0.01])          # eV, descending as Inelastica sorts them
RNG = np.random.default_rng(7)


def _hermitian(n, scale, complex_=False):
    a = RNG.normal(size=(n, n)) + (1j * RNG.normal(size=(n, n)) if complex_ else 0)
    return scale * (a + np.conj(a.T)) / 2


def make_content(nspin=1, gamma=True, overlap=None):
    H0 = np.array([_hermitian(NORB, 0.3, not gamma) for _ in range(nspin)])
    he = np.array([[_hermitian(NORB, 0.01, not gamma) for _ in range(nspin)] for _ in HW])
    he[HW <= 0] = 0.0                     # Inelastica: zero coupling for non-positive modes
    S0 = np.eye(NORB) if overlap is None else overlap
    return {"H0": H0, "He_ph": he, "S0": np.broadcast_to(S0, (nspin, NORB, NORB)).copy()}


def write_nc4(path, content, *, drop=(), single=False, units=None):
    """Write the variables of Inelastica's WriteOutput (h5netcdf: NetCDF-4)."""
    H0, he, S0 = content["H0"], content["He_ph"], content["S0"]
    nspin = H0.shape[0]
    units = units or {}
    with h5netcdf.File(path, "w") as f:
        f.dimensions = {"one": 1, "xyz": 3, "modes": len(HW), "natoms": NATOMS,
                        "dyn_atoms": 1, "dev_atoms": NATOMS, "nspin": nspin, "norb": NORB}

        def var(name, dims, data, dtype="f8", unit=None):
            if name in drop:
                return
            v = f.create_variable(name, dims, dtype)
            v[...] = data
            if unit is not None:
                v.attrs["unit"] = units.get(name, unit)

        var("hw", ("modes",), HW, unit="eV")
        var("U", ("modes", "natoms", "xyz"), np.zeros((len(HW), NATOMS, 3)))
        var("GeometryXYZ", ("natoms", "xyz"), np.arange(3 * NATOMS).reshape(NATOMS, 3), unit="Ang")
        var("Masses", ("dyn_atoms",), [1.008])
        var("DeviceAtoms", ("dev_atoms",), np.arange(1, NATOMS + 1), dtype="i4")
        var("kpoint", ("xyz",), np.zeros(3))
        var("H0", ("nspin", "norb", "norb"), H0.real, unit="eV")
        var("S0", ("nspin", "norb", "norb"), S0.real)
        if np.iscomplexobj(H0) and np.any(H0.imag):
            var("H0.imag", ("nspin", "norb", "norb"), H0.imag)
            var("S0.imag", ("nspin", "norb", "norb"), S0.imag)
        t = "f4" if single else "f8"
        var("He_ph", ("modes", "nspin", "norb", "norb"), he.real, dtype=t, unit="eV")
        if np.iscomplexobj(he) and np.any(he.imag):
            var("ImHe_ph", ("modes", "nspin", "norb", "norb"), he.imag, dtype=t)


def test_couplings_modes_and_units(tmp_path):
    content = make_content()
    path = tmp_path / "PH.nc"
    write_nc4(path, content)
    data = read_inelastica(path)
    keep = HW > 0
    np.testing.assert_array_equal(data.modes, [0, 1])
    np.testing.assert_array_equal(data.omega, HW[keep])
    np.testing.assert_allclose(data.M, content["He_ph"][keep, 0]
                               * np.sqrt(2 * HW[keep])[:, None, None], rtol=1e-15, atol=0)
    np.testing.assert_array_equal(data.H, content["H0"][0])
    assert data.spin_degeneracy == 2 and data.nspin == 1 and data.gamma_point
    assert data.lowdin is None and data.energy_unit == "eV"
    np.testing.assert_allclose(M_to_coupling(data.M, data.omega), data.He_ph, rtol=1e-15)
    # in meV: omega x 1e3, He x 1e3, M x 1e3^(3/2)
    milli = read_inelastica(path, energy_unit="meV")
    np.testing.assert_allclose(milli.omega, 1e3 * data.omega, rtol=1e-15)
    np.testing.assert_allclose(milli.M, 1e3 ** 1.5 * data.M, rtol=1e-14)
    assert read_inelastica(path, mode_cutoff=0.15).K == 1
    assert not data.M.flags.writeable


def test_damping_is_inelasticas_eh_damping(tmp_path):
    # broad levels (Gamma = 40 hw): symehp's sum_ab Lambda(hw)/(2 hw) at spin 2 equals
    # Tr[He A He A] hw / pi with A at E_F, to O((hw/Gamma)^2)
    content = make_content()
    content["H0"][:] = 0.0                       # levels at E_F: A(e) even, no first order
    path = tmp_path / "PH.nc"
    write_nc4(path, content)
    data = read_inelastica(path)
    for k, hw in enumerate(data.omega):
        G = 40 * hw
        gL, gR = G * np.diag([1.0, 0.5]), G * np.diag([0.5, 1.0])
        jn = data.junction(gamma_L=gL, gamma_R=gR, gamma_ph=1e-4, modes=[k])
        lam = sum(symehp.ehp_dos(jn, c, hw, mu_L=0.0, mu_R=0.0, T_e=0.0)[0, 0].real
                  for c in ("LL", "RR", "LR", "RL"))
        g0 = np.linalg.inv(0.5j * (gL + gR))
        A = g0 @ (gL + gR) @ g0.conj().T
        he = data.He_ph[k]
        inelastica = np.trace(he @ A @ he @ A).real * hw / np.pi
        assert lam / (2 * hw) == pytest.approx(inelastica, rel=10 * (1 / 40) ** 2)


def test_loewdin_leaves_traces_and_transmission_unchanged(tmp_path):
    S = np.array([[1.0, 0.3], [0.3, 1.0]])
    content = make_content(overlap=S)
    path = tmp_path / "PH.nc"
    write_nc4(path, content)
    data = read_inelastica(path)
    assert data.lowdin is not None
    np.testing.assert_allclose(data.lowdin @ S @ data.lowdin, np.eye(2), atol=1e-14)
    gL, gR = np.diag([0.4, 0.0]), np.diag([0.0, 0.3])          # in the SIESTA basis
    jn = data.junction(gamma_L=data.to_model_basis(gL), gamma_R=data.to_model_basis(gR),
                       gamma_ph=0.01)
    H0, he = content["H0"][0], content["He_ph"][0, 0]
    for E in (-0.4, 0.0, 0.25):
        G = np.linalg.inv(E * S - H0 + 0.5j * (gL + gR))          # non-orthogonal route
        t_no = np.trace(gL @ G @ gR @ G.conj().T).real
        assert float(symehp.transmission(jn, E)) == pytest.approx(t_no, rel=1e-12)
        A = G @ (gL + gR) @ G.conj().T
        Gm = np.linalg.inv(E * np.eye(2) - data.H + 0.5j * data.to_model_basis(gL + gR))
        Am = Gm @ data.to_model_basis(gL + gR) @ Gm.conj().T
        assert np.trace(data.He_ph[0] @ Am @ data.He_ph[0] @ Am).real == pytest.approx(
            np.trace(he @ A @ he @ A).real, rel=1e-12)
    with pytest.raises(ModelError, match="not orthogonal"):
        read_inelastica(path, orthogonalize=False)


def test_kpoint_spin_and_single_precision(tmp_path):
    content = make_content(nspin=2, gamma=False)
    path = tmp_path / "PH.nc"
    write_nc4(path, content)
    with pytest.raises(ParameterError, match="nspin = 2"):
        read_inelastica(path)
    data = read_inelastica(path, spin=1)
    assert data.spin == 1 and data.spin_degeneracy == 1 and not data.gamma_point
    np.testing.assert_allclose(data.He_ph, content["He_ph"][:2, 1], rtol=1e-15)
    np.testing.assert_allclose(data.H, content["H0"][1], rtol=1e-15)
    jn = data.junction(gamma_L=np.diag([0.2, 0]), gamma_R=np.diag([0, 0.2]), gamma_ph=0.01)
    assert jn.spin_degeneracy == 1 and jn.K == 2
    path32 = tmp_path / "PH32.nc"
    write_nc4(path32, content, single=True)
    data32 = read_inelastica(path32, spin=0)
    np.testing.assert_allclose(data32.He_ph, content["He_ph"][:2, 0], rtol=1e-6)


def test_classic_netcdf3_reads_the_same(tmp_path):
    from scipy.io import netcdf_file

    content = make_content()
    p3, p4 = tmp_path / "PH3.nc", tmp_path / "PH4.nc"
    write_nc4(p4, content)
    with netcdf_file(p3, "w") as f:
        f.createDimension("modes", len(HW))
        f.createDimension("nspin", 1)
        f.createDimension("norb", NORB)
        v = f.createVariable("hw", "d", ("modes",))
        v[:] = HW
        v.unit = "eV"
        v = f.createVariable("H0", "d", ("nspin", "norb", "norb"))
        v[:] = content["H0"]
        v = f.createVariable("He_ph", "d", ("modes", "nspin", "norb", "norb"))
        v[:] = content["He_ph"]
        v.unit = "eV"
    a, b = read_inelastica(p3), read_inelastica(p4)
    np.testing.assert_array_equal(a.M, b.M)
    np.testing.assert_array_equal(a.H, b.H)


def test_missing_and_malformed_variables(tmp_path):
    content = make_content()
    for name in ("He_ph", "hw"):
        path = tmp_path / f"no_{name}.nc"
        write_nc4(path, content, drop=(name,))
        with pytest.raises(ModelError, match=f"variable '{name}'"):
            read_inelastica(path)
    path = tmp_path / "no_H0.nc"
    write_nc4(path, content, drop=("H0",))
    data = read_inelastica(path)
    assert data.H is None
    with pytest.raises(ModelError, match="'H0'"):
        data.junction(gamma_L=np.eye(2), gamma_R=np.eye(2), gamma_ph=0.01)
    path = tmp_path / "unit.nc"
    write_nc4(path, content, units={"hw": "meV"})
    with pytest.raises(ModelError, match="'hw' has unit 'meV'"):
        read_inelastica(path)
    path = tmp_path / "shape.nc"
    write_nc4(path, content, drop=("H0",))
    with h5netcdf.File(path, "a") as f:              # H0 with a dimension missing
        f.create_variable("H0", ("nspin", "norb"), "f8")[...] = np.zeros((1, NORB))
    with pytest.raises(ModelError, match="'H0' has shape"):
        read_inelastica(path)
    junk = tmp_path / "junk.nc"
    junk.write_bytes(b"not a netcdf file")
    with pytest.raises(ModelError, match="not a NetCDF file"):
        read_inelastica(junk)
    with pytest.raises(ParameterError, match="energy_unit"):
        read_inelastica(tmp_path / "no_H0.nc", energy_unit="furlong")
    with pytest.raises(ParameterError, match="omega"):
        coupling_to_M(np.eye(2), 0.0)
