package dev.aegis.sdk.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON through Nimbus's bundled parser: the SDK brings no JSON library of its own. */
public final class Json {

    private Json() {
    }

    /** @return the parsed object */
    public static Map<String, Object> parse(String json) {
        try {
            return JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
        }
    }

    /** @return the JSON text */
    public static String write(Map<String, ?> object) {
        return JSONObjectUtils.toJSONString(object);
    }

    /** @return a required string member */
    public static String string(Map<String, Object> o, String name) {
        if (o.get(name) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("missing string member " + name);
    }

    /** @return a string array member, empty if absent */
    public static List<String> strings(Map<String, Object> o, String name) {
        List<String> out = new ArrayList<>();
        if (o.get(name) instanceof List<?> list) {
            for (Object e : list) {
                out.add(String.valueOf(e));
            }
        }
        return out;
    }
}
