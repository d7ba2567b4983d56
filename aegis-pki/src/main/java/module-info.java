/**
 * The Aegis workload CA (SPIFFE X.509-SVIDs and JWT-SVIDs). Only {@code dev.aegis.pki.api} is exported;
 * {@code dev.aegis.pki.internal} holds certificate minting (BouncyCastle), CSR checks and SQL.
 */
module dev.aegis.pki {
    requires transitive dev.aegis.audit;
    requires transitive dev.aegis.sdk; // SpiffeId, TrustBundle, RevocationList appear in the API
    requires dev.aegis.store;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.util;
    requires com.nimbusds.jose.jwt;
    requires com.fasterxml.jackson.databind;
    requires java.sql;
    requires java.net.http; // fetching federated bundles
    requires org.slf4j;

    exports dev.aegis.pki.api;
}
