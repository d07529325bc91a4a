using System.Globalization;
using System.Text;

namespace MlopsPS.Core.Tracking;

/// <summary>
/// Parses MLflow's run search syntax: <c>metrics.roc_auc &gt; 0.7 and params.max_depth = '6' and
/// tags.iceberg_snapshot_id = '42' and attributes.status = 'FINISHED'</c>. AND only; numbers compare with
/// <c>= != &lt; &lt;= &gt; &gt;=</c>, strings with <c>= != LIKE ILIKE</c>. Keys with spaces or dots may be quoted
/// with backticks or double quotes.
/// </summary>
public static class RunFilterParser
{
    private static readonly string[] s_numericOperators = ["=", "!=", "<", "<=", ">", ">="];
    private static readonly string[] s_stringOperators = ["=", "!=", "LIKE", "ILIKE"];

    /// <summary>The attribute keys a filter may name, and whether each compares as a number.</summary>
    public static readonly IReadOnlyDictionary<string, bool> Attributes = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase)
    {
        ["status"] = false,
        ["run_name"] = false,
        ["run_id"] = false,
        ["user_id"] = false,
        ["artifact_uri"] = false,
        ["start_time"] = true,
        ["end_time"] = true,
    };

    /// <summary>Parses a filter; null or blank means no filter.</summary>
    public static IReadOnlyList<RunFilterClause> Parse(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return [];
        }

        var tokens = Tokenize(filter);
        var clauses = new List<RunFilterClause>();
        var position = 0;
        while (true)
        {
            if (position + 3 > tokens.Count)
            {
                throw Error(filter, "a comparison 'entity.key operator value' is incomplete");
            }

            clauses.Add(ParseClause(filter, tokens[position], tokens[position + 1], tokens[position + 2]));
            position += 3;
            if (position == tokens.Count)
            {
                return clauses;
            }

            if (!tokens[position].IsWord("and"))
            {
                throw Error(filter, $"expected AND after a comparison, found '{tokens[position].Text}' (only AND is supported, as in MLflow)");
            }

            position++;
        }
    }

    /// <summary>Parses one identifier such as <c>metrics.roc_auc</c> (for order expressions).</summary>
    internal static (RunFilterEntity Entity, string Key) ParseKey(string identifier)
    {
        var tokens = Tokenize(identifier);
        return tokens.Count == 1
            ? ParseIdentifier(identifier, tokens[0])
            : throw Error(identifier, "expected one identifier such as metrics.roc_auc");
    }

    private static RunFilterClause ParseClause(string filter, Token identifier, Token op, Token value)
    {
        var (entity, key) = ParseIdentifier(filter, identifier);
        var operatorText = op.Text.ToUpperInvariant();
        var numeric = entity == RunFilterEntity.Metric || (entity == RunFilterEntity.Attribute && Attributes[key]);
        var allowed = numeric ? s_numericOperators : s_stringOperators;
        if ((op.Kind != TokenKind.Operator && op.Kind != TokenKind.Word) || !allowed.Contains(operatorText))
        {
            throw Error(filter, $"'{op.Text}' cannot compare {Describe(entity, key)}; use one of {string.Join(" ", allowed)}");
        }

        if (numeric)
        {
            if (value.Kind != TokenKind.Number || !double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                throw Error(filter, $"{Describe(entity, key)} compares with a number, not {value.Text}");
            }

            return new RunFilterClause(entity, key, operatorText, number);
        }

        if (value.Kind != TokenKind.String)
        {
            throw Error(filter, $"{Describe(entity, key)} compares with a quoted string such as '{value.Text}'");
        }

        return new RunFilterClause(entity, key, operatorText, value.Text);
    }

    private static (RunFilterEntity Entity, string Key) ParseIdentifier(string filter, Token token)
    {
        if (token.Kind != TokenKind.Identifier)
        {
            throw Error(filter, $"expected an identifier such as metrics.roc_auc, found '{token.Text}'");
        }

        var dot = token.Text.IndexOf('.', StringComparison.Ordinal);
        var prefix = dot < 0 ? "attributes" : token.Text[..dot].ToLowerInvariant();
        var key = dot < 0 ? token.Text : token.Text[(dot + 1)..];
        var entity = prefix switch
        {
            "metric" or "metrics" => RunFilterEntity.Metric,
            "param" or "params" or "parameter" or "parameters" => RunFilterEntity.Param,
            "tag" or "tags" => RunFilterEntity.Tag,
            "attribute" or "attributes" or "attr" or "run" => RunFilterEntity.Attribute,
            _ => throw Error(filter, $"unknown entity '{prefix}'; use metrics., params., tags. or attributes."),
        };
        if (key.Length == 0)
        {
            throw Error(filter, $"'{token.Text}' names no key");
        }

        if (entity == RunFilterEntity.Attribute)
        {
            if (!Attributes.ContainsKey(key))
            {
                throw Error(filter, $"unknown attribute '{key}'; use one of {string.Join(", ", Attributes.Keys)}");
            }

            key = key.ToLowerInvariant();
        }

        return (entity, key);
    }

    private static string Describe(RunFilterEntity entity, string key) => entity switch
    {
        RunFilterEntity.Metric => $"metrics.{key}",
        RunFilterEntity.Param => $"params.{key}",
        RunFilterEntity.Tag => $"tags.{key}",
        _ => $"attributes.{key}",
    };

    private static InvalidRunFilterException Error(string filter, string problem) =>
        new($"Cannot parse the run filter \"{filter}\": {problem}.");

    private enum TokenKind
    {
        Identifier,
        Word,
        Operator,
        Number,
        String,
    }

    private readonly record struct Token(TokenKind Kind, string Text)
    {
        public bool IsWord(string word) =>
            Kind is TokenKind.Word or TokenKind.Identifier && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);
    }

    private static List<Token> Tokenize(string filter)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < filter.Length)
        {
            var c = filter[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '\'' || (c is '"' && tokens.Count > 0 && (tokens[^1].Kind is TokenKind.Operator || tokens[^1].IsWord("like") || tokens[^1].IsWord("ilike"))))
            {
                // A value; double quotes name a key unless they follow an operator.
                tokens.Add(new Token(TokenKind.String, ReadQuoted(filter, ref i, c)));
            }
            else if (c is '<' or '>' or '=' or '!')
            {
                var length = i + 1 < filter.Length && filter[i + 1] == '=' ? 2 : 1;
                var text = filter.Substring(i, length);
                if (text == "!")
                {
                    throw Error(filter, "'!' must be followed by '='");
                }

                tokens.Add(new Token(TokenKind.Operator, text == "==" ? "=" : text));
                i += length;
            }
            else if (char.IsDigit(c) || (c is '-' or '+' or '.' && i + 1 < filter.Length && char.IsDigit(filter[i + 1])))
            {
                var start = i++;
                while (i < filter.Length && (char.IsLetterOrDigit(filter[i]) || filter[i] is '.' or '-' or '+'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, filter[start..i]));
            }
            else if (char.IsLetter(c) || c is '_' or '`' or '"')
            {
                tokens.Add(ReadIdentifier(filter, ref i));
            }
            else
            {
                throw Error(filter, $"unexpected character '{c}' at position {i + 1}");
            }
        }

        return tokens;
    }

    private static Token ReadIdentifier(string filter, ref int i)
    {
        // entity.key where the key may be quoted: metrics.`my metric`, tags."mlflow.runName".
        var text = new StringBuilder();
        var quotedPart = false;
        while (i < filter.Length)
        {
            var c = filter[i];
            if (c is '`' or '"')
            {
                text.Append(ReadQuoted(filter, ref i, c));
                quotedPart = true;
            }
            else if (char.IsLetterOrDigit(c) || c is '_' or '.' or '-')
            {
                text.Append(c);
                i++;
            }
            else
            {
                break;
            }
        }

        // Only the keywords are words; anything else names a metric, param, tag or attribute.
        var value = text.ToString();
        var isKeyword = !quotedPart && value.ToLowerInvariant() is "and" or "like" or "ilike";
        return new Token(isKeyword ? TokenKind.Word : TokenKind.Identifier, value);
    }

    private static string ReadQuoted(string filter, ref int i, char quote)
    {
        var text = new StringBuilder();
        i++;
        while (i < filter.Length)
        {
            if (filter[i] == quote)
            {
                // A doubled quote stands for the quote itself, as in SQL.
                if (i + 1 < filter.Length && filter[i + 1] == quote)
                {
                    text.Append(quote);
                    i += 2;
                    continue;
                }

                i++;
                return text.ToString();
            }

            text.Append(filter[i++]);
        }

        throw Error(filter, $"a {quote} quote is not closed");
    }
}
