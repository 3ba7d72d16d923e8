"""Helpers shared by the tests: fixtures (``DebtTestCommon``), shop users, printed documents."""

import os
import re
import subprocess
from datetime import timedelta

import odoo
from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# A local port where nothing listens: wkhtmltopdf then renders without fetching the
# stylesheets of whatever Odoo server may run on this machine, so the text layer of the
# PDF is the same everywhere (the tests read the text, not the look).
UNSTYLED_REPORT_URL = "http://127.0.0.1:9"


def render_pdf_text(env, report_ref, res_ids, layout=False):
    """Render ``report_ref`` for ``res_ids`` through wkhtmltopdf and return its text.

    No-break spaces (the Russian thousands separator) become spaces. Without ``layout``
    the text is one line of words separated by single spaces."""
    env["ir.config_parameter"].sudo().set_param("report.url", UNSTYLED_REPORT_URL)
    pdf, kind = env["ir.actions.report"].with_context(
        force_report_rendering=True
    )._render_qweb_pdf(report_ref, res_ids)
    if kind != "pdf" or not pdf.startswith(b"%PDF"):
        raise AssertionError(f"{report_ref} did not render a PDF ({kind})")
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + ["-", "-"]
    text = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()
    if layout:
        return re.sub(r"[ \u00a0\u202f]+", " ", text)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def ensure_http_server():
    """Start Odoo's HTTP server when the process has none (``HttpCase`` needs it): Odoo's
    test runner serves HTTP, pytest-odoo does not. It listens on ``ASD_TEST_HTTP_PORT``,
    else on a free port the system chooses (two test runs never collide)."""
    server = odoo.service.server.server
    if server is not None and getattr(server, "httpd", None) is None:
        server.port = int(os.environ.get("ASD_TEST_HTTP_PORT") or 0)
        server.http_spawn()


# How a shop sets up its staff (none of them an Odoo administrator, none with an e-mail
# address of their own, all working in Russian): the groups of each role, with the
# "Contact Creation" right Odoo gives every new internal user by default.
SHOP_ROLES = {
    "advisor": (
        "base.group_user,base.group_partner_manager,sales_team.group_sale_salesman,"
        "auto_service_debt.group_debt_user"
    ),
    "bookkeeper": (
        "base.group_user,base.group_partner_manager,account.group_account_invoice,"
        "sales_team.group_sale_salesman,auto_service_debt.group_debt_collector"
    ),
    "owner": (
        "base.group_user,base.group_partner_manager,account.group_account_manager,"
        "sales_team.group_sale_manager,auto_service_debt.group_debt_manager"
    ),
}


SHOP_TZ = "Europe/Moscow"


def shop_today(env):
    """Today as the shop's staff (``shop_user``, in Moscow) see it: after 21:00 UTC it is
    already tomorrow there."""
    return fields.Date.context_today(env["res.partner"].with_context(tz=SHOP_TZ))


def shop_user(env, role, login=None, company=None, lang="ru_RU"):
    """A user configured like the shop's ``role`` (see ``SHOP_ROLES``): not an
    administrator, no e-mail address, Russian interface. The password is the login."""
    from odoo.tests import new_test_user

    company = company or env.company
    login = login or f"shop_{role}"
    if lang and not env["res.lang"]._lang_get(lang):
        env["res.lang"]._activate_lang(lang)
    return new_test_user(
        env, login, password=login, groups=SHOP_ROLES[role], name=f"Shop {role.title()}",
        email=False, lang=lang, tz=SHOP_TZ, company_id=company.id,
        company_ids=[(6, 0, company.ids)], context={"no_reset_password": True},
    )


class DebtFixtures:
    """Class-level fixture helpers of the addon's tests, in the manner of Odoo's
    ``AccountTestInvoicingCommon.init_invoice``: customers, posted customer invoices,
    payments through Odoo's payment wizard, work orders, the daily run and what the
    collection wrote. They need ``cls.env``; ``cls.company`` (else ``env.company``) is the
    company they work in, ``cls.service`` (when the class has one) the product of the
    invoice and order lines. Mixed into ``DebtTestCommon``, and into ``HttpCase`` tours."""

    #: An invoice without an invoice date is dated this many days before its due date.
    invoice_lead_days = 10

    @classmethod
    def _company(cls, company=None):
        return company or getattr(cls, "company", None) or cls.env.company

    @classmethod
    def _service_product(cls, name="Engine repair", list_price=1000.0):
        """A service product without taxes, invoiced on order (the shop's work)."""
        return cls.env["product.product"].create({
            "name": name, "type": "service", "list_price": list_price,
            "invoice_policy": "order", "taxes_id": [Command.clear()],
        })

    @classmethod
    def _customer(cls, name, email=False, is_company=True, tz=None, lang=None, company=None,
                  policy=None, **vals):
        """A customer; ``tz``/``lang`` are left to Odoo's defaults unless given.
        ``policy`` (company-dependent debt or credit fields, e.g. ``credit_limit``,
        ``debt_block_mode``) is written in ``company`` as a manager would, through sudo."""
        vals = dict({"name": name, "email": email, "is_company": is_company}, **vals)
        if tz is not None:
            vals["tz"] = tz
        if lang is not None:
            vals["lang"] = lang
        partner = cls.env["res.partner"].create(vals)
        if policy:
            partner.with_company(cls._company(company)).sudo().write(policy)
        return partner

    @classmethod
    def _invoice(cls, partner, amount, due=None, invoice_date=None, company=None, currency=None,
                 term=None, product=None, post=True, **vals):
        """A customer invoice of one untaxed line of ``amount``, posted unless ``post`` is
        false. Due on ``due`` (no payment term), or by ``term``; dated ``invoice_date``,
        else ``invoice_lead_days`` before ``due``. Extra ``vals`` go to the invoice."""
        company = cls._company(company)
        product = product or getattr(cls, "service", None)
        line = {"quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
        line.update({"product_id": product.id} if product else {"name": "Engine repair"})
        if invoice_date is None:
            invoice_date = fields.Date.to_date(due) - timedelta(days=cls.invoice_lead_days)
        move_vals = {
            "move_type": "out_invoice", "partner_id": partner.id, "company_id": company.id,
            "invoice_date": invoice_date, "invoice_line_ids": [Command.create(line)],
        }
        if term:
            move_vals["invoice_payment_term_id"] = term.id
        else:
            move_vals.update({"invoice_payment_term_id": False, "invoice_date_due": due})
        if currency:
            move_vals["currency_id"] = currency.id
        move = cls.env["account.move"].with_company(company).create(dict(move_vals, **vals))
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoices, amount=None, on=None):
        """Register a payment of ``invoices`` (in full unless ``amount``, one payment for
        them all) on ``on``, else on the first one's due date, through Odoo's wizard."""
        vals = {"payment_date": on or invoices[:1].invoice_date_due, "group_payment": True}
        if amount is not None:
            vals["amount"] = amount
        return cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices.ids
        ).create(vals)._create_payments()

    @classmethod
    def _plan(cls, invoices, count, first_due_date, interval="months"):
        """A confirmed installment plan of ``invoices`` in ``count`` installments from
        ``first_due_date``, made through the plan wizard."""
        wizard = cls.env["debt.installment.plan.wizard"].with_context(
            active_model="account.move", active_ids=invoices.ids,
        ).create({"installment_count": count, "interval": interval, "first_due_date": first_due_date})
        plan = cls.env["debt.installment.plan"].browse(wizard.action_create_plan()["res_id"])
        plan.action_confirm()
        return plan

    @classmethod
    def _order(cls, partner, amount=1000.0, company=None, user=None, product=None, confirm=False):
        """A work order (sale order) of one untaxed line, made by ``user``; confirmed by
        ``user`` when ``confirm``."""
        company = cls._company(company)
        order = cls.env["sale.order"].with_user(user or cls.env.user).with_company(company).create({
            "partner_id": partner.id, "company_id": company.id,
            "order_line": [Command.create({
                "product_id": (product or cls.service).id, "product_uom_qty": 1, "price_unit": amount,
                "tax_id": [Command.clear()],
            })],
        })
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _run(cls, day, steps=None, companies=None, again=False):
        """The daily run for ``day`` (``steps`` only, when given), as the scheduler runs
        it. A step already done for that day is skipped, unless ``again``, which forgets
        the runs done so far."""
        if again:
            cls.env["debt.daily.run.state"].sudo().search([]).unlink()
        return cls.env["debt.daily.run"]._run(
            companies=companies or cls._company(), today=fields.Date.to_date(day),
            steps=list(steps) if steps else None,
        )

    @classmethod
    def _step(cls, model, method, partners, day=None, company=None):
        """One step of the daily run for ``partners`` on ``day`` (default today)."""
        return getattr(cls.env[model], method)(
            partners.commercial_partner_id, cls._company(company), fields.Date.to_date(day or fields.Date.today()))

    @classmethod
    def _case(cls, partner, company=None):
        """The customer's latest collection case in the company, whatever its state."""
        return cls.env["debt.collection.case"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", cls._company(company).id)],
            order="id desc", limit=1,
        )

    @classmethod
    def _open_case(cls, partner, company=None):
        """The customer's open collection cases in the company (one at most)."""
        return cls.env["debt.collection.case"].search([
            ("partner_id", "=", partner.id), ("company_id", "=", cls._company(company).id),
            ("state", "=", "open"),
        ])

    @classmethod
    def _mails(cls, record):
        """Mails to the debtor about ``record`` (not the notifications of its activities)."""
        debtor = record.partner_id if record._name == "debt.collection.case" else record
        return cls.env["mail.mail"].search(
            [("model", "=", record._name), ("res_id", "=", record.id), ("recipient_ids", "in", debtor.ids)],
            order="id",
        )

    @classmethod
    def _activities(cls, record):
        return cls.env["mail.activity"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="id"
        )


class DebtTestCommon(DebtFixtures, AccountTestInvoicingCommon):
    """``AccountTestInvoicingCommon`` with the addon's fixture helpers (``DebtFixtures``)."""


class RussianShopCommon(DebtTestCommon):
    """The test company as a Russian shop prints its documents: roubles, INN/KPP/OGRN,
    address, signatory, a bank account; Russian and English active."""

    @classmethod
    def setup_independent_company(cls, **kwargs):
        rub = cls.env.ref("base.RUB")
        rub.active = True
        return cls._create_company(
            name="ООО «Гараж-Тест»", currency_id=rub.id, country_id=cls.env.ref("base.ru").id,
            street="ул. Моторная, д. 1", city="Москва", zip="101000",
            vat="7701234567", company_registry="1027700000001",
            **kwargs,
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.env.ref("base.lang_ru").active = True
        cls.env.ref("base.lang_en").active = True
        cls.company.write({
            "external_report_layout_id": cls.env.ref("web.external_layout_standard").id,
            "debt_claim_signatory_name": "Петров П. П.",
            "debt_claim_signatory_title": "Генеральный директор",
        })
        cls.company.partner_id.debt_kpp = "770101001"
        bank = cls.env["res.bank"].create({"name": "ПАО Сбербанк", "bic": "044525225"})
        cls.env["res.partner.bank"].create({
            "partner_id": cls.company.partner_id.id, "bank_id": bank.id,
            "acc_number": "40702810900000012345", "company_id": cls.company.id,
            "allow_out_payment": True,
        })
