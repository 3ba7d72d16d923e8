/** @odoo-module **/

import { registry } from "@web/core/registry";

// The owner's overview (data made by tests/test_tour_dashboard.py), in Russian: figures
// are found by their data attributes, the texts the owner reads are checked in Russian.
// The test passes its ids and expected figures in the cookie "asd_dashboard_tour".

function tourIds() {
    const match = document.cookie.match(/(?:^|;\s*)asd_dashboard_tour=([^;]*)/);
    return Object.fromEntries(new URLSearchParams(match ? decodeURIComponent(match[1]) : ""));
}

const DEBTOR = "ООО «Крупный Должник»";

registry.category("web_tour.tours").add("asd_dashboard_owner_tour", {
    steps: () => {
        const ids = tourIds();
        return [
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
                content: "Debt Control opens on its Overview",
                trigger: ".o_menu_sections [data-menu-xmlid='auto_service_debt.menu_debt_overview']",
            },
            {
                content: "The overview, in Russian",
                trigger: ".o_debt_dashboard h2:contains('Обзор задолженности')",
            },
            {
                content: "The blocked customers, as the server counts them",
                trigger: `.o_debt_dashboard a[data-figure='blocked']:contains(${ids.blocked})`,
            },
            {
                content: "The biggest debtor heads the top ten",
                trigger:
                    ".o_debt_dashboard [data-card='top_debtors'] tbody tr:first-child" +
                    `[data-partner-id='${ids.debtor}']:contains('${DEBTOR}')`,
            },
            {
                content: "with 40 days late",
                trigger: `.o_debt_dashboard tr[data-partner-id='${ids.debtor}'] td:contains(40)`,
            },
            {
                content: "Open what the debtor owes past due",
                trigger: `.o_debt_dashboard a[data-figure='debtor_${ids.debtor}']:contains(7)`,
                run: "click",
            },
            {
                content: "The list names the debtor",
                trigger: `.o_breadcrumb .active:contains('${DEBTOR}')`,
            },
            {
                content: "It shows the two overdue items",
                trigger:
                    `.o_list_view .o_data_row:contains('${ids.first}') ~ .o_data_row:contains('${ids.second}'), ` +
                    `.o_list_view .o_data_row:contains('${ids.second}') ~ .o_data_row:contains('${ids.first}')`,
            },
            {
                content: "and only them (the invoice not yet due is not behind the figure)",
                trigger: ".o_list_view:not(:has(.o_data_row:nth-child(3))) .o_data_row:nth-child(2)",
            },
            {
                content: "Back to the overview",
                trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li:first-child a",
                run: "click",
            },
            {
                content: "The overview again",
                trigger: ".o_debt_dashboard [data-card='overdue']",
            },
        ];
    },
});
