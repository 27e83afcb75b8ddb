"""docs/troubleshooting.md covers every error message a user can meet in the CLI and the server:
the messages are read from the source by tests/docs/user_messages.py (so a new message fails this
test until it is documented), and every portable provider error code has its own entry."""

from __future__ import annotations

import re

from tests.docs.user_messages import ROOT, error_codes, user_messages

DOC = ROOT / "docs" / "troubleshooting.md"


def _normal(text: str) -> str:
    # Markdown may wrap a message across lines and quote it in backticks; neither changes it.
    return re.sub(r"\s+", " ", text.replace("`", "")).lower()


def test_the_extraction_finds_the_messages_it_is_meant_to_find() -> None:
    # Otherwise a broken extractor would make the next test pass with nothing to check.
    keys = {m.key for m in user_messages()}
    for expected in ("cannot listen on", "settings are invalid", "nothing to back up: no area keeps local data (",
                     "names no directory", "another cozelite server (pid", "invalid or expired signature"):
        assert expected in keys, f"{expected!r} not extracted"
    assert len(keys) >= 80


def test_every_user_facing_message_is_in_the_troubleshooting_guide() -> None:
    doc = _normal(DOC.read_text())
    missing = [m for m in user_messages() if _normal(m.key) not in doc]
    assert not missing, (
        f"docs/troubleshooting.md lacks {len(missing)} user-facing message(s); add each (its text, cause and fix):\n"
        + "\n".join(f"  {m.path}:{m.line}: {m.key!r}  (message: {m.text!r})" for m in missing))


def test_every_provider_error_code_has_an_entry() -> None:
    doc = DOC.read_text()
    codes = error_codes()
    assert "INVALID_ARGUMENT" in codes and "UNAVAILABLE" in codes
    missing = [c for c in codes if f"### {c}" not in doc]
    assert not missing, f"docs/troubleshooting.md has no '### CODE' entry for: {', '.join(missing)}"
