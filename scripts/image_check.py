"""Drives zava's container over MCP with the official Python SDK (PyPI `mcp`), for
scripts/image-test.sh (the image under podman) and the compose run.

    python scripts/image_check.py URL EXPECTED_JSON
    python scripts/image_check.py --in-flight URL SECONDS   # one slow call, for the SIGTERM test
    python scripts/image_check.py --tokens URL TOKEN EXPECTED_JSON   # a server in verified-token mode (a Seattle token)

EXPECTED_JSON is what the database holds, read as its superuser (so RLS plays no part in it):
    {"stores": {"<rls_user_id>": {"store_id": 1, "name": "...", "orders": 123}, ...},
     "total_orders": 456, "allowed_host": "zava.test:8000"}

For two store identities (Seattle by its rls_user_id as VS Code sends it, 2026-07-28
stateless requests; Redmond by profile name, the 2025-11-25 initialize path) and head office,
it calls the sample's four tools and checks each answer against the database: the identity's own
orders only, with their exact count; the schema; the date; a semantic search that finds drills
with the image's model. Then raw HTTP: no identity is refused (401), a Host outside the
allow-list gets 421, a Host allowed by ZAVA_ALLOWED_HOSTS passes.
Prints one line per check and `mcp: N passed, M failed`; exits 1 on any failure.
"""
import asyncio
import datetime
import json
import sys

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

SAMPLE_TOOLS = {"get_multiple_table_schemas", "execute_sales_query", "get_current_utc_date", "semantic_search_products"}
PER_STORE = "SELECT store_id, count(*) AS orders FROM retail.orders GROUP BY store_id ORDER BY store_id"

results = []


def check(name: str, ok: bool, detail: str = "") -> None:
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""), flush=True)


def text_of(result) -> str:
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def identity_checks(url: str, label: str, header: str, mode: str, expected: dict, store: dict | None) -> None:
    async with create_mcp_http_client(headers={"x-rls-user-id": header}) as http:
        async with Client(streamable_http_client(url, http_client=http), mode=mode) as client:
            protocol = str(client.session.protocol_version)
            tools = {t.name for t in (await client.list_tools()).tools}
            check(f"{label}: lists the sample's four tools ({protocol})", SAMPLE_TOOLS <= tools, f"{sorted(tools)}")

            answer = await client.call_tool("execute_sales_query", {"postgresql_query": PER_STORE})
            body = json.loads(text_of(answer)) if not answer.is_error else {}
            rows = body.get("r", [])
            if store is None:
                want = sorted([s["store_id"], s["orders"]] for s in expected["stores"].values() if s["orders"] > 0)
                check(f"{label}: execute_sales_query sees every store's orders ({expected['total_orders']})",
                      rows == want, f"got {rows}, want {want}")
            else:
                want = [[store["store_id"], store["orders"]]]
                check(f"{label}: execute_sales_query sees its own store only, {store['orders']} orders",
                      rows == want and store["orders"] > 0, f"got {rows}, want {want}")

            answer = await client.call_tool("get_current_utc_date", {})
            text = text_of(answer)
            try:
                now = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
                skew = abs((now - datetime.datetime.now(datetime.timezone.utc)).total_seconds())
            except ValueError:
                skew = None
            check(f"{label}: get_current_utc_date is now, in UTC", skew is not None and skew < 120, text)

            answer = await client.call_tool("get_multiple_table_schemas", {"table_names": ["retail.orders", "retail.stores"]})
            text = text_of(answer)
            check(f"{label}: get_multiple_table_schemas describes the tables",
                  not answer.is_error and "Table retail.orders" in text and "order_date" in text and "rls_user_id" in text,
                  text[:300])

            answer = await client.call_tool("semantic_search_products", {"query_description": "cordless drill", "max_rows": 5})
            body = json.loads(text_of(answer)) if not answer.is_error else {"err": text_of(answer)}
            columns = body.get("c", [])
            names = [dict(zip(columns, row)).get("product_name", "") for row in body.get("r", [])]
            stock = "stock_all_stores" if store is None else "stock"
            check(f"{label}: semantic_search_products finds drills with the image's model, {stock} column",
                  any("drill" in n.lower() for n in names) and "similarity" in columns and stock in columns,
                  json.dumps(body)[:300])


async def raw_checks(url: str, expected: dict) -> None:
    list_tools = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    base = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "image-check", "version": "1"}}}
    async with httpx2.AsyncClient(timeout=10) as http:
        response = await http.post(url, headers=base, json=initialize)
        check("no identity: refused with 401", response.status_code == 401, f"{response.status_code} {response.text[:200]}")
        response = await http.post(url, headers={**base, "x-rls-user-id": "seattle", "Host": "attacker.example:8000"}, json=initialize)
        check("a Host outside the allow-list: 421", response.status_code == 421, f"{response.status_code} {response.text[:200]}")
        response = await http.post(url, headers={**base, "x-rls-user-id": "seattle", "Host": expected["allowed_host"]}, json=initialize)
        check(f"Host {expected['allowed_host']} (ZAVA_ALLOWED_HOSTS) passes", response.status_code == 200,
              f"{response.status_code} {response.text[:200]}")
        response = await http.get(url.rsplit("/", 1)[0] + "/healthz")
        check("/healthz: 200 ok", response.status_code == 200 and '"ok"' in response.text, f"{response.status_code} {response.text}")
        # An orchestrator's HTTP probe names the pod's address as Host, which the Host check refuses
        # on /healthz too; docs/deploy.md has probes send `Host: localhost:8000`, which passes.
        response = await http.get(url.rsplit("/", 1)[0] + "/healthz", headers={"Host": "10.1.2.3:8000"})
        check("/healthz with a Host outside the allow-list: 421 (probes must send Host: localhost:8000)",
              response.status_code == 421, f"{response.status_code} {response.text}")
        response = await http.get(url.rsplit("/", 1)[0] + "/healthz", headers={"Host": "localhost:8000"})
        check("/healthz with Host: localhost:8000, as the documented probes send it: 200",
              response.status_code == 200, f"{response.status_code} {response.text}")


async def in_flight(url: str, seconds: float) -> int:
    """One tool call that runs `seconds` (pg_sleep) while the test sends SIGTERM: a graceful stop
    answers it before the process ends. A plain HTTP request (a 2025-06-18 call without a session,
    which --stateless serves), so nothing but the call itself needs the server: the SDK's client
    opens further connections of its own, which a draining server rightly refuses."""
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "execute_sales_query",
                       "arguments": {"postgresql_query": f"SELECT pg_sleep({seconds}) IS NULL AS slept"}}}
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json",
               "x-rls-user-id": "seattle", "MCP-Protocol-Version": "2025-06-18"}
    async with httpx2.AsyncClient(timeout=30) as http:
        print("in-flight: calling", flush=True)
        response = await http.post(url, headers=headers, json=call)
        result = response.json().get("result", {}) if response.status_code == 200 else {}
        text = "\n".join(c.get("text", "") for c in result.get("content", []))
        print(f"in-flight: HTTP {response.status_code} {text}", flush=True)
        return 0 if response.status_code == 200 and not result.get("isError", True) and '"slept"' in text else 1


async def token_checks(url: str, token: str, expected: dict) -> int:
    """A server in verified-token mode (the development secret): the official client with a
    Seattle token sees Seattle's orders only, even with a header naming head office beside it;
    no token is 401 with the OAuth challenge; a forged signature is 401."""
    bearer = {"Authorization": f"Bearer {token}", "x-rls-user-id": "headoffice"}
    base = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    async with httpx2.AsyncClient(timeout=10) as http:
        for _ in range(200):
            try:
                if (await http.get(url.rsplit("/", 1)[0] + "/healthz")).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            await asyncio.sleep(0.05)
        try:
            async with create_mcp_http_client(headers=bearer) as client_http:
                async with Client(streamable_http_client(url, http_client=client_http)) as client:
                    who = json.loads(text_of(await client.call_tool("whoami", {})))
                    check("token: whoami is seattle and the token's subject, a head-office header beside it ignored",
                          who.get("profile") == "seattle" and "dev-seattle" in json.dumps(who), json.dumps(who)[:300])
                    answer = await client.call_tool("execute_sales_query", {"postgresql_query": PER_STORE})
                    rows = json.loads(text_of(answer)).get("r", []) if not answer.is_error else []
                    seattle = next(s for s in expected["stores"].values() if s["name"] == "Zava Retail Seattle")
                    want = [[seattle["store_id"], seattle["orders"]]]
                    check(f"token: execute_sales_query sees Seattle's {seattle['orders']} orders only", rows == want,
                          f"got {rows}, want {want}")
        except BaseException as exc:  # noqa: BLE001 - reported as a failed check
            check("token: MCP session", False, repr(exc))
        call = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "image-check", "version": "1"}}}
        response = await http.post(url, headers={**base, "x-rls-user-id": "headoffice"}, json=call)
        challenge = response.headers.get("www-authenticate", "")
        check("token: no token is 401 with the Bearer challenge naming the resource metadata",
              response.status_code == 401 and challenge.startswith("Bearer") and "resource_metadata=" in challenge,
              f"{response.status_code} {challenge}")
        forged = token.rsplit(".", 1)[0] + "." + ("A" * 43)
        response = await http.post(url, headers={**base, "Authorization": f"Bearer {forged}"}, json=call)
        check("token: a token with another signature is 401", response.status_code == 401, f"{response.status_code}")
    failed = results.count(False)
    print(f"tokens: {results.count(True)} passed, {failed} failed")
    return 1 if failed or not results else 0


async def main() -> int:
    if sys.argv[1] == "--in-flight":
        return await in_flight(sys.argv[2], float(sys.argv[3]))
    if sys.argv[1] == "--tokens":
        return await token_checks(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
    url, expected = sys.argv[1], json.loads(sys.argv[2])
    by_name = {s["name"]: (uuid, s) for uuid, s in expected["stores"].items()}
    seattle_uuid, seattle = by_name["Zava Retail Seattle"]
    _, redmond = by_name["Zava Retail Redmond"]
    for label, header, mode, store in [("seattle (rls_user_id, 2026-07-28)", seattle_uuid, "auto", seattle),
                                       ("redmond (profile, 2025-11-25)", "redmond", "legacy", redmond),
                                       ("headoffice", "headoffice", "auto", None)]:
        try:
            await identity_checks(url, label, header, mode, expected, store)
        except BaseException as exc:  # noqa: BLE001 - reported as a failed check
            check(f"{label}: MCP session", False, repr(exc))
    await raw_checks(url, expected)
    failed = results.count(False)
    print(f"mcp: {results.count(True)} passed, {failed} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
