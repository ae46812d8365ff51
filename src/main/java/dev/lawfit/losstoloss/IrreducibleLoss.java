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
}
