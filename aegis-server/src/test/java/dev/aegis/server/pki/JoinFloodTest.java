package dev.aegis.server.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attack: flooding the unauthenticated join endpoint (token guessing, audit and database load) is rate limited. */
class JoinFloodTest {

    @TempDir
    Path dir;

    @Test
    void joinFloodFromOneAddressIsRefusedWith429AndRetryAfter() throws Exception {
        try (PkiTestServer aegis = new PkiTestServer(dir, Map.of())) {
            String body = "{\"joinToken\":\"aegis_jt_guess\",\"csr\":\"bm90\"}";
            for (int i = 0; i < 60; i++) {
                assertEquals(400, aegis.post("/pki/v1/svid", body, null).statusCode(), "attempt " + i);
            }
            HttpResponse<String> limited = aegis.post("/pki/v1/svid", body, null);
            assertEquals(429, limited.statusCode());
            assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElse("0")) >= 1);
            assertEquals("application/problem+json", limited.headers().firstValue("Content-Type").orElse(""));
        }
    }
}
