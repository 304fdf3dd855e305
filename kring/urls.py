"""URL routes: each app owns its own `urls.py`."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", include("kring.directory.urls")),
    path("children/", include("kring.people.urls")),
    path("", include("kring.casework.urls")),
    path("statistics/", include("kring.insights.urls")),
    path("school-data/", include("kring.schooldata.import_urls")),
    path("absence/", include("kring.schooldata.urls")),
    path("prevention/", include("kring.prevention.urls")),
    path("enkat/", include("kring.prevention.survey_urls")),
    path("collaboration/", include("kring.collaboration.urls")),
    path("family/", include("kring.family.urls")),
    path("family-access/", include("kring.family.staff.urls")),
    path("audit/", include("kring.access.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "kring.errors.server_error"
