package dev.aegis.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerTokenTest {

    @Test
    void schemeNameIsCaseInsensitiveAndTheTokenIsStripped() {
        assertEquals(Optional.of("abc.def"), BearerToken.of(Optional.of("Bearer abc.def")));
        assertEquals(Optional.of("abc.def"), BearerToken.of(Optional.of("bEARER   abc.def  ")));
    }

    @Test
    void otherSchemesAndMissingHeadersCarryNoBearerToken() {
        assertEquals(Optional.empty(), BearerToken.of(Optional.empty()));
        assertEquals(Optional.empty(), BearerToken.of(Optional.of("Basic dXNlcjpwYXNz")));
        assertEquals(Optional.empty(), BearerToken.of(Optional.of("Bearer")));
        assertEquals(Optional.empty(), BearerToken.of(Optional.of("Bearerabc")));
    }
}
