namespace TemplateVerifier;

/// <summary>Why a verification failed. Values mirror the official TemplateVerifier (and <c>dotnet new</c> exit codes).</summary>
public enum TemplateVerificationErrorCode
{
    /// <summary>The generated output does not match the verified snapshot, or a command expected to fail passed.</summary>
    VerificationFailed = 65,

    /// <summary>Something went wrong in the verifier itself (e.g. a command timed out).</summary>
    InternalError = 70,

    /// <summary><c>dotnet new</c> failed: non-zero exit code or error text in its output.</summary>
    InstantiationFailed = 100,

    /// <summary>The template was not found.</summary>
    TemplateDoesNotExist = 103,

    /// <summary><c>dotnet new install</c> failed.</summary>
    InstallFailed = 106,

    /// <summary>The options are invalid.</summary>
    InvalidOption = 127,
}

/// <summary>Thrown when a template cannot be installed, instantiated or verified.</summary>
public sealed class TemplateVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, including command output where there is any.</param>
    /// <param name="templateVerificationErrorCode">Why it failed.</param>
    public TemplateVerificationException(string message, TemplateVerificationErrorCode templateVerificationErrorCode)
        : base(message) => TemplateVerificationErrorCode = templateVerificationErrorCode;

    /// <summary>Creates the exception with an inner exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="templateVerificationErrorCode">Why it failed.</param>
    /// <param name="inner">The cause.</param>
    public TemplateVerificationException(string message, TemplateVerificationErrorCode templateVerificationErrorCode, Exception inner)
        : base(message, inner) => TemplateVerificationErrorCode = templateVerificationErrorCode;

    /// <summary>Why the verification failed.</summary>
    public TemplateVerificationErrorCode TemplateVerificationErrorCode { get; init; }
}
