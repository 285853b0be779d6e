using System.Text;

namespace Florence2.Provisioning;

/// <summary>
/// The hub could not be reached (or answered 5xx/429) and the cache folder is incomplete. The message lists the
/// missing files, their URLs and the folder to put them in.
/// </summary>
public sealed class ModelUnavailableException : ModelProvisioningException
{
    /// <param name="model">Which model, for the message: <c>owner/name@revision (dtype)</c>.</param>
    /// <param name="folder">The cache folder the files belong in.</param>
    /// <param name="missingFiles">Every file still missing or unusable.</param>
    /// <param name="hubProblem">Why the hub could not be used, e.g. "the hub at … could not be reached (Connection refused)".</param>
    /// <param name="inner">The network error behind it, if any.</param>
    public ModelUnavailableException(string model, string folder, IReadOnlyList<MissingModelFile> missingFiles, string hubProblem, Exception? inner = null)
        : base(Describe(model, folder, missingFiles, hubProblem), inner)
    {
        Folder = folder;
        MissingFiles = missingFiles;
    }

    /// <summary>The cache folder the files belong in.</summary>
    public string Folder { get; }

    /// <summary>Every file still missing or unusable when the download gave up.</summary>
    public IReadOnlyList<MissingModelFile> MissingFiles { get; }

    private static string Describe(string model, string folder, IReadOnlyList<MissingModelFile> missingFiles, string hubProblem)
    {
        var text = new StringBuilder()
            .Append("Model ").Append(model).Append(" is not fully cached and cannot be downloaded: ").Append(hubProblem).AppendLine(".")
            .Append("The model folder '").Append(folder).Append("' lacks ").Append(missingFiles.Count).AppendLine(" file(s):");
        foreach (var file in missingFiles)
        {
            text.Append("  ").Append(file.RelativePath);
            if (file.Reason != "missing") text.Append(" (").Append(file.Reason).Append(')');
            text.Append("  <-  ").Append(file.SourceUrl).AppendLine();
        }
        return text
            .Append("Fix one of: restore access to the hub; download those files into that folder (keeping the onnx/ ")
            .Append("subfolder) and restart; or set Florence2__Model__Path to a local folder that already holds the model.")
            .ToString();
    }
}
