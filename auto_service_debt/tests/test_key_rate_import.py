"""Import of the Bank of Russia's key rate (DailyInfo web service, ``KeyRateXML``) on
answers recorded in tests/data: the real client, parser and import, only the HTTP
transport (``requests.post``) answers from the recorded files."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from unittest.mock import patch

import requests
from freezegun import freeze_time
from lxml import etree

from odoo.addons.auto_service_debt.tools.cbr_key_rate import (
    NAMESPACE,
    SERVICE_URL,
    KeyRateError,
    key_rate_request,
    new_key_rate_changes,
    parse_key_rate_response,
)
from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools import file_open, format_date, html2plaintext

from .common import shop_user

D = date.fromisoformat
TODAY = "2026-12-01"
# 2026-06-23 to 2026-11-30, newest first: 14.25, 14.00 from 2026-07-27, 13.50 from
# 2026-10-26, 13.00 from 2026-11-16.
NORMAL = "cbr_key_rate_2026-06-23_2026-11-30.xml"
# cut off in the middle of a row, as by a dropped connection (not XML, hence .txt)
MALFORMED = "cbr_key_rate_malformed.txt"
FAULT = "cbr_key_rate_fault.xml"  # the service's SOAP 1.1 fault, with HTTP status 500
EMPTY = "cbr_key_rate_empty.xml"  # a well-formed answer without a single row
TRANSPORT = "odoo.addons.auto_service_debt.models.debt_key_rate.requests.post"


def recorded(name):
    with file_open(f"auto_service_debt/tests/data/{name}", "rb") as f:
        return f.read()


class RecordedService:
    """Stands for ``requests.post``: answers every call with a recorded response (or
    raises ``error``) and keeps the calls."""

    def __init__(self, name=None, status=200, error=None, content=None):
        self.content = recorded(name) if name else content
        self.status = status
        self.error = error
        self.calls = []

    def __call__(self, url, data=None, headers=None, timeout=None, **kwargs):
        self.calls.append({"url": url, "data": data, "headers": headers, "timeout": timeout})
        if self.error:
            raise self.error
        response = requests.Response()
        response.status_code = self.status
        response._content = self.content
        response.headers["Content-Type"] = "text/xml; charset=utf-8"
        response.url = url
        return response

    def period(self, index=-1):
        """``(fromDate, ToDate)`` of a call, read back from the SOAP body sent."""
        body = etree.fromstring(self.calls[index]["data"])
        call = body.find(f".//{{{NAMESPACE}}}KeyRateXML")
        return call.findtext(f"{{{NAMESPACE}}}fromDate"), call.findtext(f"{{{NAMESPACE}}}ToDate")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestKeyRateImport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rate = cls.env["debt.key.rate"]
        cls.company = cls.env.company
        cls.company.write({"debt_key_rate_known_until": D("2026-10-25"), "debt_key_rate_import": True})
        cls.manual = cls.env["res.company"].create({
            "name": "СТО «Ручной учёт»", "debt_key_rate_import": False,
            "debt_key_rate_known_until": D("2026-10-25"),
        })
        cls.owner = shop_user(cls.env, "owner")  # a debt manager
        cls.bookkeeper = shop_user(cls.env, "bookkeeper")  # a debt collector
        cls.advisor = shop_user(cls.env, "advisor")  # a debt viewer
        cls.cron = cls.env.ref("auto_service_debt.ir_cron_debt_key_rate_import")

    # ------------------------------------------------------------------ helpers
    @contextmanager
    def _service(self, *args, **kwargs):
        service = RecordedService(*args, **kwargs)
        with patch(TRANSPORT, side_effect=service):
            yield service

    def _table(self):
        self.env.invalidate_all()
        return [(r.date_from.isoformat(), r.rate) for r in self.Rate.search([], order="date_from")]

    def _known(self):
        self.env.invalidate_all()
        return self.company.debt_key_rate_known_until, self.manual.debt_key_rate_known_until

    def _import(self, user=None):
        """The button, as ``user`` (default: the manager) clicks it, in their language."""
        user = user or self.owner
        return self.Rate.with_user(user).with_context(lang=user.lang).action_debt_import_key_rates()

    def _t(self, source, **params):
        """``source`` as the manager reads it (translated, dates formatted)."""
        env = self.env(context={"lang": self.owner.lang})
        return env._(source, **{
            key: format_date(env, value) if isinstance(value, date) else value for key, value in params.items()
        })

    def _failure_activities(self, user=None):
        return self.env["mail.activity"].search([
            ("res_model", "=", "debt.key.rate"),
            ("user_id", "=", (user or self.owner).id),
            ("summary", "=", self._t("Key-rate import from the Bank of Russia failed")),
        ], order="id")

    def _assert_cron_fails(self, service_args, error_text):
        """The scheduled import on ``service_args`` changes neither the table nor the
        dates, tells the manager (not the collector) ``error_text``, and the button
        refuses with the same text."""
        table, known = self._table(), self._known()
        with self._service(**service_args) as service:
            self.cron.method_direct_trigger()
        self.assertEqual(len(service.calls), 1)
        self.assertEqual(self._table(), table)
        self.assertEqual(self._known(), known)
        activity = self._failure_activities()
        self.assertEqual(len(activity), 1)
        note = html2plaintext(activity.note)  # HTML, with the error as text
        self.assertIn(error_text, note)
        # the sentence after the reason: nothing changed, what to do
        tail = self._t(
            "The key rates could not be imported from the Bank of Russia: %(reason)s. "
            "Nothing was changed; try again later or add the rates by hand.", reason="\x00",
        ).split("\x00")[1].strip(" .")
        self.assertTrue(tail)
        self.assertIn(tail, note)
        latest = self.Rate.search([], order="date_from desc", limit=1)
        self.assertEqual((activity.res_id, activity.date_deadline), (latest.id, D(TODAY)))
        self.assertFalse(self._failure_activities(self.bookkeeper))
        with self._service(**service_args), self.assertRaises(UserError) as caught:
            self._import()
        self.assertIn(error_text, caught.exception.args[0])
        self.assertEqual(self._table(), table)
        self.assertEqual(self._known(), known)

    # ------------------------------------------------------------------ success
    def test_import_adds_the_published_changes(self):
        shipped = self._table()
        self.assertEqual(shipped[-1], ("2026-07-27", 14.0))
        with self._service(NORMAL) as service:
            action = self._import()
        call = service.calls[0]
        self.assertEqual(call["url"], SERVICE_URL)
        self.assertEqual(call["headers"]["SOAPAction"], '"http://web.cbr.ru/KeyRateXML"')
        self.assertTrue(call["timeout"])
        # from the day after the table's last row to today
        self.assertEqual(service.period(), ("2026-07-28T00:00:00", "2026-12-01T00:00:00"))
        self.assertEqual(self._table(), shipped + [("2026-10-26", 13.5), ("2026-11-16", 13.0)])
        # known up to the last day published (not today); the company with the import
        # off keeps its date
        self.assertEqual(self._known(), (D("2026-11-30"), D("2026-10-25")))
        message = action["params"]["message"]
        added = self.Rate.with_context(lang=self.owner.lang).search([("date_from", ">", "2026-07-27")])
        self.assertEqual(len(added), 2)
        for rate in added:
            self.assertIn(rate.display_name, message)
        self.assertIn(format_date(self.env(context={"lang": self.owner.lang}), D("2026-11-30")), message)

        # The same answer again adds nothing and moves nothing.
        with self._service(NORMAL) as service:
            action = self._import()
        self.assertEqual(service.period(), ("2026-11-17T00:00:00", "2026-12-01T00:00:00"))
        self.assertEqual(self._table(), shipped + [("2026-10-26", 13.5), ("2026-11-16", 13.0)])
        self.assertEqual(self._known(), (D("2026-11-30"), D("2026-10-25")))
        self.assertEqual(action["params"]["message"], self._t(
            "The Bank of Russia has published no new key rate: the table is complete up to %(date)s.",
            date=D("2026-11-30"),
        ))

    def test_a_table_behind_gets_every_change_since_its_last_row(self):
        self.Rate.search([("date_from", "=", "2026-07-27")]).unlink()
        self.company.debt_key_rate_known_until = D("2026-07-01")
        with self._service(NORMAL) as service:
            self.cron.method_direct_trigger()
        self.assertEqual(service.period(), ("2026-06-23T00:00:00", "2026-12-01T00:00:00"))
        self.assertEqual(self._table()[-4:], [
            ("2026-06-22", 14.25), ("2026-07-27", 14.0), ("2026-10-26", 13.5), ("2026-11-16", 13.0),
        ])
        self.assertEqual(self._known(), (D("2026-11-30"), D("2026-10-25")))
        self.assertFalse(self._failure_activities())
        # the penalties read the new rows
        self.assertEqual(self.Rate._debt_rate_table()[-3:], [
            (D("2026-07-27"), "14.00"), (D("2026-10-26"), "13.50"), (D("2026-11-16"), "13.00"),
        ])

    def test_known_date_never_moves_back(self):
        self.company.debt_key_rate_known_until = D("2026-12-01")  # checked by hand today
        with self._service(NORMAL):
            self._import()
        self.assertEqual(self._known(), (D("2026-12-01"), D("2026-10-25")))
        self.assertEqual(self._table()[-2:], [("2026-10-26", 13.5), ("2026-11-16", 13.0)])

    # ------------------------------------------------------------------ failures
    def test_malformed_answer_changes_nothing(self):
        detail = "Premature end of data in tag DT line 42"  # lxml's own words
        self._assert_cron_fails({"name": MALFORMED}, self._t(
            "the answer is not well-formed XML (%(detail)s)", detail=detail,
        ).split(detail)[0] + detail)

    def test_soap_fault_changes_nothing(self):
        self._assert_cron_fails({"name": FAULT, "status": 500}, self._t(
            "the service answered with an error: %(fault)s",
            fault="System.Web.Services.Protocols.SoapException: Server was unable to read request. "
            "---> System.InvalidOperationException: There is an error in XML document (4, 38). "
            "---> System.FormatException: The string '2026-13-01T00:00:00' is not a valid AllXsd value",
        ))

    def test_empty_answer_changes_nothing(self):
        self._assert_cron_fails({"name": EMPTY}, self._t("the answer holds no key rate for the period"))

    def test_unreachable_service_changes_nothing(self):
        error = requests.ConnectionError("Connection reset by peer")
        self._assert_cron_fails({"error": error}, self._t(
            "the web service %(url)s could not be reached (%(error)s)",
            url=SERVICE_URL, error="Connection reset by peer",
        ))

    def test_refusing_proxy_page_changes_nothing(self):
        page = b"<html><body><h1>403 Forbidden</h1></body></html>"
        self._assert_cron_fails({"content": page, "status": 403}, self._t(
            "the web service %(url)s answered with HTTP status %(status)s", url=SERVICE_URL, status=403,
        ))
        # the same page with status 200 is no SOAP answer either (a new day: a new activity)
        self.company.debt_key_rate_import_error_date = False
        self._failure_activities().unlink()
        self._assert_cron_fails({"content": page}, self._t(
            "the answer is not a SOAP envelope (it starts with <%(tag)s>)", tag="html",
        ))

    def test_published_rate_contradicting_a_row_changes_nothing(self):
        row = self.Rate.search([("date_from", "=", "2026-07-27")])
        row.with_context(install_filename="manual").rate = 14.5  # a typing error in the table
        self._assert_cron_fails({"name": NORMAL}, self._t(
            "the service publishes %(published)s %% for %(date)s while the table gives "
            "%(table)s %%: check the table's rows against the Bank of Russia's site",
            published="14.00", date=D("2026-07-27"), table="14.50",
        ))
        self.assertEqual(row.rate, 14.5)

    def test_one_failure_activity_per_day(self):
        with self._service(name=MALFORMED):
            self.cron.method_direct_trigger()
            self.cron.method_direct_trigger()
        self.assertEqual(len(self._failure_activities()), 1)
        with freeze_time("2026-12-08"), self._service(name=EMPTY):
            self.cron.method_direct_trigger()
            self.cron.method_direct_trigger()
        activities = self._failure_activities()
        self.assertEqual(activities.mapped("date_deadline"), [D("2026-12-01"), D("2026-12-08")])
        self.assertIn(self._t("the answer holds no key rate for the period"), html2plaintext(activities[1].note))
        # a successful import afterwards tells nobody anything
        with freeze_time("2026-12-09"), self._service(NORMAL):
            self.cron.method_direct_trigger()
        self.assertEqual(len(self._failure_activities()), 2)
        self.assertEqual(self._known()[0], D("2026-11-30"))

    # ------------------------------------------------------------------ setting, rights
    def test_cron_does_nothing_when_every_company_has_the_import_off(self):
        self.env["res.company"].search([]).debt_key_rate_import = False
        table, known = self._table(), self._known()
        with self._service(NORMAL) as service:
            self.cron.method_direct_trigger()
        self.assertEqual(service.calls, [], "the service is not even asked")
        self.assertEqual(self._table(), table)
        self.assertEqual(self._known(), known)
        self.assertFalse(self._failure_activities())
        # the manual ways stay as they were
        self.Rate.with_user(self.owner).with_company(self.manual).with_context(
            allowed_company_ids=[self.company.id]
        ).action_debt_confirm_known_today()
        self.assertEqual(self._known()[0], D(TODAY))

    def test_setting_defaults_on_and_is_on_the_settings_screens(self):
        self.assertTrue(self.env["res.company"].create({"name": "Новая СТО"}).debt_key_rate_import)
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.debt_key_rate_import)
        settings.debt_key_rate_import = False
        settings.execute()
        self.assertFalse(self.company.debt_key_rate_import)
        wizard = self.env["debt.config.wizard"].with_user(self.owner).create({})
        self.assertFalse(wizard.debt_key_rate_import)
        wizard.debt_key_rate_import = True
        self.assertTrue(self.company.debt_key_rate_import)

    def test_collector_and_viewer_may_not_import(self):
        table, known = self._table(), self._known()
        for user in (self.bookkeeper, self.advisor):
            with self._service(NORMAL) as service, self.assertRaises(AccessError):
                self._import(user)
            self.assertEqual(service.calls, [])
        self.assertEqual(self._table(), table)
        self.assertEqual(self._known(), known)

    def test_manual_entry_still_confirms_the_table(self):
        self.Rate.with_user(self.owner).create({"date_from": "2026-10-26", "rate": 13.5})
        self.assertEqual(self._known()[0], D(TODAY))
        # the import then verifies the row by hand and adds the later change only
        with self._service(NORMAL):
            self._import()
        self.assertEqual(self._table()[-3:], [("2026-07-27", 14.0), ("2026-10-26", 13.5), ("2026-11-16", 13.0)])
        self.assertEqual(self._known()[0], D(TODAY))


@tagged("post_install", "-at_install")
class TestKeyRateParser(BaseCase):
    """The pure parser and the daily rows → change rows conversion."""

    ENVELOPE = (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        '<KeyRateXMLResponse xmlns="http://web.cbr.ru/"><KeyRateXMLResult><KeyRate xmlns="">'
        "{rows}</KeyRate></KeyRateXMLResult></KeyRateXMLResponse></soap:Body></soap:Envelope>"
    )

    def _answer(self, *rows):
        return self.ENVELOPE.format(rows="".join(
            f"<KR>{'' if dt is None else f'<DT>{dt}</DT>'}{'' if rate is None else f'<Rate>{rate}</Rate>'}</KR>"
            for dt, rate in rows
        )).encode()

    def test_request_body(self):
        body = etree.fromstring(key_rate_request(D("2026-07-28"), D("2026-12-01")))
        self.assertEqual(body.tag, "{http://schemas.xmlsoap.org/soap/envelope/}Envelope")
        call = body.find("{http://schemas.xmlsoap.org/soap/envelope/}Body/{http://web.cbr.ru/}KeyRateXML")
        self.assertEqual([(child.tag, child.text) for child in call], [
            ("{http://web.cbr.ru/}fromDate", "2026-07-28T00:00:00"),
            ("{http://web.cbr.ru/}ToDate", "2026-12-01T00:00:00"),
        ])

    def test_daily_rows_oldest_first(self):
        rows = parse_key_rate_response(self._answer(
            ("2026-07-28T00:00:00+03:00", "14.00"), ("2026-07-27T00:00:00+03:00", "14.00"),
            ("2026-07-26T00:00:00+03:00", "14.25"), ("2026-07-26T00:00:00+03:00", "14.250"),
        ))
        self.assertEqual([(d.isoformat(), str(r)) for d, r in rows], [
            ("2026-07-26", "14.25"), ("2026-07-27", "14.00"), ("2026-07-28", "14.00"),
        ])
        self.assertEqual(len(parse_key_rate_response(recorded(NORMAL))), 161)

    def test_refused_answers(self):
        good = ("2026-07-27T00:00:00+03:00", "14.00")
        cases = [
            (b"", "xml"),
            (b"<soap:Envelope", "xml"),
            (recorded(MALFORMED), "xml"),
            (b"<html><body>Access denied</body></html>", "not_soap"),
            (recorded(FAULT), "fault"),
            (b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code>'
             b"<s:Value>s:Receiver</s:Value></s:Code><s:Reason><s:Text>Service unavailable</s:Text>"
             b"</s:Reason></s:Fault></s:Body></s:Envelope>", "fault"),
            (b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/>'
             b"</soap:Envelope>", "no_result"),
            (recorded(EMPTY), "empty"),
            (self._answer((None, "14.00")), "date"),
            (self._answer(("", "14.00")), "date"),
            (self._answer(("2026-02-30T00:00:00+03:00", "14.00")), "date"),
            (self._answer(("27.07.2026", "14.00")), "date"),
            (self._answer(good, ("2026-07-28T00:00:00+03:00", None)), "rate"),
            (self._answer(("2026-07-28T00:00:00+03:00", "")), "rate"),
            (self._answer(("2026-07-28T00:00:00+03:00", "14,00")), "rate"),
            (self._answer(("2026-07-28T00:00:00+03:00", "NaN")), "rate"),
            (self._answer(("2026-07-28T00:00:00+03:00", "14.125")), "rate"),
            (self._answer(("2026-07-28T00:00:00+03:00", "1000")), "rate"),
            (self._answer(("2026-07-28T00:00:00+03:00", "-14.00")), "negative"),
            (self._answer(("2026-07-28T00:00:00+03:00", "0")), "negative"),
            (self._answer(good, ("2026-07-27T00:00:00+03:00", "14.25")), "duplicate"),
        ]
        for content, code in cases:
            with self.subTest(content=content[-120:]):
                with self.assertRaises(KeyRateError) as caught:
                    parse_key_rate_response(content)
                self.assertEqual(caught.exception.code, code)
        with self.assertRaisesRegex(KeyRateError, "row 2 \\(2026-07-28\\) has no valid rate"):
            parse_key_rate_response(self._answer(good, ("2026-07-28T00:00:00+03:00", "")))

    def test_runs_of_equal_rates_become_changes(self):
        def daily(*rows):
            return [(D(day), Decimal(rate)) for day, rate in rows]

        table = [(D("2026-06-22"), "14.25")]
        rows = daily(("2026-07-25", "14.25"), ("2026-07-26", "14.25"), ("2026-07-27", "14.00"),
                     ("2026-07-28", "14.00"), ("2026-07-31", "13.50"), ("2026-08-01", "14.00"))
        self.assertEqual([(d.isoformat(), str(r)) for d, r in new_key_rate_changes(table, rows)], [
            ("2026-07-27", "14.00"), ("2026-07-31", "13.50"), ("2026-08-01", "14.00"),
        ])
        # nothing new when the table says the same; a first day differing from the rate
        # in force before it is a change
        self.assertEqual(new_key_rate_changes(table + [(D("2026-07-27"), 14.0)], rows[:4]), [])
        self.assertEqual(new_key_rate_changes([], rows[:1]), rows[:1])
        with self.assertRaisesRegex(KeyRateError, "13.50 % for 2026-07-31 while the table gives 14.00 %"):
            new_key_rate_changes(table + [(D("2026-07-27"), 14.0), (D("2026-07-31"), "14.00")], rows)
