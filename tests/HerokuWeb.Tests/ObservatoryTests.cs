using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// The port of the HTTP Observatory's rules (Infrastructure/Observatory.cs) gives the results its own tests
/// expect: cases from mozilla/http-observatory, httpobs/tests/unittests/test_headers.py.
/// </summary>
public sealed class ObservatoryTests
{
    [Theory]
    // test_unsafe_inline
    [InlineData("script-src 'unsafe-inline'", "csp-implemented-with-unsafe-inline")]
    [InlineData("script-src data:", "csp-implemented-with-unsafe-inline")]
    [InlineData("script-src http:", "csp-implemented-with-unsafe-inline")]
    [InlineData("default-src 'UNSAFE-INLINE'", "csp-implemented-with-unsafe-inline")]
    [InlineData("upgrade-insecure-requests", "csp-implemented-with-unsafe-inline")]
    [InlineData("script-src 'none'", "csp-implemented-with-unsafe-inline")]
    [InlineData("script-src https://mozilla.org https:", "csp-implemented-with-unsafe-inline")]
    [InlineData("default-src 'none'; script-src *", "csp-implemented-with-unsafe-inline")]
    [InlineData("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'", "csp-implemented-with-unsafe-inline")]
    [InlineData("object-src https:; script-src 'none'", "csp-implemented-with-unsafe-inline")]
    // test_unsafe_eval
    [InlineData("default-src 'none'; script-src 'unsafe-eval'", "csp-implemented-with-unsafe-eval")]
    // test_unsafe_inline_in_style_src_only
    [InlineData("object-src 'none'; script-src 'none'; style-src 'unsafe-inline'", "csp-implemented-with-unsafe-inline-in-style-src-only")]
    [InlineData("default-src 'unsafe-inline'; script-src https://mozilla.org", "csp-implemented-with-unsafe-inline-in-style-src-only")]
    [InlineData("default-src 'none';;; ;;;style-src 'self' 'unsafe-inline'", "csp-implemented-with-unsafe-inline-in-style-src-only")]
    [InlineData("default-src 'none'; style-src https:", "csp-implemented-with-unsafe-inline-in-style-src-only")]
    // test_no_unsafe
    [InlineData("default-src https://mozilla.org", "csp-implemented-with-no-unsafe")]
    [InlineData("default-src https://mozilla.org;;; ;;;script-src 'none'", "csp-implemented-with-no-unsafe")]
    [InlineData("object-src 'none'; script-src 'strict-dynamic' 'nonce-abc' 'unsafe-inline'; style-src 'none'", "csp-implemented-with-no-unsafe")]
    [InlineData("object-src 'none'; script-src 'unsafe-inline' 'nonce-abc123' 'unsafe-inline'; style-src 'none'", "csp-implemented-with-no-unsafe")]
    // test_no_unsafe_default_src_none
    [InlineData("default-src", "csp-implemented-with-no-unsafe-default-src-none")]
    [InlineData("default-src 'none'; script-src 'strict-dynamic' 'nonce-abc123' 'unsafe-inline'", "csp-implemented-with-no-unsafe-default-src-none")]
    [InlineData("default-src 'none'; object-src https://mozilla.org", "csp-implemented-with-no-unsafe-default-src-none")]
    // test_header_invalid
    [InlineData("  ", "csp-header-invalid")]
    [InlineData("default-src 'none'; default-src 'none'", "csp-header-invalid")]
    [InlineData("default-src 'none'; script-src 'strict-dynamic'", "csp-header-invalid")]
    [InlineData("defa", "csp-header-invalid")]
    public void Content_security_policies_get_the_observatorys_result(string policy, string expected) =>
        Assert.Equal(expected, Observatory.ContentSecurityPolicy([policy]));

    [Theory]
    // test_header_private, test_header_no_referrer_when_downgrade, test_header_invalid, test_header_unsafe, test_multiple_value_header_*
    [InlineData("STRICT-ORIGIN", "referrer-policy-private")]
    [InlineData("strict-origin-when-cross-origin", "referrer-policy-private")]
    [InlineData("no-referrer-when-downgrade", "referrer-policy-no-referrer-when-downgrade")]
    [InlineData("whimsy", "referrer-policy-header-invalid")]
    [InlineData("unsafe-url", "referrer-policy-unsafe")]
    [InlineData("origin-when-cross-origin, no-referrer, unsafe-url", "referrer-policy-unsafe")]
    [InlineData("no-referrer, whimsy", "referrer-policy-private")]
    public void Referrer_policies_get_the_observatorys_result(string header, string expected) =>
        Assert.Equal(expected, Observatory.ReferrerPolicy(header));

    [Theory]
    // test_header_invalid, test_nosniff (X-Content-Type-Options)
    [InlineData("whimsy", "x-content-type-options-header-invalid")]
    [InlineData("nosniff, nosniff", "x-content-type-options-header-invalid")]
    [InlineData("nosniff ", "x-content-type-options-nosniff")]
    public void Content_type_options_get_the_observatorys_result(string header, string expected) =>
        Assert.Equal(expected, Observatory.ContentTypeOptions(header));

    [Theory]
    // test_header_invalid, test_allow_from_origin, test_deny, test_enabled_via_csp (X-Frame-Options)
    [InlineData("whimsy", null, "x-frame-options-header-invalid")]
    [InlineData("ALLOW-FROM https://mozilla.org", null, "x-frame-options-allow-from-origin")]
    [InlineData("DENY ", null, "x-frame-options-sameorigin-or-deny")]
    [InlineData("DENY", "frame-ancestors https://mozilla.org", "x-frame-options-implemented-via-csp")]
    public void Frame_options_get_the_observatorys_result(string header, string? csp, string expected) =>
        Assert.Equal(expected, Observatory.FrameOptions(header, csp is null ? [] : [csp]));

    [Theory]
    // test_max_age_too_low, test_implemented, test_header_invalid (Strict-Transport-Security)
    [InlineData("max-age=86400", "hsts-implemented-max-age-less-than-six-months")]
    [InlineData("max-age=15768000", "hsts-implemented-max-age-at-least-six-months")]
    [InlineData("whimsy", "hsts-header-invalid")]
    public void Hsts_headers_get_the_observatorys_result(string header, string expected) =>
        Assert.Equal(expected, Observatory.StrictTransportSecurity(header));

    [Theory]
    // test_secure_with_httponly_sessions_and_samesite, test_no_secure, test_session_no_httponly, test_samesite_invalid,
    // test_regular_cookie_no_secure_but_hsts
    [InlineData("SESSIONID=x; Secure; HttpOnly; SameSite=Strict", false, "cookies-secure-with-httponly-sessions-and-samesite")]
    [InlineData("foo=bar; Secure", false, "cookies-secure-with-httponly-sessions")]
    [InlineData("foo=bar", false, "cookies-without-secure-flag")]
    [InlineData("foo=bar", true, "cookies-without-secure-flag-but-protected-by-hsts")]
    [InlineData("SESSIONID=x; Secure", false, "cookies-session-without-httponly-flag")]
    [InlineData("SESSIONID=x; Secure; HttpOnly; SameSite=whimsy", false, "cookies-samesite-flag-invalid")]
    public void Cookies_get_the_observatorys_result(string setCookie, bool hsts, string expected) =>
        Assert.Equal(expected, Observatory.Cookies([setCookie], hsts));
}
