"""Payment-discipline score: a pure function of a customer's payment history.

The score starts at 100 and loses points for:
- invoices not paid by their due date (up to 40 points, by share of late invoices);
- the amount-weighted average delay of due invoices (up to 30 points at 60 days or more);
- the age of the debt overdue today (up to 15 points at 90 days or more);
- broken promises to pay (5 points each, up to 10) and defaulted installment plans
  (10 points each, up to 20).
It is clamped to 0..100 and mapped to a grade: A >= 80, B >= 60, C >= 40, D below.
A customer with no invoice due in the window has no score (grade ``False``).
"""

import math
from dataclasses import dataclass
from datetime import date

GRADE_THRESHOLDS = (("A", 80), ("B", 60), ("C", 40), ("D", 0))


@dataclass(frozen=True)
class DueItem:
    """One due line of the window: amount, due date, and the date it was fully paid
    (None while it is still open)."""

    amount: float
    due_date: date
    paid_date: date | None = None


@dataclass(frozen=True)
class Score:
    score: int | None
    grade: str | bool
    on_time_share: float
    weighted_days_late: float
    overdue_days: int
    items: int


def grade_for(score):
    """Grade letter of a score (0..100), ``False`` for no score."""
    if score is None:
        return False
    for grade, threshold in GRADE_THRESHOLDS:
        if score >= threshold:
            return grade
    return "D"


@dataclass(frozen=True)
class ScoreTotals:
    """What the score needs of the due items of the window, summed up (the database
    sums them for thousands of customers at once): items due before ``today`` with a
    positive amount, those paid in full by their due date, their total amount, the sum
    of amount x days late (open items late up to ``today``) and the oldest due date of
    the items still open (None when none)."""

    count: int = 0
    on_time: int = 0
    amount: float = 0.0
    amount_days_late: float = 0.0
    oldest_open: date | None = None


def totals_of(items, today):
    """:class:`ScoreTotals` of ``items`` (iterable of :class:`DueItem`) at ``today``."""
    due = [item for item in items if item.due_date < today and item.amount > 0]
    open_due = [item.due_date for item in due if not item.paid_date]
    return ScoreTotals(
        count=len(due),
        on_time=sum(1 for item in due if item.paid_date and item.paid_date <= item.due_date),
        amount=sum(item.amount for item in due),
        amount_days_late=sum(
            item.amount * max(((item.paid_date or today) - item.due_date).days, 0) for item in due
        ),
        oldest_open=min(open_due) if open_due else None,
    )


def score_from_totals(totals, today, broken_promises=0, defaulted_plans=0):
    """Return the :class:`Score` of a customer from the :class:`ScoreTotals` of its items."""
    if not totals.count:
        return Score(None, False, 0.0, 0.0, 0, 0)
    on_time_share = totals.on_time / totals.count
    weighted = totals.amount_days_late / totals.amount if totals.amount else 0.0
    overdue_days = (today - totals.oldest_open).days if totals.oldest_open else 0
    penalty = (
        (1 - on_time_share) * 40
        + min(weighted, 60) / 60 * 30
        + min(overdue_days, 90) / 90 * 15
        + min(broken_promises * 5, 10)
        + min(defaulted_plans * 10, 20)
    )
    # Half-up, on a value rounded to 9 places first so that the order in which the
    # database or Python summed the amounts cannot move a score across a boundary.
    score = max(0, min(100, math.floor(round(100 - penalty, 9) + 0.5)))
    return Score(score, grade_for(score), round(on_time_share, 4), round(weighted, 2),
                 overdue_days, totals.count)


def compute_score(items, today, broken_promises=0, defaulted_plans=0):
    """Return the :class:`Score` of ``items`` (iterable of :class:`DueItem`) at ``today``."""
    return score_from_totals(totals_of(items, today), today, broken_promises, defaulted_plans)
