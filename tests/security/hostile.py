"""Hostile and broken inputs, built in code so a reader of a test sees exactly what each file holds."""
from __future__ import annotations

import io
import os
import sys
import zlib
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evidence_store"))
from es_fixtures import docx_bytes, pdf_bytes, png_bytes, tree_snapshot, write, xlsx_bytes  # noqa: E402

__all__ = ["docx_bytes", "pdf_bytes", "png_bytes", "write", "xlsx_bytes", "PLAN", "raw_pdf", "docx_with",
           "zip_with", "xlsx_with", "tree_snapshot"]

# A minimal valid plan: one action (RP-01) that wants two supervision records, one indicator.
PLAN = """\
format: sgpack/plan@1
provider: Example Care Ltd
plan:
  id: SAP-2026-007
  title: Restrictive practice at Oakview
  service: Oakview
  abuse_types: [restrictive_practice]
  risk: medium
  opened: 2026-02-14
indicators:
  - id: ri
    title: Restrictive interventions
    better: lower
    data: {data}
actions:
  - id: RP-01
    title: Managers review restrictive practice logs weekly
    kind: oversight
    owner: Priya Shah (Registered Manager)
    due: 2026-12-31
    status: in_progress
    rag: green
    narrative: Weekly reviews started 3 March.
    indicators: [ri]
    requires:
      - type: supervision
        count: 2
"""


def plan_text(data: str = "indicators/ri.csv") -> str:
    return PLAN.format(data=data)


# ---------------------------------------------------------------------------------------------- PDF

def raw_pdf(objects: dict[int, bytes], *, root: int = 1, trailer: bytes = b"", header: bytes = b"%PDF-1.7\n",
            prev_self: bool = False, startxref: int | None = None, tail: bytes = b"") -> bytes:
    """A PDF from numbered object bodies, with a correct xref table unless told to lie."""
    out = bytearray(header)
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets.get(number, 0)
    prev = b" /Prev %d" % xref_at if prev_self else b""
    out += b"trailer\n<< /Size %d /Root %d 0 R%s %s >>\n" % (size, root, prev, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % (xref_at if startxref is None else startxref)
    return bytes(out) + tail


def one_page_pdf(content: bytes = b"BT /F1 12 Tf 72 720 Td (RP-01 hello) Tj ET", *, pages_extra: bytes = b"",
                 catalog_extra: bytes = b"", stream_filter: bytes = b"", **kw) -> bytes:
    stream = b"<< /Length %d %s>>\nstream\n" % (len(content), stream_filter) + content + b"\nendstream"
    return raw_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 " + pages_extra + b">>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: stream,
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }, **kw)


def flate_bomb_pdf(megabytes: int) -> bytes:
    """A page whose content stream inflates to `megabytes` MB of spaces (about 1000:1)."""
    comp = zlib.compressobj(9)
    body = comp.compress(b" " * (megabytes << 20)) + comp.flush()
    return one_page_pdf(body, stream_filter=b"/Filter /FlateDecode ")


# ---------------------------------------------------------------------------------------------- OOXML

def zip_with(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_with(replace: dict[str, bytes | None], base: bytes | None = None) -> bytes:
    """A real docx with some members replaced (None removes one) or added."""
    base = base or docx_bytes(["RP-01 supervision record"])
    source = zipfile.ZipFile(io.BytesIO(base))
    members = {name: source.read(name) for name in source.namelist()}
    for name, data in replace.items():
        if data is None:
            members.pop(name, None)
        else:
            members[name] = data
    return zip_with(members)


def xlsx_with(replace: dict[str, bytes], base: bytes | None = None) -> bytes:
    base = base or xlsx_bytes({"s": [["period", "value"], ["2026-01", 1], ["2026-02", 2], ["2026-03", 3]]})
    return docx_with(replace, base)


def zeros_member_zip(name: str, size: int, base: bytes) -> bytes:
    """`base` plus a member of `size` zero bytes (deflates about 1000:1)."""
    out = io.BytesIO(base)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
    return out.getvalue()


def lying_sizes_docx(actual: int) -> bytes:
    """A docx whose word/document.xml header declares 1 000 bytes but holds `actual` bytes of XML."""
    paragraph = b"<w:p><w:r><w:t>RP-01 " + b"x" * 80 + b"</w:t></w:r></w:p>"
    body = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            + paragraph * (actual // len(paragraph)) + b"</w:body></w:document>")
    data = bytearray(docx_with({"word/document.xml": body}))
    # patch the uncompressed size in the local header and the central directory entry
    name = b"word/document.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) != -1:
            name_len_at = 26 if signature == b"PK\x03\x04" else 28
            name_len = int.from_bytes(data[at + name_len_at: at + name_len_at + 2], "little")
            start = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[start:start + name_len] == name:
                data[at + offset: at + offset + 4] = (1000).to_bytes(4, "little")
            at += 4
    return bytes(data)


def many_paragraphs_docx(megabytes: int) -> bytes:
    """A valid docx whose text is `megabytes` MB (slow to read: used for time and memory limits)."""
    paragraph = b"<w:p><w:r><w:t>RP-01 " + b"y" * 200 + b"</w:t></w:r></w:p>"
    count = (megabytes << 20) // len(paragraph)
    out = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(docx_bytes(["x"])))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in base.namelist():
            if name == "word/document.xml":
                with archive.open(name, "w", force_zip64=True) as member:
                    member.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                                 b'2006/main"><w:body>')
                    block = paragraph * 1000
                    for _ in range(count // 1000):
                        member.write(block)
                    member.write(b"</w:body></w:document>")
            else:
                archive.writestr(name, base.read(name))
    return out.getvalue()


def mkfifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


# ---------------------------------------------------------------------------------------------- pack outputs

RESIDENT = "Jane Resident"                         # a person's name that must not travel as metadata
NHS = "943 476 5919"                               # a valid NHS number (the NHS's own example)


def pdf_with_metadata(person: str = RESIDENT) -> bytes:
    """A one-page PDF naming `person` in /Info, in the catalogue's XMP and in a page-level XMP (PDF8)."""
    xmp = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
           b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>' + person.encode() +
           b' XMP</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
    content = b"BT /F1 12 Tf 72 720 Td (RP-01 supervision notes) Tj ET"
    return raw_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Metadata 7 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        6: b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp) + xmp + b"\nendstream",
        7: b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp) + xmp + b"\nendstream",
        8: b"<< /Author (" + person.encode() + b" Info) /Title (" + person.encode() + b" title) /Creator (ScanCo) >>",
    }, trailer=b"/Info 8 0 R")


def fake_redaction_pdf(text: str = f"RP-01 review: resident NHS {NHS}") -> bytes:
    """Text with a black rectangle drawn over it: looks redacted, extracts in full (PDF9)."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode() + b") Tj ET 0 0 0 rg 160 712 200 22 re f"
    return one_page_pdf(content)


def incremental_update_pdf(old: str, new: str) -> bytes:
    """A PDF whose first revision says `old`; an appended update replaces the page content with `new` (PDF10)."""
    base = one_page_pdf(b"BT /F1 12 Tf 72 720 Td (" + old.encode() + b") Tj ET")
    prev = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    content = b"BT /F1 12 Tf 72 720 Td (" + new.encode() + b") Tj ET"
    update = bytearray(base)
    at = len(update)
    update += b"4 0 obj\n<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream\nendobj\n"
    xref_at = len(update)
    update += b"xref\n4 1\n%010d 00000 n \n" % at
    update += b"trailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (prev, xref_at)
    return bytes(update)


def signed_pdf() -> bytes:
    """A PDF with a signature field and signature value (structure only: the PKCS#7 blob is zeros) (PDF11)."""
    content = b"BT /F1 12 Tf 72 720 Td (RP-01 signed supervision record) Tj ET"
    return raw_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] /SigFlags 3 >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [6 0 R] "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        6: b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /Rect [72 600 272 650] /F 4 /P 3 0 R "
           b"/V 7 0 R >>",
        7: b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Name (Registered Manager) "
           b"/M (D:20260301120000Z) /ByteRange [0 0 0 0] /Contents <" + b"00" * 64 + b"> >>",
    })


def jpeg_with_exif(*, serial: str = "SN-98765-LEAK", make: str = "LeakCam") -> bytes:
    """A JPEG with camera make and model, body serial number, a description and a GPS position in EXIF (I2)."""
    from PIL import ExifTags, Image

    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = make
    exif[ExifTags.Base.Model] = make + " Model 7"
    exif[ExifTags.Base.ImageDescription] = "RP-01 door sensor " + RESIDENT
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = serial
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
                ExifTags.GPS.GPSLongitudeRef: "W", ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- bounded reads

def image_only_pdf() -> bytes:
    """A one-page PDF whose page is a grey-scale picture and nothing else: a scan with no text layer."""
    pixels = bytes((x * 4) & 0xFF for _ in range(64) for x in range(64))
    image = zlib.compress(pixels)
    content = b"q 400 0 0 400 100 200 cm /Im1 Do Q"
    return raw_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
           b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        5: b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 "
           b"/Filter /FlateDecode /Length %d >>\nstream\n" % len(image) + image + b"\nendstream",
    })


def many_dates(count: int) -> list[str]:
    """`count` lines, each with a different day written one of the ways people write dates (day first)."""
    import datetime as dt

    forms = ("%d/%m/%Y", "%d %B %Y", "%Y-%m-%d", "%d.%m.%y", "%A %d %B %Y", "%B %Y")
    first = dt.date(2012, 1, 2)
    return [f"Entry {n}: RP-01 log reviewed on {(first + dt.timedelta(days=n)).strftime(forms[n % len(forms)])}, "
            f"Q{n % 4 + 1} {2020 + n % 7}/{(21 + n % 7) % 100:02d}." for n in range(count)]


# A title and a sentence in each script a provider's files may be written in; the last two carry characters
# sgpack refuses in a file name (a zero-width joiner inside an emoji sequence, a right-to-left mark).
SCRIPTS = {
    "arabic": ("محضر الإشراف", "راجعت المديرة سجل الممارسات التقييدية"),
    "hebrew": ("פרוטוקול הדרכה", "המנהלת בדקה את יומן ההגבלות"),
    "devanagari": ("पर्यवेक्षण नोट्स",
                   "प्रबंधक ने प्रतिबंधात्मक अभ्यास लॉग की समीक्षा की"),
    "thai": ("บันทึกการนิเทศ", "ผู้จัดการตรวจสอบบันทึกการปฏิบัติที่จำกัด"),
    "cjk": ("监督记录 監督記録 감독 기록", "经理审查了限制性做法日志 管理者が記録を確認した"),
    "emoji": ("Supervision 📝✅", "Reviewed 👍🏽 the log 🗒️"),
    "combining": ("Zoe\u0308 supervisio\u0301n", "Re\u0301viewed with Zoe\u0308 and Ren\u0303e\u0301e"),
    "emoji-zwj": ("Nurse 🧑\u200d⚕️ notes", "Reviewed by the nurse 🧑\u200d⚕️"),
    "rlm": ("Supervision \u200f notes", "Reviewed \u200f\u200e mixed \u202b embedded \u202c text"),
}
REFUSED_IN_NAMES = ("emoji-zwj", "rlm")
