package dev.lawfit.job;

import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Spark's code generation and adaptive execution left out for a small archive, unless someone chose otherwise. Spark
 * compiles a Java class for each query stage (Janino) and the JVM then compiles those classes again; on a few thousand
 * rows that work is most of a query's cost and the interpreted evaluation it replaces takes milliseconds. On the
 * quickstart (1,382 rows, about 30 queries) this saved about 4 s of 20 (docs/performance.md). Applies to inputs of at
 * most {@link #MOST_BYTES}; a setting given in the spec's spark.conf, on spark-submit's command line or on the session
 * is left as it is.
 */
final class SmallInputs {

    /** About a million checkpoint rows in Parquet. */
    static final long MOST_BYTES = 32L << 20;

    static final Map<String, String> SETTINGS = Map.of(
            "spark.sql.codegen.wholeStage", "false",
            "spark.sql.codegen.factoryMode", "NO_CODEGEN",
            // adaptive execution runs a query's shuffle stages as separate jobs and plans again between them: on a small
            // input there is nothing to coalesce or split, and the quickstart took about 3 s less without it
            "spark.sql.adaptive.enabled", "false");

    private SmallInputs() {
    }

    /** Applies {@link #SETTINGS} nobody chose for this run when its input is small; the returned action unsets them. */
    static Runnable apply(SparkSession spark, long inputBytes) {
        if (inputBytes > MOST_BYTES) return () -> { };
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, String> e : SETTINGS.entrySet()) {
            if (spark.sessionState().conf().contains(e.getKey())) continue; // someone's choice
            spark.conf().set(e.getKey(), e.getValue());
            set.add(e.getKey());
        }
        return () -> set.forEach(spark.conf()::unset);
    }
}
