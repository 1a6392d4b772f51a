import pytest
from django.db import DatabaseError, connection, transaction

from portal import audit
from portal.choices import REQUEST, Outcome
from portal.models import Decision
from portal.services.decisions import raise_decision, resolve_decision
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_change_of_a_decision_has_a_history_row_naming_the_actor(finance, hiring_manager):
    decision = raise_decision(kind=REQUEST, title="Confirm budget", owner=finance, by=hiring_manager)
    resolve_decision(decision=decision, outcome=Outcome.DONE, by=finance, note="OK")

    rows = list(
        decision.history.order_by("history_date").values_list("history_user__username", "history_change_reason")
    )
    assert rows == [("p_hiring_manager", "portal.decision.raised"), ("p_finance", "portal.decision.resolved")]


def test_history_entries_show_who_changed_what_with_names(finance, hiring_manager):
    decision = raise_decision(kind=REQUEST, title="Confirm budget", owner=finance, by=hiring_manager)
    resolve_decision(decision=decision, outcome=Outcome.DONE, by=finance, note="OK")

    newest = audit.history_entries(decision)[0]

    assert newest.who == str(finance)
    assert newest.reason == "portal.decision.resolved"
    changes = {c.field: (c.old, c.new) for c in newest.changes}
    assert changes["status"] == ("Open", "Done")
    assert changes["decided by"] == ("—", str(finance))


def test_role_changes_are_recorded_in_the_user_history(admin_user):
    from portal.choices import Role
    from portal.services.users import set_roles

    person = UserFactory(username="newcomer")
    set_roles(user=person, roles=[Role.RECRUITER], by=admin_user)

    latest = person.history.first()
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "portal.user.roles_changed"
    assert [g.group.name for g in latest.groups.all()] == ["Recruiter"]


def test_history_guard_covers_every_history_table():
    tables = audit.history_tables()
    assert "portal_historicaldecision" in tables
    assert any(t.startswith("portal_historicaluser_groups") for t in tables)
    assert all("historical" in t for t in tables)


def test_history_rows_cannot_be_updated_or_deleted_on_postgresql(requires_postgresql, finance):
    decision = raise_decision(kind=REQUEST, title="Confirm budget", owner=finance)
    table = Decision.history.model._meta.db_table

    for statement in (f"UPDATE {table} SET title = 'forged'", f"DELETE FROM {table}"):
        with (
            pytest.raises(DatabaseError, match="history rows are immutable"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)

    assert list(decision.history.values_list("title", flat=True)) == ["Confirm budget"]


@pytest.mark.django_db(transaction=True)
def test_history_purge_flag_lets_only_the_purge_through(requires_postgresql, finance):
    raise_decision(kind=REQUEST, title="Jane Doe's reference check", owner=finance)
    table = Decision.history.model._meta.db_table

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL portal.allow_history_purge = 'on'")
        cursor.execute(f"UPDATE {table} SET title = '[purged]'")

    assert list(Decision.history.values_list("title", flat=True)) == ["[purged]"]
    # The flag was local to that transaction.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")


def test_every_history_table_and_the_ledger_have_the_guard_trigger_on_postgresql(requires_postgresql):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'portal_history_immutable'"
        )
        guarded = sorted(row[0] for row in cursor.fetchall())
    assert guarded == sorted(audit.append_only_tables())
    assert "requisitions_historicalrequisition" in guarded
    assert "portal_costevent" in guarded
