namespace Florence2.Provisioning;

/// <summary>
/// The model could not be made available locally. The message is written for the operator: it says what is wrong and
/// what to do, so the host can log it without a stack trace and exit.
/// </summary>
public abstract class ModelProvisioningException(string message, Exception? inner = null) : Exception(message, inner);
