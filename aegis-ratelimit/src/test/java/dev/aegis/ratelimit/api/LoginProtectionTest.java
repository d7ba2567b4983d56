package dev.aegis.ratelimit.api;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginProtectionTest {

    @Test
    void credentialStuffingFromOneAddressIsStoppedAfterOneHundredAttemptsPerHour() {
        TokenBucketTest.MutableClock clock = new TokenBucketTest.MutableClock();
        LoginProtection login = new LoginProtection(
                new LocalSlidingWindow(LoginProtection.PER_ACCOUNT, LoginProtection.ACCOUNT_WINDOW, clock),
                new LocalSlidingWindow(LoginProtection.PER_ADDRESS, LoginProtection.ADDRESS_WINDOW, clock));
        for (int i = 0; i < 100; i++) {
            assertInstanceOf(RateDecision.Allowed.class, login.attempt("user" + i, "203.0.113.7"));
        }
        assertInstanceOf(RateDecision.Limited.class, login.attempt("user-new", "203.0.113.7"));
        assertInstanceOf(RateDecision.Allowed.class, login.attempt("user-new", "203.0.113.8"));
        clock.advance(Duration.ofMinutes(61));
        assertInstanceOf(RateDecision.Allowed.class, login.attempt("user-later", "203.0.113.7"));
    }

    @Test
    void passwordGuessingOnOneAccountIsStoppedAfterFiveAttemptsPerFifteenMinutes() {
        TokenBucketTest.MutableClock clock = new TokenBucketTest.MutableClock();
        LoginProtection login = new LoginProtection(
                new LocalSlidingWindow(LoginProtection.PER_ACCOUNT, LoginProtection.ACCOUNT_WINDOW, clock),
                new LocalSlidingWindow(LoginProtection.PER_ADDRESS, LoginProtection.ADDRESS_WINDOW, clock));
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(RateDecision.Allowed.class, login.attempt("alice", "198.51.100." + i));
        }
        RateDecision.Limited l = assertInstanceOf(RateDecision.Limited.class, login.attempt("alice", "198.51.100.50"));
        clock.advance(Duration.ofMinutes(16));
        assertInstanceOf(RateDecision.Allowed.class, login.attempt("alice", "198.51.100.51"));
        assertInstanceOf(Duration.class, l.retryAfter());
    }

    @Test
    void keysOfDifferentScopesNeverShareACounter() {
        LocalSlidingWindow w = new LocalSlidingWindow(1, Duration.ofMinutes(1));
        assertInstanceOf(RateDecision.Allowed.class, w.acquire(LimitKey.of(LimitScope.API_KEY, "x").asString()));
        assertInstanceOf(RateDecision.Allowed.class, w.acquire(LimitKey.of(LimitScope.CLIENT, "x").asString()));
        assertInstanceOf(RateDecision.Limited.class, w.acquire(LimitKey.of(LimitScope.API_KEY, "x").asString()));
    }
}
