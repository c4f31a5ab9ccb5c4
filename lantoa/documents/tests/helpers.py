import io
import re

from docx import Document


def edited(template: bytes, replace: dict[str, str]) -> bytes:
    """The template with some paragraph texts replaced (as a person would edit it in Word)."""
    doc = Document(io.BytesIO(template))

    def walk(container):
        for paragraph in container.paragraphs:
            for old, new in replace.items():
                if old in paragraph.text:
                    text = paragraph.text.replace(old, new)
                    for run in paragraph.runs[1:]:
                        run.text = ""
                    paragraph.runs[0].text = text
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)
