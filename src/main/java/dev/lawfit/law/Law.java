package dev.lawfit.law;

import java.util.List;
import java.util.Map;

/**
 * One scaling law: its parameters, their bounds and starting grid, and the prediction of log loss with
 * its analytic gradient. Everything is over primitive arrays; a law allocates nothing per evaluation.
 * Nothing outside the law classes knows a formula.
 */
public interface Law {

    /** The name used in job specs and output tables, e.g. {@code chinchilla}. */
    String name();

    /** The law in one line, for the README and the output. */
    String formula();

    /** Names of the coordinates the optimiser works in (e.g. log-coefficients). */
    List<String> coordinateNames();

    double[] lowerBounds();

    double[] upperBounds();

    /** The default grid of starting points in optimiser coordinates. */
    StartingGrid defaultGrid();

    /**
     * The coordinates that set the law's shape (its exponents). The search polishes the best start of
     * each distinct combination of their starting values, so it cannot spend every polish on one
     * plateau where a term has vanished.
     */
    List<String> shapeCoordinates();

    /** Fewer points than this and the law is not fitted (status too_few_points). */
    int minPoints();

    /**
     * Why these points cannot determine the law's parameters (e.g. a single model size for an exponent in
     * N), or null when they can. Such a group gets status too_few_points instead of an arbitrary fit.
     */
    default String unidentifiable(Points points) {
        return null;
    }

    /** Predicted log loss at point {@code i}. */
    double logPredict(double[] theta, Points points, int i);

    /** Predicted log loss at point {@code i}; writes d(log prediction)/d(theta) into {@code gradient}. */
    double logPredict(double[] theta, Points points, int i, double[] gradient);

    /** The law's parameters as users know them (e.g. E, A, B, alpha, beta), in a stable order. */
    Map<String, Double> parameters(double[] theta);

    /**
     * Quantities derived from the parameters (e.g. compute-optimal exponents), and for each training
     * compute budget those that depend on one (named {@code name@budget}, see {@link Budgets#label}); may be empty.
     */
    Map<String, Double> derived(double[] theta, double[] computeBudgets);

    default int dimension() {
        return coordinateNames().size();
    }
}
