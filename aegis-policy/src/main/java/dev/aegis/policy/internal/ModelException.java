package dev.aegis.policy.internal;

/** An authorization model (JSON or DSL) is invalid; the message says where and why and is safe to show the client. */
public final class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }
}
