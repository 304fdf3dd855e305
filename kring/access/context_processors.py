from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kring.access.policy import role_grants, roles_of
from kring.access.roles import Permission, permissions_of


def kring(request: HttpRequest) -> dict[str, Any]:
    """Navigation flags for the layout: which menu entries the user's roles grant."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    granted = permissions_of(roles_of(user))
    return {
        "nav": {
            "search": Permission.CHILD_SEARCH in granted,
            "units": Permission.UNIT_VIEW in granted,
            "directory": Permission.DIRECTORY_MANAGE in granted,
            "audit": Permission.AUDIT_REVIEW in granted,
            "cases": bool({Permission.CASE_WORK, Permission.CASE_REQUEST} & granted),
            "statistics": Permission.STATISTICS_VIEW in granted,
            "investment": Permission.INVESTMENT_MANAGE in granted,
            "research": Permission.RESEARCH_EXPORT in granted,
            "concerns": bool({Permission.CONCERN_RECORD, Permission.CONCERN_TRIAGE} & granted),
            "consultations": bool({Permission.CONCERN_TRIAGE, Permission.REPORT_RECEIVE} & granted),
            "reports_received": Permission.REPORT_RECEIVE in granted,
            "reports_mine": Permission.REPORT_FILE in granted and Permission.REPORT_RECEIVE not in granted,
            "absence": Permission.ABSENCE_OVERSEE in granted,
            "school_data": Permission.SCHOOLDATA_IMPORT in granted,
            "collaboration": Permission.COLLABORATION_VIEW in granted,
            "records": Permission.RECORDS_MANAGE in granted,
            "extracts": Permission.REGISTER_EXTRACT in granted,
            "prevention": bool(
                {Permission.PREVENTION_CLASS, Permission.PREVENTION_LEAD, Permission.PREVENTION_FOLLOW} & granted
            ),
        },
        "my_role_grants": role_grants(user),
    }
