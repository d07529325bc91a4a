using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;

namespace MlopsPS.Core.Serving.Protocol;

/// <summary>
/// The ids the scoring host gives its predictions, shared by the response writer (what the caller gets) and the
/// prediction log (what the store keeps), so the two can never disagree.
/// </summary>
/// <remarks>
/// <para>One UUID per request, version 7 (time-ordered: its first 48 bits are the Unix time in milliseconds); row
/// <c>i</c> gets that UUID with <c>i</c> added to its last 32 bits, so the ids are unique per prediction without a
/// random draw per row, and the first row's id is the request's id (the wrapped form's <c>uuid</c>).</para>
/// <para>The time in the id matters to the prediction log: a prediction's time is its id's time (the host makes the id
/// when the answer is ready), so the log finds an id through its index by time and needs no index of the ids, the
/// largest cost of each logged prediction after the row itself. The log keeps an id as its 16 bytes in RFC 4122 order
/// (<see cref="PrepareBytes"/>), which sort as the text does.</para>
/// </remarks>
public static class PredictionIds
{
    /// <summary>The length of an id: a UUID in its 36-character "D" form.</summary>
    public const int Length = 36;

    /// <summary>The length of an id in bytes.</summary>
    public const int ByteLength = 16;

    private const int TailLength = 8;

    /// <summary>A new request id; its time (to the millisecond) is now.</summary>
    public static Guid NewRequestId() => Guid.CreateVersion7();

    /// <summary>A new request id whose time is <paramref name="at"/> (to the millisecond).</summary>
    public static Guid NewRequestId(DateTimeOffset at) => Guid.CreateVersion7(at);

    /// <summary>The time in a request id (version 7): Unix milliseconds, its first 48 bits.</summary>
    public static long TimestampOf(Guid requestId)
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        requestId.TryWriteBytes(bytes, bigEndian: true, out _);
        return TimestampOf(bytes);
    }

    /// <summary>The time in an id as the log keeps it (16 bytes, RFC 4122 order): Unix milliseconds.</summary>
    public static long TimestampOf(ReadOnlySpan<byte> id) => (long)(BinaryPrimitives.ReadUInt64BigEndian(id) >> 16);

    /// <summary>
    /// Writes the request id into <paramref name="buffer"/> (at least <see cref="Length"/> bytes, UTF-8) and returns
    /// the value of its last 32 bits, from which <see cref="SetRow"/> makes each row's id.
    /// </summary>
    public static uint Prepare(Guid requestId, Span<byte> buffer)
    {
        requestId.TryFormat(buffer, out _, "D");
        Utf8Parser.TryParse(buffer.Slice(Length - TailLength, TailLength), out uint tail, out _, 'x');
        return tail;
    }

    /// <summary>Turns a prepared buffer into the id of row <paramref name="row"/> of the request.</summary>
    public static void SetRow(Span<byte> buffer, uint tail, int row) =>
        Utf8Formatter.TryFormat(unchecked(tail + (uint)row), buffer.Slice(Length - TailLength, TailLength), out _, new StandardFormat('x', TailLength));

    /// <summary>The id of row <paramref name="row"/> of the request <paramref name="requestId"/>, as a string.</summary>
    public static string ForRow(Guid requestId, int row)
    {
        Span<byte> buffer = stackalloc byte[Length];
        var tail = Prepare(requestId, buffer);
        SetRow(buffer, tail, row);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    /// <summary>
    /// Writes the request id's 16 bytes (RFC 4122 order) into <paramref name="buffer"/> and returns the value of its
    /// last 32 bits, from which <see cref="SetRowBytes"/> makes each row's id: the same ids as <see cref="SetRow"/>.
    /// </summary>
    public static uint PrepareBytes(Guid requestId, Span<byte> buffer)
    {
        requestId.TryWriteBytes(buffer, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(ByteLength - 4, 4));
    }

    /// <summary>Turns a buffer prepared by <see cref="PrepareBytes"/> into the id of row <paramref name="row"/>.</summary>
    public static void SetRowBytes(Span<byte> buffer, uint tail, int row) =>
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(ByteLength - 4, 4), unchecked(tail + (uint)row));

    /// <summary>An id as the log keeps it; false when <paramref name="id"/> is not a UUID (in any of its text forms).</summary>
    public static bool TryGetBytes(string id, out byte[] bytes)
    {
        if (Guid.TryParse(id, out var guid))
        {
            bytes = guid.ToByteArray(bigEndian: true);
            return true;
        }

        bytes = [];
        return false;
    }

    /// <summary>An id as the caller got it, from the bytes the log keeps.</summary>
    public static string FromBytes(ReadOnlySpan<byte> bytes) => new Guid(bytes, bigEndian: true).ToString("D");
}
