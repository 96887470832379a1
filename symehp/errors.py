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


class ProofError(SymehpError, AssertionError):
    """A symbolic identity did not reduce to zero.

    Raised by the checks in :mod:`symehp.verify`.  ``residual`` holds what SymPy
    was left with, ``proof_name`` the identity that failed.
    """

    def __init__(self, message, *, proof_name=None, residual=None):
        super().__init__(message)
        self.proof_name = proof_name
        self.residual = residual
