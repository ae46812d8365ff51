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
    public record Settings(double toleranceNats, int minLevelPoints, int resamples, double level, long seed, boolean robust, int sizeBins)
            implements java.io.Serializable {
        public static final Settings DEFAULT = new Settings(DEFAULT_TOLERANCE_NATS, DEFAULT_MIN_LEVEL_POINTS, MAX_RESAMPLES, 0.95, 20240417L);

        public Settings(double toleranceNats, int minLevelPoints, int resamples, double level, long seed) {
            this(toleranceNats, minLevelPoints, resamples, level, seed, false, 0);
        }

        public Settings {
            if (!(toleranceNats >= 0)) throw new IllegalArgumentException("loss_to_loss.tolerance_nats must be >= 0, got " + toleranceNats);
            if (minLevelPoints <= PARAMETERS_PER_LINE) {
                throw new IllegalArgumentException("loss_to_loss.min_level_points must be at least " + (PARAMETERS_PER_LINE + 1) + " (a line has 4 parameters), got " + minLevelPoints);
            }
            resamples = Math.max(0, Math.min(MAX_RESAMPLES, resamples));
            if (sizeBins < 0 || sizeBins == 1) throw new IllegalArgumentException("loss_to_loss.size_bins must be 0 (off) or at least 2, got " + sizeBins);
        }

        /**
         * The level of each value of a size factor (params): with {@code sizeBins}, the size's bin of that many log-spaced
         * bins over the sizes present (a sweep with one or two runs per size is tested by ranges of size); else itself.
         */
        public String[] sizeLevels(double[] sizes) {
            String[] out = new String[sizes.length];
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double v : sizes) {
                if (!(v > 0)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            for (int i = 0; i < sizes.length; i++) {
                if (sizeBins == 0 || !(sizes[i] > 0) || !(hi > lo)) {
                    out[i] = Double.isNaN(sizes[i]) ? "(null)" : String.valueOf(sizes[i]);
                    continue;
                }
                int bin = (int) Math.min(sizeBins - 1, Math.floor(sizeBins * Math.log(sizes[i] / lo) / Math.log(hi / lo)));
                double from = lo * Math.pow(hi / lo, bin / (double) sizeBins), to = lo * Math.pow(hi / lo, (bin + 1) / (double) sizeBins);
                out[i] = String.format(java.util.Locale.ROOT, "%d: %.3g-%.3g", bin + 1, from, to);
            }
            return out;
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
                         double toleranceNats, Map<String, Integer> dropped, String verdict, String message, List<String> flags) {
    }

    /** Flags on a factor test whose evidence misleads (see {@link #test}). */
    public static final String COLLAPSED_SHAPE = "collapsed_shape", DISJOINT_RANGES = "disjoint_ranges";

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
        ShiftedPowerLine pooled = LossToLossFit.joint(x, y, settings.robust());
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
            ShiftedPowerLine line = LossToLossFit.joint(pick(lx, e.getValue()), pick(ly, e.getValue()), settings.robust());
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
        List<String> flags = new ArrayList<>();
        double minX = java.util.Arrays.stream(x).min().orElse(Double.NaN);
        if (parallel[2] <= 1e-3 * minX || parallel[2] >= minX * (1 - 1e-6) || parallel[1] <= 0.06 || parallel[1] >= 4.9) {
            flags.add(COLLAPSED_SHAPE);
            notes.add(String.format(java.util.Locale.ROOT, "%s: the levels' common shape collapsed (E_x %.3g, kappa %.3g, K %.3g at the edge of "
                    + "its range): the offsets measure where a degenerate curve sits, not how the line moves", COLLAPSED_SHAPE, parallel[2],
                    parallel[1], parallel[0]));
        }
        double shiftRmse = Math.sqrt(rssShift / n), separateRmse = Math.sqrt(rssSeparate / n);
        // a lack of fit under a thousandth of a nat misleads no one
        if (disjoint(lx, byLevel) && shiftRmse > 1.5 * separateRmse && shiftRmse * shiftRmse - separateRmse * separateRmse > 1e-6) {
            flags.add(DISJOINT_RANGES);
            notes.add(String.format(java.util.Locale.ROOT, "%s: the levels cover L_x ranges that do not overlap, and one shape fits them %.2gx "
                    + "worse than each level's own line (rmse %.3g against %.3g nats): the offsets absorb that lack of fit", DISJOINT_RANGES,
                    shiftRmse / separateRmse, shiftRmse, separateRmse));
        }
        return new Result(factor, levelsCount, n, pooled.rss(), rssSeparate, improvement, f, p, deltaBic,
                spread(lines, true), spread(lines, false), pooled, lines, levelPoints, offsets, offsetLow, offsetHigh, offsetP, effect, effectLow, effectHigh,
                settings.toleranceNats(), dropped, verdict, String.join("; ", notes), List.copyOf(flags));
    }

    private static Result empty(String factor, int levels, int n, ShiftedPowerLine pooled, Map<String, Integer> levelPoints, Settings settings,
                                Map<String, Integer> dropped, String verdict, String message) {
        return new Result(factor, levels, n, pooled.ok() ? pooled.rss() : Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, pooled, Map.of(), levelPoints, Map.of(), Map.of(), Map.of(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                settings.toleranceNats(), dropped, verdict, message, List.of());
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

    /** Whether some two levels' L_x ranges do not overlap. */
    private static boolean disjoint(double[] lx, Map<String, int[]> byLevel) {
        List<double[]> ranges = new ArrayList<>();
        for (int[] idx : byLevel.values()) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int i : idx) {
                lo = Math.min(lo, lx[i]);
                hi = Math.max(hi, lx[i]);
            }
            ranges.add(new double[] {lo, hi});
        }
        for (int a = 0; a < ranges.size(); a++) {
            for (int b = a + 1; b < ranges.size(); b++) {
                if (ranges.get(a)[1] < ranges.get(b)[0] || ranges.get(b)[1] < ranges.get(a)[0]) return true;
            }
        }
        return false;
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
