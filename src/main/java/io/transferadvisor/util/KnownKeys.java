package io.transferadvisor.util;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Finds the first key of a parsed YAML/JSON document that the record it is read into has no
 * component for, walking nested records and lists of records. Jackson does reject unknown keys,
 * but for records it builds the object first, so a misspelt required key ("stratgy") surfaces as
 * "strategy missing" from the constructor and the typo itself is never named; checking the tree
 * first names it, with a did-you-mean.
 */
public final class KnownKeys {
    private KnownKeys() {}

    /** "unknown key 'a.b'; did you mean 'c'? known keys in a: ..." for the first unknown key, if any. */
    public static Optional<String> firstUnknown(JsonNode node, Class<?> type) {
        return walk(node, type, "");
    }

    private static Optional<String> walk(JsonNode node, Type type, String path) {
        if (node == null) {
            return Optional.empty();
        }
        if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw && List.class.isAssignableFrom(raw)) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    Optional<String> r = walk(node.get(i), pt.getActualTypeArguments()[0], path + "[" + i + "]");
                    if (r.isPresent()) {
                        return r;
                    }
                }
            }
            return Optional.empty();
        }
        if (!(type instanceof Class<?> c) || !c.isRecord() || !node.isObject()) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        for (RecordComponent rc : c.getRecordComponents()) {
            names.add(rc.getName());
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            String where = path.isEmpty() ? key : path + "." + key;
            int i = names.indexOf(key);
            if (i < 0) {
                return Optional.of("unknown key '" + where + "'" + Suggest.didYouMean(key, names)
                        + " (known keys" + (path.isEmpty() ? "" : " in " + path) + ": " + String.join(", ", names) + ")");
            }
            Optional<String> r = walk(node.get(key), c.getRecordComponents()[i].getGenericType(), where);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }
}
