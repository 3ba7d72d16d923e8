"""Contact rules for individual debtors (Federal Law 230-FZ, art. 7): allowed hours in
the debtor's local time and frequency limits per day, week and month.

Pure functions over naive local datetimes and dates; no ORM.
"""

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

# (start hour, end hour): contact is allowed from start (inclusive) to end (exclusive).
WORKING_DAY_HOURS = (8, 22)
DAY_OFF_HOURS = (9, 20)

# Non-working public holidays of the Labour Code art. 112 (fixed dates). Transfers of
# days off decided each year by the government are not included.
PUBLIC_HOLIDAYS = frozenset(
    [(1, day) for day in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]
)

# channel -> (per day, per week, per month)
LIMITS = {
    "call": (1, 2, 8),
    "sms": (2, 4, 16),
    "email": (2, 4, 16),
}


def is_day_off(day):
    """True on Saturdays, Sundays and fixed public holidays."""
    return day.weekday() >= 5 or (day.month, day.day) in PUBLIC_HOLIDAYS


def allowed_hours(day):
    """Return the (start, end) hours of the day during which contact is allowed."""
    return DAY_OFF_HOURS if is_day_off(day) else WORKING_DAY_HOURS


def is_allowed_time(local_dt):
    """True when ``local_dt`` (naive, debtor's local time) is inside the allowed hours."""
    start, end = allowed_hours(local_dt.date())
    return time(start) <= local_dt.time() < time(end)


def next_allowed_moment(local_dt):
    """The first moment at or after ``local_dt`` inside the allowed hours."""
    day = local_dt.date()
    start, end = allowed_hours(day)
    if local_dt.time() < time(start):
        return datetime.combine(day, time(start))
    if local_dt.time() < time(end):
        return local_dt
    following = day + timedelta(days=1)
    return datetime.combine(following, time(allowed_hours(following)[0]))


def window_counts(day, previous_days):
    """Count earlier contacts in the three windows ending on ``day``: the day itself,
    the 7 days ending on it and the month ending on it (same day of the previous month
    excluded)."""
    week_start = day - timedelta(days=6)
    month_start = day - relativedelta(months=1) + timedelta(days=1)
    per_day = per_week = per_month = 0
    for other in previous_days:
        if other > day:
            continue
        if other == day:
            per_day += 1
        if other >= week_start:
            per_week += 1
        if other >= month_start:
            per_month += 1
    return per_day, per_week, per_month


def exceeded_limit(day, previous_days, limits):
    """Return ``"day"``, ``"week"`` or ``"month"`` when one more contact on ``day``
    would exceed ``limits`` = (per day, per week, per month), else None."""
    counts = window_counts(day, previous_days)
    for name, count, limit in zip(("day", "week", "month"), counts, limits, strict=False):
        if count + 1 > limit:
            return name
    return None


def next_allowed_slot(local_dt, previous_days=(), limits=None, max_days=62):
    """The first moment at or after ``local_dt`` that is inside the allowed hours and,
    with ``limits``, keeps the contact within the frequency limits given the dates of
    ``previous_days`` contacts."""
    moment = next_allowed_moment(local_dt)
    if not limits:
        return moment
    for _i in range(max_days):
        if not exceeded_limit(moment.date(), previous_days, limits):
            return moment
        following = moment.date() + timedelta(days=1)
        moment = datetime.combine(following, time(allowed_hours(following)[0]))
    return moment


def as_date(value):
    """A date from a date or datetime."""
    return value.date() if isinstance(value, datetime) else value

