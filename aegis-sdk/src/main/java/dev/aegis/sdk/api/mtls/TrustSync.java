package dev.aegis.sdk.api.mtls;

import static dev.aegis.sdk.api.mtls.ControlPlaneHttp.get;
import static dev.aegis.sdk.api.mtls.ControlPlaneHttp.send;

import dev.aegis.core.api.crypto.KeyId;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.keys.VerificationKey;
import dev.aegis.core.api.keys.VerificationKeySource;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import dev.aegis.sdk.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a workload's trust current over the workload CA's mTLS listener: its own and federated trust bundles,
 * the signed pin policies and the revocation list (conditional GET), pushed into the peer verifiers of the
 * workload's TLS and of its connection to the control plane. Thread-safe.
 */
final class TrustSync {
    private static final Logger LOG = LoggerFactory.getLogger(TrustSync.class);

    private final HttpClient mtlsClient;
    private final URI mtlsEndpoint;
    private final TrustDomain trustDomain;
    private final PeerVerifier peers;
    private final PeerVerifier controlPlanePeer;
    private final Clock clock;
    private volatile String revocationsEtag;

    TrustSync(HttpClient mtlsClient, URI mtlsEndpoint, TrustDomain trustDomain, PeerVerifier peers,
              PeerVerifier controlPlanePeer, Clock clock) {
        this.mtlsClient = mtlsClient;
        this.mtlsEndpoint = mtlsEndpoint;
        this.trustDomain = trustDomain;
        this.peers = peers;
        this.controlPlanePeer = controlPlanePeer;
        this.clock = clock;
    }

    /** Installs this trust domain's bundle; the control plane is accepted by its own SPIFFE ID only. */
    void install(TrustBundle bundle) {
        peers.updateBundle(bundle);
        controlPlanePeer.updateBundle(bundle);
        controlPlanePeer.updateAuthorizer(
                PeerAuthorizer.allowing(bundle.trustDomain().id(WorkloadIdentity.CONTROL_PLANE_PATH)));
    }

    /** Refetches the trust bundles (own and federated), pin policies and revocations. */
    void refresh() throws IOException, InterruptedException {
        Map<String, Object> own = send(mtlsClient, get(mtlsEndpoint.resolve("/pki/v1/bundle")));
        install(TrustBundle.parse(trustDomain, Json.write(own)));
        Map<String, Object> federated = send(mtlsClient, get(mtlsEndpoint.resolve("/pki/v1/federation/bundles")));
        for (Map.Entry<String, Object> e : federated.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> doc) {
                peers.updateBundle(TrustBundle.parse(TrustDomain.of(e.getKey()), Json.write(castMap(doc))));
            }
        }
        refreshPins();
        pollRevocations();
    }

    private void refreshPins() throws IOException, InterruptedException {
        Map<String, Object> jwks = send(mtlsClient, get(mtlsEndpoint.resolve("/pki/v1/pins/keys")));
        JwtVerifier pinVerifier = JwtVerifier.builder().type(PinPolicy.TYPE).clock(clock).keys(new JwksKeys(jwks)).build();
        Map<String, Object> policies = send(mtlsClient, get(mtlsEndpoint.resolve("/pki/v1/pins")));
        List<PinPolicy> parsed = new ArrayList<>();
        for (String jws : Json.strings(policies, "policies")) {
            try {
                parsed.add(PinPolicy.parseSigned(jws, pinVerifier));
            } catch (IllegalArgumentException e) {
                LOG.atWarn().setMessage("pin policy refused").addKeyValue("reason", e.getMessage()).log();
            }
        }
        peers.updatePins(parsed);
    }

    /** Polls the revocation list (conditional GET); cached TLS sessions of newly revoked peers are dropped. */
    void pollRevocations() throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(mtlsEndpoint.resolve("/pki/v1/revocations")).timeout(Duration.ofSeconds(5));
        String etag = revocationsEtag;
        if (etag != null) {
            req.header("If-None-Match", etag);
        }
        HttpResponse<String> r = mtlsClient.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 304) {
            return;
        }
        if (r.statusCode() != 200) {
            throw new IOException("revocation list fetch failed: HTTP " + r.statusCode());
        }
        Map<String, Object> doc = Json.parse(r.body());
        Set<SpiffeId> ids = new HashSet<>();
        for (String s : Json.strings(doc, "spiffeIds")) {
            ids.add(SpiffeId.parse(s));
        }
        RevocationList list = new RevocationList(((Number) doc.get("version")).longValue(), Set.copyOf(Json.strings(doc, "serials")), ids);
        peers.updateRevocations(list);
        controlPlanePeer.updateRevocations(list);
        revocationsEtag = r.headers().firstValue("ETag").orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** A JWK Set document as a key source for the pin policy verifier. */
    private static final class JwksKeys implements VerificationKeySource {
        private final Map<String, VerificationKey> byKid = new HashMap<>();

        JwksKeys(Map<String, Object> jwks) {
            if (jwks.get("keys") instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m) {
                        VerificationKey key = VerificationKey.fromJwk(Json.write(castMap(m)));
                        byKid.put(key.keyId().value(), key);
                    }
                }
            }
        }

        @Override
        public Optional<VerificationKey> find(KeyId kid) {
            return Optional.ofNullable(byKid.get(kid.value()));
        }
    }
}
