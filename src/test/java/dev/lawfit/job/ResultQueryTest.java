package dev.lawfit.job;

import dev.lawfit.job.results.ResultQuery;

import dev.lawfit.LawfitException;
import dev.lawfit.cli.LawfitCommand;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's SQL cookbook against a generated output, and the read-only guard. */
class ResultQueryTest {

    @TempDir
    static Path dir;
    static String output;

    @BeforeAll
    static void publish() {
        output = dir.resolve("out").toString();
        // the quickstart's study, with TNL cut to two sizes so its chinchilla fit cannot be determined
        LawfitJob.run(TestSpark.session(), JobSpecReader.parse("""
                sample: {preset: linear_complexity, seed: 42, bad_rows: 6}
                input: {paths: ['%s'], filter: "not (model = 'tnl' and params > 2e8)"}
                fit: {polish_starts: 4}
                bootstrap: {resamples: 0}
                output: {path: '%s'}
                """.formatted(dir.resolve("archive"), output), "test"));
        assertTrue(ResultQuery.registerViews(TestSpark.session(), output).containsAll(List.of("laws", "predictions", "rejects", "frontier")));
    }

    /** docs/sql.md's cookbook, as it is printed there. */
    static List<String> cookbook() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(Path.of("docs/sql.md"));
        int from = readme.indexOf("The cookbook (each query is run by `ResultQueryTest`");
        int open = readme.indexOf("```sql", from) + 6;
        String block = readme.substring(open, readme.indexOf("```", open));
        List<String> queries = new java.util.ArrayList<>();
        for (String q : block.split(";")) if (!q.strip().isEmpty()) queries.add(q.strip());
        return queries;
    }

    private static String duck(String sql, String format) {
        return dev.lawfit.job.results.DuckDbQuery.answer(output, sql, format, 1000, 60, new java.util.ArrayList<>());
    }

    @Test
    void duckDbAnswersTheCookbookAsSparkDoes() throws java.io.IOException {
        List<String> queries = cookbook();
        assertEquals(5, queries.size(), queries.toString());
        for (String q : queries) {
            String spark = ResultQuery.format(ResultQuery.run(TestSpark.session(), q), "csv", 1000);
            String duck = duck(q, "csv");
            List<String> s = spark.lines().toList(), d = duck.lines().toList();
            assertEquals(s.get(0), d.get(0), "the same columns: " + q);
            assertEquals(s.size(), d.size(), "the same rows: " + q + "\n" + spark + "\n" + duck);
            for (int i = 1; i < s.size(); i++) {
                String[] a = s.get(i).split(","), b = d.get(i).split(",");
                assertEquals(a.length, b.length, q);
                for (int k = 0; k < a.length; k++) {
                    if (a[k].matches("-?[0-9.Ee+-]+") && b[k].matches("-?[0-9.Ee+-]+")) {
                        double x = Double.parseDouble(a[k]);
                        assertEquals(x, Double.parseDouble(b[k]), 1e-9 * Math.max(1, Math.abs(x)), q);
                    } else {
                        assertEquals(a[k], b[k], q);
                    }
                }
            }
        }
    }

    @Test
    void duckDbRefusesAnythingButOneQueryAndFilesOutsideTheVersion() throws java.io.IOException {
        Path version = Path.of(output, "versions", java.nio.file.Files.readString(Path.of(output, "CURRENT")).strip());
        Path marker = dir.resolve("written.csv");
        String q = "'";
        for (String probe : List.of("COPY (SELECT 1) TO " + q + marker + q, "COPY (SELECT 1) TO " + q + version.resolve("x.csv") + q,
                "ATTACH " + q + dir.resolve("other.db") + q, "INSTALL httpfs", "LOAD httpfs", "SET enable_external_access = true",
                "PRAGMA version", "CREATE TABLE t AS SELECT 1", "DROP VIEW laws", "SELECT 1; DROP VIEW laws", "EXPLAIN SELECT 1",
                "CALL pragma_version()", "INSERT INTO laws SELECT * FROM laws", "SELECT * FROM read_csv('/etc/passwd')",
                "SELECT * FROM glob('/etc/*')", "SELECT * FROM read_text(" + q + dir.resolve("archive") + "/*" + q + ")",
                "SELECT * FROM query('COPY (SELECT 1) TO " + q + q + version.resolve("y.csv") + q + q + "')",
                "WITH a AS (SELECT 1) SELECT * FROM read_parquet('/etc/hosts')")) {
            LawfitException e = assertThrows(LawfitException.class, () -> duck(probe, "table"), probe);
            assertTrue(e.getMessage().startsWith("sql: "), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(!java.nio.file.Files.exists(marker) && !java.nio.file.Files.exists(version.resolve("x.csv"))
                && !java.nio.file.Files.exists(version.resolve("y.csv")), "nothing was written");
        // ordinary questions still answer, SHOW TABLES, DESCRIBE and the run history included
        assertTrue(duck("SHOW TABLES", "csv").contains("laws"));
        assertTrue(duck("DESCRIBE laws", "csv").contains("parameters"));
        assertTrue(duck("SELECT count(*) AS n FROM runs", "csv").lines().skip(1).findFirst().orElseThrow().matches("[1-9][0-9]*"));
        assertTrue(duck("SELECT law, parameters FROM laws WHERE status = 'ok' LIMIT 1", "json").startsWith("{\"law\":"));
    }

    private static List<Row> query(String sql) {
        return ResultQuery.run(TestSpark.session(), sql).collectAsList();
    }

    @Test
    void computeOptimalTokensPerParameterOfEachArchitecture() {
        List<Row> rows = query("""
                SELECT model, round(derived['tokens_per_param@1e23'], 1) AS tokens_per_param,
                       round(derived['n_opt@1e23'] / 1e9, 2) AS n_opt_billions
                FROM laws WHERE law = 'chinchilla' AND status = 'ok' ORDER BY model""");
        assertEquals(List.of("cosformer2", "hgrn2", "llama"), rows.stream().map(r -> r.getString(0)).toList());
        for (Row r : rows) assertTrue(r.getDouble(1) > 1 && r.getDouble(1) < 1000, "tokens per parameter " + r);
    }

    @Test
    void groupsWhoseFitFailedAndWhy() {
        // tnl's power law puts E at 0 (its lower bound): usable, with the flag that says so
        List<Row> flagged = query("SELECT model, law, flags FROM laws WHERE status = 'ok_with_warnings' ORDER BY model, law");
        assertEquals("[[tnl,power_compute,ArraySeq(at_bound)]]", flagged.toString());
        List<Row> rows = query("SELECT model, law, status, message FROM laws WHERE status NOT IN ('ok', 'ok_with_warnings') ORDER BY model, law");
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("tnl", rows.get(0).getString(0));
        assertEquals("chinchilla", rows.get(0).getString(1));
        assertEquals("too_few_points", rows.get(0).getString(2));
        assertTrue(rows.get(0).getString(3).contains("model sizes"), rows.get(0).getString(3));
    }

    @Test
    void theWorstFittedPoints() {
        List<Row> rows = query("""
                SELECT model, law, run_id, tokens, observed, predicted, log_residual
                FROM predictions ORDER BY abs(log_residual) DESC LIMIT 5""");
        assertEquals(5, rows.size());
        double worst = Math.abs(rows.get(0).getDouble(6));
        for (Row r : rows) assertTrue(Math.abs(r.getDouble(6)) <= worst);
        double max = query("SELECT max(abs(log_residual)) FROM predictions").get(0).getDouble(0);
        assertEquals(max, worst, 0.0);
    }

    @Test
    void howExponentsDifferByDataset() {
        List<Row> rows = query("""
                SELECT dataset, law, count(*) AS groups, round(avg(parameters['alpha']), 3) AS mean_alpha,
                       round(stddev(parameters['alpha']), 3) AS sd_alpha
                FROM laws WHERE status = 'ok' GROUP BY dataset, law ORDER BY dataset, law""");
        assertEquals(2, rows.size(), "one pretraining set, two laws");
        assertEquals(3L, rows.get(0).getLong(2), "chinchilla ok for 3 of 4 architectures");
    }

    /** The maps of laws in long form, and a manifest that names the current version's tables for notebooks. */
    @Test
    void notebookFriendlyParametersAndManifest() throws Exception {
        List<Row> chinchilla = query("SELECT model, name, estimate FROM parameters WHERE law = 'chinchilla' AND kind = 'parameter' ORDER BY model, name");
        assertEquals(3 * 5, chinchilla.size(), "5 parameters of each of the 3 ok chinchilla fits");
        Row llamaAlpha = query("SELECT estimate FROM parameters WHERE model = 'llama' AND law = 'chinchilla' AND name = 'alpha'").get(0);
        Row fromMap = query("SELECT parameters['alpha'] FROM laws WHERE model = 'llama' AND law = 'chinchilla'").get(0);
        assertEquals(fromMap.getDouble(0), llamaAlpha.getDouble(0), 0.0);
        assertTrue(query("SELECT count(*) FROM parameters WHERE kind = 'derived' AND name = 'n_opt@1e23'").get(0).getLong(0) == 3);
        java.nio.file.Path manifest = Path.of(output, "current.json");
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest.toFile());
        String current = java.nio.file.Files.readString(Path.of(output, "CURRENT")).trim();
        assertEquals(current, json.get("version").asText());
        for (String table : List.of("laws", "parameters", "law_selection", "forecasts", "rejects")) {
            String relative = json.get("tables").get(table).asText();
            assertEquals("versions/" + current + "/" + table, relative);
            assertTrue(java.nio.file.Files.isDirectory(Path.of(output, relative)), relative);
        }
    }

    @Test
    void whichFormToTrustPerGroup() {
        List<Row> rows = query("""
                SELECT model, law, rank, round(held_out_error, 4) AS held_out_error, tied_with_best, form_dependent
                FROM law_selection WHERE rank = 1 ORDER BY model""");
        assertEquals(List.of("cosformer2", "hgrn2", "llama"), rows.stream().map(r -> r.getString(0)).toList());
        // tnl has two sizes: no law of it can be backtested on a larger size, and the rows say why
        List<Row> tnl = query("SELECT law, rank, message FROM law_selection WHERE model = 'tnl' ORDER BY law");
        assertEquals(2, tnl.size());
        for (Row r : tnl) {
            assertTrue(r.isNullAt(1), r.toString());
            assertTrue(r.getString(2).startsWith("not ranked"), r.getString(2));
        }
        List<Row> forecasts = query("SELECT model, law, target, prediction FROM forecasts WHERE target = 'C=1e23,M=20' ORDER BY model, law");
        assertEquals(7, forecasts.size(), "one per ok fit");
    }

    @Test
    void writesAndPathReadsAreRefusedBeforeTheyRun() {
        String[][] refused = {
                {"INSERT INTO laws SELECT * FROM laws", "read-only"},
                {"CREATE TABLE t AS SELECT * FROM laws", "'CREATE' statements are refused"},
                {"DROP VIEW laws", "'DROP'"},
                {"SET spark.sql.shuffle.partitions=1", "'SET'"},
                {"CACHE TABLE laws", "'CACHE'"},
                {"WITH t AS (SELECT * FROM laws) INSERT INTO laws SELECT * FROM t", "InsertIntoStatement"},
                {"SELECT * FROM parquet.`/etc`", "only the published tables can be read"},
                {"SELECT 1; DROP VIEW laws", "cannot parse"}};
        for (String[] r : refused) {
            LawfitException e = assertThrows(LawfitException.class, () -> ResultQuery.checkReadOnly(TestSpark.session(), r[0]), r[0]);
            assertTrue(e.getMessage().contains(r[1]), r[0] + " -> " + e.getMessage());
        }
        assertEquals(8, query("SELECT * FROM laws").size(), "the views are unchanged");
        StringWriter err = new StringWriter();
        assertEquals(2, LawfitCommand.execute(new PrintWriter(err, true), "sql", "--output", output, "DROP VIEW laws"));
        assertTrue(err.toString().contains("read-only"), err.toString());
        assertEquals(0, LawfitCommand.execute("sql", "--output", output, "--format", "csv", "DESCRIBE laws"));
    }

    @Test
    void formatsAnAlignedTable() {
        String table = ResultQuery.format(ResultQuery.run(TestSpark.session(),
                "SELECT model, law, status FROM laws WHERE law = 'power_compute' ORDER BY model"), "table", 2);
        String[] lines = table.split("\n");
        assertEquals("model      | law           | status", lines[0]);
        assertEquals("(2 rows, more not shown: --max-rows)", lines[lines.length - 1]);
    }

    @Test
    void theReportHasASectionPerGroupAndValidImages() throws Exception {
        Path report = dir.resolve("report.html");
        java.util.Map<String, String> shown = dev.lawfit.testing.ReportCoverage.check(output, report);
        // the report reads a local output without Spark (DuckDB); through Spark it is the same report
        Path viaSpark = dir.resolve("spark-report.html");
        assertEquals(4, dev.lawfit.report.ReportWriter.writeWithSpark(TestSpark.session(), output, viaSpark));
        String a = java.nio.file.Files.readString(report).replaceAll("data:image/png;base64,[A-Za-z0-9+/=]+", "IMG"), b = java.nio.file.Files.readString(viaSpark)
                .replaceAll("data:image/png;base64,[A-Za-z0-9+/=]+", "IMG");
        assertEquals(a.split("IMG", -1).length, b.split("IMG", -1).length, "as many images");
        assertEquals(a.substring(a.indexOf("lawfit-report-tables")), b.substring(b.indexOf("lawfit-report-tables")), "the same tables shown");
        for (String t : List.of("frontier", "backtest", "rejects", "laws", "predictions")) assertEquals("picture", shown.get(t), t);
        String html = java.nio.file.Files.readString(report);
        assertEquals(4, html.split("<details class=\"group\"", -1).length - 1, "one section per group");
        assertTrue(html.contains("too_few_points"), "the failed fit is shown with its status");
        java.util.regex.Matcher images = java.util.regex.Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)").matcher(html);
        int count = 0;
        while (images.find()) {
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                    java.util.Base64.getDecoder().decode(images.group(1))));
            assertEquals(720, image.getWidth(), "a decodable PNG of the chart's size");
            count++;
        }
        long bands = Tables.current(output, "laws").where("law = 'chinchilla' and status in ('ok', 'ok_with_warnings')").count();
        // where both laws fitted, the forms are compared: along a ratio, and on the held-out runs
        long frontiers = Tables.current(output, "frontier").where("status in ('ok', 'ok_with_warnings')").select("model").distinct().count();
        assertEquals(1 + 4 * 3 + bands + 2 * bands + frontiers + 3, count,
                "the overview chart, three charts per group, the largest size's band and the two comparison charts where chinchilla fitted, "
                        + "the folds' errors by distance, "
                        + "a frontier chart per group with a frontier, the backtests and the rejects");
        assertEquals(bands, html.split("<h4>Forms compared</h4>", -1).length - 1);
        // tnl's chinchilla fit failed: its charts show the observed points without a fitted law
        assertTrue(html.contains("tnl / slimpajama"));
        // rendered in a real browser when this machine has one (Debian's chromium); skipped otherwise
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/chromium")), "no chromium here");
        Process check = new ProcessBuilder("scripts/check-report", report.toString(), dir.resolve("report.png").toString())
                .redirectErrorStream(true).start();
        String said = new String(check.getInputStream().readAllBytes());
        assertEquals(0, check.waitFor(), said);
        assertTrue(java.nio.file.Files.size(dir.resolve("report.png")) > 20_000, said);
    }

    @Test
    void publishesTablesToTheSessionCatalog() throws Exception {
        String out = dir.resolve("catalogued").toString();
        String spec = """
                sample: {preset: loss_to_loss, seed: 5}
                input: {paths: ['%s']}
                laws: []
                loss_to_loss: {pairs: [{x: val, y: downstream}], group_by: [dataset, model], factors: [dataset]}
                bootstrap: {resamples: 40}
                output: {path: '%s', catalog: lawfit_results}
                """.formatted(dir.resolve("l2l-archive"), out);
        RunSummary first = LawfitJob.run(TestSpark.session(), JobSpecReader.parse(spec, "test"));
        assertEquals(4, TestSpark.session().sql("SELECT * FROM lawfit_results.loss_to_loss").count());
        assertEquals("moves_line", TestSpark.session().sql("SELECT verdict FROM lawfit_results.line_factors").first().getString(0));
        RunSummary second = LawfitJob.run(TestSpark.session(), JobSpecReader.parse(spec, "test"));
        // an output without group laws gets the sections of the families it has: a line per (dataset, model)
        Path report = dir.resolve("l2l-report.html");
        assertEquals(4, dev.lawfit.report.ReportWriter.write(TestSpark.session(), out, report));
        String html = java.nio.file.Files.readString(report);
        assertTrue(html.contains("Loss-to-loss lines") && html.contains("loss_line"), "the line family's sections");
        String location = TestSpark.session().sql("DESCRIBE TABLE EXTENDED lawfit_results.rejects").where("col_name = 'Location'")
                .first().getString(1);
        assertTrue(location.contains(second.version()) && !location.contains(first.version()), "the catalog follows the new version: " + location);
        assertEquals(List.of(first.version(), second.version()), TestSpark.session()
                .sql("SELECT version FROM lawfit_results.runs WHERE status = 'succeeded' ORDER BY started")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList(), "the run history is a catalog table too");
    }
}
