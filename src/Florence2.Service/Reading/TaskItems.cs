using System.Text.Json;
using Florence2.Service.Configuration;
using Florence2.Service.Problems;

namespace Florence2.Service.Reading;

/// <summary>
/// Reads <c>tasks</c> (POST /v1/analyze). In JSON: an array whose items are task names (<c>"od"</c>) or objects with
/// a task and its own fields (<c>{"task": "phrase_grounding", "text": "a car"}</c>). In multipart/form-data: one
/// <c>tasks</c> field per item, in order, each a task name or such an object written as JSON; a field may also hold
/// several names separated by commas (as Swagger UI sends an array) or a JSON array of items.
/// </summary>
internal static class TaskItems
{
    private const string ItemForms = "a task name or an object such as {\"task\": \"phrase_grounding\", \"text\": \"a car\"}";

    public static IReadOnlyList<TaskItem> FromJson(JsonElement tasks, LimitsOptions limits)
    {
        if (tasks.ValueKind != JsonValueKind.Array)
            throw FieldProblems.WrongType(KnownFields.Tasks, "an array of task names or task objects", JsonValues.Describe(tasks),
                tasks.ValueKind == JsonValueKind.String ? "write [\"" + Serving.RequestFields.Quote(JsonValues.GetString(tasks, KnownFields.Tasks)) + "\"]" : null);
        var elements = tasks.EnumerateArray().ToList();
        CheckCount(elements.Count, limits);
        return [.. elements.Select((element, i) => Item(element, $"{KnownFields.Tasks}[{i}]"))];
    }

    public static IReadOnlyList<TaskItem> FromFormValues(IReadOnlyList<string?> values, LimitsOptions limits)
    {
        var items = new List<TaskItem>();
        foreach (string? value in values)
        {
            string text = value?.Trim() ?? "";
            if (text.Length == 0) continue; // a form's empty field is "not given"
            if (text[0] is '{' or '[')
            {
                using var document = Parse(text, $"{KnownFields.Tasks}[{items.Count}]");
                var root = document.RootElement;
                var elements = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
                foreach (var element in elements)
                {
                    CheckCount(items.Count + 1, limits);
                    items.Add(Item(element, $"{KnownFields.Tasks}[{items.Count}]"));
                }
            }
            else
            {
                // Names may also come comma-separated in one field (-F tasks=od,caption; Swagger UI sends an array so).
                foreach (string name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    CheckCount(items.Count + 1, limits);
                    items.Add(new TaskItem($"{KnownFields.Tasks}[{items.Count}]", name));
                }
            }
        }
        CheckCount(items.Count, limits);
        return items;
    }

    private static JsonDocument Parse(string text, string field)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = JsonBodyCheck.MaxDepth });
        }
        catch (JsonException ex)
        {
            throw FieldProblems.Invalid(field, $"starts like JSON but is not valid JSON ({ex.Message.Split(" Path:")[0].TrimEnd('.')}); send {ItemForms}");
        }
    }

    private static void CheckCount(int count, LimitsOptions limits)
    {
        if (count == 0)
            throw FieldProblems.Invalid(KnownFields.Tasks, "lists no task; name at least one, e.g. [\"od\", \"caption\"]");
        if (count > limits.MaxTasksPerRequest)
            throw ApiProblemException.Validation(KnownFields.Tasks,
                $"At most {limits.MaxTasksPerRequest} tasks may be run in one request; got {count}.");
    }

    private static TaskItem Item(JsonElement element, string field)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            string name = JsonValues.GetString(element, field);
            return string.IsNullOrWhiteSpace(name) ? throw FieldProblems.Invalid(field, "is blank; name a task such as 'od'") : new TaskItem(field, name);
        }
        if (element.ValueKind != JsonValueKind.Object) throw FieldProblems.WrongType(field, ItemForms, JsonValues.Describe(element));
        string prefix = field + ".";
        var fields = JsonRequestParser.Fields(element, prefix, name => KnownFields.TaskItemFields.Contains(name));
        string task = JsonRequestParser.StringField(fields, prefix + KnownFields.Task, "a string") is { } named && !string.IsNullOrWhiteSpace(named)
            ? named
            : throw FieldProblems.Invalid(prefix + KnownFields.Task, "is required: name the task this item runs, e.g. 'phrase_grounding'");
        return new TaskItem(field, task, JsonRequestParser.StringField(fields, prefix + KnownFields.Text, "a string"),
            JsonRequestParser.RegionField(fields, prefix + KnownFields.Region), JsonRequestParser.IntField(fields, prefix + KnownFields.NumBeams),
            JsonRequestParser.IntField(fields, prefix + KnownFields.MaxNewTokens))
        {
            MaskFormat = JsonRequestParser.StringField(fields, prefix + KnownFields.MaskFormat, "a string"),
            MinScore = JsonRequestParser.NumberField(fields, prefix + KnownFields.MinScore),
            Logprobs = JsonRequestParser.BoolField(fields, prefix + KnownFields.Logprobs),
        };
    }
}
