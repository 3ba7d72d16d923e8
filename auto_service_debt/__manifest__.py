{
    "name": "Auto Service Debt Control",
    "summary": "Credit limits, service block, installment plans, penalties, "
    "collection and claim letters for car-repair shops",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/auto-service-debt/auto_service_debt",
    "author": "Auto Service Debt",
    "license": "LGPL-3",
    "depends": ["account", "sale_management", "repair", "fleet", "mail"],
    "external_dependencies": {"python": ["openpyxl"]},
    "data": [
        "security/debt_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/res_config_settings_views.xml",
        "views/vehicle_views.xml",
        # menus last: they reference the actions above
        "views/menus.xml",
    ],
    "demo": [
        "demo/debt_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "auto_service_debt/static/src/js/tours/*.js",
        ],
    },
    "application": True,
    "installable": True,
}
