using Florence2.Batching;
using Florence2.Inference;
using Florence2.Serving;
using Florence2.Service.Contracts;
using Florence2.Service.Problems;
using Florence2.Service.Reading;
using Florence2.Tasks;

namespace Florence2.Service.Calls;

/// <summary>POST /v1/analyze: every task on every image, the image decoded once and its rows queued together.</summary>
public sealed partial class CallRunner
{
    internal async Task<AnalyzeResponse> AnalyzeAsync(InferenceCall call, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var model = runtime.RequireServing();
        RefuseSingleTaskFields(call);
        if (call.Images.Count == 0)
            throw new InvalidRequestException(RequestFields.Image,
                "No image was sent: add an 'image' file part (multipart/form-data) or an 'image' base64 field (application/json).");
        var items = call.Tasks ?? throw ApiProblemException.Validation(KnownFields.Tasks,
            "'tasks' is required: list the tasks to run on each image, e.g. [\"od\", \"caption\", {\"task\": \"phrase_grounding\", \"text\": \"a car\"}].");
        var plans = items.Select(item => Plan(item, call)).ToArray();
        var requests = plans.Select(p => p.Request).ToArray();

        var requestLimits = limits.Value.ForRequests();
        var prepared = new List<PreparedInput>(call.Images.Count * requests.Length);
        foreach (var upload in call.Images)
        {
            IReadOnlyList<PreparedInput> inputs;
            try
            {
                inputs = model.PrepareAll(upload.Bytes, requests, requestLimits);
                UploadChecks.CheckDeclaredType(upload, inputs[0].FormatName);
            }
            catch (Imaging.ImageRejectedException rejected)
            {
                throw ProblemMapping.ForImage(rejected, UploadChecks.NameOf(upload));
            }
            catch (InvalidRequestException invalid) when (invalid.RequestIndex is { } index)
            {
                throw ApiProblemException.Validation($"{items[index].Field}.{invalid.Field}", $"{items[index].Field}: {invalid.Message}");
            }
            prepared.AddRange(service.Value.BenchmarkIgnoreEos ? inputs.Select(IgnoringEos) : inputs);
        }

        // Every row of the call is queued at once, so an image's tasks can share a batch and its vision pass.
        var results = await EnqueueAllAsync(model, prepared, timeout, cancellationToken).ConfigureAwait(false);

        var options = PostProcessing();
        var modelInfo = new ModelInfo(model.Id, model.Dtype, model.Provider);
        double totalMs = time.GetElapsedTime(started).TotalMilliseconds;
        var images = new ImageAnalysis[call.Images.Count];
        for (int image = 0; image < images.Length; image++)
        {
            var answers = new TaskResponse[plans.Length];
            int passes = 0;
            for (int t = 0; t < plans.Length; t++)
            {
                int row = image * plans.Length + t;
                answers[t] = Respond(prepared[row], results[row], plans[t].Request, plans[t].MaskFormat, options, modelInfo, totalMs);
                if (results[row].Result.Timings.VisionSource == VisionFeatureSource.Encoded) passes++;
            }
            images[image] = new ImageAnalysis(answers[0].Image, passes, answers);
        }
        return new AnalyzeResponse(images);
    }

    /// <summary>One task's request: its item's own fields, else the call's.</summary>
    private static (TaskRequest Request, MaskFormat MaskFormat) Plan(TaskItem item, InferenceCall call)
    {
        try
        {
            var task = TaskRequestValidator.ResolveTask(item.Task, null, TaskCatalog.Caption);
            string? region = string.IsNullOrWhiteSpace(item.Region) ? null : item.Region;
            // The call's mask_format is for the tasks that answer polygons; an item's own is checked against its task.
            var maskFormat = item.MaskFormat is not null || MaskFormats.AppliesTo(task)
                ? TaskRequestValidator.ResolveMaskFormat(item.MaskFormat ?? call.MaskFormat, task)
                : MaskFormat.Polygon;
            var request = new TaskRequest(task, item.Text, region, item.NumBeams ?? call.NumBeams, item.MaxNewTokens ?? call.MaxNewTokens)
            {
                MinScore = item.MinScore ?? call.MinScore,
                Logprobs = item.Logprobs ?? call.Logprobs ?? false,
            };
            return (request, maskFormat);
        }
        catch (InvalidRequestException invalid)
        {
            throw ApiProblemException.Validation($"{item.Field}.{invalid.Field}", $"{item.Field}: {invalid.Message}");
        }
    }

    /// <summary>task, text and region belong to each item of <c>tasks</c>; at the top they would be ambiguous.</summary>
    private static void RefuseSingleTaskFields(InferenceCall call)
    {
        foreach (var (field, value) in new[] { (KnownFields.Task, call.Task), (KnownFields.Text, call.Text), (KnownFields.Region, call.Region) })
            if (!string.IsNullOrWhiteSpace(value))
                throw ApiProblemException.Validation(field,
                    $"'{field}' belongs to an item of 'tasks' on /v1/analyze, e.g. {{\"task\": \"phrase_grounding\", \"text\": \"a car\"}}.");
    }
}
