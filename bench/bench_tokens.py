"""Bearer tokens for the MCP benchmarks, with nothing beyond Python's standard library and the
openssl command line:

- `jwks`: an RS256 key generated per run (openssl), its JWKS served on loopback by a stand-in
  identity provider in a thread, and a token it signed: zava verifies it as it would Entra ID's.
- `dev`: the development secret (AUTH_DEV_HMAC_SECRET) and an HS256 token (hmac).

`server_auth(kind, identity)` returns (environment for `zava --serve`, token, stop function).
The environment uses the sample's variable names only.
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import secrets
import subprocess
import tempfile
import threading
import time

AUDIENCE = "api://zava-bench"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(issuer: str, identity: str, lifetime: int = 6 * 3600) -> dict:
    now = int(time.time())
    return {"iss": issuer, "aud": AUDIENCE, "sub": "bench-user", "iat": now, "nbf": now, "exp": now + lifetime,
            "rls_user_id": identity}


def signing_input(header: dict, payload: dict) -> bytes:
    return (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())).encode()


def rsa_key(directory: str) -> tuple[str, dict]:
    """A 2048-bit RSA key file and its public JWK."""
    path = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path],
                   check=True, capture_output=True)
    modulus = subprocess.run(["openssl", "rsa", "-in", path, "-noout", "-modulus"], check=True, capture_output=True,
                             text=True).stdout.strip().split("=", 1)[1]
    return path, {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "bench-1", "n": b64url(bytes.fromhex(modulus)),
                  "e": b64url((65537).to_bytes(3, "big"))}


def serve_jwks(jwk: dict) -> tuple[str, http.server.ThreadingHTTPServer]:
    """An issuer on a free loopback port serving /keys; returns its URL and the server."""
    body = json.dumps({"keys": [jwk]}).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/keys" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) if self.path == "/keys" else 0))
            self.end_headers()
            if self.path == "/keys":
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def server_auth(kind: str, identity: str):
    """(environment, token, stop) for a server in `kind` mode (none, jwks, dev)."""
    if kind == "none":
        return {}, None, lambda: None
    if kind == "dev":
        secret = secrets.token_urlsafe(32)
        header = {"alg": "HS256", "typ": "JWT"}
        data = signing_input(header, claims("zava-dev", identity))
        token = data.decode() + "." + b64url(hmac.new(secret.encode(), data, hashlib.sha256).digest())
        return {"AUTH_DEV_HMAC_SECRET": secret, "AZURE_AUDIENCE": AUDIENCE}, token, lambda: None
    if kind == "jwks":
        directory = tempfile.mkdtemp(prefix="zava-bench-key-")
        key, jwk = rsa_key(directory)
        issuer, server = serve_jwks(jwk)
        data = signing_input({"alg": "RS256", "typ": "JWT", "kid": jwk["kid"]}, claims(issuer, identity))
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=data, check=True,
                                   capture_output=True).stdout
        environment = {"AUTH_ISSUER": issuer, "AUTH_JWKS_URI": issuer + "/keys", "AZURE_AUDIENCE": AUDIENCE}
        return environment, data.decode() + "." + b64url(signature), server.shutdown
    raise SystemExit(f"unknown auth mode {kind}: none, jwks or dev")
