"""The UI benchmark's data: 30 panels x SERIES counters (default 10) sampled every 15 s between START and END
(Unix seconds) as an OpenMetrics file for `mlobs import`, and the 30-panel dashboard that graphs their rates."""
import json
import math
import sys

work, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
per_panel = int(sys.argv[4]) if len(sys.argv) > 4 else 10
with open(f"{work}/history.om", "w") as out:
    out.write("# TYPE bench_requests counter\n")
    for panel in range(30):
        for s in range(per_panel):
            total = 0.0
            for t in range(start, end + 1, 15):
                total += 15 * (5 + 4 * math.sin((t / 900.0) + panel + s) + s)
                out.write(f'bench_requests_total{{panel="{panel}",series="{s}"}} {total:.1f} {t}\n')
    out.write("# EOF\n")

panels = [{
    "id": i + 1, "type": "timeseries", "title": f"Requests {i}",
    "gridPos": {"x": (i % 3) * 8, "y": (i // 3) * 8, "w": 8, "h": 8},
    "targets": [{"refId": "A", "expr": f'rate(bench_requests_total{{panel="{i}"}}[1m])', "legendFormat": "{{series}}"}],
    "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}, "tooltip": {"mode": "multi"}},
} for i in range(30)]
json.dump({"uid": "bench-30", "title": "Bench 30 panels", "schemaVersion": 39, "time": {"from": "now-6h", "to": "now"}, "panels": panels},
          open(f"{work}/dashboards/bench-30.json", "w"))
