package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.law.Target;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Nonparametric bootstrap of one law (of any family, through its own solver) on one group. A resample is a weighting of the group's points
 * (how often each was drawn), so nothing is copied: {@code points} mode draws points with replacement;
 * {@code runs} mode (the cluster bootstrap) draws whole training runs, each point weighted by how often
 * its run was drawn. Resample {@code r} depends only on the seed, the group and r, so any split of the
 * resamples into Spark tasks gives the same intervals.
 */
public final class Bootstrap {

    /**
     * Percentile interval and standard error of every estimate, over the resamples that fitted; {@code fallbacks} counts the
     * resamples the fast solver handed to L-BFGS-B.
     */
    public record Intervals(Map<String, Double> low, Map<String, Double> high, Map<String, Double> standardError,
                            int resamples, int failed, int fallbacks) {
        public Intervals(Map<String, Double> low, Map<String, Double> high, Map<String, Double> standardError, int resamples, int failed) {
            this(low, high, standardError, resamples, failed, 0);
        }
    }

    private Bootstrap() {
    }

    /** Where a forecast's estimate sits among a resample's estimates: {@code forecast@<target name>}. */
    public static final String FORECAST = "forecast@";

    /** Names of the estimates a resample yields: the law's parameters, its derived quantities, then its forecasts. */
    public static List<String> estimateNames(Law law, double[] theta, FitSettings settings) {
        List<String> names = new ArrayList<>(law.parameters(theta).keySet());
        names.addAll(law.derived(theta, settings.computeBudgets()).keySet());
        for (String target : Fitter.forecasts(law, theta, settings).keySet()) names.add(FORECAST + target);
        return names;
    }

    /**
     * Fits resamples {@code from} (inclusive) to {@code to} (exclusive). Row k holds the estimates of resample from + k in
     * {@link #estimateNames} order, or NaN where that resample did not fit, then one more value: 1 where the fast solver
     * handed the resample to L-BFGS-B ({@link ScreenedGridSearch#FALLBACK}), else 0. Estimates go straight into the row.
     */
    public static double[][] resample(Law law, Points points, FitSettings settings, double[] fullTheta,
                                      long groupSeed, int from, int to) {
        BootstrapSettings b = settings.bootstrap();
        Solver solver = Solver.of(law);
        List<String> names = estimateNames(law, fullTheta, settings);
        int parameters = law.parameters(fullTheta).size(), derived = law.derived(fullTheta, settings.computeBudgets()).size();
        List<Target> targets = law.family() == dev.lawfit.law.Family.COMPUTE ? settings.forecastTargets() : List.of();
        Points at = targets.isEmpty() ? null : Target.points(targets);
        Map<String, int[]> pointsByRun = b.mode().equals("runs") ? pointsByRun(points) : null;
        double[][] out = new double[to - from][];
        double[] weights = new double[points.size()];
        for (int r = from; r < to; r++) {
            drawWeights(weights, new SplittableRandom(mix(b.seed(), groupSeed, r)), pointsByRun);
            double[] row = new double[names.size() + 1];
            java.util.Arrays.fill(row, Double.NaN);
            row[names.size()] = 0;
            try {
                Solution fit = solver.solve(law, points, weights, settings, b.fromGrid() ? null : fullTheta);
                if (fit.stopReason() != null && fit.stopReason().startsWith(ScreenedGridSearch.FALLBACK)) row[names.size()] = 1;
                if (Double.isFinite(fit.objective())) {
                    double[] theta = fit.theta();
                    law.parameters(theta, row, 0);
                    law.derived(theta, settings.computeBudgets(), row, parameters);
                    if (at != null) {
                        for (int t = 0; t < targets.size(); t++) row[parameters + derived + t] = law.predict(theta, at, t);
                    } else {
                        law.forecasts(theta, row, parameters + derived);
                    }
                }
            } catch (RuntimeException e) {
                // a resample that cannot be fitted is NaN, counted as failed
            }
            out[r - from] = row;
        }
        return out;
    }

    /**
     * The bootstrap of any estimator on a group's points (a law's fit, a frontier approach): resamples {@code from}
     * (inclusive) to {@code to} (exclusive), each a weighting of the points drawn by {@code mode} (points, or whole
     * runs); row k holds the estimates of resample from + k in {@code names} order, NaN where the estimator failed.
     */
    public static double[][] resample(Points points, String mode, long seed, long groupSeed, int from, int to, List<String> names,
                                      java.util.function.BiFunction<Points, double[], Map<String, Double>> estimator) {
        Map<String, int[]> pointsByRun = mode.equals("runs") ? pointsByRun(points) : null;
        double[][] out = new double[to - from][];
        double[] weights = new double[points.size()];
        for (int r = from; r < to; r++) {
            SplittableRandom random = new SplittableRandom(mix(seed, groupSeed, r));
            drawWeights(weights, random, pointsByRun);
            double[] row = new double[names.size()];
            try {
                Map<String, Double> values = estimator.apply(points, weights);
                for (int k = 0; k < row.length; k++) row[k] = values.getOrDefault(names.get(k), Double.NaN);
                if (values.isEmpty()) java.util.Arrays.fill(row, Double.NaN);
            } catch (RuntimeException e) {
                java.util.Arrays.fill(row, Double.NaN);
            }
            out[r - from] = row;
        }
        return out;
    }

    /** Percentile intervals (linear interpolation between order statistics) and standard errors. */
    public static Intervals summarize(List<String> names, double[][] estimates, double level) {
        Map<String, Double> low = new LinkedHashMap<>(), high = new LinkedHashMap<>(), se = new LinkedHashMap<>();
        int failed = 0, fallbacks = 0;
        for (double[] row : estimates) {
            if (row.length == 0 || Double.isNaN(row[0])) failed++;
            if (row.length > names.size() && row[names.size()] == 1) fallbacks++;
        }
        Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        double tail = (1 - level) / 2;
        for (int k = 0; k < names.size(); k++) {
            double[] values = column(estimates, k);
            if (values.length < 2) continue;
            percentile.setData(values);
            low.put(names.get(k), percentile.evaluate(100 * tail));
            high.put(names.get(k), percentile.evaluate(100 * (1 - tail)));
            se.put(names.get(k), new org.apache.commons.math3.stat.descriptive.moment.StandardDeviation().evaluate(values));
        }
        return new Intervals(low, high, se, estimates.length, failed, fallbacks);
    }

    /** All resamples of one law on one group in this thread (tests, small jobs). */
    public static Intervals intervals(Law law, Points points, FitSettings settings, double[] fullTheta, long groupSeed) {
        double[][] estimates = resample(law, points, settings, fullTheta, groupSeed, 0, settings.bootstrap().resamples());
        return summarize(estimateNames(law, fullTheta, settings), estimates, settings.bootstrap().level());
    }

    private static double[] column(double[][] estimates, int k) {
        double[] values = new double[estimates.length];
        int n = 0;
        for (double[] row : estimates) if (row.length > k && Double.isFinite(row[k])) values[n++] = row[k];
        return java.util.Arrays.copyOf(values, n);
    }

    private static void drawWeights(double[] weights, SplittableRandom random, Map<String, int[]> pointsByRun) {
        java.util.Arrays.fill(weights, 0);
        if (pointsByRun == null) {
            for (int i = 0; i < weights.length; i++) weights[random.nextInt(weights.length)] += 1;
            return;
        }
        List<int[]> runs = new ArrayList<>(pointsByRun.values());
        for (int i = 0; i < runs.size(); i++) {
            for (int point : runs.get(random.nextInt(runs.size()))) weights[point] += 1;
        }
    }

    /** Point indices of each run, runs in sorted order so the draw is deterministic. */
    private static Map<String, int[]> pointsByRun(Points points) {
        Map<String, List<Integer>> byRun = new TreeMap<>();
        for (int i = 0; i < points.size(); i++) byRun.computeIfAbsent(points.runIds()[i], k -> new ArrayList<>()).add(i);
        Map<String, int[]> out = new LinkedHashMap<>();
        byRun.forEach((run, list) -> out.put(run, list.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    private static long mix(long seed, long group, int resample) {
        long h = seed * 0x9E3779B97F4A7C15L + group;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + resample;
        return h ^ (h >>> 29);
    }
}
