namespace Mlobs.Appliance.Config;

/// <summary>
/// The default configuration compiled into the binary (config/mlobs.yml). It scrapes mlobs itself at
/// <c>${MLOBS_LISTEN_ADDRESS}</c>, which <c>serve</c> sets to its --listen address before loading it.
/// </summary>
public static class DefaultConfig
{
    public const string ListenAddressVariable = "MLOBS_LISTEN_ADDRESS";
    public const string SourceName = "<embedded mlobs.yml>";

    public static string Text()
    {
        using var s = typeof(DefaultConfig).Assembly.GetManifestResourceStream("mlobs.default.yml")
            ?? throw new InvalidOperationException("the embedded default config is missing from this build");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}
