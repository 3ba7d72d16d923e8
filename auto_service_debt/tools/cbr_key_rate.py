"""The Bank of Russia's key rate from its DailyInfo web service (SOAP 1.1), without the ORM.

- :func:`key_rate_request` builds the body of the ``KeyRateXML`` call for a period;
- :func:`parse_key_rate_response` reads its answer into daily ``(date, Decimal rate)``
  rows, oldest first, and refuses anything it cannot read with certainty (malformed XML,
  a SOAP fault, a row without a valid day or rate, a negative rate, no row at all);
- :func:`new_key_rate_changes` turns the daily rows into the change rows of the key-rate
  table (a rate holds from its row's day until the day before the next row) and returns
  those the table lacks, after checking that the table says the same as the service on
  every day it published.

Errors are :class:`KeyRateError` with a ``code`` and its ``params``, so that the caller
can word them in the user's language; ``str()`` is an English message.
"""

import bisect
import datetime
import re
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

from lxml import etree

SERVICE_URL = "https://www.cbr.ru/DailyInfoWebServ/DailyInfo.asmx"
NAMESPACE = "http://web.cbr.ru/"
SOAP_ACTION = NAMESPACE + "KeyRateXML"
SOAP_ENVELOPE_NAMESPACES = (
    "http://schemas.xmlsoap.org/soap/envelope/",  # SOAP 1.1
    "http://www.w3.org/2003/05/soap-envelope",  # SOAP 1.2
)
REQUEST_HEADERS = {
    "Content-Type": "text/xml; charset=utf-8",
    "SOAPAction": f'"{SOAP_ACTION}"',
}
#: The key rate exists since this day: the window of an import into an empty table.
KEY_RATE_FIRST_DAY = datetime.date(2013, 9, 13)

ONE_DAY = datetime.timedelta(days=1)
#: The table stores rates with two decimals, below 1000 (``digits=(5, 2)``).
MAX_RATE = Decimal("999.99")
#: ``2026-06-22T00:00:00+03:00``: the day is the date part, in Moscow time as published.
DT_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?$")

_REQUEST = """<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <KeyRateXML xmlns="{namespace}">
      <fromDate>{date_from}</fromDate>
      <ToDate>{date_to}</ToDate>
    </KeyRateXML>
  </soap:Body>
</soap:Envelope>
"""


class KeyRateError(ValueError):
    """The service's answer cannot be used. ``code`` names the problem, ``params`` its
    details (plain strings and dates):

    ``xml`` (detail), ``not_soap`` (tag), ``fault`` (fault), ``no_result``, ``empty``,
    ``date`` (row, value), ``rate`` (row, date, value), ``negative`` (date, value),
    ``duplicate`` (date, rates), ``conflict`` (date, published, table)."""

    MESSAGES = {
        "xml": "the answer is not well-formed XML (%(detail)s)",
        "not_soap": "the answer is not a SOAP envelope (it starts with <%(tag)s>)",
        "fault": "the service answered with an error: %(fault)s",
        "no_result": "the answer holds no KeyRateXMLResult with a KeyRate table",
        "empty": "the answer holds no key rate for the period",
        "date": "row %(row)s has no valid day (DT: %(value)r)",
        "rate": "row %(row)s (%(date)s) has no valid rate (Rate: %(value)r)",
        "negative": "the rate of %(date)s is not positive (%(value)s)",
        "duplicate": "%(date)s is published twice with different rates (%(rates)s)",
        "conflict": "the service publishes %(published)s %% for %(date)s while the table gives %(table)s %%",
    }

    def __init__(self, code, **params):
        self.code = code
        self.params = params
        super().__init__(self.MESSAGES[code] % params)


def _soap_datetime(day):
    return datetime.datetime.combine(day, datetime.time()).isoformat()


def key_rate_request(date_from, date_to):
    """The SOAP 1.1 body (bytes) of ``KeyRateXML`` for the days ``date_from`` to
    ``date_to`` (``datetime.date``)."""
    return _REQUEST.format(
        namespace=NAMESPACE,
        date_from=escape(_soap_datetime(date_from)),
        date_to=escape(_soap_datetime(date_to)),
    ).encode("utf-8")


def _local(element):
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, name):
    return [child for child in element if _local(child) == name]


def _text(element, name):
    found = _children(element, name)
    return (found[0].text or "").strip() if found else None


def _fault_text(fault):
    """The readable part of a SOAP 1.1 (faultstring) or 1.2 (Reason/Text) fault."""
    for name in ("faultstring", "Reason", "faultcode", "Code"):
        for child in _children(fault, name):
            text = " ".join(t.strip() for t in child.itertext() if t.strip())
            if text:
                return text
    return "SOAP fault without a message"


def _parse_rate(value):
    try:
        rate = Decimal(value)
    except (InvalidOperation, TypeError):
        return None
    if not rate.is_finite() or rate.as_tuple().exponent < -2 and rate != rate.quantize(Decimal("0.01")):
        return None
    return rate


def parse_key_rate_response(content):
    """``[(date, Decimal rate)]``, one per published day, oldest first, from the bytes
    of a ``KeyRateXML`` answer. Raises :class:`KeyRateError` on anything else."""
    if not content or not content.strip():
        raise KeyRateError("xml", detail="empty answer")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content if isinstance(content, bytes) else content.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise KeyRateError("xml", detail=str(exc)) from exc
    if _local(root) != "Envelope" or etree.QName(root).namespace not in SOAP_ENVELOPE_NAMESPACES:
        raise KeyRateError("not_soap", tag=_local(root) or str(root.tag))
    bodies = _children(root, "Body")
    if not bodies:
        raise KeyRateError("no_result")
    faults = [el for el in bodies[0].iter() if _local(el) == "Fault"]
    if faults:
        raise KeyRateError("fault", fault=_fault_text(faults[0]))
    results = [el for el in bodies[0].iter() if _local(el) == "KeyRateXMLResult"]
    tables = _children(results[0], "KeyRate") if results else []
    if not tables:
        raise KeyRateError("no_result")
    days = {}
    for row, kr in enumerate(_children(tables[0], "KR"), start=1):
        value = _text(kr, "DT")
        match = DT_PATTERN.match(value or "")
        try:
            day = datetime.date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            day = None
        if day is None:
            raise KeyRateError("date", row=row, value=value)
        value = _text(kr, "Rate")
        rate = _parse_rate(value) if value else None
        if rate is None or rate > MAX_RATE:
            raise KeyRateError("rate", row=row, date=day, value=value)
        if rate <= 0:
            raise KeyRateError("negative", date=day, value=value)
        rate = rate.quantize(Decimal("0.01"))
        if day in days and days[day] != rate:
            raise KeyRateError("duplicate", date=day, rates=f"{days[day]}, {rate}")
        days[day] = rate
    if not days:
        raise KeyRateError("empty")
    return sorted(days.items())


def _rate_on(table, day):
    """The rate of ``table`` (sorted change rows) in force on ``day``, or None."""
    index = bisect.bisect_right(table, (day, MAX_RATE + 1))
    return table[index - 1][1] if index else None


def new_key_rate_changes(table, daily):
    """The change rows ``[(date, Decimal rate)]`` to add to ``table`` so that it gives
    every published day of ``daily`` its published rate.

    ``table`` holds the existing change rows ``(date, rate)`` (any order; rates as
    Decimal, str or float with two decimals); ``daily`` is the output of
    :func:`parse_key_rate_response`. A day is a change when its rate differs from the
    day before (for the first published day: from the table's rate in force the day
    before, or the first day after days it skipped). Existing rows are never changed: a row the service contradicts raises
    :class:`KeyRateError` ``conflict`` naming the first such day."""
    rows = sorted((day, Decimal(str(rate)).quantize(Decimal("0.01"))) for day, rate in table)
    existing = dict(rows)
    changes = []
    previous = _rate_on(rows, daily[0][0] - ONE_DAY) if daily else None
    for day, rate in daily:
        # After a day the service skipped, the first day published with a new rate is
        # the first day known to carry it.
        if rate != previous and day not in existing:
            changes.append((day, rate))
        previous = rate
    merged = sorted(rows + changes)
    for day, rate in daily:
        in_force = _rate_on(merged, day)
        if in_force != rate:
            raise KeyRateError(
                "conflict", date=day, published=f"{rate:.2f}",
                table=f"{in_force:.2f}" if in_force is not None else "—",
            )
    return changes
