package dev.aegis.policy.internal;

import java.util.List;
import java.util.Objects;

/**
 * A relation's rewrite rule in an OpenFGA authorization model (schema 1.1): the Zanzibar userset rewrites
 * {@code this}, {@code computedUserset}, {@code tupleToUserset} and the set operations. Immutable.
 */
public sealed interface Userset {

    /** Direct assignment: the tuples written for this object and relation ({@code [user, group#member]}). */
    record This() implements Userset { }

    /** The users of another relation of the same object ({@code define viewer: editor}). */
    record Computed(String relation) implements Userset {
        public Computed {
            Objects.requireNonNull(relation, "relation");
        }
    }

    /** The users of {@code computed} on every object related through {@code tupleset} ({@code viewer from parent}). */
    record TupleToUserset(String tupleset, String computed) implements Userset {
        public TupleToUserset {
            Objects.requireNonNull(tupleset, "tupleset");
            Objects.requireNonNull(computed, "computed");
        }
    }

    /** Any child grants ({@code or}). */
    record Union(List<Userset> children) implements Userset {
        public Union {
            children = List.copyOf(children);
        }
    }

    /** Every child must grant ({@code and}). */
    record Intersection(List<Userset> children) implements Userset {
        public Intersection {
            children = List.copyOf(children);
        }
    }

    /** {@code base but not subtract}. */
    record Difference(Userset base, Userset subtract) implements Userset {
        public Difference {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(subtract, "subtract");
        }
    }
}
