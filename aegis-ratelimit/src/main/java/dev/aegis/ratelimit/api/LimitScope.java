package dev.aegis.ratelimit.api;

/**
 * What a limit counts by. Each scope has its own key namespace, so an API key id and a client id with the
 * same text never share a counter.
 */
public enum LimitScope {
    /** Per API key (its key id, never the key). */
    API_KEY("k"),
    /** Per OAuth client ({@code client_id} / {@code azp} claim). */
    CLIENT("c"),
    /** Per end-user account ({@code sub}, or the login name for login protection). */
    ACCOUNT("a"),
    /** Per source IP address. */
    SOURCE("s"),
    /** Per route: all callers of one route together. */
    ROUTE("r"),
    /** Everything together. */
    GLOBAL("g");

    private final String prefix;

    LimitScope(String prefix) {
        this.prefix = prefix;
    }

    /** @return the short namespace prefix used in counter keys */
    public String prefix() {
        return prefix;
    }

    /**
     * @param name a configuration name: {@code api-key}, {@code client}, {@code account}, {@code source},
     *             {@code route}, {@code global}
     * @return the scope
     * @throws IllegalArgumentException for any other name
     */
    public static LimitScope fromConfigName(String name) {
        return switch (name) {
            case "api-key" -> API_KEY;
            case "client" -> CLIENT;
            case "account" -> ACCOUNT;
            case "source" -> SOURCE;
            case "route" -> ROUTE;
            case "global" -> GLOBAL;
            default -> throw new IllegalArgumentException(
                    "must be one of api-key, client, account, source, route, global");
        };
    }
}
