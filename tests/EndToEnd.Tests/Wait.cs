using System.Diagnostics;

namespace Mlobs.EndToEnd.Tests;

/// <summary>Bounded polling: every 200 ms until the condition holds, failing the test with what was awaited.</summary>
internal static class Wait
{
    public static async Task UntilAsync(string what, Func<Task<bool>> condition, int seconds = 30)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            try { if (await condition()) return; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(200);
        }
        Assert.Fail($"{what}: not within {seconds} s");
    }
}
