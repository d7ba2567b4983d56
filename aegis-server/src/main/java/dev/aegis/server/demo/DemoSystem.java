package dev.aegis.server.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.api.crypto.SecretBytes;
import dev.aegis.core.api.crypto.SecureIds;
import dev.aegis.examples.api.FleetService;
import dev.aegis.examples.api.RunningService;
import dev.aegis.examples.api.ServiceSettings;
import dev.aegis.sdk.api.mtls.MtlsContext;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.PeerVerifier;
import dev.aegis.sdk.api.mtls.SpiffeKeyManager;
import dev.aegis.sdk.api.mtls.SpiffeTrustManager;
import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import dev.aegis.server.AegisServer;
import dev.aegis.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The whole system of issue 6 in one process, on the embedded default in a directory of its own: the control
 * plane (TLS on the main listener, the workload CA's mTLS listener), the gateway (TLS, upstream mTLS with its
 * own X509-SVID, routes reloaded through the admin API) and the fleet orders → payments → ledger. Everything
 * the demo needs is registered through the real admin API with the bootstrap credential.
 *
 * <p>Closed in reverse order of start. Not thread-safe to close concurrently.
 */
public final class DemoSystem implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DemoSystem.class);
    /** The demo application (authorization code + PKCE through the login page). */
    public static final String APP_CLIENT = "demo-app";
    /** A machine client for load generators (client credentials with the chain's scopes). */
    public static final String LOAD_CLIENT = "demo-load";
    public static final String USER = "alice";
    public static final URI REDIRECT_URI = URI.create("https://127.0.0.1/demo/callback");
    /** The gateway's rate-limited route: 3 requests per 10 s per source address. */
    public static final String BURST_PATH = "/orders/burst";
    public static final int BURST_LIMIT = 3;
    /** The account only the demo user may write to (ledger's relationship check). */
    public static final String USER_ACCOUNT = "alice-savings";
    static final String ACCOUNTS_MODEL = """
            model
              schema 1.1

            type user

            type account
              relations
                define writer: [user, user:*]
            """;

    private final Path dir;
    private final DemoCertificates certificates;
    private final AegisServer server;
    private final DemoAdmin admin;
    private final TrustDomain trustDomain;
    private final Map<FleetService, RunningService> fleet = new EnumMap<>(FleetService.class);
    private final Map<String, String> secrets = new HashMap<>();
    private final String userPassword = SecureIds.token(18);
    private volatile TrustBundle spiffeBundle;
    private String userId;
    private WorkloadIdentity gatewayIdentity;
    private volatile String gatewaySerial;
    private final java.util.concurrent.ScheduledExecutorService renewals =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "aegis-demo-gateway-svid");
                t.setDaemon(true);
                return t;
            });
    private String authzStore;

    private DemoSystem(Path dir, DemoCertificates certificates, AegisServer server, DemoAdmin admin) {
        this.dir = dir;
        this.certificates = certificates;
        this.server = server;
        this.admin = admin;
        this.trustDomain = TrustDomain.of(server.config().pki().trustDomain());
    }

    /** Starts everything in {@code dir} (which should be new and empty); on failure stops what started. */
    public static DemoSystem start(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        Files.createDirectories(dir);
        DemoCertificates certs = DemoCertificates.create(dir);
        certs.trustInThisJvm();
        Path routes = dir.resolve("routes.yaml");
        Files.writeString(routes, DemoRoutes.placeholder());
        Map<String, String> o = new HashMap<>();
        o.put("data-dir", dir.resolve("data").toString());
        o.put("server.port", "0");
        o.put("pki.mtls.port", "0");
        o.put("server.shutdown-grace", "1s");
        o.put("server.tls.enabled", "true");
        o.put("server.tls.certificate", certs.certificateFile().toString());
        o.put("server.tls.private-key", certs.keyFile().toString());
        o.put("gateway.routes-file", routes.toString());
        o.put("gateway.port", "0");
        o.put("gateway.tls.enabled", "true");
        o.put("gateway.tls.certificate", certs.certificateFile().toString());
        o.put("gateway.tls.private-key", certs.keyFile().toString());
        AegisServer server = AegisServer.start(ConfigLoader.load(Optional.empty(), Map.of(), o), Clock.systemUTC());
        HttpClient http = HttpClient.newBuilder().sslContext(certs.clientContext()).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        DemoSystem demo = new DemoSystem(dir, certs, server,
                new DemoAdmin(http, server.baseUrl(), server.bootstrapCredential().orElseThrow()));
        try {
            demo.register();
            demo.startGatewayIdentity(routes);
            demo.startFleet();
            demo.publishRoutes(routes);
            demo.followGatewayRenewals(routes);
            return demo;
        } catch (IOException | InterruptedException | RuntimeException e) {
            demo.close();
            throw e;
        }
    }

    private void register() throws IOException, InterruptedException {
        String issuer = server.baseUrl();
        for (FleetService s : FleetService.values()) {
            ObjectNode c = DemoAdmin.JSON.createObjectNode().put("client_id", s.id()).put("access_token_lifetime", 600);
            c.putArray("grant_types").add("client_credentials").add("urn:ietf:params:oauth:grant-type:token-exchange");
            var scopes = c.putArray("scopes").add("aegis:events").add("aegis:audit").add("aegis:authz");
            var audiences = c.putArray("audiences").add(issuer);
            for (FleetService down = s.next().orElse(null); down != null; down = down.next().orElse(null)) {
                scopes.add(down.scope());
            }
            s.next().ifPresent(n -> audiences.add(n.id()));
            secrets.put(s.id(), admin.createClient(c));
        }
        ObjectNode app = DemoAdmin.JSON.createObjectNode().put("client_id", APP_CLIENT).put("client_name", "Aegis demo shop")
                .put("first_party", true);
        app.putArray("grant_types").add("authorization_code");
        app.putArray("scopes").add("openid").add("orders:read").add(FleetService.ORDERS.scope())
                .add(FleetService.PAYMENTS.scope()).add(FleetService.LEDGER.scope());
        app.putArray("redirect_uris").add(REDIRECT_URI.toString());
        app.putArray("audiences").add(FleetService.ORDERS.id());
        secrets.put(APP_CLIENT, admin.createClient(app));
        ObjectNode load = DemoAdmin.JSON.createObjectNode().put("client_id", LOAD_CLIENT);
        load.putArray("grant_types").add("client_credentials");
        load.putArray("scopes").add(FleetService.ORDERS.scope()).add(FleetService.PAYMENTS.scope())
                .add(FleetService.LEDGER.scope());
        load.putArray("audiences").add(FleetService.ORDERS.id());
        secrets.put(LOAD_CLIENT, admin.createClient(load));
        userId = admin.createUser(USER, userPassword, List.of("customer"));
        // Ledger's relationships: anyone may write to account:main, only alice to account:alice-savings.
        authzStore = admin.createAuthzStore("demo-ledger", ACCOUNTS_MODEL);
        admin.tuple(authzStore, "writes", "user:*", "writer", "account:main");
        admin.tuple(authzStore, "writes", "user:" + userId, "writer", "account:" + USER_ACCOUNT);
    }

    /**
     * The gateway's X509-SVID ({@code spiffe://<domain>/demo/gateway}) from the workload CA with a join token,
     * written as the PEM files the routes file names, with the trust domain's bundle as upstream trust.
     */
    private void startGatewayIdentity(Path routes) throws IOException, InterruptedException {
        String id = FleetService.ORDERS.caller(trustDomain).toString();
        gatewayIdentity = WorkloadIdentity.builder().controlPlane(URI.create(server.baseUrl()))
                .mtlsEndpoint(URI.create(server.mtlsUrl())).trustDomain(trustDomain).joinToken(admin.joinToken(id))
                .bootstrapClient(admin.http()).authorizer(PeerAuthorizer.allowing(FleetService.ORDERS.spiffeId(trustDomain)))
                .start();
        writeGatewaySvid(routes);
    }

    /** The gateway's current SVID, key and the trust domain's roots as the PEM files its routes name. */
    private void writeGatewaySvid(Path routes) throws IOException {
        var svid = gatewayIdentity.svid();
        DemoCertificates.writePem(routes.resolveSibling(DemoRoutes.GATEWAY_CERT), svid.chain(),
                routes.resolveSibling(DemoRoutes.GATEWAY_KEY), svid.privateKey());
        StringBuilder bundle = new StringBuilder();
        spiffeBundle = gatewayIdentity.peerVerifier().bundle(trustDomain).orElseThrow();
        for (var root : spiffeBundle.x509Authorities()) {
            bundle.append(DemoCertificates.pem(root));
        }
        Files.writeString(routes.resolveSibling(DemoRoutes.SPIFFE_BUNDLE), bundle);
        gatewaySerial = svid.serial();
    }

    /** The routes file naming the current SVID's serial (so its content changes with it), then a reload. */
    private void publishRoutes(Path routes) throws IOException, InterruptedException {
        Files.writeString(routes, "# gateway SVID " + gatewaySerial + "\n" + DemoRoutes.full(server.baseUrl(), trustDomain,
                fleet.get(FleetService.ORDERS).uri(), dir));
        admin.reloadGateway();
    }

    /**
     * The gateway reads its upstream certificate from files: when the workload identity has renewed the SVID (at
     * half-life), write the new one and reload the routes, so a demo that keeps running outlives its first SVID.
     */
    private void followGatewayRenewals(Path routes) {
        renewals.scheduleWithFixedDelay(() -> {
            if (gatewayIdentity.svid().serial().equals(gatewaySerial)) {
                return;
            }
            try {
                writeGatewaySvid(routes);
                publishRoutes(routes);
            } catch (IOException | RuntimeException e) {
                LOG.atWarn().setMessage("gateway SVID not refreshed").addKeyValue("error", e.toString()).log();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 30, 30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void startFleet() throws IOException, InterruptedException {
        // From the end of the chain: each service needs the address of the next one.
        List<FleetService> order = new ArrayList<>(List.of(FleetService.values()));
        java.util.Collections.reverse(order);
        for (FleetService s : order) {
            Optional<URI> next = s.next().map(n -> fleet.get(n).uri());
            ServiceSettings settings = new ServiceSettings(s, "127.0.0.1", 0, URI.create(server.baseUrl()),
                    URI.create(server.mtlsUrl()), certificates.caFile(), trustDomain,
                    bytes(admin.joinToken(s.spiffeId(trustDomain).toString())), bytes(secrets.get(s.id())), next,
                    s == FleetService.LEDGER ? Optional.of(authzStore) : Optional.empty());
            fleet.put(s, RunningService.start(settings));
        }
    }

    private static SecretBytes bytes(String value) {
        return SecretBytes.copyOf(value.getBytes(StandardCharsets.UTF_8));
    }

    public AegisServer server() {
        return server;
    }

    DemoAdmin admin() {
        return admin;
    }

    public String controlPlaneUrl() {
        return server.baseUrl();
    }

    public String gatewayUrl() {
        return "https://127.0.0.1:" + server.gatewayPort().orElseThrow();
    }

    public Path caFile() {
        return certificates.caFile();
    }

    public Path directory() {
        return dir;
    }

    public TrustDomain trustDomain() {
        return trustDomain;
    }

    public RunningService service(FleetService s) {
        return fleet.get(s);
    }

    /** The client secret of a registered client (a fleet service, {@link #APP_CLIENT} or {@link #LOAD_CLIENT}). */
    public String clientSecret(String clientId) {
        return secrets.get(clientId);
    }

    /** @return the demo user's id (its tokens' {@code sub}) */
    public String userId() {
        return userId;
    }

    /** @return the authorization store of ledger's account relationships */
    public String authzStore() {
        return authzStore;
    }

    public String userPassword() {
        return userPassword;
    }

    public String adminCredential() {
        return server.bootstrapCredential().orElseThrow();
    }

    /**
     * A client TLS context that presents <em>no</em> certificate and accepts orders' SVID (SPIFFE bundle,
     * SPIFFE ID): what a caller that bypasses the gateway without a workload identity has.
     */
    public SSLContext spiffeBundleTrust() {
        PeerVerifier verifier = new PeerVerifier(PeerAuthorizer.allowing(FleetService.ORDERS.spiffeId(trustDomain)),
                Clock.systemUTC());
        verifier.updateBundle(spiffeBundle);
        return MtlsContext.create(new SpiffeKeyManager(null), new SpiffeTrustManager(verifier));
    }

    /** A TLS client trusting the demo CA (control plane and gateway listeners); never follows redirects. */
    public HttpClient httpClient() {
        return admin.http();
    }

    @Override
    public void close() {
        renewals.shutdownNow();
        List<FleetService> order = List.of(FleetService.ORDERS, FleetService.PAYMENTS, FleetService.LEDGER);
        for (FleetService s : order) {
            RunningService r = fleet.remove(s);
            if (r != null) {
                r.close();
            }
        }
        if (gatewayIdentity != null) {
            gatewayIdentity.close();
        }
        server.close();
    }
}
