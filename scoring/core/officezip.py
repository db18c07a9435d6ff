"""Office files (.xlsx, .docx) written byte for byte the same from the same content.

An Office file is a zip: its entries carry the clock's time and come in the writer's order, and openpyxl
stamps the workbook's ``dcterms:modified`` with the clock when it saves. All three are fixed here.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

Stamp = tuple[int, int, int, int, int, int]
_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")


def stamp_of(when: datetime) -> Stamp:
    """A time as a zip entry's (zip dates start in 1980)."""
    return (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)


def fixed_zip(data: bytes, stamp: Stamp, *, document_dates: bool = True) -> bytes:
    """The file with every entry in name order and dated ``stamp``; with ``document_dates``, its created and
    modified properties set to ``stamp`` too (openpyxl writes the clock there; python-docx writes what it is given)."""
    iso = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*stamp)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in sorted(src.infolist(), key=lambda i: i.filename):
            body = src.read(item.filename)
            if document_dates and item.filename == "docProps/core.xml":
                body = _DATES.sub(lambda m: m.group(1) + iso.encode(), body)
            info = zipfile.ZipInfo(item.filename, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, body)
    return out.getvalue()
