using System.Globalization;
using System.Runtime.InteropServices;

namespace MlopsPS.Core.Training;

/// <summary>
/// P/Invoke declarations for the subset of the XGBoost C API (include/xgboost/c_api.h, 1.7) that the
/// trainer and the model use. Every call that returns an int goes through <see cref="Check"/>; handles
/// come back as SafeHandles so a failed or abandoned call can never leak native memory.
/// </summary>
/// <remarks>
/// "xgboost" is not a file name any platform installs; <see cref="XGBoostLibrary"/> maps it to the real
/// library, so call <see cref="XGBoostLibrary.EnsureLoaded"/> before the first import here.
/// Pointers returned by libxgboost (strings, prediction buffers, shapes) live in a thread-local store
/// owned by the booster: callers copy them out before making another XGBoost call on the same thread.
/// bst_ulong is uint64_t.
/// </remarks>
internal static class XGBoostNative
{
    internal const string LibraryName = "xgboost";

    /// <summary>Throws <see cref="XGBoostException"/> with libxgboost's message when <paramref name="rc"/> is not 0.</summary>
    internal static void Check(int rc)
    {
        if (rc != 0)
        {
            throw new XGBoostException(LastError());
        }
    }

    /// <summary>libxgboost's last error on this thread, decoded as UTF-8.</summary>
    internal static string LastError()
    {
        // XGBGetLastError returns a pointer into thread-local storage that we must not free, so it is
        // read as an IntPtr rather than marshalled as a string (which would free it).
        var text = Marshal.PtrToStringUTF8(XGBGetLastError());
        if (string.IsNullOrWhiteSpace(text))
        {
            return "libxgboost reported an error without a message.";
        }

        // dmlc appends a native backtrace of addresses after "Stack trace:"; it helps nobody reading a
        // PowerShell error, so only the message itself ("[time] file:line: Check failed: ...") is kept.
        var trace = text.IndexOf("Stack trace:", StringComparison.Ordinal);
        return (trace >= 0 ? text[..trace] : text).Trim();
    }

    /// <summary>Decodes a NUL-terminated UTF-8 string owned by libxgboost.</summary>
    internal static string? ReadUtf8(IntPtr text) => text == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(text);

    /// <summary>Decodes a <c>char const**</c> array of <paramref name="count"/> UTF-8 strings owned by libxgboost.</summary>
    internal static unsafe string[] ReadUtf8Array(IntPtr array, ulong count)
    {
        var result = new string[checked((int)count)];
        var items = (IntPtr*)array;
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ReadUtf8(items[i]) ?? string.Empty;
        }

        return result;
    }

    private static long s_openHandles;

    /// <summary>
    /// Native handles created and not yet released, process-wide. Every handle is created through the
    /// methods below, so tests can prove that failure and cancellation paths free what they allocated.
    /// </summary>
    internal static long OpenHandles => Interlocked.Read(ref s_openHandles);

    /// <summary>
    /// A DMatrix copied from a dense row-major block; NaN marks a missing value. <paramref name="threads"/> is the
    /// DMatrix's own thread count (0 = all processors), which libxgboost also uses later for the work it does on the
    /// matrix, such as the quantile sketch and histogram index of hist training. Python's DMatrix goes through the
    /// same call (XGDMatrixCreateFromDense) with its nthread; XGDMatrixCreateFromMat would fix it at one thread.
    /// </summary>
    internal static unsafe SafeDMatrixHandle CreateDMatrix(ReadOnlySpan<float> values, int rows, int columns, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        SafeDMatrixHandle matrix;
        fixed (float* data = values)
        {
            // numpy's __array_interface__ layout, as for in-place prediction; libxgboost copies the rows.
            var arrayInterface = string.Create(
                CultureInfo.InvariantCulture,
                $$"""{"data":[{{(nint)data}},true],"shape":[{{rows}},{{columns}}],"strides":null,"typestr":"<f4","version":3}""");
            var config = string.Create(CultureInfo.InvariantCulture, $$"""{"missing":NaN,"nthread":{{threads}}}""");
            Check(Opened(XGDMatrixCreateFromDense(arrayInterface, config, out matrix), matrix));
        }

        return matrix;
    }

    /// <summary>
    /// A quantile DMatrix (Python's QuantileDMatrix) of a dense row-major block and its labels: libxgboost keeps only
    /// each value's histogram bin (one byte per value with up to 256 bins), not a copy of the values, which is all hist
    /// training reads. The block is handed over as the one batch of a data iterator, the only way the C API builds this
    /// matrix; libxgboost reads it twice (sketch, then bins) before this returns.
    /// </summary>
    internal static unsafe SafeDMatrixHandle CreateQuantileDMatrix(
        ReadOnlySpan<float> values, int rows, int columns, float[] labels, int threads, int maxBin)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Check(Opened(XGProxyDMatrixCreate(out var proxy), proxy));
        using (proxy)
        {
            fixed (float* data = values)
            {
                var batch = new DenseBatch(
                    proxy,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $$"""{"data":[{{(nint)data}},true],"shape":[{{rows}},{{columns}}],"strides":null,"typestr":"<f4","version":3}"""),
                    labels);
                var state = GCHandle.Alloc(batch);
                try
                {
                    var config = string.Create(CultureInfo.InvariantCulture, $$"""{"missing":NaN,"nthread":{{threads}},"max_bin":{{maxBin}}}""");
                    var rc = XGQuantileDMatrixCreateFromCallback(
                        GCHandle.ToIntPtr(state),
                        proxy,
                        IntPtr.Zero,
                        &DenseBatch.Reset,
                        &DenseBatch.Next,
                        config,
                        out var matrix);
                    Opened(rc, matrix);
                    if (batch.Failure is { } failure)
                    {
                        matrix.Dispose();
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                    }

                    Check(rc);
                    return matrix;
                }
                finally
                {
                    state.Free();
                }
            }
        }
    }

    /// <summary>
    /// XGBoosterCreate takes a plain array of DMatrix pointers; the references are held for the
    /// duration of the call so a concurrent Dispose cannot free a matrix underneath it.
    /// </summary>
    internal static SafeBoosterHandle CreateBooster(params SafeDMatrixHandle[] cache)
    {
        return WithRawHandles(cache, raw =>
        {
            Check(Opened(XGBoosterCreate(raw, (ulong)raw.Length, out var booster), booster));
            return booster;
        });
    }

    /// <summary>A new booster holding the trees of rounds [begin, end).</summary>
    internal static SafeBoosterHandle SliceBooster(SafeBoosterHandle booster, int begin, int end)
    {
        Check(Opened(XGBoosterSlice(booster, begin, end, 1, out var sliced), sliced));
        return sliced;
    }

    // Counts a handle the moment the native call has produced it, before anything else can fail.
    private static int Opened(int rc, SafeHandle handle)
    {
        if (!handle.IsInvalid)
        {
            Interlocked.Increment(ref s_openHandles);
        }

        return rc;
    }

    /// <summary>One round of evaluation; returns libxgboost's text, e.g. "[3]\teval-logloss:0.41".</summary>
    internal static string EvalOneIter(SafeBoosterHandle booster, int iteration, SafeDMatrixHandle[] sets, string[] names)
    {
        return WithRawHandles(sets, raw =>
        {
            var text = string.Empty;
            WithUtf8Strings(names, rawNames =>
            {
                Check(XGBoosterEvalOneIter(booster, iteration, raw, rawNames, (ulong)raw.Length, out var result));
                text = ReadUtf8(result) ?? string.Empty;
            });
            return text;
        });
    }

    /// <summary>Sets the "feature_name" info of a DMatrix.</summary>
    internal static void SetFeatureNames(SafeDMatrixHandle matrix, IReadOnlyList<string> names) =>
        WithUtf8Strings(names, raw => Check(XGDMatrixSetStrFeatureInfo(matrix, "feature_name", raw, (ulong)raw.Length)));

    /// <summary>Sets the "feature_name" info of a booster; the saved JSON model carries it.</summary>
    internal static void SetFeatureNames(SafeBoosterHandle booster, IReadOnlyList<string> names) =>
        WithUtf8Strings(names, raw => Check(XGBoosterSetStrFeatureInfo(booster, "feature_name", raw, (ulong)raw.Length)));

    // The runtime marshaller cannot pass string[] as char const** in UTF-8 (it only knows LPStr, which is
    // ANSI on Windows), so the strings are encoded by hand and freed after the call.
    private static void WithUtf8Strings(IReadOnlyList<string> values, Action<IntPtr[]> call)
    {
        var raw = new IntPtr[values.Count];
        try
        {
            for (var i = 0; i < raw.Length; i++)
            {
                raw[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
            }

            call(raw);
        }
        finally
        {
            foreach (var pointer in raw)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    private static T WithRawHandles<T>(SafeDMatrixHandle[] handles, Func<IntPtr[], T> call)
    {
        var raw = new IntPtr[handles.Length];
        var added = 0;
        try
        {
            for (; added < handles.Length; added++)
            {
                var success = false;
                handles[added].DangerousAddRef(ref success);
                raw[added] = handles[added].DangerousGetHandle();
            }

            return call(raw);
        }
        finally
        {
            for (var i = 0; i < added; i++)
            {
                handles[i].DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Holds a reference on a handle until disposed. The P/Invoke marshaller holds one only for the call
    /// itself, but buffers libxgboost returns live inside the booster: without a lease, a Dispose on
    /// another thread between the call and the copy would free them under the reader.
    /// </summary>
    internal readonly ref struct HandleLease
    {
        private readonly SafeHandle _handle;

        /// <exception cref="ObjectDisposedException">The handle is already closed.</exception>
        public HandleLease(SafeHandle handle)
        {
            var added = false;
            handle.DangerousAddRef(ref added);
            _handle = handle;
        }

        public void Dispose() => _handle.DangerousRelease();
    }

    // ---- Library -------------------------------------------------------------------------------

    [DllImport(LibraryName)]
    private static extern IntPtr XGBGetLastError();

    [DllImport(LibraryName)]
    internal static extern void XGBoostVersion(out int major, out int minor, out int patch);

    // ---- DMatrix -------------------------------------------------------------------------------

    [DllImport(LibraryName)]
    private static extern int XGDMatrixCreateFromDense(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string arrayInterface,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string config,
        out SafeDMatrixHandle handle);

    [DllImport(LibraryName)]
    private static extern int XGProxyDMatrixCreate(out SafeDMatrixHandle handle);

    [DllImport(LibraryName)]
    private static extern int XGProxyDMatrixSetDataDense(SafeDMatrixHandle proxy, [MarshalAs(UnmanagedType.LPUTF8Str)] string arrayInterface);

    // reference: a DMatrix whose bins to use (c_api.h types it DataIterHandle), or null; reset is void(DataIterHandle),
    // next int(DataIterHandle).
    [DllImport(LibraryName)]
    private static extern unsafe int XGQuantileDMatrixCreateFromCallback(
        IntPtr iterator,
        SafeDMatrixHandle proxy,
        IntPtr reference,
        delegate* unmanaged<IntPtr, void> reset,
        delegate* unmanaged<IntPtr, int> next,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string config,
        out SafeDMatrixHandle handle);

    [DllImport(LibraryName)]
    internal static extern unsafe int XGDMatrixSetFloatInfo(
        SafeDMatrixHandle handle, [MarshalAs(UnmanagedType.LPUTF8Str)] string field, float* values, ulong length);

    [DllImport(LibraryName)]
    private static extern int XGDMatrixSetStrFeatureInfo(
        SafeDMatrixHandle handle, [MarshalAs(UnmanagedType.LPUTF8Str)] string field, IntPtr[] values, ulong length);

    [DllImport(LibraryName)]
    internal static extern int XGDMatrixNumRow(SafeDMatrixHandle handle, out ulong rows);

    [DllImport(LibraryName)]
    internal static extern int XGDMatrixNumCol(SafeDMatrixHandle handle, out ulong columns);

    [DllImport(LibraryName)]
    private static extern int XGDMatrixFree(IntPtr handle);

    // ---- Booster: training -----------------------------------------------------------------------

    [DllImport(LibraryName)]
    private static extern int XGBoosterCreate(IntPtr[] cache, ulong length, out SafeBoosterHandle handle);

    [DllImport(LibraryName)]
    internal static extern int XGBoosterSetParam(
        SafeBoosterHandle handle,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value);

    [DllImport(LibraryName)]
    internal static extern int XGBoosterUpdateOneIter(SafeBoosterHandle handle, int iteration, SafeDMatrixHandle train);

    [DllImport(LibraryName)]
    private static extern int XGBoosterEvalOneIter(
        SafeBoosterHandle handle,
        int iteration,
        IntPtr[] sets,
        IntPtr[] names,
        ulong length,
        out IntPtr result);

    [DllImport(LibraryName)]
    internal static extern int XGBoosterBoostedRounds(SafeBoosterHandle handle, out int rounds);

    [DllImport(LibraryName)]
    internal static extern int XGBoosterGetNumFeature(SafeBoosterHandle handle, out ulong features);

    /// <summary>Returns -2 (not -1) when the range is out of bounds.</summary>
    [DllImport(LibraryName)]
    private static extern int XGBoosterSlice(
        SafeBoosterHandle handle, int beginLayer, int endLayer, int step, out SafeBoosterHandle sliced);

    [DllImport(LibraryName)]
    private static extern int XGBoosterFree(IntPtr handle);

    // ---- Booster: prediction -------------------------------------------------------------------

    /// <summary>
    /// In-place prediction from a dense array described by a JSON __array_interface__. Thread safe on
    /// one booster (results go to a per-thread store). In 1.7 it supports only value and margin
    /// prediction (learner.cc: "Unsupported prediction type" otherwise).
    /// </summary>
    [DllImport(LibraryName)]
    internal static extern int XGBoosterPredictFromDense(
        SafeBoosterHandle handle,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string arrayInterface,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string config,
        IntPtr proxy,
        out IntPtr shape,
        out ulong dimensions,
        out IntPtr result);

    [DllImport(LibraryName)]
    internal static extern int XGBoosterPredictFromDMatrix(
        SafeBoosterHandle handle,
        SafeDMatrixHandle data,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string config,
        out IntPtr shape,
        out ulong dimensions,
        out IntPtr result);

    // ---- Booster: model I/O, attributes, feature info ------------------------------------------

    // XGBoosterSaveModel/LoadModel (file paths) are not bound on purpose: in 1.7 SaveModel picks the
    // format from the extension and writes the deprecated binary format for anything but .json/.ubj.
    // Going through the buffer functions always writes JSON, and loading from a buffer detects JSON
    // or UBJSON from the content.

    [DllImport(LibraryName)]
    internal static extern int XGBoosterSaveModelToBuffer(
        SafeBoosterHandle handle, [MarshalAs(UnmanagedType.LPUTF8Str)] string config, out ulong length, out IntPtr data);

    [DllImport(LibraryName)]
    internal static extern unsafe int XGBoosterLoadModelFromBuffer(SafeBoosterHandle handle, byte* data, ulong length);

    [DllImport(LibraryName)]
    internal static extern int XGBoosterSetAttr(
        SafeBoosterHandle handle,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string key,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? value);

    [DllImport(LibraryName)]
    internal static extern int XGBoosterGetAttr(
        SafeBoosterHandle handle, [MarshalAs(UnmanagedType.LPUTF8Str)] string key, out IntPtr value, out int success);

    [DllImport(LibraryName)]
    private static extern int XGBoosterSetStrFeatureInfo(
        SafeBoosterHandle handle, [MarshalAs(UnmanagedType.LPUTF8Str)] string field, IntPtr[] values, ulong length);

    [DllImport(LibraryName)]
    internal static extern int XGBoosterGetStrFeatureInfo(
        SafeBoosterHandle handle, [MarshalAs(UnmanagedType.LPUTF8Str)] string field, out ulong length, out IntPtr values);

    [DllImport(LibraryName)]
    internal static extern int XGBoosterFeatureScore(
        SafeBoosterHandle handle,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string config,
        out ulong featureCount,
        out IntPtr featureNames,
        out ulong dimensions,
        out IntPtr shape,
        out IntPtr scores);

    /// <summary>
    /// The iterator state behind <see cref="CreateQuantileDMatrix"/>: one batch, handed to the proxy matrix on each pass.
    /// The callbacks run on the calling thread, inside XGQuantileDMatrixCreateFromCallback; an exception must not cross
    /// into native code, so it ends the iteration and is rethrown once the call returns.
    /// </summary>
    private sealed class DenseBatch(SafeDMatrixHandle proxy, string arrayInterface, float[] labels)
    {
        private bool _delivered;

        public Exception? Failure { get; private set; }

        [UnmanagedCallersOnly]
        public static void Reset(IntPtr state) => From(state)._delivered = false;

        [UnmanagedCallersOnly]
        public static unsafe int Next(IntPtr state)
        {
            var batch = From(state);
            if (batch._delivered || batch.Failure is not null)
            {
                return 0;
            }

            try
            {
                Check(XGProxyDMatrixSetDataDense(batch.Proxy, batch.ArrayInterface));
                fixed (float* label = batch.Labels)
                {
                    Check(XGDMatrixSetFloatInfo(batch.Proxy, "label", label, (ulong)batch.Labels.Length));
                }

                batch._delivered = true;
                return 1;
            }
            catch (Exception e)
            {
                batch.Failure = e;
                return 0;
            }
        }

        private SafeDMatrixHandle Proxy => proxy;

        private string ArrayInterface => arrayInterface;

        private float[] Labels => labels;

        private static DenseBatch From(IntPtr state) => (DenseBatch)GCHandle.FromIntPtr(state).Target!;
    }

    // ---- Handles -------------------------------------------------------------------------------

    /// <summary>Owns a DMatrixHandle. Created only by the marshaller from an <c>out</c> parameter.</summary>
    internal sealed class SafeDMatrixHandle : SafeHandle
    {
        private SafeDMatrixHandle() : base(IntPtr.Zero, ownsHandle: true) { }

        public override bool IsInvalid => handle == IntPtr.Zero;

        // XGDMatrixFree catches C++ exceptions itself; a non-zero code only makes the runtime raise a
        // ReleaseHandleFailed MDA in debug builds. Nothing here may throw.
        protected override bool ReleaseHandle()
        {
            Interlocked.Decrement(ref s_openHandles);
            return XGDMatrixFree(handle) == 0;
        }
    }

    /// <summary>Owns a BoosterHandle. Created only by the marshaller from an <c>out</c> parameter.</summary>
    internal sealed class SafeBoosterHandle : SafeHandle
    {
        private SafeBoosterHandle() : base(IntPtr.Zero, ownsHandle: true) { }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            Interlocked.Decrement(ref s_openHandles);
            return XGBoosterFree(handle) == 0;
        }
    }
}
