"""The `kring` console command: a thin wrapper around Django's manage.py.

`kring demo` starts a fresh demo municipality on SQLite; every other subcommand is a management command
(`kring seed`, `kring audit-verify`, `kring migrate`, ...).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def command_name() -> str:
    """How to type the `kring` command from here: `kring` when that is on the PATH, else its path (after the
    README's install: `.venv/bin/kring`), so that a hint printed to the user works as written."""
    installed = Path(sys.executable).parent / "kring"
    on_path = shutil.which("kring")
    if on_path and Path(on_path).resolve() == installed.resolve():
        return "kring"
    try:
        return str(installed.relative_to(Path.cwd()))
    except ValueError:
        return str(installed)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kring.settings")
    if len(sys.argv) > 1:
        # `kring audit-verify` is the management command audit_verify.
        sys.argv[1] = sys.argv[1].replace("-", "_") if not sys.argv[1].startswith("-") else sys.argv[1]
        if sys.argv[1] in {"demo", "runserver", "makemessages", "compilemessages"}:
            os.environ.setdefault("KRING_DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
