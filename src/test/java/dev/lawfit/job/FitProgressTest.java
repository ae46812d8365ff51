package dev.lawfit.job;

import dev.lawfit.job.stages.FitProgress;

import dev.lawfit.testing.TestSpark;
import org.junit.jupiter.api.Test;

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
}
