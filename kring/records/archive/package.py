"""An archive package (informationspaket) in the structure of E-ARK CSIP 2.2 and Riksarkivet's FGS Paketstruktur,
written from the documents and metadata of one record (see docs/records.md and ADR 0016).

    <OBJID>/
      METS.xml                              the package: identity, agent, metadata, files, structure (CSIPSTR4)
      metadata/descriptive/record.xml       what the record is, whose, when, how classified, kept and secret
      metadata/preservation/premis.xml      PREMIS: every document's checksum, size and format, how it was made
      schemas/                              the XML schemas the package uses (CSIPSTR15)
      representations/rep1/METS.xml         the representation: its documents
      representations/rep1/data/*.pdf       the documents, as PDF/A-2b

Every file is listed, with its MIME type, size, creation time and SHA-256 checksum, in the METS document above it.
The XML is written with the standard library; the tests validate it against the vendored schemas with lxml."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

METS = "http://www.loc.gov/METS/"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PREMIS = "http://www.loc.gov/premis/v3"
RECORD = "urn:kring:record:1"
for _prefix, _uri in {
    "mets": METS,
    "csip": CSIP,
    "xlink": XLINK,
    "xsi": XSI,
    "premis": PREMIS,
    "kring": RECORD,
}.items():
    ET.register_namespace(_prefix, _uri)

PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"  # CSIP6: the profile of CSIP 2.2
CONTENT_CATEGORY = "Textual works – Digital"  # CSIP2, from CSIPVocabularyContentCategory
CONTENT_INFORMATION_TYPE = "OTHER"  # CSIP4/5: no E-ARK content information type fits a case file of documents
OTHER_CONTENT_INFORMATION_TYPE = "Kring case record: documents as PDF/A-2b"
REPRESENTATION = "rep1"
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
# The schemas each package carries; PREMIS 3's own schema is not vendored (docs/records.md says why).
SCHEMAS = ("mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "kring-record.xsd")
SCHEMA_LOCATIONS = {METS: "mets.xsd", XLINK: "xlink.xsd", CSIP: "DILCISExtensionMETS.xsd"}
PDF_A = "PDF/A-2b"
PRONOM_PDF_A_2B = "fmt/477"


@dataclass(frozen=True)
class Document:
    """One document of the record, as it goes into the representation's `data/` folder."""

    name: str  # the file name, e.g. "01-case.pdf"
    title: str
    dated: str  # ISO date the document speaks of
    content: bytes
    mimetype: str = "application/pdf"


@dataclass(frozen=True)
class Source:
    """What a package is made of: the record's identity and its documents, already rendered."""

    objid: str
    label: str
    organisation: str  # the municipality that hands the package to its archive
    created: datetime
    software_version: str
    descriptive: bytes  # metadata/descriptive/record.xml
    documents: list[Document] = field(default_factory=list)


@dataclass(frozen=True)
class Written:
    """A package on disk: its root folder, and the SHA-256 of every file in it (relative path → checksum)."""

    root: Path
    checksums: dict[str, str]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


class _Writer:
    """Writes the files of one package and remembers each one's size and checksum for the METS documents."""

    def __init__(self, root: Path, created: datetime) -> None:
        self.root, self.created = root, created
        self.files: dict[str, bytes] = {}

    def put(self, relative: str, data: bytes) -> str:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files[relative] = data
        return relative

    def file_attributes(self, relative: str, mimetype: str) -> dict[str, str]:
        data = self.files[relative]
        return {
            "MIMETYPE": mimetype,
            "SIZE": str(len(data)),
            "CREATED": _stamp(self.created),
            "CHECKSUM": sha256(data),
            "CHECKSUMTYPE": "SHA-256",
        }


def write_package(source: Source, parent: Path) -> Written:
    """Write the package as the folder `parent/<OBJID>` (which must not exist yet): first under a hidden name, then
    renamed, so that an archive taking in the folder never sees half a package."""
    root = parent / source.objid
    if root.exists():
        raise FileExistsError(root)
    partial = parent / f".{source.objid}.partial"
    partial.mkdir(parents=True, exist_ok=False)
    try:
        checksums = _write_files(source, _Writer(partial, source.created))
        partial.rename(root)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Written(root, checksums)


def _write_files(source: Source, writer: _Writer) -> dict[str, str]:
    for name in SCHEMAS:
        writer.put(f"schemas/{name}", (SCHEMAS_DIR / name).read_bytes())
    rep = f"representations/{REPRESENTATION}"
    for document in source.documents:
        writer.put(f"{rep}/data/{document.name}", document.content)
    writer.put(f"{rep}/METS.xml", _xml(_representation_mets(source, writer, rep)))
    writer.put("metadata/descriptive/record.xml", source.descriptive)
    writer.put("metadata/preservation/premis.xml", _xml(_premis(source, writer, rep)))
    writer.put("METS.xml", _xml(_package_mets(source, writer, rep)))
    return {path: sha256(data) for path, data in writer.files.items()}


def zip_package(written: Written) -> bytes:
    """The package as one ZIP that unpacks to its single root folder (CSIPSTR1, CSIPSTR3)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(written.root.rglob("*")):
            if path.is_file():
                archive.write(path, f"{written.root.name}/{path.relative_to(written.root).as_posix()}")
    return buffer.getvalue()


# --- METS -------------------------------------------------------------------------------------------------------


def _mets_root(source: Source, objid: str, schema_prefix: str) -> ET.Element:
    locations = " ".join(f"{uri} {schema_prefix}{name}" for uri, name in SCHEMA_LOCATIONS.items())
    return ET.Element(
        _q(METS, "mets"),
        {
            "OBJID": objid,
            "LABEL": source.label,
            "TYPE": CONTENT_CATEGORY,
            _q(CSIP, "CONTENTINFORMATIONTYPE"): CONTENT_INFORMATION_TYPE,
            _q(CSIP, "OTHERCONTENTINFORMATIONTYPE"): OTHER_CONTENT_INFORMATION_TYPE,
            "PROFILE": PROFILE,
            _q(XSI, "schemaLocation"): locations,
        },
    )


def _header(mets: ET.Element, source: Source) -> None:
    header = ET.SubElement(
        mets, _q(METS, "metsHdr"), {"CREATEDATE": _stamp(source.created), _q(CSIP, "OAISPACKAGETYPE"): "SIP"}
    )
    software = ET.SubElement(header, _q(METS, "agent"), {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"})
    ET.SubElement(software, _q(METS, "name")).text = "Kring"
    ET.SubElement(software, _q(METS, "note"), {_q(CSIP, "NOTETYPE"): "SOFTWARE VERSION"}).text = source.software_version
    organisation = ET.SubElement(header, _q(METS, "agent"), {"ROLE": "CREATOR", "TYPE": "ORGANIZATION"})
    ET.SubElement(organisation, _q(METS, "name")).text = source.organisation


def _locator(href: str) -> dict[str, str]:
    return {"LOCTYPE": "URL", _q(XLINK, "type"): "simple", _q(XLINK, "href"): href}


def _md_ref(parent: ET.Element, writer: _Writer, relative: str, mdtype: dict[str, str]) -> None:
    attributes = {**_locator(relative), **mdtype, **writer.file_attributes(relative, "text/xml")}
    ET.SubElement(parent, _q(METS, "mdRef"), attributes)


def _file(group: ET.Element, writer: _Writer, ident: str, relative: str, href: str, mimetype: str) -> None:
    element = ET.SubElement(group, _q(METS, "file"), {"ID": ident, **writer.file_attributes(relative, mimetype)})
    ET.SubElement(element, _q(METS, "FLocat"), _locator(href))


def _package_mets(source: Source, writer: _Writer, rep: str) -> ET.Element:
    mets = _mets_root(source, source.objid, "schemas/")
    _header(mets, source)
    created = _stamp(source.created)
    dmd = ET.SubElement(mets, _q(METS, "dmdSec"), {"ID": "ID-dmd-record", "CREATED": created, "STATUS": "CURRENT"})
    _md_ref(dmd, writer, "metadata/descriptive/record.xml", {"MDTYPE": "OTHER", "OTHERMDTYPE": "Kring record"})
    amd = ET.SubElement(mets, _q(METS, "amdSec"), {"ID": "ID-amd"})
    digiprov = ET.SubElement(
        amd, _q(METS, "digiprovMD"), {"ID": "ID-digiprov-premis", "CREATED": created, "STATUS": "CURRENT"}
    )
    _md_ref(digiprov, writer, "metadata/preservation/premis.xml", {"MDTYPE": "PREMIS"})

    file_sec = ET.SubElement(mets, _q(METS, "fileSec"), {"ID": "ID-filesec"})
    schemas = ET.SubElement(file_sec, _q(METS, "fileGrp"), {"ID": "ID-grp-schemas", "USE": "Schemas"})
    for number, name in enumerate(SCHEMAS, start=1):
        _file(schemas, writer, f"ID-schema-{number}", f"schemas/{name}", f"schemas/{name}", "text/xml")
    label = f"Representations/{REPRESENTATION}"
    representation = ET.SubElement(
        file_sec,
        _q(METS, "fileGrp"),
        {
            "ID": f"ID-grp-{REPRESENTATION}",
            "USE": label,
            _q(CSIP, "CONTENTINFORMATIONTYPE"): CONTENT_INFORMATION_TYPE,
            _q(CSIP, "OTHERCONTENTINFORMATIONTYPE"): OTHER_CONTENT_INFORMATION_TYPE,
        },
    )
    _file(representation, writer, f"ID-{REPRESENTATION}-mets", f"{rep}/METS.xml", f"{rep}/METS.xml", "text/xml")

    struct = ET.SubElement(mets, _q(METS, "structMap"), {"ID": "ID-structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = ET.SubElement(struct, _q(METS, "div"), {"ID": "ID-div-package", "LABEL": source.objid})
    ET.SubElement(
        top,
        _q(METS, "div"),
        {"ID": "ID-div-metadata", "LABEL": "Metadata", "DMDID": "ID-dmd-record", "ADMID": "ID-digiprov-premis"},
    )
    schema_div = ET.SubElement(top, _q(METS, "div"), {"ID": "ID-div-schemas", "LABEL": "Schemas"})
    ET.SubElement(schema_div, _q(METS, "fptr"), {"FILEID": "ID-grp-schemas"})
    rep_div = ET.SubElement(top, _q(METS, "div"), {"ID": f"ID-div-{REPRESENTATION}", "LABEL": label})
    ET.SubElement(
        rep_div, _q(METS, "mptr"), {**_locator(f"{rep}/METS.xml"), _q(XLINK, "title"): f"ID-grp-{REPRESENTATION}"}
    )
    return mets


def _representation_mets(source: Source, writer: _Writer, rep: str) -> ET.Element:
    mets = _mets_root(source, REPRESENTATION, "../../schemas/")
    _header(mets, source)
    file_sec = ET.SubElement(mets, _q(METS, "fileSec"), {"ID": "ID-filesec"})
    data = ET.SubElement(file_sec, _q(METS, "fileGrp"), {"ID": "ID-grp-data", "USE": "Data"})
    for number, document in enumerate(source.documents, start=1):
        relative = f"data/{document.name}"
        _file(data, writer, f"ID-data-{number}", f"{rep}/{relative}", relative, document.mimetype)
    struct = ET.SubElement(mets, _q(METS, "structMap"), {"ID": "ID-structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = ET.SubElement(struct, _q(METS, "div"), {"ID": "ID-div-representation", "LABEL": REPRESENTATION})
    data_div = ET.SubElement(top, _q(METS, "div"), {"ID": "ID-div-data", "LABEL": "Data"})
    ET.SubElement(data_div, _q(METS, "fptr"), {"FILEID": "ID-grp-data"})
    return mets


# --- PREMIS -----------------------------------------------------------------------------------------------------


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, _q(PREMIS, name))
    element.text = value
    return element


def _identifier(parent: ET.Element, kind: str, value: str) -> None:
    identifier = ET.SubElement(parent, _q(PREMIS, f"{kind}Identifier"))
    _text(identifier, f"{kind}IdentifierType", "local")
    _text(identifier, f"{kind}IdentifierValue", value)


def _premis(source: Source, writer: _Writer, rep: str) -> ET.Element:
    """One PREMIS object per document (fixity, size, format), the events that made them, and Kring as the agent."""
    premis = ET.Element(_q(PREMIS, "premis"), {"version": "3.0"})
    for document in source.documents:
        relative = f"{rep}/data/{document.name}"
        data = writer.files[relative]
        item = ET.SubElement(premis, _q(PREMIS, "object"), {_q(XSI, "type"): "premis:file"})
        _identifier(item, "object", relative)
        characteristics = ET.SubElement(item, _q(PREMIS, "objectCharacteristics"))
        fixity = ET.SubElement(characteristics, _q(PREMIS, "fixity"))
        _text(fixity, "messageDigestAlgorithm", "SHA-256")
        _text(fixity, "messageDigest", sha256(data))
        _text(fixity, "messageDigestOriginator", "Kring")
        _text(characteristics, "size", str(len(data)))
        file_format = ET.SubElement(characteristics, _q(PREMIS, "format"))
        designation = ET.SubElement(file_format, _q(PREMIS, "formatDesignation"))
        _text(designation, "formatName", PDF_A if document.mimetype == "application/pdf" else document.mimetype)
        if document.mimetype == "application/pdf":
            registry = ET.SubElement(file_format, _q(PREMIS, "formatRegistry"))
            _text(registry, "formatRegistryName", "PRONOM")
            _text(registry, "formatRegistryKey", PRONOM_PDF_A_2B)
        _text(item, "originalName", document.name)
    for number, (kind, detail) in enumerate(
        [
            ("creation", f"Rendered as {PDF_A} from the records Kring holds"),
            ("message digest calculation", "SHA-256 of every document"),
        ],
        start=1,
    ):
        event = ET.SubElement(premis, _q(PREMIS, "event"))
        _identifier(event, "event", f"{source.objid}-event-{number}")
        _text(event, "eventType", kind)
        _text(event, "eventDateTime", _stamp(source.created))
        _text(ET.SubElement(event, _q(PREMIS, "eventDetailInformation")), "eventDetail", detail)
        agent_link = ET.SubElement(event, _q(PREMIS, "linkingAgentIdentifier"))
        _text(agent_link, "linkingAgentIdentifierType", "local")
        _text(agent_link, "linkingAgentIdentifierValue", "kring")
        for document in source.documents:
            object_link = ET.SubElement(event, _q(PREMIS, "linkingObjectIdentifier"))
            _text(object_link, "linkingObjectIdentifierType", "local")
            _text(object_link, "linkingObjectIdentifierValue", f"{rep}/data/{document.name}")
    agent = ET.SubElement(premis, _q(PREMIS, "agent"))
    _identifier(agent, "agent", "kring")
    _text(agent, "agentName", "Kring")
    _text(agent, "agentType", "software")
    _text(agent, "agentVersion", source.software_version)
    return premis
