from . import debt_payment
