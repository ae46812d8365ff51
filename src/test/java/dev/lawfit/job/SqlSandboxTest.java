package dev.lawfit.job;

import dev.lawfit.job.results.ResultQuery;
import dev.lawfit.job.results.SqlSandbox;

import dev.lawfit.LawfitException;
import dev.lawfit.cli.LawfitCommand;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SQL door as an attacker tries it: every probe that calls Java, reads files, runs commands or changes the
 * session is refused with exit 2 and names what it refused; the queries analysts write still run.
 */
class SqlSandboxTest {

    @TempDir
    static Path dir;
    static Path canary;

    @BeforeAll
    static void views() throws Exception {
        SparkSession spark = TestSpark.session();
        spark.sql("""
                SELECT * FROM VALUES
                  ('llama', 'chinchilla', 'ok', map('alpha', 0.34D, 'beta', 0.28D), array(1.0D, 2.0D), named_struct('e', 1.7D), timestamp'2026-01-01 00:00:00'),
                  ('tnl', 'chinchilla', 'too_few_points', map('alpha', 0.31D), array(3.0D), named_struct('e', 1.8D), timestamp'2026-01-02 00:00:00'),
                  ('hgrn2', 'power_compute', 'ok', map('alpha', 0.05D), array(), named_struct('e', 2.0D), timestamp'2026-01-03 00:00:00')
                  AS t(model, law, status, parameters, losses, fit, started)""").createOrReplaceTempView("sandbox_laws");
        canary = dir.resolve("canary.txt");
        Files.writeString(canary, "secret-canary-content");
    }

    private static void refused(String sql, String named) {
        LawfitException e = assertThrows(LawfitException.class, () -> ResultQuery.answer(TestSpark.session(), sql, "csv", 10, 120),
                () -> "answered: " + sql);
        assertTrue(e.getMessage().contains(named), sql + " -> " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void callsIntoJavaAreRefusedNamingTheFunction() {
        String touched = dir.resolve("touched").toString();
        refused("SELECT reflect('java.lang.System', 'getProperty', 'user.home')", "function reflect");
        refused("SELECT java_method('java.lang.System', 'getProperty', 'user.home')", "function java_method");
        refused("SELECT try_reflect('java.lang.System', 'getProperty', 'user.home')", "function try_reflect");
        refused("SELECT reflect('org.apache.spark.util.Utils', 'offsetBytes', '" + canary + "', 40L, 0L, 40L)", "function reflect");
        refused("SELECT reflect('org.apache.spark.util.Utils', 'checkCommandAvailable', concat('true', chr(59), ' touch " + touched + "'))",
                "function reflect");
        refused("SELECT reflect('java.io.File', 'createTempFile', 'lawfit', '.probe')", "function reflect");
        refused("SELECT java_method('java.lang.System', 'setProperty', 'lawfit.probe', 'set')", "function java_method");
        refused("SELECT java_method('java.lang.System', 'exit', 0)", "function java_method");
        refused("SELECT system.builtin.reflect('java.lang.System', 'getProperty', 'user.home')", "qualified function names");
        refused("SELECT builtin.java_method('java.lang.System', 'exit', 0)", "qualified function names");
        // hidden in every place an expression can stand
        refused("VALUES (reflect('java.lang.System', 'getProperty', 'user.home'))", "function reflect");
        refused("SELECT 1 LIMIT java_method('java.lang.Integer', 'parseInt', '1')", "function java_method");
        refused("SELECT (SELECT reflect('java.lang.System', 'getProperty', 'user.home'))", "function reflect");
        refused("WITH t AS (SELECT reflect('java.lang.System', 'getProperty', 'user.home') AS v) SELECT * FROM t", "function reflect");
        refused("SELECT transform(losses, x -> reflect('java.lang.System', 'getProperty', 'user.home')) FROM sandbox_laws", "function reflect");
        refused("SELECT * FROM sandbox_laws WHERE EXISTS (SELECT java_method('java.lang.System', 'exit', 0))", "function java_method");
        refused("SELECT * FROM range(java_method('java.lang.Integer', 'parseInt', '3'))", "function java_method");
        refused("EXPLAIN SELECT reflect('java.lang.System', 'getProperty', 'user.home')", "function reflect");
        refused("SELECT * FROM sandbox_laws ORDER BY reflect('java.lang.System', 'getProperty', 'user.home')", "function reflect");
        refused("SELECT model, count(*) FROM sandbox_laws GROUP BY model HAVING java_method('java.lang.Integer', 'parseInt', '1') > 0",
                "function java_method");
        assertFalse(Files.exists(Path.of(touched)), "no command ran");
        assertEquals(null, System.getProperty("lawfit.probe"), "the JVM was not changed");
    }

    @Test
    void xmlFileAndSessionFunctionsAreRefused() {
        String doctype = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file://" + canary + "\">]><a>&e;</a>";
        refused("SELECT xpath_string('" + doctype + "', 'a')", "function xpath_string");
        refused("SELECT from_xml('" + doctype + "', 'a STRING')", "function from_xml");
        refused("SELECT schema_of_xml('<a>1</a>')", "function schema_of_xml");
        refused("SELECT input_file_name() FROM sandbox_laws", "function input_file_name");
        refused("SELECT current_user()", "function current_user");
        refused("SELECT raise_error('x')", "function raise_error");
        refused("SELECT aes_decrypt(unhex('00'), '0000111122223333')", "function aes_decrypt");
        refused("SELECT url_decode('a%20b')", "function url_decode");
        refused("SELECT * FROM python_worker_logs()", "table function python_worker_logs");
        refused("SELECT * FROM read_files('" + canary + "')", "table function read_files");
    }

    @Test
    void pathsStatementsAndScriptsAreRefused() {
        refused("SELECT * FROM text.`" + canary + "`", "only the published tables can be read");
        refused("SELECT * FROM parquet.`/etc`", "only the published tables can be read");
        refused("SELECT * FROM json.`file://" + canary + "`", "only the published tables can be read");
        refused("SELECT * FROM spark_catalog.default.x", "only the published tables can be read");
        refused("SELECT * FROM IDENTIFIER('text.`" + canary + "`')", "only queries run");
        refused("SELECT TRANSFORM(model) USING 'cat' AS (m) FROM sandbox_laws", "ScriptTransformation");
        refused("CREATE TEMPORARY FUNCTION f AS 'java.lang.System'", "'CREATE' statements are refused");
        refused("SET spark.sql.runSQLOnFiles=true", "'SET' statements are refused");
        refused("ADD JAR /tmp/x.jar", "'ADD' statements are refused");
        refused("EXECUTE IMMEDIATE 'SELECT 1'", "'EXECUTE' statements are refused");
        refused("DECLARE v INT", "'DECLARE' statements are refused");
        refused("WITH t AS (SELECT * FROM sandbox_laws) INSERT INTO sandbox_laws SELECT * FROM t", "InsertIntoStatement");
        refused("DESCRIBE FUNCTION reflect", "only queries run");
        refused("SHOW FUNCTIONS", "only queries run");
        refused("EXPLAIN INSERT INTO sandbox_laws SELECT * FROM sandbox_laws", "InsertIntoStatement");
        refused("SELECT 1; SELECT 2", "cannot parse");
        assertEquals(3, TestSpark.session().table("sandbox_laws").count(), "the view is unchanged");
        assertEquals("false", TestSpark.session().conf().get("spark.sql.runSQLOnFiles"));
    }

    @Test
    void theQueriesAnalystsWriteStillRun() {
        List<String> queries = List.of(
                "SELECT model, round(parameters['alpha'], 3) AS alpha FROM sandbox_laws WHERE law = 'chinchilla' AND status = 'ok' ORDER BY model",
                "SELECT law, count(*) AS n, avg(parameters['alpha']), stddev(parameters['alpha']), percentile_approx(parameters['alpha'], 0.5) FROM sandbox_laws GROUP BY law",
                "SELECT model, row_number() OVER (PARTITION BY law ORDER BY model) AS r, lag(model) OVER (ORDER BY started) FROM sandbox_laws",
                "SELECT model, sum(fit.e) OVER (ORDER BY started ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM sandbox_laws",
                "WITH ok AS (SELECT * FROM sandbox_laws WHERE status = 'ok') SELECT count(*) FROM ok",
                "SELECT * FROM sandbox_laws WHERE model IN (SELECT model FROM sandbox_laws WHERE status <> 'ok')",
                "SELECT * FROM sandbox_laws l WHERE EXISTS (SELECT 1 FROM sandbox_laws m WHERE m.model = l.model)",
                "SELECT (SELECT max(started) FROM sandbox_laws) AS latest",
                "SELECT model, transform(losses, x -> x * 2), filter(losses, x -> x > 1), aggregate(losses, 0D, (a, x) -> a + x) FROM sandbox_laws",
                "SELECT model, explode(losses) FROM sandbox_laws",
                "SELECT model, l FROM sandbox_laws LATERAL VIEW explode(losses) t AS l",
                "SELECT * FROM range(5)",
                "SELECT * FROM stack(2, 'a', 1, 'b', 2)",
                "SELECT map_keys(parameters), map_values(parameters), element_at(parameters, 'alpha'), size(losses), array_sort(losses) FROM sandbox_laws",
                "SELECT to_json(parameters), from_json('{\"a\": 1}', 'a INT').a, get_json_object('{\"a\": 2}', '$.a') FROM sandbox_laws",
                "SELECT CASE WHEN status = 'ok' THEN 1 ELSE 0 END, if(law LIKE 'chin%', 'c', 'p'), coalesce(null, 1), nvl(null, 2) FROM sandbox_laws",
                "SELECT * FROM sandbox_laws WHERE parameters['alpha'] BETWEEN 0.1 AND 0.4 AND model RLIKE '^[a-z]+'",
                "SELECT cast(parameters['alpha'] AS STRING), try_cast('x' AS INT), parameters['alpha']::float FROM sandbox_laws",
                "SELECT date_format(started, 'yyyy-MM-dd'), datediff(current_date(), to_date(started)), started + INTERVAL 1 DAY, "
                        + "year(started), extract(MONTH FROM started), current_timestamp() FROM sandbox_laws",
                "SELECT exp(1), ln(2), log10(100), pow(2, 10), sqrt(4), abs(-1), greatest(1, 2), least(1, 2), 7 % 3, -parameters['alpha'] FROM sandbox_laws",
                "SELECT concat_ws('/', model, law), upper(model), substring(model, 1, 2), regexp_extract(model, '([a-z]+)', 1), "
                        + "format_number(1234.5, 1), lpad(model, 8, '.'), split(model, 'a'), model || '!' FROM sandbox_laws",
                "SELECT law, model, count(*) FROM sandbox_laws GROUP BY ROLLUP (law, model)",
                "SELECT law, count(*) FROM sandbox_laws GROUP BY law HAVING count(*) > 1",
                "SELECT * FROM sandbox_laws PIVOT (count(*) FOR status IN ('ok', 'too_few_points'))",
                "SELECT model FROM sandbox_laws UNION SELECT law FROM sandbox_laws EXCEPT SELECT 'x'",
                "SELECT model, collect_list(law), count(DISTINCT status), approx_count_distinct(law), max_by(model, started) FROM sandbox_laws GROUP BY model",
                "SELECT model FROM sandbox_laws ORDER BY 1 DESC LIMIT 2 OFFSET 1",
                "SELECT struct(model, law).model, named_struct('a', 1).a, array(1, 2)[0], fit.e FROM sandbox_laws",
                "SELECT typeof(parameters), hash(model), md5(model), sha2(model, 256) FROM sandbox_laws",
                "SELECT ntile(2) OVER (ORDER BY model), first_value(model) OVER (ORDER BY model), percent_rank() OVER (ORDER BY model) FROM sandbox_laws",
                "SELECT * FROM sandbox_laws TABLESAMPLE (50 PERCENT)",
                "SELECT /*+ BROADCAST(m) */ l.model FROM sandbox_laws l JOIN sandbox_laws m ON l.model = m.model",
                "SELECT * FROM sandbox_laws l LEFT ANTI JOIN sandbox_laws m ON l.model = m.law",
                "SELECT * FROM sandbox_laws DISTRIBUTE BY law SORT BY model",
                "SELECT * FROM sandbox_laws, LATERAL (SELECT size(losses) AS n)",
                "SELECT model, p.key, p.value FROM sandbox_laws LATERAL VIEW explode(parameters) p",
                "SELECT ifnull(NULL, 1), nullif(1, 1), isnan(double('NaN')), isnull(model), model IS NOT NULL, model <=> 'x' FROM sandbox_laws",
                "SELECT round(avg(parameters['alpha']) FILTER (WHERE status = 'ok'), 3) FROM sandbox_laws",
                "VALUES (1, 'a'), (2, 'b')",
                "TABLE sandbox_laws",
                "FROM sandbox_laws SELECT model",
                "DESCRIBE sandbox_laws",
                "DESCRIBE TABLE EXTENDED sandbox_laws",
                "SHOW TABLES",
                "SHOW COLUMNS IN sandbox_laws",
                "EXPLAIN SELECT * FROM sandbox_laws WHERE status = 'ok'",
                "DESCRIBE QUERY SELECT model FROM sandbox_laws");
        List<String> failures = new ArrayList<>();
        for (String q : queries) {
            try {
                ResultQuery.run(TestSpark.session(), q).collectAsList();
            } catch (RuntimeException e) {
                failures.add(q + "\n    -> " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) fail(failures.size() + " ordinary queries refused:\n" + String.join("\n", failures));
    }

    @Test
    void theAllowListNamesOnlyFunctionsSparkHasAndNoneThatReachOutside() {
        for (String name : SqlSandbox.FUNCTIONS) {
            assertTrue(TestSpark.session().sessionState().functionRegistry()
                    .functionExists(org.apache.spark.sql.catalyst.FunctionIdentifier.apply(name)), "Spark has no function " + name);
        }
        for (String dangerous : List.of("reflect", "java_method", "try_reflect", "input_file_name", "xpath", "xpath_string", "from_xml",
                "schema_of_xml", "raise_error", "assert_true", "current_user", "aes_decrypt", "aes_encrypt", "spark_partition_id",
                "monotonically_increasing_id", "uuid", "version", "url_decode", "parse_url", "from_avro", "from_protobuf")) {
            assertFalse(SqlSandbox.FUNCTIONS.contains(dangerous), dangerous + " must not be allowed");
        }
    }

    @Test
    void specExpressionsAreCheckedAgainAsSparkAnalysesThem() {
        org.apache.spark.sql.types.StructType schema = TestSpark.session().table("sandbox_laws").schema();
        // the analysed check alone (the parsed one runs before it) refuses what would run Java, however it is named
        for (String text : List.of("reflect('java.lang.System', 'getProperty', 'user.home')",
                "IDENTIFIER('java_method')('java.lang.System', 'getProperty', 'user.home')")) {
            LawfitException e = assertThrows(LawfitException.class,
                    () -> SqlSandbox.checkAnalyzedExpression(TestSpark.session(), "input.derive.x", text, schema), text);
            assertTrue(e.getMessage().startsWith("input.derive.x refused: the query uses"), e.getMessage());
        }
        for (String text : List.of("concat(model, '-x')", "row_number() over (order by law desc)", "parameters['alpha'] * 2",
                "CASE WHEN status = 'ok' THEN 1 ELSE 0 END", "transform(losses, x -> x + 1)")) {
            SqlSandbox.checkAnalyzedExpression(TestSpark.session(), "input.derive.x", text, schema);
            SqlSandbox.checkExpression("input.derive.x", text);
        }
    }

    @Test
    void commentMarksInsideLiteralsAreNotComments(@TempDir Path empty) throws Exception {
        Path out = publishedLaws(empty);
        for (String engine : List.of("duckdb", "spark")) {
            StringWriter err = new StringWriter();
            java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            java.io.PrintStream saved = System.out;
            System.setOut(new java.io.PrintStream(printed, true));
            try {
                assertEquals(0, LawfitCommand.execute(new PrintWriter(err, true), "sql", "--engine", engine, "--format", "csv", "--output",
                        out.toString(), "SELECT 'a/*b' AS x, 'c*/d' AS y, count(*) AS n FROM laws WHERE law <> '--' -- a real comment"), err.toString());
            } finally {
                System.setOut(saved);
            }
            assertEquals("x,y,n\na/*b,c*/d,3", printed.toString().strip(), engine);
        }
    }

    /**
     * {@code lawfit sql --engine spark} started from the command line (its own Spark session, as a user runs it) leaves no
     * {@code spark-warehouse/} in the current directory: Spark's warehouse goes to a temporary directory that is removed.
     */
    @Test
    void theSparkEngineLeavesNoWarehouseInTheCurrentDirectory(@TempDir Path dir) throws Exception {
        Path out = publishedLaws(dir.resolve("published"));
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("@" + Path.of("conf", "jvm-options.txt").toAbsolutePath());
        command.add("-Xmx1g");
        command.add("-Dlog4j2.configurationFile=" + Path.of("conf", "log4j2-test.properties").toAbsolutePath());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(List.of(LawfitCommand.class.getName(), "sql", "--engine", "spark", "--format", "csv", "--output", out.toString(),
                "SELECT count(*) AS n FROM laws"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process child = builder.start();
        boolean finished = child.waitFor(600, java.util.concurrent.TimeUnit.SECONDS);
        if (!finished) child.destroyForcibly().waitFor();
        String log = Files.readString(dir.resolve("child.log"));
        assertTrue(finished, "lawfit sql did not finish in 600 s:\n" + log);
        assertEquals(0, child.exitValue(), log);
        assertTrue(log.contains("n\n3"), log);
        try (var left = Files.list(cwd)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(), "nothing written to the current directory");
        }
    }

    /** An output with a CURRENT version holding one small table. */
    private static Path publishedLaws(Path root) throws Exception {
        Path out = root.resolve("out");
        Path version = out.resolve("versions").resolve("v1");
        TestSpark.session().table("sandbox_laws").drop("parameters", "losses", "fit").write().parquet(version.resolve("laws").toString());
        Files.createDirectories(out.resolve("runs"));
        Files.writeString(version.resolve("_lawfit_run.json"), "{}");
        Files.writeString(out.resolve("CURRENT"), "v1\n");
        return out;
    }

    @Test
    void theDuckDbDoorKeepsToTheVersion(@TempDir Path empty) throws Exception {
        Path out = publishedLaws(empty);
        // DuckDB's default temporary directory, <cwd>/.tmp, is neither readable nor where it spills
        Path cwdTmp = Path.of(".tmp").toAbsolutePath();
        boolean made = !Files.exists(cwdTmp);
        Files.createDirectories(cwdTmp);
        Path leak = cwdTmp.resolve("lawfit-canary-" + System.nanoTime());
        Files.writeString(leak, "secret-canary-content");
        try {
            String[] probes = {"SELECT * FROM read_csv('" + leak + "', header = false)", "SELECT count(*) FROM glob('" + cwdTmp + "/*')",
                    "SELECT count(*) FROM glob('.tmp/*')"};
            for (String probe : probes) {
                StringWriter err = new StringWriter();
                assertEquals(2, LawfitCommand.execute(new PrintWriter(err, true), "sql", "--output", out.toString(), probe), probe + " -> " + err);
                assertTrue(err.toString().contains("Permission Error") && !err.toString().contains("secret"), probe + " -> " + err);
            }
        } finally {
            Files.deleteIfExists(leak);
            if (made) Files.deleteIfExists(cwdTmp);
        }
        String settings = dev.lawfit.job.results.DuckDbQuery.answer(out.toString(), null, false,
                "SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t", "csv", 10, 60, "1GB", new ArrayList<>());
        assertTrue(settings.contains("953.6 MiB") && !settings.contains(".tmp"), settings);
        // a pointer that leads out of the versions is refused, not followed
        Files.writeString(out.resolve("CURRENT"), "../../../etc\n");
        for (String engine : List.of("duckdb", "spark")) {
            StringWriter err = new StringWriter();
            assertEquals(2, LawfitCommand.execute(new PrintWriter(err, true), "sql", "--engine", engine, "--output", out.toString(), "SHOW TABLES"));
            assertTrue(err.toString().contains("names version '../../../etc', which is not a version name"), err.toString());
        }
        Files.writeString(out.resolve("CURRENT"), "v1\n");
        // DuckDB's own suggestion survives into the one line
        StringWriter err = new StringWriter();
        assertEquals(2, LawfitCommand.execute(new PrintWriter(err, true), "sql", "--output", out.toString(), "SELECT stauts FROM laws"));
        assertTrue(err.toString().contains("stauts") && err.toString().contains("\"status\"") && err.toString().strip().lines().count() == 1,
                err.toString());
        StringWriter bad = new StringWriter();
        assertEquals(2, LawfitCommand.execute(new PrintWriter(bad, true), "sql", "--memory-limit", "lots", "--output", out.toString(), "SELECT 1"));
        assertTrue(bad.toString().contains("--memory-limit must be a size"), bad.toString());
    }

    @Test
    void aQueryThatRunsTooLongIsCancelled() {
        LawfitException e = assertThrows(LawfitException.class, () -> ResultQuery.answer(TestSpark.session(),
                "SELECT count(*) FROM range(100000000) a CROSS JOIN range(100000000) b WHERE a.id + b.id < 0", "table", 10, 2));
        assertTrue(e.getMessage().contains("ran longer than 2 s and was cancelled"), e.getMessage());
        // the session still answers afterwards
        assertEquals("1\n", ResultQuery.answer(TestSpark.session(), "SELECT 1 AS x", "csv", 10, 60).split("\n", 2)[1]);
    }

    @Test
    void aMistakeInAQueryIsExit2WithOneLineAndSparksSuggestion() {
        refused("SELECT stauts FROM sandbox_laws", "`stauts` cannot be resolved");
        refused("SELECT stauts FROM sandbox_laws", "status");
        refused("SELECT * FROM lwas", "lwas");
        refused("SELEC * FROM sandbox_laws", "'SELEC' statements are refused");
        refused("SELECT * FROM sandbox_laws WHERE (", "cannot parse");
        refused("SELECT from_json('{', 'a INT', map('mode', 'FAILFAST'))", "MALFORMED_RECORD_IN_PARSING");
    }

    @Test
    void theCommandLineRefusesWithExit2AndNoStackTrace(@TempDir Path empty) throws Exception {
        // an output with a CURRENT version holding one small table
        Path out = empty.resolve("out");
        Path version = out.resolve("versions").resolve("v1");
        TestSpark.session().table("sandbox_laws").drop("parameters", "losses", "fit").write().parquet(version.resolve("laws").toString());
        Files.createDirectories(out.resolve("runs"));
        Files.writeString(out.resolve("CURRENT"), "v1\n");
        String[][] probes = {
                {"SELECT reflect('java.lang.System', 'getProperty', 'user.home')", "function reflect"},
                {"SELECT java_method('java.lang.System', 'exit', 0)", "function java_method"},
                {"SELECT * FROM text.`" + canary + "`", "only the published tables"},
                {"SELECT stauts FROM laws", "`stauts` cannot be resolved"},
                {"DROP VIEW laws", "read-only"}};
        for (String[] probe : probes) {
            StringWriter err = new StringWriter();
            assertEquals(2, LawfitCommand.execute(new PrintWriter(err, true), "sql", "--engine", "spark", "--output", out.toString(), probe[0]), probe[0]);
            assertTrue(err.toString().contains(probe[1]), probe[0] + " -> " + err);
            assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
            // the default engine (DuckDB) refuses or fails each the same way: exit 2, one line, nothing run
            StringWriter duck = new StringWriter();
            assertEquals(2, LawfitCommand.execute(new PrintWriter(duck, true), "sql", "--output", out.toString(), probe[0]), probe[0]);
            assertTrue(duck.toString().startsWith("lawfit: error: sql: ") && duck.toString().strip().lines().count() == 1, probe[0] + " -> " + duck);
        }
        StringWriter err = new StringWriter();
        assertEquals(0, LawfitCommand.execute(new PrintWriter(err, true), "sql", "--output", out.toString(),
                "SELECT count(*) AS n FROM laws WHERE status = 'ok'"), err.toString());
    }
}
