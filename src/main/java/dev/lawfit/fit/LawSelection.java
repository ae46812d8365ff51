package dev.lawfit.fit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which law to trust for one group, as "(Mis)Fitting Scaling Laws" asks: every law fitted and backtested on the same
 * held-out split is ranked by its mean held-out error (with an interval), next to the naive baseline; and the group
 * is flagged form-dependent where two laws' forecasts at the same target disagree by more than their intervals (the
 * extrapolation there depends on the form chosen, not on the data).
 */
public final class LawSelection {

    /** One law of a group as the selection sees it. */
    public record Candidate(String law, String status, String backtestStatus, String backtestMessage, int heldOutPoints,
                            double heldOutError, double heldOutErrorLow, double heldOutErrorHigh, double baselineError,
                            Map<String, Double> forecasts, Map<String, Double> forecastLow, Map<String, Double> forecastHigh) {
    }

    /**
     * One row per law: its rank (1 = lowest held-out error; null when it has no backtest), whether it beats the baseline
     * and whether its error interval overlaps the best's (statistically tied with it), and the group's verdicts.
     */
    public record Ranked(Candidate candidate, Integer rank, boolean tiedWithBest, Boolean beatsBaseline, String message,
                         Boolean formDependent, List<String> formDependentAt, double forecastSpread) {
    }

    private LawSelection() {
    }

    public static List<Ranked> rank(List<Candidate> candidates) {
        List<Candidate> ranked = new ArrayList<>();
        for (Candidate c : candidates) if (backtested(c)) ranked.add(c);
        ranked.sort(Comparator.comparingDouble(Candidate::heldOutError).thenComparing(Candidate::law));
        Candidate best = ranked.isEmpty() ? null : ranked.get(0);

        // form dependence: at each target, any two laws whose forecast intervals do not overlap
        List<Candidate> withIntervals = candidates.stream().filter(c -> FitStatus.OK.label().equals(c.status()) && !c.forecastLow().isEmpty()).toList();
        TreeSet<String> disagreeAt = new TreeSet<>();
        double spread = Double.NaN;
        List<Candidate> fitted = candidates.stream().filter(c -> FitStatus.OK.label().equals(c.status()) && !c.forecasts().isEmpty()).toList();
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
        long tiedToBest = tiedCount(ranked, best);
        List<Ranked> out = new ArrayList<>();
        List<Candidate> ordered = new ArrayList<>(ranked);
        for (Candidate c : candidates) if (!ranks.containsKey(c.law())) ordered.add(c);
        for (Candidate c : ordered) {
            Integer rank = ranks.get(c.law());
            boolean tied = rank != null && rank > 1 && overlaps(best, c);
            Boolean beats = rank == null || Double.isNaN(c.baselineError()) ? null : c.heldOutError() < c.baselineError();
            String message;
            if (rank == null) {
                message = !FitStatus.OK.label().equals(c.status()) ? "not ranked: the law's fit is " + c.status()
                        : "not ranked: backtest " + c.backtestStatus() + (c.backtestMessage() == null || c.backtestMessage().isEmpty() ? "" : " (" + c.backtestMessage() + ")");
            } else if (rank == 1) {
                message = ranked.size() == 1 ? "the only law backtested" : tiedToBest > 0
                        ? "lowest held-out error; its interval overlaps those of " + tiedToBest + " other law(s), so the ranking among them is not settled"
                        : "lowest held-out error";
            } else {
                message = tied ? "held-out error within the best's interval: not distinguishable from " + best.law() : "worse than " + best.law();
            }
            if (Boolean.FALSE.equals(beats)) message += "; does not beat the baseline (the lowest loss of the fit part carried forward)";
            out.add(new Ranked(c, rank, tied, beats, message, formDependent, List.copyOf(disagreeAt), spread));
        }
        return out;
    }

    private static boolean backtested(Candidate c) {
        return FitStatus.OK.label().equals(c.status()) && FitStatus.OK.label().equals(c.backtestStatus()) && Double.isFinite(c.heldOutError());
    }

    private static long tiedCount(List<Candidate> ranked, Candidate best) {
        return ranked.stream().skip(1).filter(c -> overlaps(best, c)).count();
    }

    /** Whether two laws' held-out error intervals overlap (without intervals: never). */
    private static boolean overlaps(Candidate best, Candidate other) {
        if (best == null || Double.isNaN(best.heldOutErrorHigh()) || Double.isNaN(other.heldOutErrorLow())) return false;
        return other.heldOutErrorLow() <= best.heldOutErrorHigh();
    }

    private static boolean disjoint(Candidate a, Candidate b, String target) {
        Double aLow = a.forecastLow().get(target), aHigh = a.forecastHigh().get(target), bLow = b.forecastLow().get(target), bHigh = b.forecastHigh().get(target);
        if (aLow == null || aHigh == null || bLow == null || bHigh == null) return false;
        return aLow > bHigh || bLow > aHigh;
    }
}
