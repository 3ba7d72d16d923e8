from . import (
    debt_block_override_wizard,
    debt_collection_wizards,
    debt_installment_plan_wizard,
    debt_penalty_invoice_wizard,
    debt_penalty_waive_wizard,
    debt_vehicle_release_wizard,
    debt_write_off_wizard,
)
