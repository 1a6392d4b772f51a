from portal.models.access import AccessLog
from portal.models.approvals import ApprovalChain, ApprovalRule, ApprovalStep
from portal.models.decisions import Decision, Notification, ReminderLog
from portal.models.exports import ExportFormat, ExportLog
from portal.models.ledger import CostEvent
from portal.models.org import CompBand, CostCenter, Department, HiringPlan, Holiday, Level, Location, RoleFamily
from portal.models.saved import SavedView
from portal.models.users import User

__all__ = [
    "AccessLog",
    "ApprovalChain",
    "ApprovalRule",
    "ApprovalStep",
    "CompBand",
    "CostCenter",
    "CostEvent",
    "Decision",
    "Department",
    "ExportFormat",
    "ExportLog",
    "HiringPlan",
    "Holiday",
    "Level",
    "Location",
    "Notification",
    "ReminderLog",
    "RoleFamily",
    "SavedView",
    "User",
]
