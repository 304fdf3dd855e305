"""`/health/` for the load balancer: does the database answer, are all migrations applied, and where is the audit
chain's head. No login (the load balancer has none), no personal data, a few queries; 200 when all is well, 503
naming what is not (docs/operations.md, "Health")."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kring.access.audit import chain_head


def health_report() -> tuple[bool, dict[str, object]]:
    """Whether the installation can serve, and each check's result."""
    report: dict[str, object] = {"database": "ok", "migrations": "ok", "audit_chain": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False, {"database": "unavailable", "migrations": "unknown", "audit_chain": "unknown"}
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        unapplied, report["migrations"] = [], "unknown"
    if unapplied:
        report["migrations"] = {"unapplied": len(unapplied)}
    try:
        report["audit_chain"] = {"sequence": chain_head().sequence}
    except DatabaseError:
        report["audit_chain"] = "unavailable"
    healthy = report["migrations"] == "ok" and isinstance(report["audit_chain"], dict)
    return healthy, report


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
