"""The OpenAI-compatible test server as a real process on a free loopback port."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.netutil import free_port

SERVER = Path(__file__).with_name("openai_server.py")
API_KEY = "sk-test-key"


@pytest.fixture(scope="module")
def openai_port() -> Iterator[int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(SERVER), str(port), API_KEY], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
