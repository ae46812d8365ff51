package dev.lawfit.frontier;

import dev.lawfit.law.Points;
import org.apache.commons.math3.stat.regression.SimpleRegression;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hoffmann et al.'s three ways to the compute-optimal allocation, over one group's checkpoints (each
 * checkpoint read as a model of its size trained to its token count, as with a constant learning rate):
 * <ol>
 *   <li>envelope: the lower envelope of loss against compute over all checkpoints (the best model at each
 *       budget), with power laws of N, D and loss against C fitted on the envelope;</li>
 *   <li>IsoFLOP: each run's loss interpolated (log-log) at fixed budgets, a parabola of loss in log N per
 *       budget, and power laws through the parabolas' minima;</li>
 *   <li>from a fitted Chinchilla law: a = beta/(alpha+beta), b = alpha/(alpha+beta), N_opt = G (C/6)^a.</li>
 * </ol>
 */
public final class ComputeOptimalFrontier {

    public static final int MIN_RUNS_PER_BUDGET = 3;

    private ComputeOptimalFrontier() {
    }

    /** Approach 1. */
    public static Frontier envelope(Points points) {
        Integer[] order = new Integer[points.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> points.flops()[i]).thenComparingDouble(i -> points.loss()[i]));
        List<Integer> envelope = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (int i : order) {
            if (points.loss()[i] < best) {
                best = points.loss()[i];
                envelope.add(i);
            }
        }
        if (envelope.size() < 3) return Frontier.failed("envelope", "the lower envelope has " + envelope.size() + " points; 3 are needed");
        int groupSizes = dev.lawfit.law.Points.distinct(points.params());
        int envelopeSizes = (int) envelope.stream().mapToDouble(i -> points.params()[i]).distinct().count();
        if (envelopeSizes < 3) {
            // one size's own checkpoints make an "envelope" with a = 0, b = 1: not a frontier
            return Frontier.failed("envelope", "the lower envelope of loss against compute has " + envelopeSizes + " model size(s) (the group has "
                    + groupSizes + "); a compute-optimal frontier compares sizes and needs at least 3");
        }
        SimpleRegression n = new SimpleRegression(), d = new SimpleRegression(), l = new SimpleRegression();
        for (int i : envelope) {
            double logC = points.logFlops()[i];
            n.addData(logC, points.logParams()[i]);
            d.addData(logC, points.logTokens()[i]);
            l.addData(logC, points.logLoss()[i]);
        }
        return new Frontier("envelope", n.getSlope(), Math.exp(n.getIntercept()), d.getSlope(), Math.exp(d.getIntercept()),
                Math.exp(l.getIntercept()), l.getSlope(), envelope.size(), "");
    }

    /** One IsoFLOP budget: the parabola's minimum and how many runs it was fitted on. */
    public record IsoFlopMinimum(double flops, double nOpt, double dOpt, double lossOpt, int runs) {
    }

    /** Approach 2 at {@code budgetCount} log-spaced budgets inside the range at least 3 runs reach. */
    public static Frontier isoFlop(Points points, int budgetCount) {
        int sizes = dev.lawfit.law.Points.distinct(points.params());
        if (sizes < 3) {
            return Frontier.failed("isoflop", "the group has " + sizes + " model size(s); an IsoFLOP profile compares at least 3 sizes at one budget");
        }
        List<IsoFlopMinimum> minima = isoFlopMinima(points, budgetCount);
        if (minima.size() < 2) return Frontier.failed("isoflop", "only " + minima.size() + " budget(s) had a bracketed minimum; 2 are needed");
        SimpleRegression n = new SimpleRegression(), d = new SimpleRegression(), l = new SimpleRegression();
        for (IsoFlopMinimum m : minima) {
            double logC = Math.log(m.flops());
            n.addData(logC, Math.log(m.nOpt()));
            d.addData(logC, Math.log(m.dOpt()));
            l.addData(logC, Math.log(m.lossOpt()));
        }
        return new Frontier("isoflop", n.getSlope(), Math.exp(n.getIntercept()), d.getSlope(), Math.exp(d.getIntercept()),
                Math.exp(l.getIntercept()), l.getSlope(), minima.size(), "");
    }

    /**
     * The parabola minima, budget by budget. A run counts at a budget only if its checkpoints bracket it
     * (budgets a run does not reach, or passed before its first checkpoint, are not extrapolated); a
     * budget needs 3 runs of different sizes and a minimum inside their size range.
     */
    public static List<IsoFlopMinimum> isoFlopMinima(Points points, int budgetCount) {
        Map<String, List<Integer>> runs = new LinkedHashMap<>();
        for (int i = 0; i < points.size(); i++) runs.computeIfAbsent(points.runIds()[i], k -> new ArrayList<>()).add(i);
        List<double[]> ranges = new ArrayList<>();
        for (List<Integer> run : runs.values()) {
            run.sort(Comparator.comparingDouble(i -> points.flops()[i]));
            ranges.add(new double[] {points.flops()[run.get(0)], points.flops()[run.get(run.size() - 1)]});
        }
        double[] starts = ranges.stream().mapToDouble(r -> r[0]).sorted().toArray();
        double[] ends = ranges.stream().mapToDouble(r -> r[1]).sorted().toArray();
        if (runs.size() < MIN_RUNS_PER_BUDGET) return List.of();
        // the widest range that at least 3 runs can cover: from the 3rd-earliest start to the 3rd-latest end
        double low = starts[MIN_RUNS_PER_BUDGET - 1];
        double high = ends[ends.length - MIN_RUNS_PER_BUDGET];
        List<IsoFlopMinimum> out = new ArrayList<>();
        if (high > low) {
            for (int k = 0; k < budgetCount; k++) {
                double budget = Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * (k + 0.5) / budgetCount);
                IsoFlopMinimum m = minimumAt(points, runs.values(), budget);
                if (m != null) out.add(m);
            }
        }
        if (out.size() >= 2) return out;
        // an IsoFLOP design (a final checkpoint per run, several runs per budget) has nothing to interpolate: its
        // runs at a shared budget are that budget's profile
        List<IsoFlopMinimum> design = designMinima(points, runs);
        return design.size() > out.size() ? design : out;
    }

    /** Points whose compute lies within this relative distance of a budget's first point belong to that budget. */
    static final double DESIGN_TOLERANCE = 0.05;

    /**
     * Profiles of an IsoFLOP design: points clustered by compute (within {@link #DESIGN_TOLERANCE} in log C), each
     * run's point nearest the cluster's centre, a profile wherever 3 runs of different sizes share a budget.
     */
    static List<IsoFlopMinimum> designMinima(Points points, Map<String, List<Integer>> runs) {
        Integer[] order = new Integer[points.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, Comparator.comparingDouble(i -> points.logFlops()[i]));
        List<IsoFlopMinimum> out = new ArrayList<>();
        double tolerance = Math.log1p(DESIGN_TOLERANCE);
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && points.logFlops()[order[end + 1]] - points.logFlops()[order[start]] <= tolerance) end++;
            double centre = 0;
            for (int k = start; k <= end; k++) centre += points.logFlops()[order[k]] / (end - start + 1);
            Map<String, Integer> nearest = new LinkedHashMap<>();
            for (int k = start; k <= end; k++) {
                int i = order[k];
                Integer kept = nearest.get(points.runIds()[i]);
                if (kept == null || Math.abs(points.logFlops()[i] - centre) < Math.abs(points.logFlops()[kept] - centre)) nearest.put(points.runIds()[i], i);
            }
            int n = nearest.size();
            double[] xs = new double[n], ys = new double[n], costs = new double[n];
            int c = 0;
            for (int i : nearest.values()) {
                xs[c] = points.logParams()[i];
                ys[c] = points.loss()[i];
                costs[c++] = points.logFlops()[i] - points.logTokens()[i];
            }
            IsoFlopMinimum m = minimum(Math.exp(centre), xs, ys, costs, n);
            if (m != null) out.add(m);
            start = end + 1;
        }
        return out;
    }

    private static IsoFlopMinimum minimumAt(Points points, Iterable<List<Integer>> runs, double budget) {
        int runCount = 0;
        for (List<Integer> ignored : runs) runCount++;
        double[] xs = new double[runCount], ys = new double[runCount], costs = new double[runCount];
        int count = 0;
        for (List<Integer> run : runs) {
            double logLoss = interpolateLogLoss(points, run, budget);
            if (Double.isNaN(logLoss)) continue;
            int first = run.get(0);
            xs[count] = points.logParams()[first];
            ys[count] = Math.exp(logLoss);
            costs[count++] = points.logFlops()[first] - points.logTokens()[first];
        }
        return minimum(budget, xs, ys, costs, count);
    }

    /**
     * One budget's profile: loss against log N of {@code count} runs (log FLOPs per token in {@code costs}); the
     * parabola's minimum when it is a minimum inside the sizes' range, null otherwise.
     */
    private static IsoFlopMinimum minimum(double budget, double[] xs, double[] ys, double[] costs, int count) {
        SimpleRegression costPerToken = new SimpleRegression();
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < count; k++) {
            costPerToken.addData(xs[k], costs[k]);
            minX = Math.min(minX, xs[k]);
            maxX = Math.max(maxX, xs[k]);
        }
        if (count < MIN_RUNS_PER_BUDGET || maxX - minX <= 0) return null;
        double[] c = parabola(xs, ys, count);
        if (c == null || !(c[2] > 0)) return null;
        double xOpt = -c[1] / (2 * c[2]);
        if (xOpt < minX || xOpt > maxX) return null;
        double logCost = costPerToken.getN() > 1 && !Double.isNaN(costPerToken.getSlope())
                ? costPerToken.predict(xOpt) : Math.log(6) + xOpt;
        double nOpt = Math.exp(xOpt);
        return new IsoFlopMinimum(budget, nOpt, budget / Math.exp(logCost), c[0] + c[1] * xOpt + c[2] * xOpt * xOpt, count);
    }

    /**
     * Least-squares parabola y = c0 + c1 x + c2 x^2 through the first {@code n} points, in closed form
     * (3x3 normal equations on centred x, solved by Cramer's rule); null when they do not determine one.
     */
    static double[] parabola(double[] x, double[] y, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) mean += x[i];
        mean /= n;
        double s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
        for (int i = 0; i < n; i++) {
            double u = x[i] - mean, u2 = u * u;
            s1 += u;
            s2 += u2;
            s3 += u2 * u;
            s4 += u2 * u2;
            t0 += y[i];
            t1 += y[i] * u;
            t2 += y[i] * u2;
        }
        double s0 = n;
        double det = s0 * (s2 * s4 - s3 * s3) - s1 * (s1 * s4 - s3 * s2) + s2 * (s1 * s3 - s2 * s2);
        if (!(Math.abs(det) > 1e-12 * s0 * s4 * s2)) return null;
        double b0 = (t0 * (s2 * s4 - s3 * s3) - s1 * (t1 * s4 - s3 * t2) + s2 * (t1 * s3 - s2 * t2)) / det;
        double b1 = (s0 * (t1 * s4 - t2 * s3) - t0 * (s1 * s4 - s3 * s2) + s2 * (s1 * t2 - t1 * s2)) / det;
        double b2 = (s0 * (s2 * t2 - s3 * t1) - s1 * (s1 * t2 - t1 * s2) + t0 * (s1 * s3 - s2 * s2)) / det;
        // back from u = x - mean to x
        return new double[] {b0 - b1 * mean + b2 * mean * mean, b1 - 2 * b2 * mean, b2};
    }

    /** log loss of one run at {@code budget}, linear in log C between the two checkpoints around it; NaN outside. */
    private static double interpolateLogLoss(Points points, List<Integer> run, double budget) {
        double logBudget = Math.log(budget);
        for (int k = 0; k + 1 < run.size(); k++) {
            int i = run.get(k), j = run.get(k + 1);
            double ci = points.logFlops()[i], cj = points.logFlops()[j];
            if (ci <= logBudget && logBudget <= cj) {
                if (cj == ci) return points.logLoss()[i];
                double t = (logBudget - ci) / (cj - ci);
                return points.logLoss()[i] + t * (points.logLoss()[j] - points.logLoss()[i]);
            }
        }
        return Double.NaN;
    }
}
