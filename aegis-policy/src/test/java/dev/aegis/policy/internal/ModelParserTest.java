package dev.aegis.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON form of models: one rule, one message. */
class ModelParserTest {
    private static final String ID = "01HZZZZZZZZZZZZZZZZZZZZZZZ";

    private static JsonNode model(String typeDefs, String conditions) throws Exception {
        return ModelParser.JSON.readTree("{\"schema_version\":\"1.1\",\"type_definitions\":[{\"type\":\"user\"}," + typeDefs + "]"
                + (conditions == null ? "" : ",\"conditions\":" + conditions) + "}");
    }

    private static String doc(String relations, String metadata) {
        return "{\"type\":\"doc\",\"relations\":" + relations + ",\"metadata\":{\"relations\":" + metadata + "}}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "this without type restrictions | {\"viewer\":{\"this\":{}}} | {} "
                    + "| type 'doc' relation 'viewer': a direct assignment needs at least one type restriction (metadata.relations.viewer.directly_related_user_types)",
            "restriction names undefined type | {\"viewer\":{\"this\":{}}} | {\"viewer\":{\"directly_related_user_types\":[{\"type\":\"team\"}]}} "
                    + "| type 'doc' relation 'viewer': type restriction 'team' names undefined type 'team'",
            "computed relation undefined | {\"viewer\":{\"computedUserset\":{\"relation\":\"editor\"}}} | {} "
                    + "| type 'doc' relation 'viewer': computed relation 'editor' is not defined on type 'doc'",
            "tupleset undefined | {\"viewer\":{\"tupleToUserset\":{\"tupleset\":{\"relation\":\"parent\"},\"computedUserset\":{\"relation\":\"viewer\"}}}} | {} "
                    + "| type 'doc' relation 'viewer': tupleset relation 'parent' is not defined on type 'doc'",
            "computed cycle | {\"a\":{\"computedUserset\":{\"relation\":\"b\"}},\"b\":{\"computedUserset\":{\"relation\":\"a\"}}} | {} "
                    + "| type 'doc' relation 'a': computed relations form a cycle with no direct assignment",
            "reserved relation name | {\"self\":{\"this\":{}}} | {\"self\":{\"directly_related_user_types\":[{\"type\":\"user\"}]}} "
                    + "| type 'doc': 'self' is a reserved word and cannot name a relation",
            "two rewrites at once | {\"viewer\":{\"this\":{},\"computedUserset\":{\"relation\":\"x\"}}} | {} "
                    + "| doc#viewer: a rewrite must have exactly one of this, computedUserset, tupleToUserset, union, intersection, difference",
            "union with one child | {\"viewer\":{\"union\":{\"child\":[{\"this\":{}}]}}} | {} "
                    + "| doc#viewer: union needs at least two children",
            "undefined condition | {\"viewer\":{\"this\":{}}} | {\"viewer\":{\"directly_related_user_types\":[{\"type\":\"user\",\"condition\":\"c\"}]}} "
                    + "| type 'doc' relation 'viewer': type restriction 'user with c' names undefined condition 'c'",
    })
    void invalidModelsAreRejectedWithTheRule(String rule, String relations, String metadata, String message) {
        ModelException e = assertThrows(ModelException.class, () -> ModelParser.parse(ID, model(doc(relations, metadata), null)));
        assertEquals(message.strip(), e.getMessage(), rule);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "expression does not compile | {\"c\":{\"name\":\"c\",\"expression\":\"x >\",\"parameters\":{\"x\":{\"type_name\":\"TYPE_NAME_INT\"}}}} | condition 'c': invalid CEL expression",
            "expression is not boolean | {\"c\":{\"name\":\"c\",\"expression\":\"x + 1\",\"parameters\":{\"x\":{\"type_name\":\"TYPE_NAME_INT\"}}}} | condition 'c': invalid CEL expression",
            "undeclared variable | {\"c\":{\"name\":\"c\",\"expression\":\"y > 1\",\"parameters\":{\"x\":{\"type_name\":\"TYPE_NAME_INT\"}}}} | condition 'c': invalid CEL expression",
            "unknown parameter type | {\"c\":{\"name\":\"c\",\"expression\":\"true\",\"parameters\":{\"x\":{\"type_name\":\"TYPE_NAME_FOO\"}}}} | condition 'c' parameter 'x': unknown parameter type 'TYPE_NAME_FOO'",
            "ipaddress unsupported | {\"c\":{\"name\":\"c\",\"expression\":\"true\",\"parameters\":{\"x\":{\"type_name\":\"TYPE_NAME_IPADDRESS\"}}}} | condition 'c' parameter 'x': the ipaddress parameter type is not supported by Aegis",
            "list without generic | {\"c\":{\"name\":\"c\",\"expression\":\"true\",\"parameters\":{\"x\":{\"type_name\":\"TYPE_NAME_LIST\"}}}} | condition 'c' parameter 'x': TYPE_NAME_LIST needs exactly one generic type",
    })
    void invalidConditionsAreRejectedWhenTheModelIsWritten(String rule, String conditions, String prefix) {
        ModelException e = assertThrows(ModelException.class, () -> ModelParser.parse(ID, model(
                doc("{\"viewer\":{\"this\":{}}}", "{\"viewer\":{\"directly_related_user_types\":[{\"type\":\"user\"}]}}"), conditions)));
        assertEquals(true, e.getMessage().startsWith(prefix.strip()), rule + ": " + e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void schemaVersionOtherThan11IsRejected() throws Exception {
        ModelException e = assertThrows(ModelException.class, () -> ModelParser.parse(ID,
                ModelParser.JSON.readTree("{\"schema_version\":\"1.0\",\"type_definitions\":[{\"type\":\"user\"}]}")));
        assertEquals("schema_version must be '1.1', got '1.0'", e.getMessage());
    }
}
