package dev.lawfit.job.families;

import dev.lawfit.law.Family;
import dev.lawfit.spec.JobSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One family's part of a run, as the job driver sees it: whether a spec asks for it, the incremental plan's stage its
 * groups are planned in (null: refitted on every run), and its fit, which gives its rows of the tables every family shares
 * ({@code laws}, {@code predictions}, {@code backtest}, {@code folds}, {@code resamples}) and then writes its own tables
 * once the shared ones are published. The driver loops over {@link Families#ALL}; adding a family is a stage here and a line
 * in that registry.
 */
public interface FamilyStage {

    /** The family whose rows the stage writes (its {@code family} column). */
    Family family();

    /** Whether the spec asks for this family. */
    boolean runs(JobSpec spec);

    /** The incremental plan's stage the family's groups are planned in, or null when it is refitted on every run. */
    default String plannedStage() {
        return null;
    }

    /** Fits the family (lazily where Spark allows): its rows of the shared tables and what it publishes afterwards. */
    Fitted fit(FamilyRun run);

    /** The shared tables as published this run (every family's rows, reused ones included), for the families that build on them. */
    record Shared(Dataset<Row> laws, Dataset<Row> folds) {
    }

    /**
     * A family's fit: its fresh rows of the shared tables (null where it has none), how it writes its own tables (returning
     * resamples it adds to the shared table, or null), and what to free once everything is written.
     */
    record Fitted(Dataset<Row> laws, Dataset<Row> predictions, Dataset<Row> backtest, Dataset<Row> folds, Dataset<Row> resamples,
                  Publisher publisher, Runnable release) {

        /** A fit with nothing in the shared tables before its own tables are written (it builds on the published laws). */
        public static Fitted afterwards(Publisher publisher) {
            return new Fitted(null, null, null, null, null, publisher, () -> { });
        }
    }

    /** Writes a family's own tables once the shared ones are published; returns resamples to add to the shared table, or null. */
    @FunctionalInterface
    interface Publisher {
        Dataset<Row> publish(FamilyRun run, Shared shared);
    }
}
