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
}
