package dev.aegis.ratelimit.api;

/**
 * What a cluster limiter does when its shared counter store (Redis) cannot be reached. Chosen per
 * deployment; the choice is visible in every log line and metric of such an event.
 */
public enum UnavailablePolicy {
    /** Let the request through uncounted: availability over strictness (e.g. a read-only catalogue). */
    FAIL_OPEN,
    /** Refuse the request ({@link RateDecision.Unavailable}): strictness over availability (e.g. login, payments). */
    FAIL_CLOSED
}
