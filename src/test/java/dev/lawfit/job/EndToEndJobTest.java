package dev.lawfit.job;

import dev.lawfit.cli.LawfitCommand;
import dev.lawfit.generate.SyntheticArchive;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quickstart job end to end on the shared local Spark, read back from the published tables. */
class EndToEndJobTest {

    @TempDir
    static Path dir;
    static String output;
    static RunSummary first;

    @BeforeAll
    static void runQuickstartShapedJob() throws Exception {
        output = dir.resolve("out").toString();
        Path spec = dir.resolve("job.yaml");
        Files.writeString(spec, """
                name: e2e
                sample: {preset: linear_complexity, seed: 42, bad_rows: 6}
                input: {paths: [%s]}
                output: {path: %s}
                """.formatted(dir.resolve("archive"), output));
        first = LawfitJob.run(TestSpark.session(), JobSpecReader.read(spec));
    }

    @Test
    void everyRowIsAccountedFor() {
        assertEquals(1376 + 6, first.rowsRead());
        assertEquals(1376, first.rowsAccepted());
        assertEquals(6, first.rowsRejected());
        assertEquals(0, first.rowsFiltered());
        assertEquals(6, Tables.current(output, "rejects").count());
    }

    @Test
    void fitsEveryLawOfEveryGroupAndRecoversTheTruth() {
        Dataset<Row> laws = Tables.current(output, "laws");
        assertEquals(8, laws.count(), "4 architectures x 2 laws");
        assertEquals(8, laws.where("status = 'ok'").count());
        assertEquals(1376, laws.where("law = 'chinchilla'").selectExpr("sum(n_points)").first().getLong(0));
        for (SyntheticArchive.Truth truth : SyntheticArchive.LINEAR_COMPLEXITY_TRUTHS) {
            Row fit = laws.where("law = 'chinchilla' and model = '" + truth.model() + "'").first();
            Map<String, Double> params = fit.getJavaMap(fit.fieldIndex("params"));
            assertEquals(truth.alpha(), params.get("alpha"), 0.1 * truth.alpha(), truth.model() + " alpha");
            assertEquals(truth.beta(), params.get("beta"), 0.1 * truth.beta(), truth.model() + " beta");
            assertEquals(truth.e(), params.get("E"), 0.05 * truth.e(), truth.model() + " E");
            int n = fit.<Integer>getAs("n_points");
            assertTrue(n >= 6 * 57 && n <= 6 * 58, "1,376 checkpoints over 24 runs: " + n);
            assertEquals(n, fit.<Integer>getAs("flops_derived_points"), "the sample has no flops values: all derived");
            assertTrue(fit.<Double>getAs("r2") > 0.99);
        }
    }

    @Test
    void predictsEveryFittedPoint() {
        Dataset<Row> predictions = Tables.current(output, "predictions");
        assertEquals(2 * 1376, predictions.count());
        Row worst = predictions.where("law = 'chinchilla'").selectExpr("max(abs(log_residual))").first();
        assertTrue(worst.getDouble(0) < 5 * SyntheticArchive.NOISE, "largest chinchilla log residual " + worst.getDouble(0));
    }

    @Test
    void sameInputGivesTheSameTables() throws Exception {
        String again = dir.resolve("again").toString();
        Path spec = dir.resolve("again.yaml");
        Files.writeString(spec, "input: {paths: [%s]}\noutput: {path: %s}\n".formatted(dir.resolve("archive"), again));
        assertEquals(0, LawfitCommand.execute("run", spec.toString()));
        for (String table : List.of("laws", "predictions", "rejects")) {
            Dataset<Row> a = Tables.comparable(Tables.current(output, table).drop("fit_millis"));
            Dataset<Row> b = Tables.comparable(Tables.current(again, table).drop("fit_millis"));
            assertEquals(0, a.exceptAll(b).count() + b.exceptAll(a).count(), table + " differs between identical runs");
        }
    }

    @Test
    void quickstartSpecParses() {
        JobSpec spec = JobSpecReader.read(Path.of("jobs/quickstart.yaml"));
        assertEquals(List.of("chinchilla", "power_compute"), spec.laws());
        assertEquals(6, spec.sample().badRows());
    }
}
