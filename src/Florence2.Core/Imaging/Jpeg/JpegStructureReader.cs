using System.Buffers.Binary;

namespace Florence2.Imaging.Jpeg;

/// <summary>
/// Walks a JPEG's markers the way libjpeg reads them (segments, entropy-coded data up to the next marker, RSTn and
/// fill bytes inside scans, stray bytes between markers skipped) to learn the frame header before decoding and to
/// find out what the decoder would silently paper over: a stream cut before EOI, or progressive scans that leave
/// coefficients unsent. Pure and allocation-light; runs on untrusted bytes, so every read is bounds-checked.
/// </summary>
internal static class JpegStructureReader
{
    private const byte StartOfImage = 0xD8;
    private const byte EndOfImage = 0xD9;
    private const byte StartOfScan = 0xDA;
    private const int CoefficientsPerBlock = 64;

    /// <summary>Reads the structure; null when there is no frame header a decoder could use.</summary>
    public static JpegFrame? Read(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != StartOfImage)
        {
            return null;
        }

        FrameHeader? frame = null;
        ProgressiveCoverage? coverage = null;
        int position = 2;
        while (TryNextMarker(jpeg, ref position, out byte marker))
        {
            if (marker == EndOfImage)
            {
                return frame?.ToFrame(reachesEndOfImage: true, coverage?.IsComplete ?? true);
            }

            if (IsStandalone(marker))
            {
                continue;
            }

            if (position + 2 > jpeg.Length)
            {
                break;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[position..]);
            if (length < 2 || position + length > jpeg.Length)
            {
                break;
            }

            ReadOnlySpan<byte> segment = jpeg.Slice(position + 2, length - 2);
            position += length;
            if (IsStartOfFrame(marker) && frame is null)
            {
                frame = FrameHeader.Parse(marker, segment);
                if (frame is null)
                {
                    return null;
                }

                coverage = frame.Value.IsProgressive ? new ProgressiveCoverage(frame.Value.Components.Length) : null;
            }
            else if (marker == StartOfScan)
            {
                if (frame is not null && coverage is not null)
                {
                    coverage.Add(frame.Value, segment);
                }

                position = SkipEntropyCodedData(jpeg, position);
            }
        }

        // The bytes ran out before EOI: the decoder would need more input (Pillow: "image file is truncated").
        return frame?.ToFrame(reachesEndOfImage: false, coverage?.IsComplete ?? true);
    }

    // SOF0-3, 5-7, 9-11, 13-15; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
    private static bool IsStartOfFrame(byte marker) => marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);

    // TEM and RST0-7 have no length field.
    private static bool IsStandalone(byte marker) => marker is 0x01 or (>= 0xD0 and <= 0xD7);

    /// <summary>Finds the next marker at or after <paramref name="position"/>, skipping stray bytes and 0xFF fill as libjpeg does.</summary>
    private static bool TryNextMarker(ReadOnlySpan<byte> jpeg, ref int position, out byte marker)
    {
        while (position + 1 < jpeg.Length)
        {
            if (jpeg[position] != 0xFF)
            {
                position++;
                continue;
            }

            byte next = jpeg[position + 1];
            if (next is 0xFF or 0x00)
            {
                position++;
                continue;
            }

            marker = next;
            position += 2;
            return true;
        }

        marker = 0;
        return false;
    }

    /// <summary>Skips a scan's entropy-coded bytes: stuffed 0xFF 0x00 and RSTn belong to it, any other marker ends it.</summary>
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> jpeg, int position)
    {
        while (true)
        {
            int next = jpeg[position..].IndexOf((byte)0xFF);
            if (next < 0)
            {
                return jpeg.Length;
            }

            position += next;
            int after = position + 1;
            while (after < jpeg.Length && jpeg[after] == 0xFF)
            {
                after++; // fill bytes before a marker
            }

            if (after >= jpeg.Length)
            {
                return jpeg.Length;
            }

            byte code = jpeg[after];
            if (code == 0x00 || code is >= 0xD0 and <= 0xD7)
            {
                position = after + 1;
                continue;
            }

            return after - 1; // at the 0xFF that introduces the marker
        }
    }

    private readonly record struct FrameHeader(JpegCodingProcess Process, int Precision, int Width, int Height, JpegComponent[] Components)
    {
        public bool IsProgressive => Process is JpegCodingProcess.ProgressiveHuffman or JpegCodingProcess.ProgressiveArithmetic;

        public static FrameHeader? Parse(byte marker, ReadOnlySpan<byte> segment)
        {
            if (segment.Length < 6)
            {
                return null;
            }

            int count = segment[5];
            if (count == 0 || segment.Length < 6 + (3 * count))
            {
                return null;
            }

            var components = new JpegComponent[count];
            for (int i = 0; i < count; i++)
            {
                ReadOnlySpan<byte> c = segment.Slice(6 + (3 * i), 3);
                components[i] = new JpegComponent(c[0], c[1] >> 4, c[1] & 0x0F);
            }

            return new FrameHeader(
                ProcessOf(marker),
                segment[0],
                BinaryPrimitives.ReadUInt16BigEndian(segment[3..]),
                BinaryPrimitives.ReadUInt16BigEndian(segment[1..]),
                components);
        }

        public JpegFrame ToFrame(bool reachesEndOfImage, bool hasEveryCoefficient) =>
            new(Process, Precision, Width, Height, Components, reachesEndOfImage, hasEveryCoefficient);

        private static JpegCodingProcess ProcessOf(byte marker) => marker switch
        {
            0xC0 or 0xC1 => JpegCodingProcess.SequentialHuffman,
            0xC2 => JpegCodingProcess.ProgressiveHuffman,
            0xC9 => JpegCodingProcess.SequentialArithmetic,
            0xCA => JpegCodingProcess.ProgressiveArithmetic,
            _ => JpegCodingProcess.LosslessOrHierarchical,
        };
    }

    /// <summary>
    /// Which coefficients of which component the progressive scans so far deliver to their last bit (a scan with
    /// successive-approximation low bit Al = 0). A coefficient never finished is where libjpeg's block smoothing guesses,
    /// and that guess is not the same in every libjpeg-turbo release.
    /// </summary>
    private sealed class ProgressiveCoverage(int componentCount)
    {
        private readonly bool[] finished = new bool[componentCount * CoefficientsPerBlock];

        public bool IsComplete => Array.TrueForAll(finished, f => f);

        public void Add(FrameHeader frame, ReadOnlySpan<byte> scanHeader)
        {
            if (scanHeader.Length < 1)
            {
                return;
            }

            int count = scanHeader[0];
            if (scanHeader.Length < 1 + (2 * count) + 3)
            {
                return;
            }

            ReadOnlySpan<byte> tail = scanHeader.Slice(1 + (2 * count), 3);
            int spectralStart = tail[0], spectralEnd = Math.Min((int)tail[1], CoefficientsPerBlock - 1);
            bool lastBit = (tail[2] & 0x0F) == 0;
            if (!lastBit)
            {
                return;
            }

            for (int i = 0; i < count; i++)
            {
                byte id = scanHeader[1 + (2 * i)];
                int component = Array.FindIndex(frame.Components, c => c.Id == id);
                if (component < 0)
                {
                    continue;
                }

                for (int k = spectralStart; k <= spectralEnd; k++)
                {
                    finished[(component * CoefficientsPerBlock) + k] = true;
                }
            }
        }
    }
}
