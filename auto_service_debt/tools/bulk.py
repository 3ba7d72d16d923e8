"""Set-based inserts of the rows a daily run creates by the thousand (chatter messages,
queued e-mails), with the column values the ORM's ``create`` would store."""

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
    rows = []
    for vals in vals_list:
        row = [uid, now, uid, now]
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
    columns = ", ".join(f'"{name}"' for name in (*LOG_COLUMNS, *fnames))
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


def _monetary_column(field, model, value, vals, currencies):
    """``value`` rounded in the currency of its row, as the monetary field's
    ``convert_to_column_insert`` rounds it, with the currency found once per distinct
    value of the field it comes from (the field builds a new record per value)."""
    name = field.get_currency_field(model)
    currency_field = model._fields[name]
    if name in vals:
        source = name
    elif currency_field.related and currency_field.related.split(".")[0] in vals:
        source = currency_field.related.split(".")[0]
    else:
        return field.convert_to_column_insert(value, model, vals)
    key = (source, vals[source])
    if key not in currencies:
        currencies[key] = model.new({source: vals[source]})[name]
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
