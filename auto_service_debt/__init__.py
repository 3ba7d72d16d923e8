from . import controllers
from . import models
from . import reports
from . import tools
from . import wizards
