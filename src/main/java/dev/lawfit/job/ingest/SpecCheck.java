package dev.lawfit.job.ingest;

import dev.lawfit.spec.CheckpointContract;
import dev.lawfit.LawfitException;
import dev.lawfit.job.results.SqlSandbox;
import dev.lawfit.spec.JobSpec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A job spec checked against its input in seconds, without Spark: every input path exists, every mapped, unpivoted
 * and derived column and every contract column resolves against the files' own schemas (Parquet footers and CSV
 * headers, read by embedded DuckDB), every expression passes the SQL door; then warnings about specs that cannot
 * give a law: groups with one model size, a group key that never varies, a run whose {@code total_tokens} changes,
 * duplicated checkpoints, a run with two learning rates at one step. Errors are {@link LawfitException}s naming the
 * key (exit 2); warnings are returned. {@code lawfit check} prints them; {@code lawfit run} runs the same before Spark.
 */
public final class SpecCheck {

    /** What the check found: files and columns read, warnings, what it could not check, how long it took. */
    public record Result(int files, List<String> columns, List<String> warnings, List<String> notes, long millis) {
        public String toText(String spec) {
            StringBuilder s = new StringBuilder();
            for (String w : warnings) s.append("warning: ").append(w).append('\n');
            for (String n : notes) s.append("note: ").append(n).append('\n');
            s.append("lawfit check: ").append(spec).append(": ").append(warnings.isEmpty() ? "ok" : warnings.size() + " warning(s)")
                    .append(" (").append(files).append(" input file(s), ").append(columns.size()).append(" columns, ").append(millis).append(" ms)\n");
            return s.toString();
        }
    }

    private SpecCheck() {
    }

    public static Result check(JobSpec spec) {
        return check(spec, true);
    }

    /**
     * With {@code scanData} false only what the files' footers and headers say is checked (paths, columns, expressions):
     * {@code lawfit run} does that before Spark starts, and leaves the warnings that scan every row to {@code lawfit check},
     * so a nightly run over a large archive does not read it twice.
     */
    public static Result check(JobSpec spec, boolean scanData) {
        long started = System.nanoTime();
        List<String> warnings = new ArrayList<>(), notes = new ArrayList<>();
        checkOutputWritable(spec.output().path());
        JobSpec.Input input = spec.input();
        List<File> files = new ArrayList<>();
        boolean readable = true;
        for (int i = 0; i < input.paths().size(); i++) {
            String path = input.paths().get(i);
            java.net.URI uri = new org.apache.hadoop.fs.Path(path).toUri();
            if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
                notes.add("input.paths[" + i + "] " + path + " is on " + uri.getScheme() + ": not checked here (the run reads it)");
                readable = false;
                continue;
            }
            File f = new File(uri.getPath());
            if (!f.exists()) {
                if (spec.sample() != null && i == 0) {
                    notes.add("input.paths[0] " + path + " does not exist yet: the run generates the sample archive there");
                    readable = false;
                    continue;
                }
                throw new LawfitException("input.paths[" + i + "]: input path '" + path + "' does not exist" + nearby(f));
            }
            files.addAll(dataFiles(f, input.format(), warnings, "input.paths[" + i + "]"));
        }
        if (readable && files.isEmpty()) {
            throw new LawfitException("input.paths " + input.paths() + " hold no data files (names starting with _ or . are skipped, as Spark "
                    + "does): the run would stop here" + (warnings.isEmpty() ? "" : "; " + String.join("; ", warnings)));
        }
        if (!readable) return new Result(files.size(), List.of(), warnings, notes, millis(started));
        java.nio.file.Path spill = null;
        try (Connection c = dev.lawfit.job.results.DuckDbQuery.open()) {
            // the engine reads the input files and nothing else, whatever an expression asks of it
            spill = Files.createTempDirectory("lawfit-check-");
            List<File> dirs = new ArrayList<>();
            for (File f : files) dirs.add(f.getAbsoluteFile().getParentFile());
            dev.lawfit.job.results.DuckDbQuery.lockDown(c, dirs, spill, dev.lawfit.job.results.DuckDbQuery.DEFAULT_MEMORY_LIMIT);
            String source = source(files, input.format(), false);
            List<String> schema = new ArrayList<>();
            // one row is enough to know the input is not empty
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1 FROM " + source + " LIMIT 1")) {
                if (!r.next()) {
                    warnings.add("input " + input.paths() + " has no rows: the run stops without publishing (unless --allow-empty)");
                    return new Result(files.size(), List.of(), warnings, notes, millis(started));
                }
            } catch (SQLException e) {
                notes.add("the input could not be read here (" + firstLine(e.getMessage()) + "): columns not checked; the run reports bad files");
                return new Result(files.size(), List.of(), warnings, notes, millis(started));
            }
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + source)) {
                while (r.next()) schema.add(r.getString(1));
            } catch (SQLException e) {
                notes.add("the input's schema could not be read here (" + firstLine(e.getMessage()) + "): columns not checked; the run reports bad files");
                return new Result(files.size(), List.of(), warnings, notes, millis(started));
            }
            CheckpointContract.checkNotReserved(schema, input.columns().values(), "input " + input.paths());
            Columns columns = resolve(spec, schema);
            if (scanData) dataWarnings(c, spec, source(files, input.format(), true), schema, warnings, notes);
            return new Result(files.size(), new ArrayList<>(columns.available.values()), warnings, notes, millis(started));
        } catch (SQLException e) {
            notes.add("the data checks could not run: " + firstLine(e.getMessage()));
            return new Result(files.size(), List.of(), warnings, notes, millis(started));
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a temporary directory for the check: " + e.getMessage(), e);
        } finally {
            if (spill != null) dev.lawfit.job.results.DuckDbQuery.deleteTree(spill);
        }
    }

    /**
     * A local output path must be a directory lawfit can create and write: a file in the way (the path, or one of its
     * parents) or a directory that cannot be written is exit 2 here, not a stack trace from the middle of a run.
     */
    static void checkOutputWritable(String outputPath) {
        java.net.URI uri = new org.apache.hadoop.fs.Path(outputPath).toUri();
        if (uri.getScheme() != null && !uri.getScheme().equals("file")) return;
        File target = new File(uri.getPath()).getAbsoluteFile();
        File existing = target;
        while (existing != null && !existing.exists()) existing = existing.getParentFile();
        if (existing == null) return;
        if (!existing.isDirectory()) {
            throw new LawfitException("output.path: '" + outputPath + "' cannot be created: " + existing + " is a file, not a directory");
        }
        boolean readOnly;
        try {
            readOnly = Files.getFileStore(existing.toPath()).isReadOnly();
        } catch (IOException e) {
            readOnly = false;
        }
        if (readOnly) {
            // the machine's state, not the spec's: reported as a full disk is (exit 1), found before any work
            throw new LawfitException("output.path: '" + outputPath + "' cannot be written: " + existing + " is on a Read-only file system");
        }
        if (!Files.isWritable(existing.toPath()) || !Files.isExecutable(existing.toPath())) {
            throw new LawfitException("output.path: '" + outputPath + "' cannot be written: " + existing + " is not writable by this user; "
                    + "the previous version is still current");
        }
    }

    /** The columns after mapping, unpivot and derive (lower-case name -> name), and where each contract column comes from. */
    private record Columns(Map<String, String> available, Map<String, String> sourceOf, Set<String> derived) {
    }

    private static Columns resolve(JobSpec spec, List<String> schema) {
        JobSpec.Input input = spec.input();
        Map<String, String> available = new LinkedHashMap<>();
        Map<String, String> sourceOf = new LinkedHashMap<>();
        for (String c : schema) {
            available.put(c.toLowerCase(Locale.ROOT), c);
            sourceOf.put(c.toLowerCase(Locale.ROOT), c);
        }
        Set<String> derived = new LinkedHashSet<>();
        for (String added : List.of(CheckpointContract.SOURCE_FILE, CsvInput.LINE)) {
            available.put(added, added);
            derived.add(added);
        }
        List<String> names = new ArrayList<>(schema);
        for (Map.Entry<String, String> u : input.unpivot().entrySet()) {
            if (!available.containsKey(u.getValue().toLowerCase(Locale.ROOT))) {
                throw new LawfitException("input.unpivot." + u.getKey() + " names loss column '" + u.getValue() + "', which is not in "
                        + input.paths() + suggestion(u.getValue(), names));
            }
        }
        if (!input.unpivot().isEmpty()) {
            for (String c : List.of(CheckpointContract.EVAL_DATASET, CheckpointContract.LOSS)) {
                available.put(c, c);
                derived.add(c);
            }
        }
        input.columns().forEach((contract, src) -> {
            String key = src.toLowerCase(Locale.ROOT);
            if (!sourceOf.containsKey(key)) {
                throw new LawfitException("input.columns." + contract + " names source column '" + src + "', which is not in " + input.paths()
                        + suggestion(src, names));
            }
        });
        input.columns().forEach((contract, src) -> {
            String original = sourceOf.get(src.toLowerCase(Locale.ROOT));
            available.remove(src.toLowerCase(Locale.ROOT));
            available.put(contract.toLowerCase(Locale.ROOT), contract);
            sourceOf.put(contract.toLowerCase(Locale.ROOT), original);
        });
        for (Map.Entry<String, String> d : input.derive().entrySet()) {
            String key = "input.derive." + d.getKey();
            for (String column : SqlSandbox.checkExpression(key, d.getValue())) {
                if (!available.containsKey(column.toLowerCase(Locale.ROOT))) {
                    throw new LawfitException(key + ": '" + d.getValue() + "' reads column '" + column + "', which the input does not have"
                            + suggestion(column, new ArrayList<>(available.values())));
                }
            }
            available.put(d.getKey().toLowerCase(Locale.ROOT), d.getKey());
            derived.add(d.getKey().toLowerCase(Locale.ROOT));
        }
        if (input.filter() != null && !input.filter().isBlank()) {
            for (String column : SqlSandbox.checkExpression("input.filter", input.filter())) {
                if (!available.containsKey(column.toLowerCase(Locale.ROOT))) {
                    throw new LawfitException("input.filter: '" + input.filter() + "' reads column '" + column + "', which the input does not have"
                            + suggestion(column, new ArrayList<>(available.values())));
                }
            }
        }
        List<String> required = new ArrayList<>(CheckpointContract.REQUIRED_KEYS);
        for (String k : spec.groupBy()) if (!required.contains(k)) required.add(k);
        required.addAll(CheckpointContract.REQUIRED_NUMBERS);
        if (spec.temporal() != null && spec.temporal().totalTokens() == null) required.add(CheckpointContract.TOTAL_TOKENS);
        if (spec.schedule() != null) required.add(CheckpointContract.STEP);
        if (spec.downstream() != null) required.add(spec.downstream().errorColumn());
        for (String r : required) {
            if (!available.containsKey(r.toLowerCase(Locale.ROOT))) {
                String why = spec.downstream() != null && r.equals(spec.downstream().errorColumn()) ? "downstream.error_column: the downstream error of task rows"
                        : spec.groupBy().contains(r) && !CheckpointContract.REQUIRED_KEYS.contains(r) ? "group_by names it"
                        : "the checkpoint contract needs it";
                throw new LawfitException("input " + input.paths() + " has no column " + r + " (" + why + ", after input.columns and input.derive)"
                        + suggestion(r, new ArrayList<>(available.values())) + "; map it with input.columns." + r + " or derive it");
            }
        }
        return new Columns(available, sourceOf, derived);
    }

    /**
     * The input as the run sees it, in DuckDB: unpivoted, mapped, with the derived columns evaluated (a spec expression is
     * Spark SQL; most that give group keys, such as a constant or {@code concat(model, '-web')}, mean the same in DuckDB),
     * filtered by {@code input.filter} where DuckDB can evaluate it, and without the rows the run would reject for a
     * missing key or a missing or non-positive number. {@code unknown} gets the derived columns DuckDB could not evaluate.
     */
    private static String asTheRunSees(Connection c, JobSpec spec, String source, List<String> schema, Set<String> unknown, List<String> notes)
            throws SQLException {
        JobSpec.Input input = spec.input();
        String rel = "SELECT * FROM " + source;
        Set<String> present = new LinkedHashSet<>();
        for (String col : schema) present.add(col.toLowerCase(Locale.ROOT));
        if (!input.unpivot().isEmpty()) {
            List<String> on = new ArrayList<>();
            input.unpivot().forEach((eval, col) -> on.add(quote(col) + " AS " + literal(eval)));
            String unpivoted = "UNPIVOT (" + rel + ") ON " + String.join(", ", on) + " INTO NAME " + CheckpointContract.EVAL_DATASET + " VALUE "
                    + CheckpointContract.LOSS;
            if (!describes(c, unpivoted)) {
                notes.add("input.unpivot could not be reproduced here: the checks on groups are left to the run");
                return null;
            }
            rel = unpivoted;
        }
        if (!input.columns().isEmpty()) {
            List<String> excluded = new ArrayList<>(), renamed = new ArrayList<>();
            input.columns().forEach((contract, src) -> {
                if (present.contains(contract.toLowerCase(Locale.ROOT)) && !src.equalsIgnoreCase(contract)) excluded.add(quote(contract));
                renamed.add(quote(src) + " AS " + quote(contract));
            });
            rel = "SELECT * " + (excluded.isEmpty() ? "" : "EXCLUDE (" + String.join(", ", excluded) + ") ") + "RENAME (" + String.join(", ", renamed)
                    + ") FROM (" + rel + ")";
            if (!describes(c, rel)) {
                notes.add("input.columns could not be reproduced here: the checks on groups are left to the run");
                return null;
            }
        }
        for (Map.Entry<String, String> d : input.derive().entrySet()) {
            String name = quote(d.getKey());
            String next = "SELECT * EXCLUDE (" + name + "), (" + d.getValue() + ") AS " + name + " FROM (SELECT *, NULL AS " + name + " FROM (" + rel + "))";
            if (d.getValue().contains(";") || !describes(c, next)) {
                unknown.add(d.getKey().toLowerCase(Locale.ROOT));
                next = "SELECT * EXCLUDE (" + name + "), NULL AS " + name + " FROM (SELECT *, NULL AS " + name + " FROM (" + rel + "))";
            }
            rel = next;
        }
        if (input.filter() != null && !input.filter().isBlank()) {
            String filtered = "SELECT * FROM (" + rel + ") WHERE coalesce(CAST((" + input.filter() + ") AS BOOLEAN), false)";
            if (!input.filter().contains(";") && describes(c, filtered)) {
                rel = filtered;
            } else {
                notes.add("input.filter could not be evaluated here: the data checks read every row (the run applies it)");
            }
        }
        List<String> valid = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>(CheckpointContract.REQUIRED_KEYS);
        keys.addAll(spec.groupBy());
        for (String k : keys) {
            if (!unknown.contains(k.toLowerCase(Locale.ROOT))) valid.add("nullif(trim(CAST(" + quote(k) + " AS VARCHAR)), '') IS NOT NULL");
        }
        for (String n : CheckpointContract.REQUIRED_NUMBERS) {
            if (!unknown.contains(n)) valid.add("coalesce(isfinite(TRY_CAST(" + quote(n) + " AS DOUBLE)) AND TRY_CAST(" + quote(n) + " AS DOUBLE) > 0, false)");
        }
        for (String n : CheckpointContract.OPTIONAL_NUMBERS) {
            // a value that is there must be a finite number, positive (step: not negative)
            String bound = n.equals(CheckpointContract.STEP) ? " >= 0" : " > 0";
            if (!unknown.contains(n) && hasColumn(c, "(" + rel + ")", n)) {
                valid.add("(" + quote(n) + " IS NULL OR coalesce(isfinite(TRY_CAST(" + quote(n) + " AS DOUBLE)) AND TRY_CAST(" + quote(n)
                        + " AS DOUBLE)" + bound + ", false))");
            }
        }
        return "(SELECT * FROM (" + rel + ")" + (valid.isEmpty() ? "" : " WHERE " + String.join(" AND ", valid)) + ")";
    }

    private static boolean describes(Connection c, String relation) {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE " + relation)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Warnings from the data as the run will see it ({@link #asTheRunSees}): rows the run rejects do not count, and a
     * derived group key counts once DuckDB could evaluate it.
     */
    private static void dataWarnings(Connection c, JobSpec spec, String source, List<String> schema, List<String> warnings, List<String> notes)
            throws SQLException {
        Set<String> unknown = new LinkedHashSet<>();
        String rows = asTheRunSees(c, spec, source, schema, unknown, notes);
        if (rows == null) return;
        Set<String> derived = new LinkedHashSet<>();
        for (String d : spec.input().derive().keySet()) derived.add(d.toLowerCase(Locale.ROOT));
        List<String> keys = new ArrayList<>();
        for (String k : spec.groupBy()) {
            if (unknown.contains(k.toLowerCase(Locale.ROOT))) {
                notes.add("group_by column '" + k + "' is derived by an expression DuckDB cannot evaluate here: the checks on groups are left to the run");
                keys = null;
                break;
            }
            keys.add(quote(k));
        }
        if (keys != null && !keys.isEmpty()) {
            List<String> constant = new ArrayList<>();
            for (String k : spec.groupBy()) {
                if (derived.contains(k.toLowerCase(Locale.ROOT))) continue; // a derived key is the spec's own choice, constant or not
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(DISTINCT " + quote(k) + "), min("
                        + quote(k) + ") FROM " + rows)) {
                    if (r.next() && r.getLong(1) == 1) constant.add(k + " = '" + r.getString(2) + "'");
                }
            }
            if (!constant.isEmpty()) {
                warnings.add("group_by " + (constant.size() == 1 ? "key " : "keys ") + String.join(", ", constant)
                        + (constant.size() == 1 ? " has" : " each have") + " one value in the whole input: they split nothing (fine when intended)");
            }
            if (!unknown.contains(CheckpointContract.PARAMS) && !spec.laws().isEmpty()) {
                String groups = String.join(", ", keys);
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FILTER (WHERE sizes < 2), count(*), "
                        + "min(label) FILTER (WHERE sizes < 2) FROM (SELECT " + groups + ", concat_ws(' / ', " + groups + ") AS label, count(DISTINCT TRY_CAST("
                        + quote(CheckpointContract.PARAMS) + " AS DOUBLE)) AS sizes FROM " + rows + " GROUP BY ALL)")) {
                    if (r.next() && r.getLong(1) > 0) {
                        warnings.add(r.getLong(1) + " of " + r.getLong(2) + " groups of group_by " + spec.groupBy() + " have one model size (e.g. "
                                + r.getString(3) + "): the laws in N (" + String.join(", ", spec.laws())
                                + ") cannot be fitted there (too_few_points); is a group_by column the size?");
                    }
                }
            }
        }
        String run = quote(CheckpointContract.RUN_ID);
        boolean runKnown = !unknown.contains(CheckpointContract.RUN_ID);
        if (runKnown && hasColumn(c, rows, CheckpointContract.TOTAL_TOKENS) && !unknown.contains(CheckpointContract.TOTAL_TOKENS)) {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*), min(" + run + ") FROM (SELECT " + run
                    + " FROM " + rows + " GROUP BY 1 HAVING count(DISTINCT TRY_CAST(" + quote(CheckpointContract.TOTAL_TOKENS) + " AS DOUBLE)) > 1)")) {
                if (r.next() && r.getLong(1) > 0) {
                    warnings.add(r.getLong(1) + " run(s) change total_tokens between checkpoints (e.g. run_id '" + r.getString(2)
                            + "'): a run's planned tokens should be one number; the temporal law reads its largest");
                }
            }
        }
        if (runKnown && !unknown.contains(CheckpointContract.TOKENS) && !unknown.contains(CheckpointContract.EVAL_DATASET)) {
            String key = run + ", " + quote(CheckpointContract.EVAL_DATASET) + ", TRY_CAST(" + quote(CheckpointContract.TOKENS) + " AS DOUBLE)";
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*), sum(n), min(label) FROM (SELECT concat_ws(' / ', "
                    + key + ") AS label, count(*) AS n FROM " + rows + " GROUP BY ALL HAVING count(*) > 1)")) {
                if (r.next() && r.getLong(1) > 0) {
                    warnings.add(r.getLong(1) + " checkpoint(s) appear more than once (" + r.getLong(2) + " rows with the same run_id, "
                            + "eval_dataset and tokens, e.g. " + r.getString(3) + "): duplicates count twice in every fit");
                }
            }
        }
        String step = quote(CheckpointContract.STEP), lr = quote(CheckpointContract.LR);
        if (spec.schedule() != null && runKnown && hasColumn(c, rows, CheckpointContract.STEP) && hasColumn(c, rows, CheckpointContract.LR)) {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*), min(label) FROM (SELECT concat_ws(' at step ', "
                    + run + ", " + step + ") AS label FROM " + rows + " GROUP BY ALL HAVING count(DISTINCT TRY_CAST(" + lr
                    + " AS DOUBLE)) > 1)")) {
                if (r.next() && r.getLong(1) > 0) {
                    warnings.add(r.getLong(1) + " step(s) of a run carry two learning rates (e.g. " + r.getString(2)
                            + "): those rows will be rejected as an inconsistent schedule");
                }
            }
        }
    }

    private static boolean hasColumn(Connection c, String relation, String column) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + relation)) {
            while (r.next()) if (r.getString(1).equalsIgnoreCase(column)) return true;
        }
        return false;
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static List<File> dataFiles(File f, String format, List<String> warnings, String key) {
        List<File> out = new ArrayList<>();
        if (InputFiles.hidden(f.getName())) {
            warnings.add(key + ": " + f + " is skipped: names starting with '_' or '.' are skipped (as Spark skips them), so the run reads "
                    + "nothing there");
            return out;
        }
        if (f.isFile()) {
            out.add(f);
            return out;
        }
        try (Stream<Path> walk = Files.walk(f.toPath())) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = p.getFileName().toString();
                boolean hidden = false;
                for (Path part : f.toPath().relativize(p)) hidden |= InputFiles.hidden(part.toString());
                if (hidden || name.endsWith(".crc")) continue;
                boolean expected = format.equals("parquet") ? name.endsWith(".parquet") : name.matches("(?i).*\\.(csv|tsv|txt)(\\.gz)?");
                if (expected) {
                    out.add(p.toFile());
                } else if (format.equals("csv")) {
                    out.add(p.toFile());
                    warnings.add(key + ": " + f.toPath().relativize(p) + " is not a .csv file but the run reads it as CSV (its lines will be rejected "
                            + "if they do not fit a header); list the CSV files or their directory only");
                }
            }
        } catch (IOException e) {
            throw new LawfitException(key + ": cannot list " + f + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The files as DuckDB reads them; {@code withFile} adds each row's file as {@code source_file}, as the run does. */
    private static String source(List<File> files, String format, boolean withFile) {
        StringBuilder list = new StringBuilder("[");
        for (File f : files) list.append(list.length() > 1 ? ", " : "").append("'").append(f.getAbsolutePath().replace("'", "''")).append("'");
        list.append("]");
        String file = withFile ? ", filename = '" + CheckpointContract.SOURCE_FILE + "'" : "";
        return format.equals("parquet")
                ? "read_parquet(" + list + ", union_by_name = true, hive_partitioning = true" + file + ")"
                : "read_csv(" + list + ", header = true, union_by_name = true, all_varchar = true, hive_partitioning = true, "
                        + "ignore_errors = true, null_padding = true" + file + ")";
    }

    private static String quote(String column) {
        return "\"" + column.replace("\"", "\"\"") + "\"";
    }

    /** "; did you mean 'x'?" for the closest name, then the names available. */
    static String suggestion(String wanted, List<String> names) {
        String best = null, prefix = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = wanted.toLowerCase(Locale.ROOT);
        for (String n : names) {
            String lower = n.toLowerCase(Locale.ROOT);
            int d = distance(w, lower);
            if (d < bestDistance) {
                bestDistance = d;
                best = n;
            }
            // a name the wanted one starts with, or that starts with it (N for N_params, loss for loss_val): the longest
            if (!lower.isEmpty() && (w.startsWith(lower) || lower.startsWith(w)) && (prefix == null || n.length() > prefix.length())) prefix = n;
        }
        String guess = best != null && bestDistance <= Math.max(2, wanted.length() / 3) ? best : prefix;
        String mean = guess != null ? "; did you mean '" + guess + "'?" : "";
        return mean + "; available columns: " + names;
    }

    private static String nearby(File f) {
        File parent = f.getAbsoluteFile().getParentFile();
        while (parent != null && !parent.exists()) parent = parent.getParentFile();
        if (parent == null) return "";
        String[] siblings = parent.list();
        if (siblings == null || siblings.length == 0) return " (" + parent + " is empty)";
        List<String> names = java.util.Arrays.stream(siblings).sorted().limit(20).toList();
        String s = suggestion(f.getName(), names);
        return " (in " + parent + s.replace("; available columns: ", ": ") + ")";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.strip().split("\n")[0];
    }

    private static long millis(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
