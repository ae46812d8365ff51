package dev.lawfit.job;

import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.SharedData;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real Chinchilla points through jobs/chinchilla_epoch.yaml (column mapping, derived tokens, the 5
 * highest-loss points filtered): lawfit must reach Epoch's published optimum.
 */
class EpochChinchillaJobTest {

    @Test
    void reachesEpochsOptimumThroughAJobSpec(@TempDir Path dir) {
        SharedData.file("chinchilla_epoch_245.csv");
        JobSpec spec = JobSpecReader.read(Path.of("jobs/chinchilla_epoch.yaml"));
        String output = dir.toString();
        // The intervals on these points are checked in the core (BootstrapTest); here the job spec path is.
        spec = spec.withOutputPath(output).withBootstrap(new JobSpec.Bootstrap(0, null, null, null, null, null));
        RunSummary summary = LawfitJob.run(TestSpark.session(), spec);
        assertEquals(245, summary.rowsRead());
        assertEquals(5, summary.rowsFiltered());
        assertEquals(240, summary.rowsAccepted());

        Row fit = Tables.current(output, "laws").first();
        assertEquals("ok", fit.getAs("status"));
        assertEquals(240, fit.<Integer>getAs("n_points"));
        assertEquals(0.0010183, fit.<Double>getAs("objective"), 1e-7);
        Map<String, Double> p = fit.getJavaMap(fit.fieldIndex("parameters"));
        assertEquals(1.8172, p.get("E"), 0.01 * 1.8172);
        assertEquals(477.8, p.get("A"), 0.01 * 477.8);
        assertEquals(2144, p.get("B"), 0.01 * 2144);
        assertEquals(0.3473, p.get("alpha"), 0.01 * 0.3473);
        assertEquals(0.3672, p.get("beta"), 0.01 * 0.3672);
    }

    /**
     * jobs/forms.yaml: the field's forms side by side on the same real points, refitted without the 3 largest
     * sizes; every form is ranked, beats the naive baseline, and predicts the spec's targets with an interval.
     */
    @Test
    void theFormsSideBySideOnTheRealPoints(@TempDir Path dir) {
        SharedData.file("chinchilla_epoch_245.csv");
        JobSpec spec = JobSpecReader.read(Path.of("jobs/forms.yaml"));
        String output = dir.toString();
        LawfitJob.run(TestSpark.session(), spec.withOutputPath(output).withBootstrap(new JobSpec.Bootstrap(40, null, null, null, null, null)));
        java.util.List<Row> selection = Tables.current(output, "law_selection").collectAsList();
        assertEquals(java.util.List.of("chinchilla", "kaplan", "overtraining", "power_compute", "broken_power_compute").stream().sorted().toList(),
                selection.stream().map(r -> r.<String>getAs("law")).sorted().toList());
        for (Row r : selection) {
            org.junit.jupiter.api.Assertions.assertNotNull(r.getAs("rank"), r.getAs("law") + ": " + r.getAs("message"));
            org.junit.jupiter.api.Assertions.assertTrue(r.<Boolean>getAs("beats_baseline"), r.getAs("law") + " beats carrying the lowest loss forward");
            assertEquals(4, r.<Integer>getAs("held_out_points"), "the runs of the 3 largest sizes");
        }
        Row chinchilla = selection.stream().filter(r -> "chinchilla".equals(r.getAs("law"))).findFirst().orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(chinchilla.<Double>getAs("held_out_error") < 0.03, "" + chinchilla.getAs("held_out_error"));
        java.util.List<Row> forecasts = Tables.current(output, "forecasts").collectAsList();
        assertEquals(15, forecasts.size(), "3 targets x 5 forms");
        for (Row r : forecasts) {
            org.junit.jupiter.api.Assertions.assertTrue(r.<Double>getAs("low") <= r.<Double>getAs("prediction")
                    && r.<Double>getAs("prediction") <= r.<Double>getAs("high"), r.toString());
        }
    }
}
