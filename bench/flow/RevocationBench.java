import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Revocation propagation through the running demo (bench/flow/revocation.sh): N times, three fresh access tokens
 * (audience orders, payments, ledger) from the real token endpoint, each accepted by its hop, then revoked at the
 * identity provider (RFC 7009); then the time from each revocation's answer to the first refusal
 * <ul>
 *   <li>at the gateway: {@code POST /orders} through it answers 401 from the gateway's own realm;</li>
 *   <li>at orders, payments, ledger: probed directly over mTLS with an X509-SVID of the one SPIFFE ID each service
 *       admits (the gateway's for orders, orders' for payments, payments' for ledger), joined like any instance;
 *       refused = 401 from the service's guard.</li>
 * </ul>
 * Then W times: an SVID of the probe (orders' identity) is revoked by serial, and the time until payments refuses
 * it, with a new full handshake and with a resumed TLS session. Prints p50/p99/max per hop ("missed": not refused
 * within 5 s). Runs on the aegis-server distribution's class path.
 */
public final class RevocationBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String BODY = "{\"item\":\"book\",\"quantity\":1}";

    private final JsonNode ready;
    private final HttpClient controlPlane;
    private final String admin;
    private final TrustDomain domain;
    private String clientId;
    private String clientSecret;

    private RevocationBench(JsonNode ready) throws Exception {
        this.ready = ready;
        this.controlPlane = HttpClient.newBuilder().sslContext(trusting(Path.of(ready.get("caFile").asText())))
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.admin = ready.get("adminToken").asText();
        this.domain = TrustDomain.of(ready.get("trustDomain").asText());
    }

    public static void main(String[] args) throws Exception {
        JsonNode ready = JSON.readTree(Files.readString(Path.of(args[0])));
        int rounds = Integer.parseInt(args[1]);
        int svidRounds = Integer.parseInt(args[2]);
        RevocationBench bench = new RevocationBench(ready);
        bench.registerClient();
        Map<String, List<Double>> tokenHops = bench.tokenRevocations(rounds);
        Map<String, List<Double>> mtls = bench.svidRevocations(svidRounds);
        System.out.println();
        System.out.printf(Locale.ROOT, "Revocation propagation: revoke returned -> first refusal (ms), %d token revocations, "
                + "%d SVID revocations%n", rounds, svidRounds);
        System.out.printf(Locale.ROOT, "%-34s %6s %8s %8s %8s %8s%n", "hop", "n", "p50", "p99", "max", "missed");
        tokenHops.forEach((hop, times) -> print("token: " + hop, times));
        mtls.forEach(RevocationBench::print);
    }

    private static void print(String hop, List<Double> times) {
        List<Double> seen = new ArrayList<>();
        for (double t : times) {
            if (t >= 0) {
                seen.add(t);
            }
        }
        seen.sort(null);
        System.out.printf(Locale.ROOT, "%-34s %6d %8.1f %8.1f %8.1f %8d%n", hop, times.size(), percentile(seen, 50),
                percentile(seen, 99), seen.isEmpty() ? Double.NaN : seen.getLast(), times.size() - seen.size());
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** A client of the bench's own with the three audiences, so that it owns (and may revoke) its tokens. */
    private void registerClient() throws Exception {
        clientId = "flow-revocation-bench-" + System.currentTimeMillis();
        JsonNode created = adminCall("/admin/v1/clients", "{\"client_id\":\"" + clientId + "\",\"grant_types\":"
                + "[\"client_credentials\"],\"scopes\":[\"orders:write\",\"payments:charge\",\"ledger:write\"],"
                + "\"audiences\":[\"orders\",\"payments\",\"ledger\"]}", 201);
        clientSecret = created.get("client_secret").asText();
    }

    private Map<String, List<Double>> tokenRevocations(int rounds) throws Exception {
        Map<String, Probe> probes = new LinkedHashMap<>();
        List<WorkloadIdentity> identities = new ArrayList<>();
        for (String service : List.of("orders", "payments", "ledger")) {
            WorkloadIdentity identity = join(caller(service), service);
            identities.add(identity);
            probes.put(service, new Probe(service, fresh(identity), serviceUri(service)));
        }
        Map<String, List<Double>> results = new LinkedHashMap<>();
        results.put("gateway", new ArrayList<>());
        probes.keySet().forEach(k -> results.put(k, new ArrayList<>()));
        URI gateway = URI.create(ready.get("gateway").asText() + ready.get("ordersPath").asText());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < rounds; i++) {
                Map<String, String> tokens = new LinkedHashMap<>();
                for (String audience : probes.keySet()) {
                    tokens.put(audience, token(audience));
                }
                expect(200, post(controlPlane, gateway, tokens.get("orders")), "gateway before the revocation");
                for (Probe p : probes.values()) {
                    expect(200, post(p.http(), p.uri(), tokens.get(p.service())), p.service() + " before the revocation");
                }
                Map<String, Long> revokedAt = new LinkedHashMap<>();
                for (Map.Entry<String, String> t : tokens.entrySet()) {
                    revoke(t.getValue());
                    revokedAt.put(t.getKey(), System.nanoTime());
                }
                Map<String, CompletableFuture<Double>> running = new LinkedHashMap<>();
                running.put("gateway", CompletableFuture.supplyAsync(() -> firstRefusal(revokedAt.get("orders"),
                        () -> refusedBy(controlPlane, gateway, tokens.get("orders"), "aegis-gateway")), threads));
                for (Probe p : probes.values()) {
                    running.put(p.service(), CompletableFuture.supplyAsync(() -> firstRefusal(revokedAt.get(p.service()),
                            () -> refusedBy(p.http(), p.uri(), tokens.get(p.service()), p.service())), threads));
                }
                running.forEach((hop, f) -> results.get(hop).add(f.join()));
            }
        } finally {
            identities.forEach(WorkloadIdentity::close);
        }
        return results;
    }

    /**
     * W times: revoke one SVID of orders' identity (by serial) and time until payments refuses it: with a full
     * handshake (the probe forgets its TLS sessions before each attempt), and when the probe resumes the session
     * it had before the revocation (TLS 1.3 resumption does not run the trust manager again).
     */
    private Map<String, List<Double>> svidRevocations(int rounds) throws Exception {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        out.put("svid: payments, new handshake", new ArrayList<>());
        out.put("svid: payments, resumed session", new ArrayList<>());
        URI payments = serviceUri("payments");
        for (int i = 0; i < rounds; i++) {
            for (Map.Entry<String, List<Double>> kind : out.entrySet()) {
                boolean resume = kind.getKey().endsWith("resumed session");
                try (WorkloadIdentity probe = join(caller("payments"), "payments")) {
                    String token = token("payments");
                    expect(200, post(fresh(probe), payments, token), "payments before the SVID revocation");
                    adminCall("/admin/v1/workloads/revoke", "{\"serial\":\"" + probe.svid().serial() + "\"}", 200);
                    long revoked = System.nanoTime();
                    kind.getValue().add(firstRefusal(revoked, () -> {
                        if (!resume) {
                            forgetSessions(probe.sslContext());
                        }
                        try {
                            post(fresh(probe), payments, token);
                            return false;
                        } catch (IOException e) {
                            return true; // the handshake was refused
                        }
                    }));
                }
            }
        }
        return out;
    }

    private static void forgetSessions(SSLContext context) {
        SSLSessionContext sessions = context.getClientSessionContext();
        for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
            SSLSession session = sessions.getSession(ids.nextElement());
            if (session != null) {
                session.invalidate();
            }
        }
    }

    /** @return ms from {@code since} to the first time {@code refused} holds (asked every ms), -1 after 5 s */
    private static double firstRefusal(long since, BooleanSupplier refused) {
        for (long now = System.nanoTime(); now - since < TIMEOUT.toNanos(); now = System.nanoTime()) {
            if (refused.getAsBoolean()) {
                return (System.nanoTime() - since) / 1e6;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return -1;
    }

    private static boolean refusedBy(HttpClient http, URI uri, String token, String realm) {
        try {
            HttpResponse<String> r = postForResponse(http, uri, token);
            return r.statusCode() == 401
                    && r.headers().firstValue("WWW-Authenticate").orElse("").contains("realm=\"" + realm + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    /** A direct probe of one service: a client with an SVID of the service's one admitted caller. */
    private record Probe(String service, HttpClient http, URI uri) {
    }

    /** A new client with the identity's current SSLContext: its first request makes a new handshake. */
    private static HttpClient fresh(WorkloadIdentity identity) {
        return HttpClient.newBuilder().sslContext(identity.sslContext()).connectTimeout(Duration.ofSeconds(3)).build();
    }

    private String caller(String service) {
        return switch (service) {
            case "orders" -> "spiffe://" + domain.name() + "/demo/gateway";
            case "payments" -> ready.get("services").get("orders").get("spiffeId").asText();
            default -> ready.get("services").get("payments").get("spiffeId").asText();
        };
    }

    private URI serviceUri(String service) {
        return URI.create(ready.get("services").get(service).get("url").asText() + "/" + service);
    }

    /** Joins the workload CA as another instance of {@code spiffeId}, trusting only {@code service}. */
    private WorkloadIdentity join(String spiffeId, String service) throws Exception {
        String joinToken = adminCall("/admin/v1/workloads/join-tokens", "{\"spiffeId\":\"" + spiffeId + "\",\"ttl\":\"15m\"}", 201)
                .get("token").asText();
        return WorkloadIdentity.builder().controlPlane(URI.create(ready.get("controlPlane").asText()))
                .mtlsEndpoint(URI.create(ready.get("mtls").asText())).trustDomain(domain).joinToken(joinToken)
                .bootstrapClient(controlPlane)
                .authorizer(PeerAuthorizer.allowing(SpiffeId.parse(ready.get("services").get(service).get("spiffeId").asText())))
                .start();
    }

    private String token(String audience) throws Exception {
        String form = "grant_type=client_credentials&resource=" + audience + "&scope="
                + URLEncoder.encode("orders:write payments:charge ledger:write", StandardCharsets.UTF_8);
        HttpResponse<String> r = controlPlane.send(HttpRequest.newBuilder(URI.create(ready.get("tokenEndpoint").asText()))
                .header("Authorization", basic()).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        expect(200, r.statusCode(), "token endpoint");
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    private void revoke(String token) throws Exception {
        HttpResponse<String> r = controlPlane.send(HttpRequest.newBuilder(URI.create(ready.get("controlPlane").asText()
                        + "/oauth2/revoke")).header("Authorization", basic())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        expect(200, r.statusCode(), "revocation");
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode adminCall(String path, String json, int expected) throws Exception {
        HttpResponse<String> r = controlPlane.send(HttpRequest.newBuilder(URI.create(ready.get("controlPlane").asText() + path))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        expect(expected, r.statusCode(), path);
        return JSON.readTree(r.body());
    }

    private static int post(HttpClient http, URI uri, String token) throws IOException {
        return postForResponse(http, uri, token).statusCode();
    }

    private static HttpResponse<String> postForResponse(HttpClient http, URI uri, String token) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void expect(int expected, int actual, String what) {
        if (expected != actual) {
            throw new IllegalStateException(what + ": HTTP " + actual + ", expected " + expected);
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
