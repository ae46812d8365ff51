package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Held-out extrapolation, as a lab checks a law before committing compute: refit the law on part of its
 * data and predict the rest, along the law's natural split ({@link Law#holdOut}): without the
 * {@code holdOutSizes} largest model sizes (the (N, D, C) laws, loss-to-loss lines, downstream laws), or on
 * a run's checkpoints up to {@code fit_fraction} of its planned tokens (curve laws). Reports the absolute
 * relative error (ARE) per held-out point and its mean, next to a naive baseline on the same split: the
 * lowest value of the target in the fit part, carried forward to every held-out point (every family's
 * target falls towards its held-out part: bigger models, later checkpoints).
 */
public final class Backtest {

    /**
     * @param threshold held-out points are those with params >= threshold (sizes) or progress x > threshold (curves)
     * @param heldOut   indices (into the group's points) of the held-out points
     * @param predicted the refitted law's prediction at each held-out point
     * @param baseline  the baseline's prediction (the same value for every point)
     */
    public record Result(FitStatus status, String message, double threshold, int[] heldOut, double[] predicted,
                         double[] are, double meanAre, double baseline, double[] baselineAre, double baselineMeanAre) {

        static Result notRun(FitStatus status, String message) {
            return new Result(status, message, Double.NaN, new int[0], new double[0], new double[0], Double.NaN,
                    Double.NaN, new double[0], Double.NaN);
        }
    }

    private Backtest() {
    }

    /** Whether the settings turn this law's backtest on. */
    public static boolean enabled(Law law, FitSettings settings) {
        return law.holdOut() == Law.HoldOut.LATE_PROGRESS || settings.backtestHoldOutSizes() > 0;
    }

    public static Result run(Law law, Points points, FitSettings settings) {
        double threshold;
        int[] held;
        if (law.holdOut() == Law.HoldOut.LATE_PROGRESS) {
            threshold = settings.backtestFitFraction();
            held = indices(points, i -> points.x()[i] > threshold * (1 + 1e-9));
            if (held.length == 0) {
                return Result.notRun(FitStatus.TOO_FEW_POINTS, "no checkpoint after " + threshold + " of the run to predict");
            }
        } else {
            int holdOut = settings.backtestHoldOutSizes();
            double[] sizes = Arrays.stream(points.params()).distinct().sorted().toArray();
            if (sizes.length <= holdOut + 1) {
                return Result.notRun(FitStatus.TOO_FEW_POINTS, "the backtest holds out the " + holdOut
                        + " largest size(s) and needs at least 2 more; the group has " + sizes.length + " size(s)");
            }
            threshold = sizes[sizes.length - holdOut];
            held = indices(points, i -> points.params()[i] >= threshold);
        }
        java.util.Set<Integer> heldSet = new java.util.HashSet<>();
        for (int i : held) heldSet.add(i);
        Points fitPart = points.select(indices(points, i -> !heldSet.contains(i)));
        if (fitPart.size() < law.minPoints()) {
            return Result.notRun(FitStatus.TOO_FEW_POINTS, "the backtest's fit part has " + fitPart.size()
                    + " points; " + law.name() + " needs " + law.minPoints());
        }
        String unidentifiable = law.unidentifiable(fitPart);
        if (unidentifiable != null) return Result.notRun(FitStatus.TOO_FEW_POINTS, "the backtest's fit part: " + unidentifiable);
        Solution fit;
        try {
            fit = Solver.of(law).solve(law, fitPart, null, settings, null);
        } catch (RuntimeException e) {
            return Result.notRun(FitStatus.FAILED, "the backtest's refit failed: " + e.getMessage());
        }
        double baseline = Arrays.stream(fitPart.loss()).min().orElse(Double.NaN);
        double[] predicted = new double[held.length], are = new double[held.length], baselineAre = new double[held.length];
        for (int k = 0; k < held.length; k++) {
            int i = held[k];
            double observed = points.loss()[i];
            predicted[k] = law.predict(fit.theta(), points, i);
            are[k] = Math.abs(predicted[k] - observed) / observed;
            baselineAre[k] = Math.abs(baseline - observed) / observed;
        }
        return new Result(FitStatus.OK, "", threshold, held, predicted, are, mean(are), baseline, baselineAre, mean(baselineAre));
    }

    private static int[] indices(Points points, java.util.function.IntPredicate keep) {
        return IntStream.range(0, points.size()).filter(keep).toArray();
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
