/**
 * Aegis audit trail: the audit event model, a SHA-256 hash chain over a canonical encoding with signed
 * checkpoints, group-committed database and JSON-lines sinks, and a verifier that names the first tampered
 * record. Only {@code dev.aegis.audit.api} is exported; {@code dev.aegis.audit.internal} holds the chain,
 * encoding, writer and SQL.
 */
module dev.aegis.audit {
    requires transitive dev.aegis.core; // api signatures use VerificationKeySource, KeyRing
    requires transitive dev.aegis.store; // api signatures use Store, KeyMaterialStore
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.sql;

    exports dev.aegis.audit.api;
}
