"""A document too long to lay out at once (a province's confidential list runs to a thousand
pages, and WeasyPrint holds every page's layout until the PDF is written): laid out in slices
of a bounded number of table rows, joined, and numbered "page X of Y" across the whole."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

HEADINGS = ("h1", "h2", "h3")
ARCHIVAL = ("/Metadata", "/OutputIntents", "/Lang", "/AF", "/Names")
# Carriers of the footer's words: the slices leave the footer to a numbering layer laid over
# the joined pages, which alone knows the whole document's page count.
PAGE_LABELS = ("page-label-before", "page-label-middle", "page-label-after")


def html_slices(html: str, rows: int) -> list[str]:
    """The document as one or more documents of at most about `rows` table rows (or list items)
    each, every one with the running header's carriers. A table longer than a slice's room is
    cut between rows; each piece keeps the table's columns and head."""
    if html.count("<tr") + html.count("<li") <= rows:  # the common case, not worth parsing
        return [html]
    root = _parse(html)
    body = root.find("body")
    assert body is not None  # the HTML parser always makes one
    running = [child for child in body if _is_running(child)]
    slices: list[list[ET.Element]] = [[]]
    room = rows
    for element in body:
        if _is_running(element):
            continue
        for piece in _cut(element, room, rows):
            if slices[-1] and _weight(piece) > room:
                # a heading goes with what it heads, not to the foot of the slice before
                moved: list[ET.Element] = []
                while slices[-1] and slices[-1][-1].tag in HEADINGS:
                    moved.insert(0, slices[-1].pop())
                slices.append(moved)
                room = rows
            slices[-1].append(piece)
            room -= _weight(piece)
    return [_document(root, [*running, *elements]) for elements in slices]


def numbering_html(html: str, pages: int) -> str:
    """A document of `pages` empty pages showing only the footer's "page X of Y"."""
    root = _parse(html)
    body = root.find("body")
    assert body is not None
    labels = [child for child in body if _classes(child) & set(PAGE_LABELS)]
    breaks = [ET.Element("div", style="break-before: page") for _ in range(pages - 1)]
    return _document(root, [*labels, ET.Element("div"), *breaks])


def write_in_slices(
    pieces: list[str],
    lay_out: Callable[[str, bool], Any],
    target: Path,
    scratch: Path,
    write: Callable[[Any, Path, bool], None] = lambda document, path, first: document.write_pdf(
        path
    ),
) -> int:
    """Lay out each slice alone and write it to `scratch`, then join them into `target` with
    the numbering laid over every page; returns the page count. `lay_out(html, numbered)` makes
    a WeasyPrint document, its footer left empty unless `numbered`."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    scratch.mkdir(parents=True, exist_ok=True)
    for n, piece in enumerate(pieces):
        part = scratch / f"slice-{n:04d}.pdf"
        write(lay_out(piece, False), part, n == 0)  # the layout is dropped before the next slice
        reader = PdfReader(part)
        writer.append(reader)
        if n == 0:  # the title, author, subject and dates the document would have had
            writer.add_metadata(dict(reader.metadata or {}))
            first = reader.root_object
            archival = {key: first[key] for key in ARCHIVAL if key in first}
    pages = len(writer.pages)
    numbers = scratch / "numbers.pdf"
    lay_out(numbering_html(pieces[0], pages), True).write_pdf(numbers)
    for page, number in zip(writer.pages, PdfReader(numbers).pages, strict=True):
        page.merge_page(number)
        page.compress_content_streams()  # merging leaves them uncompressed: 3x the file
    # What makes the first slice archival (its PDF/A identity, colour intent, language, and the
    # files it carries for the whole document) holds for the whole: the fonts each slice
    # embeds travel with its pages.
    for key, value in archival.items():
        writer.root_object[NameObject(key)] = value.clone(writer)
    with target.open("wb") as handle:
        writer.write(handle)
    return pages


def _cut(element: ET.Element, room: int, rows: int) -> list[ET.Element]:
    """A table as pieces that fit the room left in this slice, then whole slices; any other
    element whole."""
    body = element.find("tbody")
    if element.tag != "table" or body is None or len(body) <= room:
        return [element]
    pieces, rest, size = [], list(body), room or rows
    while rest:
        take, rest, size = rest[:size], rest[size:], rows  # the room left, then whole slices
        piece = ET.Element(element.tag, element.attrib)
        piece.extend(copy.deepcopy(part) for part in element if part is not body)
        cut = ET.SubElement(piece, body.tag, body.attrib)
        cut.extend(take)
        pieces.append(piece)
    return pieces


def _weight(element: ET.Element) -> int:
    """The rows of a table's bodies and the items of lists: what makes a document long."""
    return sum(len(e) for e in element.iter("tbody")) + sum(1 for _ in element.iter("li"))


def _parse(html: str) -> ET.Element:
    """The HTML as a tree whose tags are plain names, so it serialises back as plain HTML."""
    import tinyhtml5

    root: ET.Element = tinyhtml5.parse(html)
    for element in root.iter():
        if isinstance(element.tag, str):  # comments have a function for a tag
            element.tag = element.tag.rpartition("}")[2]
    return root


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def _is_running(element: ET.Element) -> bool:
    return "running" in _classes(element)


def _document(root: ET.Element, elements: list[ET.Element]) -> str:
    """The root's document (its head, its body's attributes) with these elements in its body."""
    document = ET.Element(root.tag, root.attrib)
    document.extend(copy.deepcopy(part) for part in root if part.tag != "body")
    original = root.find("body")
    body = ET.SubElement(document, "body", {} if original is None else original.attrib)
    body.extend(elements)
    return "<!DOCTYPE html>\n" + ET.tostring(document, encoding="unicode", method="html")
