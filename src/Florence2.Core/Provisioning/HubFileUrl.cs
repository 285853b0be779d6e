namespace Florence2.Provisioning;

/// <summary>The hub's download URL of one file: <c>{HubUrl}/{owner}/{name}/resolve/{revision}/{path}</c>.</summary>
internal static class HubFileUrl
{
    public static Uri For(ModelSourceOptions options, string relativePath)
    {
        string repository = string.Join('/', options.Repository.Split('/').Select(Uri.EscapeDataString));
        // The revision is one segment even when it holds a slash (refs/pr/1), as huggingface_hub quotes it.
        string revision = Uri.EscapeDataString(options.Revision);
        string path = string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));
        return new Uri(options.HubBaseUri, $"{repository}/resolve/{revision}/{path}");
    }
}
