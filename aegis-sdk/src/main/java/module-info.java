/**
 * The Aegis SDK: what a Java service embeds. Today: SPIFFE identities ({@code api.spiffe}) and workload mTLS
 * ({@code api.mtls}: X.509-SVIDs that renew themselves, live-swapping key and trust managers, peer allow-lists,
 * pins, revocation). Other areas add their own {@code dev.aegis.sdk.api.<area>} packages beside these.
 *
 * <p>Depends on aegis-core and the JDK (HttpClient); bcpkix only to build PKCS#10 requests.
 * {@code dev.aegis.sdk.internal} is never exported.
 */
module dev.aegis.sdk {
    requires transitive dev.aegis.core; // VerificationKey and JwtVerifier appear in the API
    requires com.nimbusds.jose.jwt;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires transitive java.net.http; // WorkloadIdentity.Builder takes an HttpClient
    requires org.slf4j;
    requires transitive jdk.httpserver; // GuardFilter is a com.sun.net.httpserver.Filter

    exports dev.aegis.sdk.api.spiffe;
    exports dev.aegis.sdk.api.mtls;
    exports dev.aegis.sdk.api.events;
    exports dev.aegis.sdk.api.token;
    exports dev.aegis.sdk.api.audit;
    exports dev.aegis.sdk.api.guard;
    exports dev.aegis.sdk.api.secrets;
    exports dev.aegis.sdk.api.authz;
    // Certificate/JSON conversions shared with the CA so both ends encode SVIDs identically.
    exports dev.aegis.sdk.internal to dev.aegis.pki, dev.aegis.server;
}
