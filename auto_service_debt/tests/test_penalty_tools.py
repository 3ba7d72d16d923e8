"""The pure penalty computation against the published worked examples, to the kopeck."""

import datetime
import os
from decimal import Decimal

from odoo.addons.auto_service_debt.tools.penalty import (
    PenaltyError,
    PenaltyRateMissing,
    PenaltyRateNotApplicable,
    compute_penalty,
)
from odoo.tests import BaseCase, tagged

D = datetime.date.fromisoformat
KNOWN_UNTIL = D("2026-10-25")


def _shipped_rates():
    """The key-rate table as shipped in data/debt_key_rate_data.xml (same source rows)."""
    from lxml import etree

    path = os.path.join(os.path.dirname(__file__), "..", "data", "debt_key_rate_data.xml")
    tree = etree.parse(path)
    rates = []
    for record in tree.iterfind(".//record[@model='debt.key.rate']"):
        values = {f.get("name"): f.text for f in record.iterfind("field")}
        rates.append((D(values["date_from"]), values["rate"]))
    return sorted(rates)


# (from, to, days, base, rate, days in year, amount) per example, as published.
EXAMPLES = {
    "A": {
        "args": {"principal": "100000.00", "due_date": D("2016-07-31"), "payments": [],
                     "date_to": D("2017-12-31"), "kind": "key_rate"},
        "rows": [
            ("2016-08-01", "2016-09-18", 49, "100000.00", "10.50", 366, "1405.74"),
            ("2016-09-19", "2016-12-31", 104, "100000.00", "10.00", 366, "2841.53"),
            ("2017-01-01", "2017-03-26", 85, "100000.00", "10.00", 365, "2328.77"),
            ("2017-03-27", "2017-05-01", 36, "100000.00", "9.75", 365, "961.64"),
            ("2017-05-02", "2017-06-18", 48, "100000.00", "9.25", 365, "1216.44"),
            ("2017-06-19", "2017-09-17", 91, "100000.00", "9.00", 365, "2243.84"),
            ("2017-09-18", "2017-10-29", 42, "100000.00", "8.50", 365, "978.08"),
            ("2017-10-30", "2017-12-17", 49, "100000.00", "8.25", 365, "1107.53"),
            ("2017-12-18", "2017-12-31", 14, "100000.00", "7.75", 365, "297.26"),
        ],
        "days": 518, "subtotal": "13380.83", "total": "13380.83",
    },
    "C": {
        "args": {"principal": "500000.00", "due_date": D("2025-12-14"), "payments": [],
                     "date_to": D("2026-08-31"), "kind": "key_rate"},
        "rows": [
            ("2025-12-15", "2025-12-21", 7, "500000.00", "16.50", 365, "1582.19"),
            ("2025-12-22", "2025-12-31", 10, "500000.00", "16.00", 365, "2191.78"),
            ("2026-01-01", "2026-02-15", 46, "500000.00", "16.00", 365, "10082.19"),
            ("2026-02-16", "2026-03-22", 35, "500000.00", "15.50", 365, "7431.51"),
            ("2026-03-23", "2026-04-26", 35, "500000.00", "15.00", 365, "7191.78"),
            ("2026-04-27", "2026-06-21", 56, "500000.00", "14.50", 365, "11123.29"),
            ("2026-06-22", "2026-07-26", 35, "500000.00", "14.25", 365, "6832.19"),
            ("2026-07-27", "2026-08-31", 36, "500000.00", "14.00", 365, "6904.11"),
        ],
        "days": 260, "subtotal": "53339.04", "total": "53339.04",
    },
    "D": {
        "args": {"principal": "250000.00", "due_date": D("2025-03-10"),
                     "payments": [(D("2025-05-20"), "100000.00"), (D("2025-08-01"), "50000.00")],
                     "date_to": D("2025-10-31"), "kind": "key_rate"},
        "rows": [
            ("2025-03-11", "2025-05-20", 71, "250000.00", "21.00", 365, "10212.33"),
            ("2025-05-21", "2025-06-08", 19, "150000.00", "21.00", 365, "1639.73"),
            ("2025-06-09", "2025-07-27", 49, "150000.00", "20.00", 365, "4027.40"),
            ("2025-07-28", "2025-08-01", 5, "150000.00", "18.00", 365, "369.86"),
            ("2025-08-02", "2025-09-14", 44, "100000.00", "18.00", 365, "2169.86"),
            ("2025-09-15", "2025-10-26", 42, "100000.00", "17.00", 365, "1956.16"),
            ("2025-10-27", "2025-10-31", 5, "100000.00", "16.50", 365, "226.03"),
        ],
        "days": 235, "subtotal": "20601.37", "total": "20601.37",
    },
    "E": {
        "args": {"principal": "80000.00", "due_date": D("2026-01-31"),
                     "payments": [(D("2026-03-15"), "30000.00")], "date_to": D("2026-06-30"),
                     "kind": "contract", "daily_percent": "0.1", "cap_percent": "10"},
        "rows": [
            ("2026-02-01", "2026-03-15", 43, "80000.00", "0.1", None, "3440.00"),
            ("2026-03-16", "2026-06-30", 107, "50000.00", "0.1", None, "5350.00"),
        ],
        "days": 150, "subtotal": "8790.00", "total": "8000.00",
    },
}


@tagged("post_install", "-at_install")
class TestPenaltyTools(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rates = _shipped_rates()

    def _compute(self, **kwargs):
        if kwargs.get("kind") == "key_rate":
            kwargs.setdefault("rates", self.rates)
            kwargs.setdefault("known_until", KNOWN_UNTIL)
        return compute_penalty(**kwargs)

    def test_shipped_table(self):
        self.assertEqual(len(self.rates), 66)
        self.assertEqual(self.rates[0], (D("2013-09-13"), "5.50"))
        self.assertEqual(self.rates[-1], (D("2026-07-27"), "14.00"))
        self.assertEqual(len({d for d, _r in self.rates}), 66, "one row per date")

    def test_worked_examples(self):
        for name, example in EXAMPLES.items():
            with self.subTest(example=name):
                result = self._compute(**example["args"])
                got = [
                    (p.date_from.isoformat(), p.date_to.isoformat(), p.days, p.base, p.rate,
                     p.days_in_year, p.amount)
                    for p in result.periods
                ]
                expected = [
                    (f, t, days, Decimal(base), Decimal(rate), diy, Decimal(amount))
                    for f, t, days, base, rate, diy, amount in example["rows"]
                ]
                self.assertEqual(got, expected)
                self.assertEqual(result.days, example["days"])
                self.assertEqual(result.subtotal, Decimal(example["subtotal"]))
                self.assertEqual(result.total, Decimal(example["total"]))
                self.assertEqual(str(result.total), example["total"], "two decimals")

    def test_cap_counts_already_charged(self):
        args = dict(EXAMPLES["E"]["args"])
        first = self._compute(**dict(args, date_to=D("2026-03-15")))
        self.assertEqual(first.total, Decimal("3440.00"))
        rest = self._compute(**dict(args, from_date=D("2026-03-15"), already_charged="3440.00"))
        self.assertEqual([p.date_from for p in rest.periods], [D("2026-03-16")])
        self.assertEqual(rest.subtotal, Decimal("5350.00"))
        self.assertEqual(rest.total, Decimal("4560.00"), "8000 cap minus 3440 already charged")
        spent = self._compute(**dict(args, from_date=D("2026-03-15"), already_charged="8000.00"))
        self.assertEqual(spent.total, Decimal("0.00"))

    def test_from_date_never_charges_a_day_twice(self):
        args = dict(EXAMPLES["D"]["args"])
        head = self._compute(**dict(args, date_to=D("2025-07-31")))
        tail = self._compute(**dict(args, from_date=D("2025-07-31")))
        self.assertEqual(head.days + tail.days, 235)
        self.assertEqual(tail.periods[0].date_from, D("2025-08-01"))
        self.assertEqual(tail.periods[0].base, Decimal("150000.00"), "payment day at old base")
        self.assertEqual(tail.periods[1].base, Decimal("100000.00"))
        nothing = self._compute(**dict(args, from_date=D("2025-10-31")))
        self.assertEqual((nothing.periods, nothing.total), ((), Decimal("0.00")))

    def test_grace_days(self):
        base = {"principal": "10000.00", "due_date": D("2026-01-31"), "payments": [],
                    "date_to": D("2026-02-10"), "kind": "contract", "daily_percent": "0.5"}
        self.assertEqual(self._compute(**base).total, Decimal("500.00"))  # 10 days
        graced = self._compute(**dict(base, grace_days=5))
        self.assertEqual(graced.periods[0].date_from, D("2026-02-06"))
        self.assertEqual((graced.days, graced.total), (5, Decimal("250.00")))
        self.assertEqual(self._compute(**dict(base, grace_days=10)).total, Decimal("0.00"))
        # Paid on the last free day: nothing is owed.
        paid = self._compute(**dict(base, grace_days=5, payments=[(D("2026-02-05"), "10000.00")]))
        self.assertEqual((paid.periods, paid.total), ((), Decimal("0.00")))
        # Partly paid within the grace days: counting starts on the remaining base.
        part = self._compute(**dict(base, grace_days=5, payments=[(D("2026-02-03"), "4000.00")]))
        self.assertEqual(part.periods[0].base, Decimal("6000.00"))
        self.assertEqual(part.total, Decimal("150.00"))

    def test_payment_day_counts_and_full_payment_stops(self):
        result = self._compute(principal="1000.00", due_date=D("2026-01-10"),
                               payments=[(D("2026-01-20"), "1000.00")], date_to=D("2026-03-01"),
                               kind="contract", daily_percent="1")
        self.assertEqual([(p.date_from, p.date_to, p.days) for p in result.periods],
                         [(D("2026-01-11"), D("2026-01-20"), 10)])
        self.assertEqual(result.total, Decimal("100.00"))

    def test_half_up_rounding(self):
        # 1000 x 0.0125 % x 1 day = 0.125 -> 0.13 (half up, not banker's 0.12)
        result = self._compute(principal="1000", due_date=D("2026-01-01"), payments=[],
                               date_to=D("2026-01-02"), kind="contract", daily_percent="0.0125")
        self.assertEqual(result.total, Decimal("0.13"))

    def test_past_known_date_names_missing_period(self):
        with self.assertRaises(PenaltyRateMissing) as caught:
            self._compute(principal="1000", due_date=D("2026-10-01"), payments=[],
                          date_to=D("2026-11-05"), kind="key_rate")
        self.assertEqual((caught.exception.date_from, caught.exception.date_to),
                         (D("2026-10-26"), D("2026-11-05")))
        self.assertIn("2026-10-26 to 2026-11-05", str(caught.exception))
        # With the date moved and the new rate added, it computes.
        rates = self.rates + [(D("2026-10-26"), "13.50")]
        result = self._compute(principal="100000", due_date=D("2026-10-24"), payments=[],
                               date_to=D("2026-10-27"), kind="key_rate", rates=rates,
                               known_until=D("2026-10-27"))
        self.assertEqual([(p.rate, p.days) for p in result.periods],
                         [(Decimal("14.00"), 1), (Decimal("13.50"), 2)])

    def test_errors(self):
        ok = {"principal": "1000", "due_date": D("2026-01-01"), "payments": [],
                  "date_to": D("2026-02-01"), "kind": "contract", "daily_percent": "0.1"}
        bad = [
            {"kind": "both"},
            {"principal": "0"},
            {"principal": "-5"},
            {"principal": None},
            {"daily_percent": "0"},
            {"grace_days": -1},
            {"cap_percent": "-1"},
            {"payments": [(D("2026-01-05"), "-10")]},
            {"payments": [("2026-01-05", "10")]},
            {"date_to": None},
        ]
        for change in bad:
            with self.subTest(change=change), self.assertRaises(PenaltyError):
                compute_penalty(**dict(ok, **change))
        with self.assertRaises(PenaltyRateNotApplicable) as caught:
            self._compute(principal="1000", due_date=D("2016-06-30"), payments=[],
                          date_to=D("2016-09-01"), kind="key_rate")
        self.assertIn("2016-08-01", str(caught.exception))
        with self.assertRaises(PenaltyRateMissing):
            self._compute(principal="1000", due_date=D("2017-01-01"), payments=[],
                          date_to=D("2017-02-01"), kind="key_rate", rates=[])
