"""The same push sequence against any Pushgateway-compatible server, with Debian's official Python client.

Usage: /usr/bin/python3 push_sequence.py http://127.0.0.1:PORT
Prints one line per step: "<step> <HTTP status>" (the status the client saw; 200 for success).
"""
import gzip
import struct
import sys
import urllib.error
import urllib.request

from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram, Summary,
                               delete_from_gateway, push_to_gateway, pushadd_to_gateway)

gateway = sys.argv[1]


last = {}


def recording_handler(url, method, timeout, headers, data):
    """The client builds the URL and body; this sends them and keeps the status the server answered."""
    def handle():
        request = urllib.request.Request(url, data=data, method=method)
        for key, value in headers:
            request.add_header(key, value)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            last["status"] = response.status
    return handle


def step(name, action):
    last.clear()
    try:
        action()
        status = last.get("status", 0)
    except urllib.error.HTTPError as e:
        status = e.code
    print(name, status, flush=True)


def raw(method, path, body=b"", headers=None):
    def run():
        request = urllib.request.Request(gateway + path, data=body, method=method, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as response:
            last["status"] = response.status
    return run


def varint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def delimited_protobuf():
    """Two io.prometheus.client.MetricFamily messages, each length-prefixed, encoded by hand."""
    counter = field(1, field(1, b"k") + field(2, b"v")) + field(3, varint(1 << 3 | 1) + struct.pack("<d", 3.0))
    rows = field(1, b"proto_rows_total") + field(2, b"Rows pushed as protobuf.") + varint(3 << 3) + varint(0) + field(4, counter)
    gauge = field(2, varint(1 << 3 | 1) + struct.pack("<d", 0.5))
    ratio = field(1, b"proto_ratio") + varint(3 << 3) + varint(1) + field(4, gauge)
    return varint(len(rows)) + rows + varint(len(ratio)) + ratio


PROTOBUF = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"


def training_registry():
    r = CollectorRegistry()
    loss = Gauge("train_loss", "Training loss at the end of the run.", ["model"], registry=r)
    loss.labels("fraud").set(0.27)
    loss.labels("churn").set(0.41)
    rows = Counter("train_rows", "Rows read by the run.", registry=r)
    rows.inc(12345)
    seconds = Histogram("train_step_seconds", "Step duration.", buckets=[0.1, 1.0, 10.0], registry=r)
    for v in (0.05, 0.5, 0.7, 3.0):
        seconds.observe(v)
    batch = Summary("train_batch_rows", "Rows per batch.", registry=r)
    batch.observe(100)
    batch.observe(300)
    return r


def single(name, value, kind=Gauge, labels=None, help_text="A value."):
    r = CollectorRegistry()
    metric = kind(name, help_text, list(labels or {}), registry=r)
    target = metric.labels(**labels) if labels else metric
    if kind is Counter:
        target.inc(value)
    else:
        target.set(value)
    return r


step("put_training", lambda: push_to_gateway(gateway, job="train", registry=training_registry(), grouping_key={"stage": "eval"}, handler=recording_handler))
step("post_adds_family", lambda: pushadd_to_gateway(gateway, job="train", registry=single("train_auc", 0.91), grouping_key={"stage": "eval"}, handler=recording_handler))
step("post_replaces_family", lambda: pushadd_to_gateway(gateway, job="train", registry=single("train_loss", 0.25, labels={"model": "fraud"}, help_text="Training loss at the end of the run."), grouping_key={"stage": "eval"}, handler=recording_handler))
step("type_conflict", lambda: push_to_gateway(gateway, job="other", registry=single("train_rows_total", 5), handler=recording_handler))
step("base64_job_and_labels", lambda: push_to_gateway(gateway, job="batch/nightly", registry=single("rows_scored", 5000), grouping_key={"path": "/data/in", "empty": "", "instance": "box-1"}, handler=recording_handler))
step("duplicate_series", lambda: push_to_gateway(gateway, job="train", registry=single("train_auc", 0.5, labels={"stage": "eval"}), handler=recording_handler))
step("grouping_overrides_body", raw("PUT", "/metrics/job/override/team/ml", b'# TYPE quality gauge\nquality{job="wrong",team="other",instance="i1"} 3\n'))
step("malformed_body", raw("PUT", "/metrics/job/broken", b"quality{ 1\n"))
step("timestamped_sample", raw("PUT", "/metrics/job/stamped", b"quality 1 1700000000000\n"))
step("no_trailing_newline", raw("PUT", "/metrics/job/cut", b"quality 1"))
step("odd_label_path", raw("PUT", "/metrics/job/x/stage", b"quality 1\n"))
step("improper_label_name", raw("PUT", "/metrics/job/x/1stage/a", b"quality 1\n"))
step("bad_base64", raw("PUT", "/metrics/job@base64/a!b", b"quality 1\n"))
step("gzip_body", raw("PUT", "/metrics/job/zipped", gzip.compress(b"# TYPE zipped_rows counter\nzipped_rows 7\n"), {"Content-Encoding": "gzip"}))
step("protobuf_body", raw("PUT", "/metrics/job/proto", delimited_protobuf(), {"Content-Type": PROTOBUF}))
step("protobuf_truncated", raw("PUT", "/metrics/job/proto2", delimited_protobuf()[:-3], {"Content-Type": PROTOBUF}))
step("collides_with_own_metric", raw("PUT", "/metrics/job/own", b"# TYPE process_cpu_seconds_total gauge\nprocess_cpu_seconds_total 1\n"))
step("scratch_push", lambda: push_to_gateway(gateway, job="scratch", registry=single("scratch_value", 1), handler=recording_handler))
step("delete_scratch", lambda: delete_from_gateway(gateway, job="scratch", handler=recording_handler))
step("delete_missing", lambda: delete_from_gateway(gateway, job="never_pushed", handler=recording_handler))
step("empty_put", raw("PUT", "/metrics/job/emptied/run/1", b"emptied_value 2\n"))
step("empty_put_again", raw("PUT", "/metrics/job/emptied/run/1", b""))
