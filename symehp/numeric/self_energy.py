"""The electrons' retarded self-energy of the bosonic modes, per EHP channel (lowest order).

The electron-hole bubble of ``H_es = sum_k u_k c^+ M^k c`` (Eq. 1), with the sign and
normalization of ``D^r = [omega^2 - diag(Omega^2) - Pi^r_ph - Pi^r]^-1``
(docs/conventions.md): ``Pi^r_mn(t) = -i theta(t) <[X_m(t), X_n]>``.  Per channel
``(a, b)`` (electron in ``a`` at ``e``, hole in ``b`` at ``e - omega``)::

    Pi^r_ab,mn(w) = int de/2pi { f_b(e - w) tr[M^m g^r_a(e) M^n A_b(e - w)]
                                + f_a(e)     tr[M^m A_a(e) M^n g^a_b(e - w)] },

with ``g^r_a(e) = int de'/2pi A_a(e') / (e - e' + i0)`` the part of ``G^r`` fed by
electrode ``a`` (``g^r_L + g^r_R = G^r``, ``A_a = i (g^r_a - g^a_a)``).  Summed over
the channels it is ``-i int de/2pi tr[M^m G^r M^n G^< + M^m G^< M^n G^a]``.

* Its anti-Hermitian part is the EHP DOS of Eq. (7), channel by channel, exactly:
  ``i (Pi^r_ab - Pi^r_ab^+) = Lambda^{ab}`` (the electronic damping, as
  ``i (Pi^r_ph - Pi^a_ph) = 2 omega gamma_ph``).
* Its Hermitian part is the Kramers-Kronig transform of ``Lambda``:
  ``Pi^r_ab(w) = int dw'/2pi Lambda^{ab}(w') / (w - w' + i0)`` (no constant: ``Pi^r``
  vanishes as ``|w| -> inf``).
* ``Pi^r(-w) = conj Pi^r(w)`` for the sum over the channels (a real response in time).
* Each term has a single Fermi function, so the closed form holds at any two
  electrode temperatures: wide-band leads give ``A_a = sum_p W^a_p / (e - p)`` over
  both pole families and ``g^r_a = -i sum_{Im p < 0} W^a_p / (e - p)``
  (:mod:`.poles`), and every term is a first divided difference of the Fermi
  primitive ``Phi`` (:mod:`.fermi_integrals`).  The pair sums are contracted with the
  pole-basis couplings (:meth:`.poles.PoleExpansion.contract`): no K x K x P x P
  array.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
from numpy.typing import ArrayLike

from ..ehp import CHANNELS, channel as _channel
from ..errors import ModelError, ParameterError
from ..model import Junction, NumericJunction
from .backends import check_dps, resolve
from .fermi_integrals import divided_difference
from .poles import pole_expansion
from ._args import numeric_model, spectrum_arguments

__all__ = ["ehp_self_energy"]

_TWO_PI = 2 * np.pi
#: complex pair values held at once (points x P x P): 2^22 numbers, 64 MiB
_BLOCK = 2 ** 22


def _expansion(numeric, backend="numpy", dps=None):
    """The pole expansion; every level must be broadened (no bound state)."""
    expansion = pole_expansion(numeric, backend=backend, dps=dps)
    if len(expansion.poles) != 2 * numeric.N:
        raise ModelError(
            "H - i(gamma_L + gamma_R)/2 has a real eigenvalue: a level (or combination) is "
            "decoupled from both electrodes, so its occupation is not fixed by the leads and the "
            "electrons' self-energy of the modes is undefined; couple every level to a lead")
    return expansion


def channel_self_energy(expansion, key, omega, mu_a, mu_b, T_a, T_b):
    """Closed form of ``Pi^r_ab(omega)``, shape ``broadcast.shape + (K, K)`` (no checks).

    Term 1, ``int dx/2pi f_b(x) tr[M g^r_a(x + w) M A_b(x)]``: pairs (``z_j`` lower,
    ``q`` any) with ``-i [Phi_b(z_j - w) - Phi_b(q)] / (z_j - w - q)``; term 2,
    ``int de/2pi f_a(e) tr[M A_a(e) M g^a_b(e - w)]``: pairs (``p`` any, ``conj z_k``
    upper) with ``+i [Phi_a(p) - Phi_a(w + conj z_k)] / (p - w - conj z_k)``.
    """
    poles, fam = expansion.poles, expansion.family
    half = poles.size // 2
    lower, upper = poles[:half], poles[half:]
    args = np.broadcast_arrays(*(np.asarray(a, float) for a in (omega, mu_a, mu_b, T_a, T_b)))
    shape = args[0].shape
    flat = [a.ravel() for a in args]
    k = expansion.K
    out = np.empty((flat[0].size, k, k), dtype=complex)
    # the pair values of a block of points, (points, P, P): at most _BLOCK numbers at once
    block = max(1, _BLOCK // (poles.size * poles.size))
    for start in range(0, flat[0].size, block):
        w, m_a, m_b, t_a, t_b = (a[start:start + block, None, None] for a in flat)
        x = np.zeros((w.shape[0], poles.size, poles.size), dtype=complex)
        x[:, :half, :] = -1j * divided_difference(lower[:, None] - w, poles[None, :], m_b, t_b,
                                                  -1.0, fam[None, :])
        x[:, :, half:] += 1j * divided_difference(poles[:, None], w + upper[None, :], m_a, t_a,
                                                  fam[:, None], 1.0)
        out[start:start + block] = expansion.contract(*key, x) / _TWO_PI
    return out.reshape(shape + (k, k))


def _self_energy_mp(numeric, ch, omega, mu_L, mu_R, T_L, T_R, dps):
    """One point at ``dps`` digits: the same closed form with mpmath (Arb's digamma)."""
    from .mp.spectra import GUARD, _first, _phi
    with mp.workdps(dps + GUARD):
        expansion = _expansion(numeric, backend="mpmath", dps=mp.mp.dps)
        w = mp.mpf(omega)
        mus = {"L": mp.mpf(mu_L), "R": mp.mpf(mu_R)}
        temps = {"L": mp.mpf(T_L), "R": mp.mpf(T_R)}
        mu_a, mu_b, t_a, t_b = mus[ch.alpha], mus[ch.beta], temps[ch.alpha], temps[ch.beta]
        poles, family = expansion.poles, [int(s) for s in expansion.family]
        tiny = mp.mpf(10) ** (-(dps + GUARD // 2))
        k = expansion.K
        out = np.full((k, k), mp.mpc(0), dtype=object)

        def first(x, y, mu, T, s_x, s_y):
            if s_x == s_y:
                return _first(x, y, mu, T, s_x, tiny)
            return (_phi(x, mu, T, s_x) - _phi(y, mu, T, s_y)) / (x - y)

        for ip, iq, tr in expansion.nonzero_traces[(ch.alpha, ch.beta)]:
            term = mp.mpc(0)
            if family[ip] < 0:
                term -= 1j * first(poles[ip] - w, poles[iq], mu_b, t_b, -1, family[iq])
            if family[iq] > 0:
                term += 1j * first(poles[ip], w + poles[iq], mu_a, t_a, family[ip], 1)
            out += tr * term
        return [[+(out[m, n] / (2 * mp.pi)) for n in range(k)] for m in range(k)]


def ehp_self_energy(model: Junction | NumericJunction, channel: str | int, omega: ArrayLike, *,
                    mu_L: ArrayLike, mu_R: ArrayLike, T_e: ArrayLike | None = None,
                    T_L: ArrayLike | None = None, T_R: ArrayLike | None = None,
                    dps: int | None = None, backend: str = "auto") -> np.ndarray:
    """Retarded self-energy ``Pi^r_ab,mn(omega)`` of the modes from one EHP channel.

    ``i (Pi^r_ab - Pi^r_ab^+) = Lambda^{ab}`` of Eq. (7) exactly (:func:`symehp.ehp_dos`,
    the electronic damping) and the Hermitian part is its Kramers-Kronig transform;
    the sum over the four channels is the electrons' self-energy in ``D^r = [omega^2 -
    diag(Omega^2) - Pi^r_ph - Pi^r]^-1`` (module docstring).  Lowest order (the
    electron-hole bubble), any two electrode temperatures.  Wide-band leads: the closed
    form; energy-dependent leads (:mod:`symehp.leads`): the Kramers-Kronig transform of
    ``Lambda`` by quadrature (:mod:`.lead_self_energy`, ``rtol`` 1e-9; its
    :func:`~.lead_self_energy.lead_self_energy` also returns an error estimate).

    Parameters
    ----------
    model : Junction
        A numeric model; every level must be broadened by a lead.
    channel : str or int
        ``"LL"``, ``"RR"``, ``"RL"``, ``"LR"`` or the paper's label 1-4 (as for the
        spectra), or ``"total"`` for the sum over the four.
    omega : array_like
        Boson frequency (energy units; any real value).
    mu_L, mu_R : array_like
        Electrode chemical potentials (``eV = mu_L - mu_R``).
    T_e, T_L, T_R : array_like
        Electron temperature(s), ``>= 0``: ``T_e`` for both electrodes, or ``T_L``
        and ``T_R`` (:mod:`symehp.conditions`).
    dps : int, optional
        Decimal digits: the same closed form in mpmath (an object array of
        ``mpmath.mpc``); slow, for single points and references.
    backend : {"auto", "numpy", "numba"}
        The double-precision engine (checked; the closed form is NumPy either way).

    Returns
    -------
    ndarray, complex, shape ``broadcast(omega, mu_L, mu_R, T).shape + (K, K)``
        Units of ``Lambda`` (a squared frequency for mass-weighted modes: coupling^2
        per energy), times the model's spin degeneracy like every spectrum.
    """
    from .lead_spectra import has_energy_dependent_leads
    if has_energy_dependent_leads(model):
        from .lead_self_energy import public_self_energy     # the Kramers-Kronig route
        return public_self_energy(model, channel, omega, mu_L, mu_R, T_e, T_L, T_R, dps,
                                  backend)
    numeric = numeric_model(model)
    total = isinstance(channel, str) and channel == "total"
    chans = list(CHANNELS) if total else [_channel(channel)]
    dps = check_dps(dps)
    resolve(backend, dps)
    omega, mu_L, mu_R, T_L, T_R = spectrum_arguments(omega, mu_L, mu_R, T_e, T_L, T_R)
    k = numeric.K
    if dps is not None:
        _expansion(numeric)                    # the model check, in double precision
        out = np.empty(omega.shape + (k, k), dtype=object)
        for idx in np.ndindex(omega.shape):
            acc = [[mp.mpc(0)] * k for _ in range(k)]
            for ch in chans:
                part = _self_energy_mp(numeric, ch, *(float(a[idx]) for a in
                                                      (omega, mu_L, mu_R, T_L, T_R)), dps)
                acc = [[acc[m][n] + part[m][n] for n in range(k)] for m in range(k)]
            for m in range(k):
                for n in range(k):
                    out[idx + (m, n)] = acc[m][n]
        return out
    expansion = _expansion(numeric)
    mus, temps = {"L": mu_L, "R": mu_R}, {"L": T_L, "R": T_R}
    out = np.zeros(omega.shape + (k, k), dtype=complex)
    for ch in chans:
        key = (ch.alpha, ch.beta)
        if expansion.coupled(*key):
            out += channel_self_energy(expansion, key, omega, mus[ch.alpha], mus[ch.beta],
                                       temps[ch.alpha], temps[ch.beta])
    return out
