"""A certified enclosure of a real number: what ``certify=True`` returns.

An :class:`Interval` is a closed real interval ``[lower, upper]`` that provably
contains one exact value (e.g. the Eq. (8) energy current of a model as given:
docs/conventions.md, "Certified enclosures").  It wraps an Arb ball
(``flint.arb``, midpoint and radius) and exposes its bounds as exact
``mpmath.mpf`` numbers: ``lower <= x <= upper`` holds for the exact value
``x``, with no rounding left between the two.
"""

from __future__ import annotations

import math

import mpmath as mp

__all__ = ["Interval"]


def _man_exp(value):
    """Mantissa and exponent (Python ints) of an exactly representable ``flint.arb``."""
    man, exp = value.man_exp()
    return int(man), int(exp)


def _exact(man, exp):
    """``man * 2**exp`` as the exact ``mpmath.mpf``."""
    with mp.workprec(max(53, abs(man).bit_length() + 1)):
        return mp.mpf((man, exp))


def _endpoint(ball, sign):
    """``mid + sign * rad`` of a ``flint.arb``, exactly (integer arithmetic)."""
    m1, e1 = _man_exp(ball.mid())
    m2, e2 = _man_exp(ball.rad())
    e = min(e1, e2)
    return _exact((m1 << (e1 - e)) + sign * (m2 << (e2 - e)), e)


class Interval:
    """``[lower, upper]``, a rigorous enclosure of one real value.

    Its attributes, all exact ``mpmath.mpf``: ``lower`` and ``upper``, the bounds
    (``lower <= exact value <= upper``); ``mid`` and ``rad``, Arb's own midpoint and
    radius (``[mid - rad, mid + rad]`` is the same set); ``width = upper - lower``.
    Further: ``relative_width`` (``width / |mid|``, a float; inf when ``mid == 0``),
    ``x in interval`` for a number ``x`` (float, int, str, ``mpmath.mpf``, or an
    :class:`Interval`, which must lie inside), ``float(interval)`` (the midpoint),
    ``+``, ``-`` with another Interval or a number (the enclosure of the sum),
    ``ball``: the ``flint.arb``.
    """

    __slots__ = ("ball",)

    def __init__(self, ball):
        import flint
        if isinstance(ball, Interval):
            ball = ball.ball
        if isinstance(ball, flint.acb):
            ball = ball.real
        if not isinstance(ball, flint.arb):
            raise TypeError(f"Interval wraps a flint.arb, got {type(ball).__name__}")
        self.ball = ball

    @property
    def lower(self):
        return _endpoint(self.ball, -1)

    @property
    def upper(self):
        return _endpoint(self.ball, 1)

    @property
    def mid(self):
        return _exact(*_man_exp(self.ball.mid()))

    @property
    def rad(self):
        return _exact(*_man_exp(self.ball.rad()))

    @property
    def width(self):
        rad = self.rad
        with mp.workprec(max(53, int(rad.man).bit_length() + 2)):
            return 2 * rad                        # exact

    @property
    def relative_width(self) -> float:
        mid = abs(float(self.mid))
        if mid == 0.0:
            return float("inf")
        return 2.0 * float(self.rad) / mid

    def is_finite(self) -> bool:
        return bool(self.ball.is_finite())

    def __contains__(self, value) -> bool:
        import flint
        if isinstance(value, Interval):
            inner = value.ball
        elif isinstance(value, flint.arb):
            inner = value
        else:
            inner = _as_arb(value, extra_bits=max(0, -_man_exp(self.ball.rad())[1]))
        return bool(self.ball.contains(inner))

    def __float__(self):
        return float(self.mid)

    def _other(self, other):
        return other.ball if isinstance(other, Interval) else _as_arb(other)

    def __add__(self, other):
        return Interval(self.ball + self._other(other))

    __radd__ = __add__

    def __sub__(self, other):
        return Interval(self.ball - self._other(other))

    def __rsub__(self, other):
        return Interval(self._other(other) - self.ball)

    def __neg__(self):
        return Interval(-self.ball)

    def __repr__(self):
        if not self.is_finite():
            return "Interval(not finite)"
        rel = self.relative_width
        if rel == float("inf"):                        # centred at 0
            return f"Interval([{mp.nstr(self.lower, 6)}, {mp.nstr(self.upper, 6)}])"
        digits = max(3, min(60, int(-math.log10(max(rel, 1e-60))) + 2))
        with mp.workdps(digits + 5):
            return (f"Interval([{mp.nstr(self.lower, digits)}, {mp.nstr(self.upper, digits)}], "
                    f"relative width {self.relative_width:.2g})")


def _as_arb(value, extra_bits=0):
    """A real number as an exact ``flint.arb``; a decimal string as Arb's ball around it,
    parsed at ``extra_bits`` beyond its own digits (far narrower than the Interval)."""
    import flint
    if isinstance(value, bool):
        raise TypeError("cannot compare an Interval with a bool")
    if isinstance(value, int):
        return flint.arb(value)
    if isinstance(value, str):
        # a decimal string: Arb's ball around it at far more bits than it has digits
        ctx = flint.ctx
        saved = ctx.prec
        ctx.prec = max(ctx.prec, 8 * len(value) + 64 + extra_bits)
        try:
            return flint.arb(value)
        finally:
            ctx.prec = saved
    if isinstance(value, float):
        with mp.workprec(53):
            value = mp.mpf(value)
    if isinstance(value, mp.mpf):
        sign, man, exp, _ = value._mpf_
        return flint.arb((-int(man) if sign else int(man), int(exp)))
    raise TypeError(f"cannot compare an Interval with {type(value).__name__}")
