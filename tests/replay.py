"""Load data once, replay it per test.

`capture(fn)` runs `fn` inside a transaction that is rolled back, and returns what it wrote: for every
table, the rows it inserted, updated or deleted (found by comparing the table before and after).
`replay(rows)` writes the same rows again in one transaction, with the same primary keys, and moves
the PostgreSQL sequences past them. The default data (areas, units, plan, taxonomy) costs ~1,260
queries to load and a few milliseconds to replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction


def _models() -> list[type[models.Model]]:
    """Every table Django manages, M2M through tables included, in app order."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def table_contents(model) -> dict:
    """{pk: row tuple} of a table, read through the ORM so values come back as Python values."""
    cols = _columns(model)
    pk = model._meta.pk.attname
    at = cols.index(pk)
    return {row[at]: row for row in model._base_manager.order_by().values_list(*cols)}


def snapshot() -> dict[str, dict]:
    return {m._meta.label: table_contents(m) for m in _models()}


@dataclass
class Rows:
    """What a load wrote: per model label, new rows, changed rows and removed primary keys."""

    inserted: dict[str, list[tuple]] = field(default_factory=dict)
    updated: dict[str, list[tuple]] = field(default_factory=dict)
    deleted: dict[str, list] = field(default_factory=dict)
    # Files the new rows point to (FileField), as (storage, name, content): storage is not rolled back.
    files: list[tuple] = field(default_factory=list)
    result: object = None

    def __len__(self) -> int:
        return sum(map(len, self.inserted.values())) + sum(map(len, self.updated.values()))


def reset_sequences(labels=None) -> None:
    """Make the next automatic key of each table max(pk) + 1, as on a fresh database.

    PostgreSQL sequences and SQLite's AUTOINCREMENT counters both keep the highest key ever handed
    out, also after a flushing test emptied the table."""
    chosen = [m for m in _models() if labels is None or m._meta.label in labels]
    if connection.vendor == "postgresql":
        statements = connection.ops.sequence_reset_sql(no_style(), chosen)
    elif connection.vendor == "sqlite":
        q = connection.ops.quote_name
        # Table names come from the models, not from input.
        statements = [
            f"UPDATE sqlite_sequence SET seq = (SELECT COALESCE(MAX({q(m._meta.pk.column)}), 0) "  # noqa: S608
            f"FROM {q(m._meta.db_table)}) WHERE name = '{m._meta.db_table}'"
            for m in chosen
            if isinstance(m._meta.pk, models.AutoField)
        ]
    else:
        statements = []
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class _Rollback(Exception):
    pass


def capture(fn, *, before=None) -> Rows:
    """Run `before()` then `fn()` in a rolled-back transaction; return what `fn` wrote and its result."""
    rows = Rows()
    try:
        with transaction.atomic():
            if before is not None:
                before()
            # Keys follow what is in the tables, as on a fresh database, whatever tests ran before.
            reset_sequences()
            old = snapshot()
            rows.result = fn()
            new = snapshot()
            rows.files = _files(new, old)
            raise _Rollback
    except _Rollback:
        pass
    reset_sequences()
    for label, now in new.items():
        was = old[label]
        added = [row for pk, row in now.items() if pk not in was]
        changed = [row for pk, row in now.items() if pk in was and was[pk] != row]
        gone = [pk for pk in was if pk not in now]
        if added:
            rows.inserted[label] = added
        if changed:
            rows.updated[label] = changed
        if gone:
            rows.deleted[label] = gone
    return rows


def _files(new: dict, old: dict) -> list[tuple]:
    found = []
    for model in _models():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        cols = _columns(model)
        was = old[model._meta.label]
        for pk, row in new[model._meta.label].items():
            for f in file_fields:
                name = row[cols.index(f.attname)]
                if name and (pk not in was or was[pk][cols.index(f.attname)] != name):
                    with f.storage.open(name) as fh:
                        found.append((f.storage, name, fh.read()))
    return found


def replay(rows: Rows) -> None:
    """Write the captured rows again, in one transaction (foreign keys are checked at its end)."""
    from django.core.files.base import ContentFile

    for storage, name, content in rows.files:
        if not storage.exists(name):
            storage.save(name, ContentFile(content))
    touched = set(rows.inserted) | set(rows.updated) | set(rows.deleted)
    with transaction.atomic():
        for label, pks in rows.deleted.items():
            model = apps.get_model(label)
            model._base_manager.filter(pk__in=pks).delete()
        for label, changed in rows.updated.items():
            model = apps.get_model(label)
            cols = _columns(model)
            pk = model._meta.pk.attname
            for row in changed:
                values = dict(zip(cols, row, strict=True))
                model._base_manager.filter(pk=values.pop(pk)).update(**values)
        for label, added in rows.inserted.items():
            model = apps.get_model(label)
            cols = _columns(model)
            model._base_manager.bulk_create([model(**dict(zip(cols, row, strict=True))) for row in added])
        reset_sequences(touched)
