from datetime import date

from odoo.addons.auto_service_debt.tools import schedule
from odoo.tests import tagged
from odoo.tests.common import BaseCase


@tagged("post_install", "-at_install")
class TestScheduleTools(BaseCase):
    def test_due_dates_month_end(self):
        cases = [
            # first date, count, interval, expected
            (date(2025, 1, 31), 6, "months", [
                date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31),
                date(2025, 4, 30), date(2025, 5, 31), date(2025, 6, 30)]),
            (date(2024, 1, 31), 3, "months", [
                date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]),
            (date(2024, 11, 30), 4, "months", [
                date(2024, 11, 30), date(2024, 12, 30), date(2025, 1, 30), date(2025, 2, 28)]),
            (date(2025, 1, 15), 3, "weeks", [
                date(2025, 1, 15), date(2025, 1, 22), date(2025, 1, 29)]),
            (date(2025, 12, 29), 2, "weeks", [date(2025, 12, 29), date(2026, 1, 5)]),
            (date(2025, 1, 15), 0, "months", []),
        ]
        for first, count, interval, expected in cases:
            with self.subTest(first=first, count=count, interval=interval):
                self.assertEqual(schedule.due_dates(first, count, interval), expected)
        self.assertEqual(
            schedule.due_dates(date(2025, 1, 31), 3, "months", step=2),
            [date(2025, 1, 31), date(2025, 3, 31), date(2025, 5, 31)],
        )
        with self.assertRaises(ValueError):
            schedule.due_dates(date(2025, 1, 1), 2, "days")

    def test_split_amount(self):
        cases = [
            (100000.00, 6, [16666.67] * 5 + [16666.65]),
            (100.00, 3, [33.33, 33.33, 33.34]),
            (200.00, 3, [66.67, 66.67, 66.66]),
            (0.05, 3, [0.02, 0.02, 0.01]),
            (0.03, 3, [0.01, 0.01, 0.01]),
            (90000.00, 6, [15000.00] * 6),
            (12345.67, 1, [12345.67]),
        ]
        for amount, count, expected in cases:
            with self.subTest(amount=amount, count=count):
                parts = schedule.split_amount(amount, count)
                self.assertEqual(parts, expected)
                self.assertEqual(
                    sum(schedule.to_decimal(p) for p in parts), schedule.to_decimal(amount)
                )
                self.assertTrue(all(p > 0 for p in parts))

    def test_generate_schedule(self):
        lines = schedule.generate_schedule(
            100000.00, 6, date(2025, 1, 31), "months",
            down_payment=10000.00, down_payment_date=date(2025, 1, 10),
        )
        self.assertEqual(lines[0], (date(2025, 1, 10), 10000.00, True))
        self.assertEqual(
            [(d, a) for d, a, _dp in lines[1:]],
            [(date(2025, 1, 31), 15000.00), (date(2025, 2, 28), 15000.00),
             (date(2025, 3, 31), 15000.00), (date(2025, 4, 30), 15000.00),
             (date(2025, 5, 31), 15000.00), (date(2025, 6, 30), 15000.00)],
        )
        lines = schedule.generate_schedule(1000.01, 3, date(2025, 3, 1), "weeks")
        self.assertEqual([a for _d, a, _dp in lines], [333.34, 333.34, 333.33])
        self.assertEqual([dp for _d, _a, dp in lines], [False] * 3)
        invalid = [
            {"total": 0, "count": 3},
            {"total": -5, "count": 3},
            {"total": 100, "count": 0},
            {"total": 100, "count": -1},
            {"total": 100, "count": 3, "down_payment": -1},
            {"total": 100, "count": 3, "down_payment": 100},
            {"total": 0.02, "count": 3},
        ]
        for kwargs in invalid:
            with self.subTest(**kwargs), self.assertRaises(ValueError):
                schedule.generate_schedule(first_due_date=date(2025, 1, 1), **kwargs)

    def test_allocate(self):
        cases = [
            (0.0, [100, 100, 100], [0, 0, 0]),
            (150.0, [100, 100, 100], [100, 50, 0]),
            (300.0, [100, 100, 100], [100, 100, 100]),
            (310.0, [100, 100, 100], [100, 100, 110]),
            (-20.0, [100, 100], [0, 0]),
            (0.01, [16666.67, 16666.65], [0.01, 0]),
        ]
        for paid, amounts, expected in cases:
            with self.subTest(paid=paid):
                self.assertEqual(schedule.allocate(paid, amounts), expected)

    def test_schedule_errors(self):
        d1, d2, d3 = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
        cases = [
            ([(d1, 50), (d2, 50)], 100, []),
            ([], 100, [("empty", None, None)]),
            ([(d1, 50), (d2, 49.99)], 100, [("sum", None, 0.01)]),
            ([(d2, 50), (d1, 50)], 100, [("order", 1, d1)]),
            ([(d1, 50), (d1, 50)], 100, [("order", 1, d1)]),
            ([(d1, 100), (d2, 0), (d3, 0)], 100, [("amount", 1, 0), ("amount", 2, 0)]),
            ([(d1, 150), (d2, -50)], 100, [("amount", 1, -50)]),
        ]
        for lines, total, expected in cases:
            with self.subTest(lines=lines):
                self.assertEqual(schedule.schedule_errors(lines, total), expected)
