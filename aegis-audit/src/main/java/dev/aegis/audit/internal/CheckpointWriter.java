package dev.aegis.audit.internal;

import dev.aegis.audit.api.AuditRecord;

/** Signs and stores a checkpoint over a committed record. Implemented by {@link CheckpointSigner}. */
@FunctionalInterface
public interface CheckpointWriter {

    /**
     * @param last the committed record the checkpoint covers
     * @throws RuntimeException when the checkpoint could not be signed or stored
     */
    void write(AuditRecord last);
}
