package dev.lawfit.fit;

import dev.lawfit.law.ChinchillaLaw;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.testing.GeneratedPoints;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BacktestTest {

    private static final Law LAW = new ChinchillaLaw();
    private static final double[] TRUTH = {Math.log(1.8), Math.log(500), Math.log(2000), 0.35, 0.37};
    private static final double[] SIZES = {7e7, 1.6e8, 4e8, 1e9, 3e9};
    private static final double[] TOKENS = GeneratedPoints.logSpaced(2e9, 3e11, 6);

    @Test
    void noiseFreeDataExtrapolatesWithoutError() {
        Points points = GeneratedPoints.fromLaw(LAW, TRUTH, SIZES, TOKENS, 0, 1);
        Backtest.Result result = Backtest.run(LAW, points, FitSettings.DEFAULT);
        assertEquals(FitStatus.OK, result.status(), result.message());
        assertEquals(6, result.heldOut().length, "the largest size's 6 checkpoints are held out");
        for (int i : result.heldOut()) assertEquals(3e9, points.params()[i]);
        assertTrue(result.meanAre() < 1e-5, "ARE " + result.meanAre());
    }

    /**
     * The fit part is exact, and every held-out loss is 3% above the law: ARE = 0.03 / 1.03 at each
     * point. The baseline carries the lowest fit-part loss forward: |min - observed| / observed.
     */
    @Test
    void areMatchesAHandComputedValue() {
        Points exact = GeneratedPoints.fromLaw(LAW, TRUTH, SIZES, TOKENS, 0, 1);
        double[] loss = exact.loss().clone();
        for (int i = 0; i < loss.length; i++) if (exact.params()[i] == 3e9) loss[i] *= 1.03;
        Points points = Points.of(exact.params(), exact.tokens(), exact.flops(), loss);
        Backtest.Result result = Backtest.run(LAW, points, FitSettings.DEFAULT);
        double[] expected = new double[6];
        Arrays.fill(expected, 0.03 / 1.03);
        assertArrayEquals(expected, result.are(), 1e-6);
        assertEquals(0.03 / 1.03, result.meanAre(), 1e-6);

        double lowestFitLoss = Double.MAX_VALUE;
        for (int i = 0; i < loss.length; i++) if (exact.params()[i] < 3e9) lowestFitLoss = Math.min(lowestFitLoss, loss[i]);
        assertEquals(lowestFitLoss, result.baseline(), 1e-12);
        double baselineMean = 0;
        for (int i : result.heldOut()) baselineMean += Math.abs(lowestFitLoss - loss[i]) / loss[i] / 6;
        assertEquals(baselineMean, result.baselineMeanAre(), 1e-12);
    }

    @Test
    void tooFewSizesIsAStatus() {
        Points points = GeneratedPoints.fromLaw(LAW, TRUTH, new double[] {1e8, 1e9}, TOKENS, 0, 1);
        Backtest.Result result = Backtest.run(LAW, points, FitSettings.DEFAULT);
        assertEquals(FitStatus.TOO_FEW_POINTS, result.status());
        assertTrue(result.message().contains("largest size(s) and needs at least 2 more; the group has 2"), result.message());
    }
}
