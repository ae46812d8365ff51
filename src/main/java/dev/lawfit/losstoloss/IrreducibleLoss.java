package dev.lawfit.losstoloss;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.Fitter;
import dev.lawfit.fit.LawFit;
import dev.lawfit.law.ChinchillaLaw;
import dev.lawfit.law.Points;


/**
 * The irreducible loss E of one dataset's losses from its own compute fit: the Chinchilla law
 * L(N, D) = E + A/N^alpha + B/D^beta fitted to the same checkpoints (Huber on log residuals, bounded
 * L-BFGS from the screened grid), E kept only inside [0, min loss). NaN when the fit fails or E falls
 * outside, with the reason.
 */
public final class IrreducibleLoss {

    public record Estimate(double e, String message) {
        public boolean ok() {
            return !Double.isNaN(e);
        }
    }

    private static final FitSettings COMPUTE_FIT = FitSettings.DEFAULT.withBootstrap(
            dev.lawfit.fit.BootstrapSettings.DEFAULT.withResamples(0)).withBacktestHoldOutSizes(0);

    private IrreducibleLoss() {
    }

    public static Estimate fromComputeFit(double[] params, double[] tokens, double[] loss) {
        return fromComputeFit(params, tokens, loss, COMPUTE_FIT);
    }

    /** As above with the search's settings (a bootstrap resample polishes fewer starts); no backtest or bootstrap of its own. */
    public static Estimate fromComputeFit(double[] params, double[] tokens, double[] loss, FitSettings settings) {
        double[] flops = new double[params.length];
        for (int i = 0; i < flops.length; i++) flops[i] = 6 * params[i] * tokens[i];
        FitSettings plain = settings == COMPUTE_FIT ? settings : COMPUTE_FIT.withPolishStarts(settings.polishStarts());
        LawFit fit = Fitter.fit(new ChinchillaLaw(), Points.of(params, tokens, flops, loss).canonicalOrder(), plain);
        if (!fit.ok()) return new Estimate(Double.NaN, "compute fit " + fit.status().label() + ": " + fit.message());
        double e = fit.parameters().get("E");
        double min = java.util.Arrays.stream(loss).min().orElse(Double.NaN);
        if (!(e >= 0 && e < min)) return new Estimate(Double.NaN, "compute fit E = " + e + " outside [0, min loss " + min + ")");
        return new Estimate(e, "");
    }

    /** The full data's compute fit in the Chinchilla law's coordinates (null when it fails), for its resamples to start from. */
    public static double[] computeFitTheta(double[] params, double[] tokens, double[] loss, FitSettings settings) {
        double[] flops = new double[params.length];
        for (int i = 0; i < flops.length; i++) flops[i] = 6 * params[i] * tokens[i];
        FitSettings plain = settings == COMPUTE_FIT ? settings : COMPUTE_FIT.withPolishStarts(settings.polishStarts());
        LawFit fit = Fitter.fit(new ChinchillaLaw(), Points.of(params, tokens, flops, loss).canonicalOrder(), plain, false);
        return fit.ok() ? fit.theta() : null;
    }

    /** E of a resample's compute fit: the resample solver from the full data's optimum {@code full}, with the resample's weights. */
    public static Estimate polished(double[] params, double[] tokens, double[] loss, double[] weights, double[] full, FitSettings settings) {
        if (full == null) return fromComputeFit(params, tokens, loss, settings);
        double[] flops = new double[params.length];
        for (int i = 0; i < flops.length; i++) flops[i] = 6 * params[i] * tokens[i];
        ChinchillaLaw law = new ChinchillaLaw();
        dev.lawfit.fit.Solution s = dev.lawfit.fit.ScreenedGridSearch.polish(law, Points.of(params, tokens, flops, loss), COMPUTE_FIT, weights, full);
        if (!Double.isFinite(s.objective())) return new Estimate(Double.NaN, "compute fit failed on the resample");
        double e = law.parameters(s.theta()).get("E");
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < loss.length; i++) if (weights[i] > 0) min = Math.min(min, loss[i]);
        if (!(e >= 0 && e < min)) return new Estimate(Double.NaN, "compute fit E = " + e + " outside [0, min loss " + min + ")");
        return new Estimate(e, "");
    }
}
