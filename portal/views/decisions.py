"""My work (every role's home page) and the decision pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from portal import audit, registry
from portal.choices import REQUEST
from portal.exceptions import PortalError
from portal.filters import DecisionFilter
from portal.forms import CancelForm, ReassignForm, RequestForm, ResolveForm
from portal.models import Decision
from portal.permissions import (
    can_cancel_decision,
    can_raise_request,
    can_reassign_decision,
    can_resolve_on_decision_page,
    can_see_all_decisions,
    can_see_decision,
    can_take_decision,
    is_addressed_to,
)
from portal.selectors import decision_counts, decision_counts_by_kind, decisions_for_user, my_work
from portal.services.decisions import cancel_decision, raise_decision, reassign_decision, resolve_decision
from portal.views.lists import LIST_PARAMETERS, PartialListMixin, is_partial_request

SCOPES = {"mine": _("My decisions"), "raised": _("Raised by me"), "all": _("All open decisions")}


class MyWorkView(PartialListMixin, FilterView):
    """Open decisions the user (or one of their roles) must take, overdue first."""

    template_name = "portal/my_work.html"
    partial_template_name = "portal/_decision_table.html"
    filterset_class = DecisionFilter
    paginate_by = 25
    known_parameters = (*LIST_PARAMETERS, "scope")

    def scopes(self) -> list[str]:
        """My decisions for everyone; "raised by me" for those who can raise; "all open" for admins."""
        if not hasattr(self, "_scopes"):
            user = self.request.user
            self._scopes = ["mine"]
            if can_raise_request(user) or user.decisions_raised.exists():
                self._scopes.append("raised")
            if can_see_all_decisions(user):
                self._scopes.append("all")
        return self._scopes

    def scope(self) -> str:
        if not hasattr(self, "_scope"):
            scope = self.request.GET.get("scope", "mine")
            self._scope = scope if scope in self.scopes() else "mine"
        return self._scope

    def get_filterset(self, filterset_class):
        """A scope the user does not have ("all" asked by someone who is not an admin) is refused like an
        unreadable filter: the list shows nothing rather than quietly something else."""
        filterset = super().get_filterset(filterset_class)
        for scope in self.request.GET.getlist("scope"):
            if scope not in self.scopes():
                error = ValidationError(
                    _("“%(scope)s” is not one of your views of the work."),
                    code="invalid",
                    params={"scope": Truncator(scope).chars(40)},
                )
                filterset.form.add_error(None, error)
        return filterset

    def get_queryset(self):
        user = self.request.user
        scope = self.scope()
        if scope == "mine":
            return my_work(user)
        base = (
            decisions_for_user(user)
            .open()
            .select_related("owner", "raised_by", "subject_type")
            .prefetch_related("subject")
        )
        if scope == "raised":
            base = base.filter(raised_by=user)
        return base.order_by("due_at", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scoped = self.get_queryset()
        for decision in context["object_list"]:
            # The row's button acts only for decisions addressed to the user; others are to look at.
            decision.is_mine = is_addressed_to(user, decision)
        context.update(
            scope=self.scope(),
            scopes=[(key, SCOPES[key]) for key in self.scopes()],
            counts=decision_counts(scoped),
            counts_by_kind=decision_counts_by_kind(scoped),
            can_raise=can_raise_request(user),
            panels=self.panels() if self.scope() == "mine" else [],
        )
        return context

    def panels(self) -> list[dict]:
        """My work's sections contributed by modules (drafts waiting to be submitted...)."""
        if is_partial_request(self.request):
            return []
        panels = [(panel, panel.context(self.request.user)) for panel in registry.work_panels()]
        return [{"template": panel.template, "data": data} for panel, data in panels if data]


def _decision_for(request, pk) -> Decision:
    """The decision if the user may see it, else 404 (its existence is not revealed)."""
    qs = decisions_for_user(request.user).select_related("owner", "raised_by", "decided_by")
    decision = get_object_or_404(qs, pk=pk)
    if not can_see_decision(request.user, decision):
        raise Http404
    return decision


def decision_detail(request, pk):
    return _render_detail(request, _decision_for(request, pk))


@require_POST
def decision_resolve(request, pk):
    decision = _decision_for(request, pk)
    if not decision.is_open:
        messages.info(
            request, _("This decision was already closed (%(status)s).") % {"status": decision.get_status_display()}
        )
        return redirect(decision)
    if not can_resolve_on_decision_page(request.user, decision):
        raise PermissionDenied
    form = ResolveForm(request.POST, kind=decision.kind)
    if not form.is_valid():
        return _render_detail(request, decision, status=400, resolve_form=form)
    try:
        resolve_decision(
            decision=decision, outcome=form.cleaned_data["outcome"], by=request.user, note=form.cleaned_data["note"]
        )
    except PortalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("portal:my_work")


def decision_reassign(request, pk):
    decision = _decision_for(request, pk)
    if not can_reassign_decision(request.user, decision):
        raise PermissionDenied
    form = ReassignForm(request.POST or None, decision=decision)
    if request.method == "POST" and form.is_valid():
        try:
            reassign_decision(
                decision=decision,
                by=request.user,
                owner=form.cleaned_data["owner"],
                owner_role=form.cleaned_data["owner_role"],
                due_at=form.new_due_at(),
                note=form.cleaned_data["note"],
            )
        except PortalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Decision handed on."))
            return redirect(decision)
    return render(request, "portal/decision_reassign.html", {"decision": decision, "form": form})


@require_POST
def decision_cancel(request, pk):
    decision = _decision_for(request, pk)
    if not can_cancel_decision(request.user, decision):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, decision, status=400, cancel_form=form)
    try:
        cancel_decision(decision=decision, by=request.user, note=form.cleaned_data["note"])
    except PortalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decision cancelled."))
    return redirect(decision)


def request_create(request):
    if not can_raise_request(request.user):
        raise PermissionDenied
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = raise_decision(
                kind=REQUEST,
                title=form.cleaned_data["title"],
                detail=form.cleaned_data["detail"],
                owner=form.cleaned_data["owner"],
                owner_role=form.cleaned_data["owner_role"],
                sla_business_days=form.cleaned_data["business_days"],
                by=request.user,
            )
        except PortalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Request sent to %(owner)s.") % {"owner": decision.owner_display})
            return redirect(decision)
    return render(request, "portal/request_form.html", {"form": form})


def _render_detail(request, decision, *, status=200, resolve_form=None, cancel_form=None):
    user = request.user
    context = {
        "decision": decision,
        "history": audit.history_entries(decision),
        "can_take": can_take_decision(user, decision),
        "can_resolve_here": can_resolve_on_decision_page(user, decision),
        "can_reassign": can_reassign_decision(user, decision),
        "can_cancel": can_cancel_decision(user, decision),
        "resolve_form": resolve_form or ResolveForm(kind=decision.kind),
        "cancel_form": cancel_form or CancelForm(),
    }
    return render(request, "portal/decision_detail.html", context, status=status)
