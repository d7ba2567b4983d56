package dev.aegis.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.audit.api.AuditUnavailableException;
import dev.aegis.pki.api.IssuanceError;
import dev.aegis.pki.api.PinPolicies;
import dev.aegis.sdk.api.mtls.PinPolicy;
import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.api.spiffe.TrustDomain;
import dev.aegis.server.runtime.PkiRuntime;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pin policies ({@code /pki/v1/pins}, {@code /admin/v1/pins*}) and federation ({@code /pki/v1/federation/bundles},
 * {@code /admin/v1/ca/federations*}) of the workload CA.
 */
final class PkiTrustApi {

    private final PkiRuntime runtime;
    private final AdminAuth admins;

    PkiTrustApi(PkiRuntime runtime, AdminAuth admins) {
        this.runtime = runtime;
        this.admins = admins;
    }

    void register(HttpRouting.Builder routing) {
        registerPublic(routing);
        routing.get("/admin/v1/pins", this::showPins)
                .post("/admin/v1/pins", this::publishPins)
                .post("/admin/v1/pins/unpin", this::requestUnpin)
                .post("/admin/v1/pins/unpin/approve", this::approveUnpin)
                .get("/admin/v1/ca/federations", this::listFederations)
                .post("/admin/v1/ca/federations", this::addFederation)
                .post("/admin/v1/ca/federations/remove", this::removeFederation);
    }

    void registerPublic(HttpRouting.Builder routing) {
        routing.get("/pki/v1/pins", this::documents)
                .get("/pki/v1/pins/keys", this::keys)
                .get("/pki/v1/federation/bundles", this::federatedBundles);
    }

    private void documents(ServerRequest request, ServerResponse response) {
        ObjectNode out = PkiHttp.JSON.createObjectNode();
        ArrayNode items = out.putArray("policies");
        runtime.pins().documents().forEach(items::add);
        response.header(HeaderNames.CACHE_CONTROL, "no-cache");
        PkiHttp.json(response, Status.OK_200, out);
    }

    private void keys(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "application/jwk-set+json");
        response.send(runtime.pins().keysJson());
    }

    private void federatedBundles(ServerRequest request, ServerResponse response) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<TrustDomain, TrustBundle> e : runtime.federations().bundles().entrySet()) {
            sb.append(first ? "" : ",").append(PkiHttp.JSON.valueToTree(e.getKey().name()).toString()).append(':')
                    .append(e.getValue().toJson());
            first = false;
        }
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(sb.append('}').toString());
    }

    private void showPins(ServerRequest request, ServerResponse response) {
        if (admins.require(request, response, "/admin/v1/pins").isEmpty()) {
            return;
        }
        ObjectNode out = PkiHttp.JSON.createObjectNode();
        ArrayNode items = out.putArray("policies");
        for (String jws : runtime.pins().documents()) {
            try {
                items.add(policyJson(PinPolicy.parseSigned(jws, runtime.pins().verifier())));
            } catch (IllegalArgumentException e) {
                // an expired or superseded document: not shown
            }
        }
        PkiHttp.json(response, Status.OK_200, out);
    }

    private void publishPins(ServerRequest request, ServerResponse response) {
        PkiHttp.adminAction(admins, request, response, "/admin/v1/pins", (admin, body) -> {
            PinPolicy p = runtime.pins().publish(SpiffeId.parse(PkiHttp.text(body, "scope")), strings(body, "pins"),
                    strings(body, "backupPins"), PkiHttp.duration(body, "ttl", Duration.ofDays(30)), admin);
            PkiHttp.json(response, Status.CREATED_201, policyJson(p));
        });
    }

    private void requestUnpin(ServerRequest request, ServerResponse response) {
        PkiHttp.adminAction(admins, request, response, "/admin/v1/pins/unpin", (admin, body) -> {
            String id = runtime.pins().requestUnpin(SpiffeId.parse(PkiHttp.text(body, "scope")),
                    PkiHttp.duration(body, "duration", Duration.ofHours(1)), body.path("reason").asText(""), admin);
            ObjectNode out = PkiHttp.JSON.createObjectNode();
            out.put("requestId", id);
            out.put("approvalWindow", PinPolicies.APPROVAL_WINDOW.toString());
            PkiHttp.json(response, Status.ACCEPTED_202, out);
        });
    }

    private void approveUnpin(ServerRequest request, ServerResponse response) {
        PkiHttp.adminAction(admins, request, response, "/admin/v1/pins/unpin/approve", (admin, body) -> {
            switch (runtime.pins().approveUnpin(PkiHttp.text(body, "requestId"), admin)) {
                case PinPolicies.Approval.Approved a -> PkiHttp.json(response, Status.OK_200, policyJson(a.policy()));
                case PinPolicies.Approval.Denied d -> Problem.send(response, Status.FORBIDDEN_403, d.reason());
            }
        });
    }

    private void listFederations(ServerRequest request, ServerResponse response) {
        if (admins.require(request, response, "/admin/v1/ca/federations").isEmpty()) {
            return;
        }
        ObjectNode out = PkiHttp.JSON.createObjectNode();
        ArrayNode items = out.putArray("federations");
        for (Map.Entry<TrustDomain, TrustBundle> e : runtime.federations().bundles().entrySet()) {
            ObjectNode o = items.addObject();
            o.put("trustDomain", e.getKey().name());
            o.put("sequence", e.getValue().sequence());
            o.put("x509Authorities", e.getValue().x509Authorities().size());
        }
        PkiHttp.json(response, Status.OK_200, out);
    }

    private void addFederation(ServerRequest request, ServerResponse response) {
        Optional<String> admin = admins.require(request, response, "/admin/v1/ca/federations");
        JsonNode body = admin.isEmpty() ? null : PkiHttp.body(request, response);
        if (body == null) {
            return;
        }
        try {
            TrustBundle b = runtime.federations().add(TrustDomain.of(PkiHttp.text(body, "trustDomain")),
                    URI.create(PkiHttp.text(body, "bundleEndpoint")), PkiHttp.text(body, "spkiPin"), admin.get());
            ObjectNode out = PkiHttp.JSON.createObjectNode();
            out.put("trustDomain", b.trustDomain().name());
            out.put("sequence", b.sequence());
            PkiHttp.json(response, Status.CREATED_201, out);
        } catch (IllegalArgumentException e) {
            PkiHttp.problem(response, IssuanceError.INVALID_REQUEST, e.getMessage());
        } catch (IOException e) {
            Problem.send(response, Status.BAD_GATEWAY_502, "The bundle endpoint could not be fetched or authenticated.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Problem.send(response, Status.SERVICE_UNAVAILABLE_503, "Interrupted.");
        } catch (AuditUnavailableException e) {
            PkiHttp.auditDown(response);
        }
    }

    private void removeFederation(ServerRequest request, ServerResponse response) {
        PkiHttp.adminAction(admins, request, response, "/admin/v1/ca/federations/remove", (admin, body) -> {
            if (!runtime.federations().remove(TrustDomain.of(PkiHttp.text(body, "trustDomain")), admin)) {
                Problem.send(response, Status.NOT_FOUND_404, "That trust domain is not federated.");
                return;
            }
            PkiHttp.json(response, Status.OK_200, PkiHttp.JSON.createObjectNode().put("removed", true));
        });
    }

    private static Set<String> strings(JsonNode body, String field) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : body.path(field)) {
            out.add(n.asText());
        }
        return out;
    }

    private static ObjectNode policyJson(PinPolicy p) {
        ObjectNode o = PkiHttp.JSON.createObjectNode();
        o.put("scope", p.scope().toString());
        o.put("version", p.version());
        o.put("unpin", p.disabled());
        ArrayNode pins = o.putArray("pins");
        p.pins().forEach(pins::add);
        ArrayNode backup = o.putArray("backupPins");
        p.backupPins().forEach(backup::add);
        o.put("expiresAt", p.expiresAt().toString());
        return o;
    }
}
