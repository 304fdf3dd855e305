"""`kring demo`: a fresh SQLite database, the demo municipality, its logins, and the development server."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from kring.cli import command_name
from kring.demo.actions import seed_demo
from kring.demo.families import family_logins
from kring.demo.management.commands.seed import DEFAULT_SEED
from kring.demo.plan import PUBLIC_SIZES
from kring.demo.report import format_family_logins, format_hint, format_logins, format_sso_login, format_summary
from kring.directory.management.commands.serve_sso import serve_in_background as serve_sso_in_background
from kring.family.management.commands.serve_eid import serve_in_background

_RULE = "=" * 100


def _is_file_database(connection: BaseDatabaseWrapper) -> bool:
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and name != ":memory:" and "mode=memory" not in name


class Command(BaseCommand):
    help = "Start Kring on a fresh SQLite database with a generated demo municipality, and print its logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--size", choices=PUBLIC_SIZES, default="small")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--keep",
            action="store_true",
            help="keep the database (needed for PostgreSQL) and only replace the demo municipality in it",
        )
        parser.add_argument("--no-server", action="store_true", help="stop after seeding")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="where the development server listens")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "kring demo deletes and recreates the database, so it only runs in development: set "
                f"KRING_DEBUG=true (`{command_name()} demo` does this for you)."
            )
        if not options["keep"]:
            self._delete_database()
        call_command("migrate", interactive=False, verbosity=0)
        result = seed_demo(
            size=options["size"], seed=options["seed"], replace=True, stdout=self.stdout, by_label="kring demo"
        )
        self.stdout.write(format_summary(result))
        self.stdout.write(f"\n{_RULE}\n{format_logins(result, with_codes=True)}\n{format_hint(result.logins[0].email)}")
        self.stdout.write(f"Search for pupils as {result.login_for('teacher').email}: try “Alv”.\n{_RULE}\n")
        if not options["no_server"]:
            logins = family_logins(result.municipality.pk, timezone.localdate())
            eid = serve_in_background(result.municipality.code, first=tuple(login.identity_number for login in logins))
            self.stdout.write(f"{format_family_logins(logins, options['addrport'], eid)}{_RULE}\n")
            if settings.KRING_SSO_DEV_URL and not settings.KRING_SSO_CONFIG:
                sso = serve_sso_in_background(result.municipality.code)
                self.stdout.write(f"{format_sso_login(sso)}{_RULE}\n")
            call_command("runserver", options["addrport"], use_reloader=False)

    def _delete_database(self) -> None:
        connection = connections["default"]
        if connection.vendor != "sqlite":
            raise CommandError(
                f"kring demo starts from a fresh SQLite database, but the database is {connection.vendor} "
                "(DATABASE_URL is set). Unset DATABASE_URL, or pass --keep to seed the demo municipality into it."
            )
        if not _is_file_database(connection):
            return
        path = Path(str(connection.settings_dict["NAME"]))
        connections.close_all()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.stdout.write(f"Fresh database: {path}")
