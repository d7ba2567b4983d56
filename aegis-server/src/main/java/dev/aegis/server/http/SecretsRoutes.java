package dev.aegis.server.http;

import dev.aegis.secrets.api.SecretsEngine;
import dev.aegis.secrets.api.VaultRequest;
import dev.aegis.secrets.api.VaultResponse;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Serves Vault's HTTP API under {@code /v1/} from the secrets manager: turns each Helidon request into a
 * {@link VaultRequest} (token from {@code X-Vault-Token} or {@code Authorization: Bearer}) and writes the
 * {@link VaultResponse} back. Responses carry {@code Cache-Control: no-store}: they may hold secrets.
 */
public final class SecretsRoutes {
    private static final HeaderName VAULT_TOKEN = HeaderNames.create("X-Vault-Token");

    private final SecretsEngine secrets;

    public SecretsRoutes(SecretsEngine secrets) {
        this.secrets = secrets;
    }

    public void register(HttpRouting.Builder routing) {
        routing.any("/v1/*", this::handle);
    }

    private void handle(ServerRequest request, ServerResponse response) {
        String path = request.path().path();
        String rest = path.length() > 4 ? path.substring(4) : "";
        Map<String, String> query = new HashMap<>();
        for (String name : request.query().names()) {
            query.put(name, request.query().first(name).orElse(""));
        }
        byte[] body = request.content().hasEntity() ? request.content().as(byte[].class) : new byte[0];
        VaultResponse answer = secrets.handle(new VaultRequest(request.prologue().method().text(), rest, query,
                token(request), body, request.remotePeer().host()));
        response.status(Status.create(answer.status()));
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        if (answer.status() == 204) {
            response.send();
            return;
        }
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(answer.body());
    }

    private static String token(ServerRequest request) {
        Optional<String> vault = request.headers().first(VAULT_TOKEN);
        if (vault.isPresent()) {
            return vault.get().strip();
        }
        return BearerToken.of(request).orElse(null);
    }
}
