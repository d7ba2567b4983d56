package dev.aegis.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.examples.api.FleetService;
import dev.aegis.examples.api.RunningService;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.token.TokenEndpointClient;
import dev.aegis.server.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The walk of {@code aegis demo} over a running {@link DemoSystem}: each step drives the real system over TLS
 * and checks what it must show (issue 6); the results are printed as they come and returned.
 */
public final class DemoWalk {
    static final String FULL_SCOPE = "openid " + FleetService.chainScope();
    /** How many steps a complete walk has. */
    public static final int STEPS = 9;
    private static final Duration PROPAGATION_TIMEOUT = Duration.ofSeconds(5);

    private final DemoSystem demo;
    private final HttpClient http;
    private final Consumer<DemoStep> out;
    private final List<DemoStep> steps = new ArrayList<>();
    private final UserLogin login;
    private String userToken;

    public DemoWalk(DemoSystem demo, Consumer<DemoStep> out) {
        this.demo = demo;
        this.http = demo.httpClient();
        this.out = out;
        this.login = new UserLogin(http, demo.controlPlaneUrl(), DemoSystem.APP_CLIENT,
                demo.clientSecret(DemoSystem.APP_CLIENT), DemoSystem.REDIRECT_URI);
    }

    /** Runs every step (a failed step does not stop the walk); @return the results in order */
    public List<DemoStep> run() {
        step("a user logs in (authorization code + PKCE through the login page)", this::logIn);
        String token = userToken;
        if (token == null) {
            return steps;
        }
        step("the call goes gateway -> orders -> payments -> ledger over mTLS with exchanged tokens", () -> callThrough(token));
        step("a token without the scope passes the gateway and is denied at the service", this::withoutScope);
        step("ledger asks the authorization engine whether the user may write to the account", () -> relationship(token));
        step("a direct call that bypasses the gateway is refused", () -> bypass(token));
        step("the gateway's rate limit trips", () -> rateLimit(token));
        step("a revoked token is refused at every hop (propagation time per hop)", this::revokeToken);
        step("a revoked workload's mTLS calls fail", this::revokeWorkload);
        step("the audit chain verifies", this::auditChain);
        return steps;
    }

    /** A step's body: the detail to print (never a token), or an exception / {@link Failed} when it misbehaved. */
    private interface Body {
        String run() throws Exception;
    }

    /** The system misbehaved; the message says how. */
    private static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    private void step(String name, Body body) {
        DemoStep result;
        try {
            result = new DemoStep(name, true, body.run());
        } catch (Failed e) {
            result = new DemoStep(name, false, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new DemoStep(name, false, "interrupted");
        } catch (Exception e) {
            result = new DemoStep(name, false, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        steps.add(result);
        out.accept(result);
    }

    private String logIn() throws IOException, InterruptedException {
        userToken = login.login(DemoSystem.USER, demo.userPassword(), FULL_SCOPE);
        return "user " + DemoSystem.USER + " signed in at the login page; access token for \"" + FULL_SCOPE + "\" (aud orders)";
    }

    HttpResponse<String> callGateway(String path, String token) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(demo.gatewayUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"book\",\"amount\":12}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String callThrough(String token) throws Exception {
        HttpResponse<String> r = callGateway("/orders", token);
        if (r.statusCode() != 200) {
            throw new Failed("gateway answered " + r.statusCode() + ": " + r.body());
        }
        JsonNode orders = DemoAdmin.JSON.readTree(r.body());
        JsonNode payments = orders.path("next");
        JsonNode ledger = payments.path("next");
        if (!"payments".equals(payments.path("service").asText()) || !"ledger".equals(ledger.path("service").asText())
                || !"orders".equals(payments.path("act").asText()) || !"payments,orders".equals(ledger.path("act").asText())) {
            throw new Failed("unexpected chain: " + r.body());
        }
        return "200; orders (client " + orders.path("client").asText() + ") -> payments (act: orders) -> ledger (act: "
                + "payments,orders), user " + ledger.path("subject").asText();
    }

    private String withoutScope() throws Exception {
        String narrow = login.login(DemoSystem.USER, demo.userPassword(), "openid orders:read");
        HttpResponse<String> r = callGateway("/orders", narrow);
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        if (r.statusCode() != 403 || !challenge.contains("realm=\"orders\"") || !challenge.contains("insufficient_scope")) {
            throw new Failed("expected 403 insufficient_scope from orders, got " + r.statusCode() + " " + challenge);
        }
        return "403 from orders itself (WWW-Authenticate: " + challenge + "); the gateway route checks no scope";
    }

    /**
     * Ledger's relationship check (DESIGN.md step 5) through the whole chain: alice's own account is allowed,
     * another one is denied at ledger; then the tuple is deleted and the time until ledger denies is measured
     * (its decision cache is dropped by the {@code authz.changed} event).
     */
    private String relationship(String token) throws Exception {
        String own = "/orders?account=" + DemoSystem.USER_ACCOUNT;
        HttpResponse<String> allowed = callGateway(own, token);
        JsonNode ledger = DemoAdmin.JSON.readTree(allowed.body()).path("next").path("next");
        if (allowed.statusCode() != 200 || !DemoSystem.USER_ACCOUNT.equals(ledger.path("account").asText())) {
            throw new Failed("alice's own account: " + allowed.statusCode() + " " + allowed.body());
        }
        HttpResponse<String> other = callGateway("/orders?account=bob-savings", token);
        JsonNode denial = DemoAdmin.JSON.readTree(other.body()).path("next").path("next");
        if (!"forbidden".equals(denial.path("error").asText()) || !"ledger".equals(denial.path("service").asText())) {
            throw new Failed("another account: " + other.statusCode() + " " + other.body());
        }
        demo.admin().tuple(demo.authzStore(), "deletes", "user:" + demo.userId(), "writer", "account:" + DemoSystem.USER_ACCOUNT);
        long start = System.nanoTime();
        long deadline = start + PROPAGATION_TIMEOUT.toNanos();
        HttpResponse<String> r;
        do {
            r = callGateway(own, token);
        } while (r.statusCode() == 200 && System.nanoTime() < deadline);
        double ms = (System.nanoTime() - start) / 1e6;
        if (r.statusCode() == 200) {
            throw new Failed("ledger still allows account:" + DemoSystem.USER_ACCOUNT + " 5 s after the tuple was deleted");
        }
        return String.format(java.util.Locale.ROOT, "account:%s allowed, account:bob-savings denied at ledger (403); "
                + "tuple deleted -> denied %.0f ms later", DemoSystem.USER_ACCOUNT, ms);
    }

    private String bypass(String token) throws Exception {
        RunningService orders = demo.service(FleetService.ORDERS);
        URI direct = orders.uri().resolve("/orders");
        HttpClient noCertificate = HttpClient.newBuilder().sslContext(demo.spiffeBundleTrust()).build();
        String first;
        try {
            HttpResponse<String> r = noCertificate.send(post(direct, token), HttpResponse.BodyHandlers.ofString());
            throw new Failed("orders answered a caller without a client certificate: " + r.statusCode());
        } catch (IOException expected) {
            first = "without a client certificate: TLS handshake refused";
        }
        String intruder = "spiffe://" + demo.trustDomain().name() + "/demo/intruder";
        try (WorkloadIdentity rogue = WorkloadIdentity.builder().controlPlane(URI.create(demo.controlPlaneUrl()))
                .mtlsEndpoint(URI.create(demo.server().mtlsUrl())).trustDomain(demo.trustDomain())
                .joinToken(demo.admin().joinToken(intruder)).bootstrapClient(http)
                .authorizer(PeerAuthorizer.allowing(orders.spiffeId())).start()) {
            HttpClient withSvid = HttpClient.newBuilder().sslContext(rogue.sslContext()).build();
            try {
                HttpResponse<String> r = withSvid.send(post(direct, token), HttpResponse.BodyHandlers.ofString());
                throw new Failed("orders answered " + intruder + ": " + r.statusCode());
            } catch (IOException expected) {
                return first + "; with a valid SVID of " + intruder + " and the user's valid token: refused";
            }
        }
    }

    private static HttpRequest post(URI uri, String token) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    }

    private String rateLimit(String token) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        String retryAfter = "";
        for (int i = 0; i < DemoSystem.BURST_LIMIT + 2; i++) {
            HttpResponse<String> r = callGateway(DemoSystem.BURST_PATH, token);
            statuses.add(r.statusCode());
            retryAfter = r.headers().firstValue("Retry-After").orElse(retryAfter);
        }
        for (int i = 0; i < statuses.size(); i++) {
            if (statuses.get(i) != (i < DemoSystem.BURST_LIMIT ? 200 : 429)) {
                throw new Failed("statuses " + statuses + " (limit " + DemoSystem.BURST_LIMIT + " per 10 s)");
            }
        }
        return "statuses " + statuses + ", Retry-After: " + retryAfter + " s";
    }

    /**
     * Revokes the user's token and, as the services that hold them, the tokens exchanged from it for payments
     * and ledger (each service revokes its own, RFC 7009); measures the time to the first refusal at the gateway
     * (a real request), at orders, payments and ledger (each service's own verifier, fed by its event stream).
     */
    private String revokeToken() throws Exception {
        String user = login.login(DemoSystem.USER, demo.userPassword(), FULL_SCOPE);
        String forPayments = exchange(FleetService.ORDERS, user);
        String forLedger = exchange(FleetService.PAYMENTS, forPayments);
        if (callGateway("/orders", user).statusCode() != 200) {
            throw new Failed("the fresh token was not accepted before the revocation");
        }
        DemoAdmin admin = demo.admin();
        admin.revokeToken(user, DemoSystem.APP_CLIENT, demo.clientSecret(DemoSystem.APP_CLIENT));
        long userRevoked = System.nanoTime();
        admin.revokeToken(forPayments, FleetService.ORDERS.id(), demo.clientSecret(FleetService.ORDERS.id()));
        admin.revokeToken(forLedger, FleetService.PAYMENTS.id(), demo.clientSecret(FleetService.PAYMENTS.id()));
        long downstreamRevoked = System.nanoTime();
        Map<String, Double> first = RevocationProbe.measure(userRevoked, List.of(
                new RevocationProbe.Hop("gateway", () -> {
                    try {
                        return callGateway("/orders", user).statusCode() == 401;
                    } catch (IOException e) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }),
                new RevocationProbe.Hop("orders", RevocationProbe.revokedAt(demo.service(FleetService.ORDERS)::verify, user))),
                PROPAGATION_TIMEOUT);
        first.putAll(RevocationProbe.measure(downstreamRevoked, List.of(
                new RevocationProbe.Hop("payments", RevocationProbe.revokedAt(demo.service(FleetService.PAYMENTS)::verify, forPayments)),
                new RevocationProbe.Hop("ledger", RevocationProbe.revokedAt(demo.service(FleetService.LEDGER)::verify, forLedger))),
                PROPAGATION_TIMEOUT));
        StringBuilder detail = new StringBuilder("first refusal after the revocation returned:");
        boolean all = true;
        for (Map.Entry<String, Double> e : first.entrySet()) {
            all &= e.getValue() >= 0 && e.getValue() < 1000;
            detail.append(' ').append(e.getKey()).append(' ')
                    .append(e.getValue() < 0 ? "NEVER" : String.format(java.util.Locale.ROOT, "%.1f ms", e.getValue()));
        }
        if (!all) {
            throw new Failed(detail + " (must be under 1 s everywhere)");
        }
        return detail.toString();
    }

    private String exchange(FleetService as, String subject) {
        TokenEndpointClient client = new TokenEndpointClient(http, URI.create(demo.controlPlaneUrl() + "/oauth2/token"),
                as.id(), SecretBytes.copyOf(demo.clientSecret(as.id()).getBytes(StandardCharsets.UTF_8)), Clock.systemUTC());
        return client.exchange(subject, as.next().orElseThrow().id(), as.downstreamScope());
    }

    private String revokeWorkload() throws Exception {
        String token = login.login(DemoSystem.USER, demo.userPassword(), FULL_SCOPE);
        if (callGateway("/orders", token).statusCode() != 200) {
            throw new Failed("the chain did not work before the revocation");
        }
        String payments = demo.service(FleetService.PAYMENTS).spiffeId().toString();
        demo.admin().revokeWorkload(payments);
        long start = System.nanoTime();
        long deadline = start + PROPAGATION_TIMEOUT.toNanos();
        HttpResponse<String> r;
        do {
            r = callGateway("/orders", token);
        } while (r.statusCode() == 200 && System.nanoTime() < deadline);
        double ms = (System.nanoTime() - start) / 1e6;
        JsonNode body = r.statusCode() == 200 ? null : DemoAdmin.JSON.readTree(r.body());
        // Whichever hop learns of the revocation first refuses: orders' new handshake with payments, or ledger
        // refusing payments' request on the connection it already had open.
        String refusal = body == null ? null
                : "downstream_unreachable".equals(body.path("next").path("error").asText())
                ? "orders' mTLS call to it refused (handshake)"
                : "caller_revoked".equals(body.path("next").path("next").path("error").asText())
                ? "its mTLS call to ledger refused (caller_revoked)" : null;
        if (refusal == null) {
            throw new Failed("payments' calls still answered " + r.statusCode() + " " + r.body() + " after " + ms + " ms");
        }
        return String.format(java.util.Locale.ROOT, "%s revoked: %s %.0f ms later (the gateway answers %d)", payments,
                refusal, ms, r.statusCode());
    }

    private String auditChain() throws Failed {
        StringWriter text = new StringWriter();
        int exit = Main.run(new PrintWriter(text, true), new PrintWriter(new StringWriter(), true), "audit", "verify",
                "-d", demo.server().config().dataDir().toString());
        String line = text.toString().strip();
        if (exit != 0 || !line.startsWith("audit chain intact")) {
            throw new Failed("aegis audit verify: exit " + exit + ": " + line);
        }
        return line;
    }
}
