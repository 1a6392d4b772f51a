import pytest

from portal.choices import Role
from tests.factories import UserFactory


@pytest.fixture
def director(db):
    return UserFactory(username="director", roles=[Role.HIRING_MANAGER])


@pytest.fixture
def hm(db, director):
    """A hiring manager whose manager is the director."""
    return UserFactory(username="hm", roles=[Role.HIRING_MANAGER], manager=director)
