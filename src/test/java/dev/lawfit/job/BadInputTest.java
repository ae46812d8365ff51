package dev.lawfit.job;

import dev.lawfit.job.ingest.ArchiveWriter;
import dev.lawfit.job.publish.OutputPublisher;

import dev.lawfit.cli.LawfitCommand;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad rows become rejects with reasons and nothing is lost; bad files and specs stop the job cleanly. */
class BadInputTest {

    private static final String HEADER = "run_id,model,dataset,tokenizer,eval_dataset,params,tokens,step,flops,loss";

    @TempDir
    java.nio.file.Path dir;

    @Test
    void eachKindOfBadRowIsRejectedWithItsReason() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < 10; i++) {
            double n = 1e8 * (1 + i % 5), d = 2e9 * (1 + i / 5);
            csv.append("good-%d,llama,web,bpe,val,%s,%s,%d,,%s%n".formatted(i, n, d, i * 100, 2 + 400 / Math.pow(n, 0.3) + 400 / Math.pow(d, 0.3)));
        }
        Map<String, String> bad = Map.of(
                ",llama,web,bpe,val,1e8,1e9,1,,3.0", "run_id is missing",
                "b1,,web,bpe,val,1e8,1e9,1,,3.0", "model is missing",
                "b2,llama,web,bpe,val,1e8,1e9,1,,abc", "loss is not a number: 'abc'",
                "b3,llama,web,bpe,val,1e8,1e9,1,,NaN", "loss is not finite: NaN",
                "b4,llama,web,bpe,val,1e8,1e9,1,,-1", "loss must be > 0, got -1.0",
                "b5,llama,web,bpe,val,0,1e9,1,,3.0", "params must be > 0, got 0.0",
                "b6,llama,web,bpe,val,1e8,,1,,3.0", "tokens is missing",
                "b7,llama,web,bpe,val,1e8,1e9,1,Infinity,3.0", "flops is not finite: Infinity",
                "b8,llama,web,bpe,val,1e8,1e9,-3,,3.0", "step must be >= 0, got -3.0",
                "b9,llama,web,bpe,val,-5,1e9,1,,0", "params must be > 0, got -5.0; loss must be > 0, got 0.0");
        bad.keySet().forEach(row -> csv.append(row).append('\n'));
        File input = dir.resolve("mixed.csv").toFile();
        Files.writeString(input.toPath(), csv);
        String output = dir.resolve("out").toString();

        int exit = LawfitCommand.execute("run", writeSpec("mixed.yaml", input.toString(), "csv", output));
        assertEquals(0, exit);

        List<Row> rejects = Tables.current(output, "rejects").collectAsList();
        assertEquals(bad.size(), rejects.size());
        Map<String, String> reasonByRow = rejects.stream().collect(Collectors.toMap(
                r -> String.valueOf((Object) r.getAs("run_id")) + "/" + r.getAs("loss"), r -> r.getAs("reject_reason")));
        for (Row r : rejects) {
            String reason = r.getAs("reject_reason");
            assertTrue(bad.containsValue(reason), "unexpected reason '" + reason + "' in " + reasonByRow);
            assertTrue(((String) r.getAs("source_file")).endsWith("mixed.csv"), "rejects name their source file");
        }
        assertEquals(bad.size(), reasonByRow.values().stream().distinct().count(), "every kind of bad row has its own reason");
        Row law = Tables.current(output, "laws").where("law = 'chinchilla'").first();
        assertEquals(10, law.<Integer>getAs("n_points"), "rows in = accepted + rejected: the 10 good rows are fitted");
    }

    @Test
    void missingColumnStopsTheJobAndKeepsEarlierResults() throws Exception {
        String output = dir.resolve("out").toString();
        File good = dir.resolve("good.csv").toFile();
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < 8; i++) csv.append("r%d,llama,web,bpe,val,%s,1e10,1,,%s%n".formatted(i, 1e8 * (i + 1), 3.0 - 0.1 * i));
        Files.writeString(good.toPath(), csv);
        assertEquals(0, LawfitCommand.execute("run", writeSpec("good.yaml", good.toString(), "csv", output)));
        Path before = OutputPublisher.currentVersion(TestSpark.session().sparkContext().hadoopConfiguration(), output);
        long lawsBefore = Tables.current(output, "laws").count();

        File noLoss = dir.resolve("no_loss.csv").toFile();
        Files.writeString(noLoss.toPath(), "run_id,model,dataset,tokenizer,eval_dataset,params,tokens\nr1,llama,web,bpe,val,1e8,1e9\n");
        StringWriter err = new StringWriter();
        int exit = LawfitCommand.execute(new PrintWriter(err, true), "run", writeSpec("bad.yaml", noLoss.toString(), "csv", output));

        assertEquals(LawfitCommand.EXIT_BAD_INPUT, exit);
        String message = err.toString();
        assertTrue(message.contains("no_loss.csv"), message);
        assertTrue(message.contains("has no column loss"), message);
        assertTrue(message.contains("input.columns.loss"), "says how to fix it: " + message);
        assertEquals(before, OutputPublisher.currentVersion(TestSpark.session().sparkContext().hadoopConfiguration(), output));
        assertEquals(lawsBefore, Tables.current(output, "laws").count());
        File[] versions = new File(output, OutputPublisher.VERSIONS).listFiles();
        assertNotNull(versions);
        assertEquals(1, versions.length, "the failed run left no version behind");
    }

    @Test
    void missingInputPathIsNamed() throws Exception {
        StringWriter err = new StringWriter();
        String missing = dir.resolve("nowhere.parquet").toString();
        int exit = LawfitCommand.execute(new PrintWriter(err, true), "run", writeSpec("m.yaml", missing, "parquet", dir.resolve("o").toString()));
        assertEquals(LawfitCommand.EXIT_BAD_INPUT, exit);
        assertTrue(err.toString().contains("input path '" + missing + "'"), err.toString());
        assertTrue(err.toString().contains("does not exist"), err.toString());
    }

    @Test
    void corruptParquetFileIsNamed() throws Exception {
        java.nio.file.Path archive = dir.resolve("archive");
        ArchiveWriter.write(TestSpark.session(), dev.lawfit.generate.SyntheticArchive.manyGroups(2, 10, 1), archive.toString(), 1);
        java.nio.file.Path corrupt = archive.resolve("part-99999-truncated.parquet");
        Files.write(corrupt, "PAR1 this is not a parquet file".getBytes());
        StringWriter err = new StringWriter();
        int exit = LawfitCommand.execute(new PrintWriter(err, true), "run", writeSpec("c.yaml", archive.toString(), "parquet", dir.resolve("o").toString()));
        assertEquals(LawfitCommand.EXIT_BAD_INPUT, exit, err.toString());
        assertTrue(err.toString().contains("part-99999-truncated.parquet"), err.toString());
    }

    @Test
    void badDownstreamErrorsAreRejectedAndAMissingErrorColumnIsNamed() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER + ",error\n");
        for (int i = 0; i < 6; i++) csv.append("r%d,llama,web,bpe,val,%s,1e10,1,,%s,%n".formatted(i, 1e8 * (i + 1), 3.0 - 0.1 * i));
        csv.append("r0,llama,web,bpe,task,1e8,1e10,1,,3.5,0.4\n");
        csv.append("r1,llama,web,bpe,task,2e8,1e10,1,,3.4,1.5\n");
        csv.append("r2,llama,web,bpe,task,3e8,1e10,1,,3.3,x\n");
        java.nio.file.Path input = dir.resolve("tasks.csv");
        Files.writeString(input, csv);
        java.nio.file.Path spec = dir.resolve("tasks.yaml");
        String output = dir.resolve("tasks-out").toString();
        Files.writeString(spec, "input: {paths: ['%s'], format: csv}\nlaws: [chinchilla]\nbootstrap: {resamples: 0}\n".formatted(input)
                + "downstream: {reference_eval: val}\noutput: {path: '%s'}\n".formatted(output));
        assertEquals(0, LawfitCommand.execute("run", spec.toString()));
        List<String> reasons = Tables.current(output, "rejects").orderBy("run_id").collectAsList().stream()
                .map(r -> (String) r.getAs("reject_reason")).toList();
        assertEquals(List.of("error must be in [0, 1], got 1.5", "error is not a number: 'x'"), reasons);
        Row task = Tables.current(output, "downstream").first();
        assertEquals(1, task.<Integer>getAs("n_points"), "the one good task row is paired; 6 + 1 + 2 rejects = 9 rows");

        java.nio.file.Path noError = dir.resolve("no-error.yaml");
        Files.writeString(noError, "input: {paths: ['%s'], format: csv}\ndownstream: {reference_eval: val, error_column: accuracy}\n"
                .formatted(dir.resolve("mixed-missing.csv")) + "output: {path: '%s'}\n".formatted(dir.resolve("o2")));
        Files.writeString(dir.resolve("mixed-missing.csv"), HEADER + "\nr1,llama,web,bpe,val,1e8,1e9,1,,3.0\n");
        StringWriter err = new StringWriter();
        assertEquals(LawfitCommand.EXIT_BAD_INPUT, LawfitCommand.execute(new PrintWriter(err, true), "run", noError.toString()));
        assertTrue(err.toString().contains("has no column accuracy (downstream.error_column"), err.toString());
    }

    @Test
    void unknownSpecKeyIsNamed() throws Exception {
        java.nio.file.Path spec = dir.resolve("typo.yaml");
        Files.writeString(spec, "input: {paths: [x]}\noutput: {path: y}\nlaw: [chinchilla]\n");
        StringWriter err = new StringWriter();
        assertEquals(LawfitCommand.EXIT_BAD_INPUT, LawfitCommand.execute(new PrintWriter(err, true), "run", spec.toString()));
        assertTrue(err.toString().contains("typo.yaml"), err.toString());
        assertTrue(err.toString().contains("\"law\""), err.toString());
    }

    @Test
    void unknownLawIsNamed() throws Exception {
        java.nio.file.Path spec = dir.resolve("law.yaml");
        Files.writeString(spec, "input: {paths: [x]}\noutput: {path: y}\nlaws: [chinchila]\n");
        StringWriter err = new StringWriter();
        assertEquals(LawfitCommand.EXIT_BAD_INPUT, LawfitCommand.execute(new PrintWriter(err, true), "run", spec.toString()));
        assertTrue(err.toString().contains("unknown law 'chinchila'"), err.toString());
    }

    private String writeSpec(String name, String input, String format, String output) throws Exception {
        java.nio.file.Path spec = dir.resolve(name);
        Files.writeString(spec, "input: {paths: ['%s'], format: %s}\nbootstrap: {resamples: 20}\noutput: {path: '%s'}\n".formatted(input, format, output));
        return spec.toString();
    }
}
