from portal.models.access import AccessLog
from portal.models.decisions import Decision, Notification, ReminderLog
from portal.models.exports import ExportFormat, ExportLog
from portal.models.org import CompBand, CostCenter, Department, HiringPlan, Holiday, Level, Location, RoleFamily
from portal.models.users import User

__all__ = [
    "AccessLog",
    "CompBand",
    "CostCenter",
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
    "User",
]
