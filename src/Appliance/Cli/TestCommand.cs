using System.CommandLine;
using Mlobs.Config.Yaml;
using Mlobs.Rules.UnitTests;

namespace Mlobs.Appliance.Cli;

/// <summary><c>mlobs test rules FILE...</c>: promtool's rule unit tests, same files, same report, exit 1 on a failure.</summary>
public static class TestCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "unit-test files (promtool test rules format)", Arity = ArgumentArity.OneOrMore };
        var rules = new Command("rules", "Run rule unit tests (like promtool test rules)") { files };
        rules.SetAction((parse, ct) => Task.FromResult(TestRules(parse.GetValue(files)!, ct)));
        return new Command("test", "Run unit tests") { rules };
    }

    private static int TestRules(string[] files, CancellationToken ct)
    {
        bool failed = false;
        foreach (var file in files)
        {
            Console.WriteLine($"Unit Testing:  {file}");
            IReadOnlyList<string> errors;
            IReadOnlyList<string> skipped = [];
            try
            {
                var result = RuleTestRunner.Run(RuleTestFileParser.Load(file), ct);
                errors = result.Errors;
                skipped = result.Skipped;
            }
            catch (ConfigException e) { errors = [e.Message]; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { errors = [e.Message]; }
            foreach (var s in skipped) Console.WriteLine($"  SKIPPED: {s}");
            if (errors.Count > 0)
            {
                Console.Out.Flush();
                Console.Error.WriteLine("  FAILED:");
                foreach (var e in errors)
                {
                    Console.Error.WriteLine(e);
                    Console.Error.Flush();
                    Console.WriteLine();
                }
                failed = true;
            }
            else Console.WriteLine("  SUCCESS");
            Console.WriteLine();
        }
        return failed ? ExitCodes.Failure : ExitCodes.Ok;
    }
}
