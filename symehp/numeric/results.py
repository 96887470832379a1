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
