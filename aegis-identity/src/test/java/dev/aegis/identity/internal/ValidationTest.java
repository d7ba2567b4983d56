package dev.aegis.identity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tables of invalid inputs with the exact refusal: forms, scopes, client registrations, PKCE, JSON escaping. */
class ValidationTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a=1&a=2|parameter included more than once (RFC 6749 §3.1)",
            "a=%ZZ|malformed percent-encoding",
            "a=%E0%A4%A|malformed percent-encoding"})
    void malformedFormsAreRefused(String body, String reason) {
        assertEquals(reason, assertInstanceOf(Form.Refused.class, Form.parse(body)).reason());
    }

    @Test
    void formsAreBounded() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            many.append("p").append(i).append("=1&");
        }
        assertEquals("too many parameters", assertInstanceOf(Form.Refused.class, Form.parse(many.toString())).reason());
        assertEquals("parameter too long", assertInstanceOf(Form.Refused.class, Form.parse("a=" + "x".repeat(17_000))).reason());
    }

    @Test
    void formDecodingFollowsTheUrlencodedRules() {
        Form f = assertInstanceOf(Form.Ok.class, Form.parse("scope=a+b%20c&empty=&flag&&x=%3D")).form();
        assertEquals("a b c", f.value("scope"));
        assertNull(f.value("empty"), "empty means omitted (RFC 6749 §3.1)");
        assertNull(f.value("flag"));
        assertEquals("=", f.value("x"));
        assertEquals("Form[", f.toString().substring(0, 5));
    }

    @Test
    void scopesFollowRfc6749Section33() {
        assertEquals(Set.of("a", "b"), Scopes.parse("a  b a"));
        assertNull(Scopes.parse("a \"b\""));
        assertNull(Scopes.parse("a\\b"));
        assertNull(Scopes.parse("é"));
        assertTrue(Scopes.parse(null).isEmpty());
    }

    private static ClientRecord client(boolean confidential, String method, Optional<String> secret, Set<String> grants,
                                       List<String> redirects) {
        return new ClientRecord("c1", "c1", confidential, method, secret, grants, Set.of("openid"), redirects, List.of(),
                Duration.ofMinutes(5), Duration.ofDays(1), false, false, Optional.empty(), List.of());
    }

    @Test
    void invalidClientRegistrationsCannotBeBuilt() {
        Set<String> code = Set.of(GrantTypes.AUTHORIZATION_CODE);
        Optional<String> hash = Optional.of("hmac-sha256:x");
        assertEquals("authorization_code clients need at least one redirect_uri", assertThrows(IllegalArgumentException.class,
                () -> client(true, ClientRecord.SECRET_BASIC, hash, code, List.of())).getMessage());
        assertEquals("http redirect URIs are allowed only for loopback (RFC 8252 §7.3)", assertThrows(IllegalArgumentException.class,
                () -> client(true, ClientRecord.SECRET_BASIC, hash, code, List.of("http://evil.example/cb"))).getMessage());
        assertEquals("redirect URIs must be absolute and without fragment (RFC 6749 §3.1.2)", assertThrows(
                IllegalArgumentException.class, () -> client(true, ClientRecord.SECRET_BASIC, hash, code,
                        List.of("https://app.example/cb#x"))).getMessage());
        assertEquals("redirect URI scheme not allowed", assertThrows(IllegalArgumentException.class,
                () -> client(true, ClientRecord.SECRET_BASIC, hash, code, List.of("javascript:alert(1)"))).getMessage());
        assertEquals("public clients cannot use client_credentials or token exchange", assertThrows(IllegalArgumentException.class,
                () -> client(false, ClientRecord.NONE, Optional.empty(), Set.of(GrantTypes.CLIENT_CREDENTIALS), List.of()))
                .getMessage());
        assertEquals("a client secret exists exactly for client_secret_basic/post clients", assertThrows(
                IllegalArgumentException.class, () -> client(true, ClientRecord.SECRET_BASIC, Optional.empty(), code,
                        List.of("https://a/cb"))).getMessage());
        assertEquals("private_key_jwt needs jwks", assertThrows(IllegalArgumentException.class,
                () -> client(true, ClientRecord.PRIVATE_KEY_JWT, Optional.empty(), code, List.of("https://a/cb"))).getMessage());
        client(false, ClientRecord.NONE, Optional.empty(), code, List.of("http://127.0.0.1:8080/cb", "com.example.app:/cb"));
    }

    @Test
    void pkceVerifierAndChallengeSyntax() {
        assertTrue(AuthorizationCodes.Pkce.verifierValid("a".repeat(43)));
        assertTrue(!AuthorizationCodes.Pkce.verifierValid("a".repeat(42)));
        assertTrue(!AuthorizationCodes.Pkce.verifierValid("a".repeat(129)));
        assertTrue(!AuthorizationCodes.Pkce.verifierValid("a".repeat(42) + "+"));
        // RFC 7636 Appendix B test vector.
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                AuthorizationCodes.Pkce.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    @Test
    void jsonEscapingNeverLetsMarkupOrQuotesThrough() {
        assertEquals("a\\\"b\\\\c\\u003cscript\\u003e\\n", Json.escape("a\"b\\c<script>\n"));
        assertEquals("{\"error\":\"invalid_request\",\"error_description\":\"x \\\"y\\\"\"}",
                OAuthError.invalidRequest("x \"y\"").json());
    }

    @Test
    void htmlEscaping() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&#39;&amp;", Html.escape("<a href=\"x\">'&"));
    }
}
