package dev.lawfit.job;

import dev.lawfit.LawfitException;

import org.apache.spark.sql.SparkSession;

import java.util.Map;

/**
 * Where lawfit gets its SparkSession. Under spark-submit (spark.master already set) the cluster's
 * settings rule; otherwise lawfit starts embedded Spark bound to 127.0.0.1.
 */
public final class SparkSessions {

    private SparkSessions() {
    }

    /** True when this JVM was launched by spark-submit, which sets spark.master. */
    public static boolean launchedBySparkSubmit() {
        return System.getProperty("spark.master") != null;
    }

    /** An already running session (tests share one), or null. */
    public static SparkSession active() {
        return SparkSession.getActiveSession().getOrElse(() -> SparkSession.getDefaultSession().getOrElse(() -> null));
    }

    /**
     * Runs {@code work} on the running session (tests, spark-submit's) or on one started here for it, which is
     * stopped afterwards.
     */
    public static <T> T using(String master, Map<String, String> conf, java.util.function.Function<SparkSession, T> work) {
        SparkSession running = active();
        SparkSession spark = running != null ? running : start(master, conf);
        try {
            return work.apply(spark);
        } finally {
            if (running == null) spark.stop();
        }
    }

    /**
     * As {@link #using}, for commands that only read (sql, report, generate): a session started here keeps Spark's
     * warehouse, which it would otherwise create as {@code ./spark-warehouse}, in a temporary directory it removes.
     */
    public static <T> T usingToRead(java.util.function.Function<SparkSession, T> work) {
        if (active() != null) return using("local[*]", Map.of(), work);
        java.nio.file.Path warehouse;
        try {
            warehouse = java.nio.file.Files.createTempDirectory("lawfit-warehouse-");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot make a temporary directory: " + e.getMessage(), e);
        }
        try {
            return using("local[*]", Map.of("spark.sql.warehouse.dir", warehouse.toUri().toString()), work);
        } finally {
            try (var walk = java.nio.file.Files.walk(warehouse)) {
                for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) java.nio.file.Files.deleteIfExists(p);
            } catch (java.io.IOException ignored) { // an empty temporary directory left behind is harmless
            }
        }
    }

    static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";

    public static SparkSession start(String master, Map<String, String> conf) {
        SparkSession.Builder builder = SparkSession.builder().appName("lawfit");
        if (!launchedBySparkSubmit()) {
            builder.master(master)
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    // Spark's own stage progress bar, when a person is watching
                    .config("spark.ui.showConsoleProgress", String.valueOf(System.console() != null))
                    // running tasks report their counts with each heartbeat: lawfit's progress lines move within seconds
                    .config("spark.executor.heartbeatInterval", "3s")
                    // the local file system without a chmod or readlink process per file (DirectLocalFileSystem)
                    .config("spark.hadoop." + DirectLocalFileSystem.FILE_SYSTEM_KEY, DirectLocalFileSystem.class.getName())
                    .config("spark.hadoop." + DirectLocalFileSystem.FILE_CONTEXT_KEY, DirectLocalFileSystem.Context.class.getName());
            if (!conf.containsKey(SHUFFLE_PARTITIONS)) {
                // not the user's choice: each run sizes its shuffles to its rows (ShuffleSizing), 8 otherwise
                builder.config(SHUFFLE_PARTITIONS, "8").config(ShuffleSizing.AUTO, "true");
            }
        }
        conf.forEach(builder::config);
        try {
            SparkSession spark = builder.getOrCreate();
            spark.sessionState(); // built lazily: a bad SQL setting fails here, not in the middle of a run
            return spark;
        } catch (RuntimeException e) { // a bad master URL or setting: the user's to fix, named, in one line
            SparkSession half = active();
            if (half != null) half.stop();
            throw new dev.lawfit.LawfitException("Spark did not start with master '" + master + "' and spark.conf " + conf + ": "
                    + LawfitException.innermostLine(e), e);
        }
    }
}
