namespace Florence2.Serving;

/// <summary>The request fields as callers spell them (snake_case, as in the API and the Python processor).</summary>
public static class RequestFields
{
    public const string Image = "image";
    public const string Task = "task";
    public const string Text = "text";
    public const string Region = "region";
    public const string NumBeams = "num_beams";
    public const string MaxNewTokens = "max_new_tokens";
    public const string MinScore = "min_score";
    public const string Logprobs = "logprobs";
    public const string MaskFormat = "mask_format";

    /// <summary>Shortens a caller's value for a message: long input is cut, so a message never echoes a megabyte.</summary>
    public static string Quote(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
