using System.Text;

namespace Mlobs.Config;

/// <summary>The Authorization header a <c>basic_auth</c> or <c>authorization</c> block asks for (files read relative to the config).</summary>
public static class HttpCredentials
{
    public static string? AuthorizationHeader(BasicAuth? basicAuth, Authorization? authorization, string configDirectory)
    {
        if (basicAuth is { } ba)
        {
            var password = ba.Password ?? (ba.PasswordFile is { } f ? File.ReadAllText(Resolve(f, configDirectory)).Trim() : "");
            return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(ba.Username + ":" + password));
        }
        if (authorization is { } auth)
        {
            var cred = auth.Credentials ?? (auth.CredentialsFile is { } f ? File.ReadAllText(Resolve(f, configDirectory)).Trim() : "");
            return auth.Type + " " + cred;
        }
        return null;
    }

    private static string Resolve(string path, string dir) => Path.IsPathRooted(path) ? path : Path.Combine(dir, path);
}
