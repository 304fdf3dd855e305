"""`kring seed`: generate the fictional demo municipality into the current database."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kring.cli import command_name
from kring.demo.actions import DemoAlreadySeeded, seed_demo
from kring.demo.plan import PUBLIC_SIZES
from kring.demo.report import format_logins, format_summary

DEFAULT_SEED = 1


class Command(BaseCommand):
    help = "Generate Demokommun, a fictional municipality with test-series identity numbers, and its demo logins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--size",
            choices=PUBLIC_SIZES,
            default="small",
            help="small: 5 schools and preschools, ~600 children, 12 TSI cases (seconds); medium: ~10,000 children, "
            "150 TSI cases; large: ~100,000 children, 1,000 TSI cases (two to three minutes on SQLite)",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the same seed gives the same data")
        parser.add_argument(
            "--via-ss12000",
            action="store_true",
            help="load the pupils, guardians, placements, classes and absences through the SS 12000 import from "
            "a local SS 12000 server, as a municipality's school data would come",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete an existing demo municipality first (its audit events are kept)",
        )

    def handle(self, *args: Any, size: str, seed: int, replace: bool, via_ss12000: bool, **options: Any) -> None:
        try:
            result = seed_demo(size=size, seed=seed, replace=replace, stdout=self.stdout, via_ss12000=via_ss12000)
        except DemoAlreadySeeded as error:
            raise CommandError(
                f"{error}. Run `{command_name()} seed --replace` to delete it and generate a new one "
                "(the audit log keeps its events)."
            ) from error
        self.stdout.write(format_summary(result))
        self.stdout.write(format_logins(result))
