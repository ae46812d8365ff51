package dev.lawfit.job;

import dev.lawfit.job.ingest.ArchiveWriter;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.job.publish.RunHistory;

import dev.lawfit.LawfitException;
import dev.lawfit.cli.LawfitCommand;
import dev.lawfit.generate.SyntheticArchive;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inputs as nightly archives are: many files by glob, schemas that drifted between nights, broken files. */
class InputFilesJobTest {

    @TempDir
    Path dir;

    private Dataset<Row> nights(int groups, int points, long seed) {
        return ArchiveWriter.toDataFrame(TestSpark.session(), SyntheticArchive.manyGroups(groups, points, seed));
    }

    private JobSpec spec(String paths, String output) {
        return JobSpecReader.parse("""
                name: inputs
                input: {paths: [%s]}
                laws: [pure_params]
                bootstrap: {resamples: 0}
                output: {path: %s}
                """.formatted(paths, output), "test");
    }

    @Test
    void reconcilesWidenedNumbersAndAddedColumnsAcrossFiles() {
        Dataset<Row> rows = nights(2, 20, 5);
        // night 1 wrote params as int and tokens as bigint; night 2 doubles and a new optional column
        rows.where("model = 'family-00000'").withColumn("params", rows.col("params").cast("int"))
                .withColumn("tokens", rows.col("tokens").cast("bigint")).coalesce(1).write().parquet(dir.resolve("night-1").toString());
        rows.where("model = 'family-00001'").withColumn("notes", org.apache.spark.sql.functions.lit("rerun"))
                .coalesce(1).write().parquet(dir.resolve("night-2").toString());
        RunSummary summary = LawfitJob.run(TestSpark.session(), spec(dir.resolve("night-*").toString(), dir.resolve("out").toString()));
        assertEquals(40, summary.rowsRead());
        assertEquals(40, summary.rowsAccepted());
        assertEquals(2, Tables.current(dir.resolve("out").toString(), "laws").where("status = 'ok'").count());

        rows.where("model = 'family-00000'").withColumn("loss", rows.col("loss").cast("string"))
                .coalesce(1).write().parquet(dir.resolve("night-3").toString());
        LawfitException e = assertThrows(LawfitException.class,
                () -> LawfitJob.run(TestSpark.session(), spec(dir.resolve("night-*").toString(), dir.resolve("out").toString())));
        assertTrue(e.getMessage().contains("input column 'loss' is double in file:" + dir.resolve("night-1"))
                && e.getMessage().contains("but string in file:" + dir.resolve("night-3")), e.getMessage());
    }

    @Test
    void aTruncatedFileIsNamedAndPreviousResultsStayOrItIsSkippedAndRecorded() throws Exception {
        String archive = dir.resolve("archive").toString();
        nights(3, 20, 6).repartition(3, org.apache.spark.sql.functions.col("model")).write().parquet(archive);
        String output = dir.resolve("out").toString();
        Path specFile = dir.resolve("job.yaml");
        Files.writeString(specFile, """
                name: inputs
                input: {paths: [%s]}
                laws: [pure_params]
                bootstrap: {resamples: 0}
                output: {path: %s}
                """.formatted(archive, output));
        assertEquals(0, LawfitCommand.execute("run", specFile.toString()));
        String published = OutputPublisher.currentVersion(TestSpark.session().sparkContext().hadoopConfiguration(), output).getName();

        Path good;
        try (var files = Files.list(dir.resolve("archive"))) {
            good = files.filter(p -> p.toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("archive").resolve("part-99999-truncated.parquet");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.writeString(dir.resolve("archive").resolve("notes.parquet"), "not parquet at all\n");

        StringWriter err = new StringWriter();
        assertEquals(LawfitCommand.EXIT_BAD_INPUT, LawfitCommand.execute(new PrintWriter(err), "run", specFile.toString()));
        assertTrue(err.toString().contains("2 input file(s) are not readable Parquet") && err.toString().contains(truncated.toString())
                && err.toString().contains("notes.parquet") && err.toString().contains("--skip-bad-files"), err.toString());
        assertEquals(published, OutputPublisher.currentVersion(TestSpark.session().sparkContext().hadoopConfiguration(), output).getName(),
                "the failed run published nothing");
        Row failed = RunHistory.table(TestSpark.session(), output).orderBy(org.apache.spark.sql.functions.col("started").desc()).first();
        assertEquals(RunHistory.FAILED, failed.getAs("status"));
        assertTrue(((String) failed.getAs("error")).contains(truncated.toString()));

        RunSummary skipped = LawfitJob.run(TestSpark.session(), spec(archive, output), new RunOptions(false, false, true));
        assertEquals(List.of("file:" + truncated, "file:" + dir.resolve("archive").resolve("notes.parquet")).stream().sorted().toList(),
                skipped.badFiles().stream().sorted().toList());
        assertEquals(60, skipped.rowsRead(), "every row of the good files, none lost");
        assertEquals(3, skipped.groupChanges().reused(), "the good files are the same rows as before: nothing to refit");
        Row record = RunHistory.table(TestSpark.session(), output).orderBy(org.apache.spark.sql.functions.col("started").desc()).first();
        assertEquals(2, record.getList(record.fieldIndex("bad_files")).size());
        assertTrue((Boolean) record.getAs("skip_bad_files"));
    }
}
