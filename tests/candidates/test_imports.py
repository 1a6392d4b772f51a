"""Importing an ATS export: map columns and labels, preview every row's errors, write all or none,
and re-import without duplicating."""

import pytest
from django.urls import reverse

from candidates.choices import ImportStatus, MappingKind
from candidates.models import Application, Candidate, CandidateImport, ImportMapping, StageTransition
from candidates.services import imports
from requisitions.choices import Action
from requisitions.services import move_requisition
from tests.commit import committed

pytestmark = pytest.mark.django_db

HEADINGS = (
    "Application ID,First Name,Last Name,Email,Phone,Job ID,Current Stage,Status,Source,Rejection Reason,"
    "Recruiter,Applied At,Last Activity"
)


def _greenhouse(rows: list[str]) -> bytes:
    """A Greenhouse-style export, UTF-8 with a byte-order mark as Excel writes it."""
    return ("\ufeff" + "\r\n".join([HEADINGS, *rows]) + "\r\n").encode()


def _good_rows(n=10, stage="Phone Screen") -> list[str]:
    return [
        f"GH-{i},Person{i},Tremblay,person{i}@example.com,+1 416 555 01{i:02d},4401,{stage},Active,LinkedIn,,"
        f"Pat Recruiter,2026-10-{i + 1:02d},2026-11-{i + 1:02d}"
        for i in range(n)
    ]


BAD_ROWS = [
    "GH-900,Mystery,Stage,mystery@example.com,,4401,Reference Check,Active,LinkedIn,,,2026-10-01,2026-10-02",
    "GH-901,Broken,Email,not-an-email,,4401,Phone Screen,Active,LinkedIn,,,2026-10-01,2026-10-02",
]


@pytest.fixture
def labels(open_requisition, recruiter):
    """The labels of the export mapped onto ours, as the mapping form saves them."""
    return {
        MappingKind.JOB: {"4401": str(open_requisition.pk)},
        MappingKind.STAGE: {"Phone Screen": "screen", "Onsite": "interview"},
        MappingKind.STATUS: {"Active": "active", "Rejected": "closed", "Hired": "hired"},
        MappingKind.SOURCE: {"LinkedIn": "linkedin"},
        MappingKind.REASON: {"Lacked skills": "skill_gap"},
        MappingKind.RECRUITER: {"Pat Recruiter": str(recruiter.pk)},
    }


def _upload(client, content: bytes, name="greenhouse.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("candidates:imports"), {"file": SimpleUploadedFile(name, content, "text/csv")})


def _map(client, imp, labels):
    data = {f"col-{name}": heading for name, heading in imp.columns.items()}
    for kind, pairs in labels.items():
        for i, (label, value) in enumerate(pairs.items()):
            data[f"label-{kind}-{i}"] = label
            data[f"value-{kind}-{i}"] = value
    return client.post(reverse("candidates:import_mapping", args=[imp.pk]), data)


def test_a_recruiter_imports_an_export_with_two_bad_rows(client, recruiter, open_requisition, labels):
    client.force_login(recruiter)
    before = Application.objects.count()

    response = _upload(client, _greenhouse(_good_rows() + BAD_ROWS))
    imp = CandidateImport.objects.get()
    assert response["Location"] == imp.get_absolute_url()
    assert imp.total_rows == 12
    assert imp.columns["email"] == "Email" and imp.columns["stage"] == "Current Stage"  # guessed from the headings

    _map(client, imp, labels)
    page = client.get(imp.get_absolute_url()).content.decode()
    assert "10 new" in page and "2 with errors" in page
    assert "Stage “Reference Check” is not mapped." in page
    assert "“not-an-email” is not an email address." in page

    with committed():  # refused: rows have errors and skipping them was not asked for
        client.post(reverse("candidates:import_run", args=[imp.pk]))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.MAPPING and Application.objects.count() == before

    with committed():
        client.post(reverse("candidates:import_run", args=[imp.pk]), {"skip_errors": "on"})
    imp.refresh_from_db()
    assert (imp.status, imp.created_count, imp.skipped_count) == (ImportStatus.DONE, 10, 2)
    assert [row for row, _ in imp.problems] == [12, 13]
    imported = Application.objects.filter(external_id__startswith="GH-")
    assert imported.count() == 10
    app = imported.get(external_id="GH-3")
    assert (app.stage.code, app.owner, app.source.code) == ("screen", recruiter, "linkedin")
    assert app.applied_at.date().isoformat() == "2026-10-04"
    assert [(t.from_stage_id and t.from_stage.code, t.to_stage.code) for t in app.transitions.all()] == [
        (None, "applied"),
        ("applied", "screen"),
    ]
    assert "Imported from greenhouse.csv, row 5." in app.transitions.last().note
    assert app.history.count() >= 2 and app.candidate.history.exists()
    done = client.get(imp.get_absolute_url()).content.decode()
    assert "10 new applications" in done and "Rows skipped" in done


def test_re_importing_the_same_file_updates_instead_of_duplicating(client, recruiter, open_requisition, labels):
    client.force_login(recruiter)
    _upload(client, _greenhouse(_good_rows(4)))
    first = CandidateImport.objects.get()
    _map(client, first, labels)
    with committed():
        client.post(reverse("candidates:import_run", args=[first.pk]))
    transitions = StageTransition.objects.count()

    _upload(client, _greenhouse(_good_rows(4)), name="again.csv")  # the saved mappings are reused: no mapping step
    second = CandidateImport.objects.exclude(pk=first.pk).get()
    assert second.columns == CandidateImport.objects.get(pk=first.pk).columns
    with committed():
        client.post(reverse("candidates:import_run", args=[second.pk]))
    second.refresh_from_db()
    assert (second.status, second.created_count, second.unchanged_count) == (ImportStatus.DONE, 0, 4)
    assert StageTransition.objects.count() == transitions
    assert Candidate.objects.filter(email__endswith="@example.com").count() == 4

    _upload(client, _greenhouse(_good_rows(4, stage="Onsite")), name="later.csv")
    third = CandidateImport.objects.order_by("-pk").first()
    with committed():
        client.post(reverse("candidates:import_run", args=[third.pk]))
    third.refresh_from_db()
    assert third.updated_count == 4
    assert set(Application.objects.filter(external_id__startswith="GH-").values_list("stage__code", flat=True)) == {
        "interview"
    }


def test_a_lever_export_with_full_names_archive_reasons_and_utc_times(recruiter, open_requisition):
    content = (
        "Name,Email,Posting ID,Stage,Origin,Archive Reason,Owner,Created At (GMT),Last Interaction\n"
        f"Chloé Gagnon,chloe@example.com,abc-123,Onsite,Referred,Lacked skills,{recruiter.email},"
        "2026-10-01 14:22:00 UTC,2026-10-20 09:00:00 UTC\n"
        "Wei Chen,wei@example.com,abc-123,Onsite,Referred,,,2026-10-03,2026-10-21\n"
    ).encode()
    text, headers, count = imports.read_upload("lever.csv", content)
    imp = CandidateImport.objects.create(
        file_name="lever.csv", content=text, headers=headers, columns=imports.guess_columns(headers),
        total_rows=count, created_by=recruiter,
    )  # fmt: skip
    assert imp.columns == {
        "full_name": "Name", "email": "Email", "job": "Posting ID", "stage": "Stage", "source_type": "Origin",
        "reason": "Archive Reason", "recruiter": "Owner", "applied_at": "Created At (GMT)",
        "last_activity_at": "Last Interaction",
    }  # fmt: skip
    vocabulary = imports.Vocabulary.load(recruiter)
    assert vocabulary.suggest(MappingKind.RECRUITER, recruiter.email) == str(recruiter.pk)
    assert vocabulary.suggest(MappingKind.SOURCE, "Referred") == ""  # a guess is offered only for an exact match
    imports.save_mapping(
        imp=imp,
        columns=imp.columns,
        labels={
            MappingKind.JOB: {"abc-123": str(open_requisition.pk)},
            MappingKind.STAGE: {"Onsite": "interview"},
            MappingKind.SOURCE: {"Referred": "referral"},
            MappingKind.REASON: {"Lacked skills": "skill_gap"},
            MappingKind.RECRUITER: {recruiter.email: str(recruiter.pk)},
        },
        by=recruiter,
    )
    plans = imports.plan(imp, recruiter)
    assert [p.errors for p in plans] == [[], []]
    assert (plans[0].first_name, plans[0].last_name, plans[0].status) == ("Chloé", "Gagnon", "closed")
    with committed():
        imports.start_import(imp=imp, by=recruiter, skip_errors=False)
    chloe = Application.objects.get(candidate__email="chloe@example.com")
    assert (chloe.status, chloe.disposition.code, chloe.stage.code) == ("rejected", "skill_gap", "interview")
    assert chloe.applied_at.isoformat().startswith("2026-10-01T14:22")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        ("Name,Email\nChlo\xe9,c@example.com\n".encode("latin-1"), "not UTF-8"),
        (b"Name,Email,Job\n", "no rows"),
        (b"Name,Email,name\nA B,a@example.com,x\n", "same heading"),
        (b"Name,,Job\nA B,a@example.com,x\n", "needs a heading"),
        (b'Name,Email\n"A B,a@example.com\n', "cannot be read as CSV"),
        (b"\x00\x01PK\x03\x04", "not a CSV"),
    ],
)
def test_a_file_that_is_not_a_readable_export_is_refused_with_a_reason(client, recruiter, content, message):
    client.force_login(recruiter)
    response = _upload(client, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CandidateImport.objects.exists()


def test_semicolon_separated_files_and_row_limits(recruiter, monkeypatch):
    headers, rows = imports.parse("Name;Email;Job\nA B;a@example.com;1\n")
    assert headers == ["Name", "Email", "Job"] and rows == [["A B", "a@example.com", "1"]]
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    with pytest.raises(imports.ImportRefused, match="more than 2 rows"):
        imports.parse("Name,Email\n" + "A B,a@example.com\n" * 3)


def test_row_errors_name_each_problem(recruiter, open_requisition, labels):
    rows = [
        "GH-1,Solo,,solo@example.com,,4401,Phone Screen,Active,LinkedIn,,,2026-10-01,2026-10-02",
        "GH-2,Ada,Byron,ada@example.com,,9999,Phone Screen,Active,LinkedIn,,,2026-10-01,2026-10-02",
        "GH-3,Ada,Byron,ada3@example.com,,4401,Phone Screen,Rejected,LinkedIn,,,2026-10-01,2026-10-02",
        "GH-4,Ada,Byron,ada4@example.com,,4401,Phone Screen,Active,Monster,,,2026-10-01,2026-10-02",
        "GH-5,Ada,Byron,ada5@example.com,,4401,Phone Screen,Active,LinkedIn,,,01/10/2026,2026-10-02",
        "GH-6,Ada,Byron,ada6@example.com,,4401,Phone Screen,Active,LinkedIn,,,2026-10-05,2026-10-02",
        "GH-6,Ada,Byron,ada7@example.com,,4401,Phone Screen,Active,LinkedIn,,,2026-10-01,2026-10-02",
        "GH-8,Ada,Byron,ada8@example.com,,4401,Phone Screen,Active,LinkedIn,,Someone Else,2026-10-01,2099-01-01",
    ]
    text, headers, count = imports.read_upload("x.csv", _greenhouse(rows))
    imp = CandidateImport.objects.create(
        file_name="x.csv", content=text, headers=headers, columns=imports.guess_columns(headers),
        total_rows=count, created_by=recruiter,
    )  # fmt: skip
    imports.save_mapping(imp=imp, columns=imp.columns, labels=labels, by=recruiter)
    errors = {p.number: " ".join(p.errors) for p in imports.plan(imp, recruiter)}
    assert "first and a last name" in errors[2]
    assert "Job or requisition “9999” is not mapped." in errors[3]
    assert "needs a rejection reason" in errors[4]
    assert "Source “Monster” is not mapped." in errors[5]
    assert "“01/10/2026” is not a date" in errors[6]
    assert "last activity is before" in errors[7]
    assert "same application as row 7" in errors[8]
    assert "Recruiter “Someone Else” is not mapped." in errors[9] and "in the future" in errors[9]


def test_a_row_that_fails_while_writing_undoes_every_row(recruiter, open_requisition, labels, monkeypatch):
    text, headers, count = imports.read_upload("x.csv", _greenhouse(_good_rows(5)))
    imp = CandidateImport.objects.create(
        file_name="x.csv", content=text, headers=headers, columns=imports.guess_columns(headers),
        total_rows=count, created_by=recruiter,
    )  # fmt: skip
    imports.save_mapping(imp=imp, columns=imp.columns, labels=labels, by=recruiter)
    imports.start_import(imp=imp, by=recruiter, skip_errors=False)  # queued; the task has not run
    real_move = imports.move_application

    def move(*, application, **kwargs):
        if application.external_id == "GH-3":
            raise imports.PipelineError("The requisition was closed a moment ago.")
        return real_move(application=application, **kwargs)

    monkeypatch.setattr(imports, "move_application", move)
    imports.run_import(imp.pk)

    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED
    assert imp.problems == [[5, "The requisition was closed a moment ago."]]
    assert not Application.objects.filter(external_id__startswith="GH-").exists()
    assert not Candidate.objects.filter(email__endswith="@example.com").exists()
    assert imports.run_import(imp.pk).status == ImportStatus.FAILED  # a second delivery changes nothing


def test_the_portal_is_checked_again_when_the_import_runs(recruiter, hm, open_requisition, labels):
    text, headers, count = imports.read_upload("x.csv", _greenhouse(_good_rows(2)))
    imp = CandidateImport.objects.create(
        file_name="x.csv", content=text, headers=headers, columns=imports.guess_columns(headers),
        total_rows=count, created_by=recruiter,
    )  # fmt: skip
    imports.save_mapping(imp=imp, columns=imp.columns, labels=labels, by=recruiter)
    imports.start_import(imp=imp, by=recruiter, skip_errors=False)
    move_requisition(requisition=open_requisition, action=Action.HOLD, by=hm, note="Budget freeze.")

    imp = imports.run_import(imp.pk)

    assert imp.status == ImportStatus.FAILED
    assert {message for _, message in imp.problems} == {f"{open_requisition.reference} is not open."}
    assert not Application.objects.exists()


def test_a_mapping_onto_something_the_user_cannot_choose_is_refused(recruiter, other_hiring_manager, labels):
    text, headers, count = imports.read_upload("x.csv", _greenhouse(_good_rows(1)))
    imp = CandidateImport.objects.create(
        file_name="x.csv", content=text, headers=headers, columns={}, total_rows=count, created_by=recruiter
    )
    with pytest.raises(imports.ImportRefused, match="not a choice"):
        imports.save_mapping(imp=imp, columns={}, labels={MappingKind.JOB: {"4401": "999999"}}, by=recruiter)
    with pytest.raises(imports.ImportRefused, match="one field only"):
        imports.save_mapping(imp=imp, columns={"email": "Email", "phone": "Email"}, labels={}, by=recruiter)
    assert not ImportMapping.objects.exists()


def test_imports_are_for_recruiters_and_admins_and_each_sees_their_own(client, recruiter, hm, finance, admin_user):
    imp = CandidateImport.objects.create(
        file_name="x.csv", content="a,b\n1,2\n", headers=["a", "b"], created_by=admin_user
    )
    for user in (hm, finance):
        client.force_login(user)
        assert client.get(reverse("candidates:imports")).status_code == 403
    client.force_login(recruiter)
    assert client.get(reverse("candidates:imports")).status_code == 200
    assert client.get(imp.get_absolute_url()).status_code == 404
    client.force_login(admin_user)
    assert client.get(imp.get_absolute_url()).status_code == 200


def test_progress_reloads_the_page_once_the_import_has_finished(client, recruiter):
    imp = CandidateImport.objects.create(
        file_name="x.csv", content="a\n1\n", headers=["a"], created_by=recruiter, total_rows=400,
        status=ImportStatus.CHECKING, checked_rows=250,
    )  # fmt: skip
    client.force_login(recruiter)
    url = reverse("candidates:import_progress", args=[imp.pk])
    assert 'value="250"' in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    CandidateImport.objects.filter(pk=imp.pk).update(status=ImportStatus.DONE)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


def test_the_preview_costs_the_same_whatever_the_number_of_rows(client, recruiter, open_requisition, labels):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(recruiter)
    client.get(reverse("candidates:imports"))

    def queries(n):
        _upload(client, _greenhouse(_good_rows(n) + BAD_ROWS), name=f"{n}.csv")
        imp = CandidateImport.objects.get(file_name=f"{n}.csv")
        _map(client, imp, labels)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(imp.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    few = queries(3)
    assert queries(28) == few and few <= 20


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, recruiter, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 2**20)
    client.force_login(recruiter)
    response = _upload(client, b"Name,Email\n" + b"A B,a@example.com\n" * 70_000)
    assert response.status_code == 400 and "larger than 1 MB" in response.content.decode()
    assert not CandidateImport.objects.exists()


def _planned(recruiter, rows, labels):
    text, headers, count = imports.read_upload("x.csv", _greenhouse(rows))
    imp = CandidateImport.objects.create(
        file_name="x.csv", content=text, headers=headers, columns=imports.guess_columns(headers),
        total_rows=count, created_by=recruiter,
    )  # fmt: skip
    imports.save_mapping(imp=imp, columns=imp.columns, labels=labels, by=recruiter)
    return imp


HIRED_REJECTED = "GH-50,Hana,Sato,hana@example.com,,4401,Hired,Rejected,LinkedIn,Lacked skills,,2026-10-01,2026-10-02"


def test_what_the_preview_calls_valid_is_what_the_run_writes(recruiter, open_requisition, labels):
    """A row in Hired with the status Rejected passed the preview and then failed the whole run, so skipping
    the rows with errors imported nothing. The preview now runs the services' own checks."""
    labels[MappingKind.STAGE]["Hired"] = "hired"
    imp = _planned(recruiter, _good_rows(3) + [HIRED_REJECTED], labels)

    errors = {p.number: p.errors for p in imports.plan(imp, recruiter) if p.errors}
    with committed():
        imports.start_import(imp=imp, by=recruiter, skip_errors=True)

    assert errors == {
        5: [
            "Hired is reached only by confirming the start in pre-boarding. Import the row at an earlier stage "
            "(such as Offer), or leave it out."
        ]
    }
    imp.refresh_from_db()
    assert (imp.status, imp.created_count, imp.skipped_count) == (ImportStatus.DONE, 3, 1)
    assert imp.problems == [[number, "; ".join(messages)] for number, messages in errors.items()]
    assert sorted(Application.objects.values_list("external_id", flat=True)) == ["GH-0", "GH-1", "GH-2"]


def test_hires_are_not_imported_a_row_in_pre_start_or_hired_is_a_row_error(recruiter, open_requisition, labels):
    labels[MappingKind.STAGE].update({"Offer Accepted": "pre_start", "Hired": "hired"})
    rows = [
        "GH-1,Ada,Byron,ada1@example.com,,4401,Offer Accepted,Active,LinkedIn,,,2026-10-01,2026-10-02",
        "GH-2,Ada,Byron,ada2@example.com,,4401,Phone Screen,Hired,LinkedIn,,,2026-10-01,2026-10-02",
        "GH-3,Ada,Byron,ada3@example.com,,4401,Hired,Active,LinkedIn,,,2026-10-01,2026-10-02",
    ]
    imp = _planned(recruiter, rows, labels)

    errors = {p.number: " ".join(p.errors) for p in imports.plan(imp, recruiter)}

    assert errors[2] == (
        "Pre-start is reached only by recording an accepted offer (or a contractor's start on the opening). "
        "Import the row at an earlier stage (such as Offer), or leave it out."
    )
    assert errors[3] == errors[4] and errors[3].startswith("Hired is reached only by confirming the start")
    with pytest.raises(imports.ImportRefused, match="Every row has errors"):
        imports.start_import(imp=imp, by=recruiter, skip_errors=True)


def test_a_re_import_leaves_an_accepted_hire_where_its_offer_put_it(recruiter, open_requisition, labels):
    from candidates.choices import PreStartCause
    from candidates.services import enter_pre_start

    labels[MappingKind.STAGE]["Offer Accepted"] = "pre_start"
    first = _planned(recruiter, _good_rows(2), labels)
    with committed():
        imports.start_import(imp=first, by=recruiter, skip_errors=False)
    enter_pre_start(application=Application.objects.get(external_id="GH-0"), by=recruiter, cause=PreStartCause.OFFER)
    rows = _good_rows(2, stage="Offer Accepted")
    rows[0] = rows[0].replace("Offer Accepted", "Phone Screen")  # the ATS is behind the portal

    plans = imports.plan(_planned(recruiter, rows, labels), recruiter)

    assert [(p.action, p.errors) for p in plans] == [
        (
            "update",
            [
                "The application is in Pre-start: a hire is undone only by its own workflow (the offer rescinded, "
                "or a no-show recorded at the start), never moved or closed by hand."
            ],
        ),
        (
            "update",
            [
                "Pre-start is reached only by recording an accepted offer (or a contractor's start on the opening). "
                "Import the row at an earlier stage (such as Offer), or leave it out."
            ],
        ),
    ]
    rows[0] = rows[0].replace("Phone Screen", "Offer Accepted")
    assert [p.action for p in imports.plan(_planned(recruiter, rows, labels), recruiter)][0] == "unchanged"


def test_an_import_names_only_requisitions_its_author_runs(recruiter, open_requisition, hm, labels):
    from portal.choices import Role
    from requisitions.services import share_requisition
    from tests.factories import UserFactory

    shared = UserFactory(username="shared_recruiter", roles=[Role.RECRUITER])
    share_requisition(requisition=open_requisition, user=shared, by=hm)

    assert list(imports.Vocabulary.load(recruiter).requisitions) == [str(open_requisition.pk)]
    assert imports.Vocabulary.load(shared).requisitions == {}
    imp = CandidateImport.objects.create(
        file_name="x.csv", content="a\n1\n", headers=["a"], columns={}, total_rows=1, created_by=shared
    )
    with pytest.raises(imports.ImportRefused, match="not a choice"):
        imports.save_mapping(imp=imp, columns={}, labels={MappingKind.JOB: labels[MappingKind.JOB]}, by=shared)


def test_an_export_with_accented_addresses_is_imported(recruiter, open_requisition, labels):
    """A French-Canadian ATS export holds addresses whose local part has accents: they are real addresses."""
    rows = [
        "GH-1,Marc-André,Côté,marc-andré.côté@example.ca,,4401,Phone Screen,Active,LinkedIn,,,2026-10-01,2026-10-02",
        "GH-2,Zoë,Lévesque,zoë@exämple.ca,,4401,Phone Screen,Active,LinkedIn,,,2026-10-01,2026-10-02",
        "GH-3,Ada,Byron,ada\u200dbyron@example.ca,,4401,Phone Screen,Active,LinkedIn,,,2026-10-01,2026-10-02",
    ]
    imp = _planned(recruiter, rows, labels)

    errors = {p.number: p.errors for p in imports.plan(imp, recruiter)}
    with committed():
        imports.start_import(imp=imp, by=recruiter, skip_errors=True)

    assert errors == {2: [], 3: [], 4: ["“ada\u200dbyron@example.ca” is not an email address."]}
    imp.refresh_from_db()
    assert (imp.status, imp.created_count, imp.skipped_count) == (ImportStatus.DONE, 2, 1)
    assert sorted(Candidate.objects.values_list("email", flat=True)) == [
        "marc-andré.côté@example.ca",
        "zoë@exämple.ca",
    ]


def test_an_application_matched_by_email_takes_the_ats_id_with_its_history(client, recruiter, open_requisition, labels):
    """A person already on the requisition (added by hand, no ATS id) is matched by email; the import records
    the ATS's id on the application through the pipeline, with a history row saying who linked it."""
    from candidates.services import apply, create_candidate

    person = create_candidate(by=recruiter, first_name="Person0", last_name="Tremblay", email="person0@example.com")
    by_hand = apply(candidate=person, requisition=open_requisition, by=recruiter)
    client.force_login(recruiter)
    _upload(client, _greenhouse(_good_rows(1)))
    imp = CandidateImport.objects.get()
    _map(client, imp, labels)
    with committed():
        client.post(reverse("candidates:import_run", args=[imp.pk]))

    by_hand.refresh_from_db()
    assert by_hand.external_id == "GH-0"
    latest = by_hand.history.latest()
    assert (latest.history_change_reason, latest.history_user, latest.external_id) == (
        "candidates.application.linked",
        recruiter,
        "GH-0",
    )
    assert Application.objects.filter(candidate=person).count() == 1
