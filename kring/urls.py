"""URL routes: each app owns its own `urls.py`."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path, re_path

from kring.access.health import health


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404


admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("health/", health, name="health"),
    path("", include("kring.directory.urls")),
    path("children/", include("kring.people.urls")),
    path("", include("kring.casework.urls")),
    path("statistics/", include("kring.insights.urls")),
    path("school-data/", include("kring.schooldata.import_urls")),
    path("absence/", include("kring.schooldata.urls")),
    path("prevention/", include("kring.prevention.urls")),
    path("enkat/", include("kring.prevention.survey_urls")),
    path("collaboration/", include("kring.collaboration.urls")),
    path("sso/", include("kring.directory.sso.urls")),
    path("family/", include("kring.family.urls")),
    path("family-access/", include("kring.family.staff.urls")),
    path("records/", include("kring.records.urls")),
    path("audit/", include("kring.access.urls")),
    path("api/", include("kring.api.urls")),
    path("organisation/api-tokens/", include("kring.api.admin_urls")),
    # allauth's pages for linking social accounts are not Kring's: the only social login is the family's e-ID,
    # whose login and callback are kring.family's own; staff never link an e-ID to their account.
    re_path(r"^accounts/3rdparty/", not_found),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "kring.errors.bad_request"
handler500 = "kring.errors.server_error"
