from . import debt_payment
from . import portal
