package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Global search the way the field does it, at a fraction of the cost: the objective is evaluated on the
 * whole starting grid (one pass, no gradients), and bounded L-BFGS polishes only the most promising
 * starts. With {@code polishStarts = 0} every grid point is polished (the exhaustive search).
 */
public final class ScreenedGridSearch {

    /** The best point found, its summed Huber objective and what the search cost. */
    public record Outcome(double[] theta, double objective, int gridPoints, int startsPolished,
                          long objectiveEvaluations, int iterations, String stopReason) {
    }

    private ScreenedGridSearch() {
    }

    public static Outcome minimize(Law law, Points points, FitSettings settings, double[] weights) {
        HuberLogObjective objective = new HuberLogObjective(law, points, settings.huberDelta(), weights);
        double[] lower = law.lowerBounds();
        double[] upper = law.upperBounds();
        double[][] grid = settings.gridFor(law).points(law.coordinateNames());
        for (double[] start : grid) clamp(start, lower, upper);

        int[] order = screen(objective, grid, settings);
        long evaluations = settings.exhaustive() ? 0 : grid.length;
        OptimizerOutcome best = null;
        int bestIterations = 0;
        for (int start : order) {
            OptimizerOutcome run = BreezeBoundedLbfgs.minimize(objective, grid[start], lower, upper, settings.lbfgs());
            evaluations += run.evaluations();
            bestIterations = best == null || run.value() < best.value() ? run.iterations() : bestIterations;
            if (best == null || run.value() < best.value()) best = run;
        }
        double[] theta = best.x();
        return new Outcome(theta, objective.summedHuber(theta), grid.length, order.length, evaluations,
                bestIterations, best.stopReason());
    }

    /** Polishes from a single given start (a bootstrap resample started at the full fit's optimum). */
    public static Outcome polish(Law law, Points points, FitSettings settings, double[] weights, double[] start) {
        HuberLogObjective objective = new HuberLogObjective(law, points, settings.huberDelta(), weights);
        double[] x0 = start.clone();
        clamp(x0, law.lowerBounds(), law.upperBounds());
        OptimizerOutcome run = BreezeBoundedLbfgs.minimize(objective, x0, law.lowerBounds(), law.upperBounds(), settings.lbfgs());
        return new Outcome(run.x(), objective.summedHuber(run.x()), 0, 1, run.evaluations(), run.iterations(), run.stopReason());
    }

    /** Indices of the grid points to polish, best first; ties keep grid order, so the result is deterministic. */
    private static int[] screen(HuberLogObjective objective, double[][] grid, FitSettings settings) {
        if (settings.exhaustive()) {
            int[] all = new int[grid.length];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        double[] values = new double[grid.length];
        for (int i = 0; i < grid.length; i++) {
            double v = objective.optimiserValue(grid[i]);
            values[i] = Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
        }
        Integer[] idx = new Integer[grid.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> values[i]).thenComparingInt(i -> i));
        int keep = Math.min(settings.polishStarts(), grid.length);
        int[] out = new int[keep];
        for (int i = 0; i < keep; i++) out[i] = idx[i];
        return out;
    }

    private static void clamp(double[] x, double[] lower, double[] upper) {
        for (int k = 0; k < x.length; k++) x[k] = Math.min(upper[k], Math.max(lower[k], x[k]));
    }
}
