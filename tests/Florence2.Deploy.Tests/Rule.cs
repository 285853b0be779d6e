namespace Florence2.Tests.Deploy;

/// <summary>Assertions that name the file and the rule they enforce, so a failure says what to fix where.</summary>
internal static class Rule
{
    public static void Holds(bool condition, string file, string rule, string? detail = "")
    {
        if (!condition)
            Assert.Fail(Message(file, rule, detail));
    }

    public static T Present<T>(T? value, string file, string rule, string? detail = "") where T : class
    {
        if (value is null)
            Assert.Fail(Message(file, rule, detail));
        return value!;
    }

    public static string Message(string file, string rule, string? detail) =>
        string.IsNullOrEmpty(detail) ? $"{file}: {rule}" : $"{file}: {rule} ({detail})";
}
