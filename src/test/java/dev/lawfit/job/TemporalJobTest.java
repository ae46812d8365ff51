package dev.lawfit.job;

import dev.lawfit.job.ingest.ArchiveWriter;

import dev.lawfit.LawfitException;
import dev.lawfit.generate.TemporalArchive;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The temporal law through the job: a generated learning-rate sweep with per-position losses. */
class TemporalJobTest {

    @TempDir
    static Path dir;
    static String archive;
    static final int RUNS = 5, CHECKPOINTS = 20, POSITIONS = 48;

    @BeforeAll
    static void writeArchive() {
        List<TemporalArchive.PositionEvaluation> rows = new ArrayList<>(TemporalArchive.sweep(3, RUNS, CHECKPOINTS, POSITIONS));
        // a short run: 2 checkpoints, both before 30% of its planned tokens
        for (TemporalArchive.PositionEvaluation p : TemporalArchive.sweep(4, 1, CHECKPOINTS, POSITIONS).subList(0, 2)) {
            var e = p.evaluation();
            rows.add(new TemporalArchive.PositionEvaluation(new dev.lawfit.generate.CheckpointEvaluation("short-run", e.model(), e.dataset(),
                    e.tokenizer(), e.evalDataset(), e.params(), e.tokens(), e.step(), null, e.loss(), null, null, null, null, null),
                    p.positionLosses(), p.totalTokens()));
        }
        // a bad row: a negative position loss
        var first = rows.get(0);
        double[] bad = first.positionLosses().clone();
        bad[5] = -1;
        rows.add(new TemporalArchive.PositionEvaluation(first.evaluation(), bad, first.totalTokens()));
        archive = dir.resolve("archive").toString();
        ArchiveWriter.writeTemporal(TestSpark.session(), rows, archive);
    }

    private static String spec(String output, String extraInput) {
        return """
                input: {paths: ['%s']%s}
                laws: []
                temporal: {fit_fractions: [0.2, 0.3]}
                output: {path: '%s'}
                """.formatted(archive, extraInput, output);
    }

    @Test
    void fitsEveryRunPredictsTheRestAndRanksTheSweep() {
        String out = dir.resolve("out").toString();
        RunSummary summary = LawfitJob.run(TestSpark.session(), JobSpecReader.parse(spec(out, ""), "test"));
        assertEquals(1, summary.rowsRejected());
        assertEquals(RUNS * CHECKPOINTS + 2, summary.rowsAccepted());
        // every table of the job is in its report, drawn
        try {
            java.util.Map<String, String> shown = dev.lawfit.testing.ReportCoverage.check(out, dir.resolve("report.html"));
            assertEquals("picture", shown.get("temporal_points"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        Row reject = Tables.current(out, "rejects").first();
        assertTrue(reject.<String>getAs("reject_reason").contains("position_losses has a missing, NaN or non-positive value"));

        Dataset<Row> points = Tables.current(out, "temporal_points");
        assertEquals(RUNS * CHECKPOINTS + 2, points.count(), "one hyperbolic fit per checkpoint");
        assertEquals(RUNS * CHECKPOINTS + 2, points.where("status = 'ok' and positions = " + POSITIONS).count());

        Dataset<Row> laws = Tables.current(out, "laws");
        assertEquals(2 * RUNS, laws.where("law = 'temporal' and status = 'ok'").count());
        Row tooShort = laws.where("run_id = 'short-run' and fit_fraction = 0.3").first();
        assertEquals("too_few_points", tooShort.getAs("status"));

        // the curve laws are laws like every other: per run, with intervals, a backtest from 30% and predictions
        Dataset<Row> curves = laws.where("family = 'curve'");
        assertEquals(2 * RUNS, curves.where("status = 'ok'").count(), "curve_power and curve_exponential per run");
        // without a schedule section (no lr read), the curve laws behave as before and say so
        assertEquals(curves.count(), curves.where("message like '%" + dev.lawfit.job.stages.CurveStage.NO_SCHEDULE + "%'").count());
        assertEquals("too_few_points", curves.where("run_id = 'short-run'").first().getAs("status"));
        for (Row r : curves.where("status = 'ok' and law = 'curve_power'").collectAsList()) {
            java.util.Map<String, Double> low = r.getJavaMap(r.fieldIndex("ci_low")), high = r.getJavaMap(r.fieldIndex("ci_high"));
            java.util.Map<String, Double> derived = r.getJavaMap(r.fieldIndex("derived"));
            assertTrue(low.get("final_loss") <= derived.get("final_loss") && derived.get("final_loss") <= high.get("final_loss"));
            assertEquals("ok", r.getAs("backtest_status"));
            assertEquals(0.3, r.<Double>getAs("backtest_threshold"), 1e-12);
            assertTrue(r.<Double>getAs("backtest_are") < r.<Double>getAs("baseline_are"),
                    r.getAs("run_id") + ": from 30% the power curve predicts the rest better than carrying the lowest loss forward");
        }
        assertEquals(2L * RUNS * CHECKPOINTS, Tables.current(out, "predictions").where("family = 'curve'").count());
        java.nio.file.Path report = dir.resolve("report.html");
        assertTrue(dev.lawfit.report.ReportWriter.write(TestSpark.session(), out, report) >= 1, "a curve section per group");
        String html = org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> java.nio.file.Files.readString(report));
        assertTrue(html.contains("Training curves, per run") && html.contains("<img "), "the curve family is drawn");

        Dataset<Row> quality = Tables.current(out, "temporal_quality");
        for (Row r : quality.where("status = 'ok' and method = 'temporal' and fit_fraction = 0.3").collectAsList()) {
            int k = TemporalArchive.runIndex(r.getAs("run_id"));
            double truth = TemporalArchive.truth(k, POSITIONS).averageLoss(1.0);
            assertEquals(truth, r.<Double>getAs("predicted_final"), 0.02 * truth, r.getAs("run_id") + " final loss from 30% (48 positions, 20 checkpoints)");
            assertEquals(CHECKPOINTS - 6, (int) r.getAs("held_out_points"));
            assertEquals("positions", r.getAs("mode"));
        }
        assertEquals(2 * RUNS * 3, quality.where("status = 'ok'").count(), "temporal, power and exponential at 2 fractions");

        Dataset<Row> ranking = Tables.current(out, "temporal_ranking").where("method = 'temporal' and fit_fraction = 0.3");
        assertEquals(RUNS, ranking.count(), "the short run has no fit to rank");
        Row any = ranking.first();
        assertEquals(RUNS, (int) any.getAs("finished_runs"));
        System.out.println("temporal rank correlation from 30%: " + any.getAs("rank_correlation"));
        assertTrue(any.<Double>getAs("rank_correlation") >= 0.9, "rank correlation " + any.getAs("rank_correlation"));

        Dataset<Row> predictions = Tables.current(out, "predictions");
        assertEquals(2L * RUNS * CHECKPOINTS, predictions.where("law = 'temporal'").count());
        assertEquals((long) RUNS * (CHECKPOINTS - 4) + RUNS * (CHECKPOINTS - 6), predictions.where("law = 'temporal' and held_out").count(),
                "held out: 16 checkpoints per run from 20%, 14 from 30%");
        assertEquals(2L * RUNS * CHECKPOINTS, predictions.where("law = 'temporal_power'").count());
        assertEquals(2L * RUNS * CHECKPOINTS, predictions.where("law = 'temporal' and a0 > 0 and a1 >= 0 and a2 > 0").count());
    }

    @Test
    void runsWithoutPositionLossesGetTheReducedLaw() {
        String out = dir.resolve("average").toString();
        LawfitJob.run(TestSpark.session(), JobSpecReader.parse(spec(out, ", derive: {position_losses: 'cast(null as array<double>)'}"), "test"));
        Dataset<Row> quality = Tables.current(out, "temporal_quality").where("method = 'temporal' and status = 'ok'");
        assertEquals(2 * RUNS, quality.where("mode = 'average'").count());
        assertEquals(0, Tables.current(out, "temporal_points").count());
    }

    @Test
    void missingPlannedTokensIsAClearErrorOrAReject() {
        String plain = dir.resolve("plain").toString();
        ArchiveWriter.write(TestSpark.session(), TemporalArchive.sweep(3, 1, CHECKPOINTS, POSITIONS).stream()
                .map(TemporalArchive.PositionEvaluation::evaluation).toList(), plain, 1);
        LawfitException e = assertThrows(LawfitException.class, () -> LawfitJob.run(TestSpark.session(), JobSpecReader.parse(
                spec(dir.resolve("no-total").toString(), "").replace(archive, plain), "test")));
        assertTrue(e.getMessage().contains("has no column total_tokens and the spec sets no temporal.total_tokens"), e.getMessage());

        // a spec value fills in for the missing column
        String withSpecTotal = spec(dir.resolve("spec-total").toString(), "").replace(archive, plain)
                .replace("temporal: {fit_fractions: [0.2, 0.3]}", "temporal: {fit_fractions: [0.2, 0.3], total_tokens: 2.0e10}");
        LawfitJob.run(TestSpark.session(), JobSpecReader.parse(withSpecTotal, "test"));
        assertEquals(2, Tables.current(dir.resolve("spec-total").toString(), "temporal_quality")
                .where("method = 'temporal' and status = 'ok' and mode = 'average'").count());

        // a null total_tokens on a row, with no spec value, is a reject with its reason
        String out = dir.resolve("null-total").toString();
        RunSummary summary = LawfitJob.run(TestSpark.session(), JobSpecReader.parse(
                spec(out, ", derive: {total_tokens: \"case when step < 1000 then null else total_tokens end\"}"), "test"));
        assertTrue(summary.rowsRejected() > 1);
        assertTrue(Tables.current(out, "rejects").where("reject_reason like '%total_tokens is missing%'").count() > 0);
    }
}
