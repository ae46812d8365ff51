package dev.lawfit.losstoloss;

import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Does a factor (dataset, tokenizer, architecture, size, ...) move the loss-to-loss line, and by how much? One line
 * fitted across all the factor's levels (pooled) is compared with a separate line per level (K, kappa, E_x, E_y fitted
 * jointly for each). The evidence:
 * <ul>
 * <li>the effect in nats: parallel lines L_y = K (L_x - E_x)^kappa + c_level, one shape fitted to every level's points
 * and an intercept per level, give each level's offset (its intercept minus the points-weighted mean, in nats of L_y);
 * the effect is the spread (max - min) of the offsets, with bootstrap intervals (points resampled within each level,
 * refitted). A common shape compares levels even where their L_x ranges do not overlap (bigger models reach lower
 * losses): comparing separate lines there would compare their extrapolations;</li>
 * <li>supporting: the residual reduction 1 - RSS_separate / RSS_pooled, an F test of the nested models, delta BIC and
 * the spread of K and kappa across levels.</li>
 * </ul>
 * Verdict: {@code moves_line} when the levels differ significantly (p < 0.01, by the F test of the parallel lines
 * against the pooled line, or of the separate lines) and the effect is at least the tolerance; {@code below_tolerance} when significant but smaller (the papers' "limited impact"); {@code no_effect}
 * when not significant; {@code single_level} or {@code too_few_points} when there is nothing to compare. Levels with
 * fewer than {@code minLevelPoints} points are dropped, named in the message with their counts, and the factor is
 * tested on the rest.
 */
public final class LineFactorTest {

    public static final double SIGNIFICANCE = 0.01;
    /** The default tolerance: an effect below 0.02 nats is too small to matter for a line read at 2 to 4 nats. */
    public static final double DEFAULT_TOLERANCE_NATS = 0.02;
    public static final int DEFAULT_MIN_LEVEL_POINTS = 8;
    /** Resamples of the effect's interval, at most (each refits every level's line). */
    public static final int MAX_RESAMPLES = 100;
    static final int PARAMETERS_PER_LINE = 4;

    /** How effects are judged: the tolerance in nats, the fewest points a level needs, the bootstrap of the effect. */
    public record Settings(double toleranceNats, int minLevelPoints, int resamples, double level, long seed) implements java.io.Serializable {
        public static final Settings DEFAULT = new Settings(DEFAULT_TOLERANCE_NATS, DEFAULT_MIN_LEVEL_POINTS, MAX_RESAMPLES, 0.95, 20240417L);

        public Settings {
            if (!(toleranceNats >= 0)) throw new IllegalArgumentException("loss_to_loss.tolerance_nats must be >= 0, got " + toleranceNats);
            if (minLevelPoints <= PARAMETERS_PER_LINE) {
                throw new IllegalArgumentException("loss_to_loss.min_level_points must be at least " + (PARAMETERS_PER_LINE + 1) + " (a line has 4 parameters), got " + minLevelPoints);
            }
            resamples = Math.max(0, Math.min(MAX_RESAMPLES, resamples));
        }
    }

    /**
     * @param offsets     each level's offset in nats from the pooled mean, at one common shape (see {@link #test})
     * @param effect      max - min of the offsets, in nats
     * @param dropped     thin levels left out, with their point counts
     */
    public record Result(String factor, int levels, int n, double rssPooled, double rssSeparate, double improvement, double fStatistic,
                         double pValue, double deltaBic, double kSpread, double kappaSpread, ShiftedPowerLine pooled,
                         Map<String, ShiftedPowerLine> lines, Map<String, Integer> levelPoints, Map<String, Double> offsets,
                         Map<String, Double> offsetLow, Map<String, Double> offsetHigh, double offsetPValue, double effect, double effectLow, double effectHigh,
                         double toleranceNats, Map<String, Integer> dropped, String verdict, String message) {
    }

    private LineFactorTest() {
    }

    /** With the default settings. */
    public static Result test(String factor, double[] lx, double[] ly, String[] levels) {
        return test(factor, lx, ly, levels, Settings.DEFAULT);
    }

    public static Result test(String factor, double[] lx, double[] ly, String[] levels, Settings settings) {
        TreeMap<String, List<Integer>> all = new TreeMap<>(); // levels in name order
        for (int i = 0; i < levels.length; i++) all.computeIfAbsent(levels[i], k -> new ArrayList<>()).add(i);
        Map<String, Integer> dropped = new LinkedHashMap<>();
        TreeMap<String, int[]> byLevel = new TreeMap<>();
        for (Map.Entry<String, List<Integer>> e : all.entrySet()) {
            if (e.getValue().size() < settings.minLevelPoints()) dropped.put(e.getKey(), e.getValue().size());
            else byLevel.put(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).toArray());
        }
        List<String> notes = new ArrayList<>();
        if (!dropped.isEmpty()) {
            List<String> named = new ArrayList<>();
            dropped.forEach((level, count) -> named.add(level + " (" + count + ")"));
            notes.add("dropped level(s) with fewer than " + settings.minLevelPoints() + " points: " + String.join(", ", named));
        }
        int[] kept = byLevel.values().stream().flatMapToInt(java.util.Arrays::stream).sorted().toArray();
        double[] x = pick(lx, kept), y = pick(ly, kept);
        int n = kept.length;
        ShiftedPowerLine pooled = LossToLossFit.joint(x, y);
        Map<String, Integer> levelPoints = new LinkedHashMap<>();
        byLevel.forEach((level, idx) -> levelPoints.put(level, idx.length));
        if (byLevel.size() < 2) {
            String verdict = all.size() < 2 ? "single_level" : "too_few_points";
            if (all.size() >= 2) notes.add(byLevel.size() + " level(s) left to compare");
            return empty(factor, byLevel.size(), n, pooled, levelPoints, settings, dropped, verdict, String.join("; ", notes));
        }
        Map<String, ShiftedPowerLine> lines = new LinkedHashMap<>();
        double rssSeparate = 0;
        for (Map.Entry<String, int[]> e : byLevel.entrySet()) {
            ShiftedPowerLine line = LossToLossFit.joint(pick(lx, e.getValue()), pick(ly, e.getValue()));
            if (!line.ok()) {
                notes.add("the line of level " + e.getKey() + " could not be fitted");
                return empty(factor, byLevel.size(), n, pooled, levelPoints, settings, dropped, "too_few_points", String.join("; ", notes));
            }
            lines.put(e.getKey(), line);
            rssSeparate += line.rss();
        }
        if (!pooled.ok()) {
            notes.add("the pooled line could not be fitted");
            return empty(factor, byLevel.size(), n, pooled, levelPoints, settings, dropped, "too_few_points", String.join("; ", notes));
        }
        int levelsCount = byLevel.size();
        int dfExtra = PARAMETERS_PER_LINE * (levelsCount - 1);
        int dfResidual = n - PARAMETERS_PER_LINE * levelsCount;
        double improvement = 1 - rssSeparate / pooled.rss();
        double f = Double.NaN, p = Double.NaN;
        if (dfResidual > 0 && rssSeparate > 0) {
            f = Math.max(0, (pooled.rss() - rssSeparate) / dfExtra) / (rssSeparate / dfResidual);
            p = 1 - new FDistribution(dfExtra, dfResidual).cumulativeProbability(f);
        }
        double deltaBic = n * Math.log(rssSeparate / pooled.rss()) + dfExtra * Math.log(n);

        // the effect in nats: every level's offset at one common shape (parallel lines, one per level)
        List<String> names = new ArrayList<>(byLevel.keySet());
        double[] parallel = parallelLines(lx, ly, byLevel, names, null);
        if (parallel == null) {
            notes.add("the levels' offsets could not be fitted");
            return empty(factor, byLevel.size(), n, pooled, levelPoints, settings, dropped, "too_few_points", String.join("; ", notes));
        }
        Map<String, Double> offsets = offsets(parallel, byLevel, names);
        double effect = spread(offsets);
        // is any offset real: parallel lines (3 + levels parameters) against the one pooled line (4), an F test
        double rssShift = parallel[3];
        int dfShift = levelsCount - 1, dfShiftResidual = n - 3 - levelsCount;
        double offsetP = Double.NaN;
        if (dfShiftResidual > 0 && rssShift > 0 && Double.isFinite(rssShift)) {
            double fShift = Math.max(0, (pooled.rss() - rssShift) / dfShift) / (rssShift / dfShiftResidual);
            offsetP = 1 - new FDistribution(dfShift, dfShiftResidual).cumulativeProbability(fShift);
        }

        Map<String, Double> offsetLow = new LinkedHashMap<>(), offsetHigh = new LinkedHashMap<>();
        double effectLow = Double.NaN, effectHigh = Double.NaN;
        if (settings.resamples() > 1) {
            double[][] draws = new double[settings.resamples()][];
            int done = 0;
            for (int r = 0; r < settings.resamples(); r++) {
                SplittableRandom random = new SplittableRandom(settings.seed() * 31 + r);
                TreeMap<String, int[]> resampled = new TreeMap<>();
                byLevel.forEach((level, idx) -> {
                    int[] drawn = new int[idx.length];
                    for (int k = 0; k < idx.length; k++) drawn[k] = idx[random.nextInt(idx.length)];
                    resampled.put(level, drawn);
                });
                double[] fit = parallelLines(lx, ly, resampled, names, parallel);
                if (fit == null) continue;
                Map<String, Double> o = offsets(fit, resampled, names);
                double[] row = new double[names.size() + 1];
                for (int k = 0; k < names.size(); k++) row[k] = o.get(names.get(k));
                row[names.size()] = spread(o);
                draws[done++] = row;
            }
            if (done >= 2) {
                double tail = (1 - settings.level()) / 2;
                for (int k = 0; k <= names.size(); k++) {
                    double[] column = new double[done];
                    for (int r = 0; r < done; r++) column[r] = draws[r][k];
                    Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
                    percentile.setData(column);
                    double lo = percentile.evaluate(100 * tail), hi = percentile.evaluate(100 * (1 - tail));
                    if (k < names.size()) {
                        offsetLow.put(names.get(k), lo);
                        offsetHigh.put(names.get(k), hi);
                    } else {
                        // the spread of noisy offsets is biased upward, most for small effects: the resamples' interval
                        // can miss the estimate itself, so it is widened to hold it
                        effectLow = Math.min(lo, effect);
                        effectHigh = Math.max(hi, effect);
                    }
                }
            }
        }
        double pEffect = Double.isNaN(offsetP) ? p : Double.isNaN(p) ? offsetP : Math.min(offsetP, p);
        String verdict = Double.isNaN(pEffect) ? "too_few_points"
                : pEffect >= SIGNIFICANCE ? "no_effect"
                : effect >= settings.toleranceNats() ? "moves_line" : "below_tolerance";
        if (verdict.equals("below_tolerance")) {
            notes.add(String.format(java.util.Locale.ROOT, "significant (p = %.2g) but the effect, %.4f nats, is below the tolerance of %s nats", pEffect, effect,
                    settings.toleranceNats()));
        }
        return new Result(factor, levelsCount, n, pooled.rss(), rssSeparate, improvement, f, p, deltaBic,
                spread(lines, true), spread(lines, false), pooled, lines, levelPoints, offsets, offsetLow, offsetHigh, offsetP, effect, effectLow, effectHigh,
                settings.toleranceNats(), dropped, verdict, String.join("; ", notes));
    }

    private static Result empty(String factor, int levels, int n, ShiftedPowerLine pooled, Map<String, Integer> levelPoints, Settings settings,
                                Map<String, Integer> dropped, String verdict, String message) {
        return new Result(factor, levels, n, pooled.ok() ? pooled.rss() : Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, pooled, Map.of(), levelPoints, Map.of(), Map.of(), Map.of(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                settings.toleranceNats(), dropped, verdict, message);
    }

    /**
     * Parallel lines (one shape, an intercept per level) fitted to the levels' points, the search started near
     * {@code near} when given: {K, kappa, E_x, rss, c_0, ...} in {@code names} order, or null.
     */
    private static double[] parallelLines(double[] lx, double[] ly, Map<String, int[]> byLevel, List<String> names, double[] near) {
        int total = byLevel.values().stream().mapToInt(a -> a.length).sum();
        double[] x = new double[total], y = new double[total];
        int[] level = new int[total];
        int k = 0;
        for (int l = 0; l < names.size(); l++) {
            for (int i : byLevel.get(names.get(l))) {
                x[k] = lx[i];
                y[k] = ly[i];
                level[k++] = l;
            }
        }
        return LossToLossFit.parallelShifts(x, y, level, names.size(), near);
    }

    /** Each level's offset in nats: its intercept minus the points-weighted mean intercept. */
    private static Map<String, Double> offsets(double[] parallel, Map<String, int[]> byLevel, List<String> names) {
        int total = byLevel.values().stream().mapToInt(a -> a.length).sum();
        double mean = 0;
        for (int l = 0; l < names.size(); l++) mean += parallel[4 + l] * byLevel.get(names.get(l)).length / (double) total;
        Map<String, Double> out = new LinkedHashMap<>();
        for (int l = 0; l < names.size(); l++) out.put(names.get(l), parallel[4 + l] - mean);
        return out;
    }

    private static double spread(Map<String, Double> offsets) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : offsets.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max - min;
    }

    private static double[] pick(double[] values, int[] at) {
        double[] out = new double[at.length];
        for (int k = 0; k < at.length; k++) out[k] = values[at[k]];
        return out;
    }

    /** (max - min) / |mean| of K or kappa across levels. */
    private static double spread(Map<String, ShiftedPowerLine> lines, boolean k) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        for (ShiftedPowerLine l : lines.values()) {
            double v = k ? l.k() : l.kappa();
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        return (max - min) / Math.abs(sum / lines.size());
    }
}
