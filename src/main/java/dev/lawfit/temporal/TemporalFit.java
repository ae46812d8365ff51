package dev.lawfit.temporal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits the temporal scaling law to one run, as Xiong et al. do: the hyperbolic law in token position at
 * every checkpoint, then each parameter's trajectory over training on the checkpoints up to a fraction of
 * the run's planned tokens, composed to predict the rest of the loss curve; the baselines are fitted to
 * the same early checkpoints' average loss. Runs without per-position losses get the reduced law.
 */
public final class TemporalFit {

    /** The temporal law's name: its family's. */
    public static final String TEMPORAL = dev.lawfit.law.Family.TEMPORAL.label();

    /** The hyperbolic law at one checkpoint: L_i = a0/(1 + a1 i) + a2. */
    public record CheckpointLaw(double tokens, double step, double progress, double a0, double a1, double a2, double rmse,
                                int positions, boolean ok) {
    }

    /** One method (temporal or a baseline) fitted on one fraction. */
    /** {@code law} is the composed temporal law (null for a baseline). */
    public record MethodResult(String method, String formula, Map<String, Double> parameters, double[] predicted,
                               PredictionQuality quality, double predictedFinal, TemporalLaw law) {
    }

    /** Everything fitted on the checkpoints up to one fraction of the run. */
    public record FractionResult(double fraction, String status, String message, int fitCheckpoints, List<MethodResult> methods) {
        public boolean ok() {
            return dev.lawfit.fit.FitStatus.OK.label().equals(status);
        }

        public MethodResult method(String name) {
            return methods.stream().filter(m -> m.method().equals(name)).findFirst().orElse(null);
        }
    }

    public record RunResult(String runId, String mode, List<CheckpointLaw> checkpoints, List<FractionResult> fractions,
                            double observedFinal, boolean finished) {
    }

    /**
     * A run counts as finished (its last loss is its final loss, for the ranking's correlation) once its last checkpoint
     * reaches this share of its planned tokens: logs rarely land on the very last step (every few steps, or at round step
     * counts short of the end), and at 0.999 no run of such logs counted as finished.
     */
    public static final double FINISHED = 0.98;

    private TemporalFit() {
    }

    public static RunResult fit(RunCurve run, TemporalSettings settings) {
        int n = run.size();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = run.progress(i);
        boolean full = run.hasPositions();
        List<CheckpointLaw> checkpoints = new ArrayList<>();
        if (full) {
            for (int i = 0; i < n; i++) checkpoints.add(positionLaw(run, i, x[i], settings.huberDelta()));
        }
        List<FractionResult> fractions = new ArrayList<>();
        for (double fraction : settings.fitFractions()) fractions.add(fitFraction(run, x, checkpoints, fraction, settings));
        boolean finished = n > 0 && x[n - 1] >= FINISHED;
        return new RunResult(run.runId(), full ? "positions" : "average", checkpoints, fractions,
                n > 0 ? run.loss()[n - 1] : Double.NaN, finished);
    }

    /** Fits L_i = a0/(1 + a1 i) + a2 to one checkpoint's per-position losses. */
    public static CheckpointLaw positionLaw(RunCurve run, int index, double progress, double huberDelta) {
        double[] losses = run.positionLosses()[index];
        double[] positions = new double[losses.length];
        for (int k = 0; k < losses.length; k++) positions[k] = k + 1;
        Curve c = CurveFit.fit(TrajectoryForm.HYPERBOLIC, positions, losses, losses.length, 0, huberDelta);
        boolean ok = c != null && c.ok();
        return new CheckpointLaw(run.tokens()[index], run.steps() == null ? Double.NaN : run.steps()[index], progress,
                ok ? c.p1() : Double.NaN, ok ? c.theta() : Double.NaN, ok ? c.p0() : Double.NaN, ok ? c.rmse() : Double.NaN,
                losses.length, ok);
    }

    private static FractionResult fitFraction(RunCurve run, double[] x, List<CheckpointLaw> checkpoints, double fraction,
                                              TemporalSettings s) {
        int n = run.size();
        List<Integer> fitIndex = new ArrayList<>();
        int firstHeldOut = n;
        for (int i = 0; i < n; i++) {
            if (x[i] <= fraction * (1 + 1e-9)) {
                if (x[i] > s.skipFraction() && (checkpoints.isEmpty() || checkpoints.get(i).ok())) fitIndex.add(i);
            } else if (firstHeldOut == n) {
                firstHeldOut = i;
            }
        }
        int needed = s.minFitCheckpoints();
        if (fitIndex.size() < needed) {
            return new FractionResult(fraction, dev.lawfit.fit.FitStatus.TOO_FEW_POINTS.label(), fitIndex.size() + " checkpoint(s) up to " + fraction
                    + " of the planned tokens (after skip_fraction " + s.skipFraction() + "); " + needed + " are needed", fitIndex.size(), List.of());
        }
        double[] fx = fitIndex.stream().mapToDouble(i -> x[i]).toArray();
        double[] fLoss = fitIndex.stream().mapToDouble(i -> run.loss()[i]).toArray();
        List<MethodResult> methods = new ArrayList<>();
        TemporalLaw law;
        if (!checkpoints.isEmpty()) {
            Curve a0 = CurveFit.fit(s.a0Form(), fx, values(checkpoints, fitIndex, 0), fx.length, s.warmupFraction(), s.huberDelta());
            Curve a1 = CurveFit.fit(s.a1Form(), fx, values(checkpoints, fitIndex, 1), fx.length, s.warmupFraction(), s.huberDelta());
            Curve a2 = CurveFit.fit(s.a2Form(), fx, values(checkpoints, fitIndex, 2), fx.length, s.warmupFraction(), s.huberDelta());
            int positions = run.positionLosses()[fitIndex.get(fitIndex.size() - 1)].length;
            law = a0 == null || a1 == null || a2 == null ? null : TemporalLaw.full(a0, a1, a2, positions);
            if (law != null) {
                double[][] early = fitIndex.stream().map(i -> run.positionLosses()[i]).toArray(double[][]::new);
                if (s.jointRefinement()) law = JointRefinement.refine(law, fx, early);
            }
        } else {
            Curve average = CurveFit.fit(s.averageForm(), fx, fLoss, fx.length, s.warmupFraction(), s.huberDelta());
            law = average == null ? null : TemporalLaw.reduced(average);
        }
        if (law == null) {
            return new FractionResult(fraction, dev.lawfit.fit.FitStatus.FAILED.label(), "a trajectory could not be determined from " + fitIndex.size()
                    + " checkpoints", fitIndex.size(), List.of());
        }
        MethodResult temporal = method(TEMPORAL, law.formula(), law.parameters(), law::averageLoss, x, run.loss(), firstHeldOut, law);
        String negative = negative(temporal, x);
        if (negative != null) {
            return new FractionResult(fraction, dev.lawfit.fit.FitStatus.FAILED.label(), "negative_prediction: the temporal law (" + law.formula()
                    + ") " + negative + ": the fit is meaningless", fitIndex.size(), List.of());
        }
        methods.add(temporal);
        List<String> dropped = new ArrayList<>();
        for (TrajectoryForm baseline : s.baselines()) {
            Curve c = CurveFit.fit(baseline, fx, fLoss, fx.length, s.warmupFraction(), s.huberDelta());
            if (c == null) continue;
            Map<String, Double> p = new LinkedHashMap<>();
            p.put("p0", c.p0());
            p.put("p1", c.p1());
            if (baseline.hasTheta()) p.put("theta", c.theta());
            MethodResult m = method(baseline.label(), "L(x) = " + baseline.formula(), p, c::at, x, run.loss(), firstHeldOut, null);
            String bad = negative(m, x);
            if (bad == null) methods.add(m);
            else dropped.add("baseline " + baseline.label() + " left out: it " + bad);
        }
        return new FractionResult(fraction, dev.lawfit.fit.FitStatus.OK.label(), String.join("; ", dropped), fitIndex.size(), methods);
    }

    private static MethodResult method(String name, String formula, Map<String, Double> parameters,
                                       java.util.function.DoubleUnaryOperator curve, double[] x, double[] observed, int firstHeldOut,
                                       TemporalLaw law) {
        double[] predicted = new double[x.length];
        for (int i = 0; i < x.length; i++) predicted[i] = curve.applyAsDouble(x[i]);
        return new MethodResult(name, formula, parameters, predicted, PredictionQuality.of(observed, predicted, firstHeldOut),
                curve.applyAsDouble(1.0), law);
    }

    /** Where a method predicts a loss that is not positive (at a checkpoint or at the run's end), or null. */
    private static String negative(MethodResult m, double[] x) {
        for (int i = 0; i < m.predicted().length; i++) {
            double v = m.predicted()[i];
            if (!(v > 0) || !Double.isFinite(v)) return String.format(java.util.Locale.ROOT, "predicts a loss of %.4g at progress %.3f", v, x[i]);
        }
        double end = m.predictedFinal();
        return end > 0 && Double.isFinite(end) ? null : String.format(java.util.Locale.ROOT, "predicts a loss of %.4g at the run's end", end);
    }

    private static double[] values(List<CheckpointLaw> checkpoints, List<Integer> index, int which) {
        double[] out = new double[index.size()];
        for (int k = 0; k < out.length; k++) {
            CheckpointLaw c = checkpoints.get(index.get(k));
            out[k] = which == 0 ? c.a0() : which == 1 ? c.a1() : c.a2();
        }
        return out;
    }
}
