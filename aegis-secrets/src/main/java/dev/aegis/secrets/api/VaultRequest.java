package dev.aegis.secrets.api;

import java.util.Map;
import java.util.Objects;

/**
 * One request to Vault's HTTP API, independent of the HTTP server that received it.
 *
 * <p>Immutable. {@code token} and {@code remoteAddress} may be {@code null}; the other components are never
 * {@code null} ({@code body} may be empty).
 *
 * @param method        HTTP method, upper case; {@code LIST} is Vault's own method (same as {@code GET ?list=true})
 * @param path          the path after {@code /v1/}, without a leading slash, e.g. {@code secret/data/app}
 * @param query         decoded query parameters (first value of each)
 * @param token         the {@code X-Vault-Token} header (or a bearer token), {@code null} when absent
 * @param body          the request body (JSON), possibly empty
 * @param remoteAddress the client's IP address as seen by the server
 */
public record VaultRequest(String method, String path, Map<String, String> query, String token, byte[] body,
                           String remoteAddress) {

    /** Maximum path length accepted (longer paths are refused with 400 before any lookup). */
    public static final int MAX_PATH = 1024;

    /** Validates and copies. */
    public VaultRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = Map.copyOf(Objects.requireNonNull(query, "query"));
        body = Objects.requireNonNull(body, "body").clone();
    }

    /** @return a copy of the body */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** @return the method, path and whether a token was given; never the token or the body */
    @Override
    public String toString() {
        return "VaultRequest[" + method + " " + path + ", token=" + (token == null ? "absent" : "present") + "]";
    }
}
