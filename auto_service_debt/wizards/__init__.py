from . import debt_block_override_wizard
from . import debt_installment_plan_wizard
from . import debt_collection_wizards
from . import debt_write_off_wizard
from . import debt_penalty_invoice_wizard
from . import debt_penalty_waive_wizard
from . import debt_vehicle_release_wizard
from . import debt_config_wizard
