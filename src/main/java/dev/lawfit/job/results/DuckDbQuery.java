package dev.lawfit.job.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lawfit.LawfitException;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.job.publish.RunHistory;

import java.io.File;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code lawfit sql} without Spark: an in-memory DuckDB with one view per table of the current version (and
 * {@code runs}, the run history), answering in a fraction of a second. Read-only by construction, twice over:
 * (1) DuckDB's own parser must read the text as exactly one SELECT (its {@code json_serialize_sql} serializes
 * nothing else: no COPY, ATTACH, INSTALL, SET, PRAGMA, CREATE, INSERT, EXPLAIN, and no second statement);
 * (2) the engine may touch only the version's and the history's directories ({@code allowed_directories},
 * {@code enable_external_access = false}), with its configuration locked before the query runs. SHOW TABLES
 * and DESCRIBE name are answered from the catalog.
 */
public final class DuckDbQuery {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DESCRIBE = Pattern.compile("(?is)\\s*(describe|desc)\\s+(?:table\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*");
    private static final Pattern SHOW_TABLES = Pattern.compile("(?is)\\s*show\\s+tables\\s*");

    private DuckDbQuery() {
    }

    /** The default of {@code lawfit sql --memory-limit}: DuckDB's own default is 80% of the machine. */
    public static final String DEFAULT_MEMORY_LIMIT = "2GB";
    private static final Pattern MEMORY = Pattern.compile("\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", Pattern.CASE_INSENSITIVE);

    /** The answer, formatted as {@code table}, {@code csv} or {@code json} lines; the views' names go to {@code tables}. */
    public static String answer(String outputPath, String sql, String format, int maxRows, long timeoutSeconds, List<String> tables) {
        return answer(outputPath, null, false, sql, format, maxRows, timeoutSeconds, DEFAULT_MEMORY_LIMIT, tables);
    }

    /**
     * The answer over {@code version} (null: the current one) of a local output, or with {@code history} over every kept
     * version (each table the union of its versions, with a {@code version} column first). The engine's memory is capped at
     * {@code memoryLimit} and it spills, if it must, into a directory of its own that is removed afterwards.
     */
    public static String answer(String outputPath, String version, boolean history, String sql, String format, int maxRows,
                                long timeoutSeconds, String memoryLimit, List<String> tables) {
        if (!List.of("table", "csv", "json").contains(format)) throw new LawfitException("sql --format must be table, csv or json, got '" + format + "'");
        if (!MEMORY.matcher(memoryLimit).matches()) {
            throw new LawfitException("sql --memory-limit must be a size such as 512MB or 4GB, got '" + memoryLimit + "'");
        }
        File versionDir = version == null ? OutputPublisher.localCurrentVersion(outputPath) : OutputPublisher.localVersion(outputPath, version);
        if (versionDir == null) {
            throw new LawfitException("sql: the DuckDB engine reads outputs on this machine; " + outputPath + " is on "
                    + new org.apache.hadoop.fs.Path(outputPath).toUri().getScheme() + ": run with --engine spark");
        }
        File versionsDir = versionDir.getParentFile();
        File runsDir = new File(versionsDir.getParentFile(), RunHistory.DIR);
        List<File> read = history ? keptVersions(versionsDir) : List.of(versionDir);
        java.nio.file.Path spill = null;
        try (Connection c = open()) {
            String query = rewrite(SqlText.statement(sql, SqlText.Dialect.DUCKDB));
            checkOneSelect(c, query);
            tables.addAll(registerViews(c, read, history, runsDir));
            spill = java.nio.file.Files.createTempDirectory("lawfit-sql-");
            lockDown(c, history ? versionsDir : versionDir, runsDir, spill, memoryLimit);
            return run(c, query, format, maxRows, timeoutSeconds);
        } catch (SQLException e) {
            throw new LawfitException("sql: " + message(e.getMessage()), e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a temporary directory for the query engine: " + e.getMessage(), e);
        } finally {
            if (spill != null) deleteTree(spill);
        }
    }

    /** Removes a directory and what it holds (the engine's temporary directory). */
    public static void deleteTree(java.nio.file.Path dir) {
        try (var walk = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) java.nio.file.Files.deleteIfExists(p);
        } catch (IOException ignored) { // a leftover empty temporary directory is harmless
        }
    }

    /**
     * DuckDB's message in one line: its first line, with the lines that help (candidate columns, "did you mean") after it,
     * and without the query echo ({@code LINE 1: ...}) and the caret under it.
     */
    static String message(String text) {
        if (text == null) return "";
        List<String> kept = new ArrayList<>();
        for (String line : text.strip().split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) continue;
            String lower = l.toLowerCase(Locale.ROOT);
            if (kept.isEmpty() || lower.startsWith("candidate") || lower.startsWith("did you mean")) kept.add(l);
        }
        String first = kept.isEmpty() ? "" : kept.get(0);
        if (first.toLowerCase(Locale.ROOT).startsWith("java.")) kept.set(0, first.substring(first.indexOf(':') + 1).strip());
        return String.join("; ", kept);
    }

    /** A new in-memory DuckDB (lawfit sql, lawfit check and the report each open their own). */
    public static Connection open() throws SQLException {
        try {
            Class.forName("org.duckdb.DuckDBDriver");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the DuckDB driver is not on the classpath", e);
        }
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    /** SHOW TABLES and DESCRIBE name, as queries over the catalog. */
    static String rewrite(String sql) {
        if (SHOW_TABLES.matcher(sql).matches()) return "SELECT table_name AS tableName FROM information_schema.tables ORDER BY 1";
        Matcher d = DESCRIBE.matcher(sql);
        if (d.matches()) {
            return "SELECT column_name AS col_name, data_type FROM information_schema.columns WHERE table_name = '" + d.group(2)
                    + "' ORDER BY ordinal_position";
        }
        return sql;
    }

    /** Refuses anything DuckDB's parser does not read as exactly one SELECT, naming why. */
    static void checkOneSelect(Connection c, String sql) throws SQLException {
        JsonNode parsed;
        try (PreparedStatement s = c.prepareStatement("SELECT json_serialize_sql(?)")) {
            s.setString(1, sql);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                parsed = JSON.readTree(r.getString(1));
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable parse of the query", e);
        }
        if (parsed.path("error").asBoolean(false)) {
            String why = parsed.path("error_message").asText("");
            throw new LawfitException("sql: refused (read-only): lawfit sql runs one query (SELECT or WITH ... SELECT) and nothing else"
                    + (why.startsWith("Only SELECT") ? "" : " (" + firstLine(why) + ")"));
        }
        if (parsed.path("statements").size() != 1) {
            throw new LawfitException("sql: refused (read-only): lawfit sql runs one query at a time, got " + parsed.path("statements").size() + " statements");
        }
    }

    /** The published (complete) versions in a versions directory, oldest first. */
    static List<File> keptVersions(File versionsDir) {
        File[] dirs = versionsDir.listFiles(f -> f.isDirectory() && new File(f, OutputPublisher.RUN_RECORD).isFile());
        List<File> out = new ArrayList<>(dirs == null ? List.of() : java.util.Arrays.asList(dirs));
        out.sort(java.util.Comparator.comparing(File::getName));
        return out;
    }

    /**
     * One view per table of the versions read: with one version, its table; with {@code history}, the union (by column
     * name) of the table in every version, with the version's name in a first column {@code version}.
     */
    private static List<String> registerViews(Connection c, List<File> versions, boolean history, File runsDir) throws SQLException {
        Map<String, List<File>> byTable = new java.util.TreeMap<>();
        for (File versionDir : versions) {
            File[] dirs = versionDir.listFiles(f -> f.isDirectory() && !f.getName().startsWith("_") && !f.getName().startsWith("."));
            if (dirs == null) continue;
            for (File d : dirs) {
                if (d.getName().matches("[A-Za-z_][A-Za-z0-9_]*") && hasParquet(d)) byTable.computeIfAbsent(d.getName(), k -> new ArrayList<>()).add(d);
            }
        }
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, List<File>> table : byTable.entrySet()) {
            List<String> parts = new ArrayList<>();
            for (File d : table.getValue()) {
                parts.add("SELECT " + (history ? literal(d.getParentFile().getName()) + " AS version, " : "") + "* FROM read_parquet("
                        + literal(d.getAbsolutePath() + "/**/*.parquet") + ", hive_partitioning = true, union_by_name = true)");
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE VIEW " + table.getKey() + " AS " + String.join(" UNION ALL BY NAME ", parts));
            }
            names.add(table.getKey());
        }
        File[] records = runsDir.listFiles(f -> f.getName().endsWith(".json"));
        if (records != null && records.length > 0) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE VIEW " + RunHistory.DIR + " AS SELECT * FROM read_json_auto(" + literal(runsDir.getAbsolutePath() + "/*.json")
                        + ", union_by_name = true) ORDER BY started");
            }
            names.add(RunHistory.DIR);
        }
        names.sort(null);
        return names;
    }

    private static boolean hasParquet(File dir) {
        try (var files = java.nio.file.Files.walk(dir.toPath())) {
            return files.anyMatch(p -> p.toString().endsWith(".parquet"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * From here on the engine may read the version's and the history's files only, and nothing may change that.
     */
    private static void lockDown(Connection c, File versionDir, File runsDir, java.nio.file.Path spill, String memoryLimit) throws SQLException {
        lockDown(c, List.of(versionDir, runsDir), spill, memoryLimit);
    }

    /**
     * From here on the engine may read files under {@code readable} only, installs and loads no extension, and nothing may
     * change that. Its temporary directory, which DuckDB adds to the allowed ones, is {@code spill}, a new empty one of
     * lawfit's (DuckDB's default, {@code <cwd>/.tmp}, would make that directory readable), and its memory is capped.
     */
    public static void lockDown(Connection c, List<File> readable, java.nio.file.Path spill, String memoryLimit) throws SQLException {
        List<String> dirs = new ArrayList<>();
        for (File d : new java.util.LinkedHashSet<>(readable)) dirs.add(literal(d.getAbsolutePath() + "/"));
        try (Statement s = c.createStatement()) {
            s.execute("SET autoinstall_known_extensions = false");
            s.execute("SET autoload_known_extensions = false");
            s.execute("SET temp_directory = " + literal(spill.toAbsolutePath().toString()));
            s.execute("SET memory_limit = " + literal(memoryLimit));
            s.execute("SET allowed_directories = [" + String.join(", ", dirs) + "]");
            s.execute("SET enable_external_access = false");
            s.execute("SET lock_configuration = true");
        }
    }

    private static String run(Connection c, String sql, String format, int maxRows, long timeoutSeconds) throws SQLException {
        try (Statement s = c.createStatement(); QueryDeadline deadline = new QueryDeadline(timeoutSeconds, () -> {
            try {
                s.cancel();
            } catch (SQLException ignored) { // the query ended meanwhile
            }
        })) {
            try (ResultSet r = s.executeQuery(sql)) {
                return format(r, format, maxRows);
            } catch (SQLException e) {
                if (deadline.passed()) throw new LawfitException("sql: the query ran longer than " + timeoutSeconds + " s and was cancelled");
                throw e;
            }
        }
    }

    static String format(ResultSet r, String format, int maxRows) throws SQLException {
        ResultSetMetaData meta = r.getMetaData();
        int n = meta.getColumnCount();
        String[] columns = new String[n];
        for (int i = 0; i < n; i++) columns[i] = meta.getColumnLabel(i + 1);
        List<Object[]> rows = new ArrayList<>();
        boolean more = false;
        while (r.next()) {
            if (rows.size() == maxRows) {
                more = true;
                break;
            }
            Object[] row = new Object[n];
            for (int i = 0; i < n; i++) row[i] = plain(r.getObject(i + 1));
            rows.add(row);
        }
        if (format.equals("json")) {
            StringBuilder out = new StringBuilder();
            for (Object[] row : rows) {
                Map<String, Object> obj = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) obj.put(columns[i], row[i]);
                try {
                    out.append(JSON.writeValueAsString(obj)).append('\n');
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out.toString();
        }
        List<String[]> cells = new ArrayList<>();
        for (Object[] row : rows) {
            String[] line = new String[n];
            for (int i = 0; i < n; i++) line[i] = row[i] == null ? null : text(row[i]);
            cells.add(line);
        }
        return TextTable.render(format, columns, cells, more);
    }

    /** JDBC's arrays and structs as lists and maps. */
    static Object plain(Object v) throws SQLException {
        if (v instanceof java.sql.Array a) {
            List<Object> out = new ArrayList<>();
            for (Object item : (Object[]) a.getArray()) out.add(plain(item));
            return out;
        }
        if (v instanceof java.sql.Struct s) {
            Map<String, Object> out = new LinkedHashMap<>();
            Object[] values = s.getAttributes();
            if (s instanceof org.duckdb.DuckDBStruct d) {
                Map<String, Object> m = d.getMap();
                for (Map.Entry<String, Object> e : m.entrySet()) out.put(e.getKey(), plain(e.getValue()));
                return out;
            }
            for (int i = 0; i < values.length; i++) out.put(String.valueOf(i), plain(values[i]));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(e.getKey(), plain(e.getValue()));
            return out;
        }
        return v;
    }

    private static String text(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder s = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (s.length() > 1) s.append(", ");
                s.append(e.getKey()).append('=').append(text(e.getValue()));
            }
            return s.append('}').toString();
        }
        if (v instanceof List<?> l) {
            List<String> items = new ArrayList<>();
            for (Object o : l) items.add(text(o));
            return "[" + String.join(", ", items) + "]";
        }
        return String.valueOf(v);
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }


    private static String firstLine(String message) {
        if (message == null) return "";
        String line = message.strip().split("\n")[0].strip();
        return line.toLowerCase(Locale.ROOT).startsWith("java.") ? line.substring(line.indexOf(':') + 1).strip() : line;
    }
}
