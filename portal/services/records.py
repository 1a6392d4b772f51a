"""The two ways every service writes a tracked row: saving it with its history, and moving it along its
status machine. Each app's services call these; none keeps its own copy."""

from collections.abc import Collection, Mapping

from django.db import models
from django.utils.translation import gettext as _

from portal import clock
from portal.exceptions import PortalError
from portal.models import User


def save_with_history(
    instance: models.Model, *, by: User | None, reason: str, validate: bool = False, exclude=None, **save_kwargs
) -> models.Model:
    """Save `instance` with its history row: by `by` (None: the portal's own jobs), for `reason` (an audit
    code, `"<app>.<noun>.<past verb>"`), dated by the portal's clock (a replayed moment in imports and the
    demo). `validate` runs the model's field and constraint checks first (Django's ValidationError)."""
    clock.stamp_history(instance)
    instance._history_user = by
    instance._change_reason = reason
    if validate:
        instance.full_clean(exclude=exclude, validate_unique=False)
    instance.save(**save_kwargs)
    return instance


def check_move(
    instance: models.Model,
    to: str,
    *,
    transitions: Mapping[str, Collection[str]],
    error: type[PortalError],
    field: str = "status",
) -> None:
    """Raise `error` unless `transitions` (status -> the statuses it may go to) lets `instance` go to `to`."""
    current = getattr(instance, field)
    if to in transitions.get(current, ()):
        return
    labels = dict(instance._meta.get_field(field).choices)
    raise error(
        _("The %(noun)s cannot go from %(from)s to %(to)s.")
        % {
            "noun": instance._meta.verbose_name,
            "from": str(labels.get(current, current)).lower(),
            "to": str(labels.get(to, to)).lower(),
        }
    )


def moves_allowed(status: str, *, transitions: Mapping[str, Collection[str]], moves: Mapping[str, str]) -> list[str]:
    """The actions of `moves` (each action -> the status it moves to) whose move `transitions` allows from
    `status`, in `moves`' order: what a page may show on a status machine before asking who may act. The
    same table check_move and move apply, so an action is never shown where its move would be refused."""
    allowed = transitions.get(status, ())
    return [action for action, to in moves.items() if to in allowed]


def move(
    instance: models.Model,
    to: str,
    *,
    transitions: Mapping[str, Collection[str]],
    error: type[PortalError],
    by: User | None,
    reason: str,
    field: str = "status",
) -> models.Model:
    """Move `instance` to the status `to` if its transition table allows it (else `error`, naming both
    statuses), and save it with its history row. The caller holds the row's lock."""
    check_move(instance, to, transitions=transitions, error=error, field=field)
    setattr(instance, field, to)
    return save_with_history(instance, by=by, reason=reason)


def delete_with_history(instance: models.Model, *, by: User | None, reason: str) -> None:
    """Delete `instance`, its history keeping who removed it and why (rows of reference only: workflow
    rows are never deleted)."""
    clock.stamp_history(instance)
    instance._history_user = by
    instance._change_reason = reason
    instance.delete()
