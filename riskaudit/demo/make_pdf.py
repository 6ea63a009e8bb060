"""Writes the demo's one PDF policy, `sites/filedrop/terms.pdf`, from the text kept here.

A minimal, valid PDF 1.4 writer (Helvetica, WinAnsi, wrapped lines, several pages) with no
dependency beyond the standard library; pypdf extracts its text. Regenerate with
`python -m riskaudit.demo.make_pdf` after editing `FILEDROP_TERMS`.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

FILEDROP_TERMS = """\
# FileDrop Terms of Service
Version 4.2, effective 1 February 2026
These Terms of Service govern your use of FileDrop, a file hosting and sharing service operated by FileDrop Ltd, Unit 4, 22 Sample Street, Dublin 2, Ireland.
# 1. The service
FileDrop lets you upload files and share them with others through a download link. Links to free uploads expire after 90 days without a download.
# 2. Prohibited uses
You agree that you will not upload, store or share through FileDrop any file that:
(a) is unlawful, or that you do not have the right to distribute;
(b) contains child sexual abuse material or otherwise sexually exploits minors, which we report to the competent authorities and to NCMEC;
(c) contains viruses, malware or other harmful code;
(d) infringes any copyright, trademark or other right of a third party.
# 3. Copyright infringement (DMCA)
If you believe a file hosted on FileDrop infringes your copyright, send a notice that complies with 17 U.S.C. 512(c)(3) to our designated agent at dmca@filedrop.example or through the form at /dmca. Please include the download link of each file. Users whose files were removed may send a counter-notification.
# 4. Abuse
Other illegal content can be reported to abuse@filedrop.example. Include the download link and a description of the problem.
# 5. Retention
Files deleted by the uploader are removed from our storage within 30 days.
# 6. Liability
To the maximum extent permitted by law, FileDrop is not liable for files uploaded by its users.
# 7. Changes
We may amend these Terms by giving 30 days notice by email.
"""


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(text: str, *, lines_per_page: int = 50, width: int = 95) -> bytes:
    """A PDF with `text` laid out in lines; lines starting with '# ' become bold headings."""
    lines: list[tuple[str, bool]] = []
    for raw in text.splitlines():
        heading = raw.startswith("# ")
        body = raw[2:] if heading else raw
        wrapped = textwrap.wrap(body, width) or [""]
        if heading:
            lines.append(("", False))
        lines.extend((w, heading) for w in wrapped)
    pages = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]

    objects: list[bytes] = []  # object n is objects[n-1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    pages_id = add(b"")  # placeholder, filled below
    page_ids = []
    for page in pages:
        ops = ["BT", "/F1 10 Tf", "14 TL", "50 790 Td"]
        for line, heading in page:
            ops.append("/F2 11 Tf" if heading else "/F1 10 Tf")
            ops.append(f"({_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>" % (pages_id, content, font, bold)))
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    info = add(b"<< /Title (FileDrop Terms of Service) /Producer (riskaudit demo) >>")
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)

    return serialize_pdf(objects, root=catalog, info=info)


def serialize_pdf(objects: list[bytes], *, root: int, info: int | None = None) -> bytes:
    """A PDF 1.4 file of `objects` (object n is objects[n-1]) with its cross-reference table;
    `root` is the catalog's object number, `info` the document-information object's."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 1, root)
    if info is not None:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def main() -> None:
    target = Path(__file__).parent / "sites" / "filedrop" / "terms.pdf"
    target.write_bytes(text_pdf(FILEDROP_TERMS))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
