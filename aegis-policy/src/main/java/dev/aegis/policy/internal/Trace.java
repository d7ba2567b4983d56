package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The explanation of a check: one node per evaluated rewrite or tuple, with whether it granted. Built only when
 * a caller asks for {@code explain} (evaluation is then sequential), or, small, for the audit record of a
 * denial. Bounded: after {@link #MAX_NODES} nodes ({@link #AUDIT_NODES} for an audit record) the rest is not
 * recorded. Not thread-safe (one evaluation owns it).
 */
public final class Trace {
    static final int MAX_NODES = 500;
    /** An audit detail holds about 1,000 characters, about this many steps. */
    static final int AUDIT_NODES = 32;
    private final String step;
    private final List<Trace> children = new ArrayList<>(2);
    private final int[] budget;
    private boolean granted;
    private String detail;

    private Trace(String step, int[] budget) {
        this.step = step;
        this.budget = budget;
    }

    public static Trace root(String step) {
        return new Trace(step, new int[] {MAX_NODES});
    }

    /** The root of an explanation for an audit record: {@link #AUDIT_NODES} steps at most. */
    static Trace forAudit(String step) {
        return new Trace(step, new int[] {AUDIT_NODES});
    }

    /** Whether a child step of {@code parent} would be recorded: build its text only then. */
    static boolean open(Trace parent) {
        return parent != null && parent.budget[0] > 0;
    }

    /** A child step, or {@code null} once the budget is spent (callers pass {@code null} on). */
    Trace child(String childStep) {
        if (budget[0] <= 0) {
            return null;
        }
        budget[0]--;
        Trace t = new Trace(childStep, budget);
        children.add(t);
        return t;
    }

    static Trace child(Trace parent, String step) {
        return parent == null ? null : parent.child(step);
    }

    static boolean set(Trace t, boolean granted, String detail) {
        if (t != null) {
            t.granted = granted;
            if (detail != null) {
                t.detail = detail;
            }
        }
        return granted;
    }

    public boolean granted() {
        return granted;
    }

    /**
     * JSON: {@code {"step":..., "granted":..., "detail":..., "children":[...]}}. For a granted node only the
     * granting children are kept (the path); for a denied node every failed branch.
     */
    public ObjectNode toJson() {
        ObjectNode n = ModelParser.JSON.createObjectNode();
        n.put("step", step);
        n.put("granted", granted);
        if (detail != null) {
            n.put("detail", detail);
        }
        ArrayNode kids = null;
        for (Trace c : children) {
            if (granted && !c.granted) {
                continue;
            }
            if (kids == null) {
                kids = n.putArray("children");
            }
            kids.add(c.toJson());
        }
        return n;
    }

    /** Indented text, one step per line, for the CLI and audit details. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        text(b, 0);
        return b.toString();
    }

    /**
     * The text of {@link #toText()} on one line (audit details may not contain control characters): the lines
     * joined with {@code " | "}, cut after {@code maxChars} characters with {@code "..."}.
     */
    String toLine(int maxChars) {
        StringBuilder b = new StringBuilder(Math.min(maxChars, 256) + 3);
        line(b, 0, maxChars);
        if (b.length() > maxChars) {
            b.setLength(maxChars);
            b.append("...");
        }
        return b.toString();
    }

    private void line(StringBuilder b, int indent, int maxChars) {
        if (b.length() > maxChars) {
            return;
        }
        if (indent > 0) {
            b.append(" | ");
            for (int i = 0; i < indent; i++) {
                b.append("  ");
            }
        }
        b.append(granted ? "+ " : "- ").append(step);
        if (detail != null) {
            b.append("  (").append(detail).append(')');
        }
        for (Trace c : children) {
            if (!granted || c.granted) {
                c.line(b, indent + 1, maxChars);
            }
        }
    }

    private void text(StringBuilder b, int indent) {
        b.append("  ".repeat(indent)).append(granted ? "+ " : "- ").append(step);
        if (detail != null) {
            b.append("  (").append(detail).append(')');
        }
        b.append('\n');
        for (Trace c : children) {
            if (!granted || c.granted) {
                c.text(b, indent + 1);
            }
        }
    }
}
