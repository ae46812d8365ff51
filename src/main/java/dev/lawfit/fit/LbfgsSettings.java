package dev.lawfit.fit;

/**
 * Settings of one bounded L-BFGS run. {@code tolerance} is Breeze's relative tolerance on the
 * improvement of the objective and on the gradient norm.
 */
public record LbfgsSettings(int maxIterations, int memory, double tolerance, int maxLineSearchSteps) implements java.io.Serializable {
    public static final LbfgsSettings DEFAULT = new LbfgsSettings(1000, 5, 1e-12, 64);

    public LbfgsSettings {
        if (maxIterations < 1) throw new IllegalArgumentException("fit.max_iterations must be >= 1, got " + maxIterations);
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) throw new IllegalArgumentException("fit.tolerance must be finite and > 0, got " + tolerance);
    }
}
