from . import debt_aging_report
