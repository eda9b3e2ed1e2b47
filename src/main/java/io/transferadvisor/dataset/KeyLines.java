package io.transferadvisor.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The line of every key in a YAML document, by dotted path ({@code train.per_class},
 * {@code train.classes[2]}), read from the parser's token locations so errors can point at lines.
 */
final class KeyLines {
    private final Map<String, Integer> lines;

    private KeyLines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    static KeyLines none() {
        return new KeyLines(Map.of());
    }

    static KeyLines of(String yaml) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        // Each frame: the path of the container, and for arrays the next index (-1 for objects).
        Deque<String> paths = new ArrayDeque<>();
        Deque<int[]> index = new ArrayDeque<>();
        String field = null;
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int line = p.currentTokenLocation().getLineNr();
                if (t == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                    lines.putIfAbsent(join(paths.peek(), field), line);
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    paths.pop();
                    index.pop();
                    continue;
                }
                String here;
                if (paths.isEmpty()) {
                    here = "";
                } else if (index.peek()[0] >= 0) {
                    here = paths.peek() + "[" + index.peek()[0]++ + "]";
                    lines.putIfAbsent(here, line);
                } else {
                    here = join(paths.peek(), field);
                }
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    paths.push(here);
                    index.push(new int[] {t == JsonToken.START_ARRAY ? 0 : -1});
                }
            }
        }
        return new KeyLines(lines);
    }

    private static String join(String parent, String field) {
        return parent == null || parent.isEmpty() ? field : parent + "." + field;
    }

    /** The line of the key, else of its nearest enclosing key, else 1. */
    int lineOf(String key) {
        String k = key;
        while (k != null && !k.isEmpty()) {
            Integer l = lines.get(k);
            if (l != null) {
                return l;
            }
            int dot = Math.max(k.lastIndexOf('.'), k.lastIndexOf('['));
            k = dot < 0 ? null : k.substring(0, dot);
        }
        return 1;
    }
}
