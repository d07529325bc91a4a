namespace MlopsPS.Core.Retraining;

/// <summary>
/// The selected rows cannot train a model: a missing label or feature column, a string feature without an
/// encoding, no rows, a label that is not 0/1, or a label with one class only. <see cref="ErrorId"/> says which.
/// </summary>
public sealed class TrainingDataException(string errorId, string message, MlopsErrorKind kind = MlopsErrorKind.InvalidData)
    : MlopsException(message, kind)
{
    /// <summary>The error ids this exception uses.</summary>
    public static class Ids
    {
        public const string LabelColumnNotFound = nameof(LabelColumnNotFound);
        public const string FeatureColumnNotFound = nameof(FeatureColumnNotFound);
        public const string CategoricalFeature = nameof(CategoricalFeature);
        public const string NonNumericColumn = nameof(NonNumericColumn);
        public const string EmptyTrainingData = nameof(EmptyTrainingData);
        public const string InvalidLabel = nameof(InvalidLabel);
        public const string SingleClassLabel = nameof(SingleClassLabel);
        public const string LabelNotSpecified = nameof(LabelNotSpecified);
    }

    /// <inheritdoc />
    public override string ErrorId { get; } = errorId;
}
