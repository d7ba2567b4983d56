package dev.aegis.identity.internal;

import java.util.Optional;

/**
 * The device code grant at the token endpoint (RFC 8628 §3.4, §3.5): {@code authorization_pending},
 * {@code slow_down}, {@code access_denied}, {@code expired_token}, or the tokens once the user approved.
 *
 * <p>Thread-safe.
 */
public final class DeviceGrant {

    private final DeviceCodes devices;
    private final UserDirectory users;
    private final UserTokens issuer;

    public DeviceGrant(DeviceCodes devices, UserDirectory users, UserTokens issuer) {
        this.devices = devices;
        this.users = users;
        this.issuer = issuer;
    }

    GrantOutcome handle(TokenRequest request) {
        String code = request.form().value("device_code");
        if (code == null) {
            return GrantOutcome.deny(OAuthError.invalidRequest("device_code is required."), "missing device_code");
        }
        return switch (devices.poll(code, request.client().clientId())) {
            case DeviceCodes.Pending p -> GrantOutcome.deny(new OAuthError(400, "authorization_pending",
                    "The user has not yet completed the authorization."), "authorization pending");
            case DeviceCodes.SlowDown s -> GrantOutcome.deny(new OAuthError(400, "slow_down",
                    "Polling too fast; the interval was increased by 5 seconds."), "slow down");
            case DeviceCodes.Denied d -> GrantOutcome.deny(new OAuthError(400, "access_denied",
                    "The user denied the authorization."), "denied by user");
            case DeviceCodes.Expired e -> GrantOutcome.deny(new OAuthError(400, "expired_token",
                    "The device code has expired."), "device code expired");
            case DeviceCodes.Invalid i -> GrantOutcome.deny(OAuthError.invalidGrant("The device code is invalid."), i.reason());
            case DeviceCodes.Approved a -> approved(request, a);
        };
    }

    private GrantOutcome approved(TokenRequest request, DeviceCodes.Approved approved) {
        Optional<UserRecord> user = users.byId(approved.userId());
        if (user.isEmpty() || user.get().disabled()) {
            return GrantOutcome.deny(OAuthError.invalidGrant("The device code is invalid."), "user gone or disabled");
        }
        return new GrantOutcome.Granted(issuer.issue(request, user.get(), approved.scope(), approved.authTime(), null,
                null, null, null).response());
    }
}
