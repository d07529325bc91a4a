namespace MlopsPS.Infrastructure;

/// <summary>Stable Write-Progress activity ids, one per kind of long work, so nested bars never collide.</summary>
internal static class ProgressActivity
{
    public const int Append = 0x4D4C01;
    public const int Maintenance = 0x4D4C02;
    public const int Training = 0x4D4C03;
    public const int Scoring = 0x4D4C04;
    public const int Jobs = 0x4D4C05;
}
