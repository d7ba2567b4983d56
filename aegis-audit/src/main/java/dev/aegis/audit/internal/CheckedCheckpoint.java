package dev.aegis.audit.internal;

/**
 * A stored checkpoint after its JWS was checked.
 *
 * @param sequence   the sequence number the checkpoint row claims
 * @param signedHash the record hash the signature covers ({@code null} when the signature is invalid)
 * @param problem    why the checkpoint is invalid, or {@code null} when its signature, key and claims verify
 *                   and agree with its stored columns
 */
public record CheckedCheckpoint(long sequence, String signedHash, String problem) {

    /** @return whether signature, key and claims verified */
    public boolean valid() {
        return problem == null;
    }
}
