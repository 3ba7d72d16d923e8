"""Demo data of a car-repair shop, dated relative to the day it is loaded."""

from datetime import timedelta

from odoo import Command, api, fields, models

CUSTOMERS = [
    # ref, name, is_company, city, street, email, phone, plate, vin, model
    ("DEMO-01", "Иванов Сергей Петрович", False, "Москва", "ул. Тверская, д. 12, кв. 5",
     "ivanov@example.ru", "+7 916 111-22-33", "А123ВС777", "XTA21700080012345", "Vesta"),
    ("DEMO-02", "ООО «ТрансЛогистик»", True, "Подольск", "ул. Промышленная, д. 3",
     "buh@translogistic.example.ru", "+7 495 222-33-44", "В456ОР750", "Z94CB41AAGR123456", "Solaris"),
    ("DEMO-03", "Петрова Анна Викторовна", False, "Химки", "ул. Лавочкина, д. 7, кв. 41",
     "petrova@example.ru", "+7 903 333-44-55", "Е789КХ190", "XWEPH81ADL0001234", "Rio"),
    ("DEMO-04", "ИП Смирнов Алексей Иванович", True, "Москва", "Варшавское ш., д. 95",
     "smirnov.ip@example.ru", "+7 925 444-55-66", "К321МН799", "WVWZZZ6RZDY123456", "Polo"),
    ("DEMO-05", "Кузнецов Дмитрий Олегович", False, "Люберцы", "Октябрьский пр-т, д. 150",
     False, "+7 926 555-66-77", "М654ТУ750", "XTA21700080054321", "Vesta"),
    ("DEMO-06", "ООО «СтройМонтаж»", True, "Москва", "ул. Нижегородская, д. 32, стр. 4",
     "office@stroymontazh.example.ru", "+7 495 666-77-88", "О987АВ977", "Z94CB41AAGR654321", "Solaris"),
    ("DEMO-07", "Соколова Елена Игоревна", False, "Мытищи", "ул. Мира, д. 18, кв. 3",
     "sokolova@example.ru", "+7 915 777-88-99", "Р159СЕ750", "XWEPH81ADL0004321", "Rio"),
    ("DEMO-08", "АО «Такси-Сервис»", True, "Москва", "Ленинградский пр-т, д. 80",
     "fin@taxi-service.example.ru", "+7 495 888-99-00", "С753ХА777", "WVWZZZ6RZDY654321", "Polo"),
    ("DEMO-09", "Волков Игорь Николаевич", False, "Красногорск", "ул. Ленина, д. 4, кв. 12",
     "volkov@example.ru", "+7 917 999-00-11", "Т852УК750", "XTA21700080099999", "Vesta"),
    ("DEMO-10", "ООО «Фермер-Агро»", True, "Дмитров", "ул. Загорская, д. 1",
     "agro@farmer.example.ru", "+7 496 100-20-30", "У963НЕ150", "Z94CB41AAGR999999", "Solaris"),
]

# (customer index, amount, days overdue at load, paid share) — negative days: not yet due.
INVOICES = [
    (0, 18500.00, 25, 0), (0, 7200.00, 12, 0), (0, 3400.00, 400, 1), (0, 12900.00, -10, 0),
    (1, 145000.00, 28, 0.4), (1, 86000.00, 25, 0), (1, 52000.00, 5, 0), (1, 64000.00, 200, 1),
    (1, 91000.00, -20, 0), (2, 9900.00, 5, 0), (2, 15600.00, 150, 1), (2, 4300.00, -5, 0),
    (3, 38000.00, 12, 0.5), (3, 21000.00, -20, 0), (3, 17500.00, 300, 1), (3, 12000.00, -3, 0),
    (4, 26500.00, 15, 0), (4, 11000.00, 5, 0), (4, 8800.00, 90, 1), (5, 240000.00, 27, 0.25),
    (5, 130000.00, 18, 0), (5, 75000.00, 5, 0), (5, 98000.00, 250, 1), (5, 60000.00, -15, 0),
    (6, 5600.00, 180, 1), (6, 7300.00, 60, 1), (6, 9400.00, -7, 0), (7, 310000.00, 22, 0.5),
    (7, 180000.00, 25, 0), (7, 95000.00, 120, 1), (7, 120000.00, -25, 0), (7, 45000.00, 5, 0),
    (8, 14200.00, 5, 0), (8, 6600.00, 330, 1), (8, 22400.00, -8, 0), (9, 420000.00, 8, 0.3),
    (9, 110000.00, -10, 0), (9, 87000.00, 160, 1), (9, 56000.00, -12, 0), (9, 33000.00, 3, 0),
]

# The shop's terms: any customer may be 30 days late (company default); the credit limits
# are the customers' own. With them and the day's collection stages (a case at Final
# notice or later blocks new work) half of the customers are blocked:
#   DEMO-01 blocked by its case at Final notice (25 days late, within the 30 days);
#   DEMO-02 own terms (60 days, 200 000) and 225 000 overdue: blocked by the amount;
#   DEMO-04 over its credit limit of 50 000 (52 000 owed, 12 days late);
#   DEMO-06 blocked by its case at Final notice (27 days late); DEMO-07 blocked by hand
#   although it owes nothing overdue; DEMO-03 (her invoice 5 days late in an installment
#   plan from today, a portal login), -05, -09, -10 a few days late, and DEMO-08
#   trusted ("never block") although 22 days late, are served.
# No debt is older than the Claim letter stage (30 days): a first run over the demo opens
# the early stages only, as a shop's first weeks would.
DEMO_COMPANY_TERMS = {
    "debt_max_overdue_days": 30,
    "debt_max_overdue_amount": 0.0,
    "debt_prepayment_percent": 0.0,
    "debt_claim_signatory_name": "Андреев А. А.",
    "debt_claim_signatory_title": "Генеральный директор",
}
CREDIT_LIMITS = {"DEMO-04": 50000.0, "DEMO-10": 1000000.0}  # else 50 000 / 500 000
CUSTOMER_TERMS = {
    "DEMO-02": {"debt_custom_terms": True, "debt_max_overdue_days": 60,
                "debt_max_overdue_amount": 200000.0},
    "DEMO-07": {"debt_block_mode": "always",
                "debt_block_reason": "Отказалась оплатить согласованные по телефону работы; "
                                     "обслуживание только после разговора с владельцем"},
    "DEMO-08": {"debt_block_mode": "never"},
}
# The fleet contracts the owner negotiated himself: he is their salesperson. The other
# customers have none: their cases go to the company's default collector (the bookkeeper).
OWNER_ACCOUNTS = ("DEMO-02", "DEMO-08")

# The customer with an installment plan and a portal login (her own: login and password).
PORTAL_CUSTOMER, PORTAL_LOGIN = 2, "petrova"

# (login, name, role's groups): the staff, none of them an administrator.
DEMO_USERS = (
    ("advisor", "Мастер-приёмщик Олег", (
        "sales_team.group_sale_salesman", "stock.group_stock_user",
        "auto_service_debt.group_debt_user",
    )),
    ("bookkeeper", "Бухгалтер Марина", (
        "account.group_account_invoice", "sales_team.group_sale_salesman_all_leads",
        "auto_service_debt.group_debt_collector",
    )),
    ("owner", "Владелец Андрей", (
        "account.group_account_manager", "sales_team.group_sale_manager", "stock.group_stock_user",
        "auto_service_debt.group_debt_manager",
    )),
)


class DebtDemoLoader(models.AbstractModel):
    """Creates the demo shop: a Russian company in RUB, its staff, customers, cars,
    orders and invoices, and the day's daily run."""

    _name = "debt.demo.loader"
    _description = "Debt Control Demo Loader"

    @api.model
    def _load_demo(self):
        lang = self._demo_language()
        company = self._demo_company(lang)
        users = self._demo_users(company, lang)
        bad_debt = self.env["account.account"].create({
            "code": "910200", "name": "Списание безнадёжной дебиторской задолженности",
            "account_type": "expense", "company_ids": [Command.set(company.ids)],
        })
        company.write(dict(
            DEMO_COMPANY_TERMS, debt_collector_id=users["bookkeeper"].id,
            debt_bad_debt_account_id=bad_debt.id,
        ))
        env = self.with_company(company).with_context(
            allowed_company_ids=[company.id], tracking_disable=True, mail_notrack=True
        ).env
        advisor = users["advisor"]
        today = fields.Date.context_today(self)
        brand = env["fleet.vehicle.model.brand"].create({"name": "Demo Motors"})
        models_by_name = {
            name: env["fleet.vehicle.model"].create({"name": name, "brand_id": brand.id})
            for name in ("Vesta", "Solaris", "Rio", "Polo")
        }
        partners, vehicles = [], []
        for ref, name, is_company, city, street, email, phone, plate, vin, model in CUSTOMERS:
            partner = env["res.partner"].create({
                "ref": ref, "name": name, "is_company": is_company, "city": city,
                "street": street, "email": email, "phone": phone, "lang": lang,
                "country_id": env.ref("base.ru").id, "company_id": False,
                "user_id": users["owner"].id if ref in OWNER_ACCOUNTS else False,
            })
            partner.with_company(company).credit_limit = CREDIT_LIMITS.get(
                ref, 500000.0 if is_company else 50000.0
            )
            partners.append(partner)
            vehicles.append(env["fleet.vehicle"].create({
                "model_id": models_by_name[model].id, "license_plate": plate, "vin_sn": vin,
                "debt_customer_id": partner.id, "debt_owner_id": partner.id,
                "company_id": company.id,
            }))
        service = env["product.product"].create({
            "name": "Ремонтные работы", "type": "service", "list_price": 1000.0,
            "invoice_policy": "order", "taxes_id": [Command.clear()],
        })

        def work_order(idx, price):
            return env["sale.order"].create({
                "partner_id": partners[idx].id, "company_id": company.id, "user_id": advisor.id,
                "debt_vehicle_id": vehicles[idx].id,
                "order_line": [Command.create({
                    "product_id": service.id, "product_uom_qty": 1, "price_unit": price,
                    "tax_id": [Command.clear()],
                })],
            })

        # Confirmed work orders, not yet invoiced (confirmed before the debts below exist).
        for idx in (1, 6, 9):
            work_order(idx, 15000.0).action_confirm()
        # A quotation and repair orders of the day, written by the advisor.
        work_order(5, 8500.0)
        repairs = env["repair.order"].create([{
            "partner_id": partners[idx].id, "company_id": company.id, "user_id": advisor.id,
            "debt_vehicle_id": vehicles[idx].id, "internal_notes": note,
        } for idx, note in (
            (7, "Замена тормозных колодок, передняя ось"),
            (2, "Диагностика подвески, стук справа"),
            (0, "Замена ремня ГРМ"),
        )])
        repairs[0]._action_repair_confirm()
        moves = env["account.move"]
        for idx, amount, days, _paid in INVOICES:
            due = today - timedelta(days=days)
            moves |= env["account.move"].create({
                "move_type": "out_invoice", "partner_id": partners[idx].id,
                "invoice_user_id": advisor.id,
                # an upcoming payment is upcoming by its due date: no invoice is dated
                # after today (the statement's closing balance is the debt of the day)
                "invoice_date": min(due - timedelta(days=10), today), "invoice_date_due": due,
                "debt_vehicle_id": vehicles[idx].id, "company_id": company.id,
                "invoice_line_ids": [Command.create({
                    "product_id": service.id, "quantity": 1, "price_unit": amount,
                    "tax_ids": [Command.clear()],
                })],
            })
        moves.action_post()
        for move, (_idx, amount, _days, paid) in zip(moves, INVOICES, strict=True):
            if paid:
                pay_date = min(move.invoice_date_due + timedelta(days=3 if paid == 1 else 7), today)
                env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=move.ids
                ).create({
                    "amount": company.currency_id.round(amount * paid),
                    "payment_date": pay_date,
                }).action_create_payments()
        for partner in partners:
            if partner.ref in CUSTOMER_TERMS:
                partner.with_company(company).write(CUSTOMER_TERMS[partner.ref])
        self._demo_online_payment(company)
        self._demo_portal_customer(company, partners[PORTAL_CUSTOMER], moves, today, lang)
        # The night's run done once: cases at their stages, reminders, activities, scores.
        self.env["debt.daily.run"]._run(companies=company, today=today)
        return True

    @api.model
    def _demo_online_payment(self, company):
        """Odoo's demo payment provider in test mode for the shop, when its module is
        installed: the pay-now links and the portal's pay buttons then work end to end."""
        Provider = self.env["payment.provider"].sudo()
        provider = Provider.search([("code", "=", "demo"), ("company_id", "=", company.id)], limit=1)
        if not provider:
            base = Provider.search([("code", "=", "demo")], limit=1)
            if not base:
                return
            provider = base.copy({"company_id": company.id})
        provider.write({"state": "test", "is_published": True})

    @api.model
    def _demo_portal_customer(self, company, partner, moves, today, lang):
        """A customer who pays her oldest debt in installments and follows it on the portal
        (login and password ``petrova``): her invoice 5 days late goes into a plan of three
        monthly installments from today."""
        invoice = moves.filtered(
            lambda m: m.partner_id == partner and m.invoice_date_due < today and m.amount_residual
        )[:1]
        wizard = self.env["debt.installment.plan.wizard"].with_company(company).with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"installment_count": 3, "interval": "months", "first_due_date": today})
        plan = self.env["debt.installment.plan"].browse(wizard.action_create_plan()["res_id"])
        plan.action_confirm()
        self.env["res.users"].with_context(no_reset_password=True).create({
            "login": PORTAL_LOGIN, "password": PORTAL_LOGIN, "name": partner.name,
            "partner_id": partner.id, "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            "lang": lang, "tz": "Europe/Moscow",
        })

    @api.model
    def _demo_language(self):
        """The demo shop works in Russian: activate it with its translations when the
        database has not loaded it; English if it cannot be activated."""
        Lang = self.env["res.lang"]
        if not Lang._lang_get("ru_RU"):
            # Activating a language loads the terms of the installed modules.
            Lang._activate_and_install_lang("ru_RU")
        if not Lang._lang_get("ru_RU"):
            return "en_US"
        # This module's terms (stages, activities, e-mail templates) are loaded after its
        # demo data; the demo's daily run writes them already.
        self.env["ir.module.module"]._load_module_terms(["auto_service_debt"], ["ru_RU"])
        return "ru_RU"

    @api.model
    def _demo_company(self, lang):
        rub = self.env.ref("base.RUB")
        rub.active = True
        company = self.env["res.company"].create({
            "name": "ООО «Автосервис Гараж»",
            "currency_id": rub.id,
            "country_id": self.env.ref("base.ru").id,
            "city": "Москва",
            "street": "ул. Автомоторная, д. 5",
            "zip": "125438",
            "vat": "7743123456",
            "company_registry": "1177746123456",
            "phone": "+7 495 123-45-67",
            "email": "info@garage.example.ru",
        })
        company.partner_id.write({"lang": lang, "debt_kpp": "774301001"})
        # the account the letters print as the payment details
        bank = self.env["res.bank"].search([("bic", "=", "044525225")], limit=1) or self.env["res.bank"].create(
            {"name": "ПАО Сбербанк", "bic": "044525225"})
        bank.debt_corr_account = bank.debt_corr_account or "30101810400000000225"
        self.env["res.partner.bank"].create({
            "partner_id": company.partner_id.id, "bank_id": bank.id, "company_id": company.id,
            "acc_number": "40702810938000012345", "allow_out_payment": True,
        })
        # The warehouse code prefixes the repair order numbers («ГАР/RO/00001»); by default
        # it is the start of the company's name («ООО «»).
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        warehouse.code = "ГАР"
        # stock renames the sequences of its own operation types only
        repair_type = warehouse.repair_type_id
        repair_type.sequence_id.prefix = f"{warehouse.code}/{repair_type.sequence_code or 'RO'}/"
        self.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        # the generic chart sets its own currency; the shop works in roubles
        company.currency_id = rub
        users = self.env.ref("base.user_admin") | self.env.ref("base.user_root")
        users.write({"company_ids": [Command.link(company.id)]})
        self.env.ref("base.user_admin").company_id = company
        self.env.ref("base.partner_admin").lang = lang
        return company

    @api.model
    def _demo_users(self, company, lang):
        """The shop's staff with the groups of their roles: ``{login: user}``."""
        users = {}
        for login, name, groups in DEMO_USERS:
            users[login] = self.env["res.users"].with_context(no_reset_password=True).create({
                "login": login, "password": login, "name": name,
                "company_id": company.id, "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([
                    self.env.ref(xmlid).id for xmlid in ("base.group_user", *groups)
                ])],
                "lang": lang, "tz": "Europe/Moscow",
            })
        return users
