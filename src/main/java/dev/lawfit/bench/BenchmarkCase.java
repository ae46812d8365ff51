package dev.lawfit.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** One measured case of the benchmark: its settings and figures, in the order they are printed. */
final class BenchmarkCase {

    private final Map<String, Object> fields = new LinkedHashMap<>();

    BenchmarkCase put(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    Map<String, Object> fields() {
        return fields;
    }

    Object get(String name) {
        return fields.get(name);
    }
}
