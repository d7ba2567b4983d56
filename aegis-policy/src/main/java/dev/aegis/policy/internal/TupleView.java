package dev.aegis.policy.internal;

/** Read access to the tuples of one store as the evaluators need it. Implementations are immutable. */
public interface TupleView {

    /** The tuples of {@code type:id#relation} (key built by {@link #objectKey}), or {@code null}. */
    TupleIndex.Entry forward(String objectKey);

    /** Every tuple whose user is exactly {@code userKey} ({@code type:id}, {@code type:*} or {@code type:id#rel}). */
    Tuple[] reverse(String userKey);

    static String objectKey(String type, String id, String relation) {
        return type + ':' + id + '#' + relation;
    }

    static String userKey(String type, String id, String relation) {
        return relation.isEmpty() ? type + ':' + id : type + ':' + id + '#' + relation;
    }
}
