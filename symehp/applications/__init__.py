"""The paper's applications as functions on junction models.

* :mod:`.rectification` - non-reciprocal heat flow between electrons and phonons
* :mod:`.cold_spot`     - electric current driven by a cold (or hot) spot (Fig. 3)
* :mod:`.heating`       - bias-driven heating, cooling and instability of a mode (Fig. 2)
* :mod:`.two_modes`     - Eq. (9) dynamics and the current-induced exceptional point (Fig. 4)
* :mod:`.eq9`           - Eq. (9) from a junction model: the effective dynamical matrix
                          and its coefficients, the bias-induced inter-mode coupling
* :mod:`.instability`   - the growth rate of the least stable mode on a (bias, parameter) grid
* :mod:`.mode_coupling` - former home of :mod:`.eq9` (kept importable)
"""

from .cold_spot import ColdSpot, cold_spot
from .heating import BiasResponse, bias_response, fig2_model, instability_bias
from .eq9 import bias_induced_coupling, eq9_coefficients, paper_a
from .instability import instability_map
from .mode_coupling import electronic_self_energy
from .rectification import Rectification, rectification
from .two_modes import ExceptionalPoint, TwoModeDynamics, exceptional_point, two_mode_dynamics

__all__ = ["rectification", "Rectification", "cold_spot", "ColdSpot", "bias_response",
           "BiasResponse", "instability_bias", "fig2_model", "two_mode_dynamics",
           "TwoModeDynamics", "exceptional_point", "ExceptionalPoint", "electronic_self_energy",
           "bias_induced_coupling", "eq9_coefficients", "paper_a", "instability_map"]
