package dev.aegis.sdk.api.authz;

import dev.aegis.sdk.api.events.EventFeed;
import dev.aegis.sdk.api.events.StreamEvent;
import dev.aegis.sdk.internal.Json;
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
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the Aegis authorization engine "may {@code user} have {@code relation} on {@code object}?" over its
 * OpenFGA API ({@code POST /stores/{id}/check}), with a local decision cache that the event stream keeps honest.
 *
 * <pre>{@code
 * AuthzClient authz = new AuthzClient(http, aegis, storeId, () -> tokens.serviceToken("aegis:authz"),
 *         AuthzClient.Settings.defaults()).followChanges(feed);   // feed topics include "authz.changed"
 * if (!authz.check("user:" + token.subject(), "viewer", "order:" + id).allowed()) {
 *     return 403;
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Cache.</b> Answers are kept (bounded, {@link Settings#maxEntries}, at most {@link Settings#maxAge})
 *       keyed by user, relation, object and context — but only while {@link #followChanges} has a connected
 *       feed: an {@code authz.changed} event of this store drops every answer computed before that change,
 *       and a reconnection of the feed drops all of them, since changes could be missed meanwhile. Without a feed
 *       every check goes to the engine.</li>
 *   <li><b>Consistency.</b> Every answer and every change event carries the engine's consistency token
 *       (Zanzibar's zookie). Checks ask the engine for state at least as fresh as the newest token this process
 *       has seen (or the one the caller passes, e.g. the token of its own write), and a cached answer is used
 *       only if it is at least that fresh: a check after a revoke is never answered from the state before it.</li>
 *   <li><b>Fail-closed.</b> Any error — refused credential, bad input, timeout, unreachable engine — is a
 *       {@link AuthzDecision.Failed}, whose {@code allowed()} is {@code false}. Failures are never cached.</li>
 * </ul>
 * The credential (an access token with scope {@code aegis:authz} for the control plane's audience) is asked of
 * the supplier for each request and never logged. Counters feed {@link #prometheusText()}. Thread-safe.
 */
public final class AuthzClient {
    private static final Logger LOG = LoggerFactory.getLogger(AuthzClient.class);
    /** The event topic of committed tuple and model changes. */
    public static final String CHANGED_TOPIC = "authz.changed";
    static final int MAX_FIELD = 512;

    private final HttpClient http;
    private final URI checkUri;
    private final String storeId;
    private final Supplier<String> bearer;
    private final Settings settings;
    private final DecisionCache cache;
    private volatile EventFeed feed;
    private final AtomicLong feedConnections = new AtomicLong(-1);
    private final LongAdder allowed = new LongAdder();
    private final LongAdder denied = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /**
     * How the client caches and waits.
     *
     * @param maxEntries how many answers the cache holds at most (0 turns the cache off)
     * @param maxAge     how long an answer is served at most, even without a change event (a backstop)
     * @param timeout    how long one check may take before it fails (closed)
     */
    public record Settings(int maxEntries, Duration maxAge, Duration timeout) {
        public Settings {
            if (maxEntries < 0) {
                throw new IllegalArgumentException("maxEntries must be >= 0");
            }
            Objects.requireNonNull(maxAge, "maxAge");
            Objects.requireNonNull(timeout, "timeout");
            if (maxAge.isNegative() || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("maxAge must be >= 0 and timeout > 0");
            }
        }

        /** @return 10,000 answers for at most 60 s, 2 s per check */
        public static Settings defaults() {
            return new Settings(10_000, Duration.ofSeconds(60), Duration.ofSeconds(2));
        }
    }

    /**
     * @param http     the client (for mTLS to the control plane, one built with the workload's SSLContext)
     * @param baseUri  the control plane, e.g. {@code https://aegis.internal:8443}
     * @param storeId  the authorization store (its ULID, as {@code aegis authz store create} prints it)
     * @param bearer   supplies an access token with scope {@code aegis:authz} for each request
     */
    public AuthzClient(HttpClient http, URI baseUri, String storeId, Supplier<String> bearer, Settings settings) {
        this.http = Objects.requireNonNull(http, "http");
        this.storeId = Objects.requireNonNull(storeId, "storeId");
        if (storeId.isBlank() || storeId.length() > 64) {
            throw new IllegalArgumentException("storeId must be 1 to 64 characters");
        }
        this.checkUri = Objects.requireNonNull(baseUri, "baseUri")
                .resolve("/stores/" + URLEncoder.encode(storeId, StandardCharsets.UTF_8) + "/check");
        this.bearer = Objects.requireNonNull(bearer, "bearer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cache = new DecisionCache(settings.maxEntries(), settings.maxAge().toNanos(), System::nanoTime);
    }

    /**
     * Turns the decision cache on, invalidated by this store's {@code authz.changed} events on {@code feed}
     * (start the feed with that topic, or with no topic filter).
     *
     * @return this client
     */
    public AuthzClient followChanges(EventFeed feed) {
        Objects.requireNonNull(feed, "feed");
        feed.addListener(this::onEvent);
        this.feed = feed;
        return this;
    }

    /** @return the decision, from the cache when a fresh enough answer is held */
    public AuthzDecision check(String user, String relation, String object) {
        return check(user, relation, object, Map.of(), null);
    }

    /**
     * @param context request context for conditional tuples (CEL parameters such as {@code current_time})
     * @return the decision
     */
    public AuthzDecision check(String user, String relation, String object, Map<String, ?> context) {
        return check(user, relation, object, context, null);
    }

    /**
     * @param context          request context for conditions; empty for none
     * @param consistencyToken answer from state at least as fresh as this token (e.g. that of a write this
     *                         service just made), or {@code null} for the newest this process knows
     * @return the decision; {@link AuthzDecision.Failed} (not allowed) on any error
     */
    public AuthzDecision check(String user, String relation, String object, Map<String, ?> context,
                               String consistencyToken) {
        Objects.requireNonNull(context, "context");
        String invalid = invalidField(user, "user");
        invalid = invalid != null ? invalid : invalidField(relation, "relation");
        invalid = invalid != null ? invalid : invalidField(object, "object");
        long atLeast = consistencyToken == null ? 0 : sequence(consistencyToken);
        if (invalid == null && atLeast < 0) {
            invalid = "invalid consistency token";
        }
        if (invalid != null) {
            return count(new AuthzDecision.Failed(400, "validation_error", invalid));
        }
        String contextJson = context.isEmpty() ? "" : Json.write(context);
        String key = user + '\u0000' + relation + '\u0000' + object + '\u0000' + contextJson;
        boolean cacheable = cacheUsable();
        long epoch = cache.epoch();
        long floor = Math.max(atLeast, cache.floor());
        if (cacheable) {
            DecisionCache.Entry hit = cache.get(key, floor);
            if (hit != null) {
                hits.increment();
                return count(new AuthzDecision.Answered(hit.allowed(), "z" + hit.seq(), true));
            }
            misses.increment();
        }
        AuthzDecision decision = ask(user, relation, object, context, floor);
        if (decision instanceof AuthzDecision.Answered answer) { // failures are never cached
            long seq = sequence(answer.consistencyToken());
            if (cacheable) {
                cache.put(key, answer.allowed(), seq, epoch);
            } else {
                cache.noteSeen(seq);
            }
        }
        return count(decision);
    }

    /**
     * Tells the client about a consistency token this service obtained elsewhere (the answer to its own
     * {@code write}): later checks are answered from state at least that fresh.
     */
    public void observed(String consistencyToken) {
        long seq = sequence(Objects.requireNonNull(consistencyToken, "consistencyToken"));
        if (seq < 0) {
            throw new IllegalArgumentException("invalid consistency token");
        }
        cache.noteSeen(seq);
    }

    private boolean cacheUsable() {
        EventFeed f = feed;
        if (f == null || settings.maxEntries() == 0) {
            return false;
        }
        if (!f.connected()) {
            return false;
        }
        // A reconnection may have missed changes until the replay arrives: start from an empty cache.
        long connections = f.connections();
        long before = feedConnections.get();
        if (before != connections && feedConnections.compareAndSet(before, connections) && before >= 0) {
            cache.invalidate();
        }
        return true;
    }

    private void onEvent(StreamEvent event) {
        if (CHANGED_TOPIC.equals(event.topic()) && storeId.equals(event.subject())) {
            String token = event.attributes().get("consistency_token");
            cache.changed(token == null ? 0 : Math.max(0, sequence(token)));
        }
    }

    private AuthzDecision ask(String user, String relation, String object, Map<String, ?> context, long atLeast) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tuple_key", Map.of("user", user, "relation", relation, "object", object));
        if (!context.isEmpty()) {
            body.put("context", context);
        }
        if (atLeast > 0) {
            body.put("consistency_token", "z" + atLeast);
        }
        String credential;
        try {
            credential = bearer.get();
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("store", storeId).addKeyValue("error", e.getClass().getSimpleName())
                    .log("no credential for the authorization API; check denied");
            return new AuthzDecision.Failed(0, "unavailable", "no credential for the authorization API");
        }
        HttpRequest request = HttpRequest.newBuilder(checkUri).timeout(settings.timeout())
                .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return answer(response.statusCode(), response.body());
        } catch (IOException e) {
            LOG.atWarn().addKeyValue("store", storeId).addKeyValue("error", e.getClass().getSimpleName())
                    .log("authorization engine unreachable; check denied");
            return new AuthzDecision.Failed(0, "unavailable", "authorization engine unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AuthzDecision.Failed(0, "unavailable", "interrupted");
        }
    }

    private AuthzDecision answer(int status, String body) {
        Map<String, Object> json;
        try {
            json = Json.parse(body);
        } catch (IllegalArgumentException e) {
            json = Map.of();
        }
        if (status == 200 && json.get("allowed") instanceof Boolean granted
                && json.get("consistency_token") instanceof String token && sequence(token) >= 0) {
            return new AuthzDecision.Answered(granted, token, false);
        }
        String code = json.get("code") instanceof String c ? c : status == 200 ? "invalid_response" : "unknown";
        String message = json.get("message") instanceof String m ? m : "HTTP " + status;
        LOG.atWarn().addKeyValue("store", storeId).addKeyValue("status", status).addKeyValue("code", code)
                .log("authorization check failed; denied");
        return new AuthzDecision.Failed(status, code, message);
    }

    private AuthzDecision count(AuthzDecision decision) {
        (decision instanceof AuthzDecision.Failed ? failed : decision.allowed() ? allowed : denied).increment();
        return decision;
    }

    private static String invalidField(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty() || value.length() > MAX_FIELD) {
            return name + " must be 1 to " + MAX_FIELD + " characters";
        }
        return value.indexOf('\u0000') >= 0 ? name + " must not contain NUL" : null;
    }

    /** @return the sequence of an Aegis consistency token ({@code z} + digits), or -1 when it is not one */
    static long sequence(String token) {
        if (token.length() < 2 || token.length() > 20 || token.charAt(0) != 'z') {
            return -1;
        }
        long v = 0;
        for (int i = 1; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** @return how many answers the cache holds now */
    public int cachedDecisions() {
        return cache.size();
    }

    /** @return checks answered from the cache since start */
    public long cacheHits() {
        return hits.sum();
    }

    /** @return how often the cache was dropped (change events, reconnections) */
    public long invalidations() {
        return cache.invalidations();
    }

    /** @return the client's counters in the Prometheus text exposition format */
    public String prometheusText() {
        String store = "store=\"" + storeId + "\"";
        return "# HELP aegis_sdk_authz_checks_total Authorization checks by outcome (failed ones are denials).\n"
                + "# TYPE aegis_sdk_authz_checks_total counter\n"
                + "aegis_sdk_authz_checks_total{" + store + ",outcome=\"allowed\"} " + allowed.sum() + '\n'
                + "aegis_sdk_authz_checks_total{" + store + ",outcome=\"denied\"} " + denied.sum() + '\n'
                + "aegis_sdk_authz_checks_total{" + store + ",outcome=\"failed\"} " + failed.sum() + '\n'
                + "# HELP aegis_sdk_authz_cache_total Decision cache lookups.\n"
                + "# TYPE aegis_sdk_authz_cache_total counter\n"
                + "aegis_sdk_authz_cache_total{" + store + ",result=\"hit\"} " + hits.sum() + '\n'
                + "aegis_sdk_authz_cache_total{" + store + ",result=\"miss\"} " + misses.sum() + '\n'
                + "# HELP aegis_sdk_authz_cache_invalidations_total Times the decision cache was dropped.\n"
                + "# TYPE aegis_sdk_authz_cache_invalidations_total counter\n"
                + "aegis_sdk_authz_cache_invalidations_total{" + store + "} " + cache.invalidations() + '\n'
                + "# HELP aegis_sdk_authz_cached_decisions Decisions held in the cache.\n"
                + "# TYPE aegis_sdk_authz_cached_decisions gauge\n"
                + "aegis_sdk_authz_cached_decisions{" + store + "} " + cache.size() + '\n';
    }

    @Override
    public String toString() {
        return "AuthzClient[" + checkUri + "]"; // never the credential
    }
}
