"""PNG and JPEG: width and height from the header bytes (no OCR, no decoding of pixels); as a document,
the pixels decoded, turned upright, resampled for the page and re-encoded without metadata."""
from __future__ import annotations

import io
import struct
import warnings

from ..document import IMAGE_DPI, MAX_IMAGE_PIXELS, Document, Image, frame_size
from ..limits import Limits
from .base import ReadResult, Unreadable, one_line

READER_VERSION = "1"   # bump when what this reader returns changes: the cache then reads such files again

_PNG = b"\x89PNG\r\n\x1a\n"
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def read(data: bytes, limits: Limits, kind: str = "png") -> ReadResult:
    if data.startswith(_PNG):
        size = _png(data)
    elif data.startswith(b"\xff\xd8"):
        size = _jpeg(data)
    else:
        raise Unreadable(f"not a {'PNG' if kind == 'png' else 'JPEG'} image")
    result = ReadResult()
    result.width, result.height = size
    return result


def _png(data: bytes) -> tuple[int, int]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise Unreadable("damaged PNG image (no IHDR header)")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg(data: bytes) -> tuple[int, int]:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise Unreadable("damaged JPEG image (bad marker)")
        marker = data[i + 1]
        if marker == 0xFF:                         # fill byte
            i += 1
            continue
        if marker in (0x01,) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in _SOF:
            if i + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        if marker == 0xDA or length < 2:           # start of scan before any frame header
            break
        i += 2 + length
    raise Unreadable("damaged JPEG image (no frame header)")


def document(data: bytes, limits: Limits, kind: str = "png") -> Document:
    """The picture sized to fit a page (landscape when wide), resampled to at most IMAGE_DPI there."""
    header = read(data, limits, kind=kind)
    width, height = header.width or 0, header.height or 0
    if width < 1 or height < 1:
        raise Unreadable("the image has no pixels")
    if width * height > MAX_IMAGE_PIXELS:
        raise Unreadable(f"the image is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels; "
                         f"limit {MAX_IMAGE_PIXELS // 1_000_000})")
    from PIL import Image as PILImage
    from PIL import ImageOps

    fmt = "PNG" if data.startswith(_PNG) else "JPEG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            im = PILImage.open(io.BytesIO(data), formats=[fmt])
            if im.width * im.height > MAX_IMAGE_PIXELS:
                raise Unreadable(f"the image is {im.width}×{im.height} pixels (limit "
                                 f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels)")
            im.load()
            if fmt == "JPEG":
                im = ImageOps.exif_transpose(im)
            if im.mode not in ("RGB", "RGBA", "L", "LA"):
                has_alpha = im.mode in ("P", "PA", "RGBa", "La") and ("transparency" in im.info or "A" in im.mode)
                im = im.convert("RGBA" if has_alpha else "RGB")
    except Unreadable:
        raise
    except MemoryError:                          # the child process reports the memory limit
        raise
    except Exception as exc:                     # Pillow raises many kinds on damaged images
        raise Unreadable(f"damaged image ({one_line(str(exc)) or type(exc).__name__})") from None

    notes: list[str] = []
    wide = im.width > im.height * 1.05
    avail_w, avail_h = frame_size(wide)
    avail_h -= 2
    natural_w, natural_h = im.width * 0.75, im.height * 0.75          # 96 pixels per inch
    scale = min(1.0, avail_w / natural_w, avail_h / natural_h)
    if scale < 1.0:
        notes.append("image scaled to fit")
    shown_w, shown_h = natural_w * scale, natural_h * scale
    target_w = max(1, round(shown_w / 72 * IMAGE_DPI))
    if im.width > target_w * 1.1:
        target_h = max(1, round(im.height * target_w / im.width))
        im = im.resize((target_w, target_h), PILImage.Resampling.LANCZOS)
    # re-encode the pixels: no EXIF, GPS or other metadata goes into the bundle
    out = io.BytesIO()
    if fmt == "JPEG" and im.mode in ("RGB", "L"):
        im.save(out, format="JPEG", quality=90, subsampling=0, optimize=False)
        encoded = "JPEG"
    else:
        im.save(out, format="PNG", optimize=False)
        encoded = "PNG"
    picture = Image(out.getvalue(), encoded, shown_w, shown_h, (im.width, im.height))
    return Document("png" if kind == "png" else "jpg", [picture], notes, landscape=wide)
