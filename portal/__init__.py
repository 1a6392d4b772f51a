"""The staffing portal: project package and core app (users, roles, org data, decisions)."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
