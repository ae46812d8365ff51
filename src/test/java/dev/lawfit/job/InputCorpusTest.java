package dev.lawfit.job;

import dev.lawfit.job.ingest.CsvInput;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.job.publish.RunHistory;

import dev.lawfit.cli.LawfitCommand;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input corpus: inputs where rows used to vanish or change without a word, and mistakes that used to end in
 * exit 1 with a stack trace. Every record is accepted or rejected with its reason (and its line, for CSV), or the run
 * stops with exit 2 and one line naming the file, key or column; the current version is left as it was.
 */
class InputCorpusTest {

    private static final String HEADER = "run_id,model,dataset,tokenizer,eval_dataset,params,tokens,step,flops,loss";

    @TempDir
    Path dir;

    /** Twelve good rows of one group (four sizes, three token counts). */
    private static String goodRows(String prefix) {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            double n = 1e8 * (1 + i % 4), d = 2e9 * (1 + i / 4);
            csv.append("%s%d,llama,web,bpe,val,%s,%s,%d,,%s%n".formatted(prefix, i, n, d, i * 100, loss(n, d)));
        }
        return csv.toString();
    }

    private static double loss(double n, double d) {
        return 2 + 400 / Math.pow(n, 0.3) + 400 / Math.pow(d, 0.3);
    }

    private record Result(int exit, String err) {
    }

    private Result run(String name, String input, String format, String output, String extra, String... flags) throws Exception {
        Path spec = dir.resolve(name);
        Files.writeString(spec, "input: {paths: ['%s'], format: %s%s}\nlaws: [chinchilla]\nbootstrap: {resamples: 0}\noutput: {path: '%s'}\n"
                .formatted(input, format, extra, output));
        StringWriter err = new StringWriter();
        String[] args = new String[2 + flags.length];
        args[0] = "run";
        args[1] = spec.toString();
        System.arraycopy(flags, 0, args, 2, flags.length);
        int exit = LawfitCommand.execute(new PrintWriter(err, true), args);
        return new Result(exit, err.toString());
    }

    private static void badInput(Result r, String... named) {
        assertEquals(LawfitCommand.EXIT_BAD_INPUT, r.exit(), r.err());
        for (String n : named) assertTrue(r.err().contains(n), "names '" + n + "': " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    /** Runs the job on one CSV night with this text, which must succeed; returns its rejects' reasons by line. */
    private Map<Long, String> runCsv(String text, String output) throws Exception {
        Path csv = dir.resolve("night.csv");
        Files.writeString(csv, text);
        Result r = run("night.yaml", csv.toString(), "csv", output, "");
        assertEquals(0, r.exit(), r.err());
        return rejectsByLine(output);
    }

    private static Map<Long, String> rejectsByLine(String output) {
        return Tables.current(output, "rejects").collectAsList().stream()
                .collect(Collectors.toMap(r -> r.<Long>getAs(CsvInput.LINE), r -> r.getAs("reject_reason")));
    }

    private static long rowsRead(String output) {
        Row run = RunHistory.table(TestSpark.session(), output).where("status = 'succeeded'").orderBy(org.apache.spark.sql.functions.col("started").desc()).first();
        return run.<Long>getAs("rows_read");
    }

    @Test
    void csvColumnsAreMatchedByNameInEveryFile() throws Exception {
        Path archive = Files.createDirectories(dir.resolve("nights"));
        Files.writeString(archive.resolve("a.csv"), HEADER + "\n" + goodRows("a"));
        // the second night's file orders its columns differently: params and tokens swapped, loss first
        StringBuilder swapped = new StringBuilder("loss,run_id,model,dataset,tokenizer,eval_dataset,tokens,params,step,flops\n");
        for (int i = 0; i < 12; i++) {
            double n = 1e8 * (1 + i % 4), d = 2e9 * (1 + i / 4);
            swapped.append("%s,b%d,llama,web,bpe,val,%s,%s,%d,%n".formatted(loss(n, d), i, d, n, i * 100));
        }
        Files.writeString(archive.resolve("b.csv"), swapped);
        String output = dir.resolve("out").toString();
        Result r = run("order.yaml", archive.toString(), "csv", output, "");
        assertEquals(0, r.exit(), r.err());
        List<Row> points = Tables.current(output, "predictions").where("law = 'chinchilla'").collectAsList();
        assertEquals(24, points.size());
        for (Row p : points) {
            double n = p.<Double>getAs("params"), d = p.<Double>getAs("tokens");
            assertTrue(n < 1e9 && d >= 2e9, "params and tokens read by name: " + p);
            assertEquals(loss(n, d), p.<Double>getAs("observed"), 1e-9, "the loss belongs to its row");
        }
        assertEquals(0, Tables.current(output, "rejects").count());
    }

    @Test
    void everyCsvRecordIsAcceptedOrRejectedWithItsLine() throws Exception {
        String good = goodRows("g");
        String text = HEADER + "\n"
                + good                                                              // lines 2-13
                + "x1,llama,web,bpe,val,50,000,000,2e9,1,,3.1\n"                    // line 14: unquoted thousands separators
                + "x2,llama,web,bpe,val,1e8,2e9,1,,3.2,extra,fields\n"              // line 15: trailing fields
                + "\"x3\nsplit\",llama,web,bpe,val,1e8,2e9,1,,3.3\n"                // lines 16-17: one record with a quoted newline
                + "x4,llama,web,bpe,val,1e8\n"                                      // line 18: too few fields
                + "\n"                                                              // line 19: blank
                + "x5,llama,web,bpe,val,2e8,4e9,1,,3.0\n"                           // line 20: good
                + "x6,\"llama,web,bpe,val,1e8,2e9,1,,3.4\n"                         // line 21: a quote never closed ...
                + "x7,llama,web,bpe,val,1e8,2e9,1,,3.5\n";                          // line 22: ... swallows the rest
        String output = dir.resolve("out").toString();
        Map<Long, String> rejects = runCsv(text, output);
        assertEquals(List.of(14L, 15L, 18L, 21L), rejects.keySet().stream().sorted().toList(), rejects.toString());
        assertTrue(rejects.get(14L).startsWith("line 14: 12 fields where the header has 10 (an unquoted comma"), rejects.get(14L));
        assertTrue(rejects.get(15L).startsWith("line 15: 12 fields where the header has 10"), rejects.get(15L));
        assertTrue(rejects.get(18L).startsWith("line 18: 6 fields where the header has 10"), rejects.get(18L));
        assertTrue(rejects.get(21L).startsWith("line 21: a quoted field is never closed"), rejects.get(21L));
        // 12 good + x3 (one record over two lines) + x5 accepted, 4 rejected: 18 records, none lost, none split
        assertEquals(18, rowsRead(output));
        assertEquals(14, Tables.current(output, "laws").where("law = 'chinchilla'").first().<Integer>getAs("n_points"));
    }

    @Test
    void rowDroppingReaderOptionsAreRefused() throws Exception {
        Path csv = dir.resolve("night.csv");
        Files.writeString(csv, HEADER + "\n" + goodRows("g"));
        badInput(run("mode.yaml", csv.toString(), "csv", dir.resolve("o").toString(), ", options: {mode: DROPMALFORMED}"),
                "input.options.mode is not supported for CSV input");
        badInput(run("pq.yaml", csv.toString(), "parquet", dir.resolve("o").toString(), ", options: {ignoreCorruptFiles: 'true'}"),
                "input.options.ignoreCorruptFiles is not supported for Parquet input");
    }

    @Test
    void aDirectoryValueThatShadowsAColumnIsAnError() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree").resolve("model=tnl"));
        Files.writeString(tree.resolve("night.csv"), HEADER + "\n" + goodRows("g"));
        badInput(run("hive.yaml", dir.resolve("tree").toString(), "csv", dir.resolve("o").toString(), ""),
                "night.csv has a column 'model'", "'model=tnl'");

        Path ptree = dir.resolve("ptree");
        TestSpark.session().read().option("header", "true").csv(tree.resolve("night.csv").toString())
                .write().parquet(ptree.resolve("model=tnl").toString());
        badInput(run("phive.yaml", ptree.toString(), "parquet", dir.resolve("o").toString(), ""),
                "has a column 'model' and lies in a directory 'model=tnl'");
    }

    @Test
    void aParquetFileWithTheSameColumnTwiceIsNamed() throws Exception {
        Path file = dir.resolve("dup");
        org.apache.spark.sql.SparkSession spark = TestSpark.session();
        spark.conf().set("spark.sql.caseSensitive", "true");
        try {
            spark.read().option("header", "true").option("inferSchema", "true").csv(writeGood().toString())
                    .withColumn("LOSS", org.apache.spark.sql.functions.col("loss")).write().parquet(file.toString());
        } finally {
            spark.conf().set("spark.sql.caseSensitive", "false");
        }
        badInput(run("dup.yaml", file.toString(), "parquet", dir.resolve("o").toString(), ""), "has the column 'LOSS' twice", "part-");
    }

    @Test
    void aParquetFileDamagedInsideADataPageFailsNamingIt() throws Exception {
        Path file = dir.resolve("damaged");
        TestSpark.session().read().option("header", "true").option("inferSchema", "true").csv(writeGood().toString())
                .coalesce(1).write().option("compression", "none").parquet(file.toString());
        Path part;
        try (var files = Files.list(file)) {
            part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(part);
        // the loss column's values: find the bytes of the first loss and change them in place
        long bits = Double.doubleToLongBits(loss(1e8, 2e9));
        int at = -1;
        for (int i = 4; i + 8 <= bytes.length && at < 0; i++) {
            boolean match = true;
            for (int b = 0; b < 8 && match; b++) match = bytes[i + b] == (byte) (bits >>> (8 * b));
            if (match) at = i;
        }
        assertTrue(at > 0, "the loss value is in a data page");
        bytes[at + 7] ^= 0x7f; // the exponent: 1e306-sized
        Files.write(part, bytes);
        // as a file copied from elsewhere: no Hadoop .crc sidecar, so only Parquet's own page checksums can tell
        Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));
        badInput(run("damaged.yaml", file.toString(), "parquet", dir.resolve("o").toString(), ""), part.getFileName().toString(),
                "CRC checksum verification failed");
    }

    @Test
    void derivedFlopsThatOverflowAndUnicodeBlankKeysAreRejected() throws Exception {
        String text = HEADER + "\n" + goodRows("g")
                + "big,llama,web,bpe,val,1e200,1e200,1,,3.0\n"
                + "\t,llama,web,bpe,val,1e8,2e9,1,,3.0\n"
                + "nbsp,\u00a0,web,bpe,val,1e8,2e9,1,,3.0\n"
                + "ideo,llama,\u3000,bpe,val,1e8,2e9,1,,3.0\n"
                + "zw,llama,web,\u200b,val,1e8,2e9,1,,3.0\n"
                + "\"nl\",llama,web,bpe,\"\n\",1e8,2e9,1,,3.0\n";
        String output = dir.resolve("out").toString();
        Map<Long, String> rejects = runCsv(text, output);
        assertEquals(Map.of(14L, "flops is not finite: the FLOP count (6ND or the architecture's) overflows",
                15L, "run_id is missing", 16L, "model is missing", 17L, "dataset is missing", 18L, "tokenizer is missing",
                19L, "eval_dataset is missing"), rejects);
        assertEquals(18, rowsRead(output));
    }

    @Test
    void aNightWithNoRowsDoesNotReplaceResults() throws Exception {
        Path csv = dir.resolve("night.csv");
        Files.writeString(csv, HEADER + "\n" + goodRows("g"));
        String output = dir.resolve("out").toString();
        assertEquals(0, run("good.yaml", csv.toString(), "csv", output, "").exit());
        org.apache.hadoop.conf.Configuration conf = TestSpark.session().sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.Path before = OutputPublisher.currentVersion(conf, output);

        Path headerOnly = dir.resolve("empty.csv");
        Files.writeString(headerOnly, HEADER + "\n");
        badInput(run("empty.yaml", headerOnly.toString(), "csv", output, ""), "has no rows", "--allow-empty");
        Files.writeString(headerOnly, "");
        badInput(run("empty.yaml", headerOnly.toString(), "csv", output, ""), "has no rows");
        Path emptyDir = Files.createDirectories(dir.resolve("nothing"));
        badInput(run("dir.yaml", emptyDir.toString(), "csv", output, ""), "hold no data files");
        Path hidden = Files.createDirectories(dir.resolve("hidden"));
        Files.writeString(hidden.resolve(".night.csv"), HEADER + "\n" + goodRows("g"));
        Files.writeString(hidden.resolve("_night.csv"), HEADER + "\n" + goodRows("g"));
        badInput(run("hidden.yaml", hidden.toString(), "parquet", output, ""), "hold no data files");
        assertEquals(before, OutputPublisher.currentVersion(conf, output), "the current version stays");
        assertEquals(12, Tables.current(output, "predictions").where("law = 'chinchilla'").count());

        Files.writeString(headerOnly, HEADER + "\n");
        assertEquals(0, run("empty.yaml", headerOnly.toString(), "csv", output, "", "--allow-empty").exit());
        assertFalse(before.equals(OutputPublisher.currentVersion(conf, output)), "--allow-empty publishes");
        Row last = RunHistory.table(TestSpark.session(), output).orderBy(org.apache.spark.sql.functions.col("started").desc()).first();
        assertEquals(Boolean.TRUE, last.getAs("allow_empty"), "and the run record says so");
        assertEquals(0L, last.<Long>getAs("rows_read"));
    }

    @Test
    void specMistakesAreExit2WithOneLine() throws Exception {
        Path csv = writeGood();
        String out = dir.resolve("o").toString();
        badInput(run("derive.yaml", csv.toString(), "csv", out, ", derive: {flops: 'parms * 6'}"),
                "input.derive.flops", "reads column 'parms'", "did you mean 'params'");
        badInput(run("filter.yaml", csv.toString(), "csv", out, ", filter: 'loss <'"), "input.filter", "PARSE_SYNTAX_ERROR");
        // spec expressions pass the same door as lawfit sql: no Java, no files, no subqueries
        String touched = dir.resolve("touched").toString();
        badInput(run("reflect.yaml", csv.toString(), "csv", out, ", derive: {home: \"reflect('java.lang.System', 'getProperty', 'user.home')\"}"),
                "input.derive.home refused: function reflect is not allowed");
        badInput(run("shell.yaml", csv.toString(), "csv", out, ", filter: \"java_method('org.apache.spark.util.Utils', 'checkCommandAvailable', "
                + "concat('true', chr(59), ' touch " + touched + "')) is not null\""), "input.filter refused: function java_method");
        badInput(run("sub.yaml", csv.toString(), "csv", out, ", filter: \"exists (select * from text.`/etc/hostname`)\""),
                "input.filter refused: a subquery is not allowed");
        // a function named by a string, which the parser does not resolve, is refused as well
        badInput(run("identifier.yaml", csv.toString(), "csv", out, ", filter: \"IDENTIFIER('java_method')('java.lang.System', 'setProperty', "
                + "'lawfit.probe', 'set') IS NOT NULL\""), "input.filter refused: IDENTIFIER(...) is not allowed");
        assertNull(System.getProperty("lawfit.probe"), "no Java method ran");
        assertFalse(Files.exists(Path.of(touched)), "no command ran");
        String[][] settings = {
                {"bootstrap: {resamples: -5}", "bootstrap.resamples must be >= 0"},
                {"fit: {huber_delta: -1}", "fit.huber_delta must be > 0"},
                {"fit: {max_iterations: 0}", "fit.max_iterations must be >= 1"},
                {"fit: {tolerance: -1}", "fit.tolerance must be finite and > 0"},
                {"fit: {compute_budgets: [-1e20]}", "compute budgets must be finite and > 0"},
                {"bootstrap: {mode: sideways}", "bootstrap.mode must be points or runs"},
                {"bootstrap: {resamples: lots}", "bootstrap.resamples"},
                {"output: {path: x, keep_versions: 0}", "keep_versions must be at least 1"},
                {"temporal: {fit_fractions: [1.5], total_tokens: 1e10}", "temporal.fit_fractions must be in (0, 1), got 1.5"},
                {"temporal: {min_fit_checkpoints: 0, total_tokens: 1e10}", "temporal.min_fit_checkpoints must be at least 3"},
                {"temporal: {warmup_fraction: -1, total_tokens: 1e10}", "temporal.warmup_fraction must be in [0, 1)"},
                {"temporal: {forms: {a0: banana}, total_tokens: 1e10}", "temporal.forms.a0: unknown curve form 'banana'"},
                {"temporal: {baselines: [nope], total_tokens: 1e10}", "temporal.baselines: unknown curve form 'nope'"},
                {"temporal: {fit_fractions: [], total_tokens: 1e10}", "temporal.fit_fractions needs at least one fraction"},
                {"sample: {preset: nope}", "sample.preset must be linear_complexity, temporal, loss_to_loss or schedules"},
                {"fit: {polish_starts: -3}", "fit.polish_starts must be >= 0"},
                {"input: {paths: [x], derive: {reject_reason: \"'x'\"}}", "input.derive.reject_reason: lawfit sets the column reject_reason itself"}};
        for (String[] s : settings) {
            Path spec = dir.resolve("settings.yaml");
            Files.writeString(spec, (s[0].startsWith("input") ? "" : "input: {paths: ['%s'], format: csv}\n".formatted(csv)) + "laws: [chinchilla]\n%s\n".formatted(s[0])
                    + (s[0].startsWith("output") ? "" : "output: {path: '%s'}\n".formatted(out)));
            StringWriter err = new StringWriter();
            badInput(new Result(LawfitCommand.execute(new PrintWriter(err, true), "run", spec.toString()), err.toString()), s[1], "settings.yaml");
        }
        assertNull(OutputPublisher.currentVersion(TestSpark.session().sparkContext().hadoopConfiguration(), out), "nothing was published");
    }

    private Path writeGood() throws Exception {
        Path csv = dir.resolve("good.csv");
        Files.writeString(csv, HEADER + "\n" + goodRows("g"));
        return csv;
    }

    @Test
    void oneRecordNotValidInTheEncodingIsOneRejectAtItsOwnLine() throws Exception {
        // 121 records, the last with Latin-1 bytes (an e-acute and a degree sign) where UTF-8 is expected
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        StringBuilder text = new StringBuilder(HEADER + "\n");
        for (int i = 0; i < 120; i++) {
            double n = 1e8 * (1 + i % 4), d = 2e9 * (1 + i / 4);
            text.append("%s%d,%s,web,bpe,val,%s,%s,%d,,%s%n".formatted("g", i, i < 60 ? "llama" : "tnl", n, d, i * 100, loss(n, d)));
        }
        bytes.write(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        bytes.write("bad,llama,caf".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        bytes.write(new byte[] {(byte) 0xE9, ',', 'b', 'p', 'e', ',', 'v', 'a', 'l', ',', '1', 'e', '8', ',', '2', 'e', '9', ',', '1', ',', ',', '3',
                (byte) 0xB0, '\n'});
        Path csv = dir.resolve("latin.csv");
        Files.write(csv, bytes.toByteArray());
        String output = dir.resolve("latin-out").toString();
        Result r = run("latin.yaml", csv.toString(), "csv", output, "");
        assertEquals(0, r.exit(), r.err());
        Map<Long, String> rejects = rejectsByLine(output);
        assertEquals(List.of(122L), List.copyOf(rejects.keySet()), rejects.toString());
        assertTrue(rejects.get(122L).startsWith("line 122: the record holds bytes that are not valid UTF-8 (input.options.encoding names the "
                + "file's encoding); loss is not a number"), rejects.get(122L));
        assertEquals(1, rejects.get(122L).split("line 122").length - 1, "the line is named once: " + rejects.get(122L));
        assertEquals(121, rowsRead(output), "every record read");
        assertEquals(2, Tables.current(output, "laws").where("law = 'chinchilla' AND status IN ('ok', 'ok_with_warnings')").count(), "both groups fitted");
        // a header and that one record: the header is read, the record is one reject
        Path one = dir.resolve("one.csv");
        Files.write(one, java.util.Arrays.copyOfRange(bytes.toByteArray(), 0, HEADER.length() + 1));
        Files.write(one, java.util.Arrays.copyOfRange(bytes.toByteArray(), text.length(), bytes.size()), java.nio.file.StandardOpenOption.APPEND);
        String oneOut = dir.resolve("one-out").toString();
        Result single = run("one.yaml", one.toString(), "csv", oneOut, "", "--allow-empty");
        assertEquals(0, single.exit(), single.err());
        Map<Long, String> oneRejects = rejectsByLine(oneOut);
        assertEquals(List.of(2L), List.copyOf(oneRejects.keySet()), oneRejects.toString());
        assertTrue(oneRejects.get(2L).startsWith("line 2: the record holds bytes that are not valid UTF-8"), oneRejects.toString());
    }

    @Test
    void reservedColumnsInParquetInputAreRefusedUnlessMappedAway() throws Exception {
        Path csv = writeGood();
        Path parquet = dir.resolve("reserved");
        TestSpark.session().read().option("header", "true").csv(csv.toString())
                .withColumn("reject_reason", org.apache.spark.sql.functions.lit("from last night")).write().parquet(parquet.toString());
        String out = dir.resolve("reserved-out").toString();
        badInput(run("reserved.yaml", parquet.toString(), "parquet", out, ""), "has a column named 'reject_reason', which lawfit sets itself");
        Result mapped = run("mapped.yaml", parquet.toString(), "parquet", out, ", columns: {earlier_reason: reject_reason}");
        assertEquals(0, mapped.exit(), mapped.err());
        assertEquals(12L, Tables.current(out, "laws").where("law = 'chinchilla'").first().<Integer>getAs("n_points").longValue());
    }

    @Test
    void anOutputThatCannotBeWrittenIsExit2AndNoStackTrace() throws Exception {
        Path csv = writeGood();
        Files.writeString(dir.resolve("in-the-way"), "a file");
        badInput(run("blocked.yaml", csv.toString(), "csv", dir.resolve("in-the-way/out").toString(), ""), "output.path", "is a file, not a directory");
    }
}
