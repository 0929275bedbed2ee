"""Drives zava's MCP endpoint with the official Python MCP SDK (PyPI `mcp`) for the Swift tests.

    python mcp_client.py <scenario> <url> '<json spec>'

prints one JSON report on stdout. Scenarios:
  sessions    - MCP sessions with given headers; list tools and call tools in each
  raw         - raw HTTP requests (hostile clients): status, headers and body of each
  concurrent  - many tool calls at once over several sessions of mixed identities
  disconnect  - start a slow tools/call, drop the connection, report how long it took
  cancel      - start a slow tools/call, cancel it with notifications/cancelled, report its answer
  fastmcp     - the same as sessions, with a second client library (fastmcp's Client)
  interleaved - several keep-alive connections at once, each sending calls under different bearer
                tokens in turn on its one socket (stateless server)

Every call's structured content is checked against its tool's outputSchema (JSON Schema 2020-12).
"""
import asyncio
import json
import signal
import sys
import time
import traceback

import httpx2
from jsonschema import Draft202012Validator
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


def describe(exc: BaseException) -> str:
    """The innermost messages of an exception (anyio wraps errors in groups)."""
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(describe(e) for e in exc.exceptions)
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def tool_result(result, schema=None) -> dict:
    texts = [c.text for c in result.content if getattr(c, "type", "") == "text"]
    structured = getattr(result, "structured_content", None)
    report = {"isError": bool(result.is_error), "text": "\n".join(texts), "structured": structured is not None}
    if schema is not None and structured is not None:
        report["schemaErrors"] = [e.message for e in Draft202012Validator(schema).iter_errors(structured)]
    return report


async def one_session(url: str, case: dict) -> dict:
    report = {"name": case.get("name", "")}
    try:
        async with create_mcp_http_client(headers=case.get("headers") or {}) as http:
            async with Client(streamable_http_client(url, http_client=http), mode=case.get("mode", "legacy")) as client:
                report["server"] = client.server_info.name if client.server_info else None
                report["protocol"] = str(client.session.protocol_version)
                listing = await client.list_tools()
                schemas = {t.name: t.output_schema for t in listing.tools}
                if case.get("list_tools"):
                    report["tools"] = [
                        {"name": t.name, "description": t.description or "",
                         "readOnly": bool(t.annotations and t.annotations.read_only_hint),
                         "params": sorted((t.input_schema or {}).get("properties", {}).keys()),
                         "required": sorted((t.input_schema or {}).get("required", []))}
                        for t in listing.tools
                    ]
                calls = []
                for call in case.get("calls", []):
                    try:
                        calls.append(tool_result(await client.call_tool(call["tool"], call.get("args")), schemas.get(call["tool"])))
                    except Exception as exc:  # a JSON-RPC error, not a tool error
                        calls.append({"rpcError": describe(exc)})
                report["calls"] = calls
    except BaseException as exc:
        report["error"] = describe(exc)
        if case.get("trace"):
            report["error"] += "\n" + "".join(traceback.format_exception(exc))
    return report


async def scenario_sessions(url: str, spec: dict) -> dict:
    return {"sessions": [await one_session(url, case) for case in spec["cases"]]}


INIT = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "zava-tests", "version": "1"}}}
STREAM_ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


async def open_raw_session(http: httpx2.AsyncClient, url: str, headers: dict) -> dict:
    """initialize + notifications/initialized by hand; returns the headers later requests need."""
    response = await http.post(url, headers={**STREAM_ACCEPT, **headers}, content=json.dumps(INIT))
    session = response.headers.get("mcp-session-id")
    follow = {**STREAM_ACCEPT, **headers, "MCP-Protocol-Version": "2025-06-18"}
    if session:
        follow["Mcp-Session-Id"] = session
    await http.post(url, headers=follow, content=json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
    return follow


async def raw_socket(url: str, case: dict) -> dict:
    """Bytes straight onto a TCP connection (requests no HTTP client would send); the status
    line of the answer, or how the connection ended."""
    hostport = url.split("//", 1)[1].split("/", 1)[0]
    host, port = hostport.rsplit(":", 1)
    payload = case["socket"].replace("{port}", port).encode()
    if "pad" in case:
        payload = payload.replace(b"{pad}", b"a" * case["pad"])
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(payload)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(65536), timeout=10)
    except (ConnectionError, asyncio.TimeoutError) as exc:
        return {"name": case.get("name", ""), "error": describe(exc)}
    finally:
        writer.close()
    line = data.split(b"\r\n", 1)[0].decode(errors="replace")
    if not line.startswith("HTTP/"):
        return {"name": case.get("name", ""), "error": "closed without an answer" if not data else line}
    return {"name": case.get("name", ""), "status": int(line.split()[1]),
            "body": data.split(b"\r\n\r\n", 1)[-1].decode(errors="replace")[:2000]}


async def chunked(total: int):
    chunk = b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"' + b"x" * 65536
    yield chunk
    sent = len(chunk)
    while sent < total:
        yield b"x" * 65536
        sent += 65536
    yield b'"}}'


async def scenario_raw(url: str, spec: dict) -> dict:
    results = []
    async with httpx2.AsyncClient(timeout=30) as http:
        for case in spec["cases"]:
            if "socket" in case:
                results.append(await raw_socket(url, case))
                continue
            headers = dict(case.get("headers") or {})
            if case.get("session"):
                headers = {**(await open_raw_session(http, url, headers)), **(case.get("override") or {})}
            else:
                headers = {**STREAM_ACCEPT, **headers}
            for name in case.get("drop", []):
                headers.pop(name, None)
            if "header_pairs" in case:
                headers = [*headers.items(), *[tuple(pair) for pair in case["header_pairs"]]]
            if "chunked_bytes" in case:
                body = chunked(case["chunked_bytes"])
            elif "nested" in case:
                depth = case["nested"]
                body = ('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":' + "[" * depth + "]" * depth + "}}").encode()
            elif "raw_body" in case:
                body = bytes.fromhex(case["raw_body"])
            elif "body_bytes" in case:
                body = b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"' + b"x" * case["body_bytes"] + b'"}}'
            elif "body" in case:
                body = case["body"] if isinstance(case["body"], str) else json.dumps(case["body"])
                body = body.encode()
            else:
                body = None
            target = url if "path" not in case else url.rsplit("/", 1)[0] + case["path"]
            try:
                started = time.monotonic()
                response = await http.request(case.get("method", "POST"), target, headers=headers, content=body)
                results.append({"name": case.get("name", ""), "status": response.status_code,
                                "headers": {k.lower(): v for k, v in response.headers.items()},
                                "body": response.text[:200000], "seconds": time.monotonic() - started})
            except Exception as exc:
                results.append({"name": case.get("name", ""), "error": describe(exc)})
    return {"raw": results}


async def scenario_concurrent(url: str, spec: dict) -> dict:
    """spec: {"identities": [...], "sessions_per_identity": n, "calls_per_session": m, "sql": "..."}"""
    async def run_session(identity: str):
        async with create_mcp_http_client(headers={"x-rls-user-id": identity}) as http:
            async with Client(streamable_http_client(url, http_client=http), mode="legacy") as client:
                async def one():
                    try:
                        return tool_result(await client.call_tool("execute_sales_query", {"postgresql_query": spec["sql"]}))
                    except Exception as exc:
                        return {"rpcError": describe(exc)}
                return identity, await asyncio.gather(*(one() for _ in range(spec["calls_per_session"])))

    started = time.monotonic()
    outcomes = await asyncio.gather(*(run_session(identity)
                                      for identity in spec["identities"]
                                      for _ in range(spec["sessions_per_identity"])), return_exceptions=True)
    report = {"seconds": time.monotonic() - started, "results": [], "failures": []}
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            report["failures"].append(describe(outcome))
        else:
            identity, calls = outcome
            report["results"].append({"identity": identity, "calls": calls})
    return report


def raw_post(url: str, headers: dict, body: bytes) -> bytes:
    """One POST as HTTP/1.1 bytes, so a test can send it on a socket it controls."""
    target = httpx2.URL(url)
    head = {**headers, "Host": f"{target.host}:{target.port}", "Content-Length": str(len(body)), "Connection": "keep-alive"}
    return (f"POST {target.raw_path.decode()} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items())
            + "\r\n").encode() + body


async def scenario_disconnect(url: str, spec: dict) -> dict:
    """Sends a slow call on its own connection and closes that connection mid-call, before any
    answer (JSON or SSE) can have arrived."""
    headers = {"x-rls-user-id": spec["identity"]}
    async with httpx2.AsyncClient(timeout=30) as setup:
        follow = await open_raw_session(setup, url, headers)
    call = {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
            "params": {"name": "execute_sales_query", "arguments": {"postgresql_query": spec["sql"]}}}
    target = httpx2.URL(url)
    started = time.monotonic()
    reader, writer = await asyncio.open_connection(target.host, target.port)
    writer.write(raw_post(url, follow, json.dumps(call).encode()))
    await writer.drain()
    await asyncio.sleep(spec.get("after", 0.5))
    writer.close()
    return {"closed_after": time.monotonic() - started, "session_headers": follow}


async def scenario_cancel(url: str, spec: dict) -> dict:
    """Starts a slow call, then sends notifications/cancelled for it in the same session;
    reports the call's answer."""
    headers = {"x-rls-user-id": spec["identity"]}
    async with httpx2.AsyncClient(timeout=60) as http:
        follow = await open_raw_session(http, url, headers)
        call = {"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                "params": {"name": "execute_sales_query", "arguments": {"postgresql_query": spec["sql"]}}}
        started = time.monotonic()
        pending = asyncio.create_task(http.post(url, headers=follow, content=json.dumps(call)))
        await asyncio.sleep(spec.get("after", 0.5))
        cancel = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 7, "reason": "test"}}
        await http.post(url, headers=follow, content=json.dumps(cancel))
        response = await pending
        return {"raw": [{"name": "call", "status": response.status_code, "seconds": time.monotonic() - started,
                         "headers": {k.lower(): v for k, v in response.headers.items()}, "body": response.text}]}


async def scenario_fastmcp(url: str, spec: dict) -> dict:
    """fastmcp's client: list the tools and call each, per identity."""
    from fastmcp import Client as FastClient
    from fastmcp.client.transports import StreamableHttpTransport

    sessions = []
    for case in spec.get("cases", []):
        report = {"name": case.get("name", "")}
        try:
            async with FastClient(StreamableHttpTransport(url, headers=case.get("headers") or {})) as client:
                tools = await client.list_tools()
                schemas = {t.name: t.output_schema for t in tools}
                report["protocol"] = str(getattr(client, "protocol_version", None) or "")
                report["tools"] = [{"name": t.name, "description": t.description or "", "readOnly": bool(t.annotations and t.annotations.read_only_hint),
                                    "params": sorted((t.input_schema or {}).get("properties", {}).keys()),
                                    "required": sorted((t.input_schema or {}).get("required", []))} for t in tools]
                calls = []
                for call in case.get("calls", []):
                    try:
                        result = await client.call_tool_mcp(call["tool"], call.get("args") or {})
                        calls.append(tool_result(result, schemas.get(call["tool"])))
                    except Exception as exc:
                        calls.append({"rpcError": describe(exc)})
                report["calls"] = calls
        except BaseException as exc:
            report["error"] = describe(exc)
        sessions.append(report)
    return {"sessions": sessions}


async def read_answer(reader: asyncio.StreamReader) -> tuple:
    """One HTTP/1.1 answer with a Content-Length body: (status, headers, body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(lines[0].split()[1]), headers, body.decode()


async def scenario_interleaved(url: str, spec: dict) -> dict:
    """spec: {"tokens": [{"identity", "token"}], "connections": n, "rounds": m, "sql": "..."}. Each
    connection sends, round after round, one call per token (its own rotation of the list), all on
    the same socket; every answer is reported with the identity whose token asked."""
    target = httpx2.URL(url)

    async def connection(index: int) -> list:
        reader, writer = await asyncio.open_connection(target.host, target.port)
        tokens = spec["tokens"][index % len(spec["tokens"]):] + spec["tokens"][:index % len(spec["tokens"])]
        answers = []
        try:
            for round_ in range(spec["rounds"]):
                for number, entry in enumerate(tokens):
                    whoami = (round_ + number) % 2 == 1
                    params = {"name": "whoami"} if whoami else \
                        {"name": "execute_sales_query", "arguments": {"postgresql_query": spec["sql"]}}
                    call = {"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": params}
                    headers = {**STREAM_ACCEPT, "MCP-Protocol-Version": "2025-06-18",
                               "Authorization": f"Bearer {entry['token']}", **(entry.get("headers") or {})}
                    writer.write(raw_post(url, headers, json.dumps(call).encode()))
                    await writer.drain()
                    status, answer_headers, body = await read_answer(reader)
                    answers.append({"identity": entry["identity"], "connection": index, "tool": params["name"],
                                    "status": status, "body": body, "closing": answer_headers.get("connection") == "close"})
        finally:
            writer.close()
        return answers

    outcomes = await asyncio.gather(*(connection(i) for i in range(spec["connections"])), return_exceptions=True)
    report = {"answers": [], "failures": []}
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            report["failures"].append(describe(outcome))
        else:
            report["answers"].extend(outcome)
    return report


def dump_tasks_on_sigterm() -> None:
    """When the Swift side gives up on this client (SIGTERM after its timeout), say where every
    task was waiting, so a hang is a stack instead of an empty stderr."""
    loop = asyncio.get_running_loop()

    def dump() -> None:
        for task in asyncio.all_tasks(loop):
            print(f"--- task {task.get_name()}", file=sys.stderr)
            awaited = task.get_coro()
            while awaited is not None:  # the chain of awaits, outermost first
                frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "ag_frame", None)
                if frame is not None:
                    print(f"  {frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}", file=sys.stderr)
                awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "ag_await", None)
        sys.stderr.flush()
        raise SystemExit(143)

    loop.add_signal_handler(signal.SIGTERM, dump)


async def main() -> None:
    dump_tasks_on_sigterm()
    # The spec comes in a file (a statement of the attack catalogue is longer than an argument may be).
    scenario, url = sys.argv[1], sys.argv[2]
    spec = json.loads(open(sys.argv[3], encoding="utf-8").read()) if len(sys.argv) > 3 else {}
    handler = {"sessions": scenario_sessions, "raw": scenario_raw,
               "concurrent": scenario_concurrent, "disconnect": scenario_disconnect,
               "cancel": scenario_cancel, "fastmcp": scenario_fastmcp, "interleaved": scenario_interleaved}[scenario]
    print(json.dumps(await handler(url, spec)))


if __name__ == "__main__":
    asyncio.run(main())
