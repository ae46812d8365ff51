package dev.lawfit.fit;

import org.apache.commons.math3.distribution.TDistribution;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which law to trust for one group, as "(Mis)Fitting Scaling Laws" asks, decided on every rolling-origin fold
 * ({@link RollingOrigin}) rather than one held-out split: each law's error is the mean absolute relative error of its folds'
 * held-out points, each weighted by how far it lay past its fold (the longest extrapolations count most), over the points
 * every ranked law predicted. A law is worse than the best only when their paired difference, fold by fold, is above zero
 * beyond its 95% interval (Student's t over the folds, Bonferroni-corrected for the comparisons with the best: the best is
 * the lowest of several noisy errors, so it looks better than it is); otherwise the two are tied and the ranking between
 * them is not settled.
 * With fewer than {@value #MIN_FOLDS} folds nothing is settled: the laws are ranked, and every row says why the ranking is
 * not evidence. The group is also flagged form-dependent where two laws' forecast intervals at one target do not overlap.
 */
public final class LawSelection {

    static final int MIN_FOLDS = 2;

    /** One held-out point of one fold, as a law predicted it. */
    public record FoldError(int cut, int point, double distance, double are) {
    }

    /** One law of a group as the selection sees it. */
    public record Candidate(String law, String status, String backtestStatus, String backtestMessage, int heldOutPoints,
                            double heldOutError, double heldOutErrorLow, double heldOutErrorHigh, double baselineError,
                            Map<String, Double> forecasts, Map<String, Double> forecastLow, Map<String, Double> forecastHigh,
                            List<FoldError> folds) {
        public Candidate(String law, String status, String backtestStatus, String backtestMessage, int heldOutPoints, double heldOutError,
                         double heldOutErrorLow, double heldOutErrorHigh, double baselineError, Map<String, Double> forecasts,
                         Map<String, Double> forecastLow, Map<String, Double> forecastHigh) {
            this(law, status, backtestStatus, backtestMessage, heldOutPoints, heldOutError, heldOutErrorLow, heldOutErrorHigh, baselineError,
                    forecasts, forecastLow, forecastHigh, List.of());
        }
    }

    /**
     * One row per law: its rank (1 = lowest fold error; null when it has no folds), its fold error with an interval over the
     * folds, whether it is tied with the best (the evidence does not separate them), whether the group's ranking is settled,
     * and the group's verdicts.
     */
    public record Ranked(Candidate candidate, Integer rank, boolean tiedWithBest, Boolean beatsBaseline, String message,
                         Boolean formDependent, List<String> formDependentAt, double forecastSpread, int folds, int foldPoints,
                         double foldError, double foldErrorLow, double foldErrorHigh, boolean settled) {
    }

    private LawSelection() {
    }

    private static boolean usable(Candidate c) {
        return FitStatus.usable(c.status()) && !c.folds().isEmpty();
    }

    public static List<Ranked> rank(List<Candidate> candidates) {
        // the points every ranked law predicted: (cut, point)
        List<Candidate> ranked = new ArrayList<>();
        for (Candidate c : candidates) if (usable(c)) ranked.add(c);
        Set<Long> common = null;
        for (Candidate c : ranked) {
            Set<Long> mine = new HashSet<>();
            for (FoldError e : c.folds()) mine.add(key(e));
            if (common == null) common = mine;
            else common.retainAll(mine);
        }
        Set<Long> shared = common == null ? Set.of() : common;
        // per law: its weighted error per fold over the shared points, and overall
        Map<String, Map<Integer, double[]>> perFold = new HashMap<>();
        Map<String, Double> score = new HashMap<>();
        for (Candidate c : ranked) {
            Map<Integer, double[]> folds = new TreeMap<>();
            double sum = 0, weight = 0;
            for (FoldError e : c.folds()) {
                if (!shared.contains(key(e))) continue;
                double w = Math.max(0.05, e.distance());
                double[] acc = folds.computeIfAbsent(e.cut(), k -> new double[2]);
                acc[0] += w * e.are();
                acc[1] += w;
                sum += w * e.are();
                weight += w;
            }
            perFold.put(c.law(), folds);
            score.put(c.law(), weight > 0 ? sum / weight : Double.NaN);
        }
        ranked.removeIf(c -> !Double.isFinite(score.get(c.law())));
        ranked.sort(Comparator.comparingDouble((Candidate c) -> score.get(c.law())).thenComparing(Candidate::law));
        Candidate best = ranked.isEmpty() ? null : ranked.get(0);
        int folds = best == null ? 0 : perFold.get(best.law()).size();
        boolean enough = folds >= MIN_FOLDS;

        // form dependence: at each target, any two laws whose forecast intervals do not overlap
        List<Candidate> withIntervals = candidates.stream().filter(c -> FitStatus.usable(c.status()) && !c.forecastLow().isEmpty()).toList();
        TreeSet<String> disagreeAt = new TreeSet<>();
        double spread = Double.NaN;
        List<Candidate> fitted = candidates.stream().filter(c -> FitStatus.usable(c.status()) && !c.forecasts().isEmpty()).toList();
        if (fitted.size() >= 2) {
            spread = 0;
            for (String target : fitted.get(0).forecasts().keySet()) {
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (Candidate c : fitted) {
                    Double v = c.forecasts().get(target);
                    if (v == null || !Double.isFinite(v)) continue;
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                if (lo > 0 && hi >= lo) spread = Math.max(spread, (hi - lo) / lo);
                for (int i = 0; i < withIntervals.size(); i++) {
                    for (int j = i + 1; j < withIntervals.size(); j++) {
                        if (disjoint(withIntervals.get(i), withIntervals.get(j), target)) disagreeAt.add(target);
                    }
                }
            }
        }
        Boolean formDependent = withIntervals.size() >= 2 ? !disagreeAt.isEmpty() : null;

        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (int k = 0; k < ranked.size(); k++) ranks.put(ranked.get(k).law(), k + 1);
        List<Ranked> out = new ArrayList<>();
        List<Candidate> ordered = new ArrayList<>(ranked);
        for (Candidate c : candidates) if (!ranks.containsKey(c.law())) ordered.add(c);
        long tiedToBest = 0;
        Map<String, double[]> differences = new HashMap<>();
        double confidence = 1 - 0.05 / Math.max(1, ranked.size() - 1);
        for (Candidate c : ranked) {
            if (c == best) continue;
            double[] d = difference(perFold.get(c.law()), perFold.get(best.law()), score.get(c.law()) - score.get(best.law()), confidence);
            differences.put(c.law(), d);
            if (!(d[1] > 0)) tiedToBest++;
        }
        boolean settled = enough && best != null && tiedToBest == 0 && ranked.size() > 1;
        for (Candidate c : ordered) {
            Integer rank = ranks.get(c.law());
            double[] own = rank == null ? new double[] {Double.NaN, Double.NaN, Double.NaN} : interval(perFold.get(c.law()), score.get(c.law()));
            double[] diff = differences.get(c.law());
            boolean tied = rank != null && rank > 1 && (!enough || !(diff[1] > 0));
            Boolean beats = rank == null || Double.isNaN(c.baselineError()) ? null : c.heldOutError() < c.baselineError();
            String message;
            if (rank == null) {
                message = !FitStatus.usable(c.status()) ? "not ranked: the law's fit is " + c.status()
                        : c.folds().isEmpty() ? "not ranked: no rolling-origin fold (" + (c.backtestMessage() == null || c.backtestMessage().isEmpty()
                        ? "the group has too few levels to refit on fewer" : c.backtestMessage()) + ")"
                        : "not ranked: it predicted none of the points every other law did";
            } else if (!enough) {
                message = "ranked " + rank + " on " + folds + " fold" + (folds == 1 ? "" : "s") + ": too few to settle anything (the ranking needs "
                        + MIN_FOLDS + "); treat every law as tied";
            } else if (rank == 1) {
                message = ranked.size() == 1 ? "the only law with folds"
                        : tiedToBest > 0 ? "lowest error over " + folds + " folds; not settled: " + tiedToBest + " other law(s) are within its interval"
                        : "lowest error over " + folds + " folds, settled: every other law is worse beyond the folds' interval";
            } else {
                message = tied ? String.format(java.util.Locale.ROOT, "tied with %s: the difference %+.3g%% [%+.3g%%, %+.3g%%] over %d folds includes zero",
                        best.law(), 100 * diff[0], 100 * diff[1], 100 * diff[2], folds)
                        : String.format(java.util.Locale.ROOT, "worse than %s by %.3g%% [%.3g%%, %.3g%%] over %d folds", best.law(), 100 * diff[0],
                        100 * diff[1], 100 * diff[2], folds);
            }
            if (Boolean.FALSE.equals(beats)) message += "; does not beat the baseline (the lowest loss of the fit part carried forward)";
            out.add(new Ranked(c, rank, tied, beats, message, formDependent, List.copyOf(disagreeAt), spread, rank == null ? 0 : perFold.get(c.law()).size(),
                    rank == null ? 0 : (int) c.folds().stream().filter(e -> shared.contains(key(e))).count(), own[0], own[1], own[2],
                    settled));
        }
        return out;
    }

    private static long key(FoldError e) {
        return ((long) e.cut() << 32) | (e.point() & 0xffffffffL);
    }

    /** A law's error with an interval over its folds' errors (Student's t); NaN bounds with fewer than 2 folds. */
    private static double[] interval(Map<Integer, double[]> folds, double score) {
        double[] values = folds.values().stream().mapToDouble(a -> a[0] / a[1]).toArray();
        if (values.length < 2) return new double[] {score, Double.NaN, Double.NaN};
        double half = halfWidth(values, 0.90);
        return new double[] {score, Math.max(0, score - half), score + half};
    }

    /** The paired difference (law minus best) per fold: {mean, low, high}; NaN bounds with fewer than 2 folds in common. */
    private static double[] difference(Map<Integer, double[]> law, Map<Integer, double[]> best, double overall, double confidence) {
        List<Double> d = new ArrayList<>();
        for (Map.Entry<Integer, double[]> e : law.entrySet()) {
            double[] b = best.get(e.getKey());
            if (b == null) continue;
            d.add(e.getValue()[0] / e.getValue()[1] - b[0] / b[1]);
        }
        if (d.size() < 2) return new double[] {overall, Double.NaN, Double.NaN};
        double[] values = d.stream().mapToDouble(Double::doubleValue).toArray();
        double half = halfWidth(values, confidence);
        return new double[] {overall, overall - half, overall + half};
    }

    /** Half the width of a two-sided Student's t interval of {@code confidence} on the mean of {@code values}. */
    private static double halfWidth(double[] values, double confidence) {
        int n = values.length;
        double mean = 0;
        for (double v : values) mean += v / n;
        double ss = 0;
        for (double v : values) ss += (v - mean) * (v - mean);
        double sd = Math.sqrt(ss / (n - 1));
        return new TDistribution(n - 1).inverseCumulativeProbability(0.5 + confidence / 2) * sd / Math.sqrt(n);
    }

    private static boolean disjoint(Candidate a, Candidate b, String target) {
        Double aLow = a.forecastLow().get(target), aHigh = a.forecastHigh().get(target), bLow = b.forecastLow().get(target), bHigh = b.forecastHigh().get(target);
        if (aLow == null || aHigh == null || bLow == null || bHigh == null) return false;
        return aLow > bHigh || bLow > aHigh;
    }
}
