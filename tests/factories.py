"""factory-boy factories. Users get their roles through the portal's own service."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from portal.choices import REQUEST, Role
from portal.models import CompBand, CostCenter, Decision, Department, HiringPlan, Level, Location, RoleFamily, User
from portal.services.users import set_roles


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            self.save()
            if extracted:
                set_roles(user=self, roles=extracted, by=None)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"D{n:03d}")


class CostCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostCenter

    code = factory.Sequence(lambda n: f"CC-{1000 + n}")
    name = factory.Sequence(lambda n: f"Cost center {n}")
    department = factory.SubFactory(DepartmentFactory)
    # Budgets are owned by people who may own one (a hiring manager here).
    budget_owner = factory.SubFactory(UserFactory, roles=[Role.HIRING_MANAGER])


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    city = factory.Sequence(lambda n: f"City {n}")
    province = "ON"
    country = "CA"


class RoleFamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleFamily

    name = factory.Sequence(lambda n: f"Family {n}")


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level

    code = factory.Sequence(lambda n: f"L{n}")
    name = factory.Sequence(lambda n: f"Level {n}")
    rank = factory.Sequence(lambda n: n + 1)


class CompBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompBand

    role_family = factory.SubFactory(RoleFamilyFactory)
    level = factory.SubFactory(LevelFactory)
    location = factory.SubFactory(LocationFactory)
    minimum = Decimal("80000")
    midpoint = Decimal("95000")
    maximum = Decimal("110000")
    effective_from = date(2026, 1, 1)


class HiringPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HiringPlan

    period = "2027-Q1"
    cost_center = factory.SubFactory(CostCenterFactory)
    approved_headcount = 4
    approved_budget = Decimal("500000")


class DecisionFactory(factory.django.DjangoModelFactory):
    """A request decision; use the services in tests of behaviour, this for setting the scene."""

    class Meta:
        model = Decision

    kind = REQUEST
    title = factory.Sequence(lambda n: f"Decide thing {n}")
    owner = factory.SubFactory(UserFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


def requisition_fields(**overrides):
    """A complete, submittable set of intake fields (creates the org records it needs)."""

    cost_center = overrides.pop("cost_center", None) or CostCenterFactory()
    plan = overrides.pop("hiring_plan", None) or HiringPlanFactory(
        cost_center=cost_center, approved_headcount=10, approved_budget=Decimal("2000000")
    )
    band = overrides.pop("band", None) or CompBandFactory(effective_from=date(2020, 1, 1))  # 80,000-110,000
    fields = {
        "title": "Backend Developer",
        "role_family": band.role_family,
        "level": band.level,
        "department": cost_center.department,
        "cost_center": cost_center,
        "location": band.location,
        "employment_type": "full_time",
        "openings": 1,
        "recruiter": UserFactory(username="req_recruiter", roles=[Role.RECRUITER]),
        "target_start_date": timezone.localdate() + timedelta(days=60),
        "hiring_plan": plan,
        # A backfill: the default policy then asks only the hiring manager's manager.
        "is_backfill": True,
        "backfill_for": "Sam Jones",
        "business_case": "Platform on-call load doubled this year.",
        "base_min": Decimal("90000"),
        "base_max": Decimal("105000"),
        "bonus_pct": Decimal("10"),
        "benefits_load_pct": Decimal("20"),
    }
    fields.update(overrides)
    return fields


def approval_steps(subject):
    """The approval steps of every round of `subject`'s chains (portal.ApprovalStep), in order."""
    from django.contrib.contenttypes.models import ContentType

    from portal.models import ApprovalStep

    return ApprovalStep.objects.filter(
        chain__subject_type=ContentType.objects.get_for_model(subject), chain__subject_id=subject.pk
    ).order_by("chain__round", "step", "id")


def submit_scorecard(interview, by, *, rating=3, evidence="x", recommendation="yes"):
    """`by`'s scorecard on `interview`, every criterion rated `rating`, submitted through the service."""
    from candidates.services import scorecards

    return scorecards.save_scorecard(
        interview=interview,
        by=by,
        ratings={c.pk: scorecards.RatingInput(rating, evidence) for c in interview.round.criteria.all()},
        recommendation=recommendation,
        submit=True,
    )
