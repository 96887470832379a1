"""What the currents of Eq. (8) return: per-channel mappings and the result record.

Shared by every engine (:mod:`.currents` for double precision, NumPy or numba;
:mod:`.precise_currents` for mpmath), so neither imports the other for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ehp import CHANNELS

__all__ = ["ChannelMapping", "TransportResult", "RTOL", "PROMISED_RTOL"]

#: default relative tolerance of the frequency integral ...
RTOL = 1e-10
#: ... and the accuracy it promises: with the default rtol, a warning only below this
PROMISED_RTOL = 1e-8


class ChannelMapping(dict):
    """Per-channel values keyed ``"LL"``, ``"RR"``, ``"RL"``, ``"LR"`` and ``"total"``.

    Also accepts the paper's labels 1-4 as keys.
    """

    def __getitem__(self, key):
        if isinstance(key, int) and not isinstance(key, bool):
            for ch in CHANNELS:
                if ch.label == key:
                    key = ch.name
                    break
        return super().__getitem__(key)


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
