package dev.lawfit.job.families;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.job.ingest.CheckpointValidator;
import dev.lawfit.job.plan.IncrementalPlan;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.spec.JobSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What every family's stage of one run reads: the session, the spec and its fit settings, the validated rows, the run's
 * incremental plan (null when no family is planned per group), the fitting partitions and the publisher its tables go to.
 */
public record FamilyRun(SparkSession spark, JobSpec spec, FitSettings settings, CheckpointValidator.Validated validated,
                        IncrementalPlan plan, int partitions, OutputPublisher publisher, java.util.List<Runnable> releases) {

    /** Frees {@code release} (a cached stage) once every table of the run is written. */
    public void releaseLater(Runnable release) {
        releases.add(release);
    }

    /** The validated rows a planned stage fits: the groups it refits (every group without a plan). */
    public Dataset<Row> rowsToFit(String stage) {
        return plan == null ? validated.accepted() : plan.toFit(validated.accepted(), stage);
    }

    /** Groups a planned stage fits this run. */
    public long fits(String stage) {
        return plan == null ? -1 : plan.fits(stage);
    }

    /** A table of a planned stage: its fresh rows with the rows of the groups it reuses from the previous version. */
    public Dataset<Row> combine(String table, Dataset<Row> fresh, String stage) {
        return plan == null ? fresh : plan.combine(table, fresh, stage);
    }

    /** Writes one of the family's own tables. */
    public void write(String table, Dataset<Row> rows) {
        publisher.write(table, rows);
    }
}
