package io.transferadvisor.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.util.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Field-by-field differences between two plans (or any two JSON-able values). */
public final class PlanDiff {
    private PlanDiff() {}

    /** Lines like "strategy: LINEAR_FROZEN -> FINETUNE_ABOVE". Empty when equal. */
    public static List<String> diff(Plan a, Plan b) {
        return diffValues(a, b);
    }

    public static List<String> diffValues(Object a, Object b) {
        Map<String, String> fa = flatten(Json.json().valueToTree(a));
        Map<String, String> fb = flatten(Json.json().valueToTree(b));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : fa.entrySet()) {
            String other = fb.get(e.getKey());
            if (!Objects.equals(e.getValue(), other)) {
                out.add(e.getKey() + ": " + e.getValue() + " -> " + (other == null ? "(none)" : other));
            }
        }
        for (Map.Entry<String, String> e : fb.entrySet()) {
            if (!fa.containsKey(e.getKey())) {
                out.add(e.getKey() + ": (none) -> " + e.getValue());
            }
        }
        return out;
    }

    /** Flattens a JSON tree into path -> scalar text. */
    public static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", node, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            boolean scalars = true;
            for (JsonNode n : node) {
                scalars &= n.isValueNode();
            }
            if (scalars) {
                List<String> items = new ArrayList<>();
                node.forEach(n -> items.add(n.asText()));
                out.put(prefix, "[" + String.join(", ", items) + "]");
            } else {
                for (int i = 0; i < node.size(); i++) {
                    flatten(prefix + "[" + i + "]", node.get(i), out);
                }
            }
        } else {
            out.put(prefix, node.asText());
        }
    }
}
