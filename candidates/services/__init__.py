"""Every change to candidates, applications, interviews and imports, one module per concern:

- `pipeline`: the person, applying, stage and status moves (each logged as a StageTransition), touches,
  owners, merging duplicates; its names are this package's public surface, imported from
  `candidates.services`;
- `interviews`: the plan, scheduling, completing, cancelling and no-shows;
- `scorecards`: scorecards and debriefs;
- `imports`: the ATS file import (upload, mapping, preview, run).
"""

from candidates.services.pipeline import (
    PipelineError,
    apply,
    apply_in_bulk,
    attach_resume,
    check_active,
    close_application,
    close_problem,
    confirm_hire,
    create_candidate,
    email_key,
    enter_pre_start,
    link_external_id,
    log_activity,
    merge_candidates,
    move_application,
    move_problem,
    open_resume,
    owner_problem,
    phone_key,
    reassign_owner,
    release_pre_start,
)

__all__ = [
    "PipelineError",
    "apply",
    "apply_in_bulk",
    "attach_resume",
    "check_active",
    "close_application",
    "close_problem",
    "confirm_hire",
    "create_candidate",
    "email_key",
    "link_external_id",
    "enter_pre_start",
    "release_pre_start",
    "log_activity",
    "merge_candidates",
    "move_application",
    "move_problem",
    "open_resume",
    "owner_problem",
    "phone_key",
    "reassign_owner",
]
