package dev.lawfit.fit;

/** A smooth function of a parameter vector, as the optimiser sees it. */
public interface DifferentiableObjective {
    /** Returns the value at {@code x} and writes the gradient into {@code gradient} (same length as x). */
    double valueAndGradient(double[] x, double[] gradient);
}
