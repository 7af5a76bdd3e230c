using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace Heroku.AspNetCore;

/// <summary>
/// <c>&lt;script asp-add-nonce&gt;</c> and <c>&lt;style asp-add-nonce&gt;</c>: the one way an inline script or
/// style runs under the Content Security Policy. The tag gets the nonce that the response's policy names in
/// <c>script-src</c> and <c>style-src</c>, new for every response, so a script injected into the page (which
/// cannot know it) stays blocked. The same attribute as NetEscapades' tag helpers. A <c>style="..."</c>
/// attribute takes no nonce: a class in the app's stylesheet does the same.
/// </summary>
[HtmlTargetElement("script", Attributes = AttributeName)]
[HtmlTargetElement("style", Attributes = AttributeName)]
public sealed class NonceTagHelper : TagHelper
{
    private const string AttributeName = "asp-add-nonce";

    /// <summary>Whether the tag gets the nonce: <c>asp-add-nonce</c> alone means true.</summary>
    [HtmlAttributeName(AttributeName)]
    public bool AddNonce { get; set; }

    /// <summary>The page being rendered, set by Razor.</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = default!;

    /// <inheritdoc />
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (AddNonce)
        {
            // The security headers middleware writes the same value into the policy as the response starts.
            output.Attributes.SetAttribute("nonce", ViewContext.HttpContext.GetNonce());
        }
    }
}
