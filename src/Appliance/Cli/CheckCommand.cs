using System.CommandLine;
using Mlobs.Config;
using Mlobs.Config.Yaml;
using Mlobs.Rules.RuleFiles;

namespace Mlobs.Appliance.Cli;

/// <summary><c>mlobs check config FILE...</c>: validates like <c>promtool check config</c>.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "config files to check", Arity = ArgumentArity.OneOrMore };
        var config = new Command("config", "Check that config files are valid prometheus.yml/mlobs configs") { files };
        config.SetAction(parse => CheckConfig(parse.GetValue(files)!));
        var ruleFiles = new Argument<string[]>("FILE") { Description = "rule files to check", Arity = ArgumentArity.OneOrMore };
        var rules = new Command("rules", "Check that rule files are valid (like promtool check rules)") { ruleFiles };
        rules.SetAction(parse => CheckRules(parse.GetValue(ruleFiles)!));
        return new Command("check", "Validate configuration, rule files and dashboards") { config, rules, CheckDashboardCommand.Create() };
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
                var driftMonitors = Mlobs.Drift.Monitors.DriftMonitorRunner.Compile(cfg.DriftMonitors);
                var dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
                var ruleFiles = cfg.RuleFiles.SelectMany(pattern => FilePatterns.Expand(dir, pattern)).ToList();
                if (cfg.RuleFiles.Count > 0) Console.WriteLine($"  SUCCESS: {ruleFiles.Count} rule files found");
                foreach (var w in cfg.Warnings) Console.WriteLine($"  WARNING: {w}");
                Console.WriteLine($" SUCCESS: {file} is valid prometheus config file syntax");
                Console.WriteLine($"   {cfg.ScrapeConfigs.Count} scrape configs, {cfg.ScrapeConfigs.Sum(s => s.StaticConfigs.Sum(c => c.Targets.Count))} static targets");
                if (cfg.LogSources.Count > 0)
                    Console.WriteLine($"   {cfg.LogSources.Count} log sources ({string.Join(", ", cfg.LogSources.Select(l => l.Name))})");
                if (driftMonitors.Count > 0)
                    Console.WriteLine($"   {driftMonitors.Count} drift monitors ({string.Join(", ", driftMonitors.Select(m => m.Name))})");
                if (cfg.Alerting.Alertmanagers.Count > 0)
                    Console.WriteLine($"   alerts go to {cfg.Alerting.Alertmanagers.Sum(a => a.StaticConfigs.Sum(c => c.Targets.Count))} Alertmanager targets");
                if (cfg.Mlobs.Router is { } router)
                {
                    int routes = 0;
                    void Count(Mlobs.Config.Alertmanager.RouteConfig r) { routes++; foreach (var c in r.Routes) Count(c); }
                    Count(router.Route);
                    int integrations = router.Receivers.Sum(r => r.WebhookConfigs.Count + r.SlackConfigs.Count + r.PagerDutyConfigs.Count + r.DiscordConfigs.Count);
                    Console.WriteLine($"   built-in router: {routes} routes, {router.Receivers.Count} receivers ({integrations} integrations), {router.InhibitRules.Count} inhibit rules");
                }
                Console.WriteLine();
                // As promtool: the rule files the config names are checked too.
                if (CheckRules(ruleFiles.ToArray()) != ExitCodes.Ok) exit = ExitCodes.Failure;
                continue;
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

    /// <summary>promtool check rules: per file a count, or every problem found; duplicate rules are warnings.</summary>
    private static int CheckRules(string[] files)
    {
        int exit = ExitCodes.Ok;
        foreach (var file in files)
        {
            Console.WriteLine($"Checking {file}");
            RuleFile parsed;
            try
            {
                parsed = RuleFileParser.Load(file);
            }
            catch (Exception ex) when (ex is ConfigException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("  FAILED:");
                Console.Error.WriteLine(ex is ConfigException ? ex.Message : $"{file}: {ex.Message}");
                Console.Error.WriteLine();
                exit = ExitCodes.Failure;
                continue;
            }
            if (parsed.Errors.Count > 0)
            {
                Console.Error.WriteLine("  FAILED:");
                foreach (var e in parsed.Errors) Console.Error.WriteLine(e);
                Console.Error.WriteLine();
                exit = ExitCodes.Failure;
                continue;
            }
            var duplicates = DuplicateRules.Find(parsed);
            if (duplicates.Count > 0)
            {
                Console.WriteLine($"{duplicates.Count} duplicate rule(s) found.");
                foreach (var d in duplicates)
                {
                    Console.WriteLine($"Metric: {d.Metric}");
                    Console.WriteLine("Label(s):");
                    foreach (var (name, value) in d.Labels) Console.WriteLine($"\t{name}: {value}");
                }
                Console.WriteLine("Might cause inconsistency while recording expressions");
            }
            Console.WriteLine($"  SUCCESS: {parsed.RuleCount} rules found");
            Console.WriteLine();
        }
        return exit;
    }
}
