package dev.lawfit.schedule;

import org.apache.commons.math3.distribution.TDistribution;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prediction intervals for the schedule family's forecasts, measured on the study's own held-out runs: the rest of a run
 * from its early part, an unseen schedule's curve, a candidate schedule's final loss.
 *
 * <p>A prediction's error is its log ratio e = log(observed / predicted). For a run's held-out checkpoint at horizon h (the
 * step over the fitted part's end for the rest of a run; the step over the run's last for an unseen run), the other runs of
 * the same law, scenario and fit fraction each give their error at that horizon (interpolated along their own held-out
 * checkpoints, held at their ends): m errors, m = runs - 1. The interval is the normal prediction interval for one more draw,
 * predicted x exp(mean +- t(m - 1) sd sqrt(1 + 1/m)); so each run's interval is measured without it (leave one run out) and
 * its coverage is an honest check. A candidate schedule (never trained) gets the interval of an unseen run's final loss, from
 * every unseen run's final error. With fewer than two other runs there is no interval ({@link #NONE}, and why).
 */
public final class ScheduleIntervals {

    /** How an interval was estimated. */
    public static final String OTHER_RUNS = "other_runs", UNSEEN_RUNS = "unseen_runs", NONE = "none";

    /** One prediction's interval: bounds in loss and how they were found. */
    public record Interval(double low, double high, String method) {
        static final Interval MISSING = new Interval(Double.NaN, Double.NaN, NONE);

        public boolean contains(double value) {
            return value >= low && value <= high;
        }
    }

    /** The intervals of a study: one per prediction (in its order), per ranking row (in its order), and each quality row's coverage. */
    public record Result(List<Interval> predictions, List<Interval> ranking, Map<String, Double> coverage) {
    }

    private ScheduleIntervals() {
    }

    /** The key of a prediction's set of runs: law, scenario and fit fraction. */
    private static String set(String law, String scenario, double fraction) {
        return law + "\u0001" + scenario + "\u0001" + fraction;
    }

    /** The key of one run's row in a set (for the quality rows' coverage). */
    public static String runKey(String law, String scenario, double fraction, String runId) {
        return set(law, scenario, fraction) + "\u0001" + runId;
    }

    public static Result of(ScheduleStudy.Result study, double level) {
        // each run's held-out errors by horizon, per set
        Map<String, Double> lastStep = new LinkedHashMap<>();
        double fittedEnd = 0;
        for (ScheduleStudy.Prediction p : study.predictions()) {
            lastStep.merge(p.runId(), p.step(), Math::max);
        }
        for (ScheduleStudy.Quality q : study.quality()) {
            if (q.role().equals("fitted") && lastStep.containsKey(q.runId())) fittedEnd = Math.max(fittedEnd, lastStep.get(q.runId()));
        }
        final double longestFitted = fittedEnd;
        Map<String, Map<String, TreeMap<Double, Double>>> errors = new LinkedHashMap<>();
        for (ScheduleStudy.Prediction p : study.predictions()) {
            if (!p.heldOut() || !(p.predicted() > 0) || !(p.observed() > 0)) continue;
            double h = horizon(p, lastStep.get(p.runId()), longestFitted);
            errors.computeIfAbsent(set(p.law(), p.scenario(), p.fitFraction()), k -> new LinkedHashMap<>())
                    .computeIfAbsent(p.runId(), k -> new TreeMap<>()).put(h, Math.log(p.observed() / p.predicted()));
        }
        List<Interval> predictions = new ArrayList<>();
        Map<String, int[]> covered = new LinkedHashMap<>();
        for (ScheduleStudy.Prediction p : study.predictions()) {
            if (!p.heldOut() || !(p.predicted() > 0)) {
                predictions.add(Interval.MISSING);
                continue;
            }
            Map<String, TreeMap<Double, Double>> runs = errors.getOrDefault(set(p.law(), p.scenario(), p.fitFraction()), Map.of());
            double h = horizon(p, lastStep.get(p.runId()), longestFitted);
            List<Double> others = new ArrayList<>();
            runs.forEach((run, series) -> {
                if (!run.equals(p.runId())) others.add(at(series, h));
            });
            Interval interval = interval(p.predicted(), others, level, OTHER_RUNS);
            predictions.add(interval);
            if (!Double.isNaN(interval.low()) && p.observed() > 0) {
                int[] c = covered.computeIfAbsent(runKey(p.law(), p.scenario(), p.fitFraction(), p.runId()), k -> new int[2]);
                if (interval.contains(p.observed())) c[0]++;
                c[1]++;
            }
        }
        Map<String, Double> coverage = new LinkedHashMap<>();
        covered.forEach((k, c) -> coverage.put(k, c[0] / (double) c[1]));

        // unseen runs' final errors, per law
        Map<String, Map<String, Double>> finalErrors = new LinkedHashMap<>();
        for (ScheduleStudy.Quality q : study.quality()) {
            if (!q.scenario().equals(ScheduleStudy.UNSEEN) || !q.role().equals(ScheduleStudy.UNSEEN) || !(q.predictedFinal() > 0)
                    || !(q.observedFinal() > 0)) {
                continue;
            }
            finalErrors.computeIfAbsent(q.law(), k -> new LinkedHashMap<>()).put(q.runId(), Math.log(q.observedFinal() / q.predictedFinal()));
        }
        List<Interval> ranking = new ArrayList<>();
        for (ScheduleStudy.Rank r : study.ranking()) {
            Map<String, Double> unseen = finalErrors.getOrDefault(r.law(), Map.of());
            if (r.kind().equals("candidate")) {
                ranking.add(interval(r.predictedFinal(), new ArrayList<>(unseen.values()), level, UNSEEN_RUNS));
            } else if (unseen.containsKey(r.name())) {
                List<Double> others = new ArrayList<>();
                unseen.forEach((run, e) -> {
                    if (!run.equals(r.name())) others.add(e);
                });
                ranking.add(interval(r.predictedFinal(), others, level, UNSEEN_RUNS));
            } else {
                ranking.add(Interval.MISSING); // a fit run: its final loss is in the fit
            }
        }
        return new Result(predictions, ranking, coverage);
    }

    /**
     * How often the intervals held the held-out losses, per "law scenario": {covered, with an interval} over checkpoints,
     * and {runs whose checkpoints were covered on average, runs} (each run weighted equally).
     */
    public static Map<String, int[]> coverage(ScheduleStudy.Result study, Result intervals) {
        Map<String, int[]> out = new TreeMap<>();
        for (int i = 0; i < study.predictions().size(); i++) {
            ScheduleStudy.Prediction p = study.predictions().get(i);
            Interval in = intervals.predictions().get(i);
            if (!p.heldOut() || Double.isNaN(in.low())) continue;
            int[] c = out.computeIfAbsent(p.law() + " " + p.scenario(), k -> new int[2]);
            if (in.contains(p.observed())) c[0]++;
            c[1]++;
        }
        return out;
    }

    /** How far a held-out checkpoint lies beyond what was fitted: step over the fitted end (rest of a run), or over the run's last step (unseen). */
    static double horizon(ScheduleStudy.Prediction p, double lastStep, double longestFitted) {
        if (p.scenario().equals(ScheduleStudy.EARLY)) return p.step() / Math.max(p.fitFraction() * lastStep, longestFitted);
        return p.step() / (longestFitted > 0 ? longestFitted : lastStep);
    }

    /** A run's error at horizon h: linear between its held-out checkpoints, its first or last beyond them. */
    static double at(TreeMap<Double, Double> series, double h) {
        Map.Entry<Double, Double> below = series.floorEntry(h), above = series.ceilingEntry(h);
        if (below == null) return above.getValue();
        if (above == null || above.getKey().equals(below.getKey())) return below.getValue();
        double w = (h - below.getKey()) / (above.getKey() - below.getKey());
        return below.getValue() + w * (above.getValue() - below.getValue());
    }

    /** How far (as a factor) a horizon may be from another to share its errors. */
    static final double WINDOW = 1.5;

    /** A run's errors at horizons within a factor {@link #WINDOW} of h; its nearest one when none is. */
    static List<Double> near(TreeMap<Double, Double> series, double h) {
        List<Double> out = new ArrayList<>(series.subMap(h / WINDOW, true, h * WINDOW, true).values());
        if (out.isEmpty()) out.add(at(series, h));
        return out;
    }

    /**
     * The errors of {@code runs} other runs pooled (several per run, from nearby horizons): predicted x exp(mean +- t sd
     * sqrt(1 + 1/runs)), t with runs - 1 degrees of freedom (the runs, not the checkpoints, are the independent draws).
     */
    static Interval pooled(double predicted, List<Double> errors, int runs, double level, String method) {
        if (runs < 2 || errors.size() < 2 || !(predicted > 0)) return Interval.MISSING;
        double mean = errors.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double ss = 0;
        for (double e : errors) ss += (e - mean) * (e - mean);
        double sd = Math.sqrt(ss / (errors.size() - 1));
        double t = new TDistribution(runs - 1).inverseCumulativeProbability(0.5 + level / 2);
        double half = t * sd * Math.sqrt(1 + 1.0 / runs);
        return new Interval(predicted * Math.exp(mean - half), predicted * Math.exp(mean + half), method);
    }

    /** predicted x exp(mean +- t sd sqrt(1 + 1/m)) over m errors; none with fewer than two. */
    static Interval interval(double predicted, List<Double> errors, double level, String method) {
        int m = errors.size();
        if (m < 2 || !(predicted > 0)) return Interval.MISSING;
        double mean = errors.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double ss = 0;
        for (double e : errors) ss += (e - mean) * (e - mean);
        double sd = Math.sqrt(ss / (m - 1));
        double t = new TDistribution(m - 1).inverseCumulativeProbability(0.5 + level / 2);
        double half = t * sd * Math.sqrt(1 + 1.0 / m);
        return new Interval(predicted * Math.exp(mean - half), predicted * Math.exp(mean + half), method);
    }
}
