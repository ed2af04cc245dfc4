using System.CommandLine;
using Mlobs.Appliance.Config;
using Mlobs.Rules.Yaml;

namespace Mlobs.Appliance.Cli;

/// <summary><c>mlobs check config FILE...</c>: validates like <c>promtool check config</c>.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "config files to check", Arity = ArgumentArity.OneOrMore };
        var config = new Command("config", "Check that config files are valid prometheus.yml/mlobs configs") { files };
        config.SetAction(parse => CheckConfig(parse.GetValue(files)!));
        return new Command("check", "Validate configuration files") { config };
    }

    private static int CheckConfig(string[] files)
    {
        int exit = ExitCodes.Ok;
        foreach (var file in files)
        {
            Console.WriteLine($"Checking {file}");
            try
            {
                var cfg = ConfigLoader.LoadFile(file);
                var dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
                int ruleFiles = cfg.RuleFiles.Sum(pattern => FilePatterns.Expand(dir, pattern).Count());
                if (cfg.RuleFiles.Count > 0) Console.WriteLine($"  SUCCESS: {ruleFiles} rule files found");
                foreach (var s in cfg.IgnoredSections) Console.WriteLine($"  WARNING: section \"{s}\" is accepted but not used by mlobs yet");
                Console.WriteLine($" SUCCESS: {file} is valid prometheus config file syntax");
                Console.WriteLine($"   {cfg.ScrapeConfigs.Count} scrape configs, {cfg.ScrapeConfigs.Sum(s => s.StaticConfigs.Sum(c => c.Targets.Count))} static targets");
            }
            catch (ConfigException ex)
            {
                Console.Error.WriteLine($"  FAILED: {ex.Message}");
                exit = ExitCodes.Failure;
            }
            Console.WriteLine();
        }
        return exit;
    }
}
