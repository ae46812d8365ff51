package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Held-out extrapolation, as a lab checks a law before committing compute: refit the law on part of its
 * data and predict the rest, along the law's split ({@link FitSettings#splitFor}): without the
 * {@code holdOutSizes} largest levels of model size, tokens per parameter (the most over-trained runs) or compute
 * (the (N, D, C) laws, loss-to-loss lines, downstream laws; the spec's {@code backtest.hold_out} chooses), or on a
 * run's checkpoints up to {@code fit_fraction} of its planned tokens (curve laws). Reports the absolute
 * relative error (ARE) per held-out point and its mean, next to a naive baseline on the same split: the
 * lowest value of the target in the fit part, carried forward to every held-out point (every family's
 * target falls towards its held-out part: bigger models, later checkpoints), and an interval on the mean.
 */
public final class Backtest {

    /**
     * @param threshold held-out points are those with params >= threshold (sizes) or progress x > threshold (curves)
     * @param heldOut   indices (into the group's points) of the held-out points
     * @param predicted the refitted law's prediction at each held-out point
     * @param meanAreLow  low end of the interval on meanAre (held-out runs resampled; NaN with one held-out point)
     * @param baseline  the baseline's prediction (the same value for every point)
     */
    public record Result(FitStatus status, String message, double threshold, int[] heldOut, double[] predicted,
                         double[] are, double meanAre, double meanAreLow, double meanAreHigh, double baseline, double[] baselineAre,
                         double baselineMeanAre) {

        static Result notRun(FitStatus status, String message) {
            return new Result(status, message, Double.NaN, new int[0], new double[0], new double[0], Double.NaN, Double.NaN, Double.NaN,
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
        Law.HoldOut split = settings.splitFor(law);
        if (split == Law.HoldOut.LATE_PROGRESS) {
            threshold = settings.backtestFitFraction();
            held = indices(points, i -> points.x()[i] > threshold * (1 + 1e-9));
            if (held.length == 0) {
                return Result.notRun(FitStatus.TOO_FEW_POINTS, "no checkpoint after " + threshold + " of the run to predict");
            }
        } else {
            int holdOut = settings.backtestHoldOutSizes();
            double[] level = levels(points, split);
            double[] distinct = Arrays.stream(level).distinct().sorted().toArray();
            if (distinct.length <= holdOut + 1) {
                return Result.notRun(FitStatus.TOO_FEW_POINTS, "the backtest holds out the " + holdOut + " " + describe(split)
                        + " and needs at least 2 more; the group has " + distinct.length);
            }
            threshold = distinct[distinct.length - holdOut];
            held = indices(points, i -> level[i] >= threshold);
        }
        java.util.Set<Integer> heldSet = new java.util.HashSet<>();
        for (int i : held) heldSet.add(i);
        Points fitPart = points.select(indices(points, i -> !heldSet.contains(i)));
        if (fitPart.size() < settings.minPoints(law)) {
            return Result.notRun(FitStatus.TOO_FEW_POINTS, "the backtest's fit part has " + fitPart.size()
                    + " points; " + law.name() + " needs " + settings.minPoints(law));
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
        double[] interval = meanInterval(are, points, held, settings.bootstrap().level());
        return new Result(FitStatus.OK, "", threshold, held, predicted, are, mean(are), interval[0], interval[1], baseline, baselineAre,
                mean(baselineAre));
    }

    /**
     * Each point's level along a split, the same for all points of a run where the level is the run's (its most
     * over-trained or highest-compute checkpoint), so whole runs are held out: params (sizes, exact), or the
     * factor-of-2 band of D/N or C.
     */
    static double[] levels(Points points, Law.HoldOut split) {
        int n = points.size();
        double[] level = new double[n];
        if (split == Law.HoldOut.LARGEST_SIZES) return points.params().clone();
        java.util.Map<String, Double> byRun = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            double v = split == Law.HoldOut.MOST_OVERTRAINED ? points.tokens()[i] / points.params()[i] : points.flops()[i];
            // levels are factor-of-2 bands (M = 5, 10, 20, ... are one level each; a checkpoint archive's continuous
            // compute falls into a few): holding out one level holds out the top band, not one stray run
            level[i] = Math.pow(2, Math.rint(Math.log(v) / Math.log(2)));
            String run = points.runIds()[i];
            if (run != null && !run.isEmpty()) byRun.merge(run, level[i], Math::max);
        }
        for (int i = 0; i < n; i++) {
            String run = points.runIds()[i];
            if (run != null && !run.isEmpty()) level[i] = byRun.get(run);
        }
        return level;
    }

    static String describe(Law.HoldOut split) {
        return switch (split) {
            case LARGEST_SIZES -> "largest size(s)";
            case MOST_OVERTRAINED -> "most over-trained level(s) of tokens per parameter";
            case HIGHEST_COMPUTE -> "highest compute level(s)";
            case LATE_PROGRESS -> "late checkpoints";
        };
    }

    /**
     * A percentile interval on the mean held-out error, from resampling the held-out runs (or points, when one run
     * is held out) with a fixed seed: how far the ranking of two laws by this error can be trusted.
     */
    static double[] meanInterval(double[] are, Points points, int[] held, double level) {
        java.util.Map<String, List<Integer>> units = new java.util.TreeMap<>();
        for (int k = 0; k < held.length; k++) {
            String run = points.runIds()[held[k]];
            units.computeIfAbsent(run == null || run.isEmpty() ? "#" + k : run, r -> new java.util.ArrayList<>()).add(k);
        }
        List<List<Integer>> groups = new java.util.ArrayList<>(units.values());
        if (groups.size() < 2) {
            groups = new java.util.ArrayList<>();
            for (int k = 0; k < held.length; k++) groups.add(List.of(k));
        }
        if (groups.size() < 2) return new double[] {Double.NaN, Double.NaN};
        java.util.SplittableRandom random = new java.util.SplittableRandom(20240501L);
        int resamples = 1000;
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            int count = 0;
            for (int g = 0; g < groups.size(); g++) {
                for (int k : groups.get(random.nextInt(groups.size()))) {
                    sum += are[k];
                    count++;
                }
            }
            means[r] = sum / count;
        }
        org.apache.commons.math3.stat.descriptive.rank.Percentile p = new org.apache.commons.math3.stat.descriptive.rank.Percentile()
                .withEstimationType(org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType.R_7);
        p.setData(means);
        double tail = (1 - level) / 2;
        return new double[] {p.evaluate(100 * tail), p.evaluate(100 * (1 - tail))};
    }

    private static int[] indices(Points points, java.util.function.IntPredicate keep) {
        return IntStream.range(0, points.size()).filter(keep).toArray();
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
