package dev.aegis.policy.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TupleKeysTest {

    @ParameterizedTest(name = "user ''{0}''")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL              |user is required (type:id, type:* or type:id#relation)",
            "anne              |invalid user 'anne': expected type:id, type:* or type:id#relation",
            ":anne             |invalid user ':anne': expected type:id, type:* or type:id#relation",
            "user:             |invalid user 'user:': expected type:id, type:* or type:id#relation",
            "user:*#member     |invalid user 'user:*#member': a wildcard has no relation",
            "us er:anne        |user type 'us er' may not contain ':', '#', '@', '*' or whitespace",
            "group:eng#        |user relation '' must be 1..50 characters",
            "group:eng#a b     |user relation 'a b' may not contain ':', '#', '@', '*' or whitespace",
            "user:an ne        |user id 'an ne' may not contain '#' or whitespace",
    })
    void invalidUsersAreRejectedWithTheRule(String user, String message) {
        assertEquals(message, assertThrows(InvalidInputException.class, () -> TupleKeys.user(user)).getMessage());
    }

    @ParameterizedTest(name = "object ''{0}''")
    @CsvSource(delimiter = '|', value = {
            "doc               |invalid object 'doc': expected type:id",
            "doc:*             |invalid object 'doc:*': the wildcard is allowed only in users",
            "doc:a#b           |object id 'a#b' may not contain '#' or whitespace",
            "d@c:1             |object type 'd@c' may not contain ':', '#', '@', '*' or whitespace",
    })
    void invalidObjectsAreRejectedWithTheRule(String object, String message) {
        assertEquals(message, assertThrows(InvalidInputException.class, () -> TupleKeys.object(object)).getMessage());
    }

    @Test
    void overlongPartsAreRejectedAndNotEchoedWhole() {
        String id = "x".repeat(300);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TupleKeys.object("doc:" + id));
        assertEquals("object id must be at most 256 characters", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> TupleKeys.relation("r".repeat(51)));
        assertEquals("relation '" + "r".repeat(51) + "' must be 1..50 characters", e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> TupleKeys.user("user:a#" + "r".repeat(80)));
        assertEquals("user relation '" + "r".repeat(64) + "...' must be 1..50 characters", e.getMessage());
    }

    @Test
    void controlCharactersAreNeverEchoed() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TupleKeys.user("user:a\u0000\nb"));
        assertEquals("user id 'a??b' may not contain '#' or whitespace", e.getMessage());
    }

    @Test
    void validKeysParse() {
        assertArrayEquals(new String[] {"group", "eng", "member"}, TupleKeys.user("group:eng#member"));
        assertArrayEquals(new String[] {"user", "*", ""}, TupleKeys.user("user:*"));
        assertArrayEquals(new String[] {"doc", "a:b"}, TupleKeys.object("doc:a:b"));
    }

    @Test
    void contextWithoutConditionIsRejected() {
        var ctx = ModelParser.JSON.createObjectNode().put("x", 1);
        assertEquals("a condition context was given without a condition name", assertThrows(InvalidInputException.class,
                () -> TupleKeys.parse("doc:1", "viewer", "user:a", null, ctx)).getMessage());
    }
}
