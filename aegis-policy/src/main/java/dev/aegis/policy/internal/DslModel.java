package dev.aegis.policy.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.openfga.language.DslToJsonTransformer;
import dev.openfga.language.errors.DslErrorsException;
import dev.openfga.language.errors.ParsingError;
import dev.openfga.language.validation.ModelValidator;
import java.io.IOException;

/**
 * The OpenFGA modelling language (DSL), turned into the model's JSON form by the official parser
 * ({@code dev.openfga:openfga-language}); errors carry {@code line:column} as the parser reports them
 * (1-based). Thread-safe: a new transformer per call.
 */
public final class DslModel {
    static final int MAX_DSL_LENGTH = 256 * 1024;

    private DslModel() {
    }

    /** True when {@code text} looks like a DSL model rather than JSON. */
    public static boolean looksLikeDsl(String text) {
        String s = text.stripLeading();
        return !s.startsWith("{");
    }

    /**
     * Translates DSL to the JSON form.
     *
     * @throws ModelException with {@code line L, column C: message} of the first error
     */
    public static JsonNode toJson(String dsl) {
        if (dsl.length() > MAX_DSL_LENGTH) {
            throw new ModelException("the model is longer than " + MAX_DSL_LENGTH + " characters");
        }
        try {
            // The official validator reports semantic errors (undefined types, relations, cycles) with their position.
            ModelValidator.validateDsl(dsl);
            String json = new DslToJsonTransformer().transform(dsl);
            return ModelParser.JSON.readTree(json);
        } catch (DslErrorsException e) {
            throw new ModelException(describe(e));
        } catch (JsonProcessingException e) {
            throw new ModelException("the DSL parser produced invalid JSON");
        } catch (IOException | RuntimeException e) {
            throw new ModelException("the model could not be parsed: " + e.getClass().getSimpleName());
        }
    }

    private static String describe(DslErrorsException e) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (ParsingError err : e.getErrors()) {
            if (shown++ == 3) {
                out.append("; ...");
                break;
            }
            if (out.length() > 0) {
                out.append("; ");
            }
            String position = err.getLine() == null ? ""
                    : "line " + (err.getLine().getStart() + 1) + ", column "
                    + (err.getColumn() == null ? 1 : err.getColumn().getStart() + 1) + ": ";
            out.append(position).append(message(err));
        }
        return out.length() == 0 ? "the model could not be parsed" : out.toString();
    }

    private static String message(ParsingError err) {
        String m = err.getMessage();
        if (m == null) {
            return "syntax error";
        }
        // The parser's own message may repeat the position; keep the first line only.
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
