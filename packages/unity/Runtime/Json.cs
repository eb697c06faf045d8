using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PlayGuard
{
    /// <summary>
    /// A small JSON reader and writer (RFC 8259), so the package needs no third-party DLL and no
    /// Unity-only serializer: objects are <c>Dictionary&lt;string, object&gt;</c>, arrays
    /// <c>List&lt;object&gt;</c>, numbers <c>double</c>, and strings, booleans and null as
    /// themselves. Strict: anything that is not JSON throws <see cref="FormatException"/>.
    /// </summary>
    public static class Json
    {
        /// <summary>Parses one JSON document.</summary>
        public static object Parse(string text)
        {
            if (text == null) throw new ArgumentNullException("text");
            var reader = new Reader(text);
            reader.SkipSpace();
            var value = reader.ReadValue(0);
            reader.SkipSpace();
            if (!reader.AtEnd) throw reader.Error("unexpected text after the document");
            return value;
        }

        /// <summary>Writes a value as compact JSON: dictionaries with string keys, lists and arrays, strings, numbers, booleans, null.</summary>
        public static string Write(object value)
        {
            var sb = new StringBuilder();
            WriteValue(sb, value, 0);
            return sb.ToString();
        }

        const int MaxDepth = 64;

        static void WriteValue(StringBuilder sb, object value, int depth)
        {
            if (depth > MaxDepth) throw new ArgumentException("nested too deeply");
            if (value == null) { sb.Append("null"); return; }
            var s = value as string;
            if (s != null) { WriteString(sb, s); return; }
            if (value is bool) { sb.Append((bool)value ? "true" : "false"); return; }
            if (value is int || value is long || value is short || value is byte || value is uint || value is ulong || value is ushort || value is sbyte)
            {
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            }
            if (value is double || value is float || value is decimal)
            {
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || double.IsInfinity(d)) throw new ArgumentException("JSON has no NaN or infinity");
                sb.Append(d.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            var dict = value as IDictionary<string, object>;
            if (dict != null)
            {
                sb.Append('{');
                var first = true;
                foreach (var pair in dict)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, pair.Key);
                    sb.Append(':');
                    WriteValue(sb, pair.Value, depth + 1);
                }
                sb.Append('}');
                return;
            }
            var list = value as System.Collections.IEnumerable;
            if (list != null)
            {
                sb.Append('[');
                var first = true;
                foreach (var item in list)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteValue(sb, item, depth + 1);
                }
                sb.Append(']');
                return;
            }
            throw new ArgumentException("cannot write a " + value.GetType().Name + " as JSON");
        }

        static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    default:
                        // U+2028 and U+2029 are escaped too: valid JSON, but not valid in older JavaScript strings.
                        if (c < 0x20 || c == '\u2028' || c == '\u2029') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }

        sealed class Reader
        {
            readonly string text;
            int at;

            public Reader(string text) { this.text = text; }

            public bool AtEnd { get { return at >= text.Length; } }

            public FormatException Error(string what)
            {
                return new FormatException("JSON: " + what + " at " + at);
            }

            public void SkipSpace()
            {
                while (at < text.Length && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r')) at++;
            }

            char Next()
            {
                if (at >= text.Length) throw Error("unexpected end");
                return text[at++];
            }

            void Expect(string word)
            {
                if (string.CompareOrdinal(text, at, word, 0, word.Length) != 0) throw Error("expected " + word);
                at += word.Length;
            }

            public object ReadValue(int depth)
            {
                if (depth > MaxDepth) throw Error("nested too deeply");
                if (AtEnd) throw Error("unexpected end");
                var c = text[at];
                switch (c)
                {
                    case '{': return ReadObject(depth);
                    case '[': return ReadArray(depth);
                    case '"': return ReadString();
                    case 't': Expect("true"); return true;
                    case 'f': Expect("false"); return false;
                    case 'n': Expect("null"); return null;
                    default:
                        if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                        throw Error("unexpected '" + c + "'");
                }
            }

            Dictionary<string, object> ReadObject(int depth)
            {
                var result = new Dictionary<string, object>(StringComparer.Ordinal);
                at++;
                SkipSpace();
                if (!AtEnd && text[at] == '}') { at++; return result; }
                while (true)
                {
                    SkipSpace();
                    if (AtEnd || text[at] != '"') throw Error("expected a member name");
                    var key = ReadString();
                    SkipSpace();
                    if (Next() != ':') throw Error("expected ':'");
                    SkipSpace();
                    result[key] = ReadValue(depth + 1);
                    SkipSpace();
                    var c = Next();
                    if (c == '}') return result;
                    if (c != ',') throw Error("expected ',' or '}'");
                }
            }

            List<object> ReadArray(int depth)
            {
                var result = new List<object>();
                at++;
                SkipSpace();
                if (!AtEnd && text[at] == ']') { at++; return result; }
                while (true)
                {
                    SkipSpace();
                    result.Add(ReadValue(depth + 1));
                    SkipSpace();
                    var c = Next();
                    if (c == ']') return result;
                    if (c != ',') throw Error("expected ',' or ']'");
                }
            }

            string ReadString()
            {
                at++; // the opening quote
                var sb = new StringBuilder();
                while (true)
                {
                    var c = Next();
                    if (c == '"') return sb.ToString();
                    if (c < 0x20) throw Error("control character in a string");
                    if (c != '\\') { sb.Append(c); continue; }
                    var e = Next();
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u':
                            if (at + 4 > text.Length) throw Error("short \\u escape");
                            int code;
                            if (!int.TryParse(text.Substring(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code)) throw Error("bad \\u escape");
                            at += 4;
                            sb.Append((char)code);
                            break;
                        default: throw Error("bad escape");
                    }
                }
            }

            double ReadNumber()
            {
                var start = at;
                if (text[at] == '-') at++;
                if (AtEnd) throw Error("bad number");
                if (text[at] == '0') at++;
                else if (text[at] >= '1' && text[at] <= '9') { while (!AtEnd && char.IsDigit(text[at])) at++; }
                else throw Error("bad number");
                if (!AtEnd && text[at] == '.')
                {
                    at++;
                    if (AtEnd || !char.IsDigit(text[at])) throw Error("bad fraction");
                    while (!AtEnd && char.IsDigit(text[at])) at++;
                }
                if (!AtEnd && (text[at] == 'e' || text[at] == 'E'))
                {
                    at++;
                    if (!AtEnd && (text[at] == '+' || text[at] == '-')) at++;
                    if (AtEnd || !char.IsDigit(text[at])) throw Error("bad exponent");
                    while (!AtEnd && char.IsDigit(text[at])) at++;
                }
                return double.Parse(text.Substring(start, at - start), NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>Typed reads of a parsed JSON object: missing members and nulls read as null.</summary>
    public static class JsonRead
    {
        public static object Get(IDictionary<string, object> o, string name)
        {
            object v;
            return o != null && o.TryGetValue(name, out v) ? v : null;
        }

        public static string Str(IDictionary<string, object> o, string name) { return Get(o, name) as string; }

        public static long? Long(IDictionary<string, object> o, string name)
        {
            var v = Get(o, name);
            return v is double ? (long?)(long)(double)v : null;
        }

        public static int? Int(IDictionary<string, object> o, string name)
        {
            var v = Get(o, name);
            return v is double ? (int?)(int)(double)v : null;
        }

        public static bool? Bool(IDictionary<string, object> o, string name)
        {
            var v = Get(o, name);
            return v is bool ? (bool?)(bool)v : null;
        }

        public static Dictionary<string, object> Obj(IDictionary<string, object> o, string name) { return Get(o, name) as Dictionary<string, object>; }

        public static List<object> List(IDictionary<string, object> o, string name) { return Get(o, name) as List<object>; }
    }
}
