/**
 * Shared primitives of Aegis: key rings with rotation, JWT sign/verify (RFC 7515/7519 with the RFC 8725
 * rules), AEAD and envelope encryption, Argon2id password hashing, secure identifiers. No I/O.
 *
 * <p>Only the {@code api} packages are exported; {@code dev.aegis.core.internal} holds the Nimbus glue and is
 * never exported, so no Nimbus type leaks into the API.
 */
module dev.aegis.core {
    requires com.nimbusds.jose.jwt;
    requires com.google.crypto.tink; // Nimbus signs and verifies Ed25519 through Tink
    requires org.bouncycastle.provider; // Argon2id
    requires com.amazon.corretto.crypto.provider;
    requires org.slf4j;

    exports dev.aegis.core.api.crypto;
    exports dev.aegis.core.api.keys;
    exports dev.aegis.core.api.jwt;
    exports dev.aegis.core.api.password;
}
