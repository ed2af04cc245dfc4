namespace Mlobs.Ingest.Push;

/// <summary>
/// A push the Pushgateway would answer 400 because its URL or body is malformed; the message is the Pushgateway's
/// text for the same problem.
/// </summary>
public class PushRequestException(string message) : Exception(message);

/// <summary>
/// A well-formed push that contradicts what is stored (or itself): answered 400 "pushed metrics are invalid or
/// inconsistent with existing metrics: ..." and recorded as the group's last failure.
/// </summary>
public sealed class PushInconsistentException(string message) : PushRequestException(message);
