package dev.aegis.secrets.internal;

import java.util.List;

/**
 * A request that Vault's API answers with an error status and {@code {"errors":[...]}}. The messages are safe for
 * the client: they never contain a secret value, a token, or whether something the caller may not see exists.
 */
public final class VaultError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final List<String> errors;

    VaultError(int status, String... errors) {
        super(status + " " + String.join("; ", errors), null, false, false);
        this.status = status;
        this.errors = List.of(errors);
    }

    static VaultError badRequest(String message) {
        return new VaultError(400, message);
    }

    static VaultError notFound() {
        return new VaultError(404);
    }

    static VaultError permissionDenied() {
        return new VaultError(403, "permission denied");
    }

    /** 405; the method and path are not echoed back. */
    static VaultError unsupported(String method, String path) {
        return new VaultError(405, "unsupported operation");
    }

    static VaultError sealed() {
        return new VaultError(503, "Vault is sealed");
    }

    int status() {
        return status;
    }

    List<String> errors() {
        return errors;
    }
}
