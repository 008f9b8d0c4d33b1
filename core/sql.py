"""Hand-written SQL for the few statements on the hot path where the ORM costs more than the
database: building and compiling a query takes a worker 0.3-0.4 ms, the PostgreSQL round
trip 0.05 ms (docs/performance.md).

The SQL is still derived from the models: column lists come from `_meta`, values are
prepared by the model fields and rows come back through the fields' converters as model
instances (`Model.from_db`), so a new field cannot drift from the SQL. Statements are built
once per model and database vendor. Both databases speak the dialect used here
(`RETURNING`, `ON CONFLICT ... DO NOTHING`: PostgreSQL 9.5+, SQLite 3.35+).
"""

from collections.abc import Iterable, Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


def _db():
    """The connection itself: `django.db.connection` is a proxy that looks it up again on
    every attribute read."""
    return connections[DEFAULT_DB_ALIAS]


def quote(name: str) -> str:
    return _db().ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


def columns(model: type[Model], alias: str) -> str:
    """Every concrete column of `model`, qualified by `alias`, in field order."""
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


@cache
def _converters(model: type[Model], vendor: str) -> tuple:
    """The attribute names of `model`'s columns, and per column the converters the ORM would
    apply to it (or an empty tuple)."""
    db, converters = _db(), []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        converters.append((column, tuple(db.ops.get_db_converters(column)
                                         + field.get_db_converters(db))))
    return [field.attname for field in model._meta.concrete_fields], tuple(converters)


def instance(model: type[Model], row: Sequence, start: int = 0, *, db=None) -> Model:
    """The `model` instance of `row[start:]` (laid out as `columns(model, ...)`)."""
    db = db or _db()
    names, converters = _converters(model, db.vendor)
    values = list(row[start:start + len(names)])
    for offset, (column, convert_all) in enumerate(converters):
        for convert in convert_all:
            values[offset] = convert(values[offset], column, db)
    return model.from_db(db.alias, names, values)


def width(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


def fetch_one(sql: str, params: Sequence, *, db=None) -> tuple | None:
    with (db or _db()).cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _written(model: type[Model]) -> list:
    """The fields an INSERT writes: all but a database-generated primary key."""
    return [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]


@cache
def _insert_sql(model: type[Model], rows: int, conflict: tuple[str, ...], vendor: str) -> str:
    fields = _written(model)
    names = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {table(model)} ({names}) VALUES {', '.join([row] * rows)}"
    if conflict:
        sql += f" ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO NOTHING"
    return sql + f" RETURNING {quote(model._meta.pk.column)}"


def insert(objs: Iterable[Model], *, on_conflict_do_nothing: tuple[str, ...] = ()) -> bool:
    """INSERT the new instances `objs` (of one model) in one statement, setting their primary
    keys; fields are prepared as `save()` prepares them (`auto_now_add` included), but no
    signals are sent. With `on_conflict_do_nothing` (the columns of a unique constraint),
    a row that conflicts is not written: False then, and its instance keeps no primary key
    (meant for one instance)."""
    objs = list(objs)
    if not objs:
        return True
    db, model = _db(), type(objs[0])
    fields = _written(model)
    params = [value for obj in objs for value in _params(obj, fields, db)]
    sql = _insert_sql(model, len(objs), on_conflict_do_nothing, db.vendor)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        pks = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, pks, strict=False):  # fewer pks: a conflict
        obj.pk = pk
        obj._state.adding, obj._state.db = False, db.alias
    return len(pks) == len(objs)


def _params(obj: Model, fields, db) -> list:
    return [field.get_db_prep_save(field.pre_save(obj, True), db) for field in fields]


@cache
def _claim_sql(model: type[Model], unique: tuple[str, ...], vendor: str) -> tuple[str, ...]:
    fields = _written(model)
    names = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    unique = tuple(model._meta.get_field(name).column for name in unique)
    match = " AND ".join(f"t.{quote(c)} = %s" for c in unique)
    found = f"SELECT {columns(model, 't')} FROM {table(model)} t WHERE {match}"
    conflict = f"ON CONFLICT ({', '.join(quote(c) for c in unique)}) DO NOTHING"
    every = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
    if vendor == "postgresql":
        # One statement: the existing row, or the new one (the INSERT sees the same snapshot
        # as `found`, and writes nothing when it saw a row).
        return (f"WITH found AS ({found}), written AS (INSERT INTO {table(model)} ({names}) "
                f"SELECT {values} WHERE NOT EXISTS (SELECT 1 FROM found) {conflict} "
                f"RETURNING {every}) "
                f"SELECT true, * FROM written UNION ALL SELECT false, * FROM found",)
    return (f"SELECT false, {columns(model, 't')} FROM {table(model)} t WHERE {match}",
            f"INSERT INTO {table(model)} ({names}) VALUES ({values}) {conflict} "
            f"RETURNING true, {every}")


def insert_unless_exists(obj: Model, unique: tuple[str, ...]) -> Model | None:
    """INSERT the new instance `obj` unless a row with its values of the `unique` columns
    exists: `obj` (with its primary key) when it was written, else the existing row as an
    instance, or None when a concurrent INSERT came between the look and the write (look
    again). On PostgreSQL one statement; on SQLite a SELECT, then an INSERT that writes
    nothing on conflict."""
    db, model = _db(), type(obj)
    key = []
    for name in unique:
        field = model._meta.get_field(name)
        key.append(field.get_db_prep_value(getattr(obj, field.attname), db))
    params = _params(obj, _written(model), db)
    statements = _claim_sql(model, unique, db.vendor)
    with db.cursor() as cursor:
        if len(statements) == 1:
            cursor.execute(statements[0], [*key, *params])
            row = cursor.fetchone()
        else:
            cursor.execute(statements[0], key)
            row = cursor.fetchone()
            if row is None:
                cursor.execute(statements[1], params)
                row = cursor.fetchone()
    if row is None:
        return None
    found = instance(model, row, start=1, db=db)
    if not row[0]:
        return found
    obj.pk = found.pk
    obj._state.adding, obj._state.db = False, db.alias
    return obj


@cache
def _update_sql(model: type[Model], names: tuple[str, ...], where: tuple[str, ...],
                vendor: str) -> str:
    meta = model._meta
    assignments = ", ".join(f"{quote(meta.get_field(n).column)} = %s" for n in names)
    match = " AND ".join(f"{quote(meta.get_field(n).column)} = %s" for n in where)
    return f"UPDATE {table(model)} SET {assignments} WHERE {match}"


def update(model: type[Model], values: dict, *, where: dict) -> int:
    """UPDATE the rows of `model` matching `where` (field = value, ANDed) to `values`; the
    number of rows changed."""
    db, meta = _db(), model._meta
    params = [meta.get_field(n).get_db_prep_save(v, db) for n, v in values.items()]
    params += [meta.get_field(n).get_db_prep_value(v, db) for n, v in where.items()]
    with db.cursor() as cursor:
        cursor.execute(_update_sql(model, tuple(values), tuple(where), db.vendor), params)
        return cursor.rowcount


@cache
def _joined_sql(model: type[Model], related: tuple[str, ...], where: tuple[str, ...],
                lock: bool, vendor: str) -> str:
    meta = model._meta
    selected, joins = [columns(model, "t0")], []
    for number, name in enumerate(related, 1):
        field = meta.get_field(name)
        other = field.related_model
        selected.append(columns(other, f"t{number}"))
        joins.append(f"JOIN {table(other)} t{number} ON t{number}."
                     f"{quote(other._meta.pk.column)} = t0.{quote(field.column)}")
    match = " AND ".join(f"t0.{quote(meta.get_field(n).column)} = %s" for n in where)
    sql = f"SELECT {', '.join(selected)} FROM {table(model)} t0 {' '.join(joins)} WHERE {match}"
    if lock and _db().features.has_select_for_update:  # SQLite locks the whole file
        sql += " FOR UPDATE"
    return sql


def get_with(model: type[Model], related: tuple[str, ...] = (), *, lock: bool = False,
             **where) -> Model | None:
    """The one row of `model` matching `where` (field = value, ANDed, naming a unique row),
    with the objects of its non-null foreign keys `related` read in the same statement
    (`select_related`); `lock`ed until the transaction ends (`select_for_update`)."""
    db, meta = _db(), model._meta
    params = [meta.get_field(n).get_db_prep_value(v, db) for n, v in where.items()]
    row = fetch_one(_joined_sql(model, related, tuple(where), lock, db.vendor), params, db=db)
    if row is None:
        return None
    obj = instance(model, row, db=db)
    start = width(model)
    for name in related:
        field = meta.get_field(name)
        field.set_cached_value(obj, instance(field.related_model, row, start, db=db))
        start += width(field.related_model)
    return obj
