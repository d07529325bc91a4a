namespace MlopsPS.Core.Retraining;

/// <summary>What a retrain does with string feature columns, which XGBoost cannot take as they are.</summary>
public enum CategoricalEncoding
{
    /// <summary>Refuse them with an error that names them (the default: nothing is encoded behind the user's back).</summary>
    None,

    /// <summary>
    /// Expand each into one 0/1 column per value seen in the training rows, named <c>column=value</c>; nulls and
    /// values not seen in training encode as all zeros. The model's signature lists the expanded columns.
    /// </summary>
    OneHot,
}
