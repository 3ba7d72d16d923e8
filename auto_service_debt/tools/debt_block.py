"""The service-block rules as one pure function of plain data (no ORM, no database).

The live check at confirmation, the stored flag refresh and the banners all call
:func:`evaluate_block`, so that a customer is never "blocked" in one place and
"free" in another.
"""

MODE_AUTO = "auto"
MODE_NEVER = "never"
MODE_ALWAYS = "always"


def _round(value, digits=2):
    return round(value + 0.0, digits)


def evaluate_block(position, policy, amount=0.0, prepayment_paid=None, extra_reasons=(), digits=2):
    """Return the reasons why a customer may not get new work, as ``[(code, values)]``.

    :param dict position: a debt position (``debt.position._get_positions``): uses
        ``blocking_exposure``, ``overdue_amount``, ``overdue_count``, ``overdue_days``,
        ``oldest_due_date``.
    :param dict policy: ``mode`` (auto/never/always, falsy = auto), ``block_reason``,
        ``credit_limit`` (0 = no limit), ``max_overdue_days``, ``max_overdue_amount``
        (0 = no amount limit), ``prepayment_percent``.
    :param float amount: the new order, in company currency, added to the exposure.
    :param prepayment_paid: amount already paid for the new order, or ``None`` when the
        document is not subject to prepayment.
    :param extra_reasons: texts of other features (e.g. a defaulted installment plan).
    :returns: an empty list when the customer may be served; else codes among
        ``always``, ``credit_limit``, ``overdue_days``, ``overdue_amount``,
        ``prepayment``, ``extra`` with the figures that explain them.
    """
    mode = policy.get("mode") or MODE_AUTO
    if mode == MODE_NEVER:
        return []
    reasons = []
    if mode == MODE_ALWAYS:
        reasons.append(("always", {"reason": policy.get("block_reason") or ""}))
    exposure = position.get("blocking_exposure", 0.0)
    limit = policy.get("credit_limit") or 0.0
    total = _round(exposure + amount, digits)
    if limit > 0 and total > limit:
        reasons.append(("credit_limit", {
            "exposure": exposure, "amount": amount, "total": total, "limit": limit,
            "excess": _round(total - limit, digits),
        }))
    overdue_amount = position.get("overdue_amount", 0.0)
    overdue_days = position.get("overdue_days", 0)
    max_days = max(policy.get("max_overdue_days") or 0, 0)
    if position.get("overdue_count") and overdue_amount > 0 and overdue_days > max_days:
        reasons.append(("overdue_days", {
            "days": overdue_days, "max_days": max_days,
            "oldest_due_date": position.get("oldest_due_date"), "overdue_amount": overdue_amount,
        }))
    max_amount = policy.get("max_overdue_amount") or 0.0
    if max_amount > 0 and overdue_amount > max_amount:
        reasons.append(("overdue_amount", {
            "overdue_amount": overdue_amount, "max_amount": max_amount,
        }))
    percent = policy.get("prepayment_percent") or 0.0
    if prepayment_paid is not None and percent > 0 and amount > 0:
        required = _round(amount * percent / 100.0, digits)
        if _round(prepayment_paid, digits) < required:
            reasons.append(("prepayment", {
                "percent": percent, "required": required, "paid": _round(prepayment_paid, digits),
                "missing": _round(required - prepayment_paid, digits),
            }))
    reasons.extend(("extra", {"text": text}) for text in extra_reasons or ())
    return reasons


def prepayment_required(amount, percent, digits=2):
    """Share of ``amount`` to be paid before confirmation (0 when no percent)."""
    if not percent or percent <= 0 or amount <= 0:
        return 0.0
    return _round(amount * percent / 100.0, digits)
