"""Audit trail: the PostgreSQL guard that makes history rows and ledger events immutable, and readable diffs.

History rows are written by django-simple-history on every save of a tracked model. On
PostgreSQL a trigger refuses UPDATE and DELETE on every historical table and on the spend ledger,
unless the transaction has set `portal.allow_history_purge = 'on'` (the retention purge, and only it).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.db import connections
from django.db.models import ForeignKey
from django.utils import formats, timezone

GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_history_change() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('portal.allow_history_purge', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'history rows are immutable: ' || TG_OP || ' on ' || TG_TABLE_NAME || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

GUARD_TRIGGER = """
CREATE OR REPLACE TRIGGER portal_history_immutable
BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION portal_refuse_history_change();
"""


def history_tables() -> list[str]:
    """Every table simple-history writes: historical models, including m2m history (HistoricalUser_groups)."""
    return sorted({m._meta.db_table for m in apps.get_models() if m.__name__.startswith("Historical")})


def append_only_tables() -> list[str]:
    """The history tables and the models registered append-only (the spend ledger, stage transitions...)."""
    from portal.registry import append_only_models

    return [*history_tables(), *(apps.get_model(label)._meta.db_table for label in append_only_models())]


def install_history_guard(using: str = "default") -> int:
    """Install (or refresh) the trigger on every append-only table. PostgreSQL only; returns the count."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    existing = set(connection.introspection.table_names())
    tables = [table for table in append_only_tables() if table in existing]  # after a backwards migrate, fewer
    with connection.cursor() as cursor:
        cursor.execute(GUARD_FUNCTION)
        for table in tables:
            cursor.execute(GUARD_TRIGGER.format(table=connection.ops.quote_name(table)))
    return len(tables)


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    action: str
    reason: str
    changes: list[Change]


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def history_entries(obj, *, limit: int = 50, hidden_fields=()) -> list[HistoryEntry]:
    """The newest `limit` changes of `obj`, each with who, when, why and the fields it changed.

    A bounded number of queries whatever the length: the history rows with their users, then
    one query per foreign-key field that changed, to name the related objects. Changes to
    `hidden_fields` are left out (a role that may not see costs sees no cost diffs).
    """
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    deltas = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            changed = [c for c in delta.changes if c.field not in hidden_fields]
        deltas.append((record, changed))
    names = _related_names(obj, [c for _, changed in deltas for c in changed])
    return [
        HistoryEntry(
            at=record.history_date,
            who=str(record.history_user) if record.history_user_id else "system",
            action=_describe(record),
            reason=record.history_change_reason or "",
            changes=[_change(obj, c.field, c.old, c.new, names) for c in changed],
        )
        for record, changed in deltas
    ]


def _describe(record) -> str:
    """ "Resolved" from the action code "portal.decision.resolved"; "Created"/"Changed" without one."""
    code = record.history_change_reason or ""
    if code.count(".") == 2:
        return code.rsplit(".", 1)[1].replace("_", " ").capitalize()
    return ACTIONS.get(record.history_type, record.history_type).capitalize()


def _related_names(obj, changes) -> dict[tuple[str, object], str]:
    """{(field name, pk): str(related object)} for the foreign keys among `changes`."""
    wanted: dict[str, set] = {}
    for change in changes:
        field = obj._meta.get_field(change.field)
        if isinstance(field, ForeignKey):
            wanted.setdefault(change.field, set()).update(v for v in (change.old, change.new) if v is not None)
    names = {}
    for name, pks in wanted.items():
        related = obj._meta.get_field(name).related_model
        for pk, label in ((o.pk, str(o)) for o in related._default_manager.filter(pk__in=pks)):
            names[(name, pk)] = label
    return names


def _change(obj, name: str, old, new, names) -> Change:
    field = obj._meta.get_field(name)
    label = str(getattr(field, "verbose_name", name))
    if isinstance(field, ForeignKey):
        old, new = names.get((name, old), old), names.get((name, new), new)
    elif getattr(field, "choices", None):
        labels = dict(field.flatchoices)
        old, new = labels.get(old, old), labels.get(new, new)
    return Change(field=label, old=_show(old), new=_show(new))


def _show(value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(moment, "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)
