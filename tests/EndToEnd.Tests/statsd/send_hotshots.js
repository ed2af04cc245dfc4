// A known DogStatsD event stream from npm's hot-shots: tagged metrics as a Node.js service (or Airflow with
// statsd_datadog_enabled) sends them. Usage: node send_hotshots.js HOST UDP_PORT
const StatsD = require('hot-shots');

const [host, port] = [process.argv[2], Number(process.argv[3])];
const client = new StatsD({ host, port, protocol: 'udp', maxBufferSize: 0, errorHandler: e => { console.error(e); process.exit(1); } });

client.increment('airflow.ti.finish', 1, ['dag_id:score_batch', 'task_id:predict', 'state:success']);
client.increment('airflow.ti.finish', 1, ['dag_id:score_batch', 'task_id:predict', 'state:success']);
client.timing('airflow.task.duration', 2500, ['dag_id:score_batch', 'task_id:predict']);
client.increment('predictions', 10, ['model:fraud', 'version:3']);
client.gauge('feature_store_lag_seconds', 42.5, ['store:online']);
client.histogram('prediction_latency', 120, ['model:fraud']);
client.distribution('prediction_latency', 80, ['model:fraud']);
client.set('active_models', 'fraud');
client.set('active_models', 'churn');
client.close(err => { if (err) { console.error(err); process.exit(1); } });
