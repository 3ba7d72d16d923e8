"""Installment schedules: plain dates and amounts, no ORM.

Amounts are handled as ``Decimal`` rounded to the currency's decimal places so that a
schedule always sums to its total to the cent; callers pass and get back floats.
"""

from datetime import timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

WEEKS = "weeks"
MONTHS = "months"


def _quantum(digits):
    return Decimal(1).scaleb(-digits)


def to_decimal(amount, digits=2):
    """``amount`` (float, int, str or Decimal) rounded half-up to ``digits`` places."""
    return Decimal(str(amount)).quantize(_quantum(digits), rounding=ROUND_HALF_UP)


def due_dates(first_due_date, count, interval=MONTHS, step=1):
    """``count`` due dates starting at ``first_due_date``, every ``step`` weeks or months.

    Months are counted from the first date, not from the previous one, so that a
    schedule starting on 31 January falls on the last day of shorter months and goes
    back to the 31st when the month has one: 31 Jan, 28/29 Feb, 31 Mar, 30 Apr ...
    """
    if count <= 0:
        return []
    if interval == WEEKS:
        return [first_due_date + timedelta(weeks=step * i) for i in range(count)]
    if interval == MONTHS:
        return [first_due_date + relativedelta(months=step * i) for i in range(count)]
    raise ValueError(f"unknown interval {interval!r}")


def split_amount(amount, count, digits=2):
    """Split ``amount`` into ``count`` equal parts rounded to ``digits`` places; the last
    part takes the rounding difference so that the parts sum exactly to ``amount``.

    >>> split_amount(100000, 6)
    [16666.67, 16666.67, 16666.67, 16666.67, 16666.67, 16666.65]
    """
    if count <= 0:
        return []
    total = to_decimal(amount, digits)
    part = (total / count).quantize(_quantum(digits), rounding=ROUND_HALF_UP)
    # A part rounded up could leave the last one negative on tiny totals: round down then.
    if part * (count - 1) > total:
        part = (total / count).quantize(_quantum(digits), rounding=ROUND_DOWN)
    parts = [part] * (count - 1) + [total - part * (count - 1)]
    return [float(p) for p in parts]


def generate_schedule(
    total,
    count,
    first_due_date,
    interval=MONTHS,
    step=1,
    down_payment=0.0,
    down_payment_date=None,
    digits=2,
):
    """Schedule of a plan as a list of ``(due_date, amount, is_down_payment)``.

    The down payment (if any) comes first on ``down_payment_date``; the rest of ``total``
    is split into ``count`` equal installments from ``first_due_date`` on, the rounding
    difference on the last one. Raises ``ValueError`` on impossible input.
    """
    total_d = to_decimal(total, digits)
    down_d = to_decimal(down_payment or 0.0, digits)
    if total_d <= 0:
        raise ValueError("the total must be positive")
    if count <= 0:
        raise ValueError("the number of installments must be positive")
    if down_d < 0:
        raise ValueError("the down payment cannot be negative")
    if down_d >= total_d:
        raise ValueError("the down payment must be less than the total")
    rest = total_d - down_d
    if rest < _quantum(digits) * count:
        raise ValueError("the amount is too small for that many installments")
    lines = []
    if down_d:
        lines.append((down_payment_date or first_due_date, float(down_d), True))
    dates = due_dates(first_due_date, count, interval, step)
    for due, amount in zip(dates, split_amount(rest, count, digits), strict=True):
        lines.append((due, amount, False))
    return lines


def allocate(paid, amounts, digits=2):
    """Allocate ``paid`` to installments ``amounts`` (in due-date order), earliest first.

    Returns the paid part of each installment; anything paid beyond the total is put on
    the last one so that no payment disappears.
    """
    remaining = to_decimal(max(paid, 0.0), digits)
    result = []
    for amount in amounts:
        amount_d = to_decimal(amount, digits)
        take = min(amount_d, remaining)
        result.append(take)
        remaining -= take
    if result and remaining > 0:
        result[-1] += remaining
    return [float(r) for r in result]


def schedule_errors(lines, total, digits=2):
    """Problems of an edited schedule ``lines`` = ``[(due_date, amount), ...]`` in their
    order against ``total``, as ``(code, index, value)`` tuples (empty when valid).

    Codes: ``empty``; ``amount`` (a line not positive); ``order`` (a due date not after the
    previous one); ``sum`` (``value`` = total minus the sum of the lines).
    """
    errors = []
    if not lines:
        return [("empty", None, None)]
    previous = None
    for index, (due, amount) in enumerate(lines):
        if to_decimal(amount, digits) <= 0:
            errors.append(("amount", index, amount))
        if due and previous and due <= previous:
            errors.append(("order", index, due))
        previous = due or previous
    difference = to_decimal(total, digits) - sum(to_decimal(a, digits) for _d, a in lines)
    if difference:
        errors.append(("sum", None, float(difference)))
    return errors
