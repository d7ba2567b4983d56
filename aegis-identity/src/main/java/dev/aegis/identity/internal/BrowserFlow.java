package dev.aegis.identity.internal;

import dev.aegis.audit.api.AuditDecision;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The browser side of the authorization code flow: {@code GET /oauth2/authorize} (RFC 6749 §4.1.1),
 * the login form ({@code POST /login}) with CSRF protection and brute-force limits, consent for third-party
 * clients ({@code POST /consent}), and the redirect with {@code code}, {@code state} and {@code iss}
 * (RFC 9207). Login failures answer one fixed message whether the user exists, the password is wrong or the
 * account is disabled, after the same single Argon2id verification.
 *
 * <p>Thread-safe.
 */
public final class BrowserFlow {

    static final String BAD_LOGIN = "Invalid username, password or one-time code.";
    static final String LOCKED = "Too many failed sign-in attempts. Try again later.";

    private final ClientRegistry clients;
    private final UserDirectory users;
    private final Sessions sessions;
    private final AuthorizationCodes codes;
    private final LoginThrottle throttle;
    private final TotpSecrets totp;
    private final IdentityAudit audit;
    private final Clock clock;
    private volatile String issuer = "";

    public BrowserFlow(ClientRegistry clients, UserDirectory users, Sessions sessions, AuthorizationCodes codes,
                       LoginThrottle throttle, TotpSecrets totp, IdentityAudit audit, Clock clock) {
        this.clients = clients;
        this.users = users;
        this.sessions = sessions;
        this.codes = codes;
        this.throttle = throttle;
        this.totp = totp;
        this.audit = audit;
        this.clock = clock;
    }

    void issuer(String issuer) {
        this.issuer = issuer;
    }

    /** {@code GET /oauth2/authorize}. */
    public void authorize(ServerRequest request, ServerResponse response) {
        Form form = query(request, response);
        if (form == null) {
            return;
        }
        AuthorizationRequest ar = validated(form, response);
        if (ar == null) {
            return;
        }
        Sessions.Session session = Cookies.read(request, Cookies.SESSION).map(sessions::find).orElse(null);
        if ("none".equals(ar.prompt())) {
            if (session == null) {
                redirectError(response, ar.redirectUri(), ar.state(), "login_required", "The user is not signed in.", false);
                return;
            }
        } else if (session == null || "login".equals(ar.prompt())) {
            List<String> cookies = Cookies.none();
            String csrf = Cookies.csrf(request, cookies);
            Cookies.apply(response, cookies);
            Http.html(response, 200, Html.login("/login", csrf, ar.carried(), null, ar.client().name()));
            return;
        }
        continueAsUser(request, response, ar, session.userId(), session.authTime(), false);
    }

    /** {@code POST /login}. */
    public void login(ServerRequest request, ServerResponse response) {
        Form form = postedForm(request, response);
        if (form == null) {
            return;
        }
        AuthorizationRequest ar = validated(form, response);
        if (ar == null) {
            return;
        }
        List<String> cookies = Cookies.none();
        String csrf = Cookies.csrf(request, cookies);
        String username = form.value("username");
        String password = form.value("password");
        String source = Http.source(request);
        if (username == null || password == null) {
            Cookies.apply(response, cookies);
            Http.html(response, 400, Html.login("/login", csrf, ar.carried(), BAD_LOGIN, ar.client().name()));
            return;
        }
        Optional<UserRecord> user = checkPassword(username, password, form.value("otp"), source, ar.client().clientId());
        if (user.isEmpty()) {
            Cookies.apply(response, cookies);
            int status = throttle.open(username, source) ? 401 : 429;
            Http.html(response, status, Html.login("/login", csrf, ar.carried(), status == 429 ? LOCKED : BAD_LOGIN,
                    ar.client().name()));
            return;
        }
        Instant authTime = clock.instant();
        String sessionId = sessions.create(user.get().userId(), authTime);
        cookies.add(Cookies.session(sessionId, sessions.lifetime().toSeconds()));
        Cookies.apply(response, cookies);
        continueAsUser(request, response, ar, user.get().userId(), authTime, true);
    }

    /**
     * The password check with throttling, shared by the login and device pages. Locked accounts and addresses
     * are refused before the password is looked at, with the same answer as a wrong password.
     */
    Optional<UserRecord> checkPassword(String username, String password, String otp, String source, String clientId) {
        if (!throttle.open(username, source)) {
            audit.record(IdentityAudit.event("login.failure", AuditDecision.DENY).subject(LoginThrottle.safe(username))
                    .sourceAddress(source).reason("locked out").detail("client_id", clientId));
            return Optional.empty();
        }
        char[] chars = password.toCharArray();
        Optional<UserRecord> user = users.authenticate(username, chars);
        java.util.Arrays.fill(chars, '\0');
        if (user.isPresent() && totp.enrolled(user.get().userId()) && !totp.check(user.get().userId(), otp)) {
            // RFC 6238 second factor: a missing or wrong code is a failed login like a wrong password.
            user = Optional.empty();
        }
        if (user.isEmpty()) {
            throttle.failed(username, source);
            audit.record(IdentityAudit.event("login.failure", AuditDecision.DENY).subject(LoginThrottle.safe(username))
                    .sourceAddress(source).reason("invalid credentials").detail("client_id", clientId));
            return Optional.empty();
        }
        throttle.succeeded(username);
        if (!audit.record(IdentityAudit.event("login.success", AuditDecision.ALLOW).actor(user.get().userId())
                .subject(user.get().userId()).sourceAddress(source).detail("client_id", clientId))) {
            return Optional.empty();
        }
        return user;
    }

    /** {@code POST /consent}. */
    public void consent(ServerRequest request, ServerResponse response) {
        Form form = postedForm(request, response);
        if (form == null) {
            return;
        }
        AuthorizationRequest ar = validated(form, response);
        if (ar == null) {
            return;
        }
        Sessions.Session session = Cookies.read(request, Cookies.SESSION).map(sessions::find).orElse(null);
        if (session == null) {
            List<String> cookies = Cookies.none();
            String csrf = Cookies.csrf(request, cookies);
            Cookies.apply(response, cookies);
            Http.html(response, 200, Html.login("/login", csrf, ar.carried(), null, ar.client().name()));
            return;
        }
        boolean allow = "allow".equals(form.value("decision"));
        audit.record(IdentityAudit.event(allow ? "consent.grant" : "consent.deny", allow ? AuditDecision.ALLOW : AuditDecision.DENY)
                .actor(session.userId()).subject(session.userId()).resource(ar.client().clientId())
                .sourceAddress(Http.source(request)).detail("scope", Scopes.join(ar.scope())));
        if (!allow) {
            redirectError(response, ar.redirectUri(), ar.state(), "access_denied", "The user denied the request.", true);
            return;
        }
        sessions.consent(session.userId(), ar.client().clientId(), ar.scope());
        issueCode(request, response, ar, session.userId(), session.authTime(), true);
    }

    private void continueAsUser(ServerRequest request, ServerResponse response, AuthorizationRequest ar, String userId,
                                Instant authTime, boolean afterPost) {
        if (!ar.client().firstParty() && !sessions.consented(userId, ar.client().clientId(), ar.scope())) {
            if ("none".equals(ar.prompt())) {
                redirectError(response, ar.redirectUri(), ar.state(), "consent_required", "Consent is required.", afterPost);
                return;
            }
            List<String> cookies = Cookies.none();
            String csrf = Cookies.csrf(request, cookies);
            Cookies.apply(response, cookies);
            Http.html(response, 200, Html.consent(csrf, ar.carried(), ar.client().name(), ar.scope()));
            return;
        }
        issueCode(request, response, ar, userId, authTime, afterPost);
    }

    private void issueCode(ServerRequest request, ServerResponse response, AuthorizationRequest ar, String userId,
                           Instant authTime, boolean afterPost) {
        String code = codes.create(ar.client().clientId(), userId, ar.redirectUri(), ar.scope(), ar.nonce(),
                ar.codeChallenge(), authTime);
        if (!audit.record(IdentityAudit.event("code.issue", AuditDecision.ALLOW).actor(ar.client().clientId())
                .subject(userId).sourceAddress(Http.source(request)).detail("scope", Scopes.join(ar.scope())))) {
            Http.html(response, 503, Html.message("Try again later", "The service is temporarily unavailable."));
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", code);
        params.put("state", ar.state());
        params.put("iss", issuer);
        Http.redirect(response, AuthorizationRequest.redirect(ar.redirectUri(), params), afterPost);
    }

    private AuthorizationRequest validated(Form form, ServerResponse response) {
        return switch (AuthorizationRequest.validate(form, clients)) {
            case AuthorizationRequest.Valid v -> v.request();
            case AuthorizationRequest.ShowError e -> {
                Http.html(response, 400, Html.message("Cannot continue", e.message()));
                yield null;
            }
            case AuthorizationRequest.RedirectError e -> {
                redirectError(response, e.redirectUri(), e.state(), e.error(), e.description(), false);
                yield null;
            }
        };
    }

    private void redirectError(ServerResponse response, String redirectUri, String state, String error, String description,
                               boolean afterPost) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error);
        params.put("error_description", description);
        params.put("state", state);
        params.put("iss", issuer);
        Http.redirect(response, AuthorizationRequest.redirect(redirectUri, params), afterPost);
    }

    private static Form query(ServerRequest request, ServerResponse response) {
        String raw = request.query().rawValue();
        if (raw.length() > Http.MAX_FORM_BYTES) {
            Http.html(response, 414, Html.message("Cannot continue", "The request is too long."));
            return null;
        }
        if (!(Form.parse(raw) instanceof Form.Ok ok)) {
            Http.html(response, 400, Html.message("Cannot continue", "The request is malformed."));
            return null;
        }
        return ok.form();
    }

    /** A form POST from our own pages: form-encoded, bounded, with a valid CSRF token. */
    static Form postedForm(ServerRequest request, ServerResponse response) {
        if (!Http.isForm(request)) {
            Http.html(response, 415, Html.message("Cannot continue", "Unsupported request."));
            return null;
        }
        Optional<String> body = Http.body(request, Http.MAX_FORM_BYTES);
        if (body.isEmpty()) {
            Http.html(response, 413, Html.message("Cannot continue", "The request is too large."));
            return null;
        }
        if (!(Form.parse(body.get()) instanceof Form.Ok ok)) {
            Http.html(response, 400, Html.message("Cannot continue", "The request is malformed."));
            return null;
        }
        if (!Cookies.csrfValid(request, ok.form())) {
            Http.html(response, 403, Html.message("Cannot continue", "The form expired. Go back and try again."));
            return null;
        }
        return ok.form();
    }
}
