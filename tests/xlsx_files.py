"""Excel files for the import tests, written with openpyxl as an office user's Excel would."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook


def workbook(rows) -> bytes:
    """An .xlsx whose first sheet holds `rows`, as bytes."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# A clock export's row as a zip bomb repeats it: 78 bytes, so that 3.3 million of them unpack
# to about the 255 MB of issue #18.
BOMB_ROW = (b'<row><c t="inlineStr"><is><t>1001</t></is></c><c><v>46328.33</v></c></row>'
            b'    ')


def rebuilt(data: bytes, writers: dict, *, content_types: bytes = b"",
            workbook_rels: bytes = b"") -> bytes:
    """The workbook `data` with the parts of `writers` (name → a function writing the part's
    bytes into a stream) replaced or added, streamed into a deflated archive so that a part of
    hundreds of MB is never held whole; `content_types`/`workbook_rels`: entries appended to
    those two parts (a new part openpyxl must find)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name in dict.fromkeys(source.namelist() + list(writers)):
            if name in writers:
                with target.open(name, "w", force_zip64=True) as stream:
                    writers[name](stream)
                continue
            content = source.read(name)
            if name == "[Content_Types].xml":
                content = content.replace(b"</Types>", content_types + b"</Types>")
            elif name == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>",
                                          workbook_rels + b"</Relationships>")
            target.writestr(name, content)
    return out.getvalue()


def sheet_writer(rows_xml: bytes = b"", repeat: int = 1, before: bytes = b"",
                 after: bytes = b""):
    """A writer of a sheet holding `rows_xml` `repeat` times (a block at a time)."""

    def write(stream) -> None:
        stream.write(b"<worksheet " + MAIN + b"><sheetData>" + before)
        block = max(1, min(repeat, 10_000))
        done = 0
        while done < repeat:
            count = min(block, repeat - done)
            stream.write(rows_xml * count)
            done += count
        stream.write(after + b"</sheetData></worksheet>")

    return write


def sheet_bomb(rows: int, row_xml: bytes = BOMB_ROW) -> bytes:
    """A small workbook whose one sheet unpacks to `rows` copies of `row_xml`."""
    header = b'<row><c t="inlineStr"><is><t>employee_no</t></is></c><c t="inlineStr"><is><t>' \
             b'clocked_at</t></is></c></row>'
    return rebuilt(workbook([["x"]]), {SHEET: sheet_writer(row_xml, rows, before=header)})


def with_shared_strings(data: bytes, texts, sheet_rows_xml: bytes) -> bytes:
    """The workbook `data` with a table of shared texts (as Excel writes one: found through
    [Content_Types].xml and the workbook's relations) and a sheet of `sheet_rows_xml`."""

    def write_texts(stream) -> None:
        stream.write(b"<sst " + MAIN + b">")
        for text in texts:
            stream.write(b"<si><t>" + text + b"</t></si>")
        stream.write(b"</sst>")

    return rebuilt(data, {SHARED_STRINGS: write_texts, SHEET: sheet_writer(sheet_rows_xml)},
                   content_types=b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                 b'application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                 b'sharedStrings+xml" />',
                   workbook_rels=b'<Relationship Type="http://schemas.openxmlformats.org/'
                                 b'officeDocument/2006/relationships/sharedStrings" '
                                 b'Target="sharedStrings.xml" Id="rId9" />')
