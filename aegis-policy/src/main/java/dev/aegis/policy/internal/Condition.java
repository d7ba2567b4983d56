package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A named condition of a model: a CEL expression over typed parameters, compiled once when the model is
 * written (so a bad expression is rejected then, not at check time) and evaluated against the tuple's
 * context merged with the request's. Where both supply a parameter, the tuple's value wins, as in OpenFGA:
 * a caller cannot override an attribute the writer stored. Thread-safe (CEL programs are immutable).
 */
public final class Condition {
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    /** A bound on the expression text: CEL compilation is linear but a model is not a place for programs. */
    static final int MAX_EXPRESSION_LENGTH = 4096;

    private final String name;
    private final String expression;
    private final Map<String, ConditionParamType> parameters;
    private final String[] parameterNames;
    private final CelRuntime.Program program;

    Condition(String name, String expression, Map<String, ConditionParamType> parameters) {
        this.name = name;
        this.expression = expression;
        this.parameters = Map.copyOf(parameters);
        this.parameterNames = parameters.keySet().stream().sorted().toArray(String[]::new);
        if (expression.isBlank() || expression.length() > MAX_EXPRESSION_LENGTH) {
            throw new ModelException("condition '" + name + "': the expression must be 1.." + MAX_EXPRESSION_LENGTH + " characters");
        }
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder().setResultType(SimpleType.BOOL);
        for (Map.Entry<String, ConditionParamType> p : parameters.entrySet()) {
            builder.addVar(p.getKey(), p.getValue().celType());
        }
        CelCompiler compiler = builder.build();
        try {
            CelValidationResult result = compiler.compile(expression);
            if (result.hasError()) {
                throw new ModelException("condition '" + name + "': invalid CEL expression: " + oneLine(result.getErrorString()));
            }
            CelAbstractSyntaxTree ast = result.getAst();
            this.program = RUNTIME.createProgram(ast);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new ModelException("condition '" + name + "': invalid CEL expression: " + oneLine(e.getMessage()));
        }
    }

    public String name() {
        return name;
    }

    public String expression() {
        return expression;
    }

    public Map<String, ConditionParamType> parameters() {
        return parameters;
    }

    /**
     * Evaluates the condition.
     *
     * @param tupleContext   the tuple's stored context (object node) or {@code null}
     * @param requestContext the request's context (object node) or {@code null}
     */
    ConditionResult evaluate(JsonNode tupleContext, JsonNode requestContext) {
        Map<String, Object> vars = new HashMap<>();
        List<String> missing = null;
        for (String param : parameterNames) {
            JsonNode value = tupleContext == null ? null : tupleContext.get(param);
            if (value == null || value.isNull()) {
                value = requestContext == null ? null : requestContext.get(param);
            }
            if (value == null || value.isNull()) {
                if (missing == null) {
                    missing = new ArrayList<>();
                }
                missing.add(param);
                continue;
            }
            try {
                vars.put(param, parameters.get(param).convert(value));
            } catch (IllegalArgumentException e) {
                return new ConditionResult.Failed("parameter '" + param + "' must be " + e.getMessage());
            }
        }
        if (missing != null) {
            return new ConditionResult.Missing(List.copyOf(missing));
        }
        try {
            Object out = program.eval(vars);
            return Boolean.TRUE.equals(out) ? ConditionResult.Met.INSTANCE : ConditionResult.NotMet.INSTANCE;
        } catch (CelEvaluationException e) {
            return new ConditionResult.Failed(oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ').strip();
    }

    /** The outcome of one evaluation; only {@link Met} grants. */
    sealed interface ConditionResult {
        enum Met implements ConditionResult { INSTANCE }

        enum NotMet implements ConditionResult { INSTANCE }

        /** Parameters neither the tuple nor the request supplied: the tuple does not grant (fail closed). */
        record Missing(List<String> parameters) implements ConditionResult { }

        /** A value of the wrong type or a runtime error (e.g. division by zero): does not grant. */
        record Failed(String reason) implements ConditionResult { }
    }
}
