"""EML: Subject, Date and From headers, and the body as text (HTML stripped; links never followed); as a
document, the headers a reader looks at, the body and the attachments named."""
from __future__ import annotations

import email
import email.utils
from email import policy
from html.parser import HTMLParser

from ..document import MAX_CELL_CHARS, Attachments, Document, KeyValues, cut
from ..limits import Limits
from .base import ReadResult, TextBuilder, Unreadable, one_line
from .blocks import limit_text, line_blocks
from .text import add_lines

READER_VERSION = "1"   # bump when what this reader returns changes: the cache then reads such files again


class _Stripper(HTMLParser):
    _SKIP = {"script", "style", "head", "title"}
    _BREAK = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BREAK:
            self.parts.append("\n")

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in self._SKIP and self.skip:
            self.skip -= 1
        elif tag in self._BREAK:
            self.parts.append("\n")

    def handle_data(self, data):  # noqa: ANN001
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    stripper = _Stripper()
    stripper.feed(html)
    stripper.close()
    lines = (" ".join(line.split()) for line in "".join(stripper.parts).splitlines())
    return "\n".join(line for line in lines if line)


def read(data: bytes, limits: Limits) -> ReadResult:
    message = email.message_from_bytes(data, policy=policy.default)
    result = ReadResult()
    builder = TextBuilder(limits, result)
    subject = _header(message, "subject")
    if subject:
        result.props["title"] = (one_line(subject, 300), "email Subject")
        builder.add("in the email subject", subject)
    raw_date = _header(message, "date")
    if raw_date:
        try:
            when = email.utils.parsedate_to_datetime(raw_date)
            result.props["date"] = (when.date(), "email Date header")
        except (TypeError, ValueError, IndexError, OverflowError):
            result.notes.append(f"email Date header {one_line(raw_date, 60)!r} is not a date; ignored")
    sender = _header(message, "from")
    if sender:
        name, address = email.utils.parseaddr(sender)
        if name or address:
            result.props["author"] = (one_line(name or address), "email From header")
    add_lines(_body(message), builder)
    return result


def _header(message, name: str) -> str:  # noqa: ANN001
    try:
        value = message.get(name)
        return str(value).strip() if value is not None else ""
    except Exception:                              # a malformed header is left out, not fatal
        return ""


def _body(message) -> str:  # noqa: ANN001
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        return html_to_text(content)
    return content


_SHOWN_HEADERS = ("From", "To", "Cc", "Date", "Subject")
_NAMED_ATTACHMENTS = 50


def document(data: bytes, limits: Limits) -> Document:
    """From, To, Cc, Date and Subject; the body as text (HTML stripped, and said so); the attachments named."""
    try:
        message = email.message_from_bytes(data, policy=policy.default)
    except Exception as exc:                       # the email package raises many kinds on bad input
        raise Unreadable(f"not a readable email ({one_line(str(exc)) or type(exc).__name__})") from None
    notes: list[str] = []
    blocks: list = []
    rows = [(name, cut(value, MAX_CELL_CHARS)) for name in _SHOWN_HEADERS if (value := _shown_header(message, name))]
    if rows:
        blocks.append(KeyValues(rows, kind="headers"))
    body, html = _shown_body(message)
    if html:
        notes.append("HTML email shown as text")
    blocks.extend(line_blocks(limit_text(body, notes)))
    names = _attachments(message)
    if names:
        blocks.append(Attachments([one_line(name, 120) for name in names[:_NAMED_ATTACHMENTS]],
                                  more=max(0, len(names) - _NAMED_ATTACHMENTS)))
    return Document("eml", blocks, notes)


def _shown_header(message, name: str) -> str:  # noqa: ANN001
    try:
        value = message.get(name)
        return one_line(str(value), 2000) if value is not None else ""
    except Exception:                              # a malformed header is left out, not fatal
        return ""


def _shown_body(message) -> tuple[str, bool]:  # noqa: ANN001
    """The body as text, and whether it was HTML."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return "", False
    try:
        content = part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        return html_to_text(content), True
    return str(content), False


def _attachments(message) -> list[str]:  # noqa: ANN001
    names: list[str] = []
    try:
        for part in message.iter_attachments():
            names.append(part.get_filename() or part.get_content_type() or "attachment")
    except Exception:  # noqa: BLE001 - a malformed MIME tree: say so rather than fail the document
        names.append("(further attachments could not be listed)")
    return names
