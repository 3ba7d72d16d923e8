/** @odoo-module **/

import { registry } from "@web/core/registry";

// One tour per role of the shop (data made by tests/test_tour_roles.py). The users work in
// Russian: selectors use names, ids and xmlids, never a label; the texts the user reads are
// checked in Russian. Record and action ids come from the test in the cookie
// "asd_roles_tour" (buttons of type "action" are named by the action's id).

function tourIds() {
    const match = document.cookie.match(/(?:^|;\s*)asd_roles_tour=([^;]*)/);
    return Object.fromEntries(new URLSearchParams(match ? decodeURIComponent(match[1]) : ""));
}

const DEBTOR = "ООО «Колесо»";
const BLOCKED_TITLE = "Обслуживание клиента заблокировано";

registry.category("web_tour.tours").add("asd_roles_advisor_tour", {
    steps: () => {
        const ids = tourIds();
        return [
            {
                content: "A new quotation",
                trigger: ".o_sale_order .o_form_status_indicator_new_record",
            },
            {
                content: "Choose the customer",
                trigger: ".o_field_widget[name='partner_id'] input",
                run: "edit Колесо",
            },
            {
                content: "Pick the blocked customer",
                trigger: `.o-autocomplete--dropdown-menu .ui-menu-item > a:contains('${DEBTOR}')`,
                run: "click",
            },
            {
                content: "Before saving, the banner says the customer is blocked",
                trigger:
                    `.o_sale_order:has(.o_form_status_indicator_new_record) .o_debt_banner ` +
                    `.o_debt_blocked_title:contains('${BLOCKED_TITLE}')`,
            },
            {
                content: "with the overdue days",
                trigger: ".o_debt_banner div[name='debt_overdue_days']:contains('100')",
            },
            {
                content: "with the credit limit",
                trigger: ".o_debt_banner div[name='debt_limit']:contains('1')",
            },
            {
                content: "The customer's payment-discipline grade shows beside the customer, before saving",
                trigger:
                    ".o_sale_order:has(.o_form_status_indicator_new_record) " +
                    `div[name='debt_grade']:contains('${ids.grade}')`,
            },
            {
                content: "with the reasons, in Russian",
                trigger:
                    ".o_debt_banner div[name='debt_block_info']" +
                    ":contains('Просрочка 100 дн.'):contains('Превышен кредитный лимит')",
            },
            {
                content: "Still not saved",
                trigger: ".o_sale_order .o_form_status_indicator_new_record",
            },
            {
                content: "Add a line",
                trigger: ".o_field_x2many_list_row_add > a",
                run: "click",
            },
            {
                content: "Choose the service",
                trigger:
                    ".o_data_row .o_field_widget[name='product_template_id'] input, " +
                    ".o_data_row .o_field_widget[name='product_id'] input",
                run: "edit тормозных",
            },
            {
                content: "Pick the service",
                trigger: ".o-autocomplete--dropdown-menu .ui-menu-item > a:contains('Замена тормозных колодок')",
                run: "click",
            },
            {
                content: "The line is priced",
                trigger: ".o_data_row .o_field_cell[name='price_subtotal']:contains('4')",
            },
            {
                content: "Try to confirm the quotation",
                trigger: ".o_statusbar_buttons button[name='action_confirm']",
                run: "click",
            },
            {
                content: "Refused: the dialog names the customer and the reasons, in Russian",
                trigger:
                    `.modal .o_error_dialog:contains('${DEBTOR}'):contains('заблокирован')` +
                    ":contains('Просрочка 100 дн.'):contains('Превышен кредитный лимит')",
            },
            {
                content: "No override offered to an advisor: a single Close button",
                trigger: ".modal .modal-footer:not(:has(button.btn-secondary)) button.btn-primary",
                run: "click",
            },
            {
                content: "Still a quotation",
                trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='draft']",
            },
        ];
    },
});

registry.category("web_tour.tours").add("asd_roles_bookkeeper_tour", {
    steps: () => {
        const ids = tourIds();
        return [
            {
                content: "The case of the blocked customer",
                trigger: `.o_form_view .o_field_widget[name='partner_id']:contains('${DEBTOR}')`,
            },
            // Log a call
            {
                content: "Log a call",
                trigger: `.o_statusbar_buttons button[name='${ids.log}']`,
                run: "click",
            },
            {
                content: "The call wizard",
                trigger: ".modal div[name='channel'] select, .modal div[name='channel'] input",
            },
            {
                content: "What was said",
                trigger: ".modal div[name='note'] textarea",
                run: "edit Бухгалтер обещал оплату после сверки",
            },
            {
                content: "Log it",
                trigger: ".modal .modal-footer button[name='action_log']",
                run: "click",
            },
            {
                content: "The call is on the case",
                trigger: "body:not(:has(.modal)) .o_form_view div[name='contact_count']:contains('1')",
            },
            // Promise to pay
            {
                content: "Record a promise to pay",
                trigger: `.o_statusbar_buttons button[name='${ids.promise}']`,
                run: "click",
            },
            {
                content: "Promised date: in a week",
                trigger: ".modal div[name='date'] input",
                run: "edit +7d",
            },
            {
                content: "Promised amount",
                trigger: ".modal div[name='amount'] input",
                run: "edit 5000",
            },
            {
                content: "Record it",
                trigger: ".modal .modal-footer button[name='action_record']",
                run: "click",
            },
            {
                content: "The case says escalation is paused, in Russian",
                trigger:
                    "body:not(:has(.modal)) .o_form_view .alert-warning" +
                    ":contains('Эскалация приостановлена: клиент обещал оплатить')" +
                    ":has(div[name='promise_amount']:contains('5'))",
            },
            // Send the stage's reminder by e-mail from the follow-up screen
            {
                content: "Send the reminder by e-mail",
                trigger: ".o_statusbar_buttons button[name='action_debt_remind_email']:contains('Напоминание по e-mail')",
                run: "click",
            },
            {
                content: "Queued, says the notification in Russian",
                trigger: ".o_notification:contains('Поставлено в очередь напоминаний: 1')",
            },
            {
                // the final notice the case got on entering its stage, and this one
                content: "The reminder is on the case",
                trigger: "body:not(:has(.modal)) .o_form_view div[name='reminder_count']:contains('2')",
            },
            // The claim letter
            {
                content: "Print the claim letter",
                trigger: ".o_statusbar_buttons button[name='action_debt_print_claim']",
                run: "click",
            },
            {
                content: "The claim is issued and counted on the case",
                trigger: ".o_form_view button[name='action_debt_view_claims'] div[name='debt_claim_count']:contains('1')",
            },
            {
                content: "Open the claim tab",
                trigger: ".o_form_view .o_notebook a[name='claim']",
                run: "click",
            },
            {
                content: "The claim's number (year-sequence) is on the case",
                trigger: `.o_form_view div[name='claim_id']:contains(${ids.year}-0)`,
            },
        ];
    },
});

registry.category("web_tour.tours").add("asd_roles_owner_tour", {
    steps: () => {
        const ids = tourIds();
        return [
            // Settings, through the menu
            {
                content: "Open the apps",
                trigger: ".o_navbar_apps_menu button",
                run: "click",
            },
            {
                content: "Open Debt Control",
                trigger: ".o_app[data-menu-xmlid='auto_service_debt.menu_debt_root']",
                run: "click",
            },
            {
                content: "Open Configuration",
                trigger: ".o_menu_sections [data-menu-xmlid='auto_service_debt.menu_debt_config']",
                run: "click",
            },
            {
                content: "Open Settings",
                trigger: ".dropdown-item[data-menu-xmlid='auto_service_debt.menu_debt_settings']",
                run: "click",
            },
            {
                content: "Allowed overdue days",
                trigger: ".o_form_view div[name='debt_max_overdue_days'] input",
                run: "edit 45",
            },
            {
                content: "Save",
                trigger: ".o_form_view button[name='action_save']",
                run: "click",
            },
            {
                content: "Saved",
                trigger: ".o_form_view div[name='debt_max_overdue_days'] input:value(45)",
            },
            // Override the block of a quotation
            {
                content: "Open the blocked customer's quotation",
                trigger: "body",
                run: `goToUrl /odoo/sale.order/${ids.order}`,
                expectUnloadPage: true,
            },
            {
                content: "The owner sees the banner, in Russian",
                trigger: `.o_debt_banner .o_debt_blocked_title:contains('${BLOCKED_TITLE}')`,
            },
            {
                content: "Confirm the quotation",
                trigger: ".o_statusbar_buttons button[name='action_confirm']",
                run: "click",
            },
            {
                content: "The owner is offered the override",
                trigger:
                    `.modal:has(.o_error_dialog:contains('${DEBTOR}'):contains('допускается 45 дн.')) ` +
                    ".modal-footer button.btn-primary:contains('Снять блокировку')",
                run: "click",
            },
            {
                content: "The wizard shows the reasons",
                trigger: ".modal div[name='block_reasons']:contains('Просрочка 100 дн.')",
            },
            {
                content: "Give the reason",
                trigger: ".modal div[name='reason'] textarea",
                run: "edit Договор с автопарком продлён, оплата гарантирована",
            },
            {
                content: "Override and confirm",
                trigger: ".modal .modal-footer button[name='action_override']",
                run: "click",
            },
            {
                content: "The order is confirmed",
                trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='sale']",
            },
            {
                content: "The chatter shows the reason",
                trigger: ".o-mail-Message:contains('Договор с автопарком продлён, оплата гарантирована')",
            },
            // Confirm an installment plan
            {
                content: "Open the draft installment plan",
                trigger: "body",
                run: `goToUrl /odoo/debt.installment.plan/${ids.plan}`,
                expectUnloadPage: true,
            },
            {
                content: "A draft",
                trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='draft']",
            },
            {
                content: "Confirm the plan",
                trigger: ".o_statusbar_buttons button[name='action_confirm']",
                run: "click",
            },
            {
                content: "The plan is active",
                trigger: ".o_statusbar_status button.o_arrow_button_current[data-value='active']",
            },
            // Write off the debt of a case
            {
                content: "Open the collection case",
                trigger: "body",
                run: `goToUrl /odoo/debt.collection.case/${ids.case}`,
                expectUnloadPage: true,
            },
            {
                content: "The case of the blocked customer",
                trigger: `.o_form_view .o_field_widget[name='partner_id']:contains('${DEBTOR}')`,
            },
            {
                content: "Write off",
                trigger: `.o_statusbar_buttons button[name='${ids.write_off}']`,
                run: "click",
            },
            {
                content: "The amount to write off",
                trigger: ".modal div[name='amount']:contains('12')",
            },
            {
                content: "The reason",
                trigger: ".modal div[name='reason'] input",
                run: "edit Клиент ликвидирован",
            },
            {
                content: "Write it off",
                trigger: ".modal .modal-footer button[name='action_write_off']",
                run: "click",
            },
            {
                content: "The write-off entry is posted",
                trigger: "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current[data-value='posted']",
            },
        ];
    },
});
