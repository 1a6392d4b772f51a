"""Offer pages: the list, drafting and revising terms, the offer with its checks, cost and chain, the
actions, versions side by side, and the letter (page and PDF)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView

from candidates.selectors import applications_for_user
from offers import selectors
from offers.checks import assess
from offers.choices import Action, OfferStatus
from offers.costs import breakdown, first_year_cost
from offers.filters import OfferFilter
from offers.forms import DeclineForm, NoteForm, OfferForm
from offers.letters import letter_pdf, render_letter
from offers.models import OfferVersion
from offers.permissions import (
    allowed_actions,
    can_draft_offers,
    can_make_offer,
    can_manage_offer,
    can_revise_offer,
    can_see_offers,
    offer_refusal,
)
from offers.services import (
    TERM_FIELDS,
    accept_offer,
    approve_offer,
    changed_terms,
    create_offer,
    decline_offer,
    extend_offer,
    extension_problem,
    reject_offer,
    rescind_offer,
    revise_offer,
    send_back_offer,
    submit_offer,
    withdraw_offer,
)
from portal import audit, registry
from portal.exceptions import PortalError
from portal.filters import filters_query
from portal.services.approvals import chain_timelines, open_chain_decisions
from portal.services.exports import Column
from portal.views.exports import export_response
from portal.views.lists import PartialListMixin
from portal.views.saved_views import saved_views_context

DEFAULT_EXPIRY_DAYS = 7


def _visible(request):
    return selectors.offers_for_user(request.user)


def _offers(request):
    return selectors.offer_list(request.user)


class OfferListView(PartialListMixin, FilterView):
    """Every offer the user may see, newest first, filtered, sorted and paginated (never cut)."""

    template_name = "offers/offer_list.html"
    partial_template_name = "includes/list_results.html"
    filterset_class = OfferFilter
    paginate_by = 50

    allowed = staticmethod(can_see_offers)

    def get_queryset(self):
        return _offers(self.request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_draft=can_draft_offers(self.request.user),
            table_template="offers/_offer_table.html",
            export_url=reverse("offers:export"),
            export_query=filters_query(self.filterset, self.request.GET),
            **saved_views_context(self.request, "offers:list"),
            **kwargs,
        )


EXPORT_COLUMNS = [
    Column("Offer", lambda o: o.reference),
    Column("Candidate", lambda o: str(o.application.candidate)),
    Column("Requisition", lambda o: o.requisition.reference),
    Column("Requisition title", lambda o: o.requisition.title),
    Column("Department", lambda o: str(o.requisition.department or "")),
    Column("Recruiter", lambda o: str(o.requisition.recruiter or "")),
    Column("Status", lambda o: o.get_status_display()),
    Column("Version", lambda o: o.current_version.number),
    Column("Job title", lambda o: o.current_version.title),
    Column("Employment type", lambda o: o.current_version.get_employment_type_display()),
    Column("Pay basis", lambda o: o.current_version.get_pay_basis_display()),
    Column("Base pay", lambda o: o.current_version.base_amount),
    Column("Signing bonus", lambda o: o.current_version.signing_bonus),
    Column("Relocation", lambda o: o.current_version.relocation),
    Column("Bill rate", lambda o: o.current_version.bill_rate),
    Column("Currency", lambda o: o.current_version.currency),
    Column("Start date", lambda o: o.current_version.start_date),
    Column("Expires on", lambda o: o.current_version.expires_on),
    Column("Created", lambda o: o.created_at),
]


@require_GET
def offer_export(request):
    """The filtered list as CSV or XLSX, for everyone who sees it (the terms are on every offer they see)."""
    if not can_see_offers(request.user):
        raise PermissionDenied
    filterset = OfferFilter(request.GET, queryset=_offers(request), request=request)
    return export_response(request, filterset=filterset, dataset="offers", title=_("Offers"), columns=EXPORT_COLUMNS)


def offer_create(request, application_pk):
    app = get_object_or_404(
        applications_for_user(request.user).select_related("candidate", "requisition__level", "stage"),
        pk=application_pk,
    )
    req = app.requisition
    if not can_make_offer(request.user, app):
        return _no_new_offer(request, app)
    today = timezone.localdate()
    start = req.target_start_date if req.target_start_date and req.target_start_date > today else None
    initial = {
        "title": req.title,
        "level": req.level_id,
        "location": req.location_id,
        "employment_type": req.employment_type,
        "currency": req.currency,
        "base_amount": req.base_min,
        "bonus_kind": "percent" if req.bonus_pct else "none",
        "bonus_value": req.bonus_pct or None,
        "signing_bonus": req.signing_bonus or None,
        "relocation": req.relocation or None,
        "start_date": start,
        "expires_on": today + timedelta(days=DEFAULT_EXPIRY_DAYS),
        "bill_rate": req.max_bill_rate,
    }
    form = OfferForm(request.POST or None, initial=initial)
    offer = _saved_terms(request, form, lambda data: create_offer(application=app, by=request.user, **data))
    if offer is not None:
        messages.success(request, _("%(ref)s drafted.") % {"ref": offer.reference})
        return redirect(offer)
    context = {"form": form, "application": app, "offer": None}
    return render(request, "offers/offer_form.html", context, status=400 if form.errors else 200)


def _no_new_offer(request, app):
    """Where a person who may not make an offer on `app` now goes: a 403 when they may not work its
    requisition's offers; the live offer to revise; otherwise back to the candidate, told why."""
    if not can_manage_offer(request.user, app.requisition):
        raise PermissionDenied
    live = selectors.live_offer(app)
    if live is not None:
        messages.info(request, _("%(ref)s is this application's live offer: revise it here.") % {"ref": live.reference})
        return redirect("offers:edit", pk=live.pk)
    messages.error(request, offer_refusal(request.user, app))
    return redirect(app.candidate)


def _saved_terms(request, form, save):
    """On a valid POST, `save(terms, allowances, change note)` through the service and return what it
    returns; None when nothing was saved (the form then carries the reason)."""
    if request.method != "POST" or not form.is_valid():
        return None
    data = {
        "terms": form.terms(),
        "allowances": form.allowances(),
        "change_note": form.cleaned_data.get("change_note") or "",
    }
    try:
        return save(data)
    except PortalError as exc:
        form.add_error(None, str(exc))
        return None


def offer_edit(request, pk):
    offer = get_object_or_404(_visible(request).select_related("application__candidate", "requisition"), pk=pk)
    manages = can_manage_offer(request.user, offer.requisition)
    if not can_revise_offer(request.user, offer, manages=manages):
        raise PermissionDenied
    version = offer.current_version
    form = OfferForm(request.POST or None, instance=version, needs_note=version.is_fixed)
    new = _saved_terms(request, form, lambda data: revise_offer(offer=offer, by=request.user, **data))
    if new is not None:
        if new.number != version.number:
            messages.success(
                request,
                _("Version %(n)d created: the approvals of version %(old)d are void; submit it for approval.")
                % {"n": new.number, "old": version.number},
            )
        else:
            messages.success(request, _("Draft saved."))
        return redirect(offer)
    context = {"form": form, "application": offer.application, "offer": offer, "version": version}
    return render(request, "offers/offer_form.html", context, status=400 if form.errors else 200)


def offer_detail(request, pk):
    qs = _visible(request).select_related(
        "application__candidate", "application__stage", "requisition__department", "requisition__cost_center",
        "requisition__hiring_manager", "requisition__recruiter", "requisition__role_family", "created_by",
        "decline_reason", "current_version",
    )  # fmt: skip
    offer = get_object_or_404(qs, pk=pk)
    user = request.user
    versions = selectors.versions(offer)
    for v in versions:
        v.offer = offer  # the costs and checks read the requisition through it
    current = next(v for v in versions if v.pk == offer.current_version_id)
    lines = breakdown(current, list(current.allowances.all()))
    cost = first_year_cost(lines, current.currency)
    open_decisions = list(open_chain_decisions(current).select_related("owner"))
    manages = can_manage_offer(user, offer.requisition)
    actions = allowed_actions(user, offer, open_decisions, manages=manages)
    timelines = chain_timelines(versions)
    for v in versions:
        v.timeline = timelines[v.pk]
    context = {
        "offer": offer,
        "version": current,
        "versions": versions,
        "lines": lines,
        "cost": cost,
        "checks": assess(current, cost),
        "actions": actions,
        "manages": manages,
        "can_revise": can_revise_offer(user, offer, manages=manages),
        # Shown to the people who run it while it cannot go out: why not, in the words the service uses.
        "extension_blocked": extension_problem(offer)
        if manages and offer.status in (OfferStatus.DRAFT, OfferStatus.PENDING_APPROVAL)
        else "",
        "decline_form": DeclineForm() if Action.DECLINE in actions else None,
        "history": audit.history_entries(offer),
        "panels": registry.detail_panels(offer, user),
    }
    return render(request, "offers/offer_detail.html", context)


ACTIONS = {
    Action.SUBMIT: lambda offer, by, data: submit_offer(offer=offer, by=by),
    Action.APPROVE: lambda offer, by, data: approve_offer(offer=offer, by=by, note=data["note"]),
    Action.SEND_BACK: lambda offer, by, data: send_back_offer(offer=offer, by=by, note=data["note"]),
    Action.REJECT: lambda offer, by, data: reject_offer(offer=offer, by=by, note=data["note"]),
    Action.EXTEND: lambda offer, by, data: extend_offer(offer=offer, by=by),
    Action.ACCEPT: lambda offer, by, data: accept_offer(offer=offer, by=by, note=data["note"]),
    Action.DECLINE: lambda offer, by, data: decline_offer(offer=offer, by=by, reason=data["reason"], note=data["note"]),
    Action.RESCIND: lambda offer, by, data: rescind_offer(offer=offer, by=by, note=data["note"]),
    Action.WITHDRAW: lambda offer, by, data: withdraw_offer(offer=offer, by=by, note=data["note"]),
}

DONE_MESSAGES = {
    Action.SUBMIT: _("Submitted for approval."),
    Action.APPROVE: _("Approval recorded."),
    Action.SEND_BACK: _("Sent back for changes."),
    Action.REJECT: _("Offer version rejected."),
    Action.EXTEND: _("Marked extended: the wait for the candidate's answer is on your work list."),
    Action.ACCEPT: _("Acceptance recorded: the candidate is in Pre-start."),
    Action.DECLINE: _("Decline recorded."),
    Action.RESCIND: _("Offer rescinded."),
    Action.WITHDRAW: _("Offer withdrawn."),
}


@require_POST
def offer_act(request, pk, action):
    offer = get_object_or_404(_visible(request).select_related("requisition"), pk=pk)
    if action not in ACTIONS:
        raise Http404
    manages = can_manage_offer(request.user, offer.requisition)
    open_decisions = list(open_chain_decisions(offer.current_version))
    # Extending is refused with the service's reason, not a bare 403, for whoever runs the offer.
    if action not in allowed_actions(request.user, offer, open_decisions, manages=manages) and not (
        action == Action.EXTEND and manages
    ):
        raise PermissionDenied
    form = DeclineForm(request.POST) if action == Action.DECLINE else NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(offer)
    try:
        ACTIONS[action](offer, request.user, form.cleaned_data)
    except PortalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, DONE_MESSAGES[action])
    return redirect(offer)


def _version_or_404(versions, number):
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Http404 from None
    found = next((v for v in versions if v.number == number), None)
    if found is None:
        raise Http404
    return found


@require_GET
def offer_compare(request, pk):
    """Two versions side by side (by default the current one and the one before): every term, what
    changed marked, who made each and when."""
    offer = get_object_or_404(_visible(request).select_related("requisition", "application__candidate"), pk=pk)
    versions = selectors.versions(offer)
    if len(versions) < 2:
        messages.info(request, _("This offer has one version: nothing to compare yet."))
        return redirect(offer)
    newer = _version_or_404(versions, request.GET.get("b", versions[0].number))
    older_default = newer.number - 1 if newer.number > 1 else versions[-1].number
    older = _version_or_404(versions, request.GET.get("a", older_default))
    for v in (older, newer):
        v.offer = offer
    rows = []
    for name in TERM_FIELDS:
        field = OfferVersion._meta.get_field(name)
        a, b = getattr(older, name), getattr(newer, name)
        shown = [_shown(v, name, field) for v in (older, newer)]
        rows.append({"label": field.verbose_name, "a": shown[0], "b": shown[1], "changed": a != b})
    allowances = [
        ", ".join(f"{x.get_kind_display()} {x.amount:,.2f}" for x in v.allowances.all()) or "—" for v in (older, newer)
    ]
    rows.append(
        {"label": _("allowances"), "a": allowances[0], "b": allowances[1], "changed": allowances[0] != allowances[1]}
    )
    costs = [first_year_cost(breakdown(v, list(v.allowances.all())), v.currency) for v in (older, newer)]
    context = {
        "offer": offer,
        "older": older,
        "newer": newer,
        "versions": versions,
        "rows": rows,
        "costs": costs,
        "changed": changed_terms(older, {n: getattr(newer, n) for n in TERM_FIELDS}, list(newer.allowances.all())),
    }
    return render(request, "offers/offer_compare.html", context)


def _shown(version, name, field):
    """A term as the comparison shows it: a choice by its label, an empty value as a dash."""
    if field.choices:
        return getattr(version, f"get_{name}_display")()
    value = getattr(version, name)
    return "—" if value in (None, "") else value


def _letter_of(request, pk):
    """The offer and the version (?version=N, default the current one) whose letter is asked for."""
    offer = get_object_or_404(_visible(request).select_related(
        "requisition__department", "requisition__hiring_manager", "requisition__recruiter",
        "application__candidate", "created_by",
    ), pk=pk)  # fmt: skip
    return offer, _letter_version(request, offer)


def _letter_version(request, offer):
    versions = selectors.versions(offer)
    number = request.GET.get("version")
    version = (
        _version_or_404(versions, number) if number else next(v for v in versions if v.pk == offer.current_version_id)
    )
    version.offer = offer
    return version


@require_GET
def offer_letter(request, pk):
    offer, version = _letter_of(request, pk)
    context = {
        "offer": offer,
        "version": version,
        "letter": render_letter(offer, version),
        "draft": _is_draft(offer, version),
    }
    return render(request, "offers/offer_letter.html", context)


@require_GET
def offer_letter_pdf(request, pk):
    offer, version = _letter_of(request, pk)
    text = render_letter(offer, version)
    if _is_draft(offer, version):
        text = _("DRAFT: NOT APPROVED, NOT FOR THE CANDIDATE") + "\n\n" + text
    response = HttpResponse(
        letter_pdf(text, title=f"{offer.reference} v{version.number}"), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{offer.reference}-v{version.number}.pdf"'
    return response


def _is_draft(offer, version) -> bool:
    """A letter is final only for the approved version of an offer that may go (or went) out."""
    return not (offer.approved_version_id == version.pk and offer.current_version_id == version.pk)
