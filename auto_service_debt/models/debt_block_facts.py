"""What every feature adds to the service block, declared in one place.

A :class:`BlockFact` says which column a feature adds to the one statement of the block
check (read with the debt position, see ``res.partner._debt_block_facts``), which models
and fields that column reads (flushed before the statement runs), what the composed
statement's cache depends on, how the value changes the customer's policy, and which
reason texts it gives. ``res.partner`` composes the statement, the policy and the
messages from :data:`BLOCK_FACTS` and nothing else: a feature that blocks adds one entry
here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from odoo import _lt, fields
from odoo.tools import SQL

from .debt_position import TODAY

REASON_PLAN_DEFAULTED = _lt(
    "Installment plan %(plan)s defaulted on %(date)s: the remaining debt is due at once."
)
REASON_CASE = _lt("Collection case %(case)s is at the stage %(stage)s, which blocks new work.")

# The credit policy a Debt Manager sets on a customer (company-dependent).
POLICY_FIELDS = (
    "debt_block_mode", "debt_block_reason", "debt_custom_terms", "debt_max_overdue_days",
    "debt_max_overdue_amount", "debt_prepayment_percent",
)
# Policy fields read by the block check, company-dependent (Odoo's fallback applies).
POLICY_COLUMNS = (*POLICY_FIELDS, "credit_limit")


@dataclass(frozen=True)
class BlockFact:
    """One fact of the block check about a commercial partner ``rp`` in a company."""

    #: Key of the value in the facts of a customer.
    key: str
    #: ``column(env, company) -> SQL`` over ``rp``, or ``None`` when the company does not
    #: use this fact (nothing is read).
    column: Callable
    #: ``{model: (fields)}`` the column reads, flushed before the statement runs.
    flush: dict = field(default_factory=dict)
    #: ``cache_key(company) -> hashable``: what the composed statement depends on besides
    #: the company, the language and the plan (the company settings the column reads).
    cache_key: Callable = None
    #: ``policy(policy, defaults, value)``: how the value changes the policy (in place).
    policy: Callable = None
    #: ``reasons(value, formatter) -> [text]``: the texts of the block it causes.
    reasons: Callable = None


def _policy_column(fname):
    def column(env, company):
        return env["res.partner"].with_company(company).sudo()._field_to_sql("rp", fname)
    return column


def _defaulted_plans(env, company):
    # A defaulted plan whose covered invoices are still not paid: its number and date.
    return SQL(
        """
        (SELECT json_agg(json_build_array(plan.name, plan.defaulted_date)
                         ORDER BY plan.defaulted_date, plan.id)
           FROM debt_installment_plan plan
          WHERE plan.partner_id = rp.id
            AND plan.company_id = %s
            AND plan.state = 'defaulted'
            AND (SELECT MAX(move.amount_residual) FROM account_move move
                  WHERE move.id = ANY(ARRAY(
                        SELECT rel.move_id FROM debt_installment_plan_move_rel rel
                         WHERE rel.plan_id = plan.id))) > 0)
        """,
        company.id,
    )


def _defaulted_plan_reasons(value, formatter):
    return [
        formatter.text(REASON_PLAN_DEFAULTED, plan=name, date=formatter.date(fields.Date.to_date(day)))
        for name, day in value or ()
    ]


def _grade(env, company):
    # The company's grade rules raise the prepayment of C and D customers.
    if not company.debt_grade_rules:
        return None
    return SQL(
        "(SELECT score.grade FROM debt_partner_score score"
        "  WHERE score.partner_id = rp.id AND score.company_id = %s)",
        company.id,
    )


def _grade_policy(policy, defaults, value):
    percent = defaults["grade_prepayment"].get(value)
    if percent and policy["mode"] != "never":
        policy["prepayment_percent"] = max(policy["prepayment_percent"], percent)


def _blocking_cases(env, company):
    # An open case at a stage that blocks, not paused under a plan: number and stage.
    return SQL(
        """
        (SELECT json_agg(json_build_array(
                    c.name,
                    (SELECT %s FROM debt_collection_stage stage WHERE stage.id = c.stage_id)
                ) ORDER BY c.id)
           FROM debt_collection_case c
          WHERE c.partner_id = rp.id
            AND c.company_id = %s
            AND c.state = 'open'
            AND c.block_service
            AND c.plan_id IS NULL)
        """,
        env["debt.collection.stage"]._field_to_sql("stage", "name"),
        company.id,
    )


def _blocking_case_reasons(value, formatter):
    return [formatter.text(REASON_CASE, case=case, stage=stage) for case, stage in value or ()]


def _chain(env, company):
    # The customer's position in the other companies of the chain (read always, for the
    # banners and the block message; it blocks only where the company says so).
    return env["debt.position"]._chain_column(company, TODAY)


def _chain_key(company):
    return tuple(company.env["debt.position"]._chain_company_ids(company))


#: Every fact of the block check, in the order of the statement's columns and of the
#: reason texts (the credit policy first, then the features).
BLOCK_FACTS = (
    *(BlockFact(fname, _policy_column(fname), {"res.partner": (fname,)}) for fname in POLICY_COLUMNS),
    BlockFact(
        "debt_defaulted_plans", _defaulted_plans,
        flush={"debt.installment.plan": ("state", "partner_id", "company_id", "name", "defaulted_date",
                                         "invoice_ids"),
               "account.move": ("amount_residual",)},
        reasons=_defaulted_plan_reasons,
    ),
    BlockFact(
        "debt_grade", _grade,
        flush={"debt.partner.score": ("grade", "partner_id", "company_id")},
        cache_key=lambda company: company.debt_grade_rules,
        policy=_grade_policy,
    ),
    BlockFact(
        "debt_blocking_cases", _blocking_cases,
        flush={"debt.collection.case": ("name", "stage_id", "partner_id", "company_id", "state",
                                        "block_service", "plan_id"),
               "debt.collection.stage": ("name",)},
        reasons=_blocking_case_reasons,
    ),
    # judged by evaluate_block (``chain``) when the company has ``debt_chain_block``
    BlockFact("debt_chain", _chain, cache_key=_chain_key),
)
