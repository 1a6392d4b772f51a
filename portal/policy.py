"""Approval policies: rules over the facts a subject supplies, and the chain they plan.

A module declares an ApprovalPolicy (its facts, the people it can name as approvers, who created a
subject) and registers it; admins write the rules (portal.ApprovalRule) in Administration.
`plan_chain` reads a subject's facts and the policy's active rules and returns the planned steps,
each with the reasons it is there ("Finance: first-year cost 182,000 > 150,000"). It writes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import registry
from portal.choices import Role
from portal.money import Money


class FactKind(models.TextChoices):
    FLAG = "flag", gettext_lazy("Yes or no")
    AMOUNT = "amount", gettext_lazy("Amount")
    CHOICE = "choice", gettext_lazy("One of a list")


class Condition(models.TextChoices):
    ALWAYS = "always", gettext_lazy("Always")
    FLAG = "flag", gettext_lazy("The fact holds")
    OVER = "over", gettext_lazy("The fact is over the threshold")
    ONE_OF = "one_of", gettext_lazy("The fact is one of the values")


# Which condition each kind of fact takes.
CONDITION_FOR = {FactKind.FLAG: Condition.FLAG, FactKind.AMOUNT: Condition.OVER, FactKind.CHOICE: Condition.ONE_OF}

ROLE_APPROVER, USER_APPROVER = "role", "user"
GENERIC_APPROVERS = [
    (ROLE_APPROVER, gettext_lazy("Everyone holding a role (one of them approves)")),
    (USER_APPROVER, gettext_lazy("A named person")),
]


@dataclass(frozen=True)
class FactSpec:
    """A fact a policy's rules can test: its key, label, kind, a unit for amounts ("/h"), choices for lists."""

    key: str
    label: str
    kind: str
    unit: str = ""
    places: int = 0
    choices: tuple[tuple[str, str], ...] = ()

    def show(self, value) -> str:
        if isinstance(value, Money):
            value = value.amount
        if self.kind == FactKind.AMOUNT:
            return f"{Decimal(value):,.{self.places}f}{self.unit}"
        if self.kind == FactKind.CHOICE:
            return str(dict(self.choices).get(value, value))
        return self.label


@dataclass(frozen=True)
class Fact:
    """What a subject says of one fact: its value (None: not known yet) and, optionally, how to state
    it in a reason ("2 × 91,000 = 182,000")."""

    value: object
    text: str = ""


@dataclass(frozen=True)
class ApprovalPolicy:
    """How one kind of subject is approved.

    `facts`: what rules may test; `read_facts(subject)` -> {key: Fact}.
    `people`: {key: label} of approvers the subject names (a hiring manager's manager...);
    `read_people(subject)` -> {key: User or None}.
    `creators(subject)` -> ids of the people who created it (they never approve it).
    `approver_roles`: roles whose members may approve its steps at all.
    `fallback`: the approver (a people key) when no rule matches.
    `title(subject)`: the title of its approval decisions.
    """

    key: str
    label: str
    subject_label: str
    decision_kind: str
    facts: tuple[FactSpec, ...]
    people: dict[str, str]
    approver_roles: frozenset[str]
    read_facts: Callable
    read_people: Callable
    creators: Callable
    title: Callable
    fallback: str = ""

    def fact(self, key: str) -> FactSpec | None:
        return next((f for f in self.facts if f.key == key), None)


@dataclass
class PlannedStep:
    step: int
    approver: object  # a User, or None when a role approves
    approver_role: str
    authority: str = ""
    reasons: list[str] = field(default_factory=list)
    sla_business_days: int = 2

    @property
    def label(self) -> str:
        return str(self.approver) if self.approver else registry.role_label(self.approver_role)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def why_rule_applies(rule, policy: ApprovalPolicy, facts: dict[str, Fact]) -> str | None:
    """The reason `rule` applies to a subject with `facts`, or None when it does not."""
    if rule.condition == Condition.ALWAYS:
        return rule.name
    spec, fact = policy.fact(rule.fact), facts.get(rule.fact)
    if spec is None or fact is None or fact.value is None:
        return None
    value = fact.value.amount if isinstance(fact.value, Money) else fact.value
    if rule.condition == Condition.FLAG:
        return (fact.text or spec.label) if value else None
    if rule.condition == Condition.OVER:
        if rule.threshold is None or Decimal(value) <= rule.threshold:
            return None
        return f"{spec.label} {fact.text or spec.show(value)} > {spec.show(rule.threshold)}"
    if rule.condition == Condition.ONE_OF:
        return f"{spec.label} {spec.show(value)}" if value in rule.value_list() else None
    return None


def _resolve(rule, policy: ApprovalPolicy, people: dict, excluded: set[int]):
    """(person, role, authority, note) for the rule's approver; the note explains any substitution."""
    if rule.approver == ROLE_APPROVER:
        return None, rule.approver_role, rule.approver_role, ""
    label = rule.user if rule.approver == USER_APPROVER else policy.people.get(rule.approver, rule.approver)
    person = rule.user if rule.approver == USER_APPROVER else people.get(rule.approver)
    return substitute(person, label=label, policy=policy, excluded=excluded)


def substitute(person, *, label, policy: ApprovalPolicy, excluded: set[int]):
    """The person if they may approve, else who stands in: their manager for someone who created or
    submitted the subject, the admins otherwise. Returns (person, role, authority, note)."""
    to_admins = (None, Role.ADMIN, "")
    if person is None or not person.is_active:
        return *to_admins, _("(%(who)s not on record: routed to admins)") % {"who": label}
    if person.pk in excluded:
        # Separation of duties: nobody approves what they created or submitted.
        manager = person.manager if person.manager_id and person.manager.is_active else None
        if manager is not None and manager.pk not in excluded and manager.roles & policy.approver_roles:
            return manager, "", "", _("(%(who)s created it: routed to their manager)") % {"who": person}
        return *to_admins, _("(%(who)s created it: routed to admins)") % {"who": person}
    if not person.roles & policy.approver_roles:
        return *to_admins, _("(%(who)s may not approve a %(subject)s: routed to admins)") % {
            "who": person,
            "subject": policy.subject_label,
        }
    return person, "", "", ""


def plan_chain(policy: ApprovalPolicy, subject, rules: list, *, excluded: set[int]) -> list[PlannedStep]:
    """The planned approval steps for `subject` under `rules` (the policy's active rules, in order).

    Never empty: when no rule matches, the policy's fallback approver approves. Someone asked at
    several steps approves once, at the first, having seen every reason.
    """
    facts = policy.read_facts(subject)
    people = policy.read_people(subject)
    planned: dict[tuple, PlannedStep] = {}
    for rule in rules:
        why = why_rule_applies(rule, policy, facts)
        if why is None:
            continue
        person, role, authority, note = _resolve(rule, policy, people, excluded)
        key = (rule.step, getattr(person, "pk", None), role)
        step = planned.setdefault(
            key, PlannedStep(rule.step, person, role, authority, sla_business_days=rule.sla_business_days)
        )
        step.sla_business_days = min(step.sla_business_days, rule.sla_business_days)
        step.reasons.append(" ".join(part for part in (why, note) if part))
    if not planned:
        label = policy.people.get(policy.fallback, policy.fallback)
        person, role, authority, note = substitute(
            people.get(policy.fallback), label=label, policy=policy, excluded=excluded
        )
        reason = " ".join(part for part in (_("default: no rule matched"), note) if part)
        planned[(1, None, None)] = PlannedStep(1, person, role, authority, [reason])
    return _once_per_approver(sorted(planned.values(), key=lambda s: (s.step, s.label)))


def _once_per_approver(steps: list[PlannedStep]) -> list[PlannedStep]:
    first: dict[tuple, PlannedStep] = {}
    kept = []
    for step in steps:
        who = (getattr(step.approver, "pk", None), step.approver_role)
        if who in first:
            first[who].reasons.extend(step.reasons)
            first[who].sla_business_days = min(first[who].sla_business_days, step.sla_business_days)
            continue
        first[who] = step
        kept.append(step)
    return kept
