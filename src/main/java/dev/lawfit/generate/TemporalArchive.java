package dev.lawfit.generate;

import dev.lawfit.temporal.Curve;
import dev.lawfit.temporal.TemporalLaw;
import dev.lawfit.temporal.TrajectoryForm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated runs whose per-position losses follow the temporal law (default trajectory forms) with
 * multiplicative Gaussian noise per position: a learning-rate sweep of one model, where runs with a
 * higher learning rate start lower but end higher, so ranking them by early loss gets the order wrong.
 */
public final class TemporalArchive {

    /** One checkpoint row with its per-position losses and the run's planned tokens. */
    public record PositionEvaluation(CheckpointEvaluation evaluation, double[] positionLosses, double totalTokens) {
    }

    public static final double TOTAL_TOKENS = 20e9;
    public static final double PARAMS = 410e6;
    public static final double NOISE = 0.003;
    public static final double[] LEARNING_RATES = {1e-4, 2e-4, 4e-4, 8e-4, 1.6e-3};

    private TemporalArchive() {
    }

    /** The run id of run k of the sweep, e.g. lr-4.0E-4. */
    public static String runId(int k) {
        return "lr-" + LEARNING_RATES[k];
    }

    /** Which run of the sweep an id names (-1 for none). */
    public static int runIndex(String runId) {
        for (int k = 0; k < LEARNING_RATES.length; k++) if (runId(k).equals(runId)) return k;
        return -1;
    }

    /** The true law of run k of the sweep. */
    public static TemporalLaw truth(int k, int positions) {
        Curve a0 = new Curve(TrajectoryForm.LOG, 2.0, -0.3, Double.NaN, 0, 0, 0);
        Curve a1 = new Curve(TrajectoryForm.HYPERBOLIC, 0.1, 0.5, 5.0, 0, 0, 0);
        Curve a2 = new Curve(TrajectoryForm.POWER, 2.2 + 0.09 * k, 0.8 - 0.06 * k, 0.35, 0, 0, 0);
        return TemporalLaw.full(a0, a1, a2, positions);
    }

    /** {@code runs} runs (at most 5) of {@code checkpoints} evenly spaced checkpoints with {@code positions} positions each. */
    public static List<PositionEvaluation> sweep(long seed, int runs, int checkpoints, int positions) {
        Random random = new Random(seed);
        List<PositionEvaluation> out = new ArrayList<>();
        for (int k = 0; k < runs; k++) {
            TemporalLaw law = truth(k, positions);
            String runId = runId(k);
            for (int c = 1; c <= checkpoints; c++) {
                double x = (double) c / checkpoints;
                double[] losses = new double[positions];
                double sum = 0;
                for (int i = 1; i <= positions; i++) {
                    losses[i - 1] = law.positionLoss(x, i) * (1 + NOISE * random.nextGaussian());
                    sum += losses[i - 1];
                }
                double tokens = x * TOTAL_TOKENS;
                CheckpointEvaluation row = new CheckpointEvaluation(runId, "tsl-410m", "pile", "gpt-neox", "pile-val", PARAMS, tokens,
                        (long) (tokens / 2_097_152), null, sum / positions, null, null, null, null, null);
                out.add(new PositionEvaluation(row, losses, TOTAL_TOKENS));
            }
        }
        return out;
    }
}
