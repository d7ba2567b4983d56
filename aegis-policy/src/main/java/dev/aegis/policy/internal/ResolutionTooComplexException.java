package dev.aegis.policy.internal;

/**
 * Evaluation needed more nested resolutions than the depth limit allows, or list expansion visited more nodes
 * than allowed: OpenFGA's {@code authorization_model_resolution_too_complex}. Thrown instead of recursing
 * further, so a deep or adversarial graph never overflows the stack.
 */
public final class ResolutionTooComplexException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResolutionTooComplexException(String message) {
        super(message, null, false, false);
    }
}
