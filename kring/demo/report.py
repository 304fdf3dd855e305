"""Plain-text summaries of a seed run and of the demo logins, for `kring seed` and `kring demo`."""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings

from kring.access.auth import current_totp_code
from kring.cli import command_name
from kring.demo.families import FamilyLogin
from kring.demo.generator import DemoResult

_SUMMARY_ROWS = (
    ("organisations", "organisations"),
    ("units", "units"),
    ("schools", "schools"),
    ("preschools", "preschools"),
    ("groups", "classes and groups"),
    ("children", "children"),
    ("protected_children", "  with protected identity"),
    ("guardians", "guardians"),
    ("custodies", "custody rows"),
    ("families_together", "  families, joint custody, one household"),
    ("families_apart", "  families, joint custody, guardian outside the household"),
    ("families_sole", "  families, sole custody"),
    ("coordination_numbers", "coordination numbers (samordningsnummer)"),
    ("staff", "staff"),
    ("memberships", "memberships (roles in units)"),
    ("contacts", "contact persons of schools"),
    ("tsi_cases", "TSI cases of the joint teams"),
    ("tsi_requested", "  requested"),
    ("tsi_more_info", "  more information asked for"),
    ("tsi_declined", "  declined"),
    ("tsi_information", "  information and consent"),
    ("tsi_active", "  analysis and planning"),
    ("tsi_follow_up", "  follow-up"),
    ("tsi_closed", "  closed"),
    ("absences", "lesson absences this term"),
    ("absence_indicators", "absence indicators"),
    ("demo_concerns", "concerns at the demo school"),
    ("demo_consultations", "consultations waiting for an answer"),
    ("demo_reports", "reports of concern, in each state"),
    ("demo_investigations", "investigations of absence open"),
    ("demo_roles_awaiting", "roles waiting for approval"),
    ("demo_handovers", "handovers waiting for an answer"),
    ("demo_approvals", "decisions waiting for the unit manager's approval"),
)


def format_summary(result: DemoResult) -> str:
    lines = [
        f"Seeded {result.municipality.name} ({result.municipality.code}), size {result.size}, seed {result.seed}, "
        f"in {result.seconds:.1f} s:"
    ]
    lines += [f"  {label:<58} {result.counts.get(key, 0):>9,}" for key, label in _SUMMARY_ROWS]
    if "records_imported_via_ss12000" in result.counts:
        label = "records created by the SS 12000 import"
        lines.append(f"  {label:<58} {result.counts['records_imported_via_ss12000']:>9,}")
    return "\n".join(lines) + "\n"


def seconds_left_of_code() -> int:
    period: int = mfa_settings.TOTP_PERIOD
    return period - int(time.time()) % period


def format_logins(result: DemoResult, *, with_codes: bool = False) -> str:
    """A table of the demo logins; with the code each authenticator app shows right now, if asked."""
    password = result.logins[0].password if result.logins else ""
    head = f"  {'e-mail':<38} {'role':<26} {'TOTP secret':<34}"
    lines = [f"Demo logins (password for every one: {password})", head + (" code now" if with_codes else "")]
    for login in result.logins:
        row = f"  {login.email:<38} {login.role_label:<26} {login.totp_secret:<34}"
        lines.append(row + (f" {current_totp_code(login.totp_secret)}" if with_codes else ""))
    if with_codes:
        lines.append(
            f"  (the codes change every {mfa_settings.TOTP_PERIOD} seconds; these hold {seconds_left_of_code()} s more)"
        )
    lines.append("")
    lines.append("otpauth:// URIs (paste into an authenticator app, or make a QR code of one):")
    lines += [f"  {login.otpauth_uri}" for login in result.logins]
    return "\n".join(lines) + "\n"


def format_hint(example_email: str) -> str:
    return (
        "To log in: open the site, enter an e-mail above and the password, then the 6-digit code.\n"
        "Get the code by adding the TOTP secret to an authenticator app (Google Authenticator, Microsoft\n"
        "Authenticator, FreeOTP, ...), or print the current one in another terminal with:\n"
        f"  KRING_DEBUG=true {command_name()} totp {example_email}\n"
    )


def format_family_logins(logins: list[FamilyLogin], addrport: str, eid_url: str | None) -> str:
    """How a guardian logs in: the family pages, the test e-ID beside the server, and whom to choose there."""
    lines = [f"Families: open http://{addrport}/family/ and log in with the test e-ID (no BankID needed)."]
    if eid_url is None:
        lines.append("  The test e-ID could not start (port taken): run `kring serve-eid` in another terminal.")
    else:
        lines.append(f"  The test e-ID runs at {eid_url}; choose a person there, for example:")
    lines += [f"  {login.guardian:<30} guardian of {login.child:<26} sees {login.shows}" for login in logins]
    return "\n".join(lines) + "\n"


def format_sso_login(sso_url: str | None) -> str:
    """How staff log in through the test single sign-on beside the server (`kring serve-sso`)."""
    if sso_url is None:
        return "Staff single sign-on: the test login service could not start (port taken): run `kring serve-sso`.\n"
    return (
        f"Staff single sign-on: the login page's buttons lead to the test login service at {sso_url}; choose a\n"
        "  person and a level of assurance there (high: no code asked; low: the 6-digit code as above).\n"
    )
