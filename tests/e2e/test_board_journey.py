"""A recruiter works the board in the browser: moves a card by its menu, drags another, rejects a third with
a reason code; every change lands in the stage log. A drop on Hired, and a move the service refuses, show
why, and change nothing."""

import pytest

from candidates.models import StageTransition
from candidates.services import apply, create_candidate
from portal.choices import Role
from portal.models import ApprovalRule
from requisitions.choices import Action
from requisitions.services import approve_requisition, create_requisition, move_requisition, submit_requisition
from tests.conftest import requires_chromium
from tests.e2e.helpers import sign_in, wait_for_htmx
from tests.factories import UserFactory, requisition_fields

pytestmark = [requires_chromium, pytest.mark.django_db(transaction=True)]


def test_a_recruiter_moves_drags_and_rejects_on_the_board(live_server, page):
    director = UserFactory(username="director", roles=[Role.HIRING_MANAGER])
    hm = UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)
    recruiter = UserFactory(username="rec", roles=[Role.RECRUITER])
    ApprovalRule.objects.filter(policy="requisition").exclude(approver="hm_manager").update(is_active=False)
    req = create_requisition(by=hm, hiring_manager=hm, **requisition_fields(recruiter=recruiter))
    submit_requisition(requisition=req, by=hm)
    approve_requisition(requisition=req, by=director)
    move_requisition(requisition=req, action=Action.OPEN, by=hm)
    for name in ("Ada", "Grace", "Linus"):
        apply(
            candidate=create_candidate(by=recruiter, first_name=name, last_name="Test"), requisition=req, by=recruiter
        )
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, live_server, "rec")
    page.goto(f"{live_server.url}/candidates/board/{req.pk}/")
    column = {
        code: page.locator(f'section[data-stage="{code}"]') for code in ("applied", "screen", "interview", "hired")
    }

    # The keyboard path: the card's own menu.
    page.get_by_label("Move Ada Test to").select_option("interview")
    page.locator("li.board-card", has_text="Ada Test").get_by_role("button", name="Move").click()
    column["interview"].get_by_role("link", name="Ada Test").wait_for()

    # Dragging a card onto a column runs the same form. The drag starts once htmx has settled the board
    # it swapped in, from the card's corner (not its link or its menu).
    wait_for_htmx(page)
    page.locator("li.board-card", has_text="Grace Test").drag_to(
        column["screen"], source_position={"x": 4, "y": 4}, target_position={"x": 20, "y": 20}
    )
    column["screen"].get_by_role("link", name="Grace Test").wait_for()

    # Hired is not a move: its column takes no card, and says which path gets there.
    wait_for_htmx(page)
    page.locator("li.board-card", has_text="Grace Test").drag_to(
        column["hired"], source_position={"x": 4, "y": 4}, target_position={"x": 20, "y": 20}
    )
    page.get_by_text("Hired is reached only by confirming the start in pre-boarding.").wait_for()
    assert column["screen"].get_by_role("link", name="Grace Test").count() == 1

    # A move the service refuses comes back as the board with its message, not as an error box.
    page.get_by_label("Move Ada Test to").select_option("interview")
    page.locator("li.board-card", has_text="Ada Test").get_by_role("button", name="Move").click()
    page.get_by_text("The application is already in Interview.").wait_for()

    # Rejecting asks for the reason code.
    linus = page.locator("li.board-card", has_text="Linus Test")
    linus.get_by_text("Reject or withdraw…").click()
    linus.get_by_label("Reason (required)").select_option("skill_gap")
    linus.get_by_role("button", name="Close application").click()
    page.get_by_text("Linus Test closed").wait_for()
    assert page.locator("li.board-card", has_text="Linus Test").count() == 0

    moves = sorted(
        StageTransition.objects.exclude(from_stage=None).values_list(
            "application__candidate__first_name", "to_stage__code", "status"
        )
    )
    assert moves == [("Ada", "interview", "active"), ("Grace", "screen", "active"), ("Linus", "applied", "rejected")]
    # The refused move answered 400, which the browser notes in its console; no script failed.
    assert errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
