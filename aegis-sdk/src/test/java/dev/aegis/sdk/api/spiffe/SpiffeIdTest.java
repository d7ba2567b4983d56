package dev.aegis.sdk.api.spiffe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpiffeIdTest {

    @Test
    void parsesTrustDomainAndPath() {
        SpiffeId id = SpiffeId.parse("spiffe://prod.example-1_x.org/payments/api-v2/Blue_1.0");
        assertEquals("prod.example-1_x.org", id.trustDomain().name());
        assertEquals("/payments/api-v2/Blue_1.0", id.path());
        assertEquals("spiffe://prod.example-1_x.org/payments/api-v2/Blue_1.0", id.toString());
    }

    @Test
    void trustDomainIdHasEmptyPath() {
        SpiffeId id = SpiffeId.parse("spiffe://example.org");
        assertEquals("", id.path());
        assertEquals(TrustDomain.of("example.org").spiffeId(), id);
    }

    @Test
    void memberOf_sameTrustDomain_returnsTrue_differentTrustDomain_returnsFalse() {
        SpiffeId id = SpiffeId.parse("spiffe://example.org/a");
        assertTrue(id.memberOf(TrustDomain.of("example.org")));
        assertFalse(id.memberOf(TrustDomain.of("example.com")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "''                              | SPIFFE ID is empty",
            "http://example.org/a            | scheme must be 'spiffe://' (SPIFFE-ID §2)",
            "SPIFFE://example.org/a          | scheme must be 'spiffe://' (SPIFFE-ID §2)",
            "spiffe:/example.org/a           | scheme must be 'spiffe://' (SPIFFE-ID §2)",
            "spiffe://                       | trust domain is missing (SPIFFE-ID §2.1)",
            "spiffe:///path                  | trust domain is missing (SPIFFE-ID §2.1)",
            "spiffe://Example.org/a          | trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores (SPIFFE-ID §2.1)",
            "spiffe://example.org:443/a      | trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores (SPIFFE-ID §2.1)",
            "spiffe://user@example.org/a     | trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores (SPIFFE-ID §2.1)",
            "spiffe://example.org/a?x=1      | path segment characters are limited to letters, numbers, dots, dashes, and underscores (SPIFFE-ID §2.2)",
            "spiffe://example.org/a#f        | path segment characters are limited to letters, numbers, dots, dashes, and underscores (SPIFFE-ID §2.2)",
            "spiffe://example.org/a%41       | path segment characters are limited to letters, numbers, dots, dashes, and underscores (SPIFFE-ID §2.2)",
            "spiffe://example.org/           | path cannot have a trailing slash (SPIFFE-ID §2.2)",
            "spiffe://example.org/a/         | path cannot have a trailing slash (SPIFFE-ID §2.2)",
            "spiffe://example.org//a         | path cannot contain empty segments (SPIFFE-ID §2.2)",
            "spiffe://example.org/a//b       | path cannot contain empty segments (SPIFFE-ID §2.2)",
            "spiffe://example.org/.          | path cannot contain dot segments (SPIFFE-ID §2.2)",
            "spiffe://example.org/a/../b     | path cannot contain dot segments (SPIFFE-ID §2.2)",
            "spiffe://example.org/./b        | path cannot contain dot segments (SPIFFE-ID §2.2)",
    })
    void invalidIdsAreRejectedNamingTheRule(String input, String message) {
        InvalidSpiffeIdException e = assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse(input));
        assertEquals(message, e.getMessage());
    }

    @Test
    void dotsInsideASegmentAreAllowed() {
        assertEquals("/a/.b/..c/d.", SpiffeId.parse("spiffe://example.org/a/.b/..c/d.").path());
    }

    @Test
    void everyCharacterOfTheTrustDomainIsCheckedAgainstTheAllowList() {
        for (int c = 0; c < 256; c++) {
            String input = "spiffe://a" + (char) c + "b/p";
            boolean expected = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
            if (c == '/') {
                continue; // ends the trust domain
            }
            assertEquals(expected, SpiffeId.isValid(input), "character " + c);
        }
    }

    @Test
    void everyCharacterOfThePathIsCheckedAgainstTheAllowList() {
        for (int c = 0; c < 256; c++) {
            if (c == '/') {
                continue;
            }
            String input = "spiffe://example.org/a" + (char) c + "b";
            boolean expected = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_';
            assertEquals(expected, SpiffeId.isValid(input), "character " + c);
        }
    }

    @Test
    void idsLongerThan2048BytesAreRejected() {
        String ok = "spiffe://example.org/" + "a".repeat(2048 - "spiffe://example.org/".length());
        assertEquals(2048, SpiffeId.parse(ok).toString().length());
        InvalidSpiffeIdException e = assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse(ok + "a"));
        assertEquals(InvalidSpiffeIdException.TOO_LONG, e.getMessage());
    }

    @Test
    void trustDomainsLongerThan255AreRejected() {
        assertEquals(255, TrustDomain.of("a".repeat(255)).name().length());
        InvalidSpiffeIdException e = assertThrows(InvalidSpiffeIdException.class, () -> TrustDomain.of("a".repeat(256)));
        assertEquals(InvalidSpiffeIdException.TRUST_DOMAIN_TOO_LONG, e.getMessage());
    }

    @Test
    void rejectionMessagesNeverEchoTheInput() {
        InvalidSpiffeIdException e = assertThrows(InvalidSpiffeIdException.class,
                () -> SpiffeId.parse("spiffe://example.org/<script>"));
        assertFalse(e.getMessage().contains("script"));
    }

    @Test
    void componentsAreValidatedWhenBuiltDirectly() {
        TrustDomain td = TrustDomain.of("example.org");
        assertThrows(InvalidSpiffeIdException.class, () -> new SpiffeId(td, "no-slash"));
        assertThrows(InvalidSpiffeIdException.class, () -> td.id("/a/"));
        assertEquals("spiffe://example.org/a", td.id("/a").toString());
    }
}
