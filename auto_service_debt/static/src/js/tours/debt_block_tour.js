/** @odoo-module **/

import { registry } from "@web/core/registry";

// The data is created by the Python test; selectors do not depend on the language.

registry.category("web_tour.tours").add("asd_block_advisor_tour", {
    steps: () => [
        {
            content: "The banner tells the advisor the customer is blocked",
            trigger: ".o_debt_banner .o_debt_blocked_title",
        },
        {
            content: "The banner shows the overdue days",
            trigger: ".o_debt_banner div[name='debt_overdue_days']:contains('45')",
        },
        {
            content: "Try to confirm the quotation",
            trigger: ".o_statusbar_buttons button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The confirmation is refused with the customer and the amounts",
            trigger: ".modal .o_error_dialog:contains('Tour Debtor'):contains('1'):contains('45')",
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
    ],
});

registry.category("web_tour.tours").add("asd_block_manager_tour", {
    steps: () => [
        {
            content: "The manager sees the banner",
            trigger: ".o_debt_banner .o_debt_blocked_title",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_statusbar_buttons button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The manager is offered the override",
            trigger: ".modal:has(.o_error_dialog:contains('Tour Debtor')) .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The wizard shows the reasons",
            trigger: ".modal div[name='block_reasons']:contains('45')",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name='reason'] textarea",
            run: "edit Fleet contract renewal agreed by phone",
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
            trigger: ".o-mail-Message:contains('Fleet contract renewal agreed by phone')",
        },
    ],
});
