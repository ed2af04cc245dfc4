using Mlobs.Appliance.Cli;

return await CommandLine.RunAsync(args);
