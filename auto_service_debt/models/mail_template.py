"""Dunning e-mails: their QWeb bodies compiled once for a whole batch of records."""

import logging
import traceback

from lxml import html
from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import safe_eval
from odoo.tools.lru import LRU

_logger = logging.getLogger(__name__)

# Compiled dunning bodies, keyed by source and compile context: Odoo compiles an inline
# QWeb body again for every record, which dominated the time of a dunning batch.
_DEBT_COMPILED = LRU(32)


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        """Render the dunning bodies (context key ``debt_mail``) with one compilation of
        the source for all records; anything else renders as usual."""
        if (
            not self.env.context.get("debt_mail")
            or not template_src
            or not res_ids
            or not self._has_unsafe_expression_template_qweb(template_src, model)
            or not (
                self._unrestricted_rendering
                or self.env.is_admin()
                or self.env.user.has_group("mail.group_mail_template_editor")
            )
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        variables = self._render_eval_context()
        if add_context:
            variables.update(**add_context)
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        self._debt_memoize_formats(variables, self.env.cr.cache.setdefault(
            ("debt_mail_formats", self.env.lang, lang.date_format, lang.thousands_sep,
             lang.decimal_point, lang.grouping), {}))
        options = options or {}
        results = {}
        IrQweb = self.env["ir.qweb"].with_context(**options)
        render = None
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            ir_qweb = IrQweb._prepare_environment(values)
            safe_eval.check_values(values)
            if render is None:
                key = (
                    self.env.registry.db_name,
                    template_src,
                    tuple(sorted((k, str(v)) for k, v in options.items())),
                    tuple(str(ir_qweb.env.context.get(k)) for k in ir_qweb._get_template_cache_keys()),
                    bool(ir_qweb.env.context.get("dev_mode")),
                )
                compiled = _DEBT_COMPILED.get(key)
                if compiled is None:
                    compiled = ir_qweb._compile(
                        html.fragment_fromstring(template_src, create_parent="div")
                    )
                    _DEBT_COMPILED[key] = compiled
                functions, def_name = compiled
                render = functions[def_name]
            try:
                rendered = Markup("".join(render(ir_qweb, values)))
            except Exception as e:
                _logger.info("Failed to render template: %s", template_src, exc_info=True)
                raise UserError(self.env._(
                    "Failed to render QWeb template: %(template_src)s\n\n%(template_traceback)s)",
                    template_src=template_src, template_traceback=traceback.format_exc(),
                )) from e
            # Drop the <div> wrapping the fragment, as the standard rendering does.
            results[record.id] = rendered[5:-6]
        return results

    @staticmethod
    def _debt_memoize_formats(variables, caches):
        """The bodies of a run format the same values again and again (the items' amounts
        in the table and in the payment block, totals, dates): the formatting functions of
        the rendering context answer each distinct call once per transaction and language
        (``caches``: they depend on their arguments and the language only)."""
        for name in ("format_amount", "format_date"):
            function = variables.get(name)
            if function is None:
                continue
            cache = caches.setdefault(name, {})
            if len(cache) > 100_000:
                cache.clear()

            def memoized(*args, __function=function, __cache=cache, **kwargs):
                try:
                    key = (*(
                        (arg.id, arg.symbol, arg.position, arg.decimal_places, arg.rounding)
                        if isinstance(arg, models.BaseModel) and arg._name == "res.currency"
                        else arg
                        for arg in args
                    ), *sorted(kwargs.items()))
                    if any(isinstance(part, models.BaseModel) for part in key):
                        return __function(*args, **kwargs)
                    hash(key)
                except TypeError:
                    return __function(*args, **kwargs)
                if key not in __cache:
                    __cache[key] = __function(*args, **kwargs)
                return __cache[key]

            variables[name] = memoized

