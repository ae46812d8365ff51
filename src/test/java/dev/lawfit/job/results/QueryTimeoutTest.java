package dev.lawfit.job.results;

import dev.lawfit.LawfitException;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lawfit sql --timeout} when the time is up before the query's first job has started (planning outlasted a short timeout
 * on a loaded machine): the cancel must still reach the job. A single cancel at the deadline left such a query running for good
 * (a cross join of 10^16 rows hung the suite for 20 minutes).
 */
class QueryTimeoutTest {

    @Test
    void aTimeoutThatFiresWhileTheQueryIsStillBeingPlannedStillCancelsIt() {
        SparkSession spark = TestSpark.session();
        LawfitException e = assertThrows(LawfitException.class, () -> ResultQuery.answer(spark, () -> {
            try {
                Thread.sleep(2_500); // stands for planning that takes longer than the 1 s timeout (not a wait for a condition)
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return spark.sql("SELECT count(*) FROM range(100000000) a CROSS JOIN range(100000000) b WHERE a.id + b.id < 0");
        }, "csv", 10, 1));
        assertTrue(e.getMessage().contains("ran longer than 1 s and was cancelled"), e.getMessage());
    }
}
