"""The organisation admin's pages for API tokens, under /organisation/api-tokens/: the list, a new token (its
secret shown once), revoking one. For those who manage the directory (404 for anyone else)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kring.api.actions import create_api_token, revoke_api_token
from kring.api.forms import TokenForm
from kring.api.queries import get_token_for_manager, token_rows_for_manager
from kring.directory.admin_views.common import manager_required, posted
from kring.directory.http import AuthenticatedRequest


@login_required
@manager_required
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    context = {"rows": token_rows_for_manager(request.user), "section": "api"}
    return render(request, "api/admin/token_list.html", context)


@login_required
@manager_required
def token_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new token. Its secret is shown on the answer to the POST, once: it is in no URL, session or log."""
    form = TokenForm(posted(request), manager=request.user)
    if form.is_valid():
        token, secret = create_api_token(by=request.user, token=form.token())
        context = {"token": token, "secret": secret, "section": "api"}
        return render(request, "api/admin/token_created.html", context)
    return render(request, "api/admin/token_form.html", {"form": form, "section": "api"})


@login_required
@manager_required
@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = revoke_api_token(by=request.user, token=get_token_for_manager(request.user, pk))
    messages.success(request, _("The token of %(name)s is revoked; it is refused from now on.") % {"name": token.name})
    return redirect("api_token_list")
