"""A known StatsD event stream from Debian's python3-statsd (pystatsd): what Airflow's StatsD logger sends, plus a
few plain metrics, over UDP and TCP.

Usage: /usr/bin/python3 send_python.py HOST UDP_PORT TCP_PORT
"""
import sys

import statsd

host, udp_port, tcp_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
udp = statsd.StatsClient(host, udp_port, prefix="airflow")

for _ in range(3):
    udp.incr("ti.finish.train_model.fit.success")
udp.incr("ti.finish.train_model.fit.failed")
udp.incr("ti.start.train_model.fit", 4)
udp.incr("ti_failures")
udp.incr("operator_failures_PythonOperator")
udp.incr("scheduler_job_start")
udp.gauge("executor.queued_tasks", 7)
udp.gauge("executor.queued_tasks", 3, delta=True)
udp.gauge("pool.open_slots.default_pool", 128)
udp.gauge("pool.queued_slots.default_pool", 2)
udp.gauge("executor.running_tasks", 4)
udp.gauge("executor.open_slots", 28)
udp.gauge("dag_processing.import_errors", 0)
udp.timing("dagrun.schedule_delay.train_model", 3200)
udp.timing("dag.train_model.fit.duration", 1500)
udp.timing("dag.train_model.fit.duration", 45000)
udp.timing("dagrun.duration.success.train_model", 90000)
for member in ("alice", "bob", "alice"):
    udp.set("active_users", member)
udp.incr("some.unmapped-metric", 2)

with udp.pipeline() as pipe:  # several lines in one packet
    pipe.incr("ti_successes")
    pipe.incr("ti_successes")
    pipe.gauge("dagbag_size", 12)

tcp = statsd.TCPStatsClient(host, tcp_port, prefix="airflow")
tcp.incr("scheduler_heartbeat", 5)
tcp.close()
