"""The calendar file (iCalendar, RFC 5545) of an interview: downloaded from its page and attached to the
emails its panel receives. One UID per interview and a sequence raised at every change, so calendars
update the event they already hold instead of adding a second one; a cancellation removes it."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from candidates.models import Interview

PRODUCT_ID = "-//Staffing portal//Interviews//EN"
MIME_TYPE = "text/calendar"


def interview_uid(interview: Interview) -> str:
    host = settings.PORTAL_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "portal"
    return f"interview-{interview.pk}@{host}"


def file_name(interview: Interview) -> str:
    return f"interview-{interview.pk}.ics"


def interview_calendar(interview: Interview, *, cancel: bool = False) -> bytes:
    """The interview as one event (METHOD:REQUEST), or its cancellation (METHOD:CANCEL).

    Reads interview.application.candidate, .requisition, .round and .participants (with users): the
    panel sees the candidate's name and the role, never contact details."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", interview_uid(interview))
    event.add("sequence", interview.sequence)
    event.add("dtstamp", timezone.now())
    if interview.starts_at is not None:
        event.add("dtstart", interview.starts_at)
        event.add("dtend", interview.ends_at)
    application = interview.application
    event.add(
        "summary",
        f"Interview: {application.candidate} · {interview.round.name} ({application.requisition.title})",
    )
    url = settings.PORTAL_BASE_URL + interview.get_absolute_url()
    lines = [f"{interview.round.name}, {interview.round.duration_minutes} minutes.", f"Interview kit: {url}"]
    if interview.video_link:
        lines.append(f"Video: {interview.video_link}")
    event.add("description", "\n".join(lines))
    event.add("url", url)
    location = interview.video_link if not interview.location else interview.location
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    for participant in interview.participants.all():
        user = participant.user
        if not user.email:
            continue
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params["cn"] = vText(str(user))
        attendee.params["role"] = vText("OPT-PARTICIPANT" if participant.panel_role == "shadow" else "REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
