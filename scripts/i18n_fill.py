"""Fill untranslated entries of a .po file from the Russian translations Odoo itself
ships for the same English terms (field labels inherited from mail, account, ...).

Usage: i18n_fill.py PO_FILE ODOO_SRC
"""

import sys
from pathlib import Path

import polib

MODULES = [
    "base", "web", "mail", "account", "sale", "sale_management", "fleet", "repair", "product",
    "stock", "portal", "sms", "analytic", "uom", "resource", "digest", "utm", "payment",
]


def main(po_path, odoo_src):
    memory = {}
    for module in MODULES:
        for root in (Path(odoo_src, "addons"), Path(odoo_src, "odoo", "addons")):
            path = root / module / "i18n" / "ru.po"
            if path.exists():
                for entry in polib.pofile(str(path)):
                    if entry.msgstr and not entry.obsolete and not entry.fuzzy:
                        memory.setdefault(entry.msgid, entry.msgstr)
    po = polib.pofile(po_path, wrapwidth=0)
    filled = 0
    for entry in po.untranslated_entries():
        if entry.msgid in memory:
            entry.msgstr = memory[entry.msgid]
            filled += 1
    po.save(po_path)
    print(f"[i18n] filled {filled} entries from Odoo's own Russian translations; "
          f"{len(po.untranslated_entries())} still untranslated")


if __name__ == "__main__":
    main(*sys.argv[1:3])
