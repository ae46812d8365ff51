package dev.lawfit.losstoloss;

import org.apache.commons.math3.distribution.FDistribution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Does a factor (dataset, tokenizer, architecture, size, ...) move the loss-to-loss line? One line fitted
 * across all the factor's levels is compared with a separate line per level: the residual reduction
 * 1 - RSS_separate / RSS_pooled, an F test of the nested models (4 parameters per line: K, kappa, E_x,
 * E_y fitted jointly), the change in BIC, and the spread of K and kappa across levels.
 * Verdict: {@code moves_line} when the separate lines are significant (p < 0.01) and cut the residuals by
 * at least a quarter; {@code minor} when significant but smaller; {@code no_effect} otherwise;
 * {@code single_level} or {@code too_few_points} when there is nothing to compare.
 */
public final class LineFactorTest {

    public static final double SIGNIFICANCE = 0.01;
    public static final double MATERIAL_REDUCTION = 0.25;
    static final int PARAMETERS_PER_LINE = 4;

    public record Result(String factor, int levels, int n, double rssPooled, double rssSeparate, double improvement, double fStatistic,
                         double pValue, double deltaBic, double kSpread, double kappaSpread, Map<String, ShiftedPowerLine> lines,
                         String verdict) {
    }

    private LineFactorTest() {
    }

    public static Result test(String factor, double[] lx, double[] ly, String[] levels) {
        java.util.TreeMap<String, List<Integer>> sorted = new java.util.TreeMap<>(); // levels in name order
        for (int i = 0; i < levels.length; i++) sorted.computeIfAbsent(levels[i], k -> new ArrayList<>()).add(i);
        int n = lx.length;
        ShiftedPowerLine pooled = LossToLossFit.joint(lx, ly);
        if (sorted.size() < 2) {
            return new Result(factor, sorted.size(), n, pooled.rss(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Map.of(), "single_level");
        }
        Map<String, ShiftedPowerLine> lines = new LinkedHashMap<>();
        double rssSeparate = 0;
        for (Map.Entry<String, List<Integer>> e : sorted.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(i -> lx[i]).toArray();
            double[] y = e.getValue().stream().mapToDouble(i -> ly[i]).toArray();
            ShiftedPowerLine line = LossToLossFit.joint(x, y);
            if (!line.ok() || x.length <= PARAMETERS_PER_LINE) {
                return new Result(factor, sorted.size(), n, pooled.rss(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN, Map.of(), "too_few_points");
            }
            lines.put(e.getKey(), line);
            rssSeparate += line.rss();
        }
        if (!pooled.ok()) {
            return new Result(factor, sorted.size(), n, Double.NaN, rssSeparate, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, lines, "too_few_points");
        }
        int levelsCount = sorted.size();
        int dfExtra = PARAMETERS_PER_LINE * (levelsCount - 1);
        int dfResidual = n - PARAMETERS_PER_LINE * levelsCount;
        double improvement = 1 - rssSeparate / pooled.rss();
        double f = Double.NaN, p = Double.NaN;
        if (dfResidual > 0 && rssSeparate > 0) {
            f = Math.max(0, (pooled.rss() - rssSeparate) / dfExtra) / (rssSeparate / dfResidual);
            p = 1 - new FDistribution(dfExtra, dfResidual).cumulativeProbability(f);
        }
        double deltaBic = n * Math.log(rssSeparate / pooled.rss()) + dfExtra * Math.log(n);
        String verdict = Double.isNaN(p) ? "too_few_points"
                : p < SIGNIFICANCE && improvement >= MATERIAL_REDUCTION ? "moves_line"
                : p < SIGNIFICANCE ? "minor" : "no_effect";
        return new Result(factor, levelsCount, n, pooled.rss(), rssSeparate, improvement, f, p, deltaBic,
                spread(lines, true), spread(lines, false), lines, verdict);
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
