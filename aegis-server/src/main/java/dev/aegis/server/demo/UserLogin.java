package dev.aegis.server.demo;

import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Prompt;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's login as a script can drive it honestly: the authorization code flow with PKCE (RFC 6749 §4.1,
 * RFC 7636 S256) through the identity provider's real login form over TLS — the authorization request (built
 * by the Nimbus OAuth SDK), the login page with its CSRF field and cookies, the redirect with the code and
 * {@code state}, and the code redemption at the token endpoint with the client's secret and the verifier.
 */
final class UserLogin {
    private final HttpClient http; // never follows redirects: the redirect to the app carries the code
    private final String base;
    private final String clientId;
    private final String clientSecret;
    private final URI redirectUri;

    UserLogin(HttpClient http, String base, String clientId, String clientSecret, URI redirectUri) {
        this.http = http;
        this.base = base;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUri = redirectUri;
    }

    /** @return the user's access token for {@code scope} */
    String login(String username, String password, String scope) throws IOException, InterruptedException {
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        URI authorize = new AuthorizationRequest.Builder(new ResponseType("code"), new ClientID(clientId))
                .endpointURI(URI.create(base + "/oauth2/authorize")).redirectionURI(redirectUri).scope(Scope.parse(scope))
                .state(state).codeChallenge(verifier, CodeChallengeMethod.S256).prompt(new Prompt(Prompt.Type.LOGIN))
                .build().toURI();
        Map<String, String> cookies = new LinkedHashMap<>();
        HttpResponse<String> page = send(HttpRequest.newBuilder(authorize).GET(), cookies);
        if (page.statusCode() != 200 || !page.body().contains("name=\"password\"")) {
            throw new IllegalStateException("no login page (" + page.statusCode() + ")");
        }
        Map<String, String> fields = hiddenFields(page.body());
        fields.put("username", username);
        fields.put("password", password);
        HttpResponse<String> afterLogin = send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))), cookies);
        String location = afterLogin.headers().firstValue("Location").orElse("");
        if (afterLogin.statusCode() != 303 || !location.startsWith(redirectUri.toString())) {
            throw new IllegalStateException("login refused (" + afterLogin.statusCode() + ")");
        }
        AuthorizationResponse response;
        try {
            response = AuthorizationResponse.parse(URI.create(location));
        } catch (ParseException e) {
            throw new IllegalStateException("the redirect is not an authorization response", e);
        }
        if (!response.indicatesSuccess() || !state.equals(response.getState())) {
            throw new IllegalStateException("authorization failed or state mismatch (CSRF, RFC 6749 §10.12)");
        }
        Map<String, String> redeem = new LinkedHashMap<>();
        redeem.put("grant_type", "authorization_code");
        redeem.put("code", response.toSuccessResponse().getAuthorizationCode().getValue());
        redeem.put("redirect_uri", redirectUri.toString());
        redeem.put("code_verifier", verifier.getValue());
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", DemoAdmin.basic(clientId, clientSecret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(redeem))).build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IllegalStateException("code redemption refused (" + token.statusCode() + ")");
        }
        return DemoAdmin.JSON.readTree(token.body()).path("access_token").asText();
    }

    private HttpResponse<String> send(HttpRequest.Builder request, Map<String, String> cookies)
            throws IOException, InterruptedException {
        if (!cookies.isEmpty()) {
            StringBuilder header = new StringBuilder();
            cookies.forEach((k, v) -> header.append(header.isEmpty() ? "" : "; ").append(k).append('=').append(v));
            request.header("Cookie", header.toString());
        }
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        for (String line : response.headers().allValues("Set-Cookie")) {
            int eq = line.indexOf('=');
            int end = line.indexOf(';');
            if (eq > 0) {
                cookies.put(line.substring(0, eq), line.substring(eq + 1, end < 0 ? line.length() : end));
            }
        }
        return response;
    }

    /** The {@code <input type="hidden">} fields of the login form (CSRF token, the pending request). */
    static Map<String, String> hiddenFields(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        String marker = "<input type=\"hidden\" name=\"";
        for (int at = html.indexOf(marker); at >= 0; at = html.indexOf(marker, at + 1)) {
            int nameStart = at + marker.length();
            int nameEnd = html.indexOf('"', nameStart);
            int valueStart = html.indexOf("value=\"", nameEnd) + "value=\"".length();
            int valueEnd = html.indexOf('"', valueStart);
            fields.put(unescape(html.substring(nameStart, nameEnd)), unescape(html.substring(valueStart, valueEnd)));
        }
        return fields;
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static String form(Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return body.toString();
    }
}
