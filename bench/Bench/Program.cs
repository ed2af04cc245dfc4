using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Bench -- --filter '*'    (see bench/README.md)
// dotnet run -c Release --project bench/Bench -- --profile-query 'EXPR' [N]: runs one QueryBench query N times
// (default 200) in this process, for perf (DOTNET_PerfMapEnabled=1) or dotnet-trace to attach to.
if (args.Length >= 2 && args[0] == "--profile-query")
{
    var bench = new Mlobs.Bench.QueryBench { Query = args[1] };
    bench.Setup();
    int n = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200;
    var sw = System.Diagnostics.Stopwatch.StartNew();
    for (int i = 0; i < n; i++) bench.RangeQuery1h();
    Console.WriteLine($"{n} runs, {sw.Elapsed.TotalMilliseconds / n:F1} ms each");
    bench.Cleanup();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Mlobs.Bench.ExpositionParserBench).Assembly).Run(args);
