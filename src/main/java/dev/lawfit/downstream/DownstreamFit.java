package dev.lawfit.downstream;

import org.apache.commons.math3.fitting.AbstractCurveFitter;
import org.apache.commons.math3.fitting.WeightedObservedPoint;
import org.apache.commons.math3.fitting.WeightedObservedPoints;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DiagonalMatrix;

import java.util.Collection;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fits a {@link DownstreamForm} to (loss, error) pairs by least squares (Levenberg-Marquardt from Commons
 * Math, with the form's bounds), started from a small grid of shapes, keeping the lowest residual.
 * Deterministic. A sigmoid on data that never saturates ends with its ceiling at 1.
 */
public final class DownstreamFit {

    public static final int MIN_POINTS = 5;

    /** The fitted law, or a status and message when it could not be fitted. */
    public record Result(DownstreamForm form, String status, String message, Map<String, Double> parameters,
                         double[] coefficients, int n, double rmse, double r2) {

        public double predict(double loss) {
            return form.value(loss, coefficients);
        }

        public boolean ok() {
            return status.equals(dev.lawfit.fit.FitStatus.OK.label());
        }
    }

    private DownstreamFit() {
    }

    /** As {@link #fit}, from one start (a bootstrap resample: the full fit's coefficients); all starts when that one fails. */
    public static Result fitFrom(DownstreamForm form, double[] loss, double[] error, double[] start) {
        return fit(form, loss, error, java.util.List.of(start));
    }

    public static Result fit(DownstreamForm form, double[] loss, double[] error) {
        return fit(form, loss, error, null);
    }

    private static Result fit(DownstreamForm form, double[] loss, double[] error, java.util.List<double[]> only) {
        int n = loss.length;
        if (n < MIN_POINTS || Arrays.stream(loss).distinct().count() < 3) {
            return new Result(form, dev.lawfit.fit.FitStatus.TOO_FEW_POINTS.label(), form.label() + " needs " + MIN_POINTS + " pairs with 3 distinct losses; the group has "
                    + n + " pairs", Map.of(), null, n, Double.NaN, Double.NaN);
        }
        WeightedObservedPoints points = new WeightedObservedPoints();
        for (int i = 0; i < n; i++) points.add(loss[i], error[i]);
        double[] best = null;
        double bestSse = Double.POSITIVE_INFINITY;
        String lastProblem = "";
        for (double[] start : only != null ? only : java.util.Arrays.asList(starts(form, loss, error))) {
            try {
                double[] c = new BoundedFitter(form, start).fit(points.toList());
                double sse = sse(form, c, loss, error);
                if (Double.isFinite(sse) && sse < bestSse) {
                    bestSse = sse;
                    best = c;
                }
            } catch (RuntimeException e) {
                lastProblem = e.getMessage();
            }
        }
        if (best == null && only != null) return fit(form, loss, error, null);
        if (best == null) return new Result(form, dev.lawfit.fit.FitStatus.FAILED.label(), "no start converged: " + lastProblem, Map.of(), null, n, Double.NaN, Double.NaN);
        double mean = Arrays.stream(error).average().orElse(0);
        double total = Arrays.stream(error).map(e -> (e - mean) * (e - mean)).sum();
        Map<String, Double> parameters = new LinkedHashMap<>();
        for (int k = 0; k < best.length; k++) parameters.put(form.parameterNames().get(k), best[k]);
        return new Result(form, dev.lawfit.fit.FitStatus.OK.label(), "", parameters, best, n, Math.sqrt(bestSse / n), total > 0 ? 1 - bestSse / total : Double.NaN);
    }

    private static double[][] starts(DownstreamForm form, double[] loss, double[] error) {
        double minL = Arrays.stream(loss).min().orElse(0), maxL = Arrays.stream(loss).max().orElse(1);
        double minE = Arrays.stream(error).min().orElse(0), maxE = Arrays.stream(error).max().orElse(1);
        double mid = (minL + maxL) / 2;
        return switch (form) {
            case EXPONENTIAL -> {
                double[] gammas = {0.25, 0.5, 1, 2, 4};
                double[][] out = new double[gammas.length][];
                for (int g = 0; g < gammas.length; g++) {
                    // with gamma fixed the law is linear in (epsilon, k): start from that least-squares solution
                    out[g] = linearStart(loss, error, gammas[g]);
                }
                yield out;
            }
            case SIGMOID -> new double[][] {
                    {minE, maxE, 4 / Math.max(1e-6, maxL - minL), mid},
                    {Math.max(0, minE - 0.1), Math.min(1, maxE + 0.1), 2 / Math.max(1e-6, maxL - minL), mid},
                    {minE, maxE, 8 / Math.max(1e-6, maxL - minL), mid}};
        };
    }

    private static double[] linearStart(double[] loss, double[] error, double gamma) {
        int n = loss.length;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++) {
            double x = -Math.exp(-gamma * loss[i]);
            sx += x; sy += error[i]; sxx += x * x; sxy += x * error[i];
        }
        double denominator = n * sxx - sx * sx;
        double k = denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
        double epsilon = (sy - k * sx) / n;
        return new double[] {epsilon, k, gamma};
    }

    /** Levenberg-Marquardt with the form's bounds applied at every step (Commons Math's parameter validator). */
    private static final class BoundedFitter extends AbstractCurveFitter {
        private final DownstreamForm form;
        private final double[] start;

        BoundedFitter(DownstreamForm form, double[] start) {
            this.form = form;
            this.start = start.clone();
            form.clamp(this.start);
        }

        @Override
        protected LeastSquaresProblem getProblem(Collection<WeightedObservedPoint> observations) {
            double[] target = new double[observations.size()];
            double[] weights = new double[observations.size()];
            int i = 0;
            for (WeightedObservedPoint o : observations) {
                target[i] = o.getY();
                weights[i] = o.getWeight();
                i++;
            }
            AbstractCurveFitter.TheoreticalValuesFunction model = new AbstractCurveFitter.TheoreticalValuesFunction(form, observations);
            return new LeastSquaresBuilder().maxEvaluations(Integer.MAX_VALUE).maxIterations(2000).start(start).target(target)
                    .weight(new DiagonalMatrix(weights)).model(model.getModelFunction(), model.getModelFunctionJacobian())
                    .parameterValidator(v -> {
                        double[] p = v.toArray();
                        form.clamp(p);
                        return new ArrayRealVector(p, false);
                    }).build();
        }
    }

    private static double sse(DownstreamForm form, double[] c, double[] loss, double[] error) {
        double s = 0;
        for (int i = 0; i < loss.length; i++) {
            double r = form.value(loss[i], c) - error[i];
            s += r * r;
        }
        return s;
    }
}
