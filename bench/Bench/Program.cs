using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Bench -- --filter '*'    (see bench/README.md)
// dotnet run -c Release --project bench/Bench -- --profile-query 'EXPR' [N]: runs one QueryBench query N times
// (default 200) in this process, for perf (DOTNET_PerfMapEnabled=1) or dotnet-trace to attach to.
if (args.Length >= 2 && args[0] == "--profile-query")
{
    var bench = new Mlobs.Bench.QueryBench { Query = args[1] };
    bench.Setup();
    int n = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200;
    var times = new double[n];
    var process = System.Diagnostics.Process.GetCurrentProcess();
    TimeSpan cpuAtHalf = default;
    long allocatedAtHalf = 0;
    int gcsAtHalf = 0;
    for (int i = 0; i < n; i++)
    {
        if (i == n / 2) { process.Refresh(); cpuAtHalf = process.TotalProcessorTime; allocatedAtHalf = GC.GetTotalAllocatedBytes(true); gcsAtHalf = GC.CollectionCount(0); }
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        bench.RangeQuery1h();
        times[i] = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
    // The first runs include JIT tiering; the median of the second half is the steady state.
    var steady = times[(n / 2)..];
    Array.Sort(steady);
    process.Refresh();
    double cpu = (process.TotalProcessorTime - cpuAtHalf).TotalMilliseconds / (n - n / 2);
    Console.WriteLine($"{n} runs, {times.Average():F1} ms mean, steady median {steady[steady.Length / 2]:F1} ms (p10 {steady[steady.Length / 10]:F1}), {cpu:F1} ms CPU each, {(GC.GetTotalAllocatedBytes(true) - allocatedAtHalf) / (n - n / 2) / 1e6:F1} MB allocated each, {(GC.CollectionCount(0) - gcsAtHalf) / (double)(n - n / 2):F2} gen0 GCs each");
    bench.Cleanup();
    return;
}
// dotnet run -c Release --project bench/Bench -- --statsd-load HOST PORT SECONDS [EVENTS_PER_S]: sends StatsD packets
// (the StatsdIntakeBench line mix) to a receiver over UDP for SECONDS, as fast as it can or paced to EVENTS_PER_S,
// then prints how many events it sent (bench/statsd.sh).
if (args.Length >= 4 && args[0] == "--statsd-load")
{
    var load = new Mlobs.Bench.StatsdIntakeBench();
    var packet = load.Packet();
    using var udp = new System.Net.Sockets.UdpClient();
    udp.Connect(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    double seconds = double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    double rate = args.Length > 4 ? double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 0;
    var clock = System.Diagnostics.Stopwatch.StartNew();
    long packets = 0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        for (int i = 0; i < 64; i++) udp.Send(packet);
        packets += 64;
        if (rate <= 0) continue;
        // Paced: never ahead of the schedule the rate sets.
        double due = packets * load.EventsPerPacket / rate;
        while (clock.Elapsed.TotalSeconds < due) Thread.SpinWait(100);
    }
    Console.WriteLine($"sent {packets * load.EventsPerPacket} events in {packets} packets of {packet.Length} bytes");
    return;
}
// dotnet run -c Release --project bench/Bench -- --drift-csv PATH ROWS COLUMNS SEED SHIFT: writes a CSV for
// bench/drift.sh: four in five columns numeric (normal, 4 decimals; SHIFT moves every third one), the rest categories.
if (args.Length >= 6 && args[0] == "--drift-csv")
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    int rows = int.Parse(args[2], inv), columns = int.Parse(args[3], inv);
    var rng = new Random(int.Parse(args[4], inv));
    double shift = double.Parse(args[5], inv);
    string[] categories = ["alpha", "beta", "gamma", "delta", "epsilon"];
    using var w = new StreamWriter(args[1], false, new System.Text.UTF8Encoding(false), 1 << 20);
    w.Write(string.Join(",", Enumerable.Range(0, columns).Select(c => c % 5 == 4 ? $"cat_{c}" : $"num_{c}")) + "\n");
    var line = new System.Text.StringBuilder();
    for (int r = 0; r < rows; r++)
    {
        line.Clear();
        for (int c = 0; c < columns; c++)
        {
            if (c > 0) line.Append(',');
            if (c % 5 == 4) { line.Append(categories[Math.Min(4, (int)(rng.NextDouble() * (5 + shift)))]); continue; }
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            double v = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) + (c % 3 == 0 ? shift : 0);
            line.Append(Math.Round(v * 100 + 500, 4).ToString("R", inv));
        }
        line.Append('\n');
        w.Write(line);
    }
    return;
}
// dotnet run -c Release --project bench/Bench -- --push-load BASE_URL PUSHES GROUPS: PUTs the PushIntakeBench body
// (200 series) PUSHES times over HTTP, round-robin into GROUPS groups, and prints pushes/s and latency percentiles.
if (args.Length >= 4 && args[0] == "--push-load")
{
    var body = Mlobs.Bench.PushIntakeBench.Body();
    int pushes = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), groups = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    using var http = new HttpClient { BaseAddress = new Uri(args[1]) };
    var latencies = new double[pushes];
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (int i = 0; i < pushes; i++)
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        using var response = http.PutAsync($"/metrics/job/bench_{i % groups}/instance/box", new ByteArrayContent(body)).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"push {i}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        latencies[i] = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
    double total = clock.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    Console.WriteLine($"{pushes} pushes of {body.Length} bytes into {groups} groups in {total:F1} s: {pushes / total:F0} pushes/s, " +
        $"latency p50 {latencies[pushes / 2]:F1} ms, p99 {latencies[pushes * 99 / 100]:F1} ms");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Mlobs.Bench.ExpositionParserBench).Assembly).Run(args);
