namespace Florence2.Provisioning;

/// <summary>
/// Internal signal from the downloader: no usable answer from the hub (no connection, a stall past the timeout, a
/// 5xx/429). The provisioner turns it into a <see cref="ModelUnavailableException"/> listing every file still missing.
/// </summary>
internal sealed class HubUnreachableException(string problem, Exception? inner = null) : Exception(problem, inner);
