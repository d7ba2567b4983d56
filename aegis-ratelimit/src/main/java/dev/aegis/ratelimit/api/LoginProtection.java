package dev.aegis.ratelimit.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Built-in login-protection profile against credential stuffing and password spraying (seed 002, OWASP
 * Authentication Cheat Sheet): at most {@value #PER_ACCOUNT} attempts per account per 15 minutes (stops
 * guessing one account's password) and {@value #PER_ADDRESS} per source address per hour (stops one source
 * trying many accounts). An attempt is refused when either limit is used up.
 *
 * <p>Both counters are consumed on every attempt that is checked, so a refused address cannot probe accounts
 * for free. Use {@link #local()} on one node or {@link #cluster(RedisCounters, UnavailablePolicy)} on a cluster.
 *
 * <p>Thread-safe.
 */
public final class LoginProtection {

    /** Attempts per account per {@link #ACCOUNT_WINDOW}. */
    public static final int PER_ACCOUNT = 5;
    /** The account window. */
    public static final Duration ACCOUNT_WINDOW = Duration.ofMinutes(15);
    /** Attempts per source address per {@link #ADDRESS_WINDOW}. */
    public static final int PER_ADDRESS = 100;
    /** The address window. */
    public static final Duration ADDRESS_WINDOW = Duration.ofHours(1);

    private final RateLimiter perAccount;
    private final RateLimiter perAddress;

    /**
     * @param perAccount the account limiter
     * @param perAddress the address limiter
     */
    public LoginProtection(RateLimiter perAccount, RateLimiter perAddress) {
        this.perAccount = Objects.requireNonNull(perAccount, "perAccount");
        this.perAddress = Objects.requireNonNull(perAddress, "perAddress");
    }

    /** @return the profile on in-process sliding windows */
    public static LoginProtection local() {
        return new LoginProtection(new LocalSlidingWindow(PER_ACCOUNT, ACCOUNT_WINDOW),
                new LocalSlidingWindow(PER_ADDRESS, ADDRESS_WINDOW));
    }

    /**
     * @param redis  the shared counters
     * @param policy what to do when Redis is unreachable (fail-closed is the usual choice for logins)
     * @return the profile, exact across nodes
     */
    public static LoginProtection cluster(RedisCounters redis, UnavailablePolicy policy) {
        return new LoginProtection(redis.slidingWindow("login-account", PER_ACCOUNT, ACCOUNT_WINDOW, policy),
                redis.slidingWindow("login-address", PER_ADDRESS, ADDRESS_WINDOW, policy));
    }

    /**
     * Checks and counts one login attempt.
     *
     * @param account the account name as typed (normalise case before calling)
     * @param address the source address
     * @return the stricter of the two decisions: {@link RateDecision.Limited} or {@link RateDecision.Unavailable}
     *         if either refuses
     */
    public RateDecision attempt(String account, String address) {
        RateDecision byAddress = perAddress.acquire(LimitKey.of(LimitScope.SOURCE, address).asString());
        RateDecision byAccount = perAccount.acquire(LimitKey.of(LimitScope.ACCOUNT, account).asString());
        if (!(byAddress instanceof RateDecision.Allowed)) {
            return byAddress;
        }
        return byAccount;
    }
}
