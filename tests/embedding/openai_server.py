"""A small OpenAI-compatible embeddings server, run as its own process by the tests:
``python tests/embedding/openai_server.py PORT [API_KEY]``. It speaks ``POST /v1/embeddings`` as the
API does (``input`` a string or list, ``model``, optional ``dimensions``; ``data`` rows with
``index`` and ``embedding``, returned in reverse order to check that clients sort by index).

Vectors are a bag of hashed words (16 dimensions by default), so texts sharing words are close: the
tests can check ranking through a real HTTP round trip. Model names drive failures: ``fail500``
answers 500, ``flaky`` fails every other request with 503, ``short`` returns one row too few;
``slow`` answers after 1 s (a model that keeps an indexer busy, for crash tests).
Prints ``READY`` on stdout once listening.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTS = {"requests": 0}


def vector(text: str, dim: int) -> list[float]:
    out = [0.0] * dim
    for word in re.findall(r"\w+", text.lower()):
        h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big")
        out[h % dim] += 1.0
    return out


class Handler(BaseHTTPRequestHandler):
    api_key: str | None = None

    def log_message(self, *args: object) -> None:
        return None

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        COUNTS["requests"] += 1
        if self.path != "/v1/embeddings":
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        if self.api_key and self.headers.get("Authorization") != f"Bearer {self.api_key}":
            self._send(401, {"error": {"message": "Incorrect API key provided"}})
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        model = body.get("model")
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        if model == "fail500":
            self._send(500, {"error": {"message": "model crashed"}})
            return
        if model == "flaky" and COUNTS["requests"] % 2 == 1:
            self._send(503, {"error": {"message": "overloaded"}})
            return
        if model == "slow":
            time.sleep(1.0)
        if model == "unknown":
            self._send(404, {"error": {"message": "model 'unknown' not found"}})
            return
        dim = int(body.get("dimensions") or 16)
        rows = [{"object": "embedding", "index": i, "embedding": vector(t, dim)} for i, t in enumerate(inputs)]
        if model == "short":
            rows = rows[:-1]
        rows.reverse()
        self._send(200, {"object": "list", "data": rows, "model": model,
                         "usage": {"prompt_tokens": 0, "total_tokens": 0}})

    def do_GET(self) -> None:
        self._send(200, {"requests": COUNTS["requests"]})


def main() -> None:
    port = int(sys.argv[1])
    Handler.api_key = sys.argv[2] if len(sys.argv) > 2 else None
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("READY", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
