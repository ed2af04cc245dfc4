using System.Globalization;
using System.Text;

namespace Mlobs.Templates;

/// <summary>
/// Go's fmt for the values templates handle: Sprint, Sprintln and Sprintf with the verbs people write in alert
/// templates (<c>%s %v %d %f %e %g %q %x %t %%</c>, flags <c>+ - # 0 space</c>, width and precision), including
/// Go's in-band error texts such as <c>%!d(string=abc)</c>, <c>%!s(MISSING)</c> and <c>%!(EXTRA ...)</c>.
/// </summary>
public static class GoFmt
{
    /// <summary>fmt.Sprint: spaces between operands when neither side is a string.</summary>
    public static string Sprint(IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < args.Count; i++)
        {
            if (i > 0 && args[i] is not string && args[i - 1] is not string) sb.Append(' ');
            sb.Append(GoValueFormat.V(args[i]));
        }
        return sb.ToString();
    }

    /// <summary>fmt.Sprintln: always a space between operands, and a newline at the end.</summary>
    public static string Sprintln(IReadOnlyList<object?> args) => string.Join(" ", args.Select(GoValueFormat.V)) + "\n";

    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        int argIndex = 0;
        int i = 0;
        while (i < format.Length)
        {
            char c = format[i];
            if (c != '%') { sb.Append(c); i++; continue; }
            i++;
            if (i >= format.Length) { sb.Append("%!(NOVERB)"); break; }
            var spec = new Spec();
            for (; i < format.Length; i++)
            {
                switch (format[i])
                {
                    case '+': spec.Plus = true; continue;
                    case '-': spec.Minus = true; continue;
                    case '#': spec.Sharp = true; continue;
                    case ' ': spec.Space = true; continue;
                    case '0': spec.Zero = true; continue;
                }
                break;
            }
            if (i < format.Length && format[i] == '*')
            {
                i++;
                if (argIndex < args.Count && args[argIndex] is long w) { spec.Width = (int)w; argIndex++; if (w < 0) { spec.Minus = true; spec.Width = (int)-w; } }
                else { sb.Append("%!(BADWIDTH)"); argIndex++; }
            }
            else spec.Width = ReadNumber(format, ref i);
            if (i < format.Length && format[i] == '.')
            {
                i++;
                if (i < format.Length && format[i] == '*')
                {
                    i++;
                    if (argIndex < args.Count && args[argIndex] is long p && p >= 0) { spec.Precision = (int)p; argIndex++; }
                    else { sb.Append("%!(BADPREC)"); argIndex++; }
                }
                else spec.Precision = ReadNumber(format, ref i) ?? 0;
            }
            if (i >= format.Length) { sb.Append("%!(NOVERB)"); break; }
            char verb = format[i++];
            if (verb == '%') { sb.Append('%'); continue; }
            if (argIndex >= args.Count) { sb.Append("%!").Append(verb).Append("(MISSING)"); continue; }
            sb.Append(FormatOne(verb, spec, args[argIndex++]));
        }
        if (argIndex < args.Count)
        {
            sb.Append("%!(EXTRA ");
            sb.Append(string.Join(", ", args.Skip(argIndex).Select(a => a is null ? "<nil>" : GoValueFormat.TypeName(a) + "=" + GoValueFormat.V(a))));
            sb.Append(')');
        }
        return sb.ToString();
    }

    private static int? ReadNumber(string s, ref int i)
    {
        int start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        return i > start ? int.Parse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }

    private struct Spec
    {
        public bool Plus, Minus, Sharp, Space, Zero;
        public int? Width, Precision;
    }

    private static string FormatOne(char verb, Spec spec, object? arg)
    {
        string? body = arg switch
        {
            null => verb is 'v' or 's' ? "<nil>" : null,
            string s => verb switch
            {
                'v' or 's' => spec.Precision is int p && p < s.Length ? s[..p] : s,
                'q' => GoQuote.Quote(s),
                'x' => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(s)),
                'X' => Convert.ToHexString(Encoding.UTF8.GetBytes(s)),
                _ => null,
            },
            bool b => verb is 'v' or 't' ? (b ? "true" : "false") : null,
            long l => Integer(verb, spec, l),
            int n => Integer(verb, spec, n),
            double d => Float(verb, spec, d),
            _ => verb is 'v' or 's' ? GoValueFormat.V(arg) : null,
        };
        if (body is null)
            return "%!" + verb + "(" + (arg is null ? "<nil>" : GoValueFormat.TypeName(arg) + "=" + GoValueFormat.V(arg)) + ")";
        return Pad(body, spec, numeric: arg is long or int or double && verb != 'q' && verb != 'c');
    }

    private static string? Integer(char verb, Spec spec, long v)
    {
        string digits;
        switch (verb)
        {
            case 'd' or 'v': digits = v == long.MinValue ? "9223372036854775808" : Math.Abs(v).ToString(CultureInfo.InvariantCulture); break;
            case 'x': digits = (spec.Sharp ? "0x" : "") + Math.Abs(v).ToString("x", CultureInfo.InvariantCulture); break;
            case 'X': digits = (spec.Sharp ? "0X" : "") + Math.Abs(v).ToString("X", CultureInfo.InvariantCulture); break;
            case 'o': digits = (spec.Sharp ? "0" : "") + Convert.ToString(Math.Abs(v), 8); break;
            case 'b': digits = Convert.ToString(Math.Abs(v), 2); break;
            case 'c': return char.ConvertFromUtf32((int)v);
            case 'q': return "'" + char.ConvertFromUtf32((int)v) + "'";
            case 'e' or 'E' or 'f' or 'F' or 'g' or 'G' or 's' or 't' or 'U': return null;
            default: return null;
        }
        if (spec.Precision is int p && digits.Length < p) digits = new string('0', p - digits.Length) + digits;
        return Sign(v < 0, spec) + digits;
    }

    private static string Sign(bool negative, Spec spec) => negative ? "-" : spec.Plus ? "+" : spec.Space ? " " : "";

    private static string? Float(char verb, Spec spec, double v)
    {
        if (verb is not ('v' or 'e' or 'E' or 'f' or 'F' or 'g' or 'G')) return null;
        if (double.IsNaN(v)) return spec.Plus ? "+NaN" : spec.Space ? " NaN" : "NaN";
        if (double.IsInfinity(v)) return v > 0 ? (spec.Plus ? "+Inf" : spec.Space ? " Inf" : "+Inf") : "-Inf";
        bool neg = v < 0 || (v == 0 && double.IsNegative(v));
        double a = Math.Abs(v);
        string body = verb switch
        {
            'f' or 'F' => a.ToString("F" + (spec.Precision ?? 6), CultureInfo.InvariantCulture),
            'e' or 'E' => E(a, spec.Precision ?? 6, verb),
            _ => G(a, spec.Precision, verb == 'G' ? 'E' : 'e'),
        };
        return Sign(neg, spec) + body;
    }

    /// <summary>%e: d.dddde±dd with at least two exponent digits.</summary>
    private static string E(double a, int precision, char e)
    {
        string s = a.ToString((e == 'E' ? "E" : "e") + precision, CultureInfo.InvariantCulture); // e.g. 1.500000e+003
        int at = s.IndexOf(e);
        string mantissa = s[..at];
        int exp = int.Parse(s.AsSpan(at + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return mantissa + e + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>strconv's 'g': shortest digits without a precision, else that many significant digits; trailing zeros dropped.</summary>
    private static string G(double a, int? precision, char e)
    {
        if (precision is null)
        {
            string g = Mlobs.Model.Strconv.ValueFormat.GoG(a);
            return e == 'E' ? g.Replace('e', 'E') : g;
        }
        int prec = Math.Max(precision.Value, 1);
        if (a == 0) return "0";
        // Round to prec significant digits, then read digits and decimal exponent.
        string s = a.ToString("E" + (prec - 1), CultureInfo.InvariantCulture);
        int at = s.IndexOf('E');
        string digits = s[..at].Replace(".", "").TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        int exp = int.Parse(s.AsSpan(at + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int nd = digits.Length, dp = exp + 1;
        int eprec = prec;
        if (eprec > nd && nd >= dp) eprec = nd;
        if (exp < -4 || exp >= eprec)
        {
            string m = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return m + e + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        // fixed notation with max(nd - dp, 0) fractional digits
        if (dp <= 0) return "0." + new string('0', -dp) + digits;
        if (dp >= nd) return digits + new string('0', dp - nd);
        return digits[..dp] + "." + digits[dp..];
    }

    private static string Pad(string body, Spec spec, bool numeric)
    {
        if (spec.Width is not int w || body.Length >= w) return body;
        if (spec.Minus) return body + new string(' ', w - body.Length);
        if (spec.Zero && numeric && !body.EndsWith("Inf") && !body.EndsWith("NaN"))
        {
            int signLength = body.Length > 0 && body[0] is '-' or '+' or ' ' ? 1 : 0;
            return body[..signLength] + new string('0', w - body.Length) + body[signLength..];
        }
        return new string(' ', w - body.Length) + body;
    }
}
