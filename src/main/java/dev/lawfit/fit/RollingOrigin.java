package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Rolling-origin backtests: how a law's error grows with how far it extrapolates, measured on the group's own data. Along
 * the law's split ({@link FitSettings#splitFor}) the group's levels are sorted (model sizes, bands of tokens per parameter
 * or of compute, a run's progress); for each cut the law is refitted on the levels up to it and predicts every point of
 * every larger level. Each held-out point gives its distance from the fit part ({@link Law#distance}, in log units) and
 * its log error, log(observed / predicted): the errors behind the extrapolation-aware intervals
 * ({@link ExtrapolationError}) and the law selection on many folds.
 */
public final class RollingOrigin {

    /** Resamples of each fold's fit, for its parameter uncertainty at the points it predicts. */
    static final int FOLD_RESAMPLES = 40;

    /** At most this many cuts (the largest ones): each is a full refit. */
    public static final int MAX_CUTS = 5;
    /** The curve laws' cuts, as fractions of the run. */
    static final double[] PROGRESS_CUTS = {0.2, 0.3, 0.5, 0.7};

    /**
     * One held-out point of one fold; {@code spread} is the standard deviation of the log prediction there over a small
     * bootstrap of the fold's fit (its parameter uncertainty), {@code noise} the fold fit's root mean square log residual.
     */
    public record Error(int cut, double cutLevel, int point, double distance, double observed, double predicted, double spread, double noise) {
        /** log(observed / predicted): positive where the law predicted too low. */
        public double logError() {
            return Math.log(observed / predicted);
        }

        public double relativeError() {
            return Math.abs(predicted - observed) / observed;
        }
    }

    /** The folds of one law on one group: every held-out point's error, and how many cuts gave a fit. */
    public record Folds(List<Error> errors, int cuts, String message) {
        public static final Folds NONE = new Folds(List.of(), 0, "");

        public boolean isEmpty() {
            return errors.isEmpty();
        }
    }

    private RollingOrigin() {
    }

    public static Folds run(Law law, Points points, FitSettings settings) {
        Law.HoldOut split = settings.splitFor(law);
        List<double[]> cuts = new ArrayList<>(); // {cut level, held-out threshold}
        double[] level;
        if (split == Law.HoldOut.LATE_PROGRESS) {
            level = points.x().clone();
            for (double f : PROGRESS_CUTS) cuts.add(new double[] {f, f});
        } else {
            level = Backtest.levels(points, split);
            double[] distinct = Arrays.stream(level).distinct().sorted().toArray();
            // a cut after level k fits levels[0..k] and predicts the rest. With few levels every cut from the second to the
            // last but one (the largest MAX_CUTS); with many (digitised sizes, continuous compute) MAX_CUTS spread evenly in
            // log level over the upper half, so the folds extrapolate as far as forecasts do, not a step past the data
            if (distinct.length - 2 <= MAX_CUTS) {
                for (int k = 1; k <= distinct.length - 2; k++) cuts.add(new double[] {distinct[k], distinct[k]});
            } else {
                double lo = Math.log(distinct[0]), hi = Math.log(distinct[distinct.length - 1]);
                java.util.TreeSet<Integer> chosen = new java.util.TreeSet<>();
                for (int j = 0; j < MAX_CUTS; j++) {
                    double target = lo + (hi - lo) * (0.5 + 0.4 * j / (MAX_CUTS - 1));
                    int k = 1;
                    while (k + 1 <= distinct.length - 2 && Math.log(distinct[k + 1]) <= target) k++;
                    chosen.add(k);
                }
                for (int k : chosen) cuts.add(new double[] {distinct[k], distinct[k]});
            }
        }
        List<Error> errors = new ArrayList<>();
        int fitted = 0;
        String message = "";
        for (int c = 0; c < cuts.size(); c++) {
            double threshold = cuts.get(c)[1];
            int[] fitIdx = IntStream.range(0, points.size()).filter(i -> level[i] <= threshold * (1 + 1e-9)).toArray();
            Set<Integer> fitSet = new HashSet<>();
            for (int i : fitIdx) fitSet.add(i);
            int[] held = IntStream.range(0, points.size()).filter(i -> !fitSet.contains(i)).toArray();
            if (held.length == 0) continue;
            Points fitPart = points.select(fitIdx);
            if (fitPart.size() < settings.minPoints(law) || law.unidentifiable(fitPart) != null) continue;
            Solution fit;
            try {
                fit = Solver.of(law).solve(law, fitPart, null, settings, null);
            } catch (RuntimeException e) {
                message = "a fold's refit failed: " + e.getMessage();
                continue;
            }
            if (!Double.isFinite(fit.objective())) continue;
            fitted++;
            double[] spread = spread(law, fitPart, fit.theta(), settings, points, held, c);
            double noise = rmsLog(law, fit.theta(), fitPart);
            for (int k = 0; k < held.length; k++) {
                int i = held[k];
                double predicted = law.predict(fit.theta(), points, i);
                double observed = points.loss()[i];
                if (!(predicted > 0) || !Double.isFinite(predicted) || !(observed > 0)) continue;
                errors.add(new Error(c, cuts.get(c)[0], i, law.distance(fitPart, points, i), observed, predicted, spread[k], noise));
            }
        }
        return new Folds(List.copyOf(errors), fitted, message);
    }

    /** The standard deviation of the log prediction at each held-out point over {@value #FOLD_RESAMPLES} resamples of the fold's fit. */
    private static double[] spread(Law law, Points fitPart, double[] theta, FitSettings settings, Points points, int[] held, int cut) {
        double[] sum = new double[held.length], sumSq = new double[held.length];
        int[] count = new int[held.length];
        double[] weights = new double[fitPart.size()];
        java.util.SplittableRandom random = new java.util.SplittableRandom(0x5EEDL + 31L * cut + fitPart.size());
        Solver solver = Solver.of(law);
        for (int r = 0; r < FOLD_RESAMPLES; r++) {
            Arrays.fill(weights, 0);
            for (int i = 0; i < weights.length; i++) weights[random.nextInt(weights.length)] += 1;
            Solution s;
            try {
                s = solver.solve(law, fitPart, weights, settings, theta);
            } catch (RuntimeException e) {
                continue;
            }
            if (!Double.isFinite(s.objective())) continue;
            for (int k = 0; k < held.length; k++) {
                double v = law.predict(s.theta(), points, held[k]);
                if (!(v > 0) || !Double.isFinite(v)) continue;
                double lv = Math.log(v);
                sum[k] += lv;
                sumSq[k] += lv * lv;
                count[k]++;
            }
        }
        double[] out = new double[held.length];
        for (int k = 0; k < held.length; k++) {
            out[k] = count[k] < 2 ? Double.NaN : Math.sqrt(Math.max(0, (sumSq[k] - sum[k] * sum[k] / count[k]) / (count[k] - 1)));
        }
        return out;
    }

    private static double rmsLog(Law law, double[] theta, Points fitPart) {
        double s = 0;
        for (int i = 0; i < fitPart.size(); i++) {
            double r = Math.log(law.predict(theta, fitPart, i) / fitPart.loss()[i]);
            s += r * r;
        }
        return Math.sqrt(s / Math.max(1, fitPart.size()));
    }
}
