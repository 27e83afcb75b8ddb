"""Documents -> text -> chunks, for the knowledge flows (HTTP-independent, no providers).

`extract_text` turns an upload into plain text by content type: text/plain and text/markdown as
UTF-8 text, text/html without tags, scripts and styles, application/pdf through pypdf (page text).
`split_text` cuts text into chunks of at most `size` characters that overlap by about `overlap`
characters, preferring to cut at a paragraph break, then a line break, then a sentence end, then a
space, so chunks keep whole sentences where they can. Both are bounded: a document yields at most
`MAX_CHUNKS` chunks and `MAX_TEXT_CHARS` characters of text, and a PDF at most `MAX_PDF_PAGES` pages,
so one upload cannot hold a worker for long; past a bound the error says which and how to fix it.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser

CONTENT_TYPES = ("text/plain", "text/markdown", "text/html", "application/pdf")
_BY_SUFFIX = {".txt": "text/plain", ".text": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown",
              ".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf"}
MIN_CHUNK, MAX_CHUNK = 100, 8000
DEFAULT_CHUNK, DEFAULT_OVERLAP = 800, 100
MAX_CHUNKS = 20_000
MAX_TEXT_CHARS = 10_000_000
MAX_PDF_PAGES = 2_000
# Where a cut may go, best first: each pattern's match end is a cut point.
_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?。！？;；](?=\s|$)"), re.compile(r"\s"))


class ChunkingError(ValueError):
    """An upload that cannot be turned into chunks; the message says why and what to do."""


@dataclass(frozen=True)
class Chunk:
    index: int
    text: str
    start: int  # character offsets in the extracted text
    end: int


def content_type_of(declared: str | None, filename: str) -> str:
    """The upload's content type: the declared one when it is supported, else by file suffix."""
    base = (declared or "").split(";")[0].strip().lower()
    if base in CONTENT_TYPES:
        return base
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    raise ChunkingError(f"unsupported document type {base or 'unknown'!r} ({filename!r}); "
                        f"upload one of {', '.join(CONTENT_TYPES)} (or a .txt/.md/.html/.pdf file)")


class _TextOfHTML(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "template", "head"})
    _BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "pre",
              "blockquote", "table", "ul", "ol", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ChunkingError(f"{name!r} is not UTF-8 text; convert it to UTF-8 and upload it again")


def _pdf_text(data: bytes, name: str) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as err:  # pypdf is a dependency; a broken install still gets a clear error
        raise ChunkingError("PDF support needs pypdf (pip install pypdf)") from err
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ChunkingError(f"{name!r} is an encrypted PDF; upload a decrypted copy")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ChunkingError(f"{name!r} has {len(reader.pages)} pages; at most {MAX_PDF_PAGES} (split the file)")
        pages: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            size += len(text)
            if size > MAX_TEXT_CHARS:
                raise ChunkingError(f"{name!r} holds more than {MAX_TEXT_CHARS} characters of text; split the file")
            pages.append(text)
    except ChunkingError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as err:
        raise ChunkingError(f"{name!r} is not a readable PDF ({type(err).__name__}: {err})") from err
    return "\n\n".join(pages)


def extract_text(data: bytes, content_type: str, name: str = "document") -> str:
    """The plain text of an upload of a supported content type."""
    if content_type == "application/pdf":
        text = _pdf_text(data, name)
    else:
        text = _decode(data, name)
        if content_type == "text/html":
            parser = _TextOfHTML()
            parser.feed(text)
            parser.close()
            text = html.unescape("".join(parser.parts))
    text = re.sub(r"[ \t\r\f\v]+", " ", text.replace("\x00", ""))
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ChunkingError(f"{name!r} holds {len(text)} characters of text; at most {MAX_TEXT_CHARS} (split the file)")
    return text


def check_options(size: int, overlap: int) -> None:
    if not MIN_CHUNK <= size <= MAX_CHUNK:
        raise ChunkingError(f"chunk_size must be {MIN_CHUNK}..{MAX_CHUNK} characters, got {size}")
    if not 0 <= overlap <= size // 2:
        raise ChunkingError(f"chunk_overlap must be 0..chunk_size/2 ({size // 2}), got {overlap}")


def _cut(text: str, start: int, limit: int) -> int:
    """The best cut point in text[start:limit]: the last break of the best kind found in the
    window's second half (a cut too early would make tiny chunks), else `limit`."""
    floor = start + (limit - start) // 2
    for pattern in _BREAKS:
        best = -1
        for m in pattern.finditer(text, floor, limit):
            best = m.end()
        if best > floor:
            return best
    return limit


def split_text(text: str, size: int = DEFAULT_CHUNK, overlap: int = DEFAULT_OVERLAP) -> list[Chunk]:
    """Chunks of at most `size` characters, consecutive ones sharing about `overlap` characters."""
    check_options(size, overlap)
    chunks: list[Chunk] = []
    start, n = 0, len(text)
    while start < n:
        while start < n and text[start].isspace():
            start += 1
        if start >= n:
            break
        end = n if n - start <= size else _cut(text, start, start + size)
        piece = text[start:end].strip()
        if piece:
            if len(chunks) >= MAX_CHUNKS:
                raise ChunkingError(f"the document makes more than {MAX_CHUNKS} chunks; use a larger chunk_size "
                                    "or split the file")
            chunks.append(Chunk(len(chunks), piece, start, end))
        if end >= n:
            break
        # The next chunk starts `overlap` characters back, moved forward to a word start so it does
        # not begin mid-word; it always advances.
        nxt = max(end - overlap, start + 1)
        if overlap:
            space = text.find(" ", nxt, end)
            nxt = space + 1 if space != -1 else nxt
        start = nxt
    return chunks
