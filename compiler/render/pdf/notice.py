"""A one-page notice standing in for an exhibit that cannot be shown as pages (the original is still attached)."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from compiler.render.escape import markup


def notice_pdf(number: str, title: str, reason: str) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, topMargin=3 * cm, bottomMargin=3 * cm,
                            leftMargin=2.5 * cm, rightMargin=2.5 * cm, invariant=1,
                            title=f"{number} notice", author="sgpack")
    doc.build([Paragraph(markup(f"{number} {title}"), styles["Heading2"]), Spacer(1, 12),
               Paragraph(markup(reason), styles["BodyText"])])
    return buffer.getvalue()
