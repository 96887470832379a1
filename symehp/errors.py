"""Exceptions raised by symehp.

Every error names the argument or the physical condition at fault, so that a
user can fix the input without reading the source.
"""


class SymehpError(Exception):
    """Base class of all symehp errors."""


class ModelError(SymehpError, ValueError):
    """A model argument (matrix, frequency, damping) is malformed."""


class ParameterError(SymehpError, ValueError):
    """A numeric argument (temperature, chemical potential, channel) is invalid."""


class ModeInstabilityError(SymehpError, ArithmeticError):
    """The total damping of a mode is not positive: the current drives it unstable.

    At the paper's lowest order the occupation of a mode is the ratio of an
    emission rate to a total damping rate.  When the bias makes the damping
    ``sum_ab Lambda^{ab}_kk(Omega_k) + Gamma_ph,kk(Omega_k)`` zero or negative
    there is no steady state: the mode grows without bound (runaway).  symehp
    reports this instead of returning a meaningless occupation.
    """

    def __init__(self, message, *, mode=None, damping=None, where=None):
        super().__init__(message)
        self.mode = mode
        self.damping = damping
        self.where = where


class ValidityWarning(UserWarning):
    """A result lies outside the regime where the paper's lowest-order theory holds.

    Lowest-order (Eq. 8) theory assumes the electronic damping of each mode is
    small compared to its frequency: the electrons neither shift nor broaden
    the mode propagator ``D^r`` and the baths are sampled at ``Omega_k``.
    :func:`symehp.mode_occupation` issues this warning when the electronic
    linewidth ``gamma_e,k = |sum_ab Lambda^{ab}_kk(Omega_k)| / (2 Omega_k)`` (the
    analogue of ``gamma_ph``) exceeds ``Omega_k`` (quality factor below 1):
    the numbers are then those of the formula, not of the physical system.
    A warning, not an error: filter it with ``warnings.filterwarnings("ignore",
    category=symehp.ValidityWarning)`` when exploring such models deliberately.
    """


class ProofError(SymehpError, AssertionError):
    """A symbolic identity did not reduce to zero.

    Raised by the checks in :mod:`symehp.verify`.  ``residual`` holds what SymPy
    was left with, ``proof_name`` the identity that failed.
    """

    def __init__(self, message, *, proof_name=None, residual=None):
        super().__init__(message)
        self.proof_name = proof_name
        self.residual = residual
