"""What a resume file is, read from its bytes: a PDF, a DOCX or plain UTF-8 text, and nothing else.

The name a browser sends is only checked to agree with the content (a PDF named `.txt` is refused);
the content decides. A DOCX is a zip archive: its directory is read (never extracted) and refused when
it is not a Word document, carries macros, or would inflate beyond reason (a zip bomb).
"""

import io
import os
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from candidates.choices import ResumeKind

EXTENSIONS = {ResumeKind.PDF: ".pdf", ResumeKind.DOCX: ".docx", ResumeKind.TEXT: ".txt"}
CONTENT_TYPES = {
    ResumeKind.PDF: "application/pdf",
    ResumeKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ResumeKind.TEXT: "text/plain; charset=utf-8",
}
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCX_MAX_ENTRIES = 1000
DOCX_MAX_UNPACKED = 50 * 1024 * 1024
DOCX_MAX_RATIO = 100  # a member inflating more than this many times its packed size is not a document
MARKUP = re.compile(rb"<\s*(!doctype|html|svg|script|iframe|object|embed|body|head|meta|\?xml)\b", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
NAME_MAX = 120


class ResumeRefused(ValueError):
    """The file is not one we accept; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class CheckedResume:
    kind: str
    content: bytes
    original_name: str


def max_bytes() -> int:
    return settings.RESUME_MAX_BYTES


def check(name: str, content: bytes) -> CheckedResume:
    """The file's kind and a safe version of its name, or ResumeRefused."""
    if not content:
        raise ResumeRefused(_("The file is empty."))
    if len(content) > max_bytes():
        raise ResumeRefused(_("The file is larger than %(mb)s MB.") % {"mb": _megabytes(max_bytes())})
    kind = _kind_of(content)
    extension = os.path.splitext(name.lower())[1]
    if extension != EXTENSIONS[kind]:
        raise ResumeRefused(
            _("The file's content is %(kind)s but its name ends in “%(ext)s”: rename it %(expected)s.")
            % {"kind": kind.label, "ext": extension or _("nothing"), "expected": EXTENSIONS[kind]}
        )
    return CheckedResume(kind=kind, content=content, original_name=safe_name(name, kind))


def safe_name(name: str, kind: str) -> str:
    """The last part of the sent name, reduced to letters, digits, dots, dashes and underscores."""
    base = os.path.basename(name.replace("\\", "/"))
    stem = get_valid_filename(os.path.splitext(base)[0]).lstrip(".")[: NAME_MAX - 10] or "resume"
    return f"{stem}{EXTENSIONS[kind]}"


def _kind_of(content: bytes) -> str:
    if content.startswith(b"%PDF-"):
        if b"%%EOF" not in content[-2048:]:
            raise ResumeRefused(_("The PDF is incomplete or damaged."))
        return ResumeKind.PDF
    if content.startswith(b"PK\x03\x04"):
        _check_docx(content)
        return ResumeKind.DOCX
    return _check_text(content)


def _check_docx(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ResumeRefused(_("The file looks like a Word document but cannot be read.")) from None
    if len(members) > DOCX_MAX_ENTRIES:
        raise ResumeRefused(_("The archive holds too many files to be a Word document."))
    unpacked = 0
    for member in members:
        unpacked += member.file_size
        if unpacked > DOCX_MAX_UNPACKED or member.file_size > DOCX_MAX_RATIO * max(member.compress_size, 1024):
            raise ResumeRefused(_("The document would unpack to far more than its size: it is refused."))
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise ResumeRefused(_("The file is a zip archive, not a Word document (DOCX)."))
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ResumeRefused(_("The document contains macros: save it as a plain .docx."))
    try:
        types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, EOFError, OSError):
        raise ResumeRefused(_("The file looks like a Word document but cannot be read.")) from None
    if DOCX_MAIN.encode() not in types:
        raise ResumeRefused(_("The file is an Office archive but not a Word document (DOCX)."))


def _check_text(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ResumeRefused(_("Only PDF, Word (DOCX) or plain text (UTF-8) resumes are accepted.")) from None
    if CONTROL.search(text):
        raise ResumeRefused(_("Only PDF, Word (DOCX) or plain text (UTF-8) resumes are accepted."))
    if MARKUP.search(content[:4096]) or text.lstrip().startswith("<"):
        raise ResumeRefused(_("Web pages and images are not resumes: send a PDF, a DOCX or plain text."))
    return ResumeKind.TEXT


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"
