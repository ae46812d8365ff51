package dev.lawfit.changes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What changed between two published versions of an output, as a nightly user asks it: groups added and removed, rows
 * added to a group, a law's status changed or a new warning on it, a parameter or a forecast that moved beyond the
 * interval the earlier version published for it, a law that appeared or went, and a group whose best law changed. Plain
 * Java over the tables' rows ({@link VersionTables}); the job writes the result as its {@code changes} table and
 * {@code lawfit diff} prints it for any two kept versions.
 */
public final class Changes {

    /** The kinds of change, as the {@code changes} table's {@code kind} column and {@code --fail-on} name them. */
    public enum Kind {
        GROUP_ADDED, GROUP_REMOVED, ROWS_ADDED, ROWS_REMOVED, LAW_ADDED, LAW_REMOVED, STATUS_CHANGED, NEW_WARNING,
        MOVED_PARAMETER, MOVED_FORECAST, SELECTION_CHANGED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind byLabel(String label) {
            for (Kind k : values()) if (k.label().equals(label.strip().toLowerCase(Locale.ROOT))) return k;
            throw new IllegalArgumentException("unknown kind of change '" + label + "'; kinds: " + labels());
        }

        public static List<String> labels() {
            return java.util.Arrays.stream(values()).map(Kind::label).toList();
        }
    }

    /**
     * One change. {@code group} names the group ({@code key=value, ...}; a curve law's run is in it), {@code table} where it
     * was seen, {@code name} the parameter or forecast target; {@code before}/{@code after} the values (row counts for
     * rows), {@code beforeLow}/{@code beforeHigh} the earlier version's interval that the new value left.
     */
    public record Change(Kind kind, String table, Map<String, String> group, String family, String law, String name,
                         Double before, Double after, Double beforeLow, Double beforeHigh, String message) {

        public String groupLabel() {
            List<String> parts = new ArrayList<>();
            group.forEach((k, v) -> parts.add(k + "=" + v));
            return String.join(", ", parts);
        }
    }

    private Changes() {
    }

    /** Every change from {@code before} to {@code after}, in a stable order (kind, table, group, law, name). */
    public static List<Change> between(VersionTables before, VersionTables after) {
        List<Change> out = new ArrayList<>();
        groups(before.table(VersionTables.GROUPS), after.table(VersionTables.GROUPS), out);
        for (String table : after.lawTables()) laws(table, before.table(table), after.table(table), out);
        for (String table : before.lawTables()) if (!after.lawTables().contains(table)) laws(table, before.table(table), List.of(), out);
        forecasts(before.table(VersionTables.FORECASTS), after.table(VersionTables.FORECASTS), out);
        selection(before.table(VersionTables.LAW_SELECTION), after.table(VersionTables.LAW_SELECTION), out);
        out.sort(Comparator.comparing((Change c) -> c.kind().ordinal()).thenComparing(Change::table).thenComparing(Change::groupLabel)
                .thenComparing(c -> Objects.toString(c.law(), "")).thenComparing(c -> Objects.toString(c.name(), "")));
        return out;
    }

    /** How many changes of each kind, in the kinds' order. */
    public static Map<String, Long> counts(List<Change> changes) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            long n = changes.stream().filter(c -> c.kind() == k).count();
            if (n > 0) out.put(k.label(), n);
        }
        return out;
    }

    /** "12 changes (4 rows_added, 1 moved_forecast)", or "no changes". */
    public static String summary(List<Change> changes) {
        if (changes.isEmpty()) return "no changes";
        List<String> parts = new ArrayList<>();
        counts(changes).forEach((k, n) -> parts.add(n + " " + k));
        return changes.size() + " change" + (changes.size() == 1 ? "" : "s") + " (" + String.join(", ", parts) + ")";
    }

    private static void groups(List<Map<String, Object>> before, List<Map<String, Object>> after, List<Change> out) {
        Map<Map<String, String>, Map<String, Object>> was = index(before, VersionTables.GROUPS, List.of());
        Map<Map<String, String>, Map<String, Object>> is = index(after, VersionTables.GROUPS, List.of());
        for (Map.Entry<Map<String, String>, Map<String, Object>> e : is.entrySet()) {
            Map<String, Object> old = was.get(e.getKey());
            Double rows = number(e.getValue().get("rows"));
            if (old == null || "stale".equals(old.get("status"))) {
                out.add(new Change(Kind.GROUP_ADDED, VersionTables.GROUPS, e.getKey(), null, null, null, null, rows, null, null,
                        "a new group" + (rows == null ? "" : " of " + rows.longValue() + " rows")));
                continue;
            }
            if ("stale".equals(e.getValue().get("status"))) {
                out.add(new Change(Kind.GROUP_REMOVED, VersionTables.GROUPS, e.getKey(), null, null, null, number(old.get("rows")), null, null,
                        null, "no longer in the input (its results kept as stale)"));
                continue;
            }
            Double oldRows = number(old.get("rows"));
            if (rows != null && oldRows != null && !rows.equals(oldRows)) {
                boolean added = rows > oldRows;
                out.add(new Change(added ? Kind.ROWS_ADDED : Kind.ROWS_REMOVED, VersionTables.GROUPS, e.getKey(), null, null, "rows", oldRows, rows,
                        null, null, (added ? "+" : "-") + Math.abs(rows.longValue() - oldRows.longValue()) + " rows (" + oldRows.longValue() + " -> "
                        + rows.longValue() + ")"));
            }
        }
        for (Map.Entry<Map<String, String>, Map<String, Object>> e : was.entrySet()) {
            if (!is.containsKey(e.getKey()) && !"stale".equals(e.getValue().get("status"))) {
                out.add(new Change(Kind.GROUP_REMOVED, VersionTables.GROUPS, e.getKey(), null, null, null, number(e.getValue().get("rows")), null,
                        null, null, "no longer in the input"));
            }
        }
    }

    private static void laws(String table, List<Map<String, Object>> before, List<Map<String, Object>> after, List<Change> out) {
        List<String> lawKey = List.of("family", "law");
        Map<Map<String, String>, Map<String, Object>> was = index(before, table, lawKey);
        Map<Map<String, String>, Map<String, Object>> is = index(after, table, lawKey);
        Set<Map<String, String>> groupsBefore = groupsOf(was.keySet(), lawKey), groupsAfter = groupsOf(is.keySet(), lawKey);
        for (Map.Entry<Map<String, String>, Map<String, Object>> e : is.entrySet()) {
            Map<String, String> group = withoutKeys(e.getKey(), lawKey);
            String family = e.getKey().get("family"), law = e.getKey().get("law");
            Map<String, Object> now = e.getValue(), old = was.get(e.getKey());
            if (old == null) {
                // a law in a group that was there before (a new group is one change, not one per law)
                if (groupsBefore.contains(group)) {
                    out.add(new Change(Kind.LAW_ADDED, table, group, family, law, null, null, null, null, null, "fitted for the first time: " + now.get("status")));
                }
                continue;
            }
            String statusBefore = String.valueOf(old.get("status")), statusAfter = String.valueOf(now.get("status"));
            if (!statusBefore.equals(statusAfter)) {
                out.add(new Change(Kind.STATUS_CHANGED, table, group, family, law, "status", null, null, null, null,
                        statusBefore + " -> " + statusAfter + (now.get("message") == null || String.valueOf(now.get("message")).isEmpty() ? ""
                                : ": " + firstLine(String.valueOf(now.get("message"))))));
            }
            Set<String> newWarnings = new TreeSet<>(warnings(now));
            newWarnings.removeAll(warnings(old));
            for (String w : newWarnings) out.add(new Change(Kind.NEW_WARNING, table, group, family, law, w, null, null, null, null, warningText(now, w)));
            moved(Kind.MOVED_PARAMETER, table, group, family, law, doubles(old.get("parameters")), doubles(now.get("parameters")),
                    doubles(old.get("ci_low")), doubles(old.get("ci_high")), "", out);
            // the forecasts of laws that have no forecasts table rows (loss-to-loss lines, curve laws) move in their own maps
            if (!VersionTables.LAWS.equals(table) || !dev.lawfit.law.Family.COMPUTE.is(family)) {
                moved(Kind.MOVED_FORECAST, table, group, family, law, doubles(old.get("forecasts")), doubles(now.get("forecasts")),
                        doubles(old.get("ci_low")), doubles(old.get("ci_high")), "forecast@", out);
            }
        }
        for (Map.Entry<Map<String, String>, Map<String, Object>> e : was.entrySet()) {
            Map<String, String> group = withoutKeys(e.getKey(), lawKey);
            if (!is.containsKey(e.getKey()) && groupsAfter.contains(group)) {
                out.add(new Change(Kind.LAW_REMOVED, table, group, e.getKey().get("family"), e.getKey().get("law"), null, null, null, null, null,
                        "no longer fitted"));
            }
        }
    }

    /** A value that left the earlier version's interval for it ({@code prefix} + its name in the interval maps). */
    private static void moved(Kind kind, String table, Map<String, String> group, String family, String law, Map<String, Double> before,
                              Map<String, Double> after, Map<String, Double> low, Map<String, Double> high, String prefix, List<Change> out) {
        for (Map.Entry<String, Double> e : after.entrySet()) {
            Double was = before.get(e.getKey()), lo = low.get(prefix + e.getKey()), hi = high.get(prefix + e.getKey());
            double now = e.getValue();
            if (was == null || lo == null || hi == null || !Double.isFinite(now) || !Double.isFinite(lo) || !Double.isFinite(hi)) continue;
            if (now < lo || now > hi) {
                out.add(new Change(kind, table, group, family, law, e.getKey(), was, now, lo, hi, e.getKey() + " " + fmt(was) + " -> " + fmt(now)
                        + ", outside the previous interval [" + fmt(lo) + ", " + fmt(hi) + "]"));
            }
        }
    }

    private static void forecasts(List<Map<String, Object>> before, List<Map<String, Object>> after, List<Change> out) {
        List<String> key = List.of("law", "target");
        Map<Map<String, String>, Map<String, Object>> was = index(before, VersionTables.FORECASTS, key);
        for (Map<String, Object> row : after) {
            Map<String, String> id = identity(row, VersionTables.FORECASTS, key);
            Map<String, Object> old = was.get(id);
            if (old == null) continue;
            Double prior = number(old.get("prediction")), now = number(row.get("prediction")), lo = number(old.get("low")), hi = number(old.get("high"));
            if (prior == null || now == null || lo == null || hi == null || !Double.isFinite(now) || !Double.isFinite(lo) || !Double.isFinite(hi)) continue;
            if (now < lo || now > hi) {
                out.add(new Change(Kind.MOVED_FORECAST, VersionTables.FORECASTS, withoutKeys(id, key), dev.lawfit.law.Family.COMPUTE.label(), id.get("law"), id.get("target"),
                        prior, now, lo, hi, "forecast at " + id.get("target") + " " + fmt(prior) + " -> " + fmt(now)
                        + ", outside the previous interval [" + fmt(lo) + ", " + fmt(hi) + "]"));
            }
        }
    }

    private static void selection(List<Map<String, Object>> before, List<Map<String, Object>> after, List<Change> out) {
        Map<Map<String, String>, String> was = winners(before), is = winners(after);
        is.forEach((group, law) -> {
            String old = was.get(group);
            if (old != null && !old.equals(law)) {
                out.add(new Change(Kind.SELECTION_CHANGED, VersionTables.LAW_SELECTION, group, dev.lawfit.law.Family.COMPUTE.label(), law, "rank 1", null, null, null, null,
                        "the law with the lowest held-out error was " + old + ", is " + law));
            }
        });
    }

    private static Map<Map<String, String>, String> winners(List<Map<String, Object>> rows) {
        Map<Map<String, String>, String> out = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            Double rank = number(r.get("rank"));
            if (rank != null && rank == 1.0) out.put(withoutKeys(identity(r, VersionTables.LAW_SELECTION, List.of("law")), List.of("law")), String.valueOf(r.get("law")));
        }
        return out;
    }

    /**
     * The warnings a row carries: its {@code flags} (named diagnostics) where the table has them, else each
     * "warning: ..." part of its message.
     */
    static Set<String> warnings(Map<String, Object> row) {
        Set<String> out = new TreeSet<>();
        Object flags = row.get("flags");
        if (flags instanceof List<?> list) {
            for (Object f : list) if (f != null) out.add(String.valueOf(f));
            return out;
        }
        Object message = row.get("message");
        if (message != null) {
            for (String part : String.valueOf(message).split(";\\s*")) if (part.strip().startsWith("warning:")) out.add(part.strip());
        }
        return out;
    }

    private static String warningText(Map<String, Object> row, String warning) {
        Object message = row.get("message");
        if (message == null || warning.startsWith("warning:")) return warning;
        for (String part : String.valueOf(message).split(";\\s*")) if (part.contains(warning)) return part.strip();
        return warning;
    }

    /** Rows by identity: the columns before the table's first column of substance (see {@link VersionTables#keysOf}), then {@code extra}. */
    private static Map<Map<String, String>, Map<String, Object>> index(List<Map<String, Object>> rows, String table, List<String> extra) {
        Map<Map<String, String>, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) out.put(identity(r, table, extra), r);
        return out;
    }

    private static Map<String, String> identity(Map<String, Object> row, String table, List<String> extra) {
        Map<String, String> id = new TreeMap<>();
        for (String k : VersionTables.keysOf(table, row.keySet())) id.put(k, Objects.toString(row.get(k), null));
        for (String k : extra) id.put(k, Objects.toString(row.get(k), null));
        return id;
    }

    private static Map<String, String> withoutKeys(Map<String, String> id, List<String> keys) {
        Map<String, String> out = new TreeMap<>(id);
        keys.forEach(out::remove);
        return out;
    }

    private static Set<Map<String, String>> groupsOf(Set<Map<String, String>> ids, List<String> keys) {
        Set<Map<String, String>> out = new java.util.HashSet<>();
        for (Map<String, String> id : ids) out.add(withoutKeys(id, keys));
        return out;
    }

    private static Double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> doubles(Object v) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) if (e.getValue() instanceof Number n) out.put(String.valueOf(e.getKey()), n.doubleValue());
        }
        return out;
    }

    private static String firstLine(String s) {
        int cut = s.indexOf('\n');
        return cut < 0 ? s : s.substring(0, cut);
    }

    static String fmt(double v) {
        if (v == 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6)) return String.format(Locale.ROOT, "%.4g", v);
        return String.format(Locale.ROOT, "%.3e", v);
    }
}
