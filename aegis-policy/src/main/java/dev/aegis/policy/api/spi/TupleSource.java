package dev.aegis.policy.api.spi;

import java.util.List;

/**
 * A source of relationship tuples that live outside the engine's tables — the seam for identity bootstrapping:
 * the identity provider contributes a user's groups and roles ({@code group:admins#member@user:alice}) so that
 * models can use {@code group#member} without anyone copying memberships by hand.
 *
 * <p>The engine asks every registered source for the tuples about the request's user before each check,
 * list-objects or list-users call and treats them exactly like contextual tuples: they take part in that one
 * decision and are never stored. Implementations must be thread-safe, fast (they sit on the check path: serve
 * from memory, not from a remote call) and must not throw; an empty list means "nothing to add".
 */
public interface TupleSource {

    /**
     * @param storeId the OpenFGA store the decision is for
     * @param user    the request's user, {@code type:id} (e.g. {@code user:alice})
     * @return tuples as {@code {object, relation, user}} string triples, e.g.
     *         {@code ["group:admins", "member", "user:alice"]}; invalid ones are ignored and logged
     */
    List<String[]> tuplesFor(String storeId, String user);
}
