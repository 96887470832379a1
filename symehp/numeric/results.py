"""What the currents of Eq. (8) return: per-channel mappings and the result record.

Shared by every engine (:mod:`symehp.numeric.currents` for double precision, NumPy or numba;
:mod:`.mp.currents` for mpmath), so neither imports the other for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ehp import CHANNELS

__all__ = ["ChannelMapping", "TransportResult", "RTOL", "PROMISED_RTOL", "CHANNEL_FLOOR"]

#: default relative tolerance of the frequency integral ...
RTOL = 1e-10
#: ... and the accuracy it promises: with the default rtol, a warning only below this
PROMISED_RTOL = 1e-8
#: each channel's part of a current is controlled to rtol of its own size, but never
#: tighter than rtol times this share of the largest channel (a channel 1e-6 of the
#: others does not set the accuracy of the total)
CHANNEL_FLOOR = 1e-3


class ChannelMapping(dict):
    """Per-channel values keyed ``"LL"``, ``"RR"``, ``"RL"``, ``"LR"`` (and ``"total"``).

    A :class:`dict` (so a :class:`collections.abc.Mapping`) whose keys are the
    channel names; every look-up normalizes its key through
    :func:`symehp.channel`, so the paper's labels 1-4 and
    :class:`~symehp.Channel` objects work everywhere: ``parts[4]``,
    ``4 in parts``, ``parts.get(4)`` and ``parts[symehp.channel("LR")]`` all mean
    ``"LR"``.  A key that is neither a channel nor ``"total"`` is not in it.
    """

    @staticmethod
    def _normal(key):
        if isinstance(key, str) and key == "total":
            return key
        from ..ehp import channel
        from ..errors import ParameterError
        try:
            return channel(key).name
        except (ParameterError, TypeError):
            return key

    def __getitem__(self, key):
        return super().__getitem__(self._normal(key))

    def __contains__(self, key):
        return super().__contains__(self._normal(key))

    def get(self, key, default=None):
        return super().get(self._normal(key), default)


@dataclass
class TransportResult:
    """Everything one evaluation of Eq. (8) produces, for every broadcast point.

    Attributes
    ----------
    J : ndarray
        Energy current from the electrons into the modes (energy / time).
    J_by_channel : ChannelMapping
        ``J_ab`` per channel and ``"total"``.
    I : ndarray
        Electrons per unit time from L to R.
    I_by_channel : ChannelMapping
        Signed contributions: ``"LR"`` (+ its flow), ``"RL"`` (- its flow),
        ``"LL"`` and ``"RR"`` (zero), and ``"total"``.
    error_J, error_I : ndarray
        Absolute error estimates of the frequency quadrature.
    rtol : float
        Requested relative tolerance, per channel, relative to its own
        currents or to 1e-3 of the gross (unsigned) emission and absorption
        flows if that is larger.
    """

    J: np.ndarray
    J_by_channel: ChannelMapping
    I: np.ndarray
    I_by_channel: ChannelMapping
    error_J: np.ndarray
    error_I: np.ndarray
    rtol: float = field(default=RTOL)

    @classmethod
    def from_flows(cls, values, errors, shape, energy_ref, rtol):
        """The result from the integrated flows of the currents' frequency quadratures.

        ``values`` (P, 6): ``[J_LL, J_RR, J_RL, J_LR, I_RL, I_LR]`` per flat point, the
        particle flows already divided by ``energy_ref`` (the scale they were integrated
        with); ``errors`` (P,): the absolute error of the energy currents (that of the
        particle currents is ``errors / energy_ref``); ``shape``: the broadcast shape.
        ``I_RL`` enters with a minus sign (its electrons flow from R to L).
        """
        values = np.asarray(values).reshape(tuple(shape) + (6,))
        errors = np.asarray(errors).reshape(shape)

        def scalar(x):
            return float(x) if np.ndim(x) == 0 else x

        j_parts = ChannelMapping((ch.name, scalar(values[..., i]))
                                 for i, ch in enumerate(CHANNELS))
        j_parts["total"] = scalar(values[..., :4].sum(axis=-1))
        i_rl, i_lr = values[..., 4], values[..., 5]
        zero = np.zeros(shape)
        i_parts = ChannelMapping(LL=scalar(zero), RR=scalar(zero), RL=scalar(-i_rl),
                                 LR=scalar(i_lr), total=scalar(i_lr - i_rl))
        return cls(J=j_parts["total"], J_by_channel=j_parts, I=i_parts["total"],
                   I_by_channel=i_parts, error_J=scalar(errors),
                   error_I=scalar(errors / energy_ref), rtol=rtol)


def tolerances(rtol):
    """``(rtol, warn_rtol)`` of a currents quadrature from the user's ``rtol``.

    ``None`` (the default) aims at :data:`RTOL` and warns only below the promised
    :data:`PROMISED_RTOL`; an ``rtol`` given explicitly warns whenever it is missed
    (``warn_rtol = None``).  Checked: a float in ``[1e-14, 1)``."""
    from ._args import check_rtol
    warn_rtol = None
    if rtol is None:
        rtol, warn_rtol = RTOL, PROMISED_RTOL
    check_rtol(rtol, 1e-14)
    return rtol, warn_rtol
