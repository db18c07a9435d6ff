"""Old-format Office files made byte by byte, for tests: nothing here writes .xls or encrypts a file otherwise.

``compound_file`` lays out an OLE compound file (version 3, 512-byte sectors,
every stream at least 4 KiB so that none goes to the mini stream). ``xls``
writes a BIFF8 workbook with text and number cells and merged ranges, as WPS
and Excel save them in .xls; ``encrypted_office_file`` the two streams Office
writes for a password-protected .xlsx/.docx.
"""

from __future__ import annotations

import struct
from pathlib import Path

FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)


def _dir_entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1, NOSTREAM, right, child)
            + b"\0" * 36 + struct.pack("<IQ", start, size))


def compound_file(streams: list[tuple[str, bytes]]) -> bytes:
    """Streams of at least 4096 bytes, given in the directory's sort order (shorter names first)."""
    fat = [FATSECT, END]
    entries = [_dir_entry("Root Entry", 5, NOSTREAM, 1, END, 0)]
    sectors = []
    for i, (name, data) in enumerate(streams):
        count = -(-len(data) // 512)
        start = len(fat)
        fat += [*range(start + 1, start + count), END]
        entries.append(_dir_entry(name, 2, i + 2 if i + 1 < len(streams) else NOSTREAM, NOSTREAM, start, len(data)))
        sectors.append(data.ljust(count * 512, b"\0"))
    assert len(fat) <= 128 and len(entries) <= 4
    entries += [_dir_entry("", 0, NOSTREAM, NOSTREAM, 0, 0)] * (4 - len(entries))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<9I", 0, 1, 1, 0, 4096, END, 0, END, 0) + struct.pack("<I", 0)
              + struct.pack("<108I", *[FREE] * 108))
    fat_sector = struct.pack("<128I", *(fat + [FREE] * (128 - len(fat))))
    return header + fat_sector + b"".join(entries) + b"".join(sectors)


def encrypted_office_file() -> bytes:
    return compound_file([("EncryptionInfo", bytes(range(256)) * 16), ("EncryptedPackage", bytes(range(256)) * 16)])


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def xls(rows: list[list[str | float]], merges: list[Merge], sheet: str = "Sheet1") -> bytes:
    """A BIFF8 workbook with one sheet: LABEL and NUMBER cells, MERGEDCELLS."""
    def bof(kind: int) -> bytes:
        return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))

    def globals_(position: int) -> bytes:
        name = struct.pack("<IBBBB", position, 0, 0, len(sheet), 1) + sheet.encode("utf-16-le")
        return bof(0x0005) + _record(0x0042, struct.pack("<H", 1200)) + _record(0x0085, name) + _record(0x000A, b"")

    width = max((len(r) for r in rows), default=0)
    body = bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                body += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
            elif value:
                body += _record(0x0204, struct.pack("<HHHHB", r, c, 0, len(value), 1) + value.encode("utf-16-le"))
    if merges:
        ranges = b"".join(struct.pack("<HHHH", r1, r2, c1, c2) for r1, c1, r2, c2 in merges)
        body += _record(0x00E5, struct.pack("<H", len(merges)) + ranges)
    body += _record(0x000A, b"")
    stream = globals_(len(globals_(0))) + body
    return compound_file([("Workbook", stream.ljust(4096, b"\0"))])


def without_settings(exported: Path, out: Path) -> Path:
    """An exported table as the assessors would send it: the settings sheet (.xlsx) or table (.docx) taken out."""
    if exported.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(exported)
        del book["方案设置"]
        book.save(out)
    else:
        import docx

        document = docx.Document(str(exported))
        body = document.element.body
        settings = document.tables[-1]._tbl
        for element in list(body.iterchildren()):
            if element is settings or (element.getprevious() is settings):
                body.remove(element)  # the table and the note after it
        for paragraph in document.paragraphs:
            if paragraph.text == "方案设置":
                body.remove(paragraph._p)
        document.save(str(out))
    return out
