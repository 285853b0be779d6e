using System.Collections.Frozen;

namespace Florence2.Tasks;

/// <summary>
/// phrase_grounding (CAPTION_TO_PHRASE_GROUNDING), spec §10.5: like description_with_bboxes, but phrases that are pronouns or
/// other vague words are dropped. The blacklist test uses the stripped label BEFORE non-ASCII characters are removed,
/// exact and case-sensitive, as in the reference.
/// </summary>
internal static class PhraseGroundingParser
{
    /// <summary>MS-PROC <c>_create_black_list_of_phrase_grounding</c> (duplicates of the original list removed).</summary>
    public static readonly FrozenSet<string> Blacklist = new[]
    {
        "it", "I", "me", "mine", "you", "your", "yours", "he", "him", "his", "she", "her", "hers",
        "they", "them", "their", "theirs", "one", "oneself", "we", "us", "our", "ours", "its",
        "myself", "yourself", "himself", "herself", "itself", "ourselves", "yourselves", "themselves",
        "this", "that", "these", "those", "who", "whom", "whose", "which", "what",
        "all", "another", "any", "anybody", "anyone", "anything", "each", "everybody", "everyone", "everything",
        "few", "many", "nobody", "none", "several", "some", "somebody", "someone", "something",
        "each other", "one another", "the image", "image", "images", "the", "a", "an", "a group",
        "other objects", "lots", "a set",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static List<Detection> Parse(string generatedText, Dequantizer dequantizer, SpanScorer? scorer = null) =>
        DetectionParser.Flatten(
            BoxChunkParser.Parse(generatedText, requireLabel: true, dequantizer, scorer)
                .Where(instance => !Blacklist.Contains(instance.Label)));
}
