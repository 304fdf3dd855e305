"""The staff's side of the family pages: the decision that keeps a guardian out of them, and the child's voice
filled in with a trusted adult of the team on a tablet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from kring.access.audit import record_event, record_read
from kring.access.models import AuditAction
from kring.access.policy import basis_for
from kring.casework.tsi import actions as tsi_actions
from kring.casework.tsi.actions import VoiceInput
from kring.casework.tsi.queries import get_case_for_user
from kring.casework.workflow import WorkflowError
from kring.directory.http import AuthenticatedRequest
from kring.family import actions
from kring.family.forms import VoiceForm
from kring.family.staff import queries
from kring.family.staff.forms import BlockForm, LiftForm
from kring.pdf import pdf_response, render_pdf
from kring.people.languages import FAMILY_LANGUAGES, family_language
from kring.people.models import Child, Guardian


@login_required
@require_http_methods(["GET", "POST"])
def guardian_access(request: AuthenticatedRequest, child_pk: int) -> HttpResponse:
    case = queries.team_case_of_child(request.user, child_pk)
    child = case.child
    guardians = queries.guardians_of(child)
    block_form, lift_form, failed_for = BlockForm(), LiftForm(), None
    if request.method == "POST":
        outcome = _decide(request, child, guardians)
        if outcome is None:
            return redirect("family_staff:guardian_access", child_pk=child.pk)
        block_form, lift_form, failed_for = outcome
    record_read(request.user, "guardian_access", child.pk, child_id=child.pk, basis=basis_for(request.user, case))
    blocks = queries.decisions_on(child)
    in_force = {b.guardian_id: b for b in blocks if b.lifted_at is None}
    context = {
        "case": case,
        "child": child,
        "rows": [(g, in_force.get(g.pk)) for g in guardians],
        "blocks": blocks,
        "block_form": block_form,
        "lift_form": lift_form,
        "failed_for": failed_for,
    }
    return render(request, "family_staff/guardian_access.html", context)


def _decide(
    request: AuthenticatedRequest, child: Child, guardians: list[Guardian]
) -> tuple[BlockForm, LiftForm, object] | None:
    """Block or lift; None when done, else the forms with their errors and the row they belong to."""
    if "lift" in request.POST:
        lift_form = LiftForm(request.POST)
        block = queries.block_in_force(child, request.POST.get("lift"))
        if lift_form.is_valid():
            try:
                actions.lift_block(by=request.user, block=block, reason=lift_form.cleaned_data["reason"])
            except WorkflowError as problem:
                lift_form.add_error(None, str(problem))
            else:
                return None
        return BlockForm(), lift_form, block.guardian_id
    block_form = BlockForm(request.POST)
    if block_form.is_valid():
        guardian = next((g for g in guardians if g.pk == block_form.cleaned_data["guardian"]), None)
        if guardian is None:
            raise PermissionDenied
        try:
            actions.block_guardian(
                by=request.user, guardian=guardian, child=child, reason=block_form.cleaned_data["reason"]
            )  # type: ignore[arg-type]
        except WorkflowError as problem:
            block_form.add_error(None, str(problem))
        else:
            return None
    return block_form, LiftForm(), request.POST.get("guardian")


@login_required
@require_http_methods(["GET", "POST"])
def voice_with_adult(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The child-friendly page, on the team's tablet, in the family's language."""
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    form = VoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        voice = VoiceInput(
            how_it_goes=data["how_it_goes"], listened_to=data["listened_to"], words=data["words"].strip(),
            secret_from_guardians=data["secret_from_guardians"], occasion=data["occasion"],
            with_adult=request.user.get_full_name() or request.user.email,
        )  # fmt: skip
        try:
            tsi_actions.record_child_voice(by=request.user, case=case, voice=voice)
        except WorkflowError as problem:
            form.add_error(None, str(problem))
        else:
            return redirect("casework_case", pk=case.pk)
    record_read(
        request.user, "tsi_case", case.pk, child_id=case.child_id, basis=basis_for(request.user, case), page="voice"
    )
    language = family_language(request.GET.get("lang") or case.family_language)
    with translation.override(language.code):
        context = {
            "case": case,
            "form": form,
            "staff_mode": True,
            "family_language": language,
            "family_languages": FAMILY_LANGUAGES,
        }
        response = render(request, "family/voice.html", context, status=400 if form.errors else 200)
    return response


@login_required
def family_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The family's letter about TSI as a PDF in a family language (the family's own, unless another is asked
    for), for the team to print or send; audited as an export."""
    case, _bases = get_case_for_user(request.user, pk, for_write=True)
    language = family_language(request.GET.get("lang") or case.family_language)
    with translation.override(language.code):
        context = {"case": case, "team": case.team, "lead": case.lead, "printed_on": timezone.localdate()}
        pdf = render_pdf("family/letter_pdf.html", context)
    record_event(
        actor=request.user, action=AuditAction.EXPORT, target_type="family_letter_pdf", target_id=case.pk,
        child_id=case.child_id, basis=basis_for(request.user, case), details={"language": language.code},
    )  # fmt: skip
    return pdf_response(pdf, f"tsi-{case.pk}-letter-{language.code}.pdf", disposition="inline")
