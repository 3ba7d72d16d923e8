"""Open an Odoo environment on a database from a plain Python script (no server)."""

import contextlib
import os
import sys

# The Odoo source tree is on sys.path through the virtualenv's odoo-src.pth.
import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config


def boot(conf, db):
    config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    odoo.service.server.load_server_wide_modules()
    return odoo.modules.registry.Registry(db)


@contextlib.contextmanager
def environment(registry, context=None):
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, dict(context or {}))


def bench_dir():
    return os.path.dirname(os.path.abspath(__file__))


def log(*args):
    print(*args, file=sys.stderr, flush=True)
