"""The checks of an archive package against E-ARK CSIP 2.2: the METS schema, every file's size and checksum."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import etree

from kring.records.archive.package import SCHEMAS_DIR

NS = {
    "mets": "http://www.loc.gov/METS/",
    "csip": "https://DILCIS.eu/XML/METS/CSIPExtensionMETS",
    "xlink": "http://www.w3.org/1999/xlink",
    "premis": "http://www.loc.gov/premis/v3",
    "k": "urn:kring:record:1",
}
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


class _Local(etree.Resolver):
    """Resolves the schemas' import of xlink.xsd (an http URL) to Kring's copy: no network."""

    def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
        if url and url.endswith("/xlink.xsd"):
            return self.resolve_filename(str(SCHEMAS_DIR / "xlink.xsd"), context)
        return None


def schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Local())
    return etree.XMLSchema(etree.parse(str(SCHEMAS_DIR / name), parser))


def mets_schema() -> etree.XMLSchema:
    """METS 1.12 with the CSIP extension's attributes (imported by a small wrapper schema)."""
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:kring:wrapper">
      <xs:import namespace="http://www.loc.gov/METS/" schemaLocation="{(SCHEMAS_DIR / "mets.xsd").as_uri()}"/>
      <xs:import namespace="https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
                 schemaLocation="{(SCHEMAS_DIR / "DILCISExtensionMETS.xsd").as_uri()}"/>
    </xs:schema>"""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Local())
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=str(SCHEMAS_DIR) + "/"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listed_files(root: Path) -> dict[Path, etree._Element]:
    """Every file the package's METS documents list (fileSec files and mdRefs), by its path, with its element."""
    listed: dict[Path, etree._Element] = {}
    for mets_path in [root / "METS.xml", *sorted((root / "representations").glob("*/METS.xml"))]:
        tree = etree.parse(str(mets_path))
        for element in tree.iterfind(".//mets:file", NS):
            locator = element.find("mets:FLocat", NS)
            path = (mets_path.parent / locator.get(XLINK_HREF)).resolve()
            assert path not in listed, f"{path} is listed twice"
            listed[path] = element
        for element in tree.iterfind(".//mets:mdRef", NS):
            path = (mets_path.parent / element.get(XLINK_HREF)).resolve()
            assert path not in listed, f"{path} is listed twice"
            listed[path] = element
    return listed


def checksum_problems(root: Path) -> list[str]:
    """Every file of the package that is not listed, or whose SIZE or SHA-256 CHECKSUM does not match: [] if none."""
    listed = listed_files(root)
    problems = []
    for path in sorted(p.resolve() for p in root.rglob("*") if p.is_file() and p != root / "METS.xml"):
        element = listed.pop(path, None)
        if element is None:
            problems.append(f"{path}: not listed")
            continue
        if element.get("CHECKSUMTYPE") != "SHA-256" or element.get("CHECKSUM") != sha256(path):
            problems.append(f"{path}: checksum")
        if element.get("SIZE") != str(path.stat().st_size):
            problems.append(f"{path}: size")
    problems.extend(f"{path}: listed but missing" for path in listed)
    return problems
