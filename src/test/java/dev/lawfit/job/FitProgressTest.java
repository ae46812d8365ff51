package dev.lawfit.job;

import dev.lawfit.job.stages.FitProgress;

import dev.lawfit.testing.TestSpark;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FitProgressTest {

    @Test
    void saysHowManyOfHowManyAndWhatIsLeft() {
        try (FitProgress progress = FitProgress.start(TestSpark.session().sparkContext(), "groups", 10_000)) {
            assertTrue(progress.line("groups", 10_000).startsWith("fitted 0 of 10,000 groups (0%), 0:00 elapsed, time left unknown yet"),
                    progress.line("groups", 10_000));
            progress.counter().add(2_500);
            String line = progress.line("groups", 10_000);
            assertTrue(line.startsWith("fitted 2,500 of 10,000 groups (25%), "), line);
            assertTrue(line.contains(" left"), line);
        }
    }

    /** All fits done is not the end of the stage: the bootstrap's chunks, then "finishing"; never 100% while it runs. */
    @Test
    void neverSaysAHundredPercentWhileTheStageRuns() {
        try (FitProgress progress = FitProgress.start(TestSpark.session().sparkContext(), "groups", 4)) {
            progress.counter().add(4);
            String fitted = progress.line("groups", 4);
            assertTrue(fitted.startsWith("groups: all 4 fitted, finishing"), fitted);
            progress.chunksPlanned().add(40);
            progress.chunksDone().add(10);
            String bootstrap = progress.line("groups", 4);
            assertTrue(bootstrap.startsWith("groups: bootstrap, 10 of 40 resample chunks (25%)"), bootstrap);
            progress.chunksDone().add(29);
            assertTrue(progress.line("groups", 4).contains("39 of 40 resample chunks (97%)"));
            progress.chunksDone().add(5); // a retried task counts twice: still not more than all, and not 100% while open
            String over = progress.line("groups", 4);
            assertFalse(over.contains("100%"), over);
            assertTrue(over.contains("finishing"), over);
        }
    }

    /** The estimate of the time left does not go up between two lines, even when the pace drops. */
    @Test
    void theEstimateDoesNotJumpBackwards() throws InterruptedException {
        try (FitProgress progress = FitProgress.start(TestSpark.session().sparkContext(), "groups", 1_000)) {
            progress.line("groups", 1_000);
            Thread.sleep(20);
            progress.counter().add(500);
            long first = secondsLeft(progress.line("groups", 1_000));
            Thread.sleep(200); // the pace drops: an estimate from the pace alone would go up
            progress.counter().add(1);
            long second = secondsLeft(progress.line("groups", 1_000));
            assertTrue(second <= first, first + " then " + second);
        }
    }

    private static long secondsLeft(String line) {
        if (line.contains("almost done")) return 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("about (\\d+):(\\d+) left").matcher(line);
        assertTrue(m.find(), line);
        return Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2));
    }

    /**
     * A task that fits for minutes counts before it ends: its additions come with the executor's heartbeats. The task here
     * adds one group, then holds until the progress line has shown it (or two minutes pass); the line must show it while the
     * task still runs (a test that can fail: without the heartbeat counts the task never sees the flag go and the line
     * stays at "0 of 4, time left unknown" until the job ends).
     */
    @Test
    void aRunningTaskCountsBeforeItEnds() throws Exception {
        org.apache.spark.SparkContext context = TestSpark.session().sparkContext();
        java.nio.file.Path flag = java.nio.file.Files.createTempFile("lawfit-progress", ".flag");
        java.util.concurrent.ExecutorService driver = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (FitProgress progress = FitProgress.start(context, "groups", 4)) {
            org.apache.spark.util.LongAccumulator counter = progress.counter();
            String flagPath = flag.toString();
            java.util.concurrent.Future<?> job = driver.submit(() -> new org.apache.spark.api.java.JavaSparkContext(context)
                    .parallelize(java.util.List.of(1), 1).foreach(x -> {
                        counter.add(1);
                        long until = System.nanoTime() + 120_000_000_000L;
                        while (java.nio.file.Files.exists(java.nio.file.Path.of(flagPath)) && System.nanoTime() < until) Thread.sleep(50);
                    }));
            String line = progress.line("groups", 4);
            long until = System.nanoTime() + 120_000_000_000L;
            while (!line.startsWith("fitted 1 of 4") && System.nanoTime() < until) {
                Thread.sleep(200);
                line = progress.line("groups", 4);
            }
            boolean stillRunning = !job.isDone();
            java.nio.file.Files.deleteIfExists(flag);
            job.get();
            assertTrue(line.startsWith("fitted 1 of 4 groups (25%)"), line);
            assertTrue(stillRunning, "the line showed the group only after the task ended");
            assertTrue(line.contains("about ") && line.contains(" left"), "an estimate once one group is fitted: " + line);
        } finally {
            java.nio.file.Files.deleteIfExists(flag);
            driver.shutdownNow();
        }
    }
}
