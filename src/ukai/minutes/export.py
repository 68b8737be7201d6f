"""The minutes as a Word document (python-docx)."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from .models import Meeting
from .selectors import Minutes

FONT = "IPAexMincho"


def minutes_docx(minutes: Minutes) -> bytes:
    """A .docx with the heading block, the speakers' paragraphs, decisions and actions."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    meeting = minutes.meeting
    document.add_heading(meeting.title, level=1)
    document.add_paragraph(f"開催日：{meeting.held_on:%Y年%m月%d日}")
    if meeting.place:
        document.add_paragraph(f"場所：{meeting.place}")
    if minutes.attendees:
        document.add_paragraph(
            "出席者：" + "、".join(f"{a.role} {a.name}" for a in minutes.attendees)
        )
    if minutes.minutes_format == Meeting.Format.SUMMARY:
        document.add_heading("要点", level=2)
        for sentence in minutes.summary:
            document.add_paragraph(sentence, style="List Bullet")
    else:
        for section in minutes.sections:
            if section.title:
                document.add_heading(section.title, level=2)
            for paragraph in section.paragraphs:
                document.add_paragraph(paragraph.heading).runs[0].bold = True
                document.add_paragraph("　" + paragraph.text)
    if minutes.decisions:
        document.add_heading("決定事項", level=2)
        for decision in minutes.decisions:
            document.add_paragraph(f"【{decision.label}】{decision.sentence}", style="List Bullet")
    if minutes.actions:
        document.add_heading("対応事項", level=2)
        for action in minutes.actions:
            deadline = f"（期限：{action.deadline}）" if action.deadline else ""
            document.add_paragraph(
                f"【{action.label}】{action.sentence}{deadline}", style="List Bullet"
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_pdf(minutes: Minutes) -> bytes:
    """A PDF (A4, IPAex Mincho) of the same content, typeset by WeasyPrint."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(
        "minutes/minutes_pdf.html", {"minutes": minutes, "meeting": minutes.meeting}
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
