"""Office files (.xlsx, .docx) written byte for byte the same from the same content.

An Office file is a zip: its entries carry the clock's time, and openpyxl stamps the workbook's
``dcterms:modified`` with the clock when it saves. Both are fixed here.
"""

from __future__ import annotations

import io
import re
import zipfile

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def normalise_zip(data: bytes, stamp: str) -> bytes:
    """Rewrite a zip with fixed timestamps so that the same table gives the same bytes.

    openpyxl sets the workbook's "modified" property to the clock when saving;
    it becomes the commit's date here, like "created".
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            dst.writestr(info, content)
    return out.getvalue()
