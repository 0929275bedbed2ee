#!/usr/bin/env python3
"""Two zava servers, one load, alternating: is a server option (or a build) faster, and by how much CPU?

    python3 bench/mcp_ab.py --a "" --b "--http-threads 2" [--clients 1,8,32] [--rounds 4] [--seconds 3]
                            [--zava-a PATH] [--zava-b PATH] [--stateful] [--a-auth none|jwks|dev] [--b-auth ...]
                            [--tool query|analytic|date] [--env-a "K=V ..."] [--env-b "K=V ..."] [--collector|--collector-counts]

Starts `zava --serve --no-repl --stateless` twice over the embedded cluster (`zava db init` first,
release builds of `zava` and `zava-bench`), A with the flags of `--a`, B with those of `--b` (and
the binaries of `--zava-a`/`--zava-b`, to compare builds). For each client count it runs the load of
bench/mcp_throughput.py (`zava-bench mcp`, execute_sales_query point queries as Seattle) against A,
then B, `--rounds` times, and prints each run's calls/s, p50 and CPU per call of the server and of
PostgreSQL, then the medians. Running the two back to back, many times, is what makes a 5-10%
difference visible on a shared machine where one run can be off by 30%: compare the CPU per call
first, it is the steadier figure.

`--env-a`/`--env-b` give a server environment variables (the audit trail, OpenTelemetry).
`--collector` starts the tests' stand-in OTLP collector (Tests/zavaTests/Fixtures/otlp_receiver.py,
with the venv's Python) and replaces `{collector}` in those values with its port, e.g.
`--collector --env-b "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{collector} OTEL_TRACES_SAMPLER=always_on"`.
`--collector-counts` has it decode each export but only count its spans (OTLP_RECEIVER_COUNT=1):
the per-span JSON the tests read costs the shared cores more than a real collector elsewhere would.

`--a-auth`/`--b-auth` choose how that server learns the identity: `none` (the x-rls-user-id header),
`jwks` (verified RS256 tokens: a key generated per run, its JWKS served on loopback, the server
configured with AUTH_ISSUER, AUTH_JWKS_URI and AZURE_AUDIENCE, every call carrying the token) or
`dev` (AUTH_DEV_HMAC_SECRET and an HS256 token); see bench/bench_tokens.py. `--tool date` calls
get_current_utc_date instead of the point query: the endpoint's own cost, without the database.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_tokens import server_auth  # noqa: E402
from mcp_throughput import ROOT, SEATTLE, CPUMeter, SwiftLoad, percentile, start_server  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", default="", help="flags of server A")
    parser.add_argument("--b", default="", help="flags of server B")
    parser.add_argument("--zava-a", default=os.path.join(ROOT, ".build/release/zava"))
    parser.add_argument("--zava-b", default=os.path.join(ROOT, ".build/release/zava"))
    parser.add_argument("--zava-bench", default=os.path.join(ROOT, ".build/release/zava-bench"))
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--stateful", action="store_true", help="serve stateful (MCP sessions) instead of stateless")
    parser.add_argument("--a-auth", default="none", choices=["none", "jwks", "dev"], help="identity of server A's calls")
    parser.add_argument("--b-auth", default="none", choices=["none", "jwks", "dev"], help="identity of server B's calls")
    parser.add_argument("--tool", default="query", choices=["query", "analytic", "date"],
                        help="the point query, the analytic query (Seattle's 2025 revenue by category) or get_current_utc_date")
    parser.add_argument("--env-a", default="", help="environment of server A: K=V pairs")
    parser.add_argument("--env-b", default="", help="environment of server B: K=V pairs")
    parser.add_argument("--collector", action="store_true", help="start the stand-in OTLP collector ({collector} is its port)")
    parser.add_argument("--collector-counts", action="store_true", help="the collector only counts spans (implies --collector)")
    args = parser.parse_args()

    servers, identities, stops = {}, {}, []
    collector = None
    scratch = tempfile.mkdtemp(prefix="zava-ab-")
    try:
        port_value = ""
        if args.collector or args.collector_counts:
            python = os.environ.get("ZAVA_VENV", os.path.join(ROOT, ".zava/venv")) + "/bin/python"
            port_file = os.path.join(scratch, "collector.port")
            collector = subprocess.Popen([python, os.path.join(ROOT, "Tests/zavaTests/Fixtures/otlp_receiver.py"), port_file,
                                          os.path.join(scratch, "received.jsonl")],
                                         env={**os.environ, "OTLP_RECEIVER_COUNT": "1" if args.collector_counts else "0"})
            while not os.path.exists(port_file):
                time.sleep(0.1)
            port_value = open(port_file).read().strip()
        for name, binary, flags, auth, env in (("A", args.zava_a, args.a, args.a_auth, args.env_a),
                                               ("B", args.zava_b, args.b, args.b_auth, args.env_b)):
            environment, token, stop = server_auth(auth, SEATTLE)
            stops.append(stop)
            extra = dict(pair.split("=", 1) for pair in shlex.split(env.replace("{collector}", port_value)))
            identities[name] = f"bearer:{token}" if token else SEATTLE
            servers[name] = start_server(binary, ([] if args.stateful else ["--stateless"]) + shlex.split(flags),
                                         {**environment, **extra})
            print(f"# {name}: {' '.join(f'{k}=...' for k in sorted(environment))} {env} {binary} --serve "
                  f"{'' if args.stateful else '--stateless '}{flags}  (identity: {auth if token else 'x-rls-user-id header'})", flush=True)
        for clients in (int(c) for c in args.clients.split(",")):
            results = {name: [] for name in servers}
            for _ in range(args.rounds):
                for name, (port, server) in servers.items():
                    meter = CPUMeter(server.pid)
                    rate, latencies, errors = SwiftLoad(args.zava_bench, port, clients, 200_000, tool=args.tool,
                                                        identity=identities[name]).run(args.seconds)
                    _, server_ms, pg_ms = meter.per_call_ms(len(latencies), child_process=True)
                    p50 = percentile(latencies, 0.5)
                    results[name].append((rate, p50, server_ms, pg_ms))
                    print(f"{name} c={clients:<3} {rate:7.0f} calls/s  p50 {p50:6.2f} ms  CPU ms/call: server {server_ms:.3f}, "
                          f"postgres {pg_ms:.3f}  errors {len(errors)}", flush=True)
            for name, rows in results.items():
                medians = [statistics.median(row[i] for row in rows) for i in range(4)]
                print(f"median {name} c={clients:<3} {medians[0]:7.0f} calls/s  p50 {medians[1]:6.2f} ms  "
                      f"CPU ms/call: server {medians[2]:.3f}, postgres {medians[3]:.3f}", flush=True)
    finally:
        for _, server in servers.values():
            server.terminate()
            server.wait()
        for stop in stops:
            stop()
        if collector:
            received = os.path.join(scratch, "received.jsonl")
            records = [json.loads(line) for line in open(received)] if os.path.exists(received) else []
            spans = sum(1 if record["kind"] == "span" else record.get("count", 0) for record in records if record["kind"] in ("span", "spans"))
            print(f"# the collector received {spans} spans", flush=True)
            collector.terminate()
            collector.wait()


if __name__ == "__main__":
    main()
