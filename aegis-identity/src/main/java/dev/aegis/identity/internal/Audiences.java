package dev.aegis.identity.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Scope narrowing (RFC 6749 §3.3) and audience selection ({@code resource}, RFC 8707 §2; {@code audience}, RFC 8693 §2.1). */
final class Audiences {

    private Audiences() {
    }

    /**
     * @param form    the request
     * @param allowed what may be granted
     * @return the requested scope if it is a subset of {@code allowed}, {@code allowed} when none was requested,
     *         {@code null} when invalid or not allowed
     */
    static Set<String> scope(Form form, Set<String> allowed) {
        String requested = form.value("scope");
        if (requested == null) {
            return new LinkedHashSet<>(allowed);
        }
        Set<String> scope = Scopes.parse(requested);
        if (scope == null || !allowed.containsAll(scope)) {
            return null;
        }
        return scope;
    }

    /**
     * @return the requested audience when registered for the client, else the client's first audience, else the
     *         issuer; {@code null} when an unregistered audience was requested
     */
    static List<String> resolve(Form form, ClientRecord client, String issuer) {
        String requested = form.value("resource");
        if (requested == null) {
            requested = form.value("audience");
        }
        if (requested != null) {
            return client.audiences().contains(requested) ? List.of(requested) : null;
        }
        return client.audiences().isEmpty() ? List.of(issuer) : List.of(client.audiences().getFirst());
    }
}
