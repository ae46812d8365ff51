package dev.lawfit.temporal;

import java.util.Arrays;
import java.util.Locale;

/**
 * A curve y = p0 + p1 g(x; theta) with at most one nonlinear parameter theta, so that it can be fitted
 * by variable projection ({@link CurveFit}). x is training progress (tokens over the run's planned
 * total) for trajectories and baselines, or the 1-based token position for the per-checkpoint law.
 */
public enum TrajectoryForm {
    /** y = p0 + p1 ln x. The reconstruction's form for a0. */
    LOG("log", "p0 + p1*ln(x)", Double.NaN, Double.NaN),
    /** y = p0 + p1 x^-theta; with p1 >= 0 a power law decaying to p0. */
    POWER("power", "p0 + p1*x^-theta", 0.01, 3.0),
    /** y = p0 + p1 / (1 + theta x). The reconstruction's form for a1 and the per-position law itself. */
    HYPERBOLIC("hyperbolic", "p0 + p1/(1 + theta*x)", 1e-3, 1e4),
    /** y = p0 + p1 exp(-theta x). */
    EXPONENTIAL("exponential", "p0 + p1*exp(-theta*x)", 1e-2, 1e3),
    /** y = p0 + p1 cos(pi clamp((x - w)/(1 - w), 0, 1)), w the warm-up fraction. The reconstruction's form for a2. */
    COSINE("cosine", "p0 + p1*cos(pi*clamp((x - warmup)/(1 - warmup), 0, 1))", Double.NaN, Double.NaN),
    /** y = p0. */
    CONSTANT("constant", "p0", Double.NaN, Double.NaN);

    private final String label;
    private final String formula;
    private final double thetaLow;
    private final double thetaHigh;

    TrajectoryForm(String label, String formula, double thetaLow, double thetaHigh) {
        this.label = label;
        this.formula = formula;
        this.thetaLow = thetaLow;
        this.thetaHigh = thetaHigh;
    }

    public String label() {
        return label;
    }

    public String formula() {
        return formula;
    }

    public boolean hasTheta() {
        return !Double.isNaN(thetaLow);
    }

    public double thetaLow() {
        return thetaLow;
    }

    public double thetaHigh() {
        return thetaHigh;
    }

    /** Decays from p0 + p1 towards p0 as x grows; fitted with p0 >= 0 and p1 >= 0. */
    public boolean decays() {
        return this == POWER || this == HYPERBOLIC || this == EXPONENTIAL;
    }

    /** Number of free parameters. */
    public int parameterCount() {
        return this == CONSTANT ? 1 : hasTheta() ? 3 : 2;
    }

    /** g(x; theta). */
    public double basis(double x, double theta, double warmup) {
        return switch (this) {
            case LOG -> Math.log(x);
            case POWER -> Math.pow(x, -theta);
            case HYPERBOLIC -> 1 / (1 + theta * x);
            case EXPONENTIAL -> Math.exp(-theta * x);
            case COSINE -> Math.cos(Math.PI * Math.min(1, Math.max(0, (x - warmup) / (1 - warmup))));
            case CONSTANT -> 0;
        };
    }

    public static TrajectoryForm byLabel(String label) {
        for (TrajectoryForm f : values()) if (f.label.equals(label.toLowerCase(Locale.ROOT))) return f;
        throw new IllegalArgumentException("unknown curve form '" + label + "'; known: "
                + Arrays.stream(values()).map(TrajectoryForm::label).toList());
    }
}
