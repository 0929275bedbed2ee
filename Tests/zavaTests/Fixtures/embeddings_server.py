"""A local stand-in for an OpenAI-compatible embeddings endpoint (tests only).

Answers POST .../embeddings with deterministic vectors; the first FAIL_FIRST requests get
HTTP 429 (with Retry-After: 0) so the client's retries are exercised. Records every request's
path and headers in LOG (JSON lines). Prints its port on stdout once listening.
"""
import hashlib, json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIMENSION = int(os.environ.get("DIMENSION", "1536"))  # unless the request asks for "dimensions", as OpenAI does
FAIL_FIRST = int(os.environ.get("FAIL_FIRST", "0"))
LOG = os.environ["LOG"]
state = {"requests": 0}


def vector(text, dimension):
    digest = hashlib.sha256(text.encode()).digest()
    return [(digest[i % len(digest)] - 128) / 128.0 for i in range(dimension)]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        state["requests"] += 1
        with open(LOG, "a") as log:
            log.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body}) + "\n")
        if state["requests"] <= FAIL_FIRST:
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "slow down"}}')
            return
        if self.headers.get("Authorization") != "Bearer test-key" and self.headers.get("api-key") != "azure-key":
            self.send_response(401)
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "bad key"}}')
            return
        data = [{"index": i, "embedding": vector(text, body.get("dimensions", DIMENSION))} for i, text in enumerate(body["input"])]
        payload = json.dumps({"data": list(reversed(data)), "model": body.get("model")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
