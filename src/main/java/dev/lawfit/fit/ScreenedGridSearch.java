package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Global search the way the field does it, at a fraction of the cost:
 * <ol>
 *   <li>screen: the objective is evaluated at every grid point (one pass, no gradients);</li>
 *   <li>explore: for each distinct combination of the law's shape coordinates (its exponents), the best
 *       grid point is polished by bounded L-BFGS at a loose tolerance, best combinations first, up to
 *       {@code polishStarts} of them. One start per shape keeps every polish from landing on the same
 *       plateau (a start where one term of the law has vanished and the gradient with it);</li>
 *   <li>refine: the best explored point is polished again at the full tolerance.</li>
 * </ol>
 * With {@code polishStarts = 0} every grid point is polished at the full tolerance (the exhaustive search).
 */
public final class ScreenedGridSearch implements Solver {

    private static final long serialVersionUID = 1L;

    /** The solver of every law that does not bring its own. */
    public static final ScreenedGridSearch INSTANCE = new ScreenedGridSearch();

    /** Without a start, the whole search; with one (a bootstrap resample), a polish from it. */
    @Override
    public Solution solve(Law law, Points points, double[] weights, FitSettings settings, double[] start) {
        return start == null ? minimize(law, points, settings, weights) : polish(law, points, settings, weights, start);
    }

    /**
     * Exploring polishes only need to tell basins apart; the winner is refined after. At 60 iterations the
     * search still reached the exhaustive optimum on all 30 generated groups it was compared on, with 27%
     * fewer objective evaluations than at 200 (README, performance).
     */
    static final double EXPLORE_TOLERANCE = 1e-8;
    static final int EXPLORE_MAX_ITERATIONS = 60;

    private ScreenedGridSearch() {
    }

    public static Solution minimize(Law law, Points points, FitSettings settings, double[] weights) {
        HuberLogObjective objective = new HuberLogObjective(law, points, settings.huberDelta(), weights);
        double[] lower = law.lowerBounds();
        double[] upper = law.upperBounds();
        double[][] grid = settings.gridFor(law).points(law.coordinateNames());
        for (double[] start : grid) clamp(start, lower, upper);
        if (settings.exhaustive()) return exhaustive(objective, grid, lower, upper, settings);

        int[] starts = chooseStarts(law, objective, grid, settings.polishStarts());
        LbfgsSettings explore = new LbfgsSettings(Math.min(EXPLORE_MAX_ITERATIONS, settings.lbfgs().maxIterations()),
                settings.lbfgs().memory(), Math.max(EXPLORE_TOLERANCE, settings.lbfgs().tolerance()), settings.lbfgs().maxLineSearchSteps());
        long evaluations = grid.length;
        OptimizerOutcome best = null;
        for (int start : starts) {
            OptimizerOutcome run = BreezeBoundedLbfgs.minimize(objective, grid[start], lower, upper, explore);
            evaluations += run.evaluations();
            if (best == null || run.value() < best.value()) best = run;
        }
        OptimizerOutcome refined = BreezeBoundedLbfgs.minimize(objective, best.x(), lower, upper, settings.lbfgs());
        evaluations += refined.evaluations();
        OptimizerOutcome winner = refined.value() <= best.value() ? refined : best;
        return new Solution(winner.x(), objective.summedHuber(winner.x()), grid.length, starts.length, evaluations,
                refined.iterations(), refined.stopReason());
    }

    /** Polishes from a single given start (a bootstrap resample started at the full fit's optimum). */
    public static Solution polish(Law law, Points points, FitSettings settings, double[] weights, double[] start) {
        HuberLogObjective objective = new HuberLogObjective(law, points, settings.huberDelta(), weights);
        double[] x0 = start.clone();
        clamp(x0, law.lowerBounds(), law.upperBounds());
        OptimizerOutcome run = BreezeBoundedLbfgs.minimize(objective, x0, law.lowerBounds(), law.upperBounds(), settings.lbfgs());
        return new Solution(run.x(), objective.summedHuber(run.x()), 0, 1, run.evaluations(), run.iterations(), run.stopReason());
    }

    private static Solution exhaustive(HuberLogObjective objective, double[][] grid, double[] lower, double[] upper,
                                      FitSettings settings) {
        long evaluations = 0;
        OptimizerOutcome best = null;
        for (double[] start : grid) {
            OptimizerOutcome run = BreezeBoundedLbfgs.minimize(objective, start, lower, upper, settings.lbfgs());
            evaluations += run.evaluations();
            if (best == null || run.value() < best.value()) best = run;
        }
        return new Solution(best.x(), objective.summedHuber(best.x()), grid.length, grid.length, evaluations,
                best.iterations(), best.stopReason());
    }

    /**
     * The best grid point of each distinct shape (combination of shape-coordinate values), best shapes
     * first, at most {@code limit}. Ties keep grid order, so the choice is deterministic.
     */
    static int[] chooseStarts(Law law, HuberLogObjective objective, double[][] grid, int limit) {
        double[] values = new double[grid.length];
        for (int i = 0; i < grid.length; i++) {
            double v = objective.optimiserValue(grid[i]);
            values[i] = Double.isFinite(v) ? v : Double.POSITIVE_INFINITY;
        }
        Integer[] order = new Integer[grid.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> values[i]).thenComparingInt(i -> i));
        int[] shape = law.shapeCoordinates().stream().mapToInt(law.coordinateNames()::indexOf).toArray();
        Set<List<Double>> seen = new HashSet<>();
        List<Integer> chosen = new ArrayList<>();
        for (int i : order) {
            List<Double> key = new ArrayList<>(shape.length);
            for (int k : shape) key.add(grid[i][k]);
            if (seen.add(key)) chosen.add(i);
            if (chosen.size() == limit) break;
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void clamp(double[] x, double[] lower, double[] upper) {
        for (int k = 0; k < x.length; k++) x[k] = Math.min(upper[k], Math.max(lower[k], x[k]));
    }
}
