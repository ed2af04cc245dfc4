#!/usr/bin/env python3
"""Writes N JSON service-log lines like an ML model server's (timestamp, level, service, model, trace_id, latency_ms,
msg, ...) to stdout or a file. Deterministic for a seed, so runs compare. One in ~20,000 lines says "GPU ECC error",
the rare needle the filter benchmark looks for.
  gen_logs.py N [--out FILE] [--seed S] [--start-ns NS] [--step-ns NS]"""
import argparse, json, random, sys, time

p = argparse.ArgumentParser()
p.add_argument("n", type=int)
p.add_argument("--out")
p.add_argument("--seed", type=int, default=1)
p.add_argument("--start-ns", type=int, default=None)
p.add_argument("--step-ns", type=int, default=1_000_000)
a = p.parse_args()
rnd = random.Random(a.seed)
start = a.start_ns if a.start_ns is not None else time.time_ns() - a.n * a.step_ns
models = ["resnet50-v3", "bert-base-ft", "xgb-churn-7", "llama-8b-q4", "clip-vit-b32"]
routes = ["/v1/predict", "/v1/embed", "/v1/rank", "/healthz"]
msgs = [
    ("info", "request served"), ("info", "batch completed"), ("info", "cache hit for feature vector"),
    ("debug", "tokenized input"), ("warn", "slow response from feature store"), ("warn", "retrying upstream call"),
    ("error", "timeout calling feature store"), ("error", "model returned NaN score"),
]
weights = [40, 15, 10, 15, 8, 5, 4, 3]
out = open(a.out, "w") if a.out else sys.stdout
buf = []
for i in range(a.n):
    level, msg = rnd.choices(msgs, weights)[0]
    if i % 20000 == 19999:
        level, msg = "error", "GPU ECC error on device %d" % rnd.randrange(8)
    ts = start + i * a.step_ns
    secs, ns = divmod(ts, 1_000_000_000)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + ".%09dZ" % ns
    rec = {"timestamp": stamp, "level": level.upper() if rnd.random() < 0.3 else level, "service": "model-server",
           "model": rnd.choice(models), "route": rnd.choice(routes), "trace_id": "%032x" % rnd.getrandbits(128),
           "latency_ms": round(rnd.lognormvariate(3.5, 0.8), 1), "status": 500 if level == "error" else 200,
           "batch_size": rnd.choice([1, 1, 1, 4, 8, 16, 32]), "msg": msg}
    buf.append(json.dumps(rec, separators=(",", ":")))
    if len(buf) >= 10000:
        out.write("\n".join(buf) + "\n"); buf = []
if buf:
    out.write("\n".join(buf) + "\n")
out.close()
