package dev.aegis.secrets.api;

import java.util.Objects;

/**
 * The answer to a {@link VaultRequest}: an HTTP status and a JSON body (empty for 204).
 *
 * <p>Immutable. {@code toString} shows the status and size only: a body can hold secrets.
 *
 * @param status HTTP status code
 * @param body   JSON text, empty when the status is 204
 */
public record VaultResponse(int status, String body) {

    /** Validates. */
    public VaultResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        Objects.requireNonNull(body, "body");
    }

    /** @return 204 No Content */
    public static VaultResponse noContent() {
        return new VaultResponse(204, "");
    }

    @Override
    public String toString() {
        return "VaultResponse[" + status + ", " + body.length() + " chars]";
    }
}
