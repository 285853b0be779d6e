using Florence2.Service.Problems;

namespace Florence2.Service.Reading;

/// <summary>
/// The 400s for request fields, worded once for both body formats: "'num_beams' must be an integer; got …", where
/// multipart quotes the text it got ('x') and JSON describes the value (a string ("2"), 2.5, an array).
/// </summary>
internal static class FieldProblems
{
    /// <summary>Unknown names listed in one detail; a body of ten thousand of them gets a count for the rest.</summary>
    private const int MaxNamesListed = 5;

    /// <summary>
    /// A problem with the body as a whole (not JSON, not UTF-8, nested too deep, not an object): there is no field to
    /// name, so the problem carries none rather than a made-up <c>body</c> or the place a parser stopped.
    /// </summary>
    public static ApiProblemException Body(string detail) => ApiProblemException.Validation(field: null, detail);

    /// <summary>"'text' <paramref name="what"/>.", e.g. "is not valid UTF-8 (line 1, byte 9)".</summary>
    public static ApiProblemException Invalid(string field, string what) => ApiProblemException.Validation(field, $"'{field}' {what}.");

    public static ApiProblemException WrongType(string field, string expected, string got, string? hint = null) =>
        ApiProblemException.Validation(field, $"'{field}' must be {expected}; got {got}{(hint is null ? "" : "; " + hint)}.");

    /// <summary>
    /// <paramref name="text"/> did not fit an <see cref="int"/>: out of range when it is a whole number (10000000000),
    /// otherwise not an integer (2.5, 1e3, 'x'). <paramref name="got"/> is how the message shows it.
    /// </summary>
    public static ApiProblemException NotAnInt(string field, ReadOnlySpan<char> text, string got) =>
        IsWholeNumber(text)
            ? ApiProblemException.Validation(field, $"'{field}' is out of range; got {got}.")
            : WrongType(field, "an integer", got);

    public static ApiProblemException Repeated(string field, int count) =>
        ApiProblemException.Validation(field, $"'{field}' is given {count} times; send it once.");

    /// <summary>
    /// 400 naming every unknown field (the first few, then a count) with the known name each probably means; the
    /// problem's field is the first unknown one, as sent.
    /// </summary>
    public static ApiProblemException Unknown(IReadOnlyList<string> names)
    {
        var listed = names.Take(MaxNamesListed)
            .Select(name => (Name: Serving.RequestFields.Quote(name), Suggestion: KnownFields.Suggest(name))).ToList();
        string more = names.Count > MaxNamesListed ? $" and {names.Count - MaxNamesListed} more" : "";
        string known = listed.Exists(l => l.Suggestion is null) || more.Length > 0
            ? $"; the fields are {string.Join(", ", KnownFields.All)}"
            : "";
        string detail = names.Count == 1
            ? listed[0].Suggestion is { } suggestion
                ? $"Unknown field '{listed[0].Name}'; did you mean '{suggestion}'?"
                : $"Unknown field '{listed[0].Name}'{known}."
            : $"Unknown fields {string.Join(", ", listed.Select(l => l.Suggestion is null ? $"'{l.Name}'" : $"'{l.Name}' (did you mean '{l.Suggestion}'?)"))}{more}{known}.";
        return ApiProblemException.Validation(listed[0].Name, detail);
    }

    private static bool IsWholeNumber(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.Length > 0 && text[0] is '-' or '+') text = text[1..];
        return text.Length > 0 && !text.ContainsAnyExceptInRange('0', '9');
    }
}
