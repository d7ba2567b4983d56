package dev.aegis.gateway.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A read cursor over one YAML mapping that remembers where every key is, so each error names the file, the
 * line and the dotted key (SnakeYAML's node graph keeps the marks that a data binding would lose). Unknown and
 * duplicate keys are errors. Not thread-safe; used once per load.
 */
final class YamlTree {

    private final String file;
    private final String path;
    private final MappingNode node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    private YamlTree(String file, String path, MappingNode node) throws RouteFileException {
        this.file = file;
        this.path = path;
        this.node = node;
        for (NodeTuple t : node.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw error(t.getKeyNode(), path.isEmpty() ? "(key)" : path, "keys must be plain strings");
            }
            if (entries.put(k.getValue(), t) != null) {
                throw error(k, child(k.getValue()), "duplicate key");
            }
        }
    }

    static YamlTree parse(String file, String text) throws RouteFileException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10); // no billion-laughs expansion
        options.setCodePointLimit(4 * 1024 * 1024);
        Node root;
        try {
            root = new Yaml(options).compose(new java.io.StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new RouteFileException(file, line, "(syntax)", e.getProblem());
        } catch (RuntimeException e) {
            throw new RouteFileException(file, 0, "(syntax)", "not valid YAML");
        }
        if (!(root instanceof MappingNode m)) {
            throw new RouteFileException(file, 1, "(root)", "must be a mapping");
        }
        return new YamlTree(file, "", m);
    }

    String path() {
        return path;
    }

    int line() {
        return node.getStartMark().getLine() + 1;
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    String string(String key, String fallback) throws RouteFileException {
        NodeTuple t = take(key);
        if (t == null) {
            return fallback;
        }
        if (!(t.getValueNode() instanceof ScalarNode s) || s.getValue().isEmpty()) {
            throw error(t.getValueNode(), child(key), "must be a non-empty string");
        }
        return s.getValue();
    }

    String requiredString(String key) throws RouteFileException {
        String v = string(key, null);
        if (v == null) {
            throw error(node, child(key), "is required");
        }
        return v;
    }

    int integer(String key, int fallback, int min, int max) throws RouteFileException {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error naming the range
        }
        throw error(entries.get(key).getValueNode(), child(key), "must be an integer in " + min + ".." + max);
    }

    long longValue(String key, long fallback, long min, long max) throws RouteFileException {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw error(entries.get(key).getValueNode(), child(key), "must be an integer in " + min + ".." + max);
    }

    boolean bool(String key, boolean fallback) throws RouteFileException {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(entries.get(key).getValueNode(), child(key), "must be true or false");
        };
    }

    Duration duration(String key, Duration fallback, Duration min, Duration max) throws RouteFileException {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        Duration d = parseDuration(v);
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw error(entries.get(key).getValueNode(), child(key),
                    "must be a duration such as 500ms, 30s, 15m, 1h, 1d within " + min + ".." + max);
        }
        return d;
    }

    List<String> strings(String key) throws RouteFileException {
        NodeTuple t = take(key);
        if (t == null) {
            return List.of();
        }
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            throw error(t.getValueNode(), child(key), "must be a list");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node n = seq.getValue().get(i);
            if (!(n instanceof ScalarNode s) || s.getValue().isEmpty()) {
                throw error(n, child(key) + "[" + i + "]", "must be a non-empty string");
            }
            out.add(s.getValue());
        }
        return out;
    }

    YamlTree mapping(String key) throws RouteFileException {
        NodeTuple t = take(key);
        if (t == null) {
            return null;
        }
        if (!(t.getValueNode() instanceof MappingNode m)) {
            throw error(t.getValueNode(), child(key), "must be a mapping");
        }
        return new YamlTree(file, child(key), m);
    }

    List<YamlTree> mappings(String key) throws RouteFileException {
        NodeTuple t = take(key);
        if (t == null) {
            return List.of();
        }
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            throw error(t.getValueNode(), child(key), "must be a list");
        }
        List<YamlTree> out = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node n = seq.getValue().get(i);
            if (!(n instanceof MappingNode m)) {
                throw error(n, child(key) + "[" + i + "]", "must be a mapping");
            }
            out.add(new YamlTree(file, child(key) + "[" + i + "]", m));
        }
        return out;
    }

    /** Refuses keys that were never read: a typo must not silently disable a protection. */
    void finish() throws RouteFileException {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!read.contains(e.getKey())) {
                throw error(e.getValue().getKeyNode(), child(e.getKey()), "unknown key");
            }
        }
    }

    /** @return an error at the value of {@code key} (or at this mapping if the key is absent) */
    RouteFileException errorAt(String key, String problem) {
        NodeTuple t = entries.get(key);
        return error(t == null ? node : t.getValueNode(), child(key), problem);
    }

    private NodeTuple take(String key) {
        read.add(key);
        return entries.get(key);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private RouteFileException error(Node at, String key, String problem) {
        return new RouteFileException(file, at.getStartMark().getLine() + 1, key, problem);
    }

    static Duration parseDuration(String v) {
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> null;
            };
        } catch (RuntimeException e) {
            return null;
        }
    }
}
