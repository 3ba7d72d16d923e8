/** @odoo-module **/

import { registry } from "@web/core/registry";

// The customer's portal page "My debt", as a portal user reading Russian (data made by
// tests/test_tour_portal.py). Numbers and ids come from the test in the cookie
// "asd_portal_tour"; the texts the customer reads are checked in Russian.

function tourIds() {
    const match = document.cookie.match(/(?:^|;\s*)asd_portal_tour=([^;]*)/);
    return Object.fromEntries(new URLSearchParams(match ? decodeURIComponent(match[1]) : ""));
}

registry.category("web_tour.tours").add("asd_portal_debt_tour", {
    url: "/my",
    steps: () => {
        const ids = tourIds();
        return [
            {
                content: "The entry of the page on the customer's home page",
                trigger: "a[href='/my/debt']:contains('Моя задолженность')",
                run: "click",
            },
            {
                content: "The page, in Russian, with the shop's block",
                trigger: `.o_debt_portal h3:contains('Моя задолженность')`,
            },
            {
                content: "The overdue invoice with its days late",
                trigger:
                    `.o_debt_items tr.o_debt_item_overdue:has(td[name='number'] a:contains('${ids.overdue}'))` +
                    ` td[name='days_late']:contains('${ids.days}')`,
            },
            {
                content: "The items table speaks Russian",
                trigger: ".o_debt_items th:contains('Просрочено, дней')",
            },
            {
                content: "The invoice in the plan is not late",
                trigger:
                    `.o_debt_items tr:has(td[name='number'] a:contains('${ids.in_plan}'))` +
                    " td[name='number'] .badge:contains('рассрочк')",
            },
            {
                content: "The pay button of the overdue invoice leads to Odoo's invoice page",
                trigger:
                    `.o_debt_items tr:has(td[name='number'] a:contains('${ids.overdue}'))` +
                    ` a.o_debt_pay_item[href*='/my/invoices/${ids.overdue_id}?access_token=']:contains('Оплатить')`,
            },
            {
                content: "The schedule: the first installment is paid",
                trigger:
                    `.o_debt_plan[data-plan-id='${ids.plan}'] tr[data-installment-id='${ids.paid_line}']` +
                    " td[name='installment_state']:contains('Оплачено')",
            },
            {
                content: "The next installment, with what is left of it",
                trigger:
                    `.o_debt_plan[data-plan-id='${ids.plan}'] .o_debt_plan_next:contains('Следующий платёж')` +
                    `:contains('${ids.next_date}')`,
            },
            {
                content: "What the plan has been paid",
                trigger: `.o_debt_plan[data-plan-id='${ids.plan}'] span[name='plan_paid']:contains('8')`,
            },
            {
                content: "The claim issued, to download",
                trigger: `.o_debt_claims tr:contains('${ids.claim}') a.o_debt_claim_download`,
            },
            {
                content: "The reconciliation act, to download",
                trigger: "a.o_debt_act_download:contains('Акт сверки')",
            },
            {
                content: "Pay the next installment",
                trigger: `tr.o_debt_installment_next[data-installment-id='${ids.next_line}'] a.o_debt_pay_installment:contains('Оплатить')`,
                run: "click",
            },
            {
                content: "Odoo's payment form, for what is left of the installment",
                trigger: "#o_payment_form input[name='o_payment_radio'][data-provider-code='demo']",
            },
            {
                content: "for what is left of the installment, without a warning about the partner",
                trigger: `main:contains('${ids.plan_name}'):not(:has(.alert-warning))`,
                run() {
                    const spaces = (text) => text.replace(/\s+/g, " ");
                    const text = spaces(document.querySelector("main").innerText);
                    if (!text.includes(spaces(ids.next_amount))) {
                        throw new Error(`the payment form does not show ${ids.next_amount}: ${text}`);
                    }
                },
            },
        ];
    },
});
