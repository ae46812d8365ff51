package dev.lawfit.fit;

/** Where one bounded L-BFGS run stopped, and what it cost. {@code value} is on the optimiser's scale. */
public record OptimizerOutcome(double[] x, double value, int iterations, int evaluations, String stopReason) {
}
