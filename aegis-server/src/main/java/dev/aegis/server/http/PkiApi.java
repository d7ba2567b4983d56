package dev.aegis.server.http;

import static dev.aegis.server.http.PkiHttp.adminAction;
import static dev.aegis.server.http.PkiHttp.auditDown;
import static dev.aegis.server.http.PkiHttp.body;
import static dev.aegis.server.http.PkiHttp.duration;
import static dev.aegis.server.http.PkiHttp.json;
import static dev.aegis.server.http.PkiHttp.peerChain;
import static dev.aegis.server.http.PkiHttp.problem;
import static dev.aegis.server.http.PkiHttp.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.pki.api.CaGeneration;
import dev.aegis.pki.api.Issuance;
import dev.aegis.pki.api.IssuanceError;
import dev.aegis.pki.api.JoinToken;
import dev.aegis.pki.api.SvidAuthentication;
import dev.aegis.pki.api.WorkloadCa;
import dev.aegis.pki.api.Workload;
import dev.aegis.pki.api.WorkloadRegistration;
import dev.aegis.ratelimit.api.Limiter;
import dev.aegis.sdk.api.mtls.RevocationList;
import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.internal.Certificates;
import dev.aegis.server.runtime.PkiRuntime;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP API of the workload CA. On the main listener: the admin API ({@code /admin/v1/workloads*},
 * {@code /admin/v1/ca*}, admin credential required, see {@link AdminAuth}), first issuance with a join token
 * ({@code POST /pki/v1/svid}), JWT-SVIDs, the trust bundle and the revocation list. On the mTLS listener
 * ({@code pki.mtls.port}, client SVID required): renewal ({@code POST /pki/v1/svid/renew}), JWT-SVIDs and the
 * same trust documents, now authenticated by the control plane's own SVID. Pin policies and federation are in
 * {@link PkiTrustApi}.
 *
 * <p>Errors are RFC 9457 problem+json with an {@code error} member (the {@link IssuanceError} code); the detail
 * names the rule that failed and never echoes the request.
 */
public final class PkiApi {

    private static final ObjectMapper JSON = PkiHttp.JSON;
    private static final int MAX_LIST = 1000;

    private final PkiRuntime runtime;
    private final WorkloadCa ca;
    private final AdminAuth admins;
    private final PkiTrustApi trust;
    /**
     * Join attempts per client address: a join token has 256 bits, so this is not about guessing, but every
     * refused attempt is a fail-closed audit record and a database transaction.
     */
    private final Limiter joins = new Limiter(JOIN_ATTEMPTS_PER_MINUTE, Duration.ofMinutes(1));
    static final int JOIN_ATTEMPTS_PER_MINUTE = 60;

    public PkiApi(PkiRuntime runtime, AdminAuth admins) {
        this.runtime = runtime;
        this.ca = runtime.ca();
        this.admins = admins;
        this.trust = new PkiTrustApi(runtime, admins);
    }

    /** Routes of the main listener. */
    public void register(HttpRouting.Builder routing) {
        routing.post("/admin/v1/workloads", this::registerWorkload)
                .get("/admin/v1/workloads", this::listWorkloads)
                .post("/admin/v1/workloads/revoke", this::revoke)
                .post("/admin/v1/workloads/join-tokens", this::joinToken)
                .get("/admin/v1/ca", this::showCa)
                .post("/admin/v1/ca/rotate", this::rotateCa)
                .post("/pki/v1/svid", this::issue)
                .post("/pki/v1/jwt-svid", this::jwtSvidWithToken)
                .get("/pki/v1/bundle", this::bundle)
                .get("/pki/v1/revocations", this::revocations);
        trust.register(routing);
    }

    /** Routes of the mTLS listener. */
    public void registerMtls(HttpRouting.Builder routing) {
        routing.post("/pki/v1/svid/renew", this::renew)
                .post("/pki/v1/jwt-svid", this::jwtSvidOverMtls)
                .get("/pki/v1/bundle", this::bundle)
                .get("/pki/v1/revocations", this::revocations);
        trust.registerPublic(routing);
        routing.any((request, response) -> Problem.send(response, Status.NOT_FOUND_404, "No such resource."));
    }

    // ---- admin ------------------------------------------------------------------------------------------

    private void registerWorkload(ServerRequest request, ServerResponse response) {
        adminAction(admins, request, response, "/admin/v1/workloads", (admin, body) -> {
            SpiffeId id = SpiffeId.parse(text(body, "spiffeId"));
            if (!id.memberOf(ca.settings().trustDomain())) {
                throw new IllegalArgumentException("the SPIFFE ID must be in trust domain " + ca.settings().trustDomain());
            }
            List<String> dns = new ArrayList<>();
            for (JsonNode n : body.path("dnsNames")) {
                dns.add(n.asText());
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : body.path("metadata").properties()) {
                metadata.put(e.getKey(), e.getValue().asText());
            }
            Optional<Workload> created = ca.register(new WorkloadRegistration(id, dns,
                    duration(body, "ttl", ca.settings().defaultTtl()), metadata), admin);
            if (created.isEmpty()) {
                Problem.send(response, Status.CONFLICT_409, "A workload with this SPIFFE ID is already registered.");
                return;
            }
            json(response, Status.CREATED_201, workloadJson(created.get()));
        });
    }

    private void listWorkloads(ServerRequest request, ServerResponse response) {
        if (admins.require(request, response, "/admin/v1/workloads").isEmpty()) {
            return;
        }
        ArrayNode items = JSON.createArrayNode();
        for (Workload w : ca.workloads(MAX_LIST)) {
            items.add(workloadJson(w));
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("workloads", items);
        json(response, Status.OK_200, out);
    }

    private void revoke(ServerRequest request, ServerResponse response) {
        adminAction(admins, request, response, "/admin/v1/workloads/revoke", (admin, body) -> {
            boolean done;
            if (body.hasNonNull("serial")) {
                done = ca.revokeSerial(body.get("serial").asText(), admin);
            } else {
                done = ca.revokeWorkload(SpiffeId.parse(text(body, "spiffeId")), admin);
            }
            if (!done) {
                Problem.send(response, Status.NOT_FOUND_404, "Nothing to revoke: unknown or already revoked.");
                return;
            }
            runtime.refreshListener();
            ObjectNode out = JSON.createObjectNode();
            out.put("revoked", true);
            out.put("revocationsVersion", ca.revocationList().version());
            json(response, Status.OK_200, out);
        });
    }

    private void joinToken(ServerRequest request, ServerResponse response) {
        adminAction(admins, request, response, "/admin/v1/workloads/join-tokens", (admin, body) -> {
            JoinToken token = ca.createJoinToken(SpiffeId.parse(text(body, "spiffeId")),
                    duration(body, "ttl", ca.settings().joinTokenTtl()), admin);
            ObjectNode out = JSON.createObjectNode();
            out.put("token", token.revealSecret());
            out.put("spiffeId", token.spiffeId().toString());
            out.put("expiresAt", token.expiresAt().toString());
            response.header(HeaderNames.CACHE_CONTROL, "no-store");
            json(response, Status.CREATED_201, out);
        });
    }

    private void showCa(ServerRequest request, ServerResponse response) {
        if (admins.require(request, response, "/admin/v1/ca").isEmpty()) {
            return;
        }
        json(response, Status.OK_200, caJson(ca.generations()));
    }

    private void rotateCa(ServerRequest request, ServerResponse response) {
        Optional<String> admin = admins.require(request, response, "/admin/v1/ca/rotate");
        if (admin.isEmpty()) {
            return;
        }
        try {
            List<CaGeneration> gens = ca.rotateCa(admin.get());
            runtime.refreshListener();
            json(response, Status.ACCEPTED_202, caJson(gens));
        } catch (AuditUnavailableException e) {
            auditDown(response);
        }
    }

    // ---- workloads --------------------------------------------------------------------------------------

    /** @return false (and the 429 sent) when the client address exceeded its join attempts */
    private boolean withinJoinLimit(ServerRequest request, ServerResponse response) {
        String client = request.remotePeer().host();
        if (joins.allow(client)) {
            return true;
        }
        response.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, joins.retryAfter(client).toSeconds())));
        Problem.send(response, Status.TOO_MANY_REQUESTS_429, "Too many join attempts from this address; retry later.");
        return false;
    }

    private void issue(ServerRequest request, ServerResponse response) {
        if (!withinJoinLimit(request, response)) {
            return;
        }
        JsonNode body = body(request, response);
        if (body == null) {
            return;
        }
        try {
            answer(response, ca.issueWithJoinToken(body.path("joinToken").asText(""), body.path("csr").asText(""),
                    request.remotePeer().host()));
        } catch (AuditUnavailableException e) {
            auditDown(response);
        }
    }

    private void renew(ServerRequest request, ServerResponse response) {
        X509Certificate[] chain = peerChain(request);
        JsonNode body = body(request, response);
        if (body == null) {
            return;
        }
        try {
            answer(response, ca.renew(chain, body.path("csr").asText(""), request.remotePeer().host()));
        } catch (AuditUnavailableException e) {
            auditDown(response);
        }
    }

    private void jwtSvidOverMtls(ServerRequest request, ServerResponse response) {
        switch (ca.authenticate(peerChain(request))) {
            case SvidAuthentication.NotAuthenticated n -> problem(response, n.refusal().error(), n.refusal().detail());
            case SvidAuthentication.Authenticated a -> {
                JsonNode body = body(request, response);
                if (body != null) {
                    jwtSvid(body, response, a.spiffeId());
                }
            }
        }
    }

    /** Callers without mTLS authenticate with a one-time join token. */
    private void jwtSvidWithToken(ServerRequest request, ServerResponse response) {
        if (!withinJoinLimit(request, response)) {
            return;
        }
        JsonNode body = body(request, response);
        if (body == null) {
            return;
        }
        Optional<SpiffeId> who = ca.consumeJoinTokenForJwt(body.path("joinToken").asText(""));
        if (who.isEmpty()) {
            problem(response, IssuanceError.INVALID_JOIN_TOKEN, "the join token is invalid, used or expired");
            return;
        }
        jwtSvid(body, response, who.get());
    }

    private void jwtSvid(JsonNode body, ServerResponse response, SpiffeId who) {
        List<String> audience = new ArrayList<>();
        for (JsonNode n : body.path("audience")) {
            audience.add(n.asText());
        }
        try {
            String token = ca.issueJwtSvid(who, audience);
            ObjectNode out = JSON.createObjectNode();
            out.put("token", token);
            out.put("spiffeId", who.toString());
            response.header(HeaderNames.CACHE_CONTROL, "no-store");
            json(response, Status.OK_200, out);
        } catch (IllegalArgumentException e) {
            problem(response, IssuanceError.INVALID_REQUEST, e.getMessage());
        } catch (AuditUnavailableException e) {
            auditDown(response);
        }
    }

    private void answer(ServerResponse response, Issuance result) {
        switch (result) {
            case Issuance.Issued i -> {
                ObjectNode out = JSON.createObjectNode();
                out.put("spiffeId", i.spiffeId().toString());
                out.put("serial", i.serial());
                out.put("expiresAt", i.expiresAt().toString());
                ArrayNode x5c = out.putArray("x5c");
                for (String c : Certificates.toBase64(i.chain())) {
                    x5c.add(c);
                }
                out.put("certificateChainPem", Certificates.toPem(i.chain()));
                response.header(HeaderNames.CACHE_CONTROL, "no-store");
                json(response, Status.CREATED_201, out);
            }
            case Issuance.Refused r -> problem(response, r.error(), r.detail());
        }
    }

    // ---- trust documents --------------------------------------------------------------------------------

    private void bundle(ServerRequest request, ServerResponse response) {
        TrustBundle b = ca.bundle();
        response.header(HeaderNames.CACHE_CONTROL, "public, max-age=" + Math.min(60, b.refreshHint().toSeconds()));
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(b.toJson());
    }

    private void revocations(ServerRequest request, ServerResponse response) {
        RevocationList list = ca.revocationList();
        String etag = "\"" + list.version() + "\"";
        response.header(HeaderNames.ETAG, etag);
        response.header(HeaderNames.CACHE_CONTROL, "no-cache");
        if (etag.equals(request.headers().first(HeaderNames.IF_NONE_MATCH).orElse(""))) {
            response.status(Status.NOT_MODIFIED_304);
            response.send();
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("version", list.version());
        ArrayNode serials = out.putArray("serials");
        list.serials().stream().sorted().forEach(serials::add);
        ArrayNode ids = out.putArray("spiffeIds");
        list.spiffeIds().stream().map(SpiffeId::toString).sorted().forEach(ids::add);
        json(response, Status.OK_200, out);
    }

    private static ObjectNode workloadJson(Workload w) {
        ObjectNode o = JSON.createObjectNode();
        o.put("spiffeId", w.registration().spiffeId().toString());
        ArrayNode dns = o.putArray("dnsNames");
        w.registration().dnsNames().forEach(dns::add);
        o.put("ttl", w.registration().ttl().toString());
        ObjectNode md = o.putObject("metadata");
        w.registration().metadata().forEach(md::put);
        o.put("createdAt", w.createdAt().toString());
        o.put("createdBy", w.createdBy());
        w.revokedAt().ifPresent(t -> o.put("revokedAt", t.toString()));
        return o;
    }

    private static ObjectNode caJson(List<CaGeneration> gens) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray("generations");
        for (CaGeneration g : gens) {
            ObjectNode o = items.addObject();
            o.put("id", g.id());
            o.put("number", g.number());
            o.put("state", g.state().name());
            o.put("activatesAt", g.activatesAt().toString());
            g.trustedUntil().ifPresent(t -> o.put("trustedUntil", t.toString()));
            o.put("rootSubject", g.root().getSubjectX500Principal().getName());
            o.put("rootNotAfter", g.root().getNotAfter().toInstant().toString());
            o.put("rootSpkiSha256", dev.aegis.sdk.api.mtls.PinPolicy.pinOf(g.root()));
            o.put("intermediateSpkiSha256", dev.aegis.sdk.api.mtls.PinPolicy.pinOf(g.intermediate()));
            o.put("rootPem", Certificates.toPem(List.of(g.root())));
        }
        return out;
    }
}
