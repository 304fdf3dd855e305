"""Organisation admin pages (for administrators and coordinators), under /organisation/."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.directory.admin_views import organisations, overview, staff, units

urlpatterns: list[URLPattern] = [
    path("", overview.directory_admin, name="directory_admin"),
    path("organisations/", organisations.organisation_list, name="directory_organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="directory_organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_edit, name="directory_organisation_edit"),
    path("units/", units.unit_list, name="directory_unit_list"),
    path("units/new/", units.unit_create, name="directory_unit_create"),
    path("units/<int:pk>/", units.unit_edit, name="directory_unit_edit"),
    path("units/<int:pk>/contacts/", units.unit_contacts, name="directory_unit_contacts"),
    path(
        "units/<int:pk>/contacts/<int:contact_pk>/remove/",
        units.contact_remove,
        name="directory_contact_remove",
    ),
    path("staff/", staff.staff_list, name="directory_staff_list"),
    path("staff/new/", staff.staff_create, name="directory_staff_create"),
    path("staff/<int:pk>/", staff.staff_detail, name="directory_staff_detail"),
    path("staff/<int:pk>/roles/", staff.membership_add, name="directory_membership_add"),
    path("staff/<int:pk>/roles/<int:membership_pk>/end/", staff.membership_end, name="directory_membership_end"),
    path(
        "staff/<int:pk>/roles/<int:membership_pk>/approve/",
        staff.membership_approve,
        name="directory_membership_approve",
    ),
    path(
        "staff/<int:pk>/roles/<int:membership_pk>/decline/",
        staff.membership_decline,
        name="directory_membership_decline",
    ),
    path("staff/<int:pk>/deactivate/", staff.staff_deactivate, name="directory_staff_deactivate"),
    path("staff/<int:pk>/reactivate/", staff.staff_reactivate, name="directory_staff_reactivate"),
    path("staff/<int:pk>/invite/", staff.staff_invite, name="directory_staff_invite"),
]
