"""Resume upload: only PDF, DOCX and plain text pass, recognised by content; files are stored under
generated names and only ever downloaded (as an attachment) by people who may see contact details."""

import io
import re
import zipfile

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.models import Resume
from candidates.resumes import DOCX_MAIN
from candidates.services import PipelineError, apply, attach_resume, create_candidate, merge_candidates

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TEXT = "Ada Byron\nAnalyst, Toronto\nSkills: Python, SQL, modelling – résumé\n".encode()


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _types(main=DOCX_MAIN) -> bytes:
    return (
        f'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="{main}"/></Types>'.encode()
    )


DOCX = _zip({"[Content_Types].xml": _types(), "word/document.xml": b"<w:document><w:body>Ada</w:body></w:document>"})

# The bad-file corpus: every one of these must be refused, whatever it is called.
BAD_FILES = {
    "web page": ("resume.html", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
    "web page named .txt": ("resume.txt", b"<html><script>alert(document.cookie)</script></html>"),
    "web page named .pdf": ("resume.pdf", b"  <html><body onload=alert(1)>hi</body></html>"),
    "svg with script": (
        "photo.svg",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
    ),
    "svg named .txt": ("resume.txt", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    "gif/script polyglot": ("resume.txt", b"GIF89a/*<script>alert(1)</script>*/"),
    "executable named .pdf": ("resume.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"),
    "pdf named .txt": ("resume.txt", PDF),
    "pdf named .html": ("resume.html", PDF),
    "pdf with no extension": ("resume", PDF),
    "truncated pdf": ("resume.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n" + b"x" * 4000),
    "docx named .pdf": ("resume.pdf", DOCX),
    "zip that is not a document": ("resume.docx", _zip({"notes.txt": b"hello"})),
    "macro-enabled document": (
        "resume.docx",
        _zip({"[Content_Types].xml": _types(), "word/document.xml": b"<w/>", "word/vbaProject.bin": b"\x00" * 64}),
    ),
    "spreadsheet named .docx": (
        "resume.docx",
        _zip({"[Content_Types].xml": _types("application/vnd.ms-excel.sheet.main+xml"), "word/document.xml": b"<w/>"}),
    ),
    "zip bomb": (
        "resume.docx",
        _zip({"[Content_Types].xml": _types(), "word/document.xml": b"\x00" * (30 * 1024 * 1024)}),
    ),
    "archive of too many files": (
        "resume.docx",
        _zip({"[Content_Types].xml": _types(), "word/document.xml": b"<w/>", **{f"x/{n}": b"" for n in range(1001)}}),
    ),
    "damaged zip": ("resume.docx", b"PK\x03\x04" + b"\x00garbage" * 20),
    "empty file": ("resume.txt", b""),
    "binary text": ("resume.txt", b"Ada Byron\x00\x00\x01\x02"),
    "utf-16 text": ("resume.txt", "Ada Byron, analyst".encode("utf-16")),
    "latin-1 text": ("resume.txt", "Résumé de Chloé".encode("latin-1")),
}


@pytest.fixture(autouse=True)
def fresh_storage(settings):
    """A new, empty private storage for each test."""
    settings.STORAGES = {**settings.STORAGES, "resumes": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


@pytest.fixture
def ada(open_requisition, recruiter):
    candidate = create_candidate(by=recruiter, first_name="Ada", last_name="Byron", email="ada@example.com")
    apply(candidate=candidate, requisition=open_requisition, by=recruiter)
    return candidate


def _stored_files() -> list[str]:
    storage = storages["resumes"]
    found, folders = [], [""]
    while folders:
        folder = folders.pop()
        dirs, files = storage.listdir(folder)
        folders += [f"{folder}/{d}".lstrip("/") for d in dirs]
        found += [f"{folder}/{f}".lstrip("/") for f in files]
    return found


def _upload(client, candidate, name, content):
    url = reverse("candidates:resume_upload", args=[candidate.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})


@pytest.mark.parametrize("name, content", [(n, c) for n, c in BAD_FILES.values()], ids=list(BAD_FILES))
def test_the_bad_file_corpus_is_refused_and_nothing_is_stored(client, ada, recruiter, name, content):
    client.force_login(recruiter)

    response = _upload(client, ada, name, content)

    assert response.status_code == 302
    assert not Resume.objects.exists()
    assert _stored_files() == []
    shown = [str(m) for m in response.wsgi_request._messages]
    assert len(shown) == 1 and "uploaded" not in shown[0], shown


@pytest.mark.parametrize(
    "name, content, kind, content_type",
    [
        ("Ada Byron CV.pdf", PDF, "pdf", "application/pdf"),
        ("ada.DOCX", DOCX, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("ada.txt", TEXT, "txt", "text/plain; charset=utf-8"),
        ("ada.txt", b"\xef\xbb\xbf" + TEXT, "txt", "text/plain; charset=utf-8"),
    ],
)
def test_a_good_resume_is_kept_and_only_downloaded_as_an_attachment(
    client, ada, recruiter, name, content, kind, content_type
):
    client.force_login(recruiter)

    _upload(client, ada, name, content)

    resume = Resume.objects.get(candidate=ada)
    assert resume.kind == kind and resume.size == len(content) and resume.uploaded_by == recruiter
    assert _stored_files() == [resume.storage_name]
    # Stored under a random name of its own (the upload's name, "ada", could turn up in random hex by chance).
    assert re.fullmatch(rf"\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{kind}", resume.storage_name), resume.storage_name
    response = client.get(reverse("candidates:resume_download", args=[resume.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == content
    page = client.get(ada.get_absolute_url()).content.decode()
    assert resume.original_name in page and "current" in page


def test_the_name_sent_never_reaches_the_storage_and_is_cleaned_for_the_download(ada, recruiter):
    resume = attach_resume(candidate=ada, name="..\\..\\C:\\evil/../../etc/pass wd<script>.txt", content=TEXT, by=None)
    assert resume.original_name == "pass_wdscript.txt"
    assert ".." not in resume.storage_name and resume.storage_name.endswith(".txt")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, ada, recruiter, settings):
    settings.RESUME_MAX_BYTES = 1000
    client.force_login(recruiter)
    response = _upload(client, ada, "big.txt", b"a" * 200_000)
    assert "larger than" in str(list(response.wsgi_request._messages)[0])
    with pytest.raises(PipelineError, match="larger than"):
        attach_resume(candidate=ada, name="big.txt", content=b"a" * 1001, by=recruiter)
    assert not Resume.objects.exists() and _stored_files() == []


def test_a_new_upload_becomes_current_and_the_earlier_one_is_kept(ada, recruiter):
    first = attach_resume(candidate=ada, name="old.pdf", content=PDF, by=recruiter)
    second = attach_resume(candidate=ada, name="new.txt", content=TEXT, by=recruiter)
    assert list(ada.resumes.all()) == [second, first]
    assert len(_stored_files()) == 2


def test_resumes_follow_the_person_when_duplicates_are_merged(ada, recruiter):
    twin = create_candidate(by=recruiter, first_name="Ada", last_name="Byron", email="ADA@example.com")
    resume = attach_resume(candidate=twin, name="cv.pdf", content=PDF, by=recruiter)
    merge_candidates(keep=ada, merge=twin, by=recruiter)
    resume.refresh_from_db()
    assert resume.candidate == ada
    with pytest.raises(PipelineError, match="merged into another"):
        attach_resume(candidate=twin, name="cv.pdf", content=PDF, by=recruiter)


def test_who_may_download_and_upload(client, ada, recruiter, hm, hiring_manager, finance, hr, interviewer):
    resume = attach_resume(candidate=ada, name="cv.pdf", content=PDF, by=recruiter)
    download = reverse("candidates:resume_download", args=[resume.pk])
    expected = {recruiter: 200, hm: 200, hr: 200, finance: 403, interviewer: 404, hiring_manager: 404}
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(download).status_code == status, user
        page = client.get(ada.get_absolute_url())
        if page.status_code == 200:
            assert (download in page.content.decode()) == (status == 200), user
    for user, status in {hm: 403, finance: 403, interviewer: 404, hiring_manager: 404, hr: 302}.items():
        client.force_login(user)
        assert _upload(client, ada, "cv.pdf", PDF).status_code == status, user
    assert Resume.objects.count() == 2  # the first, and HR's
