"""PNG charts placed in a PDF from their own compressed rows: the same pixels reportlab would place, without
decoding and re-encoding them."""
from __future__ import annotations

import io
import struct

from reportlab.lib.utils import _digester
from reportlab.pdfbase import pdfdoc
from reportlab.platypus import Flowable, Image


def image(png: bytes, max_w: float, max_h: float) -> Flowable:
    """A PNG scaled to fit max_w x max_h, centred."""
    laid = _png_rows(png)
    if laid is not None:
        w, h = laid[:2]
    else:
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(png)) as im:
            w, h = im.size
    scale = min(max_w / w, max_h / h)
    if laid is not None:
        return PNGImage(png, laid, w * scale, h * scale)
    return Image(io.BytesIO(png), width=w * scale, height=h * scale)


def _png_rows(png: bytes) -> tuple[int, int, int, bytes] | None:
    """(width, height, colours, compressed rows) of an 8-bit grey or RGB, non-interlaced PNG with no palette and no
    transparency; None for any other PNG. The rows (the IDAT data) are a zlib stream of PNG-filtered scanlines,
    which a PDF image reads as it is: Flate with PNG predictors."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    pos, header, rows = 8, None, []
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            rows.append(data)
        elif kind in (b"PLTE", b"tRNS"):
            return None
        elif kind == b"IEND":
            break
    if header is None or not rows:
        return None
    width, height, depth, colour_type, compression, filtering, interlace = header
    if depth != 8 or colour_type not in (0, 2) or compression or filtering or interlace or not width or not height:
        return None
    return width, height, 3 if colour_type == 2 else 1, b"".join(rows)


class _PNGXObject(pdfdoc.PDFImageXObject):
    """An image XObject whose data is a PNG's compressed rows (see `_png_rows`)."""

    def __init__(self, name: str, width: int, height: int, colours: int, rows: bytes):
        self.name, self.width, self.height, self.colours, self.streamContent = name, width, height, colours, rows
        self.bitsPerComponent, self.colorSpace, self.mask = 8, "DeviceRGB" if colours == 3 else "DeviceGray", None

    def format(self, document):
        stream = pdfdoc.PDFStream(content=self.streamContent)
        d = stream.dictionary         # a Filter already given: PDFStream leaves the data as it is
        d["Type"], d["Subtype"] = pdfdoc.PDFName("XObject"), pdfdoc.PDFName("Image")
        d["Width"], d["Height"], d["BitsPerComponent"] = self.width, self.height, 8
        d["ColorSpace"] = pdfdoc.PDFName(self.colorSpace)
        d["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        d["DecodeParms"] = pdfdoc.PDFArray([pdfdoc.PDFDictionary(        # one per filter, as Filter is an array
            {"Predictor": 15, "Colors": self.colours, "BitsPerComponent": 8, "Columns": self.width})])
        d["Length"] = len(self.streamContent)
        return stream.format(document)


class PNGImage(Flowable):
    """A PNG drawn from its own compressed rows. reportlab's Image decodes each PNG to raw pixels, hashes them and
    deflates them again: for the CQC pack's hundred charts that was a sixth of the drawn pass. The same pixels,
    placed as canvas.drawImage places them (an image XObject scaled to the box, shared by identical PNGs)."""

    def __init__(self, png: bytes, laid: tuple[int, int, int, bytes], width: float, height: float):
        super().__init__()
        self.hAlign = "CENTER"                       # as Image
        self.laid, self.drawWidth, self.drawHeight = laid, width, height
        self.name = _digester(b"sgpack-png" + png)

    def wrap(self, availWidth, availHeight):
        return self.drawWidth, self.drawHeight

    def draw(self):
        canv = self.canv
        doc = canv._doc
        canv._currentPageHasImages = 1
        reg = doc.getXObjectName(self.name)
        if doc.idToObject.get(reg) is None:
            obj = _PNGXObject(self.name, *self.laid)
            canv._setXObjects(obj)
            doc.Reference(obj, reg)
            doc.addForm(self.name, obj)
        canv.saveState()
        canv.scale(self.drawWidth, self.drawHeight)
        canv._code.append(f"/{reg} Do")
        canv.restoreState()
        canv._formsinuse.append(self.name)          # the page's resources name it
