"""Vendor pages: the vendor list and each vendor (contacts, clauses, rate cards), rate cards,
engagements (their terms, rate approval, timesheets, renewal), invoices (matching, approval with an
override, payment) and the accounts-payable import."""

import base64
import binascii
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView

from portal import audit, clock
from portal.choices import Currency, Outcome
from portal.exceptions import PortalError
from portal.filters import CurrencyFilter, filters_query, refuse_unknown_parameters
from portal.models import CostEvent
from portal.services.approvals import chain_timelines, open_chain_decisions
from portal.views.exports import FORMAT, export_problems, export_response, refused
from portal.views.lists import PartialListMixin
from portal.views.saved_views import saved_views_context
from requisitions.selectors import requisitions_for_user
from vendors import selectors, services
from vendors.choices import (
    OPEN_REQUISITION,
    WORKING,
    Action,
    EngagementStatus,
    InvoiceStatus,
    TimesheetStatus,
    VendorStatus,
)
from vendors.costs import monday_of, monthly_labour, timesheet_charge
from vendors.exports import (
    ENGAGEMENT_COLUMNS,
    INVOICE_COLUMNS,
    RATE_CARD_COLUMNS,
    VENDOR_COLUMNS,
    timesheet_columns,
    week_charge,
)
from vendors.filters import SOON_DAYS, EngagementFilter, InvoiceFilter, RateCardFilter, TimesheetFilter, VendorFilter
from vendors.forms import (
    ApproveInvoiceForm,
    ClauseForm,
    ContactForm,
    EndForm,
    EngagementForm,
    ImportForm,
    InvoiceForm,
    InvoiceLineFormSet,
    NoteForm,
    PayForm,
    RateCardForm,
    RateForm,
    RenewForm,
    TimesheetForm,
    VendorForm,
)
from vendors.models import ClauseCheck, Engagement, Placement, RateCard, RequiredClause, Timesheet
from vendors.permissions import (
    allowed_actions,
    can_add_engagements,
    can_approve_invoice,
    can_approve_timesheet,
    can_enter_invoices,
    can_manage_engagement,
    can_manage_vendors,
    can_pay_invoice,
    can_record_timesheets,
    can_reject_invoice,
    can_rematch_invoice,
    can_see_engagement_spend,
    can_see_engagements,
    can_see_invoices,
    can_see_spend,
    can_see_timesheet_charges,
    can_see_vendors,
    decides_invoices,
    start_refusal,
)

# The "plan an engagement on…" chooser lists this many of the newest requisitions one may plan on.
PLANNABLE_CHOICES = 200


def _form_page(request, *, form, title, crumbs, submit_label, cancel_url, lede="", status=200):
    context = {
        "form": form,
        "title": title,
        "crumbs": crumbs,
        "submit_label": submit_label,
        "cancel_url": cancel_url,
        "lede": lede,
    }
    return render(request, "vendors/form.html", context, status=400 if form.errors else status)


def _saved(request, form, save):
    """On a valid POST, run `save(cleaned_data)` (a service call); its refusal goes onto the form.
    Returns what `save` returned, or None when nothing was saved."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except PortalError as exc:
        form.add_error(None, str(exc))
        return None


# --- Vendors -------------------------------------------------------------------------------------------------


class VendorListView(PartialListMixin, FilterView):
    """The vendors the user may see, filtered, sorted and paginated (never cut)."""

    template_name = "vendors/vendor_list.html"
    partial_template_name = "includes/list_results.html"
    filterset_class = VendorFilter
    paginate_by = 50

    allowed = staticmethod(can_see_vendors)

    def get_queryset(self):
        return selectors.vendor_list(self.request.user)

    def get_context_data(self, **kwargs):
        today = clock.today()
        return super().get_context_data(
            can_manage=can_manage_vendors(self.request.user),
            can_see_invoices=can_see_invoices(self.request.user),
            today=today,
            soon=today + timedelta(days=SOON_DAYS),
            **_list_context(self, table="vendors/_vendor_table.html", export="vendors:vendor_export"),
            **kwargs,
        )


@require_GET
def vendor_export(request):
    if not can_see_vendors(request.user):
        raise PermissionDenied
    filterset = VendorFilter(request.GET, queryset=selectors.vendor_list(request.user), request=request)
    return export_response(request, filterset=filterset, dataset="vendors", title=_("Vendors"), columns=VENDOR_COLUMNS)


def _list_context(view, *, table: str, export: str) -> dict:
    """What a list's page and its htmx swap (templates/includes/list_results.html) share: the table's
    template, and where the export buttons point with the filters they carry."""
    return {
        "table_template": table,
        "export_url": reverse(export),
        "export_query": filters_query(view.filterset, view.request.GET),
    }


def _vendor_or_404(request, pk):
    return get_object_or_404(selectors.vendors_for_user(request.user).select_related("owner", "source"), pk=pk)


@require_GET
def vendor_detail(request, pk):
    vendor = _vendor_or_404(request, pk)
    user = request.user
    today = timezone.localdate()
    checks = {c.clause_id: c for c in ClauseCheck.objects.filter(vendor=vendor).select_related("checked_by")}
    clauses = [(clause, checks.get(clause.pk)) for clause in RequiredClause.objects.filter(is_active=True)]
    cards = list(vendor.rate_cards.select_related("role_family", "level", "location").order_by("-valid_to", "id"))
    engagements = selectors.engagements_for_user(user).filter(vendor=vendor).select_related("worker", "requisition")
    context = {
        "vendor": vendor,
        "contacts": list(vendor.contacts.all()),
        "clauses": clauses,
        "cards": cards,
        "engagements": list(engagements.order_by("-end_date")[:50]) if can_see_engagements(user) else [],
        "placements": list(vendor.placements.select_related("offer__application__candidate", "requisition")[:50])
        if can_see_invoices(user)
        else [],
        "invoices": list(vendor.invoices.order_by("-received_on")[:20]) if can_see_invoices(user) else [],
        "can_manage": can_manage_vendors(user),
        "clause_form": ClauseForm(initial={"checked_on": today}),
        "contact_form": ContactForm(),
        "today": today,
        "soon": today + timedelta(days=30),
        "history": audit.history_entries(vendor) if can_manage_vendors(user) else [],
    }
    return render(request, "vendors/vendor_detail.html", context)


@require_http_methods(["GET", "POST"])
def vendor_create(request):
    if not can_manage_vendors(request.user):
        raise PermissionDenied
    form = VendorForm(request.POST or None, initial={"owner": request.user, "status": VendorStatus.ON_HOLD})
    vendor = _saved(request, form, lambda data: services.save_vendor(vendor=form.instance, by=request.user))
    if vendor is not None:
        messages.success(request, _("%(vendor)s added. Check its clauses to approve it.") % {"vendor": vendor})
        return redirect(vendor)
    return _form_page(
        request,
        form=form,
        title=_("New vendor"),
        crumbs=[(_("Vendors"), "vendors:vendor_list")],
        submit_label=_("Add vendor"),
        cancel_url="vendors:vendor_list",
        lede=_("A new vendor starts on hold; it is approved once every required clause is checked."),
    )


@require_http_methods(["GET", "POST"])
def vendor_edit(request, pk):
    vendor = _vendor_or_404(request, pk)
    if not can_manage_vendors(request.user):
        raise PermissionDenied
    form = VendorForm(request.POST or None, instance=vendor)
    saved = _saved(request, form, lambda data: services.save_vendor(vendor=form.instance, by=request.user))
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect(saved)
    return _form_page(
        request,
        form=form,
        title=_("Edit %(vendor)s") % {"vendor": vendor},
        crumbs=[(_("Vendors"), "vendors:vendor_list")],
        submit_label=_("Save"),
        cancel_url=vendor.get_absolute_url(),
    )


@require_POST
def contact_create(request, pk):
    vendor = _vendor_or_404(request, pk)
    if not can_manage_vendors(request.user):
        raise PermissionDenied
    form = ContactForm(request.POST, instance=None)
    if form.is_valid():
        contact = form.save(commit=False)
        contact.vendor = vendor
        try:
            services.save_contact(contact=contact, by=request.user)
        except PortalError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Contact added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(vendor)


@require_POST
def contact_remove(request, pk, contact_pk):
    vendor = _vendor_or_404(request, pk)
    if not can_manage_vendors(request.user):
        raise PermissionDenied
    contact = get_object_or_404(vendor.contacts, pk=contact_pk)
    services.remove_contact(contact=contact, by=request.user)
    messages.success(request, _("Contact removed."))
    return redirect(vendor)


@require_POST
def clause_toggle(request, pk, clause_pk):
    vendor = _vendor_or_404(request, pk)
    if not can_manage_vendors(request.user):
        raise PermissionDenied
    clause = get_object_or_404(RequiredClause, pk=clause_pk)
    try:
        if request.POST.get("uncheck"):
            services.uncheck_clause(vendor=vendor, clause=clause, by=request.user)
            messages.success(request, _("“%(clause)s” unchecked.") % {"clause": clause})
        else:
            form = ClauseForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
                return redirect(vendor)
            services.check_clause(vendor=vendor, clause=clause, by=request.user, **form.cleaned_data)
            messages.success(request, _("“%(clause)s” checked.") % {"clause": clause})
    except PortalError as exc:
        messages.error(request, str(exc))
    return redirect(vendor)


# --- Rate cards ------------------------------------------------------------------------------------------------


def _rate_cards(request):
    cards = selectors.rate_cards_for_user(request.user).select_related("vendor", "role_family", "level", "location")
    return RateCardFilter.base(cards, request.GET).order_by("valid_to", "vendor__name", "id")


class RateCardListView(PartialListMixin, FilterView):
    """Rate cards across vendors: current ones unless asked for others, soonest to expire first."""

    template_name = "vendors/rate_card_list.html"
    partial_template_name = "includes/list_results.html"
    filterset_class = RateCardFilter
    paginate_by = 50

    allowed = staticmethod(can_see_vendors)

    def get_queryset(self):
        return _rate_cards(self.request)

    def get_context_data(self, **kwargs):
        today = clock.today()
        return super().get_context_data(
            today=today,
            soon=today + timedelta(days=SOON_DAYS),
            can_manage=can_manage_vendors(self.request.user),
            **_list_context(self, table="vendors/_rate_card_table.html", export="vendors:rate_card_export"),
            **kwargs,
        )


@require_GET
def rate_card_export(request):
    if not can_see_vendors(request.user):
        raise PermissionDenied
    filterset = RateCardFilter(request.GET, queryset=_rate_cards(request), request=request)
    return export_response(
        request, filterset=filterset, dataset="rate-cards", title=_("Rate cards"), columns=RATE_CARD_COLUMNS
    )


@require_http_methods(["GET", "POST"])
def rate_card_create(request, pk):
    vendor = _vendor_or_404(request, pk)
    if not can_manage_vendors(request.user):
        raise PermissionDenied
    form = RateCardForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    form.instance.vendor = vendor
    card = _saved(request, form, lambda data: services.save_rate_card(card=form.instance, by=request.user))
    if card is not None:
        messages.success(request, _("Rate card added: %(rate)s.") % {"rate": f"{card.bill_rate:,.2f}"})
        return redirect(vendor)
    return _form_page(
        request,
        form=form,
        title=_("New rate card for %(vendor)s") % {"vendor": vendor},
        crumbs=[(_("Vendors"), "vendors:vendor_list")],
        submit_label=_("Add rate card"),
        cancel_url=vendor.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def rate_card_edit(request, pk):
    if not can_see_vendors(request.user):
        raise PermissionDenied
    card = get_object_or_404(RateCard.objects.select_related("vendor"), pk=pk)
    if not can_manage_vendors(request.user):
        raise PermissionDenied
    form = RateCardForm(request.POST or None, instance=card)
    saved = _saved(request, form, lambda data: services.save_rate_card(card=form.instance, by=request.user))
    if saved is not None:
        messages.success(request, _("Rate card saved."))
        return redirect(card.vendor)
    return _form_page(
        request,
        form=form,
        title=_("Edit rate card: %(card)s") % {"card": card},
        crumbs=[(_("Vendors"), "vendors:vendor_list")],
        submit_label=_("Save"),
        cancel_url=card.vendor.get_absolute_url(),
    )


# --- Engagements --------------------------------------------------------------------------------------------------


def _engagements(request):
    return selectors.engagement_list(request.user).order_by("end_date", "id")


class EngagementListView(PartialListMixin, FilterView):
    """The engagements the user may see; `?requisition=<id>`: those of one requisition they may see (the
    requisition page's "Contractors"; one they may not see is a 404), with a direct way to plan one on it."""

    template_name = "vendors/engagement_list.html"
    partial_template_name = "includes/list_results.html"
    filterset_class = EngagementFilter
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not can_see_engagements(request.user):
            raise PermissionDenied
        value = request.GET.get("requisition", "")
        # A number is a requisition: one outside the user's slice is not found, not merely refused.
        self.requisition = (
            get_object_or_404(requisitions_for_user(request.user), pk=int(value))
            if value.isascii() and value.isdigit()
            else None
        )
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return _engagements(self.request)

    def get_context_data(self, **kwargs):
        user, requisition = self.request.user, self.requisition
        plannable = selectors.plannable_requisitions(user).only("pk", "title", "status")
        return super().get_context_data(
            today=clock.today(),
            requisition=requisition,
            plannable=list(plannable[:PLANNABLE_CHOICES]) if requisition is None else [],
            can_plan_here=(
                requisition is not None
                and requisition.status in OPEN_REQUISITION
                and can_manage_engagement(user, requisition)
            ),
            **_list_context(self, table="vendors/_engagement_table.html", export="vendors:engagement_export"),
            **saved_views_context(self.request, "vendors:engagement_list"),
            **kwargs,
        )


@require_GET
def engagement_export(request):
    if not can_see_engagements(request.user):
        raise PermissionDenied
    filterset = EngagementFilter(request.GET, queryset=_engagements(request), request=request)
    return export_response(
        request, filterset=filterset, dataset="engagements", title=_("Contractors"), columns=ENGAGEMENT_COLUMNS
    )


@require_GET
def engagement_plan(request):
    """The chooser's target: on to the new engagement form of the requisition chosen."""
    if not can_add_engagements(request.user):
        raise PermissionDenied
    value = request.GET.get("requisition", "")
    if not value.isdigit() or int(value) == 0:
        messages.error(request, _("Choose a requisition."))
        return redirect("vendors:engagement_list")
    return redirect("vendors:engagement_create", requisition_pk=int(value))


@require_http_methods(["GET", "POST"])
def engagement_create(request, requisition_pk):
    if not can_add_engagements(request.user):
        raise PermissionDenied
    req = get_object_or_404(requisitions_for_user(request.user), pk=requisition_pk)
    if not can_manage_engagement(request.user, req):
        raise PermissionDenied
    form = EngagementForm(request.POST or None, requisition=req, initial={"start_date": timezone.localdate()})

    def save(data):
        card = data["rate_card"]
        return services.create_engagement(
            data=services.EngagementInput(requisition=req, vendor=card.vendor, **data), by=request.user
        )

    engagement = _saved(request, form, save)
    if engagement is not None:
        messages.success(request, _("%(ref)s planned.") % {"ref": engagement.reference})
        return redirect(engagement)
    return _form_page(
        request,
        form=form,
        title=_("New engagement on %(ref)s %(title)s") % {"ref": req.reference, "title": req.title},
        crumbs=[(_("Contractors"), "vendors:engagement_list")],
        submit_label=_("Plan engagement"),
        cancel_url=req.get_absolute_url(),
        lede=_(
            "The worker is one of the requisition's candidates. A bill rate above the rate card needs a reason "
            "and goes to the approval chain; the engagement starts once it is approved."
        ),
    )


def _engagement_or_404(request, pk):
    qs = selectors.engagements_for_user(request.user).select_related(
        "worker", "vendor", "requisition__hiring_manager", "requisition__recruiter", "requisition__cost_center",
        "created_by",
    )  # fmt: skip
    return get_object_or_404(qs, pk=pk)


def _today():
    return timezone.localdate(clock.now())


def _actions(user, engagement):
    """The engagement's terms, the one waiting for approval (if any), and what `user` may do now:
    the page and the action view read them the same way."""
    terms = selectors.engagement_terms(engagement)
    pending = selectors.pending_of(terms)
    open_decisions = list(open_chain_decisions(pending).select_related("owner")) if pending else []
    manages = can_manage_engagement(user, engagement.requisition)
    actions = allowed_actions(user, engagement, terms, pending, open_decisions, manages=manages, today=_today())
    return terms, pending, manages, actions


@require_GET
def engagement_detail(request, pk):
    engagement = _engagement_or_404(request, pk)
    user = request.user
    terms, pending, manages, actions = _actions(user, engagement)
    timelines = chain_timelines(terms)
    for term in terms:
        term.timeline = timelines[term.pk]
    sheets = list(engagement.timesheets.select_related("submitted_by", "decided_by", "invoice").order_by("-week_start"))
    in_force = [t for t in terms if t.in_force]
    sees_spend = can_see_engagement_spend(user, engagement)
    for sheet in sheets:
        sheet.charge = timesheet_charge(sheet, engagement, in_force) if sees_spend else None
        sheet.can_decide = can_approve_timesheet(user, sheet) if sheet.status == TimesheetStatus.SUBMITTED else False
    renewal = selectors.open_renewals(engagement).first() if engagement.status in WORKING else None
    context = {
        "engagement": engagement,
        "terms": terms,
        "pending": pending,
        "actions": actions,
        "manages": manages,
        "timesheets": sheets,
        "can_record": can_record_timesheets(user, engagement, manages=manages),
        "timesheet_form": TimesheetForm(
            initial={"week_start": monday_of(_today()), "hours": engagement.hours_per_week}
        ),
        "renew_form": RenewForm(),
        "end_form": EndForm(),
        "rate_form": RateForm(initial={"bill_rate": terms[0].bill_rate if terms else None}),
        "renewal": renewal,
        "waits_for": _waits_for(engagement, terms),
        "forecast": list(monthly_labour(engagement, in_force).items()) if sees_spend else [],
        "ledger": list(CostEvent.objects.for_source(engagement).order_by("month", "id")) if sees_spend else [],
        "invoice_lines": list(engagement.invoice_lines.select_related("invoice")) if can_see_invoices(user) else [],
        "sees_spend": sees_spend,
        "sees_invoices": can_see_invoices(user),
        "sees_vendor": can_see_vendors(user),
        "history": audit.history_entries(engagement),
    }
    return render(request, "vendors/engagement_detail.html", context)


def _waits_for(engagement, terms) -> str:
    """Why a planned engagement whose start date has come has not started (its page says so)."""
    if engagement.status != EngagementStatus.PLANNED or engagement.start_date > _today():
        return ""
    return start_refusal(engagement, terms[0] if terms else None, today=_today())


ENGAGEMENT_DONE = {
    Action.APPROVE: _("Approval recorded."),
    Action.SEND_BACK: _("Sent back."),
    Action.REJECT: _("Rate rejected."),
    Action.START: _("Started."),
    Action.SUBMIT_RATE: _("Rate saved."),
    Action.RENEW: _("Renewal recorded."),
    Action.END: _("Engagement ended."),
}


@require_POST
def engagement_act(request, pk, action):
    engagement = _engagement_or_404(request, pk)
    if action not in Action.values:
        raise Http404
    user = request.user
    if action not in _actions(user, engagement)[3]:
        raise PermissionDenied
    form_class = {Action.SUBMIT_RATE: RateForm, Action.RENEW: RenewForm, Action.END: EndForm}.get(action, NoteForm)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(engagement)
    data = form.cleaned_data
    try:
        if action == Action.APPROVE:
            services.approve_rate(engagement=engagement, by=user, note=data["note"])
        elif action in (Action.SEND_BACK, Action.REJECT):
            outcome = Outcome.SENT_BACK if action == Action.SEND_BACK else Outcome.REJECTED
            services.refuse_rate(engagement=engagement, by=user, note=data["note"], outcome=outcome)
        elif action == Action.START:
            services.start_engagement(engagement=engagement, by=user)
        elif action == Action.SUBMIT_RATE:
            services.revise_rate(
                engagement=engagement, by=user, bill_rate=data["bill_rate"], reason=data["rate_reason"]
            )
        elif action == Action.RENEW:
            renewal = services.RenewalInput(
                end_date=data["end_date"], bill_rate=data["bill_rate"], rate_reason=data["rate_reason"]
            )
            services.renew_engagement(engagement=engagement, by=user, data=renewal, note=data["note"])
        elif action == Action.END:
            services.end_engagement(engagement=engagement, by=user, note=data["note"], end_date=data["end_date"])
    except PortalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, ENGAGEMENT_DONE[action])
    return redirect(engagement)


@require_POST
def timesheet_create(request, pk):
    engagement = _engagement_or_404(request, pk)
    manages = can_manage_engagement(request.user, engagement.requisition)
    if not can_record_timesheets(request.user, engagement, manages=manages):
        raise PermissionDenied
    form = TimesheetForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(engagement)
    data = form.cleaned_data
    try:
        services.record_timesheet(
            engagement=engagement,
            by=request.user,
            week_start=data["week_start"],
            hours=data["hours"],
            overtime_hours=data["overtime_hours"] or 0,
            note=data["note"],
        )
    except PortalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Week recorded: the hiring manager is asked to approve it."))
    return redirect(engagement.get_absolute_url() + "#timesheets")


@require_POST
def timesheet_act(request, pk, action):
    sheet = get_object_or_404(
        Timesheet.objects.filter(engagement__in=selectors.engagements_for_user(request.user)).select_related(
            "engagement__requisition"
        ),
        pk=pk,
    )
    if action not in ("approve", "reject"):
        raise Http404
    if not can_approve_timesheet(request.user, sheet):
        raise PermissionDenied
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if action == "approve":
            services.approve_timesheet(timesheet=sheet, by=request.user)
        else:
            services.reject_timesheet(timesheet=sheet, by=request.user, note=note)
    except PortalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Week approved.") if action == "approve" else _("Week rejected."))
    return redirect(sheet.engagement.get_absolute_url() + "#timesheets")


def _timesheets(request):
    return selectors.timesheet_list(request.user)


class TimesheetListView(PartialListMixin, FilterView):
    """The weeks of the engagements the user may see, newest first: for the hiring managers who approve
    them, finance and admins (with each week's charge where they may see the engagement's money), and
    the recruiters who record them."""

    template_name = "vendors/timesheet_list.html"
    partial_template_name = "includes/list_results.html"
    filterset_class = TimesheetFilter
    paginate_by = 50

    allowed = staticmethod(can_see_engagements)

    def get_queryset(self):
        return _timesheets(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            show_charges=can_see_timesheet_charges(self.request.user),
            **_list_context(self, table="vendors/_timesheet_table.html", export="vendors:timesheet_export"),
            **saved_views_context(self.request, "vendors:timesheet_list"),
            **kwargs,
        )
        for sheet in context["object_list"]:
            sheet.charge = week_charge(self.request.user, sheet)
        return context


@require_GET
def timesheet_export(request):
    if not can_see_engagements(request.user):
        raise PermissionDenied
    filterset = TimesheetFilter(request.GET, queryset=_timesheets(request), request=request)
    return export_response(
        request,
        filterset=filterset,
        dataset="timesheets",
        title=_("Timesheets"),
        columns=timesheet_columns(request.user),
    )


# --- Invoices ---------------------------------------------------------------------------------------------------------


def _invoices(request):
    return selectors.invoices_for_user(request.user).select_related("vendor").order_by("-received_on", "-id")


class InvoiceListView(PartialListMixin, FilterView):
    template_name = "vendors/invoice_list.html"
    partial_template_name = "includes/list_results.html"
    filterset_class = InvoiceFilter
    paginate_by = 50

    allowed = staticmethod(can_see_invoices)

    def get_queryset(self):
        return _invoices(self.request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_enter=can_enter_invoices(self.request.user),
            **_list_context(self, table="vendors/_invoice_table.html", export="vendors:invoice_export"),
            **saved_views_context(self.request, "vendors:invoice_list"),
            **kwargs,
        )


@require_GET
def invoice_export(request):
    if not can_see_invoices(request.user):
        raise PermissionDenied
    filterset = InvoiceFilter(request.GET, queryset=_invoices(request), request=request)
    return export_response(
        request, filterset=filterset, dataset="invoices", title=_("Vendor invoices"), columns=INVOICE_COLUMNS
    )


@require_http_methods(["GET", "POST"])
def invoice_create(request):
    if not can_enter_invoices(request.user):
        raise PermissionDenied
    form = InvoiceForm(request.POST or None, initial={"received_on": timezone.localdate(), "currency": "CAD"})
    lines = InvoiceLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        rows = [f.cleaned_data for f in lines.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        data = services.InvoiceInput(
            lines=tuple(
                services.LineInput(
                    amount=row["amount"],
                    engagement=row["reference"] if isinstance(row["reference"], Engagement) else None,
                    placement=row["reference"] if isinstance(row["reference"], Placement) else None,
                    description=row["description"],
                    hours=row["hours"],
                    overtime_hours=row["overtime_hours"],
                )
                for row in rows
            ),
            **form.cleaned_data,
        )
        try:
            invoice = services.create_invoice(data=data, by=request.user)
        except PortalError as exc:
            form.add_error(None, str(exc))
        else:
            if invoice.status == InvoiceStatus.MATCHED:
                messages.success(request, _("Invoice entered: it matches."))
            else:
                messages.warning(request, _("Invoice entered, and flagged: see what differs below."))
            return redirect(invoice)
    status = 400 if request.method == "POST" else 200
    return render(request, "vendors/invoice_form.html", {"form": form, "lines": lines}, status=status)


def _invoice_or_404(request, pk):
    return get_object_or_404(
        selectors.invoices_for_user(request.user).select_related("vendor", "approved_by", "created_by"), pk=pk
    )


@require_GET
def invoice_detail(request, pk):
    invoice = _invoice_or_404(request, pk)
    user = request.user
    lines = list(
        invoice.lines.select_related("engagement__worker", "placement__offer__application__candidate").order_by("id")
    )
    context = {
        "invoice": invoice,
        "lines": lines,
        "flagged": [line for line in lines if line.flag],
        "timesheets": list(invoice.timesheets.select_related("engagement").order_by("engagement", "week_start")),
        "can_approve": can_approve_invoice(user, invoice),
        "can_pay": can_pay_invoice(user, invoice),
        "can_rematch": can_rematch_invoice(user, invoice),
        "can_reject": can_reject_invoice(user, invoice),
        "entered_by_you": invoice.created_by_id == user.pk,
        "ledger": list(CostEvent.objects.for_source(invoice).select_related("cost_center").order_by("id")),
        "history": audit.history_entries(invoice),
        "today": timezone.localdate(),
    }
    return render(request, "vendors/invoice_detail.html", context)


INVOICE_ACTIONS = ("rematch", "approve", "reject", "pay")


@require_POST
def invoice_act(request, pk, action):
    invoice = _invoice_or_404(request, pk)
    if action not in INVOICE_ACTIONS:
        raise Http404
    user = request.user
    allowed = {
        "rematch": can_enter_invoices(user),
        # Finance is told why it may not approve an invoice it entered, rather than refused outright.
        "approve": can_approve_invoice(user, invoice) or (decides_invoices(user) and invoice.created_by_id == user.pk),
        "reject": decides_invoices(user),
        "pay": can_pay_invoice(user, invoice),
    }
    if not allowed[action]:
        raise PermissionDenied
    try:
        if action == "rematch":
            services.rematch_invoice(invoice=invoice, by=user)
            message = _("Matched again.")
        elif action == "approve":
            form = ApproveInvoiceForm(request.POST)
            reason = form.cleaned_data["override_reason"] if form.is_valid() else ""
            services.approve_invoice(invoice=invoice, by=user, override_reason=reason)
            message = _("Invoice approved with your override.") if reason else _("Invoice approved.")
        elif action == "reject":
            form = NoteForm(request.POST)
            services.reject_invoice(invoice=invoice, by=user, note=form.cleaned_data["note"] if form.is_valid() else "")
            message = _("Invoice rejected.")
        else:
            form = PayForm(request.POST)
            if not form.is_valid():
                raise services.VendorError(_("Give the payment date."))
            services.mark_paid(invoice=invoice, by=user, paid_on=form.cleaned_data["paid_on"])
            message = _("Marked paid.")
    except PortalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect(invoice)


@require_http_methods(["GET", "POST"])
def invoice_import(request):
    """Upload an accounts-payable CSV: preview with every row's errors, then import all or nothing."""
    from vendors import imports

    if not can_enter_invoices(request.user):
        raise PermissionDenied
    if request.GET.get("template"):
        response = HttpResponse(imports.example_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="invoice-import-template.csv"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    preview, payload, status = None, "", 200
    if request.method == "POST" and request.POST.get("payload"):
        # The confirmation: the previewed file comes back as it was shown, and is checked again.
        form = ImportForm()
        try:
            content = base64.b64decode(request.POST["payload"].encode(), validate=True)
        except (binascii.Error, ValueError):
            content = b""
        preview = imports.parse_invoices(content[: imports.MAX_BYTES + 1])
        if not preview.errors:
            try:
                created = imports.import_invoices(preview, by=request.user)
            except PortalError as exc:
                messages.error(request, str(exc))
                return redirect("vendors:invoice_import")
            else:
                messages.success(request, _("%(n)d invoices imported and matched.") % {"n": len(created)})
                return redirect("vendors:invoice_list")
        status = 400
    elif request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read(imports.MAX_BYTES + 1)
        preview = imports.parse_invoices(content)
        if preview.errors:
            status = 400
        else:
            payload = base64.b64encode(content).decode()
    elif request.method == "POST":
        status = 400
    context = {"form": form, "preview": preview, "payload": payload}
    return render(request, "vendors/invoice_import.html", context, status=status)


# --- Spend -------------------------------------------------------------------------------------------------------


@require_GET
def spend(request, report="vendors"):
    """The vendors' spend pages (vendor spend, contractors ending), each exportable as CSV or XLSX
    (`?format=`): the user's scope (finance: everything; a hiring manager: their requisitions), in one
    currency. The currency is the one parameter they read: anything else is refused (400), on the page as
    in the export. (Cash needs and cost per hire, the section's other tabs, are analytics' pages.)"""
    from vendors import finance

    user = request.user
    if not can_see_spend(user):
        raise PermissionDenied
    if report not in finance.SPEND_REPORTS:
        raise Http404
    title, dataset, _order = finance.SPEND_REPORTS[report]
    filterset = CurrencyFilter(request.GET)
    if FORMAT in request.GET:
        problems = export_problems(request, filterset)
        if problems:
            return refused(problems)
        figures = _spend_figures(report, user, filterset.chosen_currency())
        return export_response(
            request,
            filterset=filterset,
            dataset=dataset,
            title=str(title),
            columns=figures.export_columns(),
            rows=figures.export_rows(),
        )
    refuse_unknown_parameters(filterset, request.GET)
    valid = filterset.is_valid()
    currency = filterset.chosen_currency() if valid else settings.PORTAL_CURRENCY
    context = {
        "report": report,
        "title": title,
        "figures": _spend_figures(report, user, currency) if valid else None,
        "filter": filterset,
        "currency": currency,
        "currencies": Currency.choices,
        "sees_all": finance.spend_scope(user) is None,
        "today": clock.today(),
    }
    return render(request, "vendors/spend.html", context, status=200 if valid else 400)


def _spend_figures(report: str, user, currency: str):
    from vendors import finance

    today, scope = clock.today(), finance.spend_scope(user)
    if report == "ending":
        return finance.contractors_ending(scope, today)
    return finance.vendor_spend(scope, currency, today)
