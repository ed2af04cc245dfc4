using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Bench -- --filter '*'    (see bench/README.md)
BenchmarkSwitcher.FromAssembly(typeof(Mlobs.Bench.ExpositionParserBench).Assembly).Run(args);
