#!/usr/bin/env python3
"""Start-to-ready of `mlobs serve` on an empty data dir: exec until the first 200 from /-/ready.

The probe polls over a raw socket every 0.5 ms from one process. A bash loop that forks `sleep` and `date` per
try (the first probe used) adds 30-40 ms on this VM, more than a third of the thing measured.
Usage: bench/ready.py BINARY HOST:PORT WORKDIR [RUNS]   prints the median in ms, then every run.
"""
import os, shutil, socket, statistics, subprocess, sys, time

binary, listen, work = sys.argv[1], sys.argv[2], sys.argv[3]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
host, port = listen.rsplit(":", 1)
times = []
for i in range(runs):
    data = os.path.join(work, f"ready-{i}")
    shutil.rmtree(data, ignore_errors=True)
    start = time.monotonic()
    proc = subprocess.Popen([binary, "serve", "--data", data, "--listen", listen],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = start + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, int(port)), timeout=1) as s:
                s.sendall(b"GET /-/ready HTTP/1.0\r\n\r\n")
                if b" 200 " in s.recv(64):
                    break
        except OSError:
            pass
        time.sleep(0.0005)
    times.append((time.monotonic() - start) * 1000)
    proc.terminate()
    proc.wait()
    shutil.rmtree(data, ignore_errors=True)
print(f"{statistics.median(times):.0f}", " ".join(f"{t:.0f}" for t in times))
