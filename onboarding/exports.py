"""The HRIS hand-off: one row per confirmed start with the employee fields an HRIS needs. Built by
portal.services.exports through the one export entry."""

from portal.services.exports import Column


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _version(case):
    return case.offer.current_version if case.offer_id else None


def _pay(case, field):
    version = _version(case)
    return getattr(version, field) if version is not None else None


HRIS_COLUMNS = [
    Column("Reference", lambda c: c.reference),
    Column("First name", lambda c: c.candidate.first_name),
    Column("Last name", lambda c: c.candidate.last_name),
    Column("Personal email", lambda c: c.candidate.email),
    Column("Phone", lambda c: c.candidate.phone),
    Column("Work email", lambda c: c.work_email),
    Column("Job title", lambda c: c.job_title),
    Column("Employment type", lambda c: c.get_employment_type_display()),
    Column("Department", lambda c: c.requisition.department.name if c.requisition.department_id else ""),
    Column("Location", lambda c: str(c.location) if c.location_id else ""),
    Column("Cost center", lambda c: c.requisition.cost_center.code if c.requisition.cost_center_id else ""),
    Column("Manager", lambda c: _person(c.requisition.hiring_manager)),
    Column("Manager email", lambda c: c.requisition.hiring_manager.email if c.requisition.hiring_manager else ""),
    Column("Start date", lambda c: c.confirmed_start),
    Column("Pay basis", lambda c: _version(c).get_pay_basis_display() if _version(c) else ""),
    Column("Base pay", lambda c: _pay(c, "base_amount")),
    Column("Hours per week", lambda c: _pay(c, "hours_per_week")),
    Column("Currency", lambda c: c.currency),
    Column("Requisition", lambda c: c.requisition.reference),
]
