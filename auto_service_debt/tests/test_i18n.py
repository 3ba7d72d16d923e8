import re

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

# Words that read the same in Russian documents.
SAME_IN_RUSSIAN = {"VIN", "XLSX", "CSV", "PDF", "A", "B", "C", "D", "ID", "SMS", "E-mail", "Email"}


@tagged("post_install", "-at_install")
class TestRussianTranslation(TransactionCase):
    def test_every_term_has_russian(self):
        """Every user-facing term of the addon (fields, views, menus, reports, mails,
        messages in code) is translated into Russian in the installed database."""
        self.assertTrue(self.env["res.lang"]._lang_get("ru_RU"), "Russian is loaded")
        reader = TranslationModuleReader(self.env.cr, modules=["auto_service_debt"], lang="ru_RU")
        missing = set()
        count = 0
        for _module, _ttype, name, _res_id, source, value, _comments in reader:
            count += 1
            words = re.sub(r"<[^>]+>|%\([a-z_]+\)[sd]|\{[^}]*\}", " ", source)
            if not re.search(r"[A-Za-z]{2,}", words) or words.strip(" ,.:;") in SAME_IN_RUSSIAN:
                continue
            if not value or (value == source and not re.search(r"[А-Яа-яЁё]", value)):
                missing.add(f"{name}: {source[:80]!r}")
        self.assertGreater(count, 200, "the reader found the addon's terms")
        self.assertFalse(
            missing, f"{len(missing)} terms without Russian translation:\n" + "\n".join(sorted(missing)[:60])
        )
