package dev.lawfit.job;

import dev.lawfit.cli.LawfitCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lawfit check} on the README's mistakes, without Spark: exit 2 naming the key, or a warning. */
class SpecCheckTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeArchive() throws Exception {
        StringBuilder csv = new StringBuilder("run,model,N,D,loss,total_tokens\n");
        int k = 0;
        for (double n : new double[] {1e8, 2e8, 4e8}) {
            for (int c = 1; c <= 4; c++) {
                // run r0 changes its planned tokens between checkpoints; the last line repeats a checkpoint
                csv.append("r").append((int) (n / 1e8)).append(",llama,").append(n).append(',').append(n * 5 * c).append(',')
                        .append(3 + 1 / (double) c).append(',').append(k++ == 1 ? 4e10 : 2e10).append('\n');
            }
        }
        csv.append("r1,llama,1.0E8,5.0E8,4.0,2.0E10\n");
        Files.createDirectories(dir.resolve("archive"));
        Files.writeString(dir.resolve("archive/evals.csv"), csv.toString());
    }

    static String spec(String input, String groupBy) {
        return """
                input:
                  paths: ['%s']
                  format: csv
                %s
                group_by: %s
                laws: [chinchilla]
                output: {path: '%s'}
                """.formatted(dir.resolve("archive"), input, groupBy, dir.resolve("out"));
    }

    static final String GOOD_INPUT = """
              columns: {run_id: run, params: N, tokens: D}
              derive: {dataset: "'web'", tokenizer: "'bpe'", eval_dataset: "'val'"}
            """;

    static String[] check(String yaml) throws Exception {
        Path file = Files.createTempFile(dir, "spec", ".yaml");
        Files.writeString(file, yaml);
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        int code;
        try {
            code = LawfitCommand.execute(new PrintWriter(err, true), "check", file.toString());
        } finally {
            System.setOut(saved);
        }
        return new String[] {String.valueOf(code), err.toString().strip(), out.toString().strip()};
    }

    @Test
    void aGoodSpecPassesAndWarnsAboutWhatCannotGiveALaw() throws Exception {
        String[] r = check(spec(GOOD_INPUT, "[model, dataset, tokenizer, eval_dataset]"));
        assertEquals("0", r[0], r[1]);
        assertTrue(r[2].contains("1 run(s) change total_tokens between checkpoints (e.g. run_id 'r1')"), r[2]);
        assertTrue(r[2].contains("1 checkpoint(s) appear more than once"), r[2]);
        assertTrue(!r[2].contains("one model size"), r[2]);
    }

    @Test
    void aWrongPathIsExit2NamingTheKey() throws Exception {
        String[] r = check(spec(GOOD_INPUT, "[model]").replace(dir.resolve("archive").toString(), dir.resolve("archvie").toString()));
        assertEquals("2", r[0]);
        assertTrue(r[1].startsWith("lawfit: error: input.paths[0]: ") && r[1].contains("does not exist") && r[1].contains("did you mean 'archive'"), r[1]);
        assertTrue(!r[1].contains("\n"), r[1]);
    }

    @Test
    void aWrongSourceColumnIsExit2NamingTheKey() throws Exception {
        String[] r = check(spec(GOOD_INPUT.replace("params: N", "params: N_params"), "[model]"));
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("input.columns.params names source column 'N_params'") && r[1].contains("did you mean 'N'"), r[1]);
    }

    @Test
    void aDeriveTypoIsExit2NamingTheKey() throws Exception {
        String[] r = check(spec(GOOD_INPUT.replace("dataset: \"'web'\"", "dataset: \"concat(modle, '-web')\""), "[model]"));
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("input.derive.dataset: 'concat(modle, '-web')' reads column 'modle'") && r[1].contains("did you mean 'model'"), r[1]);
        String[] refused = check(spec(GOOD_INPUT.replace("dataset: \"'web'\"", "dataset: \"reflect('java.lang.System', 'exit', 1)\""), "[model]"));
        assertEquals("2", refused[0]);
        assertTrue(refused[1].contains("input.derive.dataset refused: function reflect is not allowed"), refused[1]);
    }

    @Test
    void groupingBySizeWarnsThatNoLawCanBeFitted() throws Exception {
        String[] r = check(spec(GOOD_INPUT, "[model, params]"));
        assertEquals("0", r[0], r[1]);
        assertTrue(r[2].contains("3 of 3 groups of group_by [model, params] have one model size"), r[2]);
    }

    @Test
    void aMissingContractColumnIsExit2() throws Exception {
        String[] r = check(spec(GOOD_INPUT.replace("tokens: D", "flops: D"), "[model]"));
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("has no column tokens (the checkpoint contract needs it"), r[1]);
    }

    @Test
    void identifierCannotSmuggleAFunctionPastTheDoor() throws Exception {
        String[] derive = check(spec(GOOD_INPUT.replace("dataset: \"'web'\"", "dataset: \"IDENTIFIER('reflect')('java.lang.System', 'exit', 1)\""), "[model]"));
        assertEquals("2", derive[0], derive[2]);
        assertTrue(derive[1].contains("input.derive.dataset refused: IDENTIFIER(...) is not allowed"), derive[1]);
        String[] filter = check(spec(GOOD_INPUT + "  filter: \"IDENTIFIER('java_method')('java.lang.System', 'exit', 1) IS NULL\"\n", "[model]"));
        assertEquals("2", filter[0], filter[2]);
        assertTrue(filter[1].contains("input.filter refused: IDENTIFIER(...) is not allowed"), filter[1]);
    }

    @Test
    void derivedGroupKeysAreCheckedLikeReadOnes() throws Exception {
        // dataset is derived from the size: every group has one size, which the check now sees through the expression
        String[] r = check(spec(GOOD_INPUT.replace("dataset: \"'web'\"", "dataset: \"concat('n', params)\""), "[model, dataset]"));
        assertEquals("0", r[0], r[1]);
        assertTrue(r[2].contains("3 of 3 groups of group_by [model, dataset] have one model size"), r[2]);
        assertTrue(!r[2].contains("left to the run"), r[2]);
    }

    @Test
    void rowsTheRunWillRejectDoNotRaiseWarnings(@TempDir Path own) throws Exception {
        StringBuilder csv = new StringBuilder("run,model,N,D,loss\n");
        for (double n : new double[] {1e8, 2e8, 4e8}) {
            for (int c = 1; c <= 3; c++) csv.append("r").append((int) (n / 1e8)).append(",llama,").append(n).append(',').append(n * 5 * c).append(",3.").append(c).append('\n');
        }
        csv.append("r1,,1.0E8,5.0E8,3.5\n");          // no model: rejected, and would be a group of one size
        csv.append("r1,llama,1.0E8,5.0E8,abc\n");     // loss not a number: rejected, and would repeat a checkpoint
        Files.createDirectories(own.resolve("a"));
        Files.writeString(own.resolve("a/evals.csv"), csv.toString());
        String yaml = spec(GOOD_INPUT, "[model]").replace(dir.resolve("archive").toString(), own.resolve("a").toString());
        String[] r = check(yaml);
        assertEquals("0", r[0], r[1]);
        assertTrue(!r[2].contains("one model size") && !r[2].contains("more than once"), r[2]);
    }

    @Test
    void anInputDirectoryTheRunSkipsIsSkippedByTheCheck(@TempDir Path own) throws Exception {
        Files.createDirectories(own.resolve("_staging"));
        Files.copy(dir.resolve("archive/evals.csv"), own.resolve("_staging/evals.csv"));
        String[] r = check(spec(GOOD_INPUT, "[model]").replace(dir.resolve("archive").toString(), own.resolve("_staging").toString()));
        assertEquals("2", r[0], r[2]);
        assertTrue(r[1].contains("hold no data files") && r[1].contains("_staging is skipped"), r[1]);
    }

    @Test
    void anOutputThatCannotBeWrittenIsExit2(@TempDir Path own) throws Exception {
        Files.writeString(own.resolve("a-file"), "not a directory");
        String[] r = check(spec(GOOD_INPUT, "[model]").replace(dir.resolve("out").toString(), own.resolve("a-file/out").toString()));
        assertEquals("2", r[0], r[2]);
        assertTrue(r[1].contains("output.path: ") && r[1].contains("a-file is a file, not a directory"), r[1]);
        assertTrue(!r[1].contains("\n"), r[1]);
    }

    @Test
    void aReservedInputColumnIsExit2(@TempDir Path own) throws Exception {
        Files.createDirectories(own.resolve("r"));
        Files.writeString(own.resolve("r/evals.csv"), Files.readString(dir.resolve("archive/evals.csv"))
                .replaceFirst("\n", ",reject_reason\n").replaceAll("(?m)^(r\\d.*)$", "$1,fine"));
        String yaml = spec(GOOD_INPUT, "[model]").replace(dir.resolve("archive").toString(), own.resolve("r").toString());
        String[] r = check(yaml);
        assertEquals("2", r[0], r[2]);
        assertTrue(r[1].contains("has a column named 'reject_reason', which lawfit sets itself"), r[1]);
        // mapped to another name, it is an ordinary column
        String[] mapped = check(yaml.replace("columns: {run_id: run,", "columns: {input_reject_reason: reject_reason, run_id: run,"));
        assertEquals("0", mapped[0], mapped[1]);
    }
}
