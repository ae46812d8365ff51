package dev.lawfit.schedule;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.Fitter;
import dev.lawfit.fit.LawFit;
import dev.lawfit.law.Points;
import dev.lawfit.temporal.CurveLaw;
import dev.lawfit.temporal.RunRanking;
import dev.lawfit.temporal.TrajectoryForm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three predictions a lab asks of schedule-aware laws, each scored on data the fit did not see, for one
 * group of runs:
 * <ol>
 *   <li>{@code unseen}: the laws fitted on the group's fit runs (whole) predict every other run's whole curve,
 *       schedules they never saw; the fit runs are scored too ({@code fitted}, in-sample);</li>
 *   <li>{@code early}: for each fit fraction f, the laws fitted on the fit runs plus the first f of every other
 *       run's steps predict the rest of that run, next to {@code run_power}, a power law in progress fitted on
 *       the run's own first f alone (the temporal family's baseline, blind to schedules);</li>
 *   <li>{@code ranking}: every run and every candidate schedule ranked by the unseen fit's predicted final
 *       loss, with Spearman's rho against the runs' real final losses.</li>
 * </ol>
 * Next to them, the floor those errors stand on ({@link #repeat}): when two runs of the group follow one schedule
 * over their first steps but are different trainings (their losses differ), how far apart their losses are there.
 * Pure Java: the Spark stage only collects a group's runs and writes the rows.
 */
public final class ScheduleStudy {

    public static final String UNSEEN = "unseen";
    public static final String EARLY = "early";
    public static final String RUN_POWER = "run_power";
    /** The row of two runs that follow one schedule: how far apart their losses are (no law of the schedule closes it). */
    public static final String SAME_SCHEDULE = "same_schedule";
    public static final String REPEAT = "repeat";
    /** How many runs of a group (the first, by run id) the {@code same_schedule} floor looks for pairs among. */
    public static final int FLOOR_RUNS = 200;

    /** One run's checkpoints (step order). */
    public record RunData(String runId, double[] steps, double[] loss) {
        public double lastStep() {
            return steps[steps.length - 1];
        }
    }

    /**
     * How well one law (or baseline) predicted one run in one scenario, and with which {@code parameters} (those of the
     * scenario's own fit: the fit runs' for unseen runs, the early scenario's for a run fitted on its first part), so every
     * prediction of {@code schedule_predictions} can be recomputed from the table.
     */
    public record Quality(String law, String scenario, double fitFraction, String runId, String role, String status, String message,
                          int fitPoints, int points, double meanAre, double worstAre, double finalAre, double predictedFinal,
                          double observedFinal, Map<String, Double> parameters) {
    }

    public record Prediction(String law, String scenario, double fitFraction, String runId, double step, double lr, double observed,
                             double predicted, boolean heldOut) {
    }

    public record Rank(String law, String name, String kind, double predictedFinal, double predictedRank, double observedFinal,
                       double observedRank, int runs, double rankCorrelation) {
    }

    public record Result(List<Quality> quality, List<Prediction> predictions, List<Rank> ranking) {
    }

    private ScheduleStudy() {
    }

    /**
     * {@code fitted}: each law's parameters from the law model's fit on the fit runs (null or missing: fitted here);
     * {@code laws} read the runs' and candidates' schedules by name.
     */
    public static Result run(List<RunData> runs, List<ScheduleLaw> laws, Map<String, double[]> fitted, ScheduleSettings settings,
                             FitSettings fit) {
        List<RunData> ordered = new ArrayList<>(runs);
        ordered.sort(java.util.Comparator.comparing(RunData::runId));
        List<String> fitIds = fitRuns(ordered, settings);
        List<RunData> fitSet = ordered.stream().filter(r -> fitIds.contains(r.runId())).toList();
        List<RunData> others = ordered.stream().filter(r -> !fitIds.contains(r.runId())).toList();
        Points fitPoints = points(fitSet, 1.0);
        // the early scenario: the fit runs whole plus each other run's first part; without fit runs, every run's first part
        List<RunData> wholeInEarly = settings.fitRuns().isEmpty() ? List.of() : fitSet;
        List<RunData> targets = settings.fitRuns().isEmpty() ? ordered : others;
        List<Quality> quality = new ArrayList<>();
        List<Prediction> predictions = new ArrayList<>();
        List<Rank> ranking = new ArrayList<>();
        for (ScheduleLaw law : laws) {
            double[] theta = fitted == null ? null : fitted.get(law.name());
            String failure = null;
            if (theta == null) {
                LawFit f = Fitter.fit(law, fitPoints, fit, false);
                theta = f.ok() ? f.theta() : null;
                failure = f.ok() ? null : f.status().label() + ": " + f.message();
            }
            for (RunData r : ordered) {
                String role = fitIds.contains(r.runId()) ? "fitted" : UNSEEN;
                if (theta == null) {
                    quality.add(notRun(law.name(), UNSEEN, 1.0, r, role, failure));
                    continue;
                }
                quality.add(score(law, theta, r, law.name(), UNSEEN, 1.0, role, 0, fitPoints.size(), predictions));
            }
            if (theta != null) ranking.addAll(rank(law, theta, ordered));
            for (double f : settings.fitFractions()) {
                Points data = concat(points(wholeInEarly, 1.0), points(targets, f));
                LawFit ef = Fitter.fit(law, data, fit, false);
                for (RunData r : targets) {
                    if (!ef.ok()) {
                        quality.add(notRun(law.name(), EARLY, f, r, EARLY, ef.status().label() + ": " + ef.message()));
                        continue;
                    }
                    quality.add(score(law, ef.theta(), r, law.name(), EARLY, f, EARLY, f * r.lastStep(), data.size(), predictions));
                }
            }
        }
        // the schedule-blind baseline of a run's early part: a power law in progress on that run alone
        for (double f : settings.fitFractions()) {
            for (RunData r : targets) {
                CurveLaw power = new CurveLaw(TrajectoryForm.POWER, 0);
                Points early = points(List.of(r), f);
                LawFit pf = Fitter.fit(power, early, fit, false);
                if (!pf.ok()) {
                    quality.add(notRun(RUN_POWER, EARLY, f, r, EARLY, pf.status().label() + ": " + pf.message()));
                    continue;
                }
                quality.add(score(power, pf.theta(), r, RUN_POWER, EARLY, f, EARLY, f * r.lastStep(), early.size(), predictions));
            }
        }
        if (!laws.isEmpty()) {
            Quality floor = repeat(ordered, laws.get(0).schedules());
            if (floor != null) quality.add(floor);
        }
        return new Result(quality, predictions, ranking);
    }

    /**
     * Of the pairs of runs that follow one learning-rate schedule from step 0 to some step S and are different trainings
     * (their losses at the common checkpoints up to S are not all equal; a run forked from another is not), the pair
     * sharing the most checkpoints: the relative difference of their losses there, |a - b| / ((a + b) / 2), its mean
     * and its largest. At a checkpoint where two runs differ by d, any one prediction misses one of them by d / 2 or more.
     * Null when no such pair (with at least 3 common checkpoints) exists. Pairs are looked for among the first
     * {@link #FLOOR_RUNS} runs of the group (in run-id order): a group of thousands of runs would otherwise compare
     * millions of pairs of schedules step by step.
     */
    static Quality repeat(List<RunData> all, Map<String, LrSchedule> schedules) {
        List<RunData> runs = all.size() > FLOOR_RUNS ? all.subList(0, FLOOR_RUNS) : all;
        Quality best = null;
        for (int i = 0; i < runs.size(); i++) {
            for (int j = i + 1; j < runs.size(); j++) {
                RunData a = runs.get(i), b = runs.get(j);
                LrSchedule sa = schedules.get(a.runId()), sb = schedules.get(b.runId());
                if (sa == null || sb == null) continue;
                int shared = sharedUpTo(sa, sb);
                if (shared < Math.max(a.steps()[0], b.steps()[0])) continue;
                Map<Double, Double> lossB = new java.util.HashMap<>();
                for (int k = 0; k < b.steps().length; k++) if (b.steps()[k] <= shared) lossB.put(b.steps()[k], b.loss()[k]);
                double sum = 0, worst = 0, at = Double.NaN;
                int n = 0;
                for (int k = 0; k < a.steps().length; k++) {
                    Double other = lossB.get(a.steps()[k]);
                    if (other == null) continue;
                    double d = Math.abs(a.loss()[k] - other) / ((a.loss()[k] + other) / 2);
                    sum += d;
                    if (d > worst) {
                        worst = d;
                        at = a.steps()[k];
                    }
                    n++;
                }
                if (n < 3 || worst == 0 || (best != null && n <= best.points())) continue;
                String message = String.format(java.util.Locale.ROOT, "%s and %s follow one learning-rate schedule up to step %d and are different runs:"
                        + " over their %d common checkpoints their losses differ by %.3f%% on average and by up to %.3f%% (step %d), so no law of"
                        + " the schedule alone predicts both closer than %.3f%% there", a.runId(), b.runId(), shared, n, 100 * sum / n, 100 * worst,
                        Math.round(at), 50 * worst);
                best = new Quality(SAME_SCHEDULE, REPEAT, 1.0, a.runId(), REPEAT, "ok", message, 0, n, sum / n, worst, Double.NaN, Double.NaN,
                        Double.NaN, Map.of());
            }
        }
        return best;
    }

    /** The last step up to which two schedules give the same rate at every step (-1: they differ at step 0). */
    private static int sharedUpTo(LrSchedule a, LrSchedule b) {
        int last = Math.min(a.lastStep(), b.lastStep());
        for (int t = 0; t <= last; t++) {
            double x = a.lr(t), y = b.lr(t);
            if (Math.abs(x - y) > 1e-9 * Math.max(Math.abs(x), Math.abs(y))) return t - 1;
        }
        return last;
    }

    /** The fit runs: the settings', those present in the group; every run when the settings name none. */
    static List<String> fitRuns(List<RunData> runs, ScheduleSettings settings) {
        List<String> ids = runs.stream().map(RunData::runId).toList();
        if (settings.fitRuns().isEmpty()) return ids;
        return ids.stream().filter(settings.fitRuns()::contains).toList();
    }

    private static Quality notRun(String law, String scenario, double f, RunData r, String role, String message) {
        return new Quality(law, scenario, f, r.runId(), role, "failed", message, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                r.loss()[r.loss().length - 1], Map.of());
    }

    /** Predicts every checkpoint of a run; scores those after {@code fittedUpTo} (all of them for an unseen run). */
    private static Quality score(dev.lawfit.law.Law law, double[] theta, RunData r, String name, String scenario, double f, String role,
                                 double fittedUpTo, int fitPoints, List<Prediction> out) {
        Points p = points(List.of(r), 1.0);
        double sum = 0, worst = 0;
        int n = 0;
        double predictedFinal = Double.NaN;
        LrSchedule schedule = law instanceof ScheduleLaw s ? s.schedules().get(r.runId()) : null;
        for (int i = 0; i < p.size(); i++) {
            double predicted = law.predict(theta, p, i);
            boolean held = !role.equals("fitted") && p.steps()[i] > fittedUpTo * (1 + 1e-9);
            double are = Math.abs(predicted - p.loss()[i]) / p.loss()[i];
            if (held || role.equals("fitted")) {
                sum += are;
                worst = Math.max(worst, are);
                n++;
            }
            predictedFinal = predicted;
            out.add(new Prediction(name, scenario, f, r.runId(), p.steps()[i], schedule == null ? Double.NaN : schedule.lr((int) Math.round(p.steps()[i])),
                    p.loss()[i], predicted, held));
        }
        double observedFinal = r.loss()[r.loss().length - 1];
        return new Quality(name, scenario, f, r.runId(), role, n > 0 ? "ok" : "too_few_points", n > 0 ? "" : "no checkpoint after the fitted part",
                fitPoints, n, n > 0 ? sum / n : Double.NaN, n > 0 ? worst : Double.NaN,
                Math.abs(predictedFinal - observedFinal) / observedFinal, predictedFinal, observedFinal, law.parameters(theta));
    }

    private static List<Rank> rank(ScheduleLaw law, double[] theta, List<RunData> runs) {
        List<String> names = new ArrayList<>();
        List<Double> predicted = new ArrayList<>(), observed = new ArrayList<>();
        List<Boolean> finished = new ArrayList<>();
        for (RunData r : runs) {
            names.add(r.runId());
            predicted.add(law.finalLoss(theta, r.runId()) );
            observed.add(r.loss()[r.loss().length - 1]);
            finished.add(true);
        }
        for (Map.Entry<String, Double> c : law.forecasts(theta).entrySet()) {
            names.add(c.getKey().substring(ScheduleLaw.FINAL.length()));
            predicted.add(c.getValue());
            observed.add(Double.NaN);
            finished.add(false);
        }
        boolean[] done = new boolean[finished.size()];
        for (int i = 0; i < done.length; i++) done[i] = finished.get(i);
        RunRanking.Ranking ranking = RunRanking.rank(names.toArray(String[]::new), predicted.stream().mapToDouble(Double::doubleValue).toArray(),
                observed.stream().mapToDouble(Double::doubleValue).toArray(), done);
        List<Rank> out = new ArrayList<>();
        java.util.Set<String> runIds = new java.util.HashSet<>(runs.stream().map(RunData::runId).toList());
        for (RunRanking.Place place : ranking.places()) {
            out.add(new Rank(law.name(), place.runId(), runIds.contains(place.runId()) ? "run" : "candidate", place.predicted(),
                    place.predictedRank(), place.observed(), place.observedRank(), runs.size(), ranking.correlation()));
        }
        return out;
    }

    /** A run's checkpoints up to a fraction of its last step, as points (x = progress, the late-progress backtest's split). */
    public static Points points(List<RunData> runs, double fraction) {
        List<double[]> rows = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (RunData r : runs) {
            double last = r.lastStep();
            for (int i = 0; i < r.steps().length; i++) {
                if (r.steps()[i] <= fraction * last * (1 + 1e-9)) {
                    rows.add(new double[] {r.steps()[i], r.loss()[i], r.steps()[i] / last});
                    ids.add(r.runId());
                }
            }
        }
        int n = rows.size();
        double[] ones = new double[n], steps = new double[n], loss = new double[n], x = new double[n];
        Arrays.fill(ones, 1);
        for (int i = 0; i < n; i++) {
            steps[i] = rows.get(i)[0];
            loss[i] = rows.get(i)[1];
            x[i] = rows.get(i)[2];
        }
        return Points.of(ones, ones, ones, loss, x, ids.toArray(String[]::new), steps);
    }

    static Points concat(Points a, Points b) {
        int n = a.size() + b.size();
        double[] ones = new double[n], loss = new double[n], x = new double[n], steps = new double[n];
        String[] ids = new String[n];
        Arrays.fill(ones, 1);
        for (int i = 0; i < n; i++) {
            Points p = i < a.size() ? a : b;
            int k = i < a.size() ? i : i - a.size();
            loss[i] = p.loss()[k];
            x[i] = p.x()[k];
            steps[i] = p.steps()[k];
            ids[i] = p.runIds()[k];
        }
        return Points.of(ones, ones, ones, loss, x, ids, steps);
    }

    /** Per law and scenario, the mean over runs of each run's mean and worst error (the README's table). */
    public static Map<String, double[]> summary(List<Quality> quality, String scenario, double fraction, String role) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Quality q : quality) {
            if (!q.scenario().equals(scenario) || Math.abs(q.fitFraction() - fraction) > 1e-9 || !q.role().equals(role) || Double.isNaN(q.meanAre())) continue;
            double[] s = out.computeIfAbsent(q.law(), k -> new double[3]);
            s[0] += q.meanAre();
            s[1] = Math.max(s[1], q.worstAre());
            s[2]++;
        }
        out.values().forEach(s -> s[0] /= s[2]);
        return out;
    }
}
