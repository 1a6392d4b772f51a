"""A hire to pre-board: the offers' world (an open requisition run by `hm` and the persona recruiter, an
application on it), an offer taken through its approvals, and its acceptance."""

import pytest

from offers.services import accept_offer, approve_offer, create_offer, extend_offer, submit_offer
from onboarding.choices import FACILITIES, IT
from tests.factories import UserFactory
from tests.offers.conftest import application, head, open_requisition, terms  # noqa: F401  (fixtures)


@pytest.fixture
def it_person(db):
    return UserFactory(username="it_person", first_name="Ivo", last_name="Tech", roles=[IT])


@pytest.fixture
def facilities_person(db):
    return UserFactory(username="facilities_person", first_name="Fay", last_name="Cilities", roles=[FACILITIES])


def extended_offer(application, recruiter, approvers, **overrides):  # noqa: F811
    offer = create_offer(application=application, by=recruiter, terms=terms(application.requisition, **overrides))
    submit_offer(offer=offer, by=recruiter)
    for person in approvers:
        approve_offer(offer=offer, by=person)
    offer.refresh_from_db()
    return extend_offer(offer=offer, by=recruiter)


@pytest.fixture
def accepted(application, recruiter, hr, finance, head, it_person, facilities_person):  # noqa: F811
    """An accepted offer (its case opened in the same transaction)."""
    offer = extended_offer(application, recruiter, [hr, finance, head])
    return accept_offer(offer=offer, by=recruiter)
