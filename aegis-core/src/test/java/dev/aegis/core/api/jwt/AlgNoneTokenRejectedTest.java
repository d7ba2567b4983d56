package dev.aegis.core.api.jwt;

import static dev.aegis.core.api.jwt.JwtVerifierTest.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Unsecured JWTs (RFC 7519 §6) must never be accepted: RFC 8725 §3.1, CVE-2015-9235 class. */
class AlgNoneTokenRejectedTest {

    private static final String CLAIMS = "{\"iss\":\"" + JwtVerifierTest.ISSUER + "\",\"sub\":\"admin\",\"aud\":\""
            + JwtVerifierTest.AUDIENCE + "\",\"exp\":" + NOW.plusSeconds(300).getEpochSecond() + "}";

    @BeforeAll
    static void keys() {
        JwtVerifierTest.keys();
    }

    private static TokenError verify(String token) {
        return JwtVerifierTest.rejection(JwtVerifierTest.verifier(JwtVerifierTest.ring, NOW).verify(token));
    }

    @Test
    void handCraftedAlgNoneTokenIsRejectedAsUnsecured() {
        assertEquals(TokenError.UNSECURED, verify(ForgedTokens.unsigned("{\"alg\":\"none\"}", CLAIMS)));
    }

    @Test
    void algNoneWithKidAndTypIsStillUnsecured() {
        assertEquals(TokenError.UNSECURED,
                verify(ForgedTokens.unsigned("{\"alg\":\"none\",\"kid\":\"es-1\",\"typ\":\"at+jwt\"}", CLAIMS)));
    }

    @Test
    void caseVariantsOfNoneAreUnsecured() {
        for (String none : new String[] {"None", "NONE", "nOnE"}) {
            assertEquals(TokenError.UNSECURED,
                    verify(ForgedTokens.unsigned("{\"alg\":\"" + none + "\",\"kid\":\"es-1\"}", CLAIMS)), none);
        }
    }

    @Test
    void algNoneWithAJunkSignatureIsUnsecured() {
        assertEquals(TokenError.UNSECURED, verify(ForgedTokens.unsigned("{\"alg\":\"none\"}", CLAIMS) + "c2ln"));
    }

    @Test
    void es256HeaderWithEmptySignatureIsUnsecured() {
        assertEquals(TokenError.UNSECURED,
                verify(ForgedTokens.unsigned("{\"alg\":\"ES256\",\"kid\":\"es-1\",\"typ\":\"at+jwt\"}", CLAIMS)));
    }

    @Test
    void realTokenStrippedOfItsSignatureIsUnsecured() {
        String token = JwtVerifierTest.sign(JwtVerifierTest.ring, JwtVerifierTest.claims(NOW).build());
        assertEquals(TokenError.UNSECURED, verify(token.substring(0, token.lastIndexOf('.') + 1)));
    }
}
