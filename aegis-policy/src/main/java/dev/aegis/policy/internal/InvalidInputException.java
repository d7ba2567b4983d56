package dev.aegis.policy.internal;

/**
 * A request is invalid (OpenFGA {@code validation_error}, HTTP 400). The message is meant for the client: it
 * names the field and rule and echoes at most a clipped piece of the input.
 */
public final class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public InvalidInputException(String message) {
        this("validation_error", message);
    }

    public InvalidInputException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The OpenFGA error code, e.g. {@code validation_error}, {@code write_failed_due_to_invalid_input}. */
    public String code() {
        return code;
    }
}
