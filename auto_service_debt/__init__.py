from . import models, reports, tools, wizards
