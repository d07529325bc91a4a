using System.Text;

namespace MlopsPS.Core.Sources;

/// <summary>
/// Splits CSV text into records and fields by RFC 4180: fields separated by commas, records by CRLF, LF or CR; a
/// field in double quotes may hold commas, line breaks and doubled quotes (<c>""</c> for one quote). Leniencies, for
/// files people write by hand: a quote inside an unquoted field is an ordinary character; blank lines are skipped.
/// Strict where guessing would corrupt data: text after a closing quote, or a quote left open at the end of the file,
/// is an error. Fields are returned as spans over a reused buffer, so a number never becomes a string.
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    private const int EndOfFile = -1;

    private readonly TextReader _reader;
    private readonly string _sourcePath;
    private readonly char[] _input = new char[64 * 1024];
    private int _inputLength;
    private int _inputPosition;
    private long _line = 1;

    private char[] _chars = new char[1024];
    private int _charCount;
    private int[] _fieldEnds = new int[64];
    private bool _recordHasQuotes;

    public CsvRecordReader(TextReader reader, string sourcePath)
    {
        _reader = reader;
        _sourcePath = sourcePath;
    }

    /// <summary>The number of fields in the current record.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The 1-based line on which the current record starts.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Whether the current record is an empty line (<c>""</c> alone is not: it is one empty field).</summary>
    public bool IsBlank => FieldCount == 1 && _fieldEnds[0] == 0 && !_recordHasQuotes;

    /// <summary>The text of field <paramref name="index"/> of the current record, quotes removed.</summary>
    public ReadOnlySpan<char> Field(int index)
    {
        var start = index == 0 ? 0 : _fieldEnds[index - 1];
        return _chars.AsSpan(start, _fieldEnds[index] - start);
    }

    /// <summary>Reads the next record, skipping blank lines unless <paramref name="keepBlank"/>; false at the end of the file.</summary>
    public bool Read(bool keepBlank = false)
    {
        while (true)
        {
            if (Peek() == EndOfFile)
            {
                return false;
            }

            ReadRecord();
            if (keepBlank || !IsBlank)
            {
                return true;
            }
        }
    }

    public void Dispose() => _reader.Dispose();

    private void ReadRecord()
    {
        RecordLine = _line;
        FieldCount = 0;
        _charCount = 0;
        _recordHasQuotes = false;
        while (true)
        {
            var quoted = Peek() == '"';
            _recordHasQuotes |= quoted;
            var endOfRecord = quoted ? ReadQuotedField() : ReadUnquotedField();
            if (FieldCount == _fieldEnds.Length)
            {
                Array.Resize(ref _fieldEnds, _fieldEnds.Length * 2);
            }

            _fieldEnds[FieldCount++] = _charCount;
            if (endOfRecord)
            {
                return;
            }
        }
    }

    /// <summary>Reads up to a comma (consumed; returns false) or the end of the record (consumed; returns true).</summary>
    private bool ReadUnquotedField()
    {
        while (true)
        {
            var c = Next();
            switch (c)
            {
                case ',':
                    return false;
                case '\r' or '\n' or EndOfFile:
                    EndLine(c);
                    return true;
                default:
                    Append((char)c);
                    break;
            }
        }
    }

    private bool ReadQuotedField()
    {
        var openedOnLine = _line;
        Next(); // the opening quote
        while (true)
        {
            var c = Next();
            switch (c)
            {
                case EndOfFile:
                    throw new InvalidSourceDataException(
                        $"{_sourcePath}: line {openedOnLine}: a quoted field is never closed (the file ends inside it).",
                        _sourcePath,
                        openedOnLine);
                case '"' when Peek() == '"':
                    Next();
                    Append('"');
                    break;
                case '"':
                    var after = Next();
                    switch (after)
                    {
                        case ',':
                            return false;
                        case '\r' or '\n' or EndOfFile:
                            EndLine(after);
                            return true;
                        default:
                            throw new InvalidSourceDataException(
                                $"{_sourcePath}: line {_line}: unexpected '{(char)after}' after the closing quote of a field; "
                                + "a quote inside a quoted field must be doubled (\"\").",
                                _sourcePath,
                                _line);
                    }

                case '\n':
                    _line++;
                    Append('\n');
                    break;
                case '\r':
                    // Kept as written; CRLF counts as one line.
                    if (Peek() != '\n')
                    {
                        _line++;
                    }

                    Append('\r');
                    break;
                default:
                    Append((char)c);
                    break;
            }
        }
    }

    /// <summary>Consumes the rest of a line ending that started with <paramref name="c"/>.</summary>
    private void EndLine(int c)
    {
        if (c == '\r' && Peek() == '\n')
        {
            Next();
        }

        if (c != EndOfFile)
        {
            _line++;
        }
    }

    private void Append(char c)
    {
        if (_charCount == _chars.Length)
        {
            Array.Resize(ref _chars, _chars.Length * 2);
        }

        _chars[_charCount++] = c;
    }

    private int Peek()
    {
        if (_inputPosition == _inputLength && !Fill())
        {
            return EndOfFile;
        }

        return _input[_inputPosition];
    }

    private int Next()
    {
        if (_inputPosition == _inputLength && !Fill())
        {
            return EndOfFile;
        }

        return _input[_inputPosition++];
    }

    private bool Fill()
    {
        try
        {
            _inputLength = _reader.Read(_input, 0, _input.Length);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidSourceDataException(
                $"{_sourcePath}: near line {_line}: the file is not valid UTF-8 ({e.Message}). Save it as UTF-8 and try again.",
                _sourcePath,
                _line,
                inner: e);
        }

        _inputPosition = 0;
        return _inputLength > 0;
    }
}
