namespace Mlobs.Templates;

/// <summary>
/// A template that does not parse or fails while running, with Go's text: <c>template: NAME:LINE: message</c> for
/// parse errors, <c>template: NAME:LINE:COL: executing "NAME" at &lt;node&gt;: message</c> for execution errors.
/// </summary>
public sealed class TemplateException(string message) : Exception(message);
