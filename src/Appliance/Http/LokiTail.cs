using System.Globalization;
using System.Net.WebSockets;
using System.Threading.Channels;
using Mlobs.Query.LogQl;
using Mlobs.Storage.Logs;

namespace Mlobs.Appliance.Http;

/// <summary>
/// Loki's live tail, <c>GET /loki/api/v1/tail?query=...&amp;limit=&amp;start=&amp;delay_for=</c> over a websocket: first
/// the last <c>limit</c> lines since <c>start</c> (default an hour ago), then every new line that passes the query
/// as it is stored, in messages of Loki's shape <c>{"streams": [...], "dropped_entries": [...]}</c>. A client that
/// reads slower than lines come gets <c>dropped_entries</c> instead of an unbounded buffer.
/// </summary>
public static class LokiTail
{
    private const int BufferedLines = 10_000;

    public static async Task RunAsync(ILogSource store, HttpContext ctx)
    {
        var q = ctx.Request.Query;
        LogQuery query;
        try
        {
            query = LogQlParser.Parse(q["query"].ToString());
        }
        catch (LogQlParseException ex)
        {
            await LokiApi.Plain(400, ex.Message).ExecuteAsync(ctx);
            return;
        }
        int limit = int.TryParse(q["limit"].ToString(), out int l) && l > 0 ? l : 100;
        if (int.TryParse(q["delay_for"].ToString(), out int delay) && delay is < 0 or > 5)
        {
            await LokiApi.Plain(400, "delay_for can't be greater than 5").ExecuteAsync(ctx);
            return;
        }
        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            await LokiApi.Plain(400, "the tail endpoint speaks websocket: connect with an Upgrade request").ExecuteAsync(ctx);
            return;
        }
        long nowNs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        long start;
        try { start = LokiApi.Time(q["start"].ToString(), nowNs - 3_600_000_000_000); }
        catch (ApiException ex)
        {
            await LokiApi.Plain(400, ex.Message).ExecuteAsync(ctx);
            return;
        }

        using var socket = await ctx.WebSockets.AcceptWebSocketAsync();
        var live = Channel.CreateBounded<LogEntry>(new BoundedChannelOptions(BufferedLines) { FullMode = BoundedChannelFullMode.Wait });
        var dropped = new List<LogEntry>();
        var droppedLock = new Lock();
        void OnAppended(IReadOnlyList<LogEntry> entries)
        {
            foreach (var e in entries)
            {
                if (!Model.Labels.LabelMatcher.MatchAll(query.Selector, e.Stream)) continue;
                if (!live.Writer.TryWrite(e))
                    lock (droppedLock) if (dropped.Count < 1000) dropped.Add(e);
            }
        }
        // Listening starts before the history is read, so no line falls between them; one that arrives in both is sent once.
        store.Appended += OnAppended;
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        var receive = DrainUntilClosedAsync(socket, closed);
        try
        {
            var history = store.LogQl.Lines(query, start, nowNs, limit, backward: true, closed.Token);
            history.Reverse();
            var sent = history.Select(e => (e.TimestampNs, e.Line)).ToHashSet();
            if (history.Count > 0) await SendAsync(socket, history, [], closed.Token);
            while (!closed.IsCancellationRequested)
            {
                if (!await live.Reader.WaitToReadAsync(closed.Token)) break;
                var batch = new List<LogEntry>();
                while (batch.Count < 1000 && live.Reader.TryRead(out var e))
                {
                    if (sent.Count > 0 && sent.Remove((e.TimestampNs, e.Line))) continue;
                    if (query.Process(e) is { } kept) batch.Add(kept);
                }
                List<LogEntry> lost;
                lock (droppedLock) { lost = [.. dropped]; dropped.Clear(); }
                if (batch.Count > 0 || lost.Count > 0) await SendAsync(socket, batch, lost, closed.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or Mlobs.Query.PromQl.Engine.QueryException)
        {
            // the client went away (or the history read timed out: the tail ends, as a Loki querier's would)
        }
        finally
        {
            store.Appended -= OnAppended;
            await closed.CancelAsync();
            try { await receive; } catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
        }
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); }
            catch (WebSocketException) { }
        }
    }

    /// <summary>Reads (and discards) what the client sends, to see its close; then cancels the tail.</summary>
    private static async Task DrainUntilClosedAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (!closed.IsCancellationRequested)
            {
                var r = await socket.ReceiveAsync(buffer, closed.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
            }
        }
        finally
        {
            await closed.CancelAsync();
        }
    }

    private static async Task SendAsync(WebSocket socket, List<LogEntry> entries, List<LogEntry> dropped, CancellationToken ct)
    {
        using var stream = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(stream, Mlobs.Model.Strconv.GoJsonEncoder.WriterOptions))
        {
            w.WriteStartObject();
            LokiJson.WriteStreams(w, "streams", entries);
            if (dropped.Count > 0)
            {
                w.WriteStartArray("dropped_entries");
                foreach (var e in dropped)
                {
                    w.WriteStartObject();
                    w.WriteStartObject("labels");
                    foreach (var label in e.Stream.AsSpan()) w.WriteString(label.Name, label.Value);
                    w.WriteEndObject();
                    w.WriteString("timestamp", e.TimestampNs.ToString(CultureInfo.InvariantCulture));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        await socket.SendAsync(stream.ToArray(), WebSocketMessageType.Text, endOfMessage: true, ct);
    }
}
