"""Set-based inserts of the rows a daily run creates by the thousand (chatter messages,
queued e-mails), with the column values the ORM's ``create`` would store."""

from collections import defaultdict

from odoo.tools import SQL, float_repr

LOG_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


def insert_rows(model, vals_list, protected=()):
    """Insert ``vals_list`` (dicts of stored column fields of ``model``, defaults
    included, as ``create`` receives them after its own preparation) in one statement
    and return the new ids in the order of ``vals_list``.

    Every value goes through its field's own column conversion, as in the ORM's
    ``_create`` (an HTML field's sanitizing included); an HTML value repeated in many
    rows (a note logged on many records) is converted once. Fields computed from the
    new rows are marked as ``create`` marks them (but not the ``protected`` fields,
    given for the new rows: precomputed ones); nothing else of ``create``'s Python
    side runs: the caller invalidates the one2many fields the new rows belong to."""
    if not vals_list:
        return []
    fnames = sorted({fname for vals in vals_list for fname in vals})
    fields = [model._fields[fname] for fname in fnames]
    for field in fields:
        if not field.store or not field.column_type or field.inherited:
            raise ValueError(f"{model._name}.{field.name} is not a column of {model._table}")
    uid, now = model.env.uid, model.env.cr.now()
    converted = {field.name: {} for field in fields if field.type == "html"}
    currencies = {}
    for field in fields:
        if field.type == "monetary":
            _resolve_currencies(field, model, vals_list, currencies)
    rows = []
    for vals in vals_list:
        row = [uid, now, uid, now] if model._log_access else []
        for field in fields:
            value = vals.get(field.name, False)
            if field.type == "monetary":
                row.append(_monetary_column(field, model, value, vals, currencies))
                continue
            memo = converted.get(field.name)
            if memo is None:
                row.append(field.convert_to_column_insert(value, model, vals))
                continue
            key = (type(value), value)
            if key not in memo:
                memo[key] = field.convert_to_column_insert(value, model, vals)
            row.append(memo[key])
        rows.append(tuple(row))
    log_columns = LOG_COLUMNS if model._log_access else ()
    columns = ", ".join(f'"{name}"' for name in (*log_columns, *fnames))
    model.env.flush_all()
    result = model.env.cr.execute_values(
        f'INSERT INTO "{model._table}" ({columns}) VALUES %s RETURNING id',
        rows, page_size=len(rows), fetch=True,
    )
    ids = [row[0] for row in result]
    records = model.browse(ids)
    with model.env.protecting([model._fields[fname] for fname in fnames] + list(protected), records):
        records.modified(fnames, create=True)
    return ids


def _currency_source(field, model, vals):
    """The name of the value of ``vals`` that gives the currency of the monetary
    ``field`` (its currency field, or the first field of that field's related path),
    or None when the row does not tell it."""
    name = field.get_currency_field(model)
    if name in vals:
        return name
    related = model._fields[name].related
    if related and related.split(".")[0] in vals:
        return related.split(".")[0]
    return None


def _resolve_currencies(field, model, vals_list, currencies):
    """Find at once the currencies of the rows for the monetary ``field``, as the field
    finds them on a new record of each row (a related currency read as superuser, as
    related fields are), keyed by (source field, value) in ``currencies``."""
    name = field.get_currency_field(model)
    wanted = defaultdict(set)
    for vals in vals_list:
        source = _currency_source(field, model, vals)
        if source and (source, vals[source] or False) not in currencies:
            wanted[source].add(vals[source] or False)
    for source, values in wanted.items():
        if source == name:
            for value in values:
                currencies[source, value] = model.env["res.currency"].browse(value or ())
            continue
        path = model._fields[name].related.split(".", 1)[1]
        comodel = model.env[model._fields[source].comodel_name].sudo()
        records = comodel.browse(value for value in values if value)
        for record in records:
            currencies[source, record.id] = record.mapped(path)
        if not all(values):
            currencies[source, False] = model.env["res.currency"]


def _monetary_column(field, model, value, vals, currencies):
    """``value`` rounded in the currency of its row, as the monetary field's
    ``convert_to_column_insert`` rounds it, with the currency found beforehand for all
    the rows (the field builds a new record per value)."""
    source = _currency_source(field, model, vals)
    key = source and (source, vals[source] or False)
    if key not in currencies:
        return field.convert_to_column_insert(value, model, vals)
    currency = currencies[key]
    value = float(value or 0.0)
    if currency:
        return float_repr(currency.round(value), currency.decimal_places)
    return value


def insert_relations(cr, table, column1, column2, pairs):
    """Insert the many2many rows ``pairs`` ((id1, id2), ...) of ``table`` at once,
    skipping those that exist."""
    pairs = list(pairs)
    if not pairs:
        return
    cr.execute(SQL(
        "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int[], %s::int[]) ON CONFLICT DO NOTHING",
        SQL.identifier(table), SQL.identifier(column1), SQL.identifier(column2),
        [pair[0] for pair in pairs], [pair[1] for pair in pairs],
    ))
