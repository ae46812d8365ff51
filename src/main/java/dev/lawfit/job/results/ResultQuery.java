package dev.lawfit.job.results;

import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.job.publish.RunHistory;

import dev.lawfit.LawfitException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Read-only Spark SQL over a published output: every table of the current version is a view under its
 * name. Only queries run (SELECT, WITH, VALUES, TABLE, FROM, SHOW, DESCRIBE, EXPLAIN), built from the
 * functions {@link SqlSandbox} allows; anything else is refused before it is analysed or run.
 */
public final class ResultQuery {

    private static final Set<String> QUERY_KEYWORDS = Set.of("select", "with", "values", "table", "from", "show", "describe", "desc", "explain");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResultQuery.class);

    private ResultQuery() {
    }

    /**
     * Registers each table of the current version as a temporary view, and the output's run history as
     * {@code runs}; returns the table names.
     */
    public static List<String> registerViews(SparkSession spark, String outputPath) {
        return registerViews(spark, outputPath, null, false);
    }

    /**
     * Registers each table of {@code version} (null: the current one), or with {@code history} the union of each table over
     * every kept version with the version's name in a first column {@code version}; and the run history as {@code runs}.
     */
    public static List<String> registerViews(SparkSession spark, String outputPath, String version, boolean history) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path current = OutputPublisher.currentVersion(conf, outputPath);
        if (current == null) {
            throw new LawfitException("no published results under " + outputPath + " (no CURRENT file): run a job with output.path: " + outputPath);
        }
        List<String> kept = OutputPublisher.publishedVersions(conf, outputPath);
        List<Path> read = new ArrayList<>();
        if (history) {
            for (String v : kept) read.add(new Path(current.getParent(), v));
        } else if (version != null) {
            if (!kept.contains(OutputPublisher.checkedVersion(version, "--version"))) {
                throw new LawfitException("version " + version + " is not a published version under " + outputPath + "; kept: " + kept);
            }
            read.add(new Path(current.getParent(), version));
        } else {
            read.add(current);
        }
        lockDown(spark);
        java.util.Map<String, Dataset<Row>> views = new java.util.TreeMap<>();
        try {
            for (Path dir : read) {
                FileSystem fs = dir.getFileSystem(conf);
                for (FileStatus s : fs.listStatus(dir)) {
                    if (!s.isDirectory() || s.getPath().getName().startsWith("_") || s.getPath().getName().startsWith(".")) continue;
                    Dataset<Row> table = spark.read().parquet(s.getPath().toString());
                    if (history) table = table.select(org.apache.spark.sql.functions.lit(dir.getName()).as("version"), org.apache.spark.sql.functions.col("*"));
                    views.merge(s.getPath().getName(), table, (a, b) -> a.unionByName(b, true));
                }
            }
        } catch (IOException e) {
            throw new LawfitException("cannot list the tables of " + read + ": " + e.getMessage(), e);
        }
        views.forEach((name, table) -> table.createOrReplaceTempView(name));
        List<String> tables = new ArrayList<>(views.keySet());
        RunHistory.table(spark, outputPath).createOrReplaceTempView(RunHistory.DIR);
        tables.add(RunHistory.DIR);
        tables.sort(null);
        return tables;
    }

    /**
     * Refuses anything but a query, with the reason, before anything is analysed or run: Spark's parser reads the
     * statement and {@link SqlSandbox#checkParsed} checks every node, function and relation. Returns the parsed plan.
     */
    public static LogicalPlan checkReadOnly(SparkSession spark, String sql) {
        String trimmed = statement(sql);
        if (trimmed.isEmpty()) throw new LawfitException("sql: the query is empty");
        String first = trimmed.split("[\\s(]+", 2)[0].toLowerCase(Locale.ROOT);
        if (!QUERY_KEYWORDS.contains(first)) {
            throw new LawfitException("sql is read-only: '" + first.toUpperCase(Locale.ROOT) + "' statements are refused; only queries run "
                    + "(SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE, EXPLAIN)");
        }
        LogicalPlan plan;
        try {
            plan = spark.sessionState().sqlParser().parsePlan(trimmed);
        } catch (Exception e) { // ParseException is checked in Java but thrown undeclared from Scala
            throw new LawfitException("sql: cannot parse the query: " + LawfitException.firstLine(e), e);
        }
        SqlSandbox.checkParsed(plan);
        return plan;
    }

    /**
     * Runs a checked query over the registered views: parsed and checked, analysed without running anything and
     * checked again expression by expression, then run. A query's mistake (an unknown column or table) is a
     * {@link LawfitException} with Spark's one-line message and suggestion.
     */
    public static Dataset<Row> run(SparkSession spark, String sql) {
        LogicalPlan parsed = checkReadOnly(spark, sql);
        lockDown(spark);
        try {
            LogicalPlan analyzed = spark.sessionState().executePlan(parsed,
                    org.apache.spark.sql.execution.CommandExecutionMode.SKIP()).analyzed();
            SqlSandbox.checkAnalyzed(spark, analyzed);
            return spark.sql(statement(sql));
        } catch (LawfitException e) {
            throw e;
        } catch (Exception e) { // AnalysisException is checked in Java but thrown undeclared from Scala
            LOG.debug("query failed", e);
            throw new LawfitException("sql: " + LawfitException.firstLine(e), e);
        }
    }

    /**
     * Runs a checked query and formats at most {@code maxRows} rows, cancelling its Spark jobs (by job group) when it
     * runs longer than {@code timeoutSeconds}.
     */
    public static String answer(SparkSession spark, String sql, String format, int maxRows, long timeoutSeconds) {
        return answer(spark, () -> run(spark, sql), format, maxRows, timeoutSeconds);
    }

    /** As {@link #answer(SparkSession, String, String, int, long)}, for a query planned by {@code query} (tests: a slow planner). */
    static String answer(SparkSession spark, java.util.function.Supplier<Dataset<Row>> query, String format, int maxRows, long timeoutSeconds) {
        if (timeoutSeconds <= 0) throw new LawfitException("sql --timeout must be a positive number of seconds, got " + timeoutSeconds);
        if (maxRows <= 0) throw new LawfitException("sql --max-rows must be positive, got " + maxRows);
        String group = "lawfit-sql-" + java.util.UUID.randomUUID();
        spark.sparkContext().setJobGroup(group, "lawfit sql", true);
        QueryDeadline deadline = new QueryDeadline(timeoutSeconds, () -> spark.sparkContext().cancelJobGroup(group));
        try {
            return format(query.get(), format, maxRows);
        } catch (LawfitException e) {
            throw e;
        } catch (Exception e) { // SparkException (a cancelled job) is checked in Java but thrown undeclared from Scala
            if (deadline.passed()) throw timeout(timeoutSeconds, e);
            throw new LawfitException("sql: " + LawfitException.firstLine(e), e);
        } finally {
            deadline.close();
            spark.sparkContext().clearJobGroup();
        }
    }

    private static LawfitException timeout(long seconds, Exception e) {
        return new LawfitException("sql: the query ran longer than " + seconds + " s and was cancelled (--timeout SECONDS to allow more; "
                + "--max-rows does not bound the work a query does)", e);
    }

    /** Session settings that keep a query to the registered views: no SQL on files by path. */
    private static void lockDown(SparkSession spark) {
        spark.conf().set("spark.sql.runSQLOnFiles", "false");
    }

    /** The statement without comments (outside literals), surrounding blanks and one trailing ';'. */
    static String statement(String sql) {
        return SqlText.statement(sql, SqlText.Dialect.SPARK);
    }

    /** Rows as an aligned text table (nulls as NULL), CSV (RFC 4180 quoting) or JSON lines. */
    public static String format(Dataset<Row> result, String format, int maxRows) {
        StringBuilder out = new StringBuilder();
        if (format.equals("json")) {
            for (String line : result.limit(maxRows).toJSON().collectAsList()) out.append(line).append('\n');
            return out.toString();
        }
        String[] columns = result.columns();
        List<Row> rows = result.limit(maxRows + 1).collectAsList();
        boolean more = rows.size() > maxRows;
        if (more) rows = rows.subList(0, maxRows);
        if (!format.equals("csv") && !format.equals("table")) throw new LawfitException("sql --format must be table, csv or json, got '" + format + "'");
        List<String[]> cells = new ArrayList<>();
        for (Row r : rows) {
            String[] line = new String[columns.length];
            for (int i = 0; i < columns.length; i++) line[i] = r.isNullAt(i) ? null : text(r.get(i));
            cells.add(line);
        }
        return TextTable.render(format, columns, cells, more);
    }

    private static String text(Object value) {
        if (value instanceof scala.collection.Map<?, ?> map) {
            StringBuilder s = new StringBuilder("{");
            scala.collection.Iterator<? extends scala.Tuple2<?, ?>> it = map.iterator();
            while (it.hasNext()) {
                scala.Tuple2<?, ?> e = it.next();
                if (s.length() > 1) s.append(", ");
                s.append(e._1()).append('=').append(text(e._2()));
            }
            return s.append('}').toString();
        }
        if (value instanceof scala.collection.Seq<?> seq) {
            List<String> items = new ArrayList<>();
            scala.collection.Iterator<?> it = seq.iterator();
            while (it.hasNext()) items.add(text(it.next()));
            return "[" + String.join(", ", items) + "]";
        }
        return String.valueOf(value);
    }

}
