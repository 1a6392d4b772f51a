"""Every admin URL of every registered model, as a superuser and as an Admin-role staff member: the admin
never writes a workflow-owned row (docs/roles-and-permissions.md, "The admin"; SECURITY threat 13).

Every model is declared workflow-owned or reference data in its module's spine.py (portal.registry): an
undeclared model fails here, and so does an admin page the walk does not reach, as an undeclared page
fails the access matrix. A new module's models are walked and compared without editing this file.

The walk reads every page and posts hostile data to every one that takes a POST (each object's own
fields with every choice moved on, every flag flipped and every person made an interviewer; every history
row put back; deletes, every action on every row, list edits), then deletes reference data. Every
workflow-owned table, with its history and many-to-many tables, is compared before and after: nothing may
change, no page may fail (500), and every write to a workflow-owned model's admin or to an old version is
refused (403).
"""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import resolve, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from candidates.choices import MappingKind
from candidates.models import Interview, Stage
from candidates.services import attach_resume, create_candidate, imports, log_activity, move_application
from candidates.services import interviews as panels
from offers.services import approve_offer, create_offer, revise_offer, submit_offer
from portal import registry
from portal.admin import HistoryAdmin, ReadOnlyAdmin
from portal.choices import DecisionStatus, Role
from portal.models import ApprovalRule, Decision, User
from portal.services import reminders
from portal.services.saved_views import save_view
from requisitions.choices import Status as RequisitionStatus
from requisitions.services import approve_requisition, create_requisition, submit_requisition
from tests import clock
from tests.commit import committed
from tests.factories import CostCenterFactory, UserFactory, requisition_fields, submit_scorecard
from tests.offers.conftest import application, head, open_requisition, terms  # noqa: F401  (fixtures)
from tests.test_access_matrix import all_url_names
from tests.vendors.conftest import card, monday, plan_engagement, supplier, worker  # noqa: F401  (fixtures)
from vendors.services import (
    InvoiceInput,
    LineInput,
    approve_invoice,
    approve_timesheet,
    create_invoice,
    record_timesheet,
    start_engagement,
)

pytestmark = pytest.mark.django_db


# --- The world: a row of every workflow-owned model in a state worth protecting ------------------------


def _pending_requisition(hm, director):
    """Three openings above the band: the manager approved step 1; finance's and HR's steps are open."""
    ApprovalRule.objects.filter(policy="requisition").update(is_active=True)
    req = create_requisition(
        by=hm,
        hiring_manager=hm,
        **requisition_fields(
            title="Data Engineer", openings=3, base_max=Decimal("115000"), justification="Scarce skills this year."
        ),
    )
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    return req


def _interview_with_a_scorecard(application, recruiter, interviewer):  # noqa: F811
    """A technical interview held yesterday, its scorecard submitted (the debrief is raised)."""
    move_application(application=application, to_stage=Stage.objects.get(code="interview"), by=recruiter)
    plan = panels.ensure_plan(requisition=application.requisition, by=recruiter)
    start = clock.now() + timedelta(days=1)
    interview = panels.schedule_interview(
        application=application,
        round=plan.rounds.get(name="Technical"),
        panel=[panels.Seat(interviewer, "lead")],
        by=recruiter,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        video_link="https://meet.example.com/abc",
    )
    held = clock.now() - timedelta(days=1)
    Interview.objects.filter(pk=interview.pk).update(starts_at=held, ends_at=held + timedelta(hours=1))
    interview.refresh_from_db()
    panels.complete_interview(interview=interview, by=recruiter)
    submit_scorecard(interview, interviewer)
    return interview


def _offer_with_two_versions(application, recruiter, hr, finance, head):  # noqa: F811
    """Version 1 approved by every step, then revised: version 2 waits on finance and the department head."""
    offer = create_offer(
        application=application, by=recruiter, terms=terms(application.requisition, base_amount=125000)
    )
    submit_offer(offer=offer, by=recruiter)
    for person in (hr, finance, head):
        approve_offer(offer=offer, by=person)
    revise_offer(offer=offer, by=recruiter, terms={"base_amount": Decimal("128000")}, change_note="Countered.")
    submit_offer(offer=offer, by=recruiter)
    approve_offer(offer=offer, by=hr)
    return offer


def _contractors(req, supplier, card, worker, recruiter, hm, finance, admin_user):  # noqa: F811
    """An active engagement with an approved, invoiced week and a week to approve; a second one whose rate,
    above the card, waits on its approval chain."""
    start = monday(timezone.localdate()) - timedelta(weeks=4)
    engagement = plan_engagement(req, worker, supplier, card, recruiter, start=start)
    engagement = start_engagement(engagement=engagement, by=recruiter)
    first = record_timesheet(engagement=engagement, by=recruiter, week_start=start, hours=40, overtime_hours=0)
    approve_timesheet(timesheet=first, by=hm)
    record_timesheet(
        engagement=engagement, by=recruiter, week_start=start + timedelta(weeks=1), hours=38, overtime_hours=0
    )
    invoice = create_invoice(
        data=InvoiceInput(
            vendor=supplier,
            number="NB-2001",
            currency="CAD",
            period_start=start,
            period_end=start + timedelta(days=6),
            received_on=timezone.localdate(),
            lines=(LineInput(amount=Decimal("4000.00"), engagement=engagement, hours=Decimal("40")),),
        ),
        by=admin_user,
    )
    approve_invoice(invoice=invoice, by=finance)
    other = create_candidate(by=recruiter, first_name="Alan", last_name="Turing", email="alan@example.com")
    plan_engagement(req, other, supplier, card, recruiter, start=start, bill_rate="110", reason="Rare skills.")
    return engagement


def _paperwork(client, application, recruiter, finance):  # noqa: F811
    """A resume, a logged call, a saved view, an export and an import with its saved label."""
    attach_resume(candidate=application.candidate, name="cv.txt", content=b"Ada Lovelace\nAnalyst\n", by=recruiter)
    log_activity(application=application, kind="call", body="Left a voicemail.", by=recruiter)
    save_view(user=recruiter, page="candidates:pipeline", name="Stuck", query="flag=stuck_7")
    client.force_login(finance)
    assert client.get(reverse("requisitions:export"), {"format": "csv"}).status_code == 200
    client.force_login(recruiter)
    csv = b"First Name,Last Name,Email,Job ID\r\nMary,Jackson,mary@example.com,4401\r\n"
    client.post(reverse("candidates:imports"), {"file": SimpleUploadedFile("ats.csv", csv, "text/csv")})
    imp = imports.imports_for_user(recruiter).get()
    labels = {MappingKind.JOB: {"4401": str(application.requisition.pk)}}
    imports.save_mapping(imp=imp, columns=imp.columns, labels=labels, by=recruiter)
    client.logout()


def _reminders():
    """Every open decision reminded as overdue, ten days on."""
    later = clock.now() + timedelta(days=10)
    for decision_id in reminders.decisions_needing_reminders(later):
        reminders.send_reminders(decision_id=decision_id, now=later)


@pytest.fixture
def world(
    client,
    hm,
    director,
    recruiter,
    interviewer,
    finance,
    hr,
    head,  # noqa: F811
    admin_user,
    open_requisition,  # noqa: F811
    application,  # noqa: F811
    supplier,  # noqa: F811
    card,  # noqa: F811
    worker,  # noqa: F811
):
    with committed():
        _interview_with_a_scorecard(application, recruiter, interviewer)
        _offer_with_two_versions(application, recruiter, hr, finance, head)
        _contractors(open_requisition, supplier, card, worker, recruiter, hm, finance, admin_user)
        _paperwork(client, application, recruiter, finance)
        _pending_requisition(hm, director)
        _reminders()
    assert [label for label in BUILT if not apps.get_model(label)._base_manager.exists()] == []


# What the world is sure to hold (it holds more: logs, notifications, clauses...). A workflow-owned model
# it has no row of is still walked (its pages for an object that does not exist) and compared.
BUILT = [
    *("requisitions.Requisition", "portal.Decision", "portal.ApprovalChain", "portal.ApprovalStep"),
    *("candidates.Candidate", "candidates.Application", "candidates.Interview", "candidates.Scorecard"),
    *("offers.Offer", "offers.OfferVersion", "portal.CostEvent"),
    *("vendors.Engagement", "vendors.EngagementTerm", "vendors.Timesheet", "vendors.Invoice"),
]
WORKFLOW_LABELS = registry.workflow_owned_models()
REFERENCE_LABELS = registry.reference_data_models()


# --- What is declared -------------------------------------------------------------------------------


def _project_models():
    """Every model of the project's own apps (not the test-only ones, not history tables)."""
    root = Path(settings.BASE_DIR)
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).parent == root
        for model in config.get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def test_every_model_is_declared_workflow_owned_or_reference_data():
    workflow, reference = set(WORKFLOW_LABELS), set(REFERENCE_LABELS)
    assert workflow & reference == set()
    for label in workflow | reference:
        apps.get_model(label)  # a declared label names a model
    undeclared = sorted(model._meta.label for model in _project_models())
    assert [label for label in undeclared if label not in workflow | reference] == []


def test_every_admin_model_is_declared_and_a_workflow_owned_one_is_read_only():
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        assert label in WORKFLOW_LABELS or label in REFERENCE_LABELS, f"declare {label} in its module's spine.py"
        if label in WORKFLOW_LABELS:
            assert isinstance(model_admin, ReadOnlyAdmin), f"{label} is workflow-owned: register it with ReadOnlyAdmin"
        elif _tracked(model):
            assert isinstance(model_admin, HistoryAdmin), f"{label}'s history pages must not revert: use HistoryAdmin"


def test_no_inline_writes_a_workflow_owned_row(rf):
    request = rf.get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        for inline in model_admin.get_inline_instances(request):
            if inline.model._meta.label in WORKFLOW_LABELS or isinstance(model_admin, ReadOnlyAdmin):
                permissions = (
                    inline.has_add_permission(request, None),
                    inline.has_change_permission(request),
                    inline.has_delete_permission(request),
                )
                assert permissions == (False, False, False), f"{model._meta.label}: {type(inline).__name__}"


# --- Snapshots ----------------------------------------------------------------------------------------


def _tracked(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def _shows_versions(model_admin) -> bool:
    """Whether the admin has simple-history's page of one old version."""
    return isinstance(model_admin, SimpleHistoryAdmin) and _tracked(model_admin.model)


def _tables(labels) -> list:
    """The models' tables, their many-to-many tables, and the history tables of both."""
    models = [apps.get_model(label) for label in labels]
    models += [
        field.remote_field.through
        for model in list(models)
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    history = [m for m in apps.get_models() if issubclass(m, HistoricalChanges) and m.instance_type in models]
    return models + history


def _snapshot(tables) -> dict:
    return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in tables}


def _changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


# --- Hostile form data ---------------------------------------------------------------------------------


def _next_choice(field, value):
    """The choice after `value` (the next status of a status field: pending approval -> approved)."""
    values = [choice for choice, _label in field.flatchoices if choice not in ("", None)]
    if value in values:
        return values[(values.index(value) + 1) % len(values)]
    return values[0] if values else value


def _form_value(field, value) -> dict:
    name = field.name
    if value is None:
        return {name: ""}
    if isinstance(value, bool):
        return {name: "on"} if value else {}
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return {name: local.isoformat(), f"{name}_0": local.date().isoformat(), f"{name}_1": local.time().isoformat()}
    if isinstance(value, date):
        return {name: value.isoformat()}
    if isinstance(value, dict | list) and not field.many_to_many:
        return {name: json.dumps(value)}
    if field.many_to_many:
        return {name: [str(getattr(item, "pk", item)) for item in value]}
    return {name: str(value)}


def hostile(obj, intruder) -> dict:
    """`obj`'s own form data with every choice moved on, every flag flipped and every person made `intruder`."""
    data = {}
    for field in [*obj._meta.concrete_fields, *obj._meta.many_to_many]:
        if field.primary_key or not field.editable:
            continue
        value = field.value_from_object(obj)
        if field.choices:
            value = _next_choice(field, value)
        elif isinstance(value, bool):
            value = not value
        elif field.many_to_one and field.related_model is User:
            value = intruder.pk
        data.update(_form_value(field, value))
    return data


# --- The walk --------------------------------------------------------------------------------------------


class Walk:
    """Requests as one user, remembering every failure (a 500, a write that was not refused) and every
    admin URL name it reached."""

    def __init__(self, client, intruder):
        self.client = client
        self.intruder = intruder
        self.failures: list[str] = []
        self.reached: set[str] = set()
        self.requests = 0

    def call(self, method, url, data=None, *, refused=False):
        # Each request in a savepoint, so that a failing one cannot spoil the ones after it.
        with transaction.atomic():
            response = getattr(self.client, method.lower())(url, data or {})
            if response.status_code >= 500:
                transaction.set_rollback(True)
        self.requests += 1
        self.reached.add(resolve(url.split("?")[0]).url_name)
        if response.status_code >= 500:
            self.failures.append(f"{method} {url}: {response.status_code}")
        elif refused and response.status_code != 403:
            self.failures.append(f"{method} {url}: {response.status_code}, not refused (403)")
        return response

    def check(self, before: dict, tables, what: str) -> None:
        changed = _changed(before, _snapshot(tables))
        if changed:
            self.failures.append(f"{what} wrote {', '.join(changed)}")


def _urls(model):
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return {
        "changelist": reverse(f"{info}_changelist"),
        "add": reverse(f"{info}_add"),
        "change": lambda pk: reverse(f"{info}_change", args=[pk]),
        "delete": lambda pk: reverse(f"{info}_delete", args=[pk]),
        "history": lambda pk: reverse(f"{info}_history", args=[pk]),
        "version": lambda pk, version: reverse(f"{info}_simple_history", args=[pk, version]),
        "password": lambda pk: reverse("admin:auth_user_password_change", args=[pk]),  # Django's name for it
    }


def _representatives(objects, label) -> list:
    """The rows walked: of a workflow-owned model, one per combination of its choice fields' values (each
    state, kind and status once; the admin's code is the same for every row, what differs is the state a
    hostile form moves); of reference data, whose every write is the same service's, the first."""
    if label not in WORKFLOW_LABELS:
        return objects[:1]
    seen = {}
    for obj in objects:
        state = tuple(getattr(obj, field.attname) for field in obj._meta.concrete_fields if field.choices)
        seen.setdefault(state, obj)
    return list(seen.values())


MISSING = 999_999  # a model without rows still has its object pages walked, for an object that does not exist


def _read_pages(walk, model, model_admin, objects):
    urls = _urls(model)
    walk.call("GET", urls["changelist"])
    if model_admin.search_fields:
        walk.call("GET", urls["changelist"], {"q": "a"})
    walk.call("GET", urls["add"])
    for field_name in model_admin.autocomplete_fields:
        query = {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name}
        walk.call("GET", reverse("admin:autocomplete"), {**query, "term": "a"})
    for pk in [obj.pk for obj in objects] or [MISSING]:
        for page in ("change", "delete", "history"):
            walk.call("GET", urls[page](pk))
        if model is User:
            walk.call("GET", urls["password"](pk))
    if _shows_versions(model_admin):
        versions = [(obj.pk, version.history_id) for obj in objects for version in obj.history.all()]
        for pk, version in versions or [(MISSING, MISSING)]:
            walk.call("GET", urls["version"](pk, version))


def _reverts(walk, model, model_admin, objects):
    """Every history row put back, made hostile on the way: refused on every model, workflow-owned or not."""
    if not _shows_versions(model_admin):
        return
    urls = _urls(model)
    for obj in objects:
        for version in obj.history.all():
            data = {**hostile(version.instance, walk.intruder), "_save": "Revert"}
            walk.call("POST", urls["version"](obj.pk, version.history_id), data, refused=True)


def _writes(walk, model, model_admin, objects, pks):
    """Adding, changing, deleting, every action on every row, list edits: each refused (403)."""
    urls = _urls(model)
    for obj in objects:
        data = hostile(obj, walk.intruder)
        walk.call("POST", urls["change"](obj.pk), {**data, "_save": "Save"}, refused=True)
        walk.call("POST", urls["delete"](obj.pk), {"post": "yes"}, refused=True)
        walk.call("POST", urls["history"](obj.pk), data, refused=True)
    walk.call("POST", urls["add"], hostile(objects[0], walk.intruder) if objects else {}, refused=True)
    for action in {"delete_selected", *(model_admin.actions or ())}:
        chosen = {"action": action, "_selected_action": pks, "index": "0", "post": "yes"}
        walk.call("POST", urls["changelist"], chosen, refused=True)
    list_edit = {"_save": "Save", "form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"}
    walk.call("POST", urls["changelist"], list_edit, refused=True)


def _deletes(walk, model, objects, pks):
    """Reference data deleted, one by one and in bulk: refused, or stopped where a workflow row needs it."""
    urls = _urls(model)
    for obj in objects:
        walk.call("POST", urls["delete"](obj.pk), {"post": "yes"})
    walk.call(
        "POST", urls["changelist"], {"action": "delete_selected", "_selected_action": pks, "index": "0", "post": "yes"}
    )


# The admin site's own pages, about no model: signing in and out, one's own password, translations.
SITE_PAGES = {"login", "logout", "password_change", "password_change_done", "jsi18n", "view_on_site"}


@pytest.fixture(params=["superuser", "admin_role"])
def admin_person(request, admin_user):
    if request.param == "admin_role":
        return admin_user
    return User.objects.create_superuser("root", "root@example.com", "a long password 123")


def test_the_admin_changes_no_workflow_owned_row(world, client, admin_person, interviewer):
    client.force_login(admin_person)
    client.raise_request_exception = False
    walk = Walk(client, intruder=interviewer)
    workflow_tables = _tables(WORKFLOW_LABELS)
    first = before = _snapshot(workflow_tables)
    walk.call("GET", reverse("admin:index"))
    for app_label in {model._meta.app_label for model in admin.site._registry}:
        walk.call("GET", reverse("admin:app_list", args=[app_label]))
    registered = list(admin.site._registry.items())
    for model, model_admin in registered:
        label = model._meta.label
        rows = list(model._base_manager.order_by("pk"))
        objects = _representatives(rows, label)
        _read_pages(walk, model, model_admin, objects)
        own = _snapshot(_tables([label]))
        _reverts(walk, model, model_admin, objects)
        walk.check(own, _tables([label]), f"reverting {label}")
        if label in WORKFLOW_LABELS:
            _writes(walk, model, model_admin, objects, [str(row.pk) for row in rows])
        walk.check(before, workflow_tables, f"the admin of {label}")
        before = _snapshot(workflow_tables)  # each model's pages answer for their own writes only
    # Reference data last: deleting it must not reach a workflow row (which protects what it points at).
    for model, _model_admin in registered:
        if model._meta.label in REFERENCE_LABELS:
            rows = list(model._base_manager.order_by("pk"))
            _deletes(walk, model, rows[:1], [str(row.pk) for row in rows])
            walk.check(before, workflow_tables, f"deleting {model._meta.label}")
    assert walk.failures == []
    assert _snapshot(workflow_tables) == first
    admin_pages = {name.removeprefix("admin:") for name in all_url_names() if name.startswith("admin:")}
    unnamed = {name for name in admin_pages if name.startswith("<unnamed")}  # redirects, the catch-all
    assert admin_pages - unnamed - SITE_PAGES - walk.reached == set(), "walk these admin pages too"


def test_reference_data_saves_on_its_change_form_and_its_history_is_only_shown(client, admin_user):
    cc = CostCenterFactory(name="Platform")
    client.force_login(admin_user)
    form = {"code": cc.code, "department": cc.department_id, "budget_owner": cc.budget_owner_id, "is_active": "on"}

    response = client.post(reverse("admin:portal_costcenter_change", args=[cc.pk]), {**form, "name": "Renamed"})

    assert response.status_code == 302
    cc.refresh_from_db()
    assert cc.name == "Renamed"
    first = cc.history.earliest()
    version = reverse("admin:portal_costcenter_simple_history", args=[cc.pk, first.history_id])
    page = client.get(version)
    assert page.status_code == 200 and 'value="Revert"' not in page.content.decode()
    # Putting the first version back is refused, whether it would pass the change form's checks or not
    # (an interviewer may not own a budget).
    interviewer = UserFactory(username="some_interviewer", roles=[Role.INTERVIEWER])
    for data in ({**form, "name": "Platform"}, {**form, "name": "Platform", "budget_owner": interviewer.pk}):
        assert client.post(version, {**data, "_save": "Revert"}).status_code == 403
    cc.refresh_from_db()
    assert (cc.name, cc.budget_owner_id, cc.history.count()) == ("Renamed", form["budget_owner"], 2)


def test_a_revert_neither_approves_a_requisition_nor_hands_a_finance_step_to_an_interviewer(
    client, hm, director, finance, hr, interviewer
):
    """The issue's own cases: a pending requisition made approved while finance and HR had not decided,
    and finance's step handed to an interviewer, both through the history page of an old version (finance
    and HR have members, so their steps are theirs)."""
    req = _pending_requisition(hm, director)
    step = Decision.objects.get(owner_role=Role.FINANCE, status=DecisionStatus.OPEN)
    client.force_login(User.objects.create_superuser("root", "root@example.com", "a long password 123"))
    req_version = req.history.latest()
    step_version = step.history.latest()

    approve = {**hostile(req_version.instance, interviewer), "status": RequisitionStatus.APPROVED, "_save": "Revert"}
    hand_on = {
        **hostile(step_version.instance, interviewer),
        "status": DecisionStatus.OPEN,
        "owner_role": "",
        "_save": "Revert",
    }
    responses = [
        client.post(reverse("admin:requisitions_requisition_simple_history", args=[req.pk, req_version.pk]), approve),
        client.post(reverse("admin:portal_decision_simple_history", args=[step.pk, step_version.pk]), hand_on),
    ]

    assert [response.status_code for response in responses] == [403, 403]
    page = client.get(reverse("admin:requisitions_requisition_simple_history", args=[req.pk, req_version.pk]))
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()  # shown, not a field
    req.refresh_from_db()
    step.refresh_from_db()
    assert (req.status, step.owner_id, step.owner_role) == (RequisitionStatus.PENDING_APPROVAL, None, Role.FINANCE)
