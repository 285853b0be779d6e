namespace Florence2.Service.Tests.Hardening.Fuzzing;

/// <summary>
/// Deterministic AFL-style mutations for the in-process replay test: bit flips, truncations, splices, boundary integers
/// and chunk duplication. The same seed always yields the same inputs, so a failure names a reproducible case.
/// </summary>
public sealed class ByteMutator(int seed)
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF];
    private static readonly uint[] InterestingInts = [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF, 0x4000, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    private readonly Random random = new(seed);

    /// <summary>One mutant of <paramref name="input"/>; <paramref name="donor"/> supplies the tail of splices.</summary>
    public (byte[] Bytes, string How) Mutate(byte[] input, byte[] donor) => random.Next(7) switch
    {
        0 => FlipBits(input),
        1 => Truncate(input),
        2 => Splice(input, donor),
        3 => SetInterestingByte(input),
        4 => SetInterestingInt(input),
        5 => DuplicateChunk(input),
        _ => FlipBits(Truncate(input).Bytes),
    };

    private (byte[], string) FlipBits(byte[] input)
    {
        var bytes = (byte[])input.Clone();
        int flips = 1 + random.Next(8);
        for (int i = 0; i < flips && bytes.Length > 0; i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        return (bytes, $"flip {flips} bits");
    }

    private (byte[] Bytes, string How) Truncate(byte[] input)
    {
        int length = random.Next(input.Length);
        return (input[..length], $"truncate to {length}");
    }

    private (byte[], string) Splice(byte[] input, byte[] donor)
    {
        int head = random.Next(input.Length + 1), tail = random.Next(donor.Length + 1);
        return ([.. input[..head], .. donor[tail..]], $"splice {head} + donor[{tail}..]");
    }

    private (byte[], string) SetInterestingByte(byte[] input)
    {
        var bytes = (byte[])input.Clone();
        int at = random.Next(bytes.Length);
        bytes[at] = InterestingBytes[random.Next(InterestingBytes.Length)];
        return (bytes, $"byte {at} = {bytes[at]:X2}");
    }

    // Width, height, chunk lengths and marker lengths are 16- or 32-bit big-endian fields in all three formats.
    private (byte[], string) SetInterestingInt(byte[] input)
    {
        var bytes = (byte[])input.Clone();
        uint value = InterestingInts[random.Next(InterestingInts.Length)];
        int width = random.Next(2) == 0 ? 2 : 4;
        int at = random.Next(Math.Max(1, bytes.Length - width));
        for (int i = 0; i < width && at + i < bytes.Length; i++) bytes[at + i] = (byte)(value >> (8 * (width - 1 - i)));
        return (bytes, $"int{width * 8} at {at} = {value:X}");
    }

    private (byte[], string) DuplicateChunk(byte[] input)
    {
        int start = random.Next(input.Length), length = 1 + random.Next(Math.Min(64, input.Length - start));
        int at = random.Next(input.Length + 1);
        return ([.. input[..at], .. input.AsSpan(start, length), .. input[at..]], $"copy [{start}+{length}] to {at}");
    }
}
