package dev.aegis.identity.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.audit.api.AuditDecision;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The device authorization endpoint ({@code POST /oauth2/device_authorization}, RFC 8628 §3.1, §3.2) and the
 * user-code verification page ({@code GET|POST /device}, §3.3), where the user signs in (or uses their session)
 * and approves or denies the device. Wrong user codes count as login failures of the address, so user codes
 * cannot be guessed faster than passwords.
 *
 * <p>Thread-safe.
 */
public final class DeviceFlow {

    private final ClientAuthenticator authenticator;
    private final DeviceCodes devices;
    private final Sessions sessions;
    private final BrowserFlow browser;
    private final LoginThrottle throttle;
    private final IdentityAudit audit;
    private final Clock clock;
    private volatile String issuer = "";

    public DeviceFlow(ClientAuthenticator authenticator, DeviceCodes devices, Sessions sessions, BrowserFlow browser,
                      LoginThrottle throttle, IdentityAudit audit, Clock clock) {
        this.authenticator = authenticator;
        this.devices = devices;
        this.sessions = sessions;
        this.browser = browser;
        this.throttle = throttle;
        this.audit = audit;
        this.clock = clock;
    }

    void issuer(String issuer) {
        this.issuer = issuer;
    }

    /** {@code POST /oauth2/device_authorization}. */
    public void authorization(ServerRequest request, ServerResponse response) {
        if (!Http.isForm(request)) {
            Http.error(response, OAuthError.invalidRequest("The body must be application/x-www-form-urlencoded."));
            return;
        }
        Optional<String> body = Http.body(request, Http.MAX_FORM_BYTES);
        if (body.isEmpty() || !(Form.parse(body.get()) instanceof Form.Ok ok)) {
            Http.error(response, OAuthError.invalidRequest("Malformed or oversized request."));
            return;
        }
        ClientAuthenticator.Result auth = authenticator.authenticate(request, ok.form(), issuer + "/oauth2/device_authorization");
        if (auth instanceof ClientAuthenticator.Failed f) {
            Http.error(response, f.error());
            return;
        }
        ClientRecord client = ((ClientAuthenticator.Authenticated) auth).client();
        if (!client.grantTypes().contains(GrantTypes.DEVICE_CODE)) {
            Http.error(response, OAuthError.unauthorizedClient("The client may not use the device flow."));
            return;
        }
        Set<String> scope = Audiences.scope(ok.form(), client.scopes());
        if (scope == null) {
            Http.error(response, OAuthError.invalidScope("The requested scope is invalid or not allowed."));
            return;
        }
        DeviceCodes.Created created = devices.create(client.clientId(), scope);
        ObjectNode o = Json.object();
        o.put("device_code", created.deviceCode());
        o.put("user_code", created.userCode());
        o.put("verification_uri", issuer + "/device");
        o.put("verification_uri_complete", issuer + "/device?user_code=" + created.userCode());
        o.put("expires_in", created.expiresIn());
        o.put("interval", created.interval());
        Http.json(response, 200, o.toString());
    }

    /** {@code GET /device}. */
    public void page(ServerRequest request, ServerResponse response) {
        List<String> cookies = Cookies.none();
        String csrf = Cookies.csrf(request, cookies);
        Cookies.apply(response, cookies);
        String userCode = request.query().first("user_code").orElse("");
        if (userCode.length() > 16) {
            userCode = "";
        }
        boolean signedIn = Cookies.read(request, Cookies.SESSION).map(sessions::find).isPresent();
        Http.html(response, 200, Html.device(csrf, userCode, signedIn, null));
    }

    /** {@code POST /device}. */
    public void decide(ServerRequest request, ServerResponse response) {
        Form form = BrowserFlow.postedForm(request, response);
        if (form == null) {
            return;
        }
        List<String> cookies = Cookies.none();
        String csrf = Cookies.csrf(request, cookies);
        Cookies.apply(response, cookies);
        String source = Http.source(request);
        String userCode = form.get("user_code").orElse("");
        Sessions.Session session = Cookies.read(request, Cookies.SESSION).map(sessions::find).orElse(null);
        if (!throttle.addressOpen(source)) {
            Http.html(response, 429, Html.device(csrf, "", session != null, BrowserFlow.LOCKED));
            return;
        }
        DeviceCodes.PendingRequest pending = devices.pending(userCode);
        if (pending == null) {
            throttle.addressFailed(source); // user codes cannot be guessed faster than passwords
            Http.html(response, 400, Html.device(csrf, "", session != null, "That code is not valid or has expired."));
            return;
        }
        String userId;
        Instant authTime;
        if (session != null) {
            userId = session.userId();
            authTime = session.authTime();
        } else {
            Optional<UserRecord> user = browser.checkPassword(form.get("username").orElse(""),
                    form.get("password").orElse(""), form.value("otp"), source, pending.clientId());
            if (user.isEmpty()) {
                Http.html(response, 401, Html.device(csrf, userCode, false, BrowserFlow.BAD_LOGIN));
                return;
            }
            userId = user.get().userId();
            authTime = clock.instant();
        }
        boolean allow = "allow".equals(form.value("decision"));
        if (!devices.decide(userCode, userId, authTime, allow)) {
            Http.html(response, 400, Html.device(csrf, "", true, "That code is not valid or has expired."));
            return;
        }
        audit.record(IdentityAudit.event(allow ? "device.approve" : "device.deny", allow ? AuditDecision.ALLOW : AuditDecision.DENY)
                .actor(userId).subject(userId).resource(pending.clientId()).sourceAddress(source)
                .detail("scope", Scopes.join(pending.scope())));
        Http.html(response, 200, Html.message(allow ? "Device connected" : "Device denied",
                allow ? "You can return to your device." : "The device was not given access."));
    }
}
