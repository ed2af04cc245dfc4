using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mlobs.Config;

namespace Mlobs.Ingest.Scrape;

/// <summary>
/// A scrape config's <c>tls_config</c> made ready for connections: the CA certificates and client certificate are
/// read once, when the pool is built (a missing or unreadable file fails the config load or reload, as in
/// Prometheus), and each https connection gets options from them.
/// </summary>
public sealed class ScrapeTls
{
    private readonly X509Certificate2Collection? _roots;
    private readonly X509Certificate2Collection? _clientCertificates;
    private readonly TlsConfig _config;

    public ScrapeTls(TlsConfig config)
    {
        _config = config;
        if (config.CaFile is not null)
        {
            _roots = [];
            _roots.ImportFromPemFile(config.CaFile);
            if (_roots.Count == 0) throw new IOException($"unable to use specified CA cert {config.CaFile}: no certificate in it");
        }
        if (config.CertFile is not null && config.KeyFile is not null)
        {
            using var pem = X509Certificate2.CreateFromPemFile(config.CertFile, config.KeyFile);
            // The key must be persistable for SslStream on some platforms; a PKCS#12 round trip gives that.
            _clientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }
    }

    /// <summary>What an https connection to <paramref name="host"/> authenticates with.</summary>
    public SslClientAuthenticationOptions OptionsFor(string host) => new()
    {
        TargetHost = _config.ServerName ?? host,
        ClientCertificates = _clientCertificates,
        EnabledSslProtocols = _config.MinVersion switch
        {
            "TLS13" => SslProtocols.Tls13,
            _ => SslProtocols.Tls12 | SslProtocols.Tls13, // .NET offers nothing older than TLS 1.2 by default
        },
        RemoteCertificateValidationCallback = Validate,
        // Shown whatever CAs the server names, as Go's client does (SslStream would otherwise pick by issuer).
        LocalCertificateSelectionCallback = _clientCertificates is null ? null : (_, _, _, _, _) => _clientCertificates[0],
    };

    /// <summary>No callback without a tls_config: the system's trust store decides, as before.</summary>
    public static SslClientAuthenticationOptions Default(string host) => new() { TargetHost = host };

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_config.InsecureSkipVerify) return true;
        if (errors == SslPolicyErrors.None) return true;
        if (_roots is null || certificate is null) return false;
        // The name must match whatever the roots say; only the chain is judged again, against the configured CA.
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
