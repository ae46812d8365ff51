package dev.lawfit.job;

import org.apache.spark.sql.SparkSession;

/**
 * Shuffle partitions sized to the run's rows, on an embedded session whose partition count nobody chose (no
 * {@code spark.sql.shuffle.partitions} in the spec or on the command line): one partition per 100,000 rows, at least
 * 1 and at most 4 per core. A small archive then shuffles into one partition, and a table's sorted write needs no
 * sampling pass to find its ranges (Spark's range partitioner samples only for 2 or more): on the quickstart
 * (1,382 rows) that is about 4 s of its 28. A chosen count (the spec's, spark-submit's, a session's) is left alone.
 */
final class ShuffleSizing {

    /** Set by {@link SparkSessions} when it put in the default count itself. */
    static final String AUTO = "spark.lawfit.shuffle.partitions.auto";
    static final long ROWS_PER_PARTITION = 100_000;

    private ShuffleSizing() {
    }

    /** Sizes this run's shuffles; the returned action puts the session's count back. */
    static Runnable apply(SparkSession spark, long rows) {
        if (!spark.sparkContext().getConf().getBoolean(AUTO, false)) return () -> { };
        String before = spark.conf().get(SparkSessions.SHUFFLE_PARTITIONS);
        if (!before.equals(spark.sparkContext().getConf().get(SparkSessions.SHUFFLE_PARTITIONS, before))) {
            return () -> { }; // changed on the session since it started: someone's choice
        }
        int most = Math.max(1, 4 * spark.sparkContext().defaultParallelism());
        long wanted = Math.max(1, Math.min(most, (rows + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION));
        spark.conf().set(SparkSessions.SHUFFLE_PARTITIONS, String.valueOf(wanted));
        return () -> spark.conf().set(SparkSessions.SHUFFLE_PARTITIONS, before);
    }
}
