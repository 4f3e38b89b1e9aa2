"""The Open Packaging Conventions a Word package follows: content types and relationships.

Read from the trees package.py already parsed, with python-docx's rules (what `docx.Document()`
refused is still refused, as E005): the package's officeDocument relationship names the main
part, which must be a Word document; every part reachable through internal relationships must
exist and have a content type. Opening the package with python-docx parsed each part again and
serialised it once more for us to parse a third time.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from pipeline.errors import DocumentRejected
from pipeline.readers.package import Package

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "[Content_Types].xml"
DEFAULT, OVERRIDE = f"{{{CT_NS}}}Default", f"{{{CT_NS}}}Override"


@dataclass(frozen=True, slots=True)
class Relationship:
    r_id: str
    reltype: str
    target: str  # zip member name of the target part ("word/styles.xml"); the URI when external
    is_external: bool


def main_document(package: Package) -> tuple[str, list[Relationship], dict[str, str]]:
    """(main part's member name, its relationships, content type of every reachable part)."""
    types = _content_types(package)
    part_types: dict[str, str] = {}
    rels_of: dict[str, list[Relationship]] = {}
    pending = [""]  # "" is the package itself
    while pending:
        source = pending.pop()
        rels_of[source] = _relationships(package, source)
        for rel in rels_of[source]:
            if rel.is_external or rel.target in part_types:
                continue
            if rel.target not in package.infos:
                raise DocumentRejected("E005_CORRUPT", package.name, f"no part {rel.target} in the package")
            part_types[rel.target] = _type_of(types, rel.target, package.name)
            pending.append(rel.target)
    main = next((r.target for r in rels_of[""] if r.reltype == RT.OFFICE_DOCUMENT and not r.is_external), "")
    if not main:
        detail = "no officeDocument relationship: not a Word file"
        raise DocumentRejected("E005_CORRUPT", package.name, detail)
    if part_types[main] != CT.WML_DOCUMENT_MAIN:
        detail = f"not a Word file, content type is '{part_types[main]}'"
        raise DocumentRejected("E005_CORRUPT", package.name, detail)
    return main, rels_of[main], part_types


def _content_types(package: Package) -> tuple[dict[str, str], dict[str, str]]:
    """(default content type by extension, override by part name), both keys lower-cased."""
    root = package.tree(CONTENT_TYPES)
    defaults = {(e.get("Extension") or "").lower(): e.get("ContentType") or "" for e in root.iter(DEFAULT)}
    overrides = {(e.get("PartName") or "").lower(): e.get("ContentType") or "" for e in root.iter(OVERRIDE)}
    return defaults, overrides


def _type_of(types: tuple[dict[str, str], dict[str, str]], member: str, name: str) -> str:
    defaults, overrides = types
    partname = "/" + member
    if partname.lower() in overrides:
        return overrides[partname.lower()]
    extension = posixpath.splitext(member)[1][1:].lower()
    if extension in defaults:
        return defaults[extension]
    raise DocumentRejected("E005_CORRUPT", name, f"no content type for part {member}")


def _relationships(package: Package, source: str) -> list[Relationship]:
    """The relationships of a part ("" for the package), targets resolved to member names."""
    folder, file = posixpath.split(source)
    rels_member = posixpath.join(folder, "_rels", f"{file}.rels")
    if rels_member not in package.infos:
        return []
    base = "/" + folder
    found = []
    for element in package.tree(rels_member).iter(f"{{{RELS_NS}}}Relationship"):
        target = element.get("Target") or ""
        external = element.get("TargetMode") == "External"
        if not external:
            target = posixpath.normpath(posixpath.join(base, target)).lstrip("/")
        found.append(Relationship(element.get("Id") or "", element.get("Type") or "", target, external))
    return found

