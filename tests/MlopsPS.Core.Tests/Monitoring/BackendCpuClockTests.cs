using MlopsPS.Core.Monitoring;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>
/// Which backends the prediction writer counts: only a postgres process on this machine (a server elsewhere, or an id
/// that names some other process here, is not). A real backend is read in <see cref="PredictionLogWriterTests"/>.
/// </summary>
public class BackendCpuClockTests
{
    [Theory]
    [InlineData("db.example.org")]
    [InlineData("10.1.2.3")]
    public void ForPostgreSqlBackend_ServerOnAnotherMachine_IsNull(string host) =>
        Assert.Null(BackendCpuClock.ForPostgreSqlBackend(host, Environment.ProcessId));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("/var/run/postgresql")]
    public void ForPostgreSqlBackend_LoopbackIdOfAProcessThatIsNotPostgres_IsNull(string host) =>
        // This test process is dotnet, not postgres: a server in a container reports ids of its own namespace.
        Assert.Null(BackendCpuClock.ForPostgreSqlBackend(host, Environment.ProcessId));

    [Fact]
    public void ForPostgreSqlBackend_NoSuchProcess_IsNull() =>
        Assert.Null(BackendCpuClock.ForPostgreSqlBackend("127.0.0.1", int.MaxValue));
}
