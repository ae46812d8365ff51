package dev.lawfit.temporal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ranking runs of a sweep: predicted ranks for all, real ranks and Spearman's rho over the finished ones. */
class RunRankingTest {

    @Test
    void ranksByPredictionAndJudgesOnTheFinishedRuns() {
        String[] ids = {"lr-3", "lr-1", "lr-2", "lr-4"};
        double[] predicted = {2.9, 3.1, 3.0, 2.95};
        double[] observed = {2.8, 3.2, 3.0, Double.NaN};
        boolean[] finished = {true, true, true, false};
        RunRanking.Ranking ranking = RunRanking.rank(ids, predicted, observed, finished);
        assertEquals(java.util.List.of("lr-1", "lr-2", "lr-3", "lr-4"), ranking.places().stream().map(RunRanking.Place::runId).toList(),
                "run-id order, whatever order the runs came in");
        RunRanking.Place lr3 = ranking.places().get(2);
        assertEquals(1.0, lr3.predictedRank(), "the lowest predicted final loss ranks first");
        assertEquals(1.0, lr3.observedRank());
        assertEquals(3, ranking.finished());
        assertEquals(1.0, ranking.correlation(), 1e-12, "the finished runs are ranked exactly right");
        RunRanking.Place lr4 = ranking.places().get(3);
        assertEquals(2.0, lr4.predictedRank());
        assertTrue(Double.isNaN(lr4.observed()) && Double.isNaN(lr4.observedRank()), "an unfinished run has no real rank");
    }
}
