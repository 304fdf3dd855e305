"""The archive package of a closed TSI case (issue 18, 3): E-ARK CSIP 2.2 / FGS Paketstruktur. Its METS documents
validate against the METS schema, meet the CSIP requirements named by id, list every file with its size and SHA-256;
its documents are PDF/A-2b with embedded fonts; its export is audited and all-or-nothing."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree
from pypdf import PdfReader

from kring.access.audit import verify_chain
from kring.access.models import AuditEvent
from kring.casework.models import TsiCase
from kring.casework.workflow import WorkflowError
from kring.directory.models import User
from kring.legal import cite
from kring.records.archive import actions
from kring.records.archive.package import PROFILE
from kring.records.models import ArchiveTransfer
from tests.conftest import World
from tests.records.archive_fixtures import NS, XLINK_HREF, checksum_problems, mets_schema, schema
from tests.records.conftest import SECRET_STORY

pytestmark = pytest.mark.django_db
CSIP_STRUCTMAP = "mets:structMap[@LABEL='CSIP']"
CSIP = "{https://DILCIS.eu/XML/METS/CSIPExtensionMETS}"
XLINK_TYPE = "{http://www.w3.org/1999/xlink}type"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"


@pytest.fixture
def package(closed_case: TsiCase, archivist: User, tmp_path: Path) -> Path:
    done = actions.export_case(by=archivist, case=closed_case, parent=tmp_path, destination="download")
    return done.package.root


def _root(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def _one(element: etree._Element, xpath: str) -> etree._Element:
    found = element.xpath(xpath, namespaces=NS)
    assert len(found) == 1, f"{xpath}: {len(found)} found"
    return found[0]


def test_archive_package_folders_follow_the_csip_structure(package: Path) -> None:
    mets = _root(package / "METS.xml")
    assert package.name == mets.get("OBJID")  # CSIPSTR2, CSIP1
    assert (package / "METS.xml").is_file()  # CSIPSTR4
    assert (package / "metadata" / "descriptive" / "record.xml").is_file()  # CSIPSTR5, CSIPSTR7
    assert (package / "metadata" / "preservation" / "premis.xml").is_file()  # CSIPSTR6
    representation = package / "representations" / "rep1"  # CSIPSTR9, CSIPSTR10
    assert (representation / "METS.xml").is_file()  # CSIPSTR12
    documents = sorted(p.name for p in (representation / "data").iterdir())  # CSIPSTR11
    assert documents == ["01-case-file.pdf", "02-plan-v1.pdf", "03-plan-v2.pdf"]
    assert {p.name for p in (package / "schemas").iterdir()} == {  # CSIPSTR15
        "mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "kring-record.xsd"
    }  # fmt: skip


def test_archive_package_mets_documents_validate_against_the_mets_schema(package: Path) -> None:
    validator = mets_schema()
    for path in (package / "METS.xml", package / "representations" / "rep1" / "METS.xml"):
        document = etree.parse(str(path))
        assert validator.validate(document), (path, validator.error_log)
    record = schema("kring-record.xsd")
    descriptive = etree.parse(str(package / "metadata" / "descriptive" / "record.xml"))
    assert record.validate(descriptive), record.error_log


def test_archive_package_schema_validation_can_fail(package: Path) -> None:
    document = etree.parse(str(package / "METS.xml"))
    _one(document.getroot(), "mets:metsHdr").set("CREATEDATE", "yesterday")
    assert not mets_schema().validate(document)
    other = etree.parse(str(package / "METS.xml"))
    other.getroot().set(f"{CSIP}CONTENTINFORMATIONTYPE", "SOMETHING")  # not in the CSIP vocabulary
    assert not mets_schema().validate(other)


def test_archive_package_meets_the_csip_requirements_of_the_package_mets(package: Path) -> None:
    mets = _root(package / "METS.xml")
    assert mets.get("OBJID")  # CSIP1
    assert mets.get("TYPE") == "Textual works – Digital"  # CSIP2 (from the content category vocabulary)
    assert mets.get(f"{CSIP}CONTENTINFORMATIONTYPE") == "OTHER"  # CSIP4
    assert mets.get(f"{CSIP}OTHERCONTENTINFORMATIONTYPE")  # CSIP5
    assert mets.get("PROFILE") == PROFILE == "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"  # CSIP6
    header = _one(mets, "mets:metsHdr")  # CSIP117
    assert header.get("CREATEDATE")  # CSIP7
    assert header.get(f"{CSIP}OAISPACKAGETYPE") == "SIP"  # CSIP9
    agent = _one(header, "mets:agent[@ROLE='CREATOR'][@TYPE='OTHER'][@OTHERTYPE='SOFTWARE']")  # CSIP10-13
    assert _one(agent, "mets:name").text == "Kring"  # CSIP14
    assert _one(agent, "mets:note[@csip:NOTETYPE='SOFTWARE VERSION']").text  # CSIP15, CSIP16

    dmd = _one(mets, "mets:dmdSec")  # CSIP17
    assert dmd.get("ID") and dmd.get("CREATED") and dmd.get("STATUS") == "CURRENT"  # CSIP18-20
    digiprov = _one(mets, "mets:amdSec/mets:digiprovMD")  # CSIP31, CSIP32
    assert digiprov.get("ID") and digiprov.get("STATUS") == "CURRENT"  # CSIP33, CSIP34
    for section, folder in ((dmd, "metadata/descriptive/"), (digiprov, "metadata/preservation/")):
        ref = _one(section, "mets:mdRef")  # CSIP21, CSIP35
        assert ref.get("LOCTYPE") == "URL" and ref.get(XLINK_TYPE) == "simple"  # CSIP22-23, 36-37
        assert ref.get(XLINK_HREF).startswith(folder)  # CSIP24, CSIP38
        assert ref.get("MDTYPE") and ref.get("MIMETYPE") == "text/xml"  # CSIP25-26, CSIP39-40
        assert ref.get("SIZE") and ref.get("CREATED") and ref.get("CHECKSUM")  # CSIP27-29, CSIP41-43
        assert ref.get("CHECKSUMTYPE") == "SHA-256"  # CSIP30, CSIP44
    assert _one(digiprov, "mets:mdRef").get("MDTYPE") == "PREMIS"

    file_sec = _one(mets, "mets:fileSec")  # CSIP58
    assert file_sec.get("ID")  # CSIP59
    schemas = _one(file_sec, "mets:fileGrp[@USE='Schemas']")  # CSIP113
    representations = _one(file_sec, "mets:fileGrp[starts-with(@USE, 'Representations/')]")  # CSIP114
    assert representations.get(f"{CSIP}CONTENTINFORMATIONTYPE")  # CSIP62
    ids = mets.xpath("//@ID")
    assert len(ids) == len(set(ids))  # every xml:id is unique within the document
    for group in (schemas, representations):
        assert group.get("USE") and group.get("ID")  # CSIP64, CSIP65
        files = group.findall("mets:file", NS)
        assert files  # CSIP66
        for item in files:
            assert item.get("ID") and item.get("MIMETYPE") and item.get("SIZE")  # CSIP67-69
            assert item.get("CREATED") and item.get("CHECKSUM")  # CSIP70, CSIP71
            assert item.get("CHECKSUMTYPE") == "SHA-256"  # CSIP72
            locator = _one(item, "mets:FLocat")  # CSIP76
            assert locator.get("LOCTYPE") == "URL" and locator.get(XLINK_TYPE) == "simple"  # 77-78
            assert locator.get(XLINK_HREF)  # CSIP79

    struct = _one(mets, f"{CSIP_STRUCTMAP}[@TYPE='PHYSICAL']")  # CSIP80-82
    assert struct.get("ID")  # CSIP83
    top = _one(struct, "mets:div")  # CSIP84
    assert top.get("ID")  # CSIP85
    metadata = _one(top, "mets:div[@LABEL='Metadata']")  # CSIP88, CSIP90
    assert metadata.get("ID")  # CSIP89
    assert metadata.get("ADMID") == digiprov.get("ID")  # CSIP91
    assert metadata.get("DMDID") == dmd.get("ID")  # CSIP92
    schema_div = _one(top, "mets:div[@LABEL='Schemas']")  # CSIP97, CSIP99
    assert schema_div.get("ID")  # CSIP98
    assert _one(schema_div, "mets:fptr").get("FILEID") == schemas.get("ID")  # CSIP100, CSIP118
    rep_div = _one(top, f"mets:div[@LABEL='{representations.get('USE')}']")  # CSIP105, CSIP107
    assert rep_div.get("ID")  # CSIP106
    pointer = _one(rep_div, "mets:mptr")  # CSIP109
    assert pointer.get(XLINK_TITLE) == representations.get("ID")  # CSIP108
    assert pointer.get(XLINK_HREF) == "representations/rep1/METS.xml"  # CSIP110
    assert pointer.get(XLINK_TYPE) == "simple" and pointer.get("LOCTYPE") == "URL"  # CSIP111, 112
    assert (package / pointer.get(XLINK_HREF)).is_file()


def test_archive_package_representation_mets_declares_its_content(package: Path) -> None:
    mets = _root(package / "representations" / "rep1" / "METS.xml")
    assert mets.get("OBJID") == "rep1"  # CSIP1: the representation's folder
    assert mets.get(f"{CSIP}CONTENTINFORMATIONTYPE")  # CSIP4: mandatory at representation level
    data = _one(mets, "mets:fileSec/mets:fileGrp[@USE='Data']")
    assert {f.get("MIMETYPE") for f in data.findall("mets:file", NS)} == {"application/pdf"}
    assert _one(mets, f"{CSIP_STRUCTMAP}/mets:div/mets:div/mets:fptr").get("FILEID") == data.get("ID")


def test_archive_package_lists_every_file_with_its_size_and_checksum(package: Path) -> None:
    assert checksum_problems(package) == []


def test_archive_package_a_changed_or_added_file_is_found(package: Path) -> None:
    plan = package / "representations" / "rep1" / "data" / "02-plan-v1.pdf"
    plan.write_bytes(plan.read_bytes() + b"%")
    (package / "representations" / "rep1" / "data" / "extra.pdf").write_bytes(b"%PDF-")
    problems = checksum_problems(package)
    assert any("02-plan-v1.pdf: checksum" in p for p in problems) and any("02-plan-v1.pdf: size" in p for p in problems)
    assert any("extra.pdf: not listed" in p for p in problems)


def test_archive_package_premis_holds_each_documents_fixity(package: Path) -> None:
    premis = _root(package / "metadata" / "preservation" / "premis.xml")
    rep_mets = _root(package / "representations" / "rep1" / "METS.xml")
    expected = {
        f"representations/rep1/{f.find('mets:FLocat', NS).get(XLINK_HREF)}": f.get("CHECKSUM")
        for f in rep_mets.iterfind(".//mets:file", NS)
    }
    found = {
        item.findtext("premis:objectIdentifier/premis:objectIdentifierValue", namespaces=NS): item.findtext(
            "premis:objectCharacteristics/premis:fixity/premis:messageDigest", namespaces=NS
        )
        for item in premis.iterfind("premis:object", NS)
    }
    assert found == expected
    formats = premis.xpath("//premis:formatName/text()", namespaces=NS)
    assert set(formats) == {"PDF/A-2b"}
    assert premis.xpath("//premis:agent/premis:agentName/text()", namespaces=NS) == ["Kring"]


def test_archive_package_documents_are_pdf_a_with_embedded_fonts(package: Path) -> None:
    for path in sorted((package / "representations" / "rep1" / "data").glob("*.pdf")):
        reader = PdfReader(io.BytesIO(path.read_bytes()))
        xmp = reader.xmp_metadata
        assert xmp is not None, path
        description = xmp.rdf_root.toxml()
        assert re.search(r'pdfaid:part="2"', description) and re.search(r'pdfaid:conformance="B"', description)
        assert "/OutputIntents" in reader.trailer["/Root"]
        fonts = 0
        for page in reader.pages:
            for font in page["/Resources"].get("/Font", {}).values():
                font = font.get_object()
                descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font["/BaseFont"]
                fonts += 1
        assert fonts > 0


def test_archive_package_holds_the_case_and_marks_it_secret(package: Path, closed_case: TsiCase) -> None:
    case_file = PdfReader(package / "representations" / "rep1" / "data" / "01-case-file.pdf")
    text = " ".join(page.extract_text() for page in case_file.pages)
    assert "Stöd i matematik." in text and "Målen nådda." in text and closed_case.child.first_name in text
    assert " ".join(SECRET_STORY.split()[:3]) in " ".join(text.split())
    plan = PdfReader(package / "representations" / "rep1" / "data" / "03-plan-v2.pdf")
    assert "Mål 2" in " ".join(page.extract_text() for page in plan.pages)
    record = _root(package / "metadata" / "descriptive" / "record.xml")
    assert _one(record, "k:secrecy").get("secret") == "true"
    provisions = record.xpath("k:secrecy/k:provision/text()", namespaces=NS)
    assert cite("student_health_secrecy") in provisions and cite("social_services_secrecy") in provisions
    assert _one(record, "k:recordType").get("code") == "tsi_case"
    assert _one(record, "k:closed").text == timezone.localdate(closed_case.closed_at).isoformat()
    hrefs = record.xpath("k:document/@href", namespaces=NS)
    assert all((package / "metadata" / "descriptive" / href).resolve().is_file() for href in hrefs) and len(hrefs) == 3


def test_archive_export_is_audited_as_reads_and_an_export_never_with_content(
    closed_case: TsiCase, archivist: User, tmp_path: Path
) -> None:
    before = AuditEvent.objects.count()
    done = actions.export_case(by=archivist, case=closed_case, parent=tmp_path, destination="download")
    events = list(AuditEvent.objects.order_by("sequence")[before:])
    reads = {event.target_type: event for event in events if event.action == "read"}
    assert {"tsi_case", "tsi_story", "tsi_need", "tsi_meeting", "tsi_planversion", "tsi_childvoice"} <= set(reads)
    assert reads["tsi_planversion"].details["ids"] == sorted(closed_case.plan_versions.values_list("pk", flat=True))
    assert all(event.actor_id == archivist.pk and event.child_id == closed_case.child_id for event in events)
    assert all(event.basis_kind == "archive" for event in events)
    export = next(event for event in events if event.action == "export")
    assert export.details["package"] == done.transfer.objid and export.details["documents"] == 3
    assert export.details["mets_sha256"] == done.transfer.mets_sha256
    assert SECRET_STORY not in str([event.details for event in events])
    assert verify_chain().ok


def test_archive_export_refuses_an_open_case(consented_case: TsiCase, archivist: User, tmp_path: Path) -> None:
    with pytest.raises(WorkflowError):
        actions.export_case(by=archivist, case=consented_case, parent=tmp_path, destination="download")
    assert list(tmp_path.iterdir()) == [] and not ArchiveTransfer.objects.exists()


def test_archive_export_a_failing_audit_write_leaves_no_package(
    closed_case: TsiCase, archivist: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: object) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr(actions, "record_event", broken)
    with pytest.raises(RuntimeError):
        actions.export_case(by=archivist, case=closed_case, parent=tmp_path, destination="download")
    assert list(tmp_path.iterdir()) == [] and not ArchiveTransfer.objects.exists()
    assert not AuditEvent.objects.filter(details__for="archive_package").exists()


def test_archive_transfer_checksum_must_be_a_sha256(world: World) -> None:
    values = {
        "municipality": world.municipality, "record_type": "tsi_case", "record_id": 1, "documents": 1,
        "destination": "download", "exported_at": timezone.now(),
    }  # fmt: skip
    ArchiveTransfer.objects.create(objid="kring-ok", mets_sha256="a" * 64, **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArchiveTransfer.objects.create(objid="kring-bad", mets_sha256="not a checksum", **values)
