package dev.lawfit.changes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of one published version that {@link Changes} compares, read through a {@link Source} (DuckDB for
 * {@code lawfit diff}, Spark inside the job): {@code groups}, every table of fitted laws ({@code laws}, {@code loss_to_loss},
 * {@code downstream}: those with {@code family}, {@code law} and {@code status}), {@code forecasts} and {@code law_selection};
 * only the columns the comparison reads. A row is a map from column name to a plain Java value (String, Number, Boolean,
 * Map, List), in the table's column order. A table's identity columns (the group keys) are those before its first column of
 * substance: {@code rows} in {@code groups}, {@code family} in a table of laws, {@code law} in the others.
 */
public final class VersionTables {

    public static final String GROUPS = "groups";
    public static final String LAWS = "laws";
    public static final String FORECASTS = "forecasts";
    public static final String LAW_SELECTION = "law_selection";

    /** Where a version's tables come from. */
    public interface Source {
        /** The table's columns in order, or null when the version has no such table. */
        List<String> columns(String table);

        /** The table's rows, each with just these columns. */
        List<Map<String, Object>> rows(String table, List<String> columns);

        /** The version's tables. */
        List<String> tables();
    }

    private static final List<String> LAW_COLUMNS = List.of("family", "law", "status", "message", "flags", "parameters", "ci_low", "ci_high", "forecasts");

    private final Map<String, List<Map<String, Object>>> tables;
    private final List<String> lawTables;

    private VersionTables(Map<String, List<Map<String, Object>>> tables, List<String> lawTables) {
        this.tables = tables;
        this.lawTables = lawTables;
    }

    public static VersionTables read(Source source) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        List<String> lawTables = new ArrayList<>();
        for (String table : source.tables()) {
            List<String> columns = source.columns(table);
            if (columns == null) continue;
            List<String> wanted = new ArrayList<>(keysOf(table, columns));
            if (table.equals(GROUPS)) {
                wanted.addAll(List.of("rows", "status"));
            } else if (columns.containsAll(List.of("family", "law", "status"))) {
                for (String c : LAW_COLUMNS) if (columns.contains(c)) wanted.add(c);
                lawTables.add(table);
            } else if (table.equals(FORECASTS)) {
                wanted.addAll(List.of("law", "target", "prediction", "low", "high"));
            } else if (table.equals(LAW_SELECTION)) {
                wanted.addAll(List.of("law", "rank"));
            } else {
                continue;
            }
            wanted.retainAll(columns);
            out.put(table, source.rows(table, wanted));
        }
        return new VersionTables(out, lawTables);
    }

    /** No tables: what a first run compares against. */
    public static VersionTables empty() {
        return new VersionTables(Map.of(), List.of());
    }

    public List<Map<String, Object>> table(String name) {
        return tables.getOrDefault(name, List.of());
    }

    public List<String> lawTables() {
        return lawTables;
    }

    /**
     * The identity columns of a table: those before its first column of substance, and {@code run_id} wherever it stands
     * (the laws of one run: curve laws, whose rows share the table with group-level ones).
     */
    public static List<String> keysOf(String table, java.util.Collection<String> columns) {
        String first = table.equals(GROUPS) ? "rows" : columns.contains("family") ? "family" : "law";
        List<String> keys = new ArrayList<>();
        for (String c : columns) {
            if (c.equals(first)) break;
            keys.add(c);
        }
        if (keys.size() == columns.size()) return List.of();
        if (columns.contains(RUN_ID) && !keys.contains(RUN_ID) && !table.equals(GROUPS)) keys.add(RUN_ID);
        return keys;
    }

    private static final String RUN_ID = "run_id";

    /** Whether a version's tables include those compared. */
    public boolean isEmpty() {
        return tables.isEmpty();
    }

    Set<String> names() {
        return tables.keySet();
    }
}
