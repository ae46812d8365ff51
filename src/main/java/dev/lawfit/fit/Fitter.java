package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.List;

/**
 * The one call that fits any law of any family to any data set, the way {@code curve_fit} is one call:
 * {@code fit(law, points, settings) -> LawFit}. It checks that the points can determine the law, runs the
 * law's solver, predicts every point, scores the fit and runs the law's backtest. A law that cannot be
 * fitted gets a status and a message, never an exception.
 */
public final class Fitter {

    private Fitter() {
    }

    public static LawFit fit(Law law, Points points, FitSettings settings) {
        return fit(law, points, settings, true);
    }

    /** Without the backtest when {@code withBacktest} is false (a refit whose scoring is the caller's). */
    public static LawFit fit(Law law, Points points, FitSettings settings, boolean withBacktest) {
        long started = System.nanoTime();
        String fingerprint = Fingerprint.of(points, settings.describe(law));
        int n = points.size();
        int minPoints = settings.minPoints(law);
        if (n < minPoints) {
            return LawFit.notFitted(law, FitStatus.TOO_FEW_POINTS,
                    law.name() + " needs at least " + minPoints + " points, the group has " + n
                            + (minPoints < law.minPoints() ? " (fit.min_points)" : " (lower it with fit.min_points." + law.name() + " at your own risk)"),
                    n, millisSince(started), fingerprint);
        }
        // a user who knows better may fit on fewer points than the law's safeguard: the row says so
        String warning = n < law.minPoints() ? "warning: fitted on " + n + " points, below " + law.name() + "'s safeguard of "
                + law.minPoints() + " (fit.min_points." + law.name() + " = " + minPoints + "); treat the parameters with care" : "";
        String unidentifiable = law.unidentifiable(points);
        if (unidentifiable != null) {
            return LawFit.notFitted(law, FitStatus.TOO_FEW_POINTS, unidentifiable, n, millisSince(started), fingerprint);
        }
        try {
            Solution best = Solver.of(law).solve(law, points, null, settings, null);
            if (!Double.isFinite(best.objective())) {
                return LawFit.notFitted(law, FitStatus.FAILED, "the objective is not finite at any start", n, millisSince(started), fingerprint);
            }
            double[] theta = best.theta();
            double[] predicted = new double[n];
            for (int i = 0; i < n; i++) predicted[i] = law.predict(theta, points, i);
            List<Diagnostics.Flag> flags = Diagnostics.of(law, points, theta, best.stopReason(), settings);
            FitStatus status = Diagnostics.status(flags);
            boolean backtested = withBacktest && status.usable() && Backtest.enabled(law, settings);
            Backtest.Result backtest = backtested ? Backtest.run(law, points, settings) : null;
            RollingOrigin.Folds folds = backtested ? RollingOrigin.run(law, points, settings) : RollingOrigin.Folds.NONE;
            String message = join(join(join(best.note(), law.note(points)), warning), Diagnostics.messages(flags));
            return new LawFit(law.name(), law.formula(), status, message, law.parameters(theta), law.derived(theta, settings.computeBudgets()),
                    theta, n, best.objective(), rmseLog(points.loss(), predicted), r2(points.loss(), predicted),
                    best.gridPoints(), best.startsPolished(), best.objectiveEvaluations(), best.iterations(),
                    best.stopReason(), millisSince(started), fingerprint, predicted, backtest, forecasts(law, theta, settings), folds,
                    forecastDistances(law, points, settings), flags);
        } catch (RuntimeException e) {
            return LawFit.notFitted(law, FitStatus.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), n,
                    millisSince(started), fingerprint);
        }
    }

    /**
     * The law's prediction at each of the settings' targets (the points a lab is about to train), by target name; for
     * the other families, at the law's own targets ({@link Law#forecasts}).
     */
    public static java.util.Map<String, Double> forecasts(Law law, double[] theta, FitSettings settings) {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        if (law.family() != dev.lawfit.law.Family.COMPUTE) return new java.util.LinkedHashMap<>(law.forecasts(theta));
        java.util.List<dev.lawfit.law.Target> targets = settings.forecastTargets();
        Points at = dev.lawfit.law.Target.points(targets);
        for (int i = 0; i < targets.size(); i++) out.put(targets.get(i).name(), law.predict(theta, at, i));
        return out;
    }

    /** How far each forecast target lies outside the group's data (the settings' targets, or the law's own), by target name. */
    public static java.util.Map<String, Double> forecastDistances(Law law, Points points, FitSettings settings) {
        if (law.family() != dev.lawfit.law.Family.COMPUTE) return law.forecastDistances(points);
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        java.util.List<dev.lawfit.law.Target> targets = settings.forecastTargets();
        Points at = dev.lawfit.law.Target.points(targets);
        for (int i = 0; i < targets.size(); i++) out.put(targets.get(i).name(), law.distance(points, at, i));
        return out;
    }

    private static String join(String a, String b) {
        if (a == null || a.isEmpty()) return b == null ? "" : b;
        return b == null || b.isEmpty() ? a : a + "; " + b;
    }

    /** Root mean square of log(predicted) - log(observed); NaN where a value is not positive. */
    static double rmseLog(double[] observed, double[] predicted) {
        double squares = 0;
        for (int i = 0; i < observed.length; i++) {
            double r = Math.log(predicted[i]) - Math.log(observed[i]);
            squares += r * r;
        }
        return Math.sqrt(squares / observed.length);
    }

    /** R^2 of the target itself. */
    static double r2(double[] observed, double[] predicted) {
        int n = observed.length;
        double mean = 0;
        for (double v : observed) mean += v / n;
        double residual = 0, total = 0;
        for (int i = 0; i < n; i++) {
            residual += (observed[i] - predicted[i]) * (observed[i] - predicted[i]);
            total += (observed[i] - mean) * (observed[i] - mean);
        }
        return total > 0 ? 1 - residual / total : Double.NaN;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
