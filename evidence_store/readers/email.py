"""EML: Subject, Date and From headers, and the body as text (HTML stripped; links never followed)."""
from __future__ import annotations

import email
import email.utils
from email import policy
from html.parser import HTMLParser

from ..limits import Limits
from .base import ReadResult, TextBuilder, one_line
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
