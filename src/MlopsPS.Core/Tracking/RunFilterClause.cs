namespace MlopsPS.Core.Tracking;

/// <summary>What a filter clause compares: a metric, a param, a tag or a run attribute.</summary>
public enum RunFilterEntity
{
    /// <summary><c>metrics.key</c>: the latest value, a number.</summary>
    Metric,

    /// <summary><c>params.key</c>: a string.</summary>
    Param,

    /// <summary><c>tags.key</c>: a string.</summary>
    Tag,

    /// <summary><c>attributes.key</c>: status, run_name, run_id, user_id, start_time, end_time, artifact_uri.</summary>
    Attribute,
}

/// <summary>One <c>entity.key op value</c> comparison of a run filter; clauses are joined with AND, as MLflow.</summary>
public sealed record RunFilterClause(RunFilterEntity Entity, string Key, string Operator, object Value);
