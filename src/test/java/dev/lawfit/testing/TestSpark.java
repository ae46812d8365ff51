package dev.lawfit.testing;

import dev.lawfit.job.SparkSessions;
import org.apache.spark.sql.SparkSession;

import java.util.Map;

/** The one local SparkSession every test in the JVM shares: 2 threads, loopback only, no UI. */
public final class TestSpark {

    private static SparkSession session;

    private TestSpark() {
    }

    public static synchronized SparkSession session() {
        if (session == null) {
            // no shuffle partitions, code generation or adaptive execution given: each job chooses them for its input, as a
            // user's embedded run does
            session = SparkSessions.start("local[2]", Map.of("spark.default.parallelism", "2"));
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}
