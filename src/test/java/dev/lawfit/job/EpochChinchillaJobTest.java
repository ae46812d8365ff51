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
}
