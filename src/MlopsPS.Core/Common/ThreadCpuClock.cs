using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MlopsPS.Core.Common;

/// <summary>
/// The CPU time the calling thread has used. A background worker that keeps to a share of a core must count what it
/// used, not how long it took: on a saturated machine a thread waits for a core, and its wall time overstates its
/// work by as much as the machine is oversubscribed.
/// </summary>
/// <remarks>
/// <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c> on Linux and macOS, <c>GetThreadTimes</c> on Windows; elsewhere (or if
/// the call fails) the wall clock, which only errs towards resting longer.
/// </remarks>
public static partial class ThreadCpuClock
{
    private const int LinuxThreadCpuClock = 3;
    private const int MacThreadCpuClock = 16;

    /// <summary>The calling thread's CPU time (user and kernel) so far; only differences between two readings mean anything.</summary>
    public static TimeSpan Now()
    {
        try
        {
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                var clock = OperatingSystem.IsLinux() ? LinuxThreadCpuClock : MacThreadCpuClock;
                if (clock_gettime(clock, out var time) == 0)
                {
                    return TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100));
                }
            }
            else if (OperatingSystem.IsWindows() && GetThreadTimes(GetCurrentThread(), out _, out _, out var kernel, out var user))
            {
                return TimeSpan.FromTicks(kernel + user);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Fall through to the wall clock.
        }

        return Stopwatch.GetElapsedTime(0);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clockId, out TimeSpec time);

    [LibraryImport("kernel32")]
    private static partial nint GetCurrentThread();

    [LibraryImport("kernel32")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetThreadTimes(nint thread, out long creation, out long exit, out long kernel, out long user);
}
