"""Models and references shared by the test modules (imported as ``_shared``)."""

import mpmath as mp
import numpy as np

import symehp

# 3 levels, 2 modes: hopping, non-diagonal (complex) broadenings and couplings
H3 = np.array([[0.55, 0.12, 0.0],
               [0.12, 0.05, 0.08 - 0.03j],
               [0.0, 0.08 + 0.03j, -0.45]])
_VL = np.array([0.45, 0.15, 0.05j])
_VR = np.array([0.05, 0.15j, 0.45])
GL3 = np.outer(_VL, _VL.conj()) + np.diag([0.02, 0.01, 0.0])
GR3 = np.outer(_VR, _VR.conj()) + np.diag([0.0, 0.01, 0.02])
M3 = np.array([[[0.03, 0.1 + 0.04j, 0.02],
                [0.1 - 0.04j, -0.02, 0.05j],
                [0.02, -0.05j, 0.04]],
               [[-0.02, 0.03j, 0.08],
                [-0.03j, 0.05, 0.06 - 0.02j],
                [0.08, 0.06 + 0.02j, 0.01]]])
OM3 = np.array([0.7, 1.1])
GPH3 = np.array([0.04, 0.06])


def three_level_model():
    return symehp.Junction(H3, GL3, GR3, list(M3), list(OM3), list(GPH3))


def three_level_simple():
    """3 levels, 2 modes: hopping, non-diagonal gamma_L, complex Hermitian M^1."""
    return symehp.Junction(
        H=[[0.5, 0.1, 0], [0.1, -0.4, 0.05], [0, 0.05, 0.1]],
        gamma_L=[[0.2, 0.05, 0], [0.05, 0.1, 0], [0, 0, 0]],
        gamma_R=[[0, 0, 0], [0, 0.05, 0], [0, 0, 0.3]],
        M=[[[0, 0.1, 0.02], [0.1, 0, 0], [0.02, 0, 0.05]],
           [[0.03, 0, 0.1j], [0, 0, 0.04], [-0.1j, 0.04, 0]]],
        omega=[1.0, 0.7], gamma_ph=[0.05, 0.02])


def fermi_mp(x, T):
    """Fermi function in mpmath, exact tails; the step (1/2 at 0) at T = 0."""
    if T == 0:
        return mp.mpf(1) if x < 0 else (mp.mpf(0) if x > 0 else mp.mpf(1) / 2)
    y = x / T
    if y > 0:
        e = mp.exp(-y)
        return e / (1 + e)
    return 1 / (1 + mp.exp(y))


#: 3 levels with hopping (complex), non-diagonal Gamma_L, two modes with complex M
THREE_LEVEL_B = dict(
    H=np.array([[0.4, 0.15, 0.05j], [0.15, -0.3, 0.1], [-0.05j, 0.1, 0.1]]),
    gamma_L=np.array([[0.2, 0.08, 0.0], [0.08, 0.1, 0.0], [0.0, 0.0, 0.0]]),
    gamma_R=np.diag([0.0, 0.05, 0.25]),
    M=[np.array([[0.1, 0.05 - 0.02j, 0], [0.05 + 0.02j, -0.05, 0.03], [0, 0.03, 0.02]]),
       np.array([[0, 0.04j, 0.06], [-0.04j, 0.02, 0], [0.06, 0, -0.03]])],
    omega=[1.0, 1.2], gamma_ph=[0.01, 0.02])
