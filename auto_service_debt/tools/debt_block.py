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


def evaluate_block(position, policy, amount=0.0, prepayment_paid=None, extra_reasons=(), digits=2,
                   chain=None):
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
    :param dict chain: when overdue debt elsewhere in the chain blocks here, the totals of
        the customer in the other companies (``overdue_amount``, ``overdue_count``,
        ``overdue_days``), judged by the same allowed days and amount as the debt here.
    :returns: an empty list when the customer may be served; else codes among
        ``always``, ``credit_limit``, ``overdue_days``, ``overdue_amount``,
        ``chain_overdue_days``, ``chain_overdue_amount``, ``prepayment``, ``extra``
        with the figures that explain them.
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
    if chain and chain.get("overdue_count"):
        chain_amount = chain.get("overdue_amount", 0.0)
        chain_days = chain.get("overdue_days", 0)
        if chain_amount > 0 and chain_days > max_days:
            reasons.append(("chain_overdue_days", {
                "days": chain_days, "max_days": max_days, "overdue_amount": chain_amount,
            }))
        if max_amount > 0 and chain_amount > max_amount:
            reasons.append(("chain_overdue_amount", {
                "overdue_amount": chain_amount, "max_amount": max_amount,
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


def prepayment_applies(policy, amount):
    """Whether :func:`evaluate_block` can ask a prepayment of ``amount`` under ``policy``
    (else the amount already paid does not matter)."""
    return (
        (policy.get("mode") or MODE_AUTO) != MODE_NEVER
        and (policy.get("prepayment_percent") or 0.0) > 0
        and amount > 0
    )


class DeferredAmounts:
    """Amounts of a batch of documents fetched by one call ``fetch(keys) -> {key: amount}``
    only when, and only for the keys for which, they are needed (e.g. the prepayment
    paid, which matters only when the customer's policy asks a prepayment)."""

    __slots__ = ("fetch",)

    def __init__(self, fetch):
        self.fetch = fetch

    def __call__(self, key):
        return DeferredAmount(self, key)


class DeferredAmount:
    """The amount of ``key`` in a :class:`DeferredAmounts` batch (missing keys: 0)."""

    __slots__ = ("batch", "key")

    def __init__(self, batch, key):
        self.batch = batch
        self.key = key


def resolve_deferred(paids, needed):
    """Replace the :class:`DeferredAmount` of ``paids`` by their amounts, one fetch per
    batch for the keys whose ``needed`` flag is true; the others get 0.0."""
    keys = {}
    for paid, need in zip(paids, needed, strict=True):
        if need and isinstance(paid, DeferredAmount):
            keys.setdefault(paid.batch, set()).add(paid.key)
    fetched = {batch: batch.fetch(list(batch_keys)) for batch, batch_keys in keys.items()}
    return [
        (fetched.get(paid.batch) or {}).get(paid.key, 0.0) if isinstance(paid, DeferredAmount) else paid
        for paid in paids
    ]
