"""Legal references follow the law in force, from one table (issue 12, 2.4)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.test import Client
from django.utils import translation

from kring.legal import REFERENCES, cite

ROOT = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"\b(SoL|OSL|FB|Skollagen|HSL)\b[^\n]{0,30}?\bkap\b")


def _string_constants(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_legal_references_come_from_one_table() -> None:
    spelled_out = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "kring").rglob("*.py"))
        if "migrations" not in path.parts and path.name != "legal.py"
        for line, text in _string_constants(path)
        if CITATION.search(text)
    ]
    assert spelled_out == [], "cite it from kring/legal.py instead"


def test_legal_references_cite_the_new_social_services_act_where_it_is_checked() -> None:
    with translation.override("en"):
        initial = cite("initial_assessment")
        feedback = cite("report_feedback")
    assert initial == "SoL (2025:400) 20 kap 2 § (formerly SoL (2001:453) 11 kap 1 a §)"
    assert feedback == "SoL (2001:453) 14 kap 1 b § (carried on by SoL (2025:400))"
    assert all(reference.current or reference.former for reference in REFERENCES.values())
    with translation.override("sv"):
        assert cite("initial_assessment") == "SoL (2025:400) 20 kap 2 § (tidigare SoL (2001:453) 11 kap 1 a §)"


def test_legal_references_the_extension_form_cites_the_law_in_force(client: Client, db: None) -> None:  # type: ignore[no-untyped-def]
    from kring.casework.reports.forms import ExtensionForm

    with translation.override("en"):
        help_text = str(ExtensionForm().fields["reason"].help_text)
    assert "SoL (2025:400) 20 kap 2 §" in help_text
