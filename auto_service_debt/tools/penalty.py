"""Late-payment penalty and statutory interest (Civil Code art. 395), period by period.

Pure Python: no ORM, no database. The models gather the inputs in bulk, call
:func:`compute_penalty` and store or print its periods.

Conventions (the same as the published worked examples):

* the first day of delay is the day after the due date; with ``grace_days`` = N the
  first N days of delay are free: counting starts on due date + N + 1, and only if the
  debt is still unpaid then;
* the last day counted is the computation date (inclusive);
* a payment day counts as a day of delay at the old base; the base falls from the next
  day (a payment on or before the day before counting starts lowers the first base);
* periods split at every rate change, every 31 Dec / 1 Jan and every payment;
* key rate (art. 395): amount = base x rate / 100 x days / days-in-year, where
  days-in-year is 365 or 366 for that period's calendar year; the key rate applies from
  2016-08-01 only (earlier periods used other rates and are refused);
* contractual penalty: amount = base x daily percent / 100 x days;
* each period's amount is rounded half-up to 0.01; the total is the sum of the rounded
  periods, so a printed table adds up exactly;
* an optional cap (percent of the principal) limits the penalty of the whole debt,
  including what was already charged before ``from_date``;
* no rate is ever assumed: a day after ``known_until`` or without a rate in the table
  raises :class:`PenaltyRateMissing` naming the missing period.
"""

import bisect
import datetime
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

#: Version of the rules below: stored results computed under another version are
#: recomputed (bump it whenever a change can alter a result).
RULES_VERSION = 1

KIND_KEY_RATE = "key_rate"
KIND_CONTRACT = "contract"
KINDS = (KIND_KEY_RATE, KIND_CONTRACT)

#: First day for which art. 395 refers to the key rate (earlier: average deposit rates).
KEY_RATE_START = datetime.date(2016, 8, 1)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ONE_DAY = datetime.timedelta(days=1)


class PenaltyError(ValueError):
    """Bad input for a penalty computation; the message says what to fix."""


class PenaltyRateMissing(PenaltyError):
    """The rate table does not cover a day of the computation.

    ``date_from``/``date_to`` delimit the days without a known rate.
    """

    def __init__(self, message, date_from, date_to):
        super().__init__(message)
        self.date_from = date_from
        self.date_to = date_to


class PenaltyRateNotApplicable(PenaltyError):
    """The key rate does not apply to the period (before 2016-08-01)."""


@dataclass(frozen=True)
class PenaltyPeriod:
    """One row of the breakdown; ``days_in_year`` is None for a daily percentage."""

    date_from: datetime.date
    date_to: datetime.date
    days: int
    base: Decimal
    rate: Decimal
    days_in_year: int | None
    amount: Decimal

    def as_dict(self):
        return asdict(self)


@dataclass(frozen=True)
class PenaltyResult:
    """Breakdown and totals. ``total`` is capped; ``subtotal`` is the sum of the periods."""

    kind: str
    periods: tuple = field(default_factory=tuple)
    subtotal: Decimal = Decimal("0.00")
    cap_amount: Decimal | None = None
    total: Decimal = Decimal("0.00")

    @property
    def capped(self):
        return self.total < self.subtotal

    @property
    def days(self):
        return sum(p.days for p in self.periods)


def to_decimal(value, name="value"):
    """Exact decimal of an amount or percentage given as str, int, float or Decimal."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        raise PenaltyError(f"{name} must be a number, got {value!r}.")
    if isinstance(value, int | float | str):
        try:
            # str() of a float is its shortest repr: 0.1 stays 0.1, not 0.1000000000000000055
            return Decimal(str(value))
        except ArithmeticError as exc:
            raise PenaltyError(f"{name} must be a number, got {value!r}.") from exc
    raise PenaltyError(f"{name} must be a number, got {value!r}.")


def round_money(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def days_in_year(year):
    return 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365


class RateTable:
    """Key rates ``[(date_from, rate_percent)]`` sorted by date, with their rates as
    exact decimals: build it once and pass it as ``rates`` to many computations."""

    __slots__ = ("dates", "rates", "rows")

    def __init__(self, rates):
        self.rows = tuple(sorted((d, to_decimal(r, "rate")) for d, r in (rates or ())))
        self.dates = [d for d, _rate in self.rows]
        self.rates = [rate for _d, rate in self.rows]

    def __bool__(self):
        return bool(self.rows)

    def at(self, day):
        """Rate in force on ``day``, or None before the first row."""
        index = bisect.bisect_right(self.dates, day)
        return self.rates[index - 1] if index else None

    def changes(self, after, until):
        """Dates of the rows that start in ``]after, until]``."""
        return self.dates[bisect.bisect_right(self.dates, after):bisect.bisect_right(self.dates, until)]

    @property
    def first_date(self):
        return self.dates[0] if self.dates else None


def compute_penalty(
    principal,
    due_date,
    payments,
    date_to,
    kind,
    daily_percent=0,
    cap_percent=0,
    grace_days=0,
    rates=None,
    known_until=None,
    from_date=None,
    already_charged=0,
):
    """Return the :class:`PenaltyResult` of a late debt (conventions: module docstring).

    :param principal: amount due on ``due_date`` (> 0)
    :param due_date: last day to pay without delay
    :param payments: iterable of ``(payment_date, amount)``; they lower the base from
        the day after ``payment_date``
    :param date_to: computation date, the last day counted
    :param kind: ``"key_rate"`` (art. 395) or ``"contract"`` (daily percentage)
    :param daily_percent: contract only, % of the base per day of delay
    :param cap_percent: contract: cap of the whole penalty in % of the principal (0: none)
    :param grace_days: the first N days of delay are free
    :param rates: key_rate only, ``[(date_from, rate_percent)]`` or a :class:`RateTable`
        of them; a rate holds until the day before the next row
    :param known_until: key_rate only, the last day for which the table is known to be
        complete; later days raise :class:`PenaltyRateMissing`
    :param from_date: days up to and including this date were already charged (invoiced
        or waived): counting starts the day after
    :param already_charged: penalty already charged before ``from_date``, counted against
        the cap
    """
    if kind not in KINDS:
        raise PenaltyError(f"Unknown penalty kind {kind!r}: use one of {', '.join(KINDS)}.")
    if not isinstance(due_date, datetime.date) or not isinstance(date_to, datetime.date):
        raise PenaltyError("The due date and the computation date are required dates.")
    principal = to_decimal(principal, "principal")
    if principal <= 0:
        raise PenaltyError(f"The principal must be positive, got {principal}.")
    grace_days = int(grace_days or 0)
    if grace_days < 0:
        raise PenaltyError(f"Grace days cannot be negative, got {grace_days}.")
    cap_percent = to_decimal(cap_percent or 0, "cap percent")
    if cap_percent < 0:
        raise PenaltyError(f"The cap cannot be negative, got {cap_percent} %.")
    already_charged = to_decimal(already_charged or 0, "already charged")
    daily = to_decimal(daily_percent or 0, "daily percent")
    if kind == KIND_CONTRACT and daily <= 0:
        raise PenaltyError(
            f"A contractual penalty needs a positive rate per day, got {daily} %."
        )
    clean_payments = []
    for pay_date, amount in payments or ():
        if not isinstance(pay_date, datetime.date):
            raise PenaltyError(f"A payment needs a date, got {pay_date!r}.")
        amount = to_decimal(amount, "payment amount")
        if amount < 0:
            raise PenaltyError(f"A payment cannot be negative: {amount} on {pay_date}.")
        clean_payments.append((pay_date, amount))
    clean_payments.sort()

    start = due_date + datetime.timedelta(days=grace_days + 1)
    if from_date and from_date >= start:
        start = from_date + ONE_DAY
    cap_amount = round_money(principal * cap_percent / HUNDRED) if cap_percent else None
    if date_to < start:
        return PenaltyResult(kind=kind, cap_amount=cap_amount)

    table = None
    if kind == KIND_KEY_RATE:
        if start < KEY_RATE_START:
            raise PenaltyRateNotApplicable(
                f"Interest under art. 395 for days before {KEY_RATE_START.isoformat()} "
                f"({start.isoformat()} to {min(date_to, KEY_RATE_START - ONE_DAY).isoformat()}) "
                "used other rates (average deposit rates) and is not computed: "
                "compute those days separately."
            )
        if known_until is None or date_to > known_until:
            first = max(start, (known_until + ONE_DAY) if known_until else start)
            raise PenaltyRateMissing(
                f"Key rates are known only up to {known_until.isoformat() if known_until else 'no date'}: "
                f"no rate for {first.isoformat()} to {date_to.isoformat()}. "
                "Add the new key rates or move the 'known up to' date.",
                first,
                date_to,
            )
        table = rates if isinstance(rates, RateTable) else RateTable(rates)
        if table.at(start) is None:
            first_known = table.first_date
            last = min(date_to, first_known - ONE_DAY) if first_known else date_to
            raise PenaltyRateMissing(
                f"No key rate for {start.isoformat()} to {last.isoformat()}: "
                "add the missing key rates.",
                start,
                last,
            )

    # Days on which something changes: the day after a payment, a new rate, 1 January.
    changes = {p_date + ONE_DAY for p_date, _amount in clean_payments}
    if table is not None:
        changes.update(table.changes(start, date_to))
    changes.update(datetime.date(y, 1, 1) for y in range(start.year + 1, date_to.year + 1))
    bounds = sorted(d for d in changes if start < d <= date_to)

    periods = []
    seg_start = start
    for next_change in bounds + [date_to + ONE_DAY]:
        seg_end = next_change - ONE_DAY
        base = principal - sum((a for d, a in clean_payments if d < seg_start), Decimal(0))
        if base > 0:
            days = (seg_end - seg_start).days + 1
            if kind == KIND_KEY_RATE:
                rate = table.at(seg_start)
                year_days = days_in_year(seg_start.year)
                amount = base * rate / HUNDRED * days / year_days
            else:
                rate = daily
                year_days = None
                amount = base * rate / HUNDRED * days
            periods.append(
                PenaltyPeriod(
                    date_from=seg_start,
                    date_to=seg_end,
                    days=days,
                    base=round_money(base),
                    rate=rate,
                    days_in_year=year_days,
                    amount=round_money(amount),
                )
            )
        seg_start = next_change

    subtotal = sum((p.amount for p in periods), Decimal("0.00"))
    total = subtotal
    if cap_amount is not None:
        total = min(subtotal, max(cap_amount - already_charged, Decimal("0.00")))
    return PenaltyResult(
        kind=kind,
        periods=tuple(periods),
        subtotal=subtotal,
        cap_amount=cap_amount,
        total=total,
    )
