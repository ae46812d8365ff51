package dev.lawfit.fit;

/**
 * What a solver found for one law on one data set: the optimiser coordinates, the objective there (on the
 * scale the law's solver reports: summed Huber of log residuals for the grid search, of relative residuals
 * for the curve laws, the residual sum of squares for the least-squares solvers), what the search cost,
 * how it stopped, and a note for the fit's message (e.g. a fallback the solver took; empty when none).
 */
public record Solution(double[] theta, double objective, int gridPoints, int startsPolished,
                       long objectiveEvaluations, int iterations, String stopReason, String note) {

    public Solution(double[] theta, double objective, int gridPoints, int startsPolished, long objectiveEvaluations, int iterations,
                    String stopReason) {
        this(theta, objective, gridPoints, startsPolished, objectiveEvaluations, iterations, stopReason, "");
    }
}
