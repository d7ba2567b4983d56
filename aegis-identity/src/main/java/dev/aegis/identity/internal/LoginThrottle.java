package dev.aegis.identity.internal;

import dev.aegis.audit.api.AuditDecision;
import dev.aegis.ratelimit.api.Limiter;
import java.time.Clock;
import java.time.Duration;

/**
 * Brute-force limits on password logins: at most {@code maxPerAccount} failures per account name per
 * {@code accountWindow} and {@code maxPerAddress} per source address per {@code addressWindow} (sliding
 * windows, {@link Limiter}). Account names are counted whether or not the account exists, so a lockout says
 * nothing about existence. A success resets the account's count. Lockouts are audited once per window.
 * Per node: a cluster multiplies the limits by the number of nodes behind the load balancer (documented).
 *
 * <p>Thread-safe.
 */
public final class LoginThrottle {

    private final Limiter accounts;
    private final Limiter addresses;
    private final IdentityAudit audit;

    public LoginThrottle(int maxPerAccount, Duration accountWindow, int maxPerAddress, Duration addressWindow,
                         Clock clock, IdentityAudit audit) {
        this.accounts = new Limiter(maxPerAccount, accountWindow, clock);
        this.addresses = new Limiter(maxPerAddress, addressWindow, clock);
        this.audit = audit;
    }

    /** @return whether a login attempt for this account from this address may be checked at all */
    public boolean open(String username, String address) {
        return accounts.remaining(accountKey(username)) > 0 && addresses.remaining(address) > 0;
    }

    /** Counts a failure; audits the lockout when this failure used the last permit. */
    public void failed(String username, String address) {
        String key = accountKey(username);
        accounts.allow(key);
        addresses.allow(address);
        if (accounts.remaining(key) == 0) {
            audit.record(IdentityAudit.event("login.lockout", AuditDecision.DENY).subject(safe(username))
                    .sourceAddress(address).reason("account failure limit reached")
                    .detail("retry_after_seconds", Long.toString(accounts.retryAfter(key).toSeconds())));
        }
        if (addresses.remaining(address) == 0) {
            audit.record(IdentityAudit.event("login.lockout", AuditDecision.DENY).sourceAddress(address)
                    .reason("address failure limit reached")
                    .detail("retry_after_seconds", Long.toString(addresses.retryAfter(address).toSeconds())));
        }
    }

    /** @return whether this address may try anything at all (user codes on the device page) */
    public boolean addressOpen(String address) {
        return addresses.remaining(address) > 0;
    }

    /** Counts a failure of the address only (a wrong device user code has no account). */
    public void addressFailed(String address) {
        addresses.allow(address);
        if (addresses.remaining(address) == 0) {
            audit.record(IdentityAudit.event("login.lockout", AuditDecision.DENY).sourceAddress(address)
                    .reason("address failure limit reached")
                    .detail("retry_after_seconds", Long.toString(addresses.retryAfter(address).toSeconds())));
        }
    }

    /** A successful login clears the account's failures (not the address's). */
    public void succeeded(String username) {
        accounts.reset(accountKey(username));
    }

    private static String accountKey(String username) {
        return "u:" + (username.length() > 128 ? username.substring(0, 128) : username);
    }

    static String safe(String username) {
        String s = username.length() > 128 ? username.substring(0, 128) : username;
        return TokenEndpoint.sanitize(s);
    }
}
