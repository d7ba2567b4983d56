package dev.aegis.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.api.jwt.JwtVerifier;
import dev.aegis.core.api.jwt.TokenCheck;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.mtls.WorkloadIdentity;
import dev.aegis.sdk.api.spiffe.SpiffeId;
import dev.aegis.sdk.internal.Csr;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workload CA's HTTP API on a real server: admin auth, issuance errors as problem+json, bundle format, renewal. */
class PkiApiTest {

    @TempDir
    static Path dir;
    static PkiTestServer aegis;

    @BeforeAll
    static void start() {
        aegis = new PkiTestServer(dir, Map.of());
    }

    @AfterAll
    static void stop() {
        aegis.close();
    }

    private static JsonNode problem(HttpResponse<String> r, int status, String error) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = PkiTestServer.JSON.readTree(r.body());
        assertEquals(error, body.path("error").asText(), r.body());
        assertFalse(r.body().contains("Exception"), r.body());
        return body;
    }

    @Test
    void adminApiRequiresAnAdminCredential() throws Exception {
        HttpResponse<String> none = aegis.post("/admin/v1/workloads", "{\"spiffeId\":\"spiffe://test.aegis/x\"}", null);
        assertEquals(401, none.statusCode());
        HttpResponse<String> wrong = aegis.post("/admin/v1/workloads", "{\"spiffeId\":\"spiffe://test.aegis/x\"}", "aegis_bootstrap_nope");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
        assertEquals(401, aegis.get("/admin/v1/ca", null).statusCode());
    }

    @Test
    void registrationValidatesInputWithClearErrors() throws Exception {
        problem(aegis.post("/admin/v1/workloads", "{\"spiffeId\":\"spiffe://test.aegis/a/../b\"}", aegis.admin), 400, "invalid_request");
        problem(aegis.post("/admin/v1/workloads", "{\"spiffeId\":\"spiffe://other.domain/a\"}", aegis.admin), 400, "invalid_request");
        problem(aegis.post("/admin/v1/workloads", "not json", aegis.admin), 400, "invalid_request");
        JsonNode bad = problem(aegis.post("/admin/v1/workloads", "{\"spiffeId\":\"spiffe://test.aegis/dns\",\"dnsNames\":[\"Bad_Name\"]}",
                aegis.admin), 400, "invalid_request");
        assertTrue(bad.path("detail").asText().contains("RFC 1123"));
        aegis.register("/dup");
        assertEquals(409, aegis.post("/admin/v1/workloads", "{\"spiffeId\":\"spiffe://test.aegis/dup\"}", aegis.admin).statusCode());
    }

    @Test
    void malformedCsrIsRejectedWithAClearProblem() throws Exception {
        SpiffeId id = aegis.register("/csr/malformed");
        String token = aegis.joinToken(id);
        JsonNode p = problem(aegis.post("/pki/v1/svid", "{\"joinToken\":\"" + token + "\",\"csr\":\"bm90IGEgY3Ny\"}", null),
                400, "malformed_csr");
        assertEquals("csr is not a PKCS#10 certification request (RFC 2986)", p.path("detail").asText());
        problem(aegis.post("/pki/v1/svid", "{\"joinToken\":\"" + token + "\",\"csr\":\"%%%\"}", null), 400, "malformed_csr");
        // Nothing lost: the token still works with a good request.
        KeyPair keys = Csr.newKeyPair();
        HttpResponse<String> ok = aegis.post("/pki/v1/svid", "{\"joinToken\":\"" + token + "\",\"csr\":\""
                + Base64.getEncoder().encodeToString(Csr.create(keys, id)) + "\"}", null);
        assertEquals(201, ok.statusCode(), ok.body());
    }

    @Test
    void mismatchedCsrIsRejectedWithAClearProblem() throws Exception {
        SpiffeId id = aegis.register("/csr/mismatch");
        String token = aegis.joinToken(id);
        String csr = Base64.getEncoder().encodeToString(Csr.create(Csr.newKeyPair(), PkiTestServer.DOMAIN.id("/csr/someone-else")));
        JsonNode p = problem(aegis.post("/pki/v1/svid", "{\"joinToken\":\"" + token + "\",\"csr\":\"" + csr + "\"}", null),
                403, "spiffe_id_mismatch");
        assertTrue(p.path("detail").asText().contains("other than the one this credential is bound to"));
    }

    @Test
    void forgedCsrWhoseSignatureDoesNotVerifyIsRejected() throws Exception {
        SpiffeId id = aegis.register("/csr/forged");
        byte[] der = Csr.create(Csr.newKeyPair(), id);
        der[der.length - 3] ^= 0x01; // inside the signature: proof of possession fails
        JsonNode p = problem(aegis.post("/pki/v1/svid", "{\"joinToken\":\"" + aegis.joinToken(id) + "\",\"csr\":\""
                + Base64.getEncoder().encodeToString(der) + "\"}", null), 400, "csr_signature_invalid");
        assertEquals("the csr signature does not verify under its own key (RFC 2986 §3)", p.path("detail").asText());
    }

    @Test
    void unknownJoinTokenIsRefusedWithoutSayingWhy() throws Exception {
        String csr = Base64.getEncoder().encodeToString(Csr.create(Csr.newKeyPair(), null));
        JsonNode p = problem(aegis.post("/pki/v1/svid", "{\"joinToken\":\"aegis_jt_guess\",\"csr\":\"" + csr + "\"}", null),
                401, "invalid_join_token");
        assertEquals("the join token is invalid, used or expired", p.path("detail").asText());
    }

    @Test
    void bundleEndpointServesTheSpiffeBundleFormat() throws Exception {
        HttpResponse<String> r = aegis.get("/pki/v1/bundle", null);
        assertEquals(200, r.statusCode());
        JsonNode doc = PkiTestServer.JSON.readTree(r.body());
        assertTrue(doc.path("spiffe_sequence").asLong() >= 1, r.body());
        assertTrue(doc.path("spiffe_refresh_hint").asLong() > 0, r.body());
        boolean x509 = false;
        boolean jwt = false;
        for (JsonNode k : doc.path("keys")) {
            x509 |= "x509-svid".equals(k.path("use").asText()) && k.path("x5c").size() == 1;
            jwt |= "jwt-svid".equals(k.path("use").asText()) && k.hasNonNull("kid");
        }
        assertTrue(x509 && jwt, r.body());
        TrustBundle parsed = TrustBundle.parse(PkiTestServer.DOMAIN, r.body());
        assertEquals(1, parsed.x509Authorities().size());
    }

    @Test
    void sdkJoinsRenewsOverMtlsAndGetsAudienceBoundJwtSvids() throws Exception {
        SpiffeId id = aegis.register("/sdk/api");
        try (WorkloadIdentity identity = aegis.identity(id, PeerAuthorizer.denyAll()).start()) {
            assertEquals(id, identity.spiffeId());
            String first = identity.svid().serial();
            identity.renewNow();
            assertFalse(first.equals(identity.svid().serial()));
            String jwt = identity.jwtSvid("spiffe://test.aegis/backend");
            JwtVerifier verifier = identity.jwtSvidVerifier("spiffe://test.aegis/backend");
            TokenCheck.Valid valid = (TokenCheck.Valid) verifier.verify(jwt);
            assertEquals(id.toString(), valid.claims().subject().orElseThrow());
            assertTrue(identity.jwtSvidVerifier("spiffe://test.aegis/other").verify(jwt) instanceof TokenCheck.Rejected,
                    "a JWT-SVID for another audience is refused");
        }
    }

    @Test
    void callerWithoutMtlsGetsOneAudienceBoundJwtSvidPerJoinToken() throws Exception {
        SpiffeId id = aegis.register("/nomtls/batch");
        String token = aegis.joinToken(id);
        HttpResponse<String> r = aegis.post("/pki/v1/jwt-svid", "{\"joinToken\":\"" + token
                + "\",\"audience\":[\"spiffe://test.aegis/reports\"]}", null);
        assertEquals(200, r.statusCode(), r.body());
        String jwt = PkiTestServer.JSON.readTree(r.body()).path("token").asText();
        TrustBundle bundle = TrustBundle.parse(PkiTestServer.DOMAIN, aegis.get("/pki/v1/bundle", null).body());
        JwtVerifier verifier = JwtVerifier.builder().keys(kid -> bundle.jwtAuthorities().stream()
                .filter(k -> k.keyId().equals(kid)).findFirst()).audience("spiffe://test.aegis/reports").build();
        TokenCheck.Valid valid = (TokenCheck.Valid) verifier.verify(jwt);
        assertEquals(id.toString(), valid.claims().subject().orElseThrow());
        problem(aegis.post("/pki/v1/jwt-svid", "{\"joinToken\":\"" + token + "\",\"audience\":[\"x\"]}", null),
                401, "invalid_join_token");
    }

    @Test
    void renewalIsRefusedAfterTheSerialOrTheWorkloadIsRevoked() throws Exception {
        SpiffeId id = aegis.register("/sdk/revoked");
        try (WorkloadIdentity identity = aegis.identity(id, PeerAuthorizer.denyAll()).start()) {
            aegis.adminPost("/admin/v1/workloads/revoke", "{\"serial\":\"" + identity.svid().serial() + "\"}");
            IOException e = assertThrows(IOException.class, identity::renewNow);
            assertTrue(e.getMessage().contains("svid_revoked"), e.getMessage());
        }
        SpiffeId other = aegis.register("/sdk/revoked-workload");
        try (WorkloadIdentity identity = aegis.identity(other, PeerAuthorizer.denyAll()).start()) {
            aegis.adminPost("/admin/v1/workloads/revoke", "{\"spiffeId\":\"" + other + "\"}");
            IOException e = assertThrows(IOException.class, identity::renewNow);
            assertTrue(e.getMessage().contains("workload_revoked") || e.getMessage().contains("svid_revoked"), e.getMessage());
        }
    }

    @Test
    void mtlsListenerRefusesClientsWithoutAnSvid() throws Exception {
        java.net.http.HttpClient insecure = java.net.http.HttpClient.newBuilder().sslContext(trustAll()).build();
        assertThrows(IOException.class, () -> insecure.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(aegis.server.mtlsUrl() + "/pki/v1/bundle")).build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static javax.net.ssl.SSLContext trustAll() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        return ctx;
    }
}
