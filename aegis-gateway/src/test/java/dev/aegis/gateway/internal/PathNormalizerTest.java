package dev.aegis.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

    @ParameterizedTest
    @CsvSource({
        "/, /",
        "/a/b, /a/b",
        "/a//b, /a/b",
        "/a/./b, /a/b",
        "/a/b/../c, /a/c",
        "/a/b/.., /a",
        "/a/, /a/",
        "/%41%62c, /Abc",
        "/caf%c3%a9, /caf%C3%A9",
        "/a/%7Euser, /a/~user",
    })
    void normalisesToOneSpelling(String raw, String expected) {
        assertEquals(expected, PathNormalizer.normalize(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "/..", "/a/../..", "/%2e%2e/x", "/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b",
        "/a%00", "/a%25", "/a%2", "/a%zz", "/a b", "/a\tb", "/a?b", "/a#b", "/%2E/x"})
    void refusesTraversalAndAmbiguousEncodings(String raw) {
        assertNull(PathNormalizer.normalize(raw), raw);
    }
}
