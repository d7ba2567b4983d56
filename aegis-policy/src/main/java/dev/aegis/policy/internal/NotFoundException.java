package dev.aegis.policy.internal;

/** A store or model does not exist (OpenFGA answers 404 / {@code store_id_not_found}, or 400 for a model id). */
public final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public NotFoundException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
