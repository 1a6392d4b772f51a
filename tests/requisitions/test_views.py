"""Requisition pages as their users meet them: who sees what, forms, exports."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from portal.choices import Role
from portal.models import ExportLog
from portal.services.access import grant_object_permission
from requisitions.choices import Status
from requisitions.models import Requisition
from requisitions.services import create_requisition, submit_requisition
from tests.factories import UserFactory, requisition_fields

pytestmark = pytest.mark.django_db

# Distinctive figures: if one shows up on a page, that page showed a cost.
CANARY_BASE_MIN = Decimal("91357")
CANARY_BASE_MAX = Decimal("104269")
CANARY_TEXTS = ["91,357", "91357", "104,269", "104269", "135,550", "135549", "118,764"]


def _titles(response):
    return sorted(r.title for r in response.context["object_list"])


@pytest.fixture
def two_teams(hm, other_hiring_manager, recruiter):
    """A requisition each for two hiring managers; `recruiter` runs only the first."""
    mine = create_requisition(by=hm, title="Mine", hiring_manager=hm, recruiter=recruiter)
    theirs = create_requisition(by=other_hiring_manager, title="Theirs", hiring_manager=other_hiring_manager)
    return mine, theirs


def test_each_role_sees_its_slice_of_the_list(
    client, two_teams, hm, other_hiring_manager, recruiter, finance, hr, interviewer, outsider
):
    expected = {
        hm: ["Mine"],
        other_hiring_manager: ["Theirs"],
        recruiter: ["Mine"],
        finance: ["Mine", "Theirs"],
        hr: ["Mine", "Theirs"],
        interviewer: [],
        outsider: [],
    }
    for user, titles in expected.items():
        client.force_login(user)
        assert _titles(client.get(reverse("requisitions:list"))) == titles, user.username


def test_filters_never_widen_the_slice(client, two_teams, hm, other_hiring_manager):
    client.force_login(hm)
    response = client.get(reverse("requisitions:list"), {"hiring_manager": other_hiring_manager.pk})
    assert _titles(response) == []


def test_a_recruiter_granted_another_requisition_sees_it(client, two_teams, recruiter, admin_user):
    grant_object_permission(perm="requisitions.view_requisition", user=recruiter, obj=two_teams[1], by=admin_user)
    client.force_login(recruiter)
    assert _titles(client.get(reverse("requisitions:list"))) == ["Mine", "Theirs"]


def test_list_filters_by_status_and_overdue_approval(client, hm, director, finance):
    submitted = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=submitted, by=hm)
    create_requisition(by=hm, title="Still a draft", hiring_manager=hm)
    client.force_login(finance)

    assert _titles(client.get(reverse("requisitions:list"), {"status": "pending_approval"})) == ["Backend Developer"]
    assert _titles(client.get(reverse("requisitions:list"), {"overdue_approval": "false"})) == [
        "Backend Developer",
        "Still a draft",
    ]
    assert _titles(client.get(reverse("requisitions:list"), {"overdue_approval": "true"})) == []
    bad = client.get(reverse("requisitions:list"), {"status": "nonsense", "target_start_min": "not a date"})
    assert bad.status_code == 400 and _titles(bad) == []


@pytest.fixture
def canary(hm, interviewer):
    """A submitted requisition with distinctive pay figures that the interviewer was granted sight of."""
    req = create_requisition(
        by=hm,
        hiring_manager=hm,
        **requisition_fields(base_min=CANARY_BASE_MIN, base_max=CANARY_BASE_MAX, justification="x"),
    )
    submit_requisition(requisition=req, by=hm)
    grant_object_permission(perm="requisitions.view_requisition", user=interviewer, obj=req, by=hm, reason="interviews")
    return req


def test_an_interviewer_never_sees_a_cost_figure(client, canary, interviewer):
    client.force_login(interviewer)
    pages = [
        reverse("requisitions:list"),
        reverse("requisitions:detail", args=[canary.pk]),
        reverse("requisitions:approvals"),
        reverse("portal:my_work"),
        reverse("portal:notifications"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert [c for c in CANARY_TEXTS if c in body] == [], url
    assert client.get(reverse("requisitions:export")).status_code == 403
    assert b"Backend Developer" in client.get(reverse("requisitions:detail", args=[canary.pk])).content


def test_finance_sees_the_costs(client, canary, finance):
    client.force_login(finance)
    body = client.get(reverse("requisitions:detail", args=[canary.pk])).content.decode()
    assert "91,357" in body and "135,550" in body  # 104,269 × 1.30 = 135,549.70


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


EXPORT_HEADER = [
    "Reference", "Title", "Status", "Department", "Cost center", "Location", "Employment type", "Openings",
    "Hiring manager", "Recruiter", "Target start", "First-year cost min", "First-year cost max", "Currency",
    "Approval overdue",
]  # fmt: skip


def test_the_export_is_the_filtered_slice_neutralised_and_logged(client, hm, recruiter):
    create_requisition(by=hm, title='=HYPERLINK("http://evil.example")', hiring_manager=hm, recruiter=recruiter)
    create_requisition(by=hm, title="@SUM(A1:A9)", hiring_manager=hm)
    create_requisition(by=hm, title="Not matching the search", hiring_manager=hm)
    UserFactory(username="elsewhere", roles=[Role.HIRING_MANAGER])
    client.force_login(hm)

    response = client.get(reverse("requisitions:export"), {"q": "("})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    log = ExportLog.objects.get()
    day = timezone.localdate(log.at).isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="requisitions_{day}_{log.export_id}.csv"'
    rows = _csv_rows(response)
    assert rows[0] == EXPORT_HEADER
    assert sorted(row[1] for row in rows[1:-1]) == ['\'=HYPERLINK("http://evil.example")', "'@SUM(A1:A9)"]
    assert rows[-1][0].startswith(f"Exported by {hm.username} ({hm.get_full_name()})")
    assert rows[-1][0].endswith(f"filters: q=%28 · export {log.export_id} · confidential")
    assert (log.user, log.dataset, log.format, log.rows, log.filters) == (hm, "requisitions", "csv", 2, "q=%28")


@pytest.fixture
def pending_and_draft(hm, director):
    """One requisition pending approval (cost 136,500 per opening at most) and one draft."""
    pending = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=pending, by=hm)
    draft = create_requisition(by=hm, title="Still a draft", hiring_manager=hm)
    return pending, draft


def test_finance_downloads_the_filtered_list_as_csv(client, finance, pending_and_draft):
    pending, _draft = pending_and_draft
    client.force_login(finance)

    response = client.get(reverse("requisitions:export"), {"status": "pending_approval", "format": "csv"})

    rows = _csv_rows(response)
    assert rows[0] == EXPORT_HEADER
    assert len(rows) == 3  # header, one requisition, watermark
    record = dict(zip(EXPORT_HEADER, rows[1], strict=True))
    assert (record["Reference"], record["Status"], record["Approval overdue"]) == (
        pending.reference,
        "Pending approval",
        "no",
    )
    assert (record["First-year cost max"], record["Currency"]) == ("136500.00", "CAD")
    assert record["Target start"] == pending.target_start_date.isoformat()
    log = ExportLog.objects.get()
    assert (log.user, log.format, log.rows, log.filters) == (finance, "csv", 1, "status=pending_approval")


def test_finance_downloads_the_filtered_list_as_xlsx(client, finance, pending_and_draft):
    pending, _draft = pending_and_draft
    client.force_login(finance)

    response = client.get(reverse("requisitions:export"), {"status": "pending_approval", "format": "xlsx"})

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    log = ExportLog.objects.get()
    assert response["Content-Disposition"].endswith(f'_{log.export_id}.xlsx"')
    assert (response["X-Content-Type-Options"], response["Cache-Control"]) == ("nosniff", "no-store")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == EXPORT_HEADER
    record = dict(zip(EXPORT_HEADER, sheet[2], strict=True))
    assert record["Reference"].value == pending.reference
    assert (record["First-year cost max"].value, record["First-year cost max"].data_type) == (136500, "n")
    assert record["Openings"].data_type == "n"
    assert record["Target start"].is_date
    assert sheet.max_row == 3 and sheet["A3"].value.startswith(f"Exported by {finance.username}")
    assert workbook.properties.keywords == log.export_id
    assert (log.format, log.rows) == ("xlsx", 1)


@pytest.mark.parametrize(
    "params, named",
    [
        ({"overdue_approval": "abc"}, "overdue_approval"),
        ({"status": "bogus"}, "status"),
        ({"target_start_after": "notadate"}, "target_start_after"),
        ({"target_start_min": "notadate"}, "target_start"),
        ({"department": "abc"}, "department"),
        ({"department": "999999"}, "department"),
        ({"sort": "bogus"}, "sort"),
        ({"format": "pdf"}, "format"),
        ({"format": ["csv", "xlsx"]}, "format"),
        ({"nonsense": "1"}, "nonsense"),
        ({"page": "2"}, "page"),
    ],
)
def test_an_export_with_a_bad_parameter_is_refused_not_widened(client, finance, pending_and_draft, params, named):
    client.force_login(finance)

    response = client.get(reverse("requisitions:export"), {"status": "pending_approval", **params})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f"\n{named}: " in response.content.decode()
    assert ExportLog.objects.count() == 0


def test_a_refusal_names_every_bad_parameter_and_is_plain_text(client, finance):
    client.force_login(finance)

    response = client.get(
        reverse("requisitions:export"), {"overdue_approval": "<script>", "nonsense": "1", "format": "pdf"}
    )

    body = response.content.decode()
    assert response.status_code == 400 and response["X-Content-Type-Options"] == "nosniff"
    assert "nonsense: " in body and "format: " in body and "overdue_approval: “<script>” is not a valid value." in body


@pytest.mark.parametrize("persona", ["interviewer", "outsider"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_people_who_may_not_see_costs_cannot_export(client, request, pending_and_draft, persona, fmt):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("requisitions:export"), {"format": fmt}).status_code == 403
    assert ExportLog.objects.count() == 0


def test_an_unreadable_filter_on_the_list_is_an_error_and_lists_nothing(client, finance, pending_and_draft):
    client.force_login(finance)

    response = client.get(reverse("requisitions:list"), {"overdue_approval": "abc"})

    assert response.status_code == 400
    assert list(response.context["object_list"]) == []
    assert response.context["filter"].errors["overdue_approval"] == ["“abc” is not a valid value."]
    assert "“abc” is not a valid value." in response.content.decode()


def test_the_export_buttons_carry_the_current_filters(client, finance, pending_and_draft):
    client.force_login(finance)
    url = reverse("requisitions:list")

    page = client.get(url, {"status": "draft", "page": "1"}).content.decode()
    swap = client.get(url, {"q": "draft"}, HTTP_HX_REQUEST="true").content.decode()

    export = reverse("requisitions:export")
    assert f'href="{export}?status=draft&amp;format=csv"' in page
    assert f'href="{export}?status=draft&amp;format=xlsx"' in page
    assert 'id="export-buttons" class="d-flex gap-2" hx-swap-oob="true"' in swap
    assert f'href="{export}?q=draft&amp;format=xlsx"' in swap
    assert "Still a draft" in swap


def test_saving_a_draft_from_the_form(client, hm):
    client.force_login(hm)

    response = client.post(
        reverse("requisitions:create"),
        {
            "title": "Support Lead",
            "hiring_manager": hm.pk,
            "openings": 1,
            "employment_type": "full_time",
            "currency": "CAD",
            "bonus_pct": "0",
            "benefits_load_pct": "0",
            "agency_fee": "0",
            "signing_bonus": "0",
            "relocation": "0",
            "equipment": "0",
        },
    )

    req = Requisition.objects.get()
    assert response.status_code == 302 and response["Location"] == req.get_absolute_url()
    assert (req.title, req.status, req.created_by) == ("Support Lead", Status.DRAFT, hm)


def _form_data(fields, **extra):
    data = {}
    for name, value in fields.items():
        if name == "band":
            continue
        data[name] = getattr(value, "pk", value)
        if isinstance(value, bool):
            data[name] = "on" if value else ""
    for name in ("agency_fee", "signing_bonus", "relocation", "equipment"):
        data.setdefault(name, "0")
    data.setdefault("currency", "CAD")
    data.update(extra)
    return {k: v for k, v in data.items() if v not in ("", None)}


def test_save_and_submit_from_the_form(client, hm, director):
    client.force_login(hm)
    data = _form_data(requisition_fields(), hiring_manager=hm.pk, submit="1")

    response = client.post(reverse("requisitions:create"), data)

    req = Requisition.objects.get()
    assert response.status_code == 302
    assert req.status == Status.PENDING_APPROVAL


def test_save_and_submit_with_problems_keeps_the_draft_and_shows_them(client, hm):
    client.force_login(hm)
    data = _form_data(requisition_fields(), hiring_manager=hm.pk, submit="1", base_max="150000")

    response = client.post(reverse("requisitions:create"), data)

    assert response.status_code == 400
    assert "Justify the cost" in response.content.decode()
    req = Requisition.objects.get()
    assert (req.status, req.base_max) == (Status.DRAFT, Decimal("150000"))


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"base_min": "120000", "base_max": "100000"}, "minimum cannot be above the maximum"),
        ({"openings": "0"}, "greater than or equal to 1"),
        ({"bonus_pct": "150"}, "less than or equal to 100"),
        ({"target_start_date": "31/02/2027"}, "Enter a valid date"),
        ({"base_max": "1e40"}, "Ensure that there are no more than"),
        ({"hiring_manager": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_on_the_form_and_nothing_is_saved(client, hm, extra, message):
    client.force_login(hm)
    data = _form_data(requisition_fields(), **{"hiring_manager": hm.pk, **extra})

    response = client.post(reverse("requisitions:create"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Requisition.objects.count() == 0


def test_posting_protected_fields_changes_nothing(client, hm):
    req = create_requisition(by=hm, title="Draft", hiring_manager=hm)
    client.force_login(hm)
    data = _form_data(
        requisition_fields(),
        hiring_manager=hm.pk,
        status="approved",
        created_by=1,
        approved_at="2020-01-01",
        cost_max="1",
    )

    client.post(reverse("requisitions:edit", args=[req.pk]), data)

    req.refresh_from_db()
    assert (req.status, req.created_by, req.approved_at) == (Status.DRAFT, hm, None)
    assert req.cost_max == Decimal("136500.00")


def test_intake_hints_show_band_plan_and_duplicates(client, hm):
    fields = requisition_fields()
    submit_requisition(requisition=create_requisition(by=hm, hiring_manager=hm, **fields), by=hm)
    client.force_login(hm)

    response = client.get(
        reverse("requisitions:intake_hints"),
        {
            "role_family": fields["role_family"].pk,
            "level": fields["level"].pk,
            "location": fields["location"].pk,
            "department": fields["department"].pk,
            "hiring_plan": fields["hiring_plan"].pk,
            "target_start_date": "not a date",
        },
    )

    body = response.content.decode()
    assert "80,000–110,000 CAD" in body
    assert "9</strong> of 10 headcount" in body  # the submitted one holds its place in the plan
    assert "Backend Developer" in body


def test_similar_requisitions_already_live_do_not_count_drafts(client, hm, other_hiring_manager):
    fields = requisition_fields()
    create_requisition(by=other_hiring_manager, hiring_manager=other_hiring_manager, **fields)  # a draft: an idea
    mine = create_requisition(by=hm, hiring_manager=hm, **fields)
    client.force_login(hm)

    body = client.get(reverse("requisitions:detail", args=[mine.pk])).content.decode()
    hints = client.get(
        reverse("requisitions:intake_hints"),
        {"role_family": fields["role_family"].pk, "level": fields["level"].pk, "department": fields["department"].pk},
    ).content.decode()

    assert "Similar requisitions" not in body
    assert "other teams" not in body
    assert "Already live" not in hints


def test_approving_from_the_page_by_someone_not_on_the_chain_is_refused(client, hm, finance):
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=req, by=hm)
    client.force_login(finance)

    assert client.post(reverse("requisitions:approve", args=[req.pk])).status_code == 403
    req.refresh_from_db()
    assert req.status == Status.PENDING_APPROVAL


def test_the_detail_page_shows_the_chain_with_reasons(client, hm, director):
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=req, by=hm)
    client.force_login(director)

    response = client.get(reverse("requisitions:detail", args=[req.pk]))

    body = response.content.decode()
    assert response.context["actions"] == ["approve", "send_back", "reject"]
    assert "Step 1 · " + str(director) in body
    assert "The hiring manager&#x27;s manager approves every requisition" in body


def test_an_approval_handed_on_reaches_someone_who_can_see_and_approve_it(client, hm, director):
    from portal.models import Decision
    from portal.services.decisions import reassign_decision

    stand_in = UserFactory(username="stand_in", roles=[Role.HIRING_MANAGER])
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=req, by=hm)
    reassign_decision(decision=Decision.objects.get(), by=director, owner=stand_in, note="On leave this week.")
    client.force_login(stand_in)

    assert client.get(reverse("requisitions:detail", args=[req.pk])).status_code == 200
    client.post(reverse("requisitions:approve", args=[req.pk]), {"note": "Approved for Dana."})

    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_a_workflow_decision_cannot_be_cancelled_from_the_decision_page(client, hm, admin_user):
    from portal.models import Decision

    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=req, by=hm)
    decision = Decision.objects.get()
    client.force_login(admin_user)

    response = client.post(reverse("portal:decision_cancel", args=[decision.pk]), {"note": "tidy up"})

    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.is_open


def test_similar_requisitions_of_other_teams_are_counted_not_named(client, hm, other_hiring_manager):
    fields = requisition_fields()
    theirs = {**fields, "title": "Their secret role"}
    theirs = create_requisition(by=other_hiring_manager, hiring_manager=other_hiring_manager, **theirs)
    submit_requisition(requisition=theirs, by=other_hiring_manager)
    mine = create_requisition(by=hm, hiring_manager=hm, **fields)
    client.force_login(hm)

    body = client.get(reverse("requisitions:detail", args=[mine.pk])).content.decode()

    assert "1 more run by other teams" in body
    assert "Their secret role" not in body


def test_a_refused_submit_then_a_fixed_one_makes_one_requisition(client, hm):
    client.force_login(hm)
    data = _form_data(requisition_fields(), hiring_manager=hm.pk, submit="1", base_max="150000")
    refused = client.post(reverse("requisitions:create"), data)
    draft = Requisition.objects.get()
    assert f'action="/requisitions/{draft.pk}/edit/"' in refused.content.decode()

    client.post(reverse("requisitions:edit", args=[draft.pk]), {**data, "justification": "Market rate."})

    assert list(Requisition.objects.values_list("pk", "status")) == [(draft.pk, Status.PENDING_APPROVAL)]


def test_absurd_amounts_are_refused_on_the_form_not_a_500(client, hm):
    client.force_login(hm)
    data = _form_data(requisition_fields(), hiring_manager=hm.pk, base_max="9999999999", bonus_pct="100")

    response = client.post(reverse("requisitions:create"), data)

    assert response.status_code == 200
    assert "less than or equal to 5000000" in response.content.decode().replace(",", "")
    assert Requisition.objects.count() == 0


def test_intake_hints_ignore_an_odd_requisition_number(client, hm):
    client.force_login(hm)
    assert client.get(reverse("requisitions:intake_hints"), {"requisition": "²"}).status_code == 200


def test_an_over_long_comment_is_refused_not_dropped(client, hm, director):
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=req, by=hm)
    client.force_login(director)

    response = client.post(reverse("requisitions:reject", args=[req.pk]), {"note": "x" * 4001}, follow=True)

    assert "at most 4000 characters" in response.content.decode()
    req.refresh_from_db()
    assert req.status == Status.PENDING_APPROVAL


def test_an_interviewer_managing_an_approver_sees_no_cost_on_the_decision(client, hm, interviewer):
    from portal.models import ApprovalRule, Decision
    from portal.services.decisions import reassign_decision

    ApprovalRule.objects.filter(fact="first_year_cost").update(threshold=Decimal("1"), step=1)
    approver = UserFactory(username="approver", roles=[Role.HIRING_MANAGER], manager=interviewer)
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields())
    submit_requisition(requisition=req, by=hm)
    decision = Decision.objects.filter(owner__isnull=False).first()
    reassign_decision(decision=decision, by=decision.owner, owner=approver, note="Yours.")
    client.force_login(interviewer)

    body = client.get(reverse("portal:decision_detail", args=[decision.pk])).content.decode()

    assert "Approve REQ" in body
    assert "136,500" not in body and "150,000" not in body


def test_sharing_a_requisition_with_another_recruiter_and_taking_it_back(client, hm):
    from portal.models import AccessLog

    other = UserFactory(username="other_recruiter", roles=[Role.RECRUITER])
    req = create_requisition(by=hm, title="Shared role", hiring_manager=hm)
    client.force_login(hm)

    client.post(reverse("requisitions:share", args=[req.pk]), {"user": other.pk})
    client.force_login(other)
    assert _titles(client.get(reverse("requisitions:list"))) == ["Shared role"]
    assert client.get(reverse("requisitions:edit", args=[req.pk])).status_code == 403  # sees, does not run

    client.force_login(hm)
    assert [u.username for u in client.get(reverse("requisitions:detail", args=[req.pk])).context["shared_with"]] == [
        "other_recruiter"
    ]
    client.post(reverse("requisitions:unshare", args=[req.pk, other.pk]))
    client.force_login(other)
    assert _titles(client.get(reverse("requisitions:list"))) == []
    assert list(AccessLog.objects.filter(user=other).order_by("at", "id").values_list("action", "by__username")) == [
        ("granted", "hm"),
        ("revoked", "hm"),
    ]


def test_a_requisition_is_shared_only_with_recruiters_and_hiring_managers(client, hm, interviewer):
    req = create_requisition(by=hm, title="Shared role", hiring_manager=hm)
    client.force_login(hm)

    response = client.post(reverse("requisitions:share", args=[req.pk]), {"user": interviewer.pk}, follow=True)

    assert "Choose an active recruiter or hiring manager" in response.content.decode()
    assert not interviewer.has_perm("requisitions.view_requisition", req)


def test_status_counts_follow_the_workflow_not_the_alphabet(client, hm, director):
    from requisitions.services import approve_requisition

    pending = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(title="Waiting one"))
    submit_requisition(requisition=pending, by=hm)
    approved = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(title="Approved one"))
    submit_requisition(requisition=approved, by=hm)
    approve_requisition(requisition=approved, by=director)
    client.force_login(hm)

    counts = client.get(reverse("requisitions:list")).context["status_counts"]

    assert [label for label, _ in counts] == ["Pending approval", "Approved"]  # alphabetically the other way


def test_interviewers_are_offered_no_cost_center_and_one_they_name_is_refused(client, hm, interviewer):
    """Interviewers see no cost data, yet the list's filter offered them every cost center by name."""
    from portal.models import CostCenter
    from tests.factories import CostCenterFactory

    mine = create_requisition(
        by=hm, hiring_manager=hm, **requisition_fields(cost_center=CostCenterFactory(name="Ledger Ops"))
    )
    CostCenterFactory(name="Secret Skunkworks")
    grant_object_permission(perm="requisitions.view_requisition", user=interviewer, obj=mine, by=hm)
    url = reverse("requisitions:list")

    client.force_login(interviewer)
    response = client.get(url)
    page = response.content.decode()
    assert list(response.context["filter"].form.fields["cost_center"].queryset) == []
    assert [text in page for text in ('name="cost_center"', "Ledger Ops", "Secret Skunkworks")] == [False] * 3
    assert _titles(response) == ["Backend Developer"]
    refused = client.get(url, {"cost_center": mine.cost_center_id})
    assert _titles(refused) == [] and "Cost center: Select a valid choice" in refused.content.decode()

    client.force_login(hm)  # who may see cost centers filters by them
    response = client.get(url, {"cost_center": mine.cost_center_id})
    assert _titles(response) == ["Backend Developer"]
    assert list(response.context["filter"].form.fields["cost_center"].queryset) == list(CostCenter.objects.all())
    assert "Secret Skunkworks" in response.content.decode()


def test_interviewers_see_no_cost_center_or_budget_owner_on_the_requisition_page(client, hm, finance, interviewer):
    """The list's filter hid cost centers from interviewers while the requisition page named the cost center
    and its budget owner: one rule (portal.permissions.can_see_cost_centers) for both."""
    from tests.factories import CostCenterFactory

    center = CostCenterFactory(name="Ledger Ops", budget_owner=finance)
    mine = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(cost_center=center))
    grant_object_permission(perm="requisitions.view_requisition", user=interviewer, obj=mine, by=hm)

    client.force_login(interviewer)
    page = client.get(mine.get_absolute_url()).content.decode()
    assert "Backend Developer" in page
    assert [text in page for text in ("Cost center", "Ledger Ops", "Budget owner", str(finance))] == [False] * 4

    client.force_login(hm)
    page = client.get(mine.get_absolute_url()).content.decode()
    assert [text in page for text in ("Cost center", "Ledger Ops", "Budget owner")] == [True] * 3
