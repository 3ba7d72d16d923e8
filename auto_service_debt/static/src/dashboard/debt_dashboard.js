/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";

// Debt Control → Overview: the figures of debt.dashboard.get_dashboard_data (one call);
// each figure opens the records behind it with the action the server built for it.
export class DebtDashboard extends Component {
    static template = "auto_service_debt.DebtDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        onWillStart(async () => {
            this.state.data = await this.orm.call("debt.dashboard", "get_dashboard_data", []);
        });
    }

    get dsoTooltip() {
        return _t(
            "Days sales outstanding: the receivable open today divided by the credit sales " +
                "(posted customer invoices less credit notes) of the last %(days)s days, times %(days)s.",
            { days: this.state.data.dso.window }
        );
    }

    get dsoDays() {
        return _t("%(days)s days", { days: this.state.data.dso.days });
    }

    get salesLabel() {
        return _t("Sales of the last %(days)s days", { days: this.state.data.dso.window });
    }

    get collectedTooltip() {
        return _t("Posted customer payments received, by payment date, in company currency.");
    }

    /** An amount in the company currency, without decimals (the overview rounds). */
    money(amount) {
        const { symbol, position } = this.state.data.currency;
        const value = formatFloat(amount || 0, { digits: [false, 0] });
        return position === "before" ? `${symbol}\u00a0${value}` : `${value}\u00a0${symbol}`;
    }

    get collectedTrend() {
        const { this_month, last_month } = this.state.data.collected;
        if (!last_month.amount) {
            return null;
        }
        return Math.round((this_month.amount / last_month.amount) * 100);
    }

    open(figure) {
        if (figure && figure.action) {
            this.action.doAction(figure.action);
        }
    }
}

registry.category("actions").add("auto_service_debt.debt_dashboard", DebtDashboard);
