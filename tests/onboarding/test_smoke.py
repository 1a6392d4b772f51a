import pytest

from onboarding.models import PreboardingCase

pytestmark = pytest.mark.django_db


def test_accepting_opens_the_case(accepted):
    case = PreboardingCase.objects.get(offer=accepted)
    tasks = list(case.tasks.select_related("decision"))
    for t in tasks:
        print(t.title, t.due_date, t.decision.owner_display, t.decision.due_at, t.blocks_start, t.expected_cost)
    assert len(tasks) == 9
