using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Mlobs.Model.Strconv;

namespace Mlobs.Alertmanager;

/// <summary>
/// How integrations post (notify.PostJSON plus notify.Retrier): JSON body, per-integration timeout; 2xx is success,
/// 5xx (and the listed extra codes) and network errors are worth retrying, anything else is final.
/// </summary>
public static class IntegrationHttp
{
    private static readonly JsonWriterOptions Options = GoJsonEncoder.WriterOptions;

    /// <summary>Writes a JSON document with Go's escaping (what Alertmanager's encoding/json produces).</summary>
    public static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Options)) write(w);
        return buffer.WrittenSpan.ToArray();
    }

    public static async Task<DeliveryResult> PostJsonAsync(HttpClient http, Uri url, byte[] body, string? authorization, TimeSpan timeout,
        string what, CancellationToken ct, params int[] retryCodes)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await http.SendAsync(request, cts.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status / 100 == 2) return DeliveryResult.Success;
            var text = (await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false)).Trim();
            string error = $"{what}: unexpected status code {status}" + (text.Length > 0 ? ": " + text : "");
            return DeliveryResult.Failed(error, retry: status / 100 == 5 || retryCodes.Contains(status));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return DeliveryResult.Failed($"{what}: Post \"{Redact(url)}\": context deadline exceeded", retry: true);
        }
        catch (HttpRequestException e)
        {
            return DeliveryResult.Failed($"{what}: Post \"{Redact(url)}\": {e.Message}", retry: true);
        }
    }

    /// <summary>Secrets live in Slack and Discord webhook URLs: errors show only scheme and host (notify.RedactURL).</summary>
    public static string Redact(Uri url) => $"{url.Scheme}://{url.Authority}/<redacted>";

    /// <summary>notify.Truncate: at most n characters, the last one replaced by "…" when cut.</summary>
    public static string Truncate(string s, int n)
    {
        var runes = s.EnumerateRunes().ToList();
        if (runes.Count <= n) return s;
        return string.Concat(runes.Take(n - 1).Select(r => r.ToString())) + "…";
    }
}
