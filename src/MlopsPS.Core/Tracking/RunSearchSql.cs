using System.Globalization;
using System.Data.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tracking;

/// <summary>
/// Turns parsed filter clauses and order expressions into SQL over the tracking tables. Every value is a
/// parameter; the only text spliced in is drawn from fixed lists (operators, column names).
/// </summary>
internal sealed class RunSearchSql
{
    private readonly DbCommand _command;
    private readonly ICatalogDialect _dialect;
    private int _parameterCount;

    public RunSearchSql(DbCommand command, ICatalogDialect dialect)
    {
        _command = command;
        _dialect = dialect;
    }

    /// <summary>The WHERE conditions for the clauses (joined with AND by the caller), over runs aliased <c>r</c>.</summary>
    public IEnumerable<string> Conditions(IEnumerable<RunFilterClause> clauses) => clauses.Select(Condition);

    /// <summary>The ORDER BY terms for MLflow order expressions; runs without the metric sort last.</summary>
    public IEnumerable<string> OrderTerms(IEnumerable<string> orderBy)
    {
        foreach (var expression in orderBy)
        {
            // The direction, if any, is the last word; the key before it may be quoted and hold spaces.
            var text = expression.Trim();
            var lastSpace = text.LastIndexOf(' ');
            var lastWord = lastSpace < 0 ? string.Empty : text[(lastSpace + 1)..].ToUpperInvariant();
            var direction = lastWord is "ASC" or "DESC" ? lastWord : "ASC";
            var identifier = lastWord is "ASC" or "DESC" ? text[..lastSpace].TrimEnd() : text;
            if (identifier.Length == 0)
            {
                throw new InvalidRunFilterException($"Cannot parse the order expression \"{expression}\": use 'metrics.roc_auc DESC' or 'attributes.start_time'.");
            }

            var (entity, key) = RunFilterParser.ParseKey(identifier);
            var value = ValueExpression(entity, key);
            yield return $"({value}) IS NULL, {value} {direction}";
        }
    }

    private string Condition(RunFilterClause clause)
    {
        var value = ValueExpression(clause.Entity, clause.Key);
        var parameter = Add(clause.Value is string text && clause.Entity == RunFilterEntity.Attribute && clause.Key == "status"
            ? text.ToUpperInvariant()
            : clause.Value);
        return clause.Operator switch
        {
            // MLflow's LIKE tells case apart (SQLite's does not: the dialect makes it a GLOB there).
            "LIKE" => _dialect.CaseSensitiveLike(value, Add(_dialect.LikePattern((string)clause.Value))),
            "ILIKE" => $"lower({value}) LIKE lower({parameter})",
            "=" or "!=" or "<" or "<=" or ">" or ">=" => $"{value} {clause.Operator} {parameter}",
            _ => throw new InvalidRunFilterException($"Unsupported operator {clause.Operator}."),
        };
    }

    private string ValueExpression(RunFilterEntity entity, string key) => entity switch
    {
        RunFilterEntity.Metric => $"(SELECT m.value FROM latest_metrics m WHERE m.run_id = r.run_id AND m.key = {Add(key)})",
        RunFilterEntity.Param => $"(SELECT p.value FROM params p WHERE p.run_id = r.run_id AND p.key = {Add(key)})",
        RunFilterEntity.Tag => $"(SELECT t.value FROM tags t WHERE t.run_id = r.run_id AND t.key = {Add(key)})",
        _ => key switch
        {
            "status" => "r.status",
            "run_name" => "r.run_name",
            "run_id" => "r.run_id",
            "user_id" => "r.user_id",
            "artifact_uri" => "r.artifact_uri",
            "start_time" => "r.start_time",
            "end_time" => "r.end_time",
            _ => throw new InvalidRunFilterException($"Unknown attribute {key}."),
        },
    };

    private string Add(object value)
    {
        var name = "@f" + (_parameterCount++).ToString(CultureInfo.InvariantCulture);
        _command.AddParameter(name, value);
        return name;
    }
}
