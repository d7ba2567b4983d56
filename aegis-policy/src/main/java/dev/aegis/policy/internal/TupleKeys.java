package dev.aegis.policy.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The strict parser of OpenFGA tuple keys ({@code object}, {@code relation}, {@code user} strings). Every rule has
 * its own message; lengths are bounded as OpenFGA bounds them (type 254, id 256, relation 50). Stateless.
 */
public final class TupleKeys {
    static final int MAX_TYPE = 254;
    static final int MAX_ID = 256;
    static final int MAX_RELATION = 50;
    static final int MAX_CONTEXT_CHARS = 32 * 1024;

    private TupleKeys() {
    }

    /** An object {@code type:id}; {@code [0]} type, {@code [1]} id. */
    public static String[] object(String object) {
        if (object == null || object.isEmpty()) {
            throw new InvalidInputException("object is required (type:id)");
        }
        int colon = object.indexOf(':');
        if (colon <= 0 || colon == object.length() - 1) {
            throw new InvalidInputException("invalid object '" + clip(object) + "': expected type:id");
        }
        String type = object.substring(0, colon);
        String id = object.substring(colon + 1);
        name(type, MAX_TYPE, "object type");
        id(id, "object id");
        if ("*".equals(id)) {
            throw new InvalidInputException("invalid object '" + clip(object) + "': the wildcard is allowed only in users");
        }
        return new String[] {type, id};
    }

    /** A user {@code type:id}, {@code type:*} or {@code type:id#relation}; {@code [2]} is {@code ""} without relation. */
    public static String[] user(String user) {
        if (user == null || user.isEmpty()) {
            throw new InvalidInputException("user is required (type:id, type:* or type:id#relation)");
        }
        int hash = user.indexOf('#');
        String relation = "";
        String base = user;
        if (hash >= 0) {
            relation = user.substring(hash + 1);
            base = user.substring(0, hash);
            name(relation, MAX_RELATION, "user relation");
        }
        int colon = base.indexOf(':');
        if (colon <= 0 || colon == base.length() - 1) {
            throw new InvalidInputException("invalid user '" + clip(user) + "': expected type:id, type:* or type:id#relation");
        }
        String type = base.substring(0, colon);
        String id = base.substring(colon + 1);
        name(type, MAX_TYPE, "user type");
        id(id, "user id");
        if ("*".equals(id) && !relation.isEmpty()) {
            throw new InvalidInputException("invalid user '" + clip(user) + "': a wildcard has no relation");
        }
        return new String[] {type, id, relation};
    }

    public static String relation(String relation) {
        if (relation == null || relation.isEmpty()) {
            throw new InvalidInputException("relation is required");
        }
        name(relation, MAX_RELATION, "relation");
        return relation;
    }

    /** A full tuple key; condition name and context may be {@code null}. */
    public static Tuple parse(String object, String relation, String user, String conditionName, ObjectNode context) {
        String[] o = object(object);
        String r = relation(relation);
        String[] u = user(user);
        if (conditionName != null && conditionName.isEmpty()) {
            conditionName = null;
        }
        if (conditionName == null && context != null && !context.isEmpty()) {
            throw new InvalidInputException("a condition context was given without a condition name");
        }
        if (context != null && context.toString().length() > MAX_CONTEXT_CHARS) {
            throw new InvalidInputException("the condition context is longer than " + MAX_CONTEXT_CHARS + " characters");
        }
        return new Tuple(o[0], o[1], r, u[0], u[1], u[2], conditionName,
                context == null || context.isEmpty() ? null : context);
    }

    private static void name(String s, int max, String what) {
        if (s.isEmpty() || s.length() > max) {
            throw new InvalidInputException(what + " '" + clip(s) + "' must be 1.." + max + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':' || c == '#' || c == '@' || c == '*' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new InvalidInputException(what + " '" + clip(s) + "' may not contain ':', '#', '@', '*' or whitespace");
            }
        }
    }

    private static void id(String s, String what) {
        if (s.length() > MAX_ID) {
            throw new InvalidInputException(what + " must be at most " + MAX_ID + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '#' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new InvalidInputException(what + " '" + clip(s) + "' may not contain '#' or whitespace");
            }
        }
    }

    /** Echo at most 64 characters of client input, with control characters removed. */
    static String clip(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return s.length() > 64 ? b + "..." : b.toString();
    }
}
