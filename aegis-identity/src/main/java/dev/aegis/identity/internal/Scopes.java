package dev.aegis.identity.internal;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Scope values (RFC 6749 §3.3): a space-delimited list of case-sensitive tokens of the characters
 * {@code %x21 / %x23-5B / %x5D-7E}. Parsing keeps the order of first occurrence and drops duplicates.
 */
public final class Scopes {

    /** The scope that authorises the admin API. */
    public static final String ADMIN = "aegis:admin";
    /** OpenID Connect's scope (OIDC Core §3.1.2.1). */
    public static final String OPENID = "openid";
    /** Scope that asks for a refresh token usable without the user (OIDC Core §11). */
    public static final String OFFLINE_ACCESS = "offline_access";

    private Scopes() {
    }

    /**
     * @param text a scope parameter, may be {@code null}
     * @return the scope tokens, or {@code null} when a token has a forbidden character or the text is too long
     */
    public static Set<String> parse(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text == null) {
            return out;
        }
        if (text.length() > 4096) {
            return null;
        }
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                if (i > start) {
                    out.add(text.substring(start, i));
                }
                start = i + 1;
            } else if (!isScopeChar(text.charAt(i))) {
                return null;
            }
        }
        return out;
    }

    /**
     * @param tokens scope tokens
     * @return whether every token is a valid scope token
     */
    public static boolean valid(Collection<String> tokens) {
        for (String t : tokens) {
            if (t.isEmpty()) {
                return false;
            }
            for (int i = 0; i < t.length(); i++) {
                if (!isScopeChar(t.charAt(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * @param tokens scope tokens
     * @return the space-delimited form
     */
    public static String join(Collection<String> tokens) {
        return String.join(" ", tokens);
    }

    private static boolean isScopeChar(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
    }
}
