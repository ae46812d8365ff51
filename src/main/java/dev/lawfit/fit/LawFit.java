package dev.lawfit.fit;

import java.util.Map;

/**
 * One law fitted to one group: the parameters as users know them, derived quantities, fit quality,
 * what the search cost and the prediction at every point (null unless the fit is ok).
 *
 * @param objective     summed Huber loss of log residuals at the optimum
 * @param rmseLog       root mean square of log(predicted) - log(observed)
 * @param r2            coefficient of determination of the loss itself
 * @param fingerprint   hash of the group's points and the law's settings: equal inputs, equal hash
 * @param backtest      held-out extrapolation of the law (null when turned off or the fit failed)
 * @param forecasts     the prediction at each of the settings' targets (the (N, D, C) laws), by target name
 * @param folds         the rolling-origin folds (empty when the backtest is off or the group has too few levels)
 * @param forecastDistances how far each forecast lies outside the group's data, in natural-log units, by target name
 * @param flags         the diagnostics' flags ({@link Diagnostics}): why a fit is ok with warnings, or failed
 */
public record LawFit(String law, String formula, FitStatus status, String message,
                     Map<String, Double> parameters, Map<String, Double> derived, double[] theta,
                     int nPoints, double objective, double rmseLog, double r2,
                     int gridPoints, int startsPolished, long objectiveEvaluations, int iterations,
                     String stopReason, long fitMillis, String fingerprint, double[] predicted,
                     Backtest.Result backtest, Map<String, Double> forecasts, RollingOrigin.Folds folds,
                     Map<String, Double> forecastDistances, java.util.List<Diagnostics.Flag> flags) {

    public LawFit(String law, String formula, FitStatus status, String message, Map<String, Double> parameters, Map<String, Double> derived,
                  double[] theta, int nPoints, double objective, double rmseLog, double r2, int gridPoints, int startsPolished,
                  long objectiveEvaluations, int iterations, String stopReason, long fitMillis, String fingerprint, double[] predicted,
                  Backtest.Result backtest, Map<String, Double> forecasts) {
        this(law, formula, status, message, parameters, derived, theta, nPoints, objective, rmseLog, r2, gridPoints, startsPolished,
                objectiveEvaluations, iterations, stopReason, fitMillis, fingerprint, predicted, backtest, forecasts, RollingOrigin.Folds.NONE, Map.of(),
                java.util.List.of());
    }

    public static LawFit notFitted(dev.lawfit.law.Law law, FitStatus status, String message, int nPoints,
                                   long fitMillis, String fingerprint) {
        return new LawFit(law.name(), law.formula(), status, message, Map.of(), Map.of(), null, nPoints,
                Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, 0, null, fitMillis, fingerprint, null, null, Map.of());
    }

    /** The folds' statistics for the extrapolation-aware intervals ({@link ExtrapolationError}). */
    public ExtrapolationError.Stats foldStats() {
        return ExtrapolationError.Stats.of(folds);
    }

    /** A seed for this group's bootstrap, taken from the fingerprint: equal inputs, equal resamples. */
    public long groupSeed() {
        return Long.parseUnsignedLong(fingerprint.substring(0, 15), 16);
    }

    public boolean ok() {
        return status.usable();
    }
}
