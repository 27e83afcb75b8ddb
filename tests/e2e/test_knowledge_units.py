"""The pure parts of the knowledge flows: text extraction and chunking (no server needed)."""

from __future__ import annotations

import itertools

import pytest

from cozelite.flows.chunking import (
    MAX_CHUNK,
    MIN_CHUNK,
    ChunkingError,
    content_type_of,
    extract_text,
    split_text,
)
from cozelite.flows.ingest import CHUNK_ID_SPAN, chunk_id
from tests.e2e.test_knowledge import tiny_pdf


def test_chunks_are_bounded_overlap_and_cover_the_text() -> None:
    text = " ".join(f"Sentence number {i} talks about the sea." for i in range(400))
    chunks = split_text(text, 300, 60)
    assert all(len(c.text) <= 300 for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end <= b.end  # consecutive chunks overlap and advance
        assert a.end - b.start <= 60 + 1
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    # Cuts fall after a sentence end where one is in reach: chunks end with a full stop.
    assert sum(c.text.endswith(".") for c in chunks) >= len(chunks) - 1


def test_paragraph_breaks_are_preferred_and_no_overlap_means_a_partition() -> None:
    paras = [f"Paragraph {i}. " + "word " * 30 for i in range(10)]
    text = "\n\n".join(p.strip() for p in paras)
    chunks = split_text(text, 400, 0)
    assert all(c.text.startswith("Paragraph") for c in chunks)
    assert "".join("".join(c.text.split()) for c in chunks) == "".join(text.split())


def test_a_long_word_is_cut_hard_and_empty_text_has_no_chunks() -> None:
    chunks = split_text("x" * 1000, 100, 0)
    assert [len(c.text) for c in chunks] == [100] * 10
    assert split_text("   \n\n  ", 100, 10) == []


@pytest.mark.parametrize("size, overlap", [(MIN_CHUNK - 1, 0), (MAX_CHUNK + 1, 0), (200, 101), (200, -1)])
def test_bad_options_say_the_range(size: int, overlap: int) -> None:
    with pytest.raises(ChunkingError, match="chunk_"):
        split_text("text", size, overlap)


def test_extraction_by_type() -> None:
    html = ("<html><head><title>T</title><style>b{}</style></head><body><h1>Head</h1><p>One &amp; two</p>"
            "<script>var x = 'hidden';</script><p>Three</p></body></html>")
    assert extract_text(html.encode(), "text/html") == "Head\n\nOne & two\n\nThree"
    assert extract_text("\ufeff# Title\r\n\r\n\r\n\r\nbody\x00".encode(), "text/markdown") == "# Title\n\nbody"
    assert "lighthouse keeper" in extract_text(tiny_pdf("The lighthouse keeper"), "application/pdf")
    with pytest.raises(ChunkingError, match="UTF-8"):
        extract_text(b"caf\xe9 au lait", "text/plain")
    with pytest.raises(ChunkingError, match="not a readable PDF"):
        extract_text(b"%PDF-1.7 garbage", "application/pdf")


def test_content_type_from_declaration_or_suffix() -> None:
    assert content_type_of("text/markdown; charset=utf-8", "x") == "text/markdown"
    assert content_type_of("application/octet-stream", "notes.MD") == "text/markdown"
    assert content_type_of(None, "page.htm") == "text/html"
    with pytest.raises(ChunkingError, match="unsupported document type"):
        content_type_of("image/png", "photo.png")


def test_chunk_ids_are_deterministic_and_disjoint_between_documents() -> None:
    assert chunk_id(7, 3) == chunk_id(7, 3) == 7 * CHUNK_ID_SPAN + 3
    assert chunk_id(7, CHUNK_ID_SPAN - 1) < chunk_id(8, 0)
    assert chunk_id(2**46, CHUNK_ID_SPAN - 1) < 2**63
