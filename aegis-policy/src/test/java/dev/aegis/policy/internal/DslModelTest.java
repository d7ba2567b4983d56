package dev.aegis.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DslModelTest {
    private static final String HEAD = "model\n  schema 1.1\ntype user\ntype doc\n  relations\n";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing colon                  |    define viewer [user]                |line 6",
            "undefined type                 |    define viewer: [nosuch]             |line 6",
            "undefined computed relation    |    define viewer: [user] or editor     |line 6",
            "undefined tupleset             |    define viewer: viewer from parent   |line 6",
    })
    void errorsNameLineAndColumn(String rule, String line, String expected) {
        ModelException e = assertThrows(ModelException.class, () -> DslModel.toJson(HEAD + line + "\n"));
        assertTrue(e.getMessage().startsWith(expected), rule + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("column"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void validModelBecomesJsonThatTheModelParserAccepts() {
        AuthzModel m = ModelParser.parse("01HZZZZZZZZZZZZZZZZZZZZZZZ",
                DslModel.toJson(HEAD + "    define owner: [user]\n    define viewer: [user, user:*] or owner\n"));
        assertEquals(new Userset.Union(java.util.List.of(new Userset.This(), new Userset.Computed("owner"))),
                m.rewrite("doc", "viewer"));
        assertEquals(2, m.type("doc").directTypes("viewer").size());
    }

    @org.junit.jupiter.api.Test
    void oversizedModelIsRefusedBeforeParsing() {
        ModelException e = assertThrows(ModelException.class, () -> DslModel.toJson("x".repeat(DslModel.MAX_DSL_LENGTH + 1)));
        assertEquals("the model is longer than 262144 characters", e.getMessage());
    }
}
