package dev.aegis.identity.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.audit.api.AuditDecision;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The identity admin API: {@code /admin/v1/clients}, {@code /admin/v1/users}, {@code /admin/v1/groups}.
 * Every call needs {@code Authorization: Bearer} with the bootstrap admin credential or an access token with
 * the scope {@value Scopes#ADMIN}; every change is audited (fail-closed). Errors are RFC 9457 problem+json.
 *
 * <p>Thread-safe.
 */
public final class AdminApi {

    static final int MAX_JSON_BYTES = 64 * 1024;

    private final ClientRegistry clients;
    private final UserDirectory users;
    private final TokenService tokens;
    private final Predicate<String> bootstrap;
    private final IdentityAudit audit;
    private final AdminJson json;
    private final TotpSecrets totp;

    public AdminApi(ClientRegistry clients, UserDirectory users, TokenService tokens, Predicate<String> bootstrap,
                    IdentityAudit audit, TotpSecrets totp) {
        this.clients = clients;
        this.users = users;
        this.tokens = tokens;
        this.bootstrap = bootstrap;
        this.audit = audit;
        this.json = new AdminJson(clients, users);
        this.totp = totp;
    }

    /** Registers the admin routes. */
    public void register(HttpRouting.Builder routing) {
        routing.post("/admin/v1/clients", guarded(this::createClient))
                .get("/admin/v1/clients", guarded((a, q, r) -> list(r, json.clientsJson())))
                .get("/admin/v1/clients/{id}", guarded(this::getClient))
                .delete("/admin/v1/clients/{id}", guarded(this::deleteClient))
                .post("/admin/v1/clients/{id}/secret", guarded(this::rotateSecret))
                .post("/admin/v1/users", guarded(this::createUser))
                .get("/admin/v1/users", guarded((a, q, r) -> list(r, json.usersJson())))
                .get("/admin/v1/users/{id}", guarded(this::getUser))
                .delete("/admin/v1/users/{id}", guarded(this::deleteUser))
                .post("/admin/v1/users/{id}/totp", guarded(this::enrolTotp))
                .delete("/admin/v1/users/{id}/totp", guarded(this::removeTotp))
                .post("/admin/v1/groups", guarded(this::createGroup))
                .get("/admin/v1/groups", guarded((a, q, r) -> list(r, json.groupsJson())))
                .delete("/admin/v1/groups/{name}", guarded(this::deleteGroup))
                .post("/admin/v1/groups/{name}/members", guarded(this::addMember));
    }

    @FunctionalInterface
    private interface AdminHandler {
        void handle(String admin, ServerRequest request, ServerResponse response);
    }

    private io.helidon.webserver.http.Handler guarded(AdminHandler handler) {
        return (request, response) -> {
            response.header(HeaderNames.CACHE_CONTROL, "no-store");
            Optional<String> admin = authenticate(request);
            if (admin.isEmpty()) {
                audit.record(IdentityAudit.event("admin.authenticate", AuditDecision.DENY).actor("anonymous")
                        .resource(request.path().path()).sourceAddress(Http.source(request)).reason("invalid credential"));
                response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"aegis\", scope=\"" + Scopes.ADMIN + "\"");
                problem(response, 401, "A valid administrator credential is required.");
                return;
            }
            handler.handle(admin.get(), request, response);
        };
    }

    private Optional<String> authenticate(ServerRequest request) {
        Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7) || header.get().length() > 8192) {
            return Optional.empty();
        }
        String credential = header.get().substring(7).strip();
        if (credential.startsWith("aegis_bootstrap_")) {
            return bootstrap.test(credential) ? Optional.of("bootstrap-admin") : Optional.empty();
        }
        if (tokens.checkAccessToken(credential) instanceof TokenService.Active active) {
            Set<String> scope = Scopes.parse(active.claims().stringClaim("scope").orElse(""));
            if (scope != null && scope.contains(Scopes.ADMIN)) {
                return Optional.of(active.claims().subject().orElse("admin"));
            }
        }
        return Optional.empty();
    }

    private Optional<ObjectNode> body(ServerRequest request, ServerResponse response) {
        if (!Http.isJson(request)) {
            problem(response, 415, "The body must be application/json.");
            return Optional.empty();
        }
        Optional<String> text = Http.body(request, MAX_JSON_BYTES);
        if (text.isEmpty()) {
            problem(response, 413, "The request body is too large.");
            return Optional.empty();
        }
        Optional<ObjectNode> node = Json.parseObject(text.get());
        if (node.isEmpty()) {
            problem(response, 400, "The body must be a JSON object.");
        }
        return node;
    }

    private void createClient(String admin, ServerRequest request, ServerResponse response) {
        Optional<ObjectNode> body = body(request, response);
        if (body.isEmpty()) {
            return;
        }
        AdminJson.NewClient parsed;
        try {
            parsed = json.client(body.get());
        } catch (IllegalArgumentException e) {
            problem(response, 400, e.getMessage());
            return;
        }
        if (!audited(response, admin, "client.create", parsed.client().clientId(), request)) {
            return;
        }
        if (clients.insert(parsed.client()).isEmpty()) {
            problem(response, 409, "A client with this client_id exists already.");
            return;
        }
        ObjectNode out = json.clientJson(parsed.client());
        parsed.secret().ifPresent(s -> out.put("client_secret", s));
        send(response, 201, out);
    }

    private void getClient(String admin, ServerRequest request, ServerResponse response) {
        Optional<ClientRecord> c = clients.find(request.path().pathParameters().get("id"));
        if (c.isEmpty()) {
            problem(response, 404, "No such client.");
            return;
        }
        send(response, 200, json.clientJson(c.get()));
    }

    private void deleteClient(String admin, ServerRequest request, ServerResponse response) {
        String id = request.path().pathParameters().get("id");
        if (!ClientRecord.validClientId(id) || !audited(response, admin, "client.delete", id, request)) {
            if (!ClientRecord.validClientId(id)) {
                problem(response, 404, "No such client.");
            }
            return;
        }
        if (!clients.delete(id)) {
            problem(response, 404, "No such client.");
            return;
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private void rotateSecret(String admin, ServerRequest request, ServerResponse response) {
        String id = request.path().pathParameters().get("id");
        if (!ClientRecord.validClientId(id)) {
            problem(response, 404, "No such client.");
            return;
        }
        if (!audited(response, admin, "client.secret_rotate", id, request)) {
            return;
        }
        String secret = ClientRegistry.newSecret();
        if (!clients.replaceSecretHash(id, clients.fingerprint(secret))) {
            problem(response, 404, "No such client with a secret.");
            return;
        }
        ObjectNode out = Json.object().put("client_id", id).put("client_secret", secret);
        send(response, 200, out);
    }

    private void createUser(String admin, ServerRequest request, ServerResponse response) {
        Optional<ObjectNode> body = body(request, response);
        if (body.isEmpty()) {
            return;
        }
        UserRecord user;
        try {
            user = json.user(body.get());
        } catch (IllegalArgumentException e) {
            problem(response, 400, e.getMessage());
            return;
        }
        if (!audited(response, admin, "user.create", user.userId(), request)) {
            return;
        }
        try {
            if (users.insert(user).isEmpty()) {
                problem(response, 409, "A user with this username exists already.");
                return;
            }
        } catch (UserDirectory.UnknownGroupException e) {
            problem(response, 400, "A listed group does not exist.");
            return;
        }
        send(response, 201, json.userJson(user));
    }

    private void getUser(String admin, ServerRequest request, ServerResponse response) {
        Optional<UserRecord> u = users.byId(request.path().pathParameters().get("id"));
        if (u.isEmpty()) {
            problem(response, 404, "No such user.");
            return;
        }
        send(response, 200, json.userJson(u.get()));
    }

    private void deleteUser(String admin, ServerRequest request, ServerResponse response) {
        String id = request.path().pathParameters().get("id");
        if (!audited(response, admin, "user.delete", id.length() > 64 ? id.substring(0, 64) : id, request)) {
            return;
        }
        if (!users.delete(id)) {
            problem(response, 404, "No such user.");
            return;
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    /** Enrols the user in TOTP (RFC 6238); the otpauth URI with the secret is shown only in this answer. */
    private void enrolTotp(String admin, ServerRequest request, ServerResponse response) {
        Optional<UserRecord> user = users.byId(request.path().pathParameters().get("id"));
        if (user.isEmpty()) {
            problem(response, 404, "No such user.");
            return;
        }
        if (!audited(response, admin, "user.totp_enrol", user.get().userId(), request)) {
            return;
        }
        String uri = totp.enrol(user.get().userId(), user.get().username(), "Aegis");
        send(response, 200, Json.object().put("user_id", user.get().userId()).put("otpauth_uri", uri));
    }

    private void removeTotp(String admin, ServerRequest request, ServerResponse response) {
        String id = request.path().pathParameters().get("id");
        if (!audited(response, admin, "user.totp_remove", id.length() > 64 ? id.substring(0, 64) : id, request)) {
            return;
        }
        if (!totp.remove(id)) {
            problem(response, 404, "No such user with a second factor.");
            return;
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private void createGroup(String admin, ServerRequest request, ServerResponse response) {
        Optional<ObjectNode> body = body(request, response);
        if (body.isEmpty()) {
            return;
        }
        String name = body.get().path("name").asText("");
        String description = body.get().path("description").asText("");
        if (!UserDirectory.validGroupName(name) || description.length() > 1024) {
            problem(response, 400, "name must be 1..128 characters of [A-Za-z0-9._:-]; description at most 1024.");
            return;
        }
        if (!audited(response, admin, "group.create", name, request)) {
            return;
        }
        if (!users.createGroup(name, description)) {
            problem(response, 409, "A group with this name exists already.");
            return;
        }
        send(response, 201, Json.object().put("name", name).put("description", description));
    }

    private void deleteGroup(String admin, ServerRequest request, ServerResponse response) {
        String name = request.path().pathParameters().get("name");
        if (!UserDirectory.validGroupName(name)) {
            problem(response, 404, "No such group.");
            return;
        }
        if (!audited(response, admin, "group.delete", name, request)) {
            return;
        }
        if (!users.deleteGroup(name)) {
            problem(response, 404, "No such group.");
            return;
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private void addMember(String admin, ServerRequest request, ServerResponse response) {
        String name = request.path().pathParameters().get("name");
        Optional<ObjectNode> body = body(request, response);
        if (body.isEmpty()) {
            return;
        }
        String userId = body.get().path("user_id").asText("");
        if (!UserDirectory.validGroupName(name) || userId.isEmpty() || userId.length() > 64) {
            problem(response, 400, "A group name and a user_id are required.");
            return;
        }
        if (!audited(response, admin, "group.add_member", name, request)) {
            return;
        }
        if (!users.addToGroup(name, userId)) {
            problem(response, 404, "No such group or user.");
            return;
        }
        send(response, 200, Json.object().put("name", name).put("user_id", userId));
    }

    private boolean audited(ServerResponse response, String admin, String action, String resource, ServerRequest request) {
        boolean ok = audit.record(IdentityAudit.event(action, AuditDecision.ALLOW).actor(admin)
                .resource(TokenEndpoint.sanitize(resource)).sourceAddress(Http.source(request)));
        if (!ok) {
            problem(response, 503, "The audit trail is unavailable; try again later.");
        }
        return ok;
    }

    private static void list(ServerResponse response, ArrayNode items) {
        ObjectNode out = Json.object();
        out.set("items", items);
        send(response, 200, out);
    }

    private static void send(ServerResponse response, int status, JsonNode body) {
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(body.toString());
    }

    static void problem(ServerResponse response, int status, String detail) {
        Status s = Status.create(status);
        ObjectNode body = Json.object().put("type", "about:blank").put("title", s.reasonPhrase()).put("status", status)
                .put("detail", detail);
        response.status(s);
        response.header(HeaderNames.CONTENT_TYPE, "application/problem+json");
        response.send(body.toString());
    }
}
