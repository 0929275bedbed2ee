"""A stand-in OpenTelemetry collector: OTLP/HTTP (protobuf) on loopback, for the tests.

    python otlp_receiver.py <port file> <output file>

Listens on a free port (written to <port file> once listening), decodes every export request
with PyPI's opentelemetry-proto and appends one JSON object per span, metric and log record to
<output file>, plus one {"kind": "connection"} per accepted connection. With
OTLP_RECEIVER_COUNT=1 (the benchmarks) a trace export is still decoded but written as one
{"kind": "spans", "count": n}: a collector's work, not a test's.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

port_file, output = sys.argv[1], sys.argv[2]
count_only = os.environ.get("OTLP_RECEIVER_COUNT") == "1"


def value(any_value):
    kind = any_value.WhichOneof("value")
    if kind is None:
        return None
    raw = getattr(any_value, kind)
    if kind in ("array_value", "kvlist_value"):
        return str(raw)
    if kind == "bytes_value":
        return raw.hex()
    return raw


def attributes(items):
    return {item.key: value(item.value) for item in items}


def emit(records):
    with open(output, "a") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        emit([{"kind": "connection"}])

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        records = []
        if self.path == "/v1/traces":
            request = trace_service_pb2.ExportTraceServiceRequest.FromString(body)
            reply = trace_service_pb2.ExportTraceServiceResponse()
            if count_only:
                records.append({"kind": "spans", "count": sum(len(scope.spans) for resource_spans in request.resource_spans
                                                              for scope in resource_spans.scope_spans)})
            for resource_spans in [] if count_only else request.resource_spans:
                resource = attributes(resource_spans.resource.attributes)
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        records.append({"kind": "span", "name": span.name, "trace_id": span.trace_id.hex(),
                                        "span_id": span.span_id.hex(), "parent_span_id": span.parent_span_id.hex(),
                                        "span_kind": span.kind, "status": span.status.code,
                                        "attributes": attributes(span.attributes), "resource": resource,
                                        "events": [{"name": event.name, "attributes": attributes(event.attributes)}
                                                   for event in span.events]})
        elif self.path == "/v1/metrics":
            request = metrics_service_pb2.ExportMetricsServiceRequest.FromString(body)
            reply = metrics_service_pb2.ExportMetricsServiceResponse()
            for resource_metrics in request.resource_metrics:
                for scope_metrics in resource_metrics.scope_metrics:
                    for metric in scope_metrics.metrics:
                        records.append({"kind": "metric", "name": metric.name, "data": metric.WhichOneof("data")})
        elif self.path == "/v1/logs":
            request = logs_service_pb2.ExportLogsServiceRequest.FromString(body)
            reply = logs_service_pb2.ExportLogsServiceResponse()
            for resource_logs in request.resource_logs:
                for scope_logs in resource_logs.scope_logs:
                    for log in scope_logs.log_records:
                        records.append({"kind": "log", "body": value(log.body), "trace_id": log.trace_id.hex()})
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        emit(records)
        data = reply.SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
