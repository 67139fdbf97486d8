"""A SCORM 1.2 package of the bundle for an LMS (Moodle and others): a zip with imsmanifest.xml at its root,
the schemas it names beside it (packager/data/scorm12, as published), the index page as the one SCO,
and every file of the bundle listed as part of its resource.

The index page tracks the learner (see index.py's COMPLETION_SHARE and the template's SCORM part)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..atomic import atomic_path

MANIFEST = "imsmanifest.xml"
NS_CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
NS_ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (f"{NS_CP} imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
                   f"{NS_ADLCP} adlcp_rootv1p2.xsd")
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "scorm12"
SCHEMAS = ("imscp_rootv1p1p2.xsd", "imsmd_rootv1p2p1.xsd", "adlcp_rootv1p2.xsd", "ims_xml.xsd")
STORED = {".mp4", ".m4v", ".webm", ".zip", ".docx", ".pdf", ".png", ".jpg"}  # already compressed


def manifest_xml(identifier: str, title: str, files: list[str], entry: str = "index.html") -> bytes:
    """imsmanifest.xml (built with lxml, so every text is escaped) listing `files` in one SCO resource."""
    from lxml import etree

    cp = "{%s}" % NS_CP
    nsmap = {None: NS_CP, "adlcp": NS_ADLCP, "xsi": NS_XSI}
    manifest = etree.Element(cp + "manifest", nsmap=nsmap, identifier=identifier, version="1.0")
    manifest.set("{%s}schemaLocation" % NS_XSI, SCHEMA_LOCATION)
    metadata = etree.SubElement(manifest, cp + "metadata")
    etree.SubElement(metadata, cp + "schema").text = "ADL SCORM"
    etree.SubElement(metadata, cp + "schemaversion").text = "1.2"
    organizations = etree.SubElement(manifest, cp + "organizations", default="ORG-1")
    organization = etree.SubElement(organizations, cp + "organization", identifier="ORG-1")
    etree.SubElement(organization, cp + "title").text = title
    item = etree.SubElement(organization, cp + "item", identifier="ITEM-1", identifierref="RES-1", isvisible="true")
    etree.SubElement(item, cp + "title").text = title
    resources = etree.SubElement(manifest, cp + "resources")
    resource = etree.SubElement(resources, cp + "resource", identifier="RES-1", type="webcontent", href=entry)
    resource.set("{%s}scormtype" % NS_ADLCP, "sco")
    for name in sorted(files):
        etree.SubElement(resource, cp + "file", href=name)
    return etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_scorm(folder: Path, dest: Path, *, identifier: str, title: str) -> Path:
    """Zip `folder` with its manifest into `dest` (atomically)."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    with atomic_path(dest) as tmp:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as archive:
            archive.writestr(MANIFEST, manifest_xml(identifier, title, files), compress_type=zipfile.ZIP_DEFLATED)
            for name in SCHEMAS:
                archive.write(SCHEMA_DIR / name, name, compress_type=zipfile.ZIP_DEFLATED)
            for name in files:
                method = zipfile.ZIP_STORED if Path(name).suffix.lower() in STORED else zipfile.ZIP_DEFLATED
                archive.write(folder / name, name, compress_type=method)
    return dest
