using System.Diagnostics;
using MlopsPS.Core.Common;

namespace MlopsPS.Core.Tests;

/// <summary>The thread CPU clock counts what a thread used, not how long it lived.</summary>
public sealed class ThreadCpuClockTests
{
    [Fact]
    public void AThreadThatSleeps_UsesAlmostNoCpu_AndOneThatSpins_UsesItsTime()
    {
        TimeSpan slept = default, spun = default, spinWall = default;
        var thread = new Thread(() =>
        {
            var start = ThreadCpuClock.Now();
            Thread.Sleep(300);
            slept = ThreadCpuClock.Now() - start;

            start = ThreadCpuClock.Now();
            var wall = Stopwatch.StartNew();
            var spinner = 0L;
            while (ThreadCpuClock.Now() - start < TimeSpan.FromMilliseconds(200))
            {
                spinner++;
            }

            spun = ThreadCpuClock.Now() - start;
            spinWall = wall.Elapsed;
        });
        thread.Start();
        thread.Join();

        Assert.True(slept < TimeSpan.FromMilliseconds(50), $"a 300 ms sleep counted {slept.TotalMilliseconds} ms of CPU");
        Assert.InRange(spun.TotalMilliseconds, 200, 1000);
        Assert.True(spinWall >= spun - TimeSpan.FromMilliseconds(20), $"{spun.TotalMilliseconds} ms of CPU in {spinWall.TotalMilliseconds} ms of wall time");
    }
}
