"""The checklists a new installation starts with (admins edit them in Administration): one for employees,
one for contractors. Installed after `migrate` when no template was ever saved."""

from decimal import Decimal

from django.db import transaction

from onboarding.choices import TEMPLATE_SAVED, Anchor, OwnerRule, TaskKind
from portal.choices import CostCategory
from portal.services.records import save_with_history
from requisitions.choices import EmploymentType

# (key, title, kind, owner rule, anchor, offset, duration, blocks the start, waits on, expected cost, category)
EMPLOYEE_TASKS = [
    (
        "contract",
        "Contract signed",
        TaskKind.CONTRACT_SIGNATURE,
        OwnerRule.HR,
        Anchor.ACCEPTANCE,
        2,
        2,
        True,
        (),
        None,
        "",
    ),
    (
        "check",
        "Background check",
        TaskKind.BACKGROUND_CHECK,
        OwnerRule.HR,
        Anchor.ACCEPTANCE,
        10,
        7,
        True,
        ("contract",),
        Decimal("85.00"),
        CostCategory.BACKGROUND_CHECK,
    ),
    (
        "eligibility",
        "Work eligibility verified",
        TaskKind.WORK_ELIGIBILITY,
        OwnerRule.HR,
        Anchor.START,
        -5,
        2,
        True,
        ("contract",),
        None,
        "",
    ),
    (
        "references",
        "Reference checks",
        TaskKind.REFERENCE_CHECK,
        OwnerRule.RECRUITER,
        Anchor.ACCEPTANCE,
        5,
        3,
        False,
        (),
        None,
        "",
    ),
    (
        "equipment",
        "Laptop and peripherals ready",
        TaskKind.EQUIPMENT,
        OwnerRule.IT,
        Anchor.START,
        -3,
        5,
        True,
        ("contract",),
        Decimal("2400.00"),
        CostCategory.EQUIPMENT,
    ),
    (
        "accounts",
        "Accounts and access created",
        TaskKind.ACCOUNTS,
        OwnerRule.IT,
        Anchor.START,
        -2,
        2,
        True,
        ("contract",),
        None,
        "",
    ),
    (
        "workspace",
        "Desk, badge and parking",
        TaskKind.WORKSPACE,
        OwnerRule.FACILITIES,
        Anchor.START,
        -2,
        2,
        False,
        (),
        None,
        "",
    ),
    (
        "policies",
        "Policy acknowledgements",
        TaskKind.POLICIES,
        OwnerRule.HR,
        Anchor.START,
        0,
        1,
        False,
        ("accounts",),
        None,
        "",
    ),
    (
        "first_day",
        "First-day plan and buddy",
        TaskKind.FIRST_DAY,
        OwnerRule.HIRING_MANAGER,
        Anchor.START,
        -2,
        1,
        False,
        (),
        None,
        "",
    ),
]
CONTRACTOR_TASKS = [
    (
        "contract",
        "Statement of work countersigned",
        TaskKind.CONTRACT_SIGNATURE,
        OwnerRule.HIRING_MANAGER,
        Anchor.ACCEPTANCE,
        1,
        1,
        True,
        (),
        None,
        "",
    ),
    (
        "accounts",
        "Accounts and access created",
        TaskKind.ACCOUNTS,
        OwnerRule.IT,
        Anchor.START,
        -1,
        2,
        True,
        ("contract",),
        None,
        "",
    ),
    (
        "equipment",
        "Loaner laptop",
        TaskKind.EQUIPMENT,
        OwnerRule.IT,
        Anchor.START,
        -1,
        3,
        False,
        (),
        Decimal("900.00"),
        CostCategory.EQUIPMENT,
    ),
    (
        "first_day",
        "First-day plan",
        TaskKind.FIRST_DAY,
        OwnerRule.HIRING_MANAGER,
        Anchor.START,
        0,
        1,
        False,
        (),
        None,
        "",
    ),
]
DEFAULTS = [
    ("Employees", EmploymentType.FULL_TIME, "Standard laptop", EMPLOYEE_TASKS),
    ("Part-time employees", EmploymentType.PART_TIME, "Standard laptop", EMPLOYEE_TASKS),
    ("Temporary employees", EmploymentType.TEMPORARY, "Standard laptop", EMPLOYEE_TASKS),
    ("Interns", EmploymentType.INTERN, "Standard laptop", EMPLOYEE_TASKS),
    ("Contractors", EmploymentType.CONTRACT, "Loaner laptop", CONTRACTOR_TASKS),
    ("Contract-to-hire", EmploymentType.CONTRACT_TO_HIRE, "Loaner laptop", CONTRACTOR_TASKS),
]


def install_default_templates() -> int:
    """Create the default templates unless any template was ever saved (an admin's deletions stand)."""
    from onboarding.models import ChecklistTemplate, TemplateTask

    if ChecklistTemplate.history.exists():
        return 0
    with transaction.atomic():
        for name, employment_type, profile, tasks in DEFAULTS:
            template = ChecklistTemplate(name=name, employment_type=employment_type, equipment_profile=profile)
            save_with_history(template, by=None, reason=TEMPLATE_SAVED)
            made = {}
            for position, (
                key,
                title,
                kind,
                rule,
                anchor,
                offset,
                duration,
                blocks,
                _deps,
                cost,
                category,
            ) in enumerate(tasks, start=1):
                task = TemplateTask(
                    template=template,
                    position=position * 10,
                    title=title,
                    kind=kind,
                    owner_rule=rule,
                    anchor=anchor,
                    offset_days=offset,
                    duration_days=duration,
                    blocks_start=blocks,
                    expected_cost=cost,
                    cost_category=category,
                )
                save_with_history(task, by=None, reason=TEMPLATE_SAVED)
                made[key] = task
            for key, *_rest, deps, _cost, _category in tasks:
                if deps:
                    made[key].waits_on.set([made[dep] for dep in deps])
    return len(DEFAULTS)
