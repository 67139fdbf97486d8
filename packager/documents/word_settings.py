"""settings.xml as ECMA-376 orders it: Word refuses a document whose settings are out of order."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# CT_Settings' elements after w:updateFields, in ECMA-376's order: Word refuses a settings.xml whose
# elements are out of order, so w:updateFields goes before the first of these.
_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr",
    "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")


def update_fields_on_open(document) -> None:
    """w:updateFields in settings.xml, where the schema puts it: Word and LibreOffice refresh the TOC."""
    settings = document.settings.element
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        settings.insert_element_before(update, *_AFTER_UPDATE_FIELDS)
    update.set(qn("w:val"), "true")
    zoom = settings.find(qn("w:zoom"))
    if zoom is not None and zoom.get(qn("w:percent")) is None:  # required by the schema; the template lacks it
        zoom.set(qn("w:percent"), "100")
