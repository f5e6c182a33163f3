"""The Word document as plans.importing.word reads it: rows by grid column, merges, tracked changes, outline
levels; the odd shapes Word writes neither crash the reader nor move a value."""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from plans.importing.word_layout import Cell, heading_level, heading_levels, paragraph_text, table_rows


def _grid_table() -> Any:
    word = Document()
    table = word.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Attività", "Tempi", "Consuntivo"], strict=True):
        cell.text = text
    row = table.rows[1]._tr
    row.remove(row.tc_lst[0])  # the row starts one column in: w:gridBefore
    properties = OxmlElement("w:trPr")
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    properties.append(before)
    row.insert(0, properties)
    table.rows[1]._tr.tc_lst[0].append(parse_xml(f"<w:p {nsdecls('w')}><w:r><w:t>Giugno</w:t></w:r></w:p>"))
    return table


def test_a_row_that_starts_one_column_in_keeps_its_cells_under_their_headers() -> None:
    rows = table_rows(_grid_table()._tbl)

    assert rows[1] == [Cell(2, 1, "Giugno"), Cell(3, 1, "")]


def test_a_merge_continued_from_nowhere_reads_its_own_text_and_does_not_crash() -> None:
    word = Document()
    table = word.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Attività"
    properties = table.rows[0].cells[0]._tc.get_or_add_tcPr()
    properties.append(OxmlElement("w:vMerge"))  # "continue" in the first row: nothing above it

    assert table_rows(table._tbl) == [[Cell(1, 1, "Attività"), Cell(2, 1, "")]]


def test_tracked_insertions_are_read_and_deletions_are_not() -> None:
    paragraph = parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">Entro </w:t></w:r>'
        '<w:ins w:id="1" w:author="U"><w:r><w:t>giugno</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="U"><w:r><w:delText>maggio</w:delText></w:r></w:del></w:p>'
    )

    assert paragraph_text(paragraph) == "Entro giugno"


def test_outline_levels_make_headings_and_odd_values_do_not() -> None:
    word = Document()
    levels = heading_levels(word)
    heading = word.add_heading("Obiettivo 1", level=2)._p
    body = word.add_paragraph("Testo")._p
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "x")
    body.get_or_add_pPr().append(outline)

    assert (heading_level(heading, levels), heading_level(body, levels)) == (2, None)
    outline.set(qn("w:val"), "0")
    assert heading_level(body, levels) == 1
    outline.set(qn("w:val"), "9")  # body text
    assert heading_level(body, levels) is None
