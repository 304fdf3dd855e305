"""TSI case pages: thin typed views. Access through kring.casework.tsi.queries, writes through
kring.casework.tsi.actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kring.access.audit import record_read
from kring.access.policy import can
from kring.access.roles import Permission
from kring.casework.approvals.queries import approvals_of, awaits_approval
from kring.casework.handovers.forms import OfferForm, ReferralForm
from kring.casework.handovers.queries import open_handover, other_units, referral_units, referrals_of
from kring.casework.models import YOUNG_PERSON_AGE, Consent, ConsentMethod, Meeting, Teller, TsiCase
from kring.casework.tsi import actions, forms, handover, queries
from kring.casework.tsi.basis import requesting_units
from kring.casework.tsi.queries import case_view_for_user, get_case_for_user, work_list_for_user
from kring.casework.workflow import run_action
from kring.directory.http import AuthenticatedRequest
from kring.directory.models import Unit, UnitKind
from kring.people.queries import get_child_for_user


@login_required
def work_list(request: AuthenticatedRequest) -> HttpResponse:
    """The team's (or the requester's) cases: stage, days in stage, next meeting, overdue follow-ups."""
    user = request.user
    if not (can(user, Permission.CASE_WORK) or can(user, Permission.CASE_REQUEST)):
        raise Http404
    mine = request.GET.get("mine") == "1"
    closed = request.GET.get("closed") == "1"
    listing = work_list_for_user(user, mine_only=mine, include_closed=closed, page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"rows": listing.rows, "page": listing.page, "mine": mine, "closed": closed, "query": query.urlencode()}
    return render(request, "casework/work_list.html", context)


@login_required
def request_case(request: AuthenticatedRequest, child_pk: int) -> HttpResponse:
    """The school asks a TSI team to take the child."""
    user = request.user
    if not can(user, Permission.CASE_REQUEST):
        raise Http404
    child, bases = get_child_for_user(user, child_pk)
    if not requesting_units(user, child):
        raise Http404
    teams = Unit.objects.filter(municipality_id=child.municipality_id, kind=UnitKind.JOINT_TEAM).order_by("name")
    form = forms.RequestForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = run_action(
            form,
            lambda: actions.request_tsi(
                by=user,
                child=child,
                team=data["team"],
                reason=data["reason"],
                tried=data["tried"],
                child_view=data["child_view"],
            ),  # fmt: skip
        )
        if case is not None:
            messages.success(request, _("The request has been sent to the team."))
            return redirect("casework_case", case.pk)
    record_read(user, "child", child.pk, child_id=child.pk, basis=bases[0], page="tsi_request_form")
    return render(request, "casework/request_form.html", {"form": form, "child": child})


@login_required
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    view = case_view_for_user(request.user, pk)
    context = {
        "view": view,
        "case": view.case,
        "open_handover": open_handover(request.user, case=view.case),
        "can_hand_over": handover.may_hand_over_case(request.user, view.case),
        "approvals": approvals_of(request.user, case=view.case) if view.is_team else [],
        "referrals": referrals_of(request.user, view.case) if view.is_team else [],
    }
    return render(request, "casework/case_detail.html", context)


def _step(
    request: AuthenticatedRequest,
    case: TsiCase,
    form: Any,
    perform: Callable[[dict[str, Any]], Any],
    *,
    title: Any,
    done: Any,
    template: str = "casework/case_step.html",
    extra: dict[str, Any] | None = None,
    waiting: Any = None,
) -> HttpResponse:
    """The shape of every step of the case: a form, an action, back to the case page with a message (`done`, or
    `waiting` when the step waits for the unit manager's approval)."""
    result = None
    if request.method == "POST" and form.is_valid():
        result = run_action(form, lambda: perform(form.cleaned_data))
    if result is not None:
        messages.success(request, waiting if waiting and awaits_approval(result) else done)
        return redirect("casework_case", case.pk)
    queries.record_case_read(
        request.user, case, page=str(request.resolver_match.url_name if request.resolver_match else "")
    )
    context = {"case": case, "form": form, "title": title, **(extra or {})}
    return render(request, template, context)


@login_required
def assess(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = forms.AssessmentForm(request.POST or None)
    return _step(
        request,
        case,
        form,
        lambda d: actions.assess_request(
            by=request.user, case=case, decision=d["decision"], note=d["note"], advice=d["advice"]
        ),
        title=gettext_lazy("Assess the request"),
        done=gettext_lazy("The assessment is saved."),
        template="casework/assess_form.html",
    )


@login_required
def add_information(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk)
    form = forms.MoreInformationForm(request.POST or None)
    return _step(
        request,
        case,
        form,
        lambda d: actions.add_request_information(by=request.user, case=case, information=d["information"]),
        title=gettext_lazy("Answer the team"),
        done=gettext_lazy("Your answer has been sent to the team."),
    )


@login_required
def consent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = forms.ConsentForm(request.POST or None, guardians=queries.guardians_with_custody(case))

    def perform(d: dict[str, Any]) -> Consent:
        acts = form.acts()
        given = actions.ConsentInput(
            guardians=[act.guardian for act in acts], parties=d["parties"], categories=d["categories"],
            method=acts[-1].method, given_on=max(act.given_on for act in acts), valid_until=d["valid_until"],
            child_agreement=d["child_agreement"], child_view_note=d["child_view_note"], share_with=d["share_with"],
            share_categories=d["share_categories"], acts=acts, young_person=d["young_person"],
            final_plan_to_school=d["final_plan_to_school"],
        )  # fmt: skip
        return actions.record_consent(by=request.user, case=case, given=given)

    return _step(
        request,
        case,
        form,
        perform,
        title=gettext_lazy("Record consent"),
        done=gettext_lazy("The answers are recorded. The case page says whether the consent is in force."),
        template="casework/consent_form.html",
    )


@login_required
def consent_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Send the proposed consent to the family, who answer it with e-ID on their own pages."""
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = forms.ConsentScopeForm(request.POST or None)

    def perform(d: dict[str, Any]) -> Any:
        given = actions.ConsentInput(
            guardians=[], parties=d["parties"], categories=d["categories"], method=ConsentMethod.DIGITAL,
            given_on=timezone.localdate(), valid_until=d["valid_until"], child_agreement=d["child_agreement"],
            child_view_note=d["child_view_note"], share_with=d["share_with"], share_categories=d["share_categories"],
            final_plan_to_school=d["final_plan_to_school"],
        )  # fmt: skip
        return actions.request_consent(by=request.user, case=case, given=given)

    return _step(
        request,
        case,
        form,
        perform,
        title=gettext_lazy("Ask the family for consent with e-ID"),
        done=gettext_lazy("Sent. Each guardian with custody answers on the family pages, logged in with e-ID."),
        template="casework/consent_request_form.html",
    )


@login_required
def family_language(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = forms.FamilyLanguageForm(request.POST or None, initial={"family_language": case.family_language})
    return _step(
        request,
        case,
        form,
        lambda d: actions.set_family_language(by=request.user, case=case, language=d["family_language"]),
        title=gettext_lazy("The family's language"),
        done=gettext_lazy("Saved. The family's pages, the letter and the plan they download are in this language."),
    )


@login_required
def withdraw(request: AuthenticatedRequest, pk: int, consent_pk: int) -> HttpResponse:
    case, consent_obj = queries.get_open_consent_for_user(request.user, pk, consent_pk)
    young_person = actions.age_on(case.child, timezone.localdate()) >= YOUNG_PERSON_AGE
    form = forms.WithdrawalForm(
        request.POST or None, guardians=queries.guardians_with_custody(case), young_person=young_person
    )
    return _step(
        request,
        case,
        form,
        lambda _d: actions.withdraw_consent(by=request.user, consent=consent_obj, **form.withdrawal()),
        title=gettext_lazy("Withdraw consent"),
        done=gettext_lazy("The consent is withdrawn. Sharing has ended and the case is closed."),
        template="casework/withdraw_form.html",
    )


@login_required
def withdrawal_notice(request: AuthenticatedRequest) -> HttpResponse:
    """A school's contact person in social services records a withdrawal of TSI consent they were told of."""
    if not can(request.user, Permission.REPORT_RECEIVE):
        raise Http404
    form = forms.WithdrawalNoticeForm(request.POST or None)

    def perform() -> int:
        return actions.record_withdrawal_notice(by=request.user, notice=form.notice())

    if request.method == "POST" and form.is_valid() and run_action(form, perform) is not None:
        messages.success(request, WITHDRAWAL_NOTICE_DONE)
        return redirect("casework_withdrawal_notice")
    return render(request, "casework/withdrawal_notice.html", {"form": form})


WITHDRAWAL_NOTICE_DONE = gettext_lazy(
    "Recorded. If the child has a TSI case from a school you are contact person for, with a consent in force, the "
    "consent is withdrawn now and the case is closed; the team sees that you recorded it."
)


@login_required
def add_story(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    teller = request.GET.get("teller", "")
    # The child's own story is secret towards the guardians unless the team decides it is not.
    initial = {"teller": teller, "secret_from_guardians": teller == Teller.CHILD}
    form = forms.StoryForm(request.POST or None, initial=initial)
    return _step(
        request,
        case,
        form,
        lambda d: actions.record_story(by=request.user, case=case, **d),
        title=gettext_lazy("Record a story"),
        done=gettext_lazy("The story is saved."),
    )


@login_required
def add_need(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = forms.NeedForm(request.POST or None, initial={"area": request.GET.get("area", "")})
    return _step(
        request,
        case,
        form,
        lambda d: actions.record_need(by=request.user, case=case, **d),
        title=gettext_lazy("Add to the needs analysis"),
        done=gettext_lazy("Saved in the needs analysis."),
    )


@login_required
def add_intervention(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = forms.InterventionForm(request.POST or None, initial={"area": request.GET.get("area", "")})
    return _step(
        request,
        case,
        form,
        lambda d: actions.propose_intervention(by=request.user, case=case, **d),
        title=gettext_lazy("Propose an intervention"),
        done=gettext_lazy("The intervention is saved."),
    )


@login_required
def intervention_status(request: AuthenticatedRequest, pk: int, item_pk: int) -> HttpResponse:
    case, intervention = queries.get_intervention_for_user(request.user, pk, item_pk)
    form = forms.InterventionStatusForm(request.POST or None, initial={"status": intervention.status})
    return _step(
        request,
        case,
        form,
        lambda d: actions.set_intervention_status(by=request.user, intervention=intervention, status=d["status"]),
        title=gettext_lazy("Change the status of the intervention"),
        done=gettext_lazy("The status is saved."),
    )


@login_required
def book_meeting(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = forms.MeetingForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})

    def perform(d: dict[str, Any]) -> Meeting:
        people = [actions.ParticipantInput(name, role) for name, role in form.participants()]
        return actions.book_meeting(
            by=request.user, case=case, kind=d["kind"], starts_at=d["starts_at"], place=d["place"],
            neutral_arena=d["neutral_arena"], participants=people,
        )  # fmt: skip

    return _step(
        request,
        case,
        form,
        perform,
        title=gettext_lazy("Book a meeting"),
        done=gettext_lazy("The meeting is booked."),
        template="casework/meeting_form.html",
    )


@login_required
def meeting_notes(request: AuthenticatedRequest, pk: int, item_pk: int) -> HttpResponse:
    case, meeting = queries.get_meeting_for_user(request.user, pk, item_pk)
    participants = list(meeting.participants.all())
    initial = {"notes": meeting.notes, "attended": [p.pk for p in participants if p.attended]}
    form = forms.MeetingNotesForm(request.POST or None, participants=participants, initial=initial)
    return _step(
        request,
        case,
        form,
        lambda d: actions.record_meeting_notes(
            by=request.user, meeting=meeting, notes=d["notes"], attended_ids=[int(x) for x in d["attended"]]
        ),
        title=gettext_lazy("Notes from the meeting"),
        done=gettext_lazy("The notes are saved."),
        extra={"meeting": meeting},
    )


@login_required
def agree_plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    current = case.plan_versions.order_by("-number").first()
    form = forms.PlanForm(request.POST or None, initial=forms.PlanForm.initial_from(current) if current else None)
    meeting = case.meetings.filter(held=True).order_by("-starts_at").first()

    def perform(d: dict[str, Any]) -> Any:
        plan = actions.PlanInput(
            agreed_on=d["agreed_on"], goals=form.goals(), actions=form.actions(), next_follow_up=d["next_follow_up"],
            overall_responsible=d["overall_responsible"], meeting=meeting,
        )  # fmt: skip
        return actions.agree_plan(by=request.user, case=case, plan=plan)

    return _step(
        request,
        case,
        form,
        perform,
        title=gettext_lazy("The joint plan"),
        done=gettext_lazy("The plan is saved as a new version."),
        waiting=gettext_lazy("The plan is saved as a new version. It waits for the unit manager's approval."),
        template="casework/plan_form.html",
        extra={"current": current},
    )


@login_required
def record_outcome(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = forms.OutcomeForm(request.POST or None)
    return _step(
        request,
        case,
        form,
        lambda d: actions.record_outcome(by=request.user, case=case, outcome=actions.OutcomeInput(**d)),
        title=gettext_lazy("Record outcome measures"),
        done=gettext_lazy("The measures are saved."),
    )


@login_required
def complete_follow_up(request: AuthenticatedRequest, pk: int, item_pk: int) -> HttpResponse:
    case, follow_up = queries.get_open_follow_up_for_user(request.user, pk, item_pk)
    form = forms.FollowUpForm(request.POST or None)
    return _step(
        request,
        case,
        form,
        lambda d: actions.complete_follow_up(by=request.user, follow_up=follow_up, **d),
        title=gettext_lazy("Follow up"),
        done=gettext_lazy("The follow-up is saved."),
        extra={"follow_up": follow_up},
    )


@login_required
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = forms.ClosureForm(request.POST or None)
    return _step(
        request,
        case,
        form,
        lambda d: actions.close_case(by=request.user, case=case, reason=d["reason"], note=d["note"]),
        title=gettext_lazy("Close the case"),
        done=gettext_lazy("The case is closed."),
        waiting=gettext_lazy("The closure waits for the unit manager's approval; until then the case stays open."),
    )


@login_required
def hand_over(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The case lead offers the case to a colleague or another team; it moves when they accept."""
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    if not handover.may_hand_over_case(request.user, case):
        raise PermissionDenied
    form = OfferForm(
        request.POST or None,
        colleagues=queries.team_colleagues(case, request.user),
        units=other_units(request.user, UnitKind.JOINT_TEAM, case.team_id),
    )
    return _step(
        request,
        case,
        form,
        lambda d: handover.offer_case(by=request.user, case=case, **d),
        title=_("Hand the case over"),
        done=_("The case is offered. You remain responsible until it is accepted."),
    )


@login_required
def refer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A team member refers the child on (a social services investigation, health care for a SIP)."""
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = ReferralForm(request.POST or None, units=referral_units(request.user))
    return _step(
        request,
        case,
        form,
        lambda d: handover.refer_case(by=request.user, case=case, **d),
        title=_("Refer the child on"),
        done=_("The referral is sent. The case page shows when it has been received."),
    )
