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
                bootstrap: {resamples: 40, chunk_size: 10}
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
            Map<String, Double> params = fit.getJavaMap(fit.fieldIndex("parameters"));
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
    void everyLawHasIntervalsThatHoldItsEstimate() {
        Dataset<Row> laws = Tables.current(output, "laws");
        for (Row fit : laws.collectAsList()) {
            assertEquals(40, fit.<Integer>getAs("bootstrap_resamples"));
            assertEquals(0.95, fit.<Double>getAs("ci_level"));
            assertEquals("points", fit.getAs("bootstrap_mode"));
            Map<String, Double> params = fit.getJavaMap(fit.fieldIndex("parameters"));
            Map<String, Double> low = fit.getJavaMap(fit.fieldIndex("ci_low"));
            Map<String, Double> high = fit.getJavaMap(fit.fieldIndex("ci_high"));
            Map<String, Double> se = fit.getJavaMap(fit.fieldIndex("std_error"));
            for (String name : params.keySet()) {
                assertTrue(low.get(name) <= high.get(name), name + " interval ordered");
                assertTrue(se.get(name) > 0, name + " standard error");
            }
            if (fit.getAs("law").equals("chinchilla")) {
                assertTrue(low.containsKey("tokens_per_param@1e23"), "derived quantities at budgets get intervals: " + low.keySet());
                assertTrue(low.get("alpha") <= params.get("alpha") && params.get("alpha") <= high.get("alpha"));
            }
        }
    }

    @Test
    void backtestHoldsOutTheLargestSizeAndBeatsTheBaseline() {
        Dataset<Row> backtest = Tables.current(output, "backtest");
        Dataset<Row> laws = Tables.current(output, "laws").where("law = 'chinchilla'");
        for (Row fit : laws.collectAsList()) {
            String model = fit.getAs("model");
            assertEquals("ok", fit.getAs("backtest_status"));
            long held = backtest.where("law = 'chinchilla' and model = '" + model + "'").count();
            assertEquals(held, (long) fit.<Integer>getAs("backtest_points"));
            assertTrue(held >= 57, model + " holds out the 7B run's checkpoints: " + held);
            assertTrue(fit.<Double>getAs("backtest_are") < 0.02, model + " ARE " + fit.getAs("backtest_are"));
            assertTrue(fit.<Double>getAs("backtest_are") < fit.<Double>getAs("baseline_are"), model + " beats the baseline");
        }
        double largest = backtest.selectExpr("min(params)").first().getDouble(0);
        assertTrue(largest > 5e9, "only the largest size is held out: " + largest);
    }

    @Test
    void frontierHasEveryApproachPerGroupConsistentWithTheLaw() {
        Dataset<Row> frontier = Tables.current(output, "frontier");
        assertEquals(12, frontier.count(), "4 groups x 3 approaches");
        assertEquals(12, frontier.where("status = 'ok'").count());
        for (Row law : Tables.current(output, "laws").where("law = 'chinchilla'").collectAsList()) {
            String model = law.getAs("model");
            Map<String, Double> derived = law.getJavaMap(law.fieldIndex("derived"));
            Row row = frontier.where("approach = 'chinchilla' and model = '" + model + "'").first();
            assertEquals(derived.get("a"), row.<Double>getAs("a"), 1e-12, "approach 3 is the law's own allocation");
            Map<String, Double> nOpt = row.getJavaMap(row.fieldIndex("n_opt"));
            assertEquals(derived.get("n_opt@1e23"), nOpt.get("1e23"), 1e-6 * nOpt.get("1e23"));
            Row isoFlop = frontier.where("approach = 'isoflop' and model = '" + model + "'").first();
            assertTrue(isoFlop.<Integer>getAs("points") >= 8, "IsoFLOP budgets with a bracketed minimum");
            assertEquals("6nd", isoFlop.getAs("flops_convention"));
        }
    }

    @Test
    void comparisonTableHasOneRowPerArchitectureWithIntervals() {
        List<Row> rows = Tables.current(output, "comparison").collectAsList();
        assertEquals(List.of("cosformer2", "hgrn2", "llama", "tnl"), rows.stream().map(r -> (String) r.getAs("model")).toList());
        for (Row r : rows) {
            assertTrue(r.<Double>getAs("alpha_low") <= r.<Double>getAs("alpha") && r.<Double>getAs("alpha") <= r.<Double>getAs("alpha_high"));
            assertTrue(r.<Double>getAs("a_chinchilla_low") <= r.<Double>getAs("a_chinchilla")
                    && r.<Double>getAs("a_chinchilla") <= r.<Double>getAs("a_chinchilla_high"));
            assertTrue(r.<Double>getAs("a_isoflop") > 0 && r.<Double>getAs("a_envelope") > 0);
            Map<String, Double> loss = r.getJavaMap(r.fieldIndex("loss_at"));
            assertTrue(loss.get("loss@1e23") < loss.get("loss@1e21"), "more compute, lower loss: " + loss);
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
        Files.writeString(spec, "input: {paths: [%s]}\nbootstrap: {resamples: 40, chunk_size: 7}\noutput: {path: %s}\n"
                .formatted(dir.resolve("archive"), again));
        assertEquals(0, LawfitCommand.execute("run", spec.toString()));
        for (String table : List.of("laws", "predictions", "backtest", "frontier", "comparison", "rejects")) {
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
