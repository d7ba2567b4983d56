package dev.aegis.secrets.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective ACL of a token: the rules of all its policies, merged per path pattern (capabilities add up;
 * {@code deny} on a pattern wins over everything on it). A request path is decided by the single most specific
 * matching pattern, with Vault's priority rules; no matching pattern means deny.
 *
 * <p>Immutable and thread-safe; {@link #allowed} is a loop over a precomputed array (no regex, no streams).
 */
final class Acl {
    static final Acl ROOT = new Acl(new Pattern[0], true);

    private final Pattern[] patterns;
    private final boolean root;

    private Acl(Pattern[] patterns, boolean root) {
        this.patterns = patterns;
        this.root = root;
    }

    /** A compiled pattern: segments for {@code +}, a prefix glob for a trailing {@code *}. */
    private record Pattern(String text, String[] segments, boolean glob, int capabilities, int firstWildcard,
                           int plusCount) {
    }

    static Acl of(List<AclPolicy> policies) {
        Map<String, Integer> merged = new LinkedHashMap<>();
        for (AclPolicy p : policies) {
            if ("root".equals(p.name())) {
                return ROOT;
            }
            for (AclPolicy.Rule r : p.rules()) {
                merged.merge(r.pattern(), r.capabilities(), (a, b) -> a | b);
            }
        }
        List<Pattern> compiled = new ArrayList<>(merged.size());
        for (Map.Entry<String, Integer> e : merged.entrySet()) {
            compiled.add(compile(e.getKey(), e.getValue()));
        }
        return new Acl(compiled.toArray(new Pattern[0]), false);
    }

    private static Pattern compile(String text, int caps) {
        boolean glob = text.endsWith("*");
        String body = glob ? text.substring(0, text.length() - 1) : text;
        int firstPlus = -1;
        int plus = 0;
        String[] segments = body.split("/", -1);
        int offset = 0;
        for (String seg : segments) {
            if ("+".equals(seg)) {
                plus++;
                if (firstPlus < 0) {
                    firstPlus = offset;
                }
            }
            offset += seg.length() + 1;
        }
        int first = firstPlus >= 0 ? firstPlus : glob ? body.length() : Integer.MAX_VALUE;
        return new Pattern(text, plus > 0 ? segments : null, glob, caps, first, plus);
    }

    boolean isRoot() {
        return root;
    }

    /**
     * @param path       request path without leading slash
     * @param capability the capability the operation needs
     * @return whether the most specific matching rule grants it (and does not deny)
     */
    boolean allowed(String path, Capability capability) {
        return root || (capabilities(path) & Capability.bit(capability)) != 0;
    }

    /** @return the capability bits of the most specific matching pattern; 0 if none; deny clears everything */
    int capabilities(String path) {
        if (root) {
            return Capability.ALL_OPERATIONS;
        }
        Pattern best = null;
        for (Pattern p : patterns) {
            if (matches(p, path) && (best == null || higher(p, best))) {
                best = p;
            }
        }
        if (best == null || (best.capabilities() & Capability.bit(Capability.DENY)) != 0) {
            return 0;
        }
        return best.capabilities();
    }

    private static boolean matches(Pattern p, String path) {
        if (p.segments() == null) {
            if (p.glob()) {
                return path.regionMatches(0, p.text(), 0, p.text().length() - 1);
            }
            return path.equals(p.text());
        }
        int pos = 0;
        String[] segs = p.segments();
        for (int i = 0; i < segs.length; i++) {
            boolean last = i == segs.length - 1;
            int slash = path.indexOf('/', pos);
            if ("+".equals(segs[i])) {
                int end = slash < 0 ? path.length() : slash;
                if (end == pos && !(last && p.glob())) {
                    return false;
                }
                pos = end;
            } else if (last && p.glob()) {
                return path.regionMatches(pos, segs[i], 0, segs[i].length());
            } else {
                if (!path.regionMatches(pos, segs[i], 0, segs[i].length())) {
                    return false;
                }
                pos += segs[i].length();
            }
            if (!last) {
                if (pos >= path.length() || path.charAt(pos) != '/') {
                    return false;
                }
                pos++;
            }
        }
        return p.glob() || pos == path.length();
    }

    /** Vault's priority: later first wildcard, no trailing glob, fewer '+', longer, lexicographically larger. */
    private static boolean higher(Pattern a, Pattern b) {
        if (a.firstWildcard() != b.firstWildcard()) {
            return a.firstWildcard() > b.firstWildcard();
        }
        if (a.glob() != b.glob()) {
            return !a.glob();
        }
        if (a.plusCount() != b.plusCount()) {
            return a.plusCount() < b.plusCount();
        }
        if (a.text().length() != b.text().length()) {
            return a.text().length() > b.text().length();
        }
        return a.text().compareTo(b.text()) > 0;
    }
}
