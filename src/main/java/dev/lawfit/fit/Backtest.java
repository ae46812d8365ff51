package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.Arrays;

/**
 * Held-out extrapolation, as a lab checks a law before committing compute: refit on the smaller models
 * and predict the largest {@code holdOutSizes} model sizes. Reports the absolute relative error (ARE)
 * per held-out point and its mean, next to a naive baseline on the same split: the lowest loss any
 * smaller model reached, carried forward to every held-out point.
 */
public final class Backtest {

    /**
     * @param heldOut   indices (into the group's points) of the held-out points
     * @param predicted the refitted law's prediction at each held-out point
     * @param baseline  the baseline's prediction (the same value for every point)
     */
    public record Result(FitStatus status, String message, double sizeThreshold, int[] heldOut, double[] predicted,
                         double[] are, double meanAre, double baseline, double[] baselineAre, double baselineMeanAre) {

        static Result notRun(FitStatus status, String message) {
            return new Result(status, message, Double.NaN, new int[0], new double[0], new double[0], Double.NaN,
                    Double.NaN, new double[0], Double.NaN);
        }
    }

    private Backtest() {
    }

    public static Result run(Law law, Points points, FitSettings settings) {
        int holdOut = settings.backtestHoldOutSizes();
        double[] sizes = Arrays.stream(points.params()).distinct().sorted().toArray();
        if (sizes.length <= holdOut + 1) {
            return Result.notRun(FitStatus.TOO_FEW_POINTS, "the backtest holds out the " + holdOut
                    + " largest size(s) and needs at least 2 more; the group has " + sizes.length + " size(s)");
        }
        double threshold = sizes[sizes.length - holdOut];
        int[] train = indices(points, threshold, false);
        int[] held = indices(points, threshold, true);
        Points fitPart = points.select(train);
        if (fitPart.size() < law.minPoints()) {
            return Result.notRun(FitStatus.TOO_FEW_POINTS, "the backtest's fit part has " + fitPart.size()
                    + " points; " + law.name() + " needs " + law.minPoints());
        }
        ScreenedGridSearch.Outcome fit = ScreenedGridSearch.minimize(law, fitPart, settings, null);
        double baseline = Arrays.stream(fitPart.loss()).min().orElse(Double.NaN);
        double[] predicted = new double[held.length], are = new double[held.length], baselineAre = new double[held.length];
        for (int k = 0; k < held.length; k++) {
            int i = held[k];
            double observed = points.loss()[i];
            predicted[k] = Math.exp(law.logPredict(fit.theta(), points, i));
            are[k] = Math.abs(predicted[k] - observed) / observed;
            baselineAre[k] = Math.abs(baseline - observed) / observed;
        }
        return new Result(FitStatus.OK, "", threshold, held, predicted, are, mean(are), baseline, baselineAre, mean(baselineAre));
    }

    private static int[] indices(Points points, double threshold, boolean heldOut) {
        return java.util.stream.IntStream.range(0, points.size())
                .filter(i -> (points.params()[i] >= threshold) == heldOut).toArray();
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
