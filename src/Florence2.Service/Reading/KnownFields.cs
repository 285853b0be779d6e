using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Florence2.Service.Reading;

/// <summary>
/// The names a task request may use, the same in multipart/form-data and JSON, matched exactly (case-sensitive), and
/// the nearest known name for one that is not (the usual cause: camelCase, PascalCase, kebab-case or a typo).
/// </summary>
internal static class KnownFields
{
    public const string Image = Serving.RequestFields.Image;
    public const string Images = "images";   // the API's way to send several images; the model takes one at a time
    public const string Task = Serving.RequestFields.Task;
    public const string Text = Serving.RequestFields.Text;
    public const string Region = Serving.RequestFields.Region;
    public const string NumBeams = Serving.RequestFields.NumBeams;
    public const string MaxNewTokens = Serving.RequestFields.MaxNewTokens;
    public const string MaskFormat = Serving.RequestFields.MaskFormat;
    public const string MinScore = Serving.RequestFields.MinScore;
    public const string Logprobs = Serving.RequestFields.Logprobs;
    public const string Tasks = "tasks";   // POST /v1/analyze: several tasks on each image

    /// <summary>Every field, in the order the documentation lists them (and messages repeat).</summary>
    public static ImmutableArray<string> All { get; } = [Image, Images, Task, Tasks, Text, Region, NumBeams, MaxNewTokens, MaskFormat, MinScore, Logprobs];

    /// <summary>Fields that carry an image: file parts in multipart, base64 strings in JSON.</summary>
    public static FrozenSet<string> ImageFields { get; } = FrozenSet.ToFrozenSet([Image, Images], StringComparer.Ordinal);

    /// <summary>Fields that carry a plain value (a text field in multipart).</summary>
    public static FrozenSet<string> ValueFields { get; } =
        FrozenSet.ToFrozenSet([Task, Tasks, Text, Region, NumBeams, MaxNewTokens, MaskFormat, MinScore, Logprobs], StringComparer.Ordinal);

    /// <summary>Plain fields a multipart body may repeat: one <c>tasks</c> part per task, in order.</summary>
    public static FrozenSet<string> RepeatableFields { get; } = FrozenSet.ToFrozenSet([Tasks], StringComparer.Ordinal);

    /// <summary>The fields of one item of <c>tasks</c> given as an object: a task and its own inputs and settings.</summary>
    public static ImmutableArray<string> TaskItemFields { get; } = [Task, Text, Region, NumBeams, MaxNewTokens, MaskFormat, MinScore, Logprobs];

    /// <summary>
    /// Names other APIs use for the same thing, keyed by their <see cref="Normalise">normalised</see> form; too far
    /// from ours for the edit distance to find.
    /// </summary>
    private static FrozenDictionary<string, string> Aliases { get; } = new Dictionary<string, string>
    {
        ["file"] = Image, ["photo"] = Image, ["picture"] = Image, ["files"] = Images,
        ["prompt"] = Text,
        ["box"] = Region, ["bbox"] = Region,
        ["beams"] = NumBeams,
        ["maxtokens"] = MaxNewTokens,
        ["mask"] = MaskFormat, ["maskmode"] = MaskFormat, ["outputformat"] = MaskFormat,
        ["threshold"] = MinScore, ["scorethreshold"] = MinScore, ["confidence"] = MinScore, ["minconfidence"] = MinScore,
        ["logprob"] = Logprobs,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static FrozenDictionary<string, string> ByNormalisedName { get; } =
        All.ToFrozenDictionary(Normalise, name => name, StringComparer.Ordinal);

    public static bool IsKnown(string name) => ImageFields.Contains(name) || ValueFields.Contains(name);

    /// <summary>
    /// The known field <paramref name="unknown"/> most likely stands for, or null: the same name in another casing or
    /// separator style, a common alias, or the closest name within two edits (insert, delete, substitute, swap).
    /// </summary>
    public static string? Suggest(string unknown)
    {
        string normalised = Normalise(unknown);
        if (normalised.Length == 0) return null;
        if (ByNormalisedName.TryGetValue(normalised, out var sameName)) return sameName;
        if (Aliases.TryGetValue(normalised, out var alias)) return alias;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var (candidate, name) in ByNormalisedName)
        {
            int distance = EditDistance(normalised, candidate);
            // Two edits at most, and fewer than the shorter name's length, so "id" does not become "text".
            if (distance <= 2 && distance < Math.Min(normalised.Length, candidate.Length)
                && (distance < bestDistance || (distance == bestDistance && All.IndexOf(name) < All.IndexOf(best!))))
                (best, bestDistance) = (name, distance);
        }
        return best;
    }

    /// <summary>Lower case without separators: <c>maxNewTokens</c>, <c>Max-New-Tokens</c> and <c>max_new_tokens</c> are alike.</summary>
    internal static string Normalise(string name) =>
        string.Concat(name.Where(c => c is not ('_' or '-' or '.' or ' ')).Select(char.ToLowerInvariant));

    /// <summary>Optimal string alignment distance: Levenshtein plus the swap of two neighbours as one edit.</summary>
    internal static int EditDistance(string a, string b)
    {
        // Long names are never two edits from a short known one; bail out before allocating a large table.
        if (Math.Abs(a.Length - b.Length) > 2) return int.MaxValue;
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
