package dev.lawfit.law;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The data one law is fitted to, as primitive columns: every family's points have the same shape. Each
 * point is a checkpoint evaluation with its model size N ({@code params}), tokens D, compute C
 * ({@code flops}), the observed value of the law's target ({@code loss}: the loss for the (N, D, C) and
 * curve laws, the y loss for a loss-to-loss line, the task error for a downstream law) and one more
 * covariate {@code x} the family defines (training progress for a curve law, the x loss for a line, the
 * reference loss for a downstream law; NaN where unused). Logs are computed once here so the objective's
 * hot loop only reads arrays. {@code runIds} and {@code steps} label points for output and for the
 * run bootstrap (a step is NaN where unknown).
 */
public record Points(double[] params, double[] tokens, double[] flops, double[] loss, double[] x,
                     String[] runIds, double[] steps,
                     double[] logParams, double[] logTokens, double[] logFlops, double[] logLoss, double[] logX) {

    public static Points of(double[] params, double[] tokens, double[] flops, double[] loss, double[] x,
                            String[] runIds, double[] steps) {
        int n = loss.length;
        if (params.length != n || tokens.length != n || flops.length != n || x.length != n || runIds.length != n || steps.length != n) {
            throw new IllegalArgumentException("all point columns must have the same length " + n);
        }
        return new Points(params, tokens, flops, loss, x, runIds, steps,
                logs(params), logs(tokens), logs(flops), logs(loss), logs(x));
    }

    /** Points of the (N, D, C) laws, without the family covariate x. */
    public static Points of(double[] params, double[] tokens, double[] flops, double[] loss,
                            String[] runIds, double[] steps) {
        return of(params, tokens, flops, loss, nans(loss.length), runIds, steps);
    }

    /** The same points with the family covariate set. */
    public Points withX(double[] values) {
        return of(params, tokens, flops, loss, values, runIds, steps);
    }

    /** A bootstrap weighting (how often each point was drawn) as the points themselves, repeated. */
    public Points repeated(double[] weights) {
        return select(drawn(weights));
    }

    /**
     * A run bootstrap's weighting as points: a run drawn k times comes k times, each copy a run of its own
     * ({@code run#2}, ...), so analyses that follow each run's checkpoints see k runs.
     */
    public Points repeatedRuns(double[] weights) {
        int[] indices = drawn(weights);
        String[] ids = new String[indices.length];
        for (int k = 0, copy = 0; k < indices.length; k++) {
            int i = indices[k];
            copy = k > 0 && indices[k - 1] == i ? copy + 1 : 0; // a point's copies are consecutive
            ids[k] = copy == 0 ? runIds[i] : runIds[i] + "#" + (copy + 1);
        }
        return gather(indices, ids);
    }

    /** Each point's index as often as its weight (rounded) says, in point order. */
    private static int[] drawn(double[] weights) {
        int total = 0;
        for (double w : weights) total += (int) Math.round(w);
        int[] indices = new int[total];
        int k = 0;
        for (int i = 0; i < weights.length; i++) {
            for (int c = 0, copies = (int) Math.round(weights[i]); c < copies; c++) indices[k++] = i;
        }
        return indices;
    }

    private static double[] nans(int n) {
        double[] out = new double[n];
        Arrays.fill(out, Double.NaN);
        return out;
    }

    /** Points without labels, for tests and the benchmark. */
    public static Points of(double[] params, double[] tokens, double[] flops, double[] loss) {
        String[] runs = new String[loss.length];
        Arrays.fill(runs, "");
        double[] steps = new double[loss.length];
        Arrays.fill(steps, Double.NaN);
        return of(params, tokens, flops, loss, runs, steps);
    }

    public int size() {
        return loss.length;
    }

    /** How many different values a column holds. */
    public static int distinct(double[] values) {
        return (int) Arrays.stream(values).distinct().count();
    }

    /** The same points in a canonical order, so a group's fit never depends on the order rows arrived in. */
    public Points canonicalOrder() {
        Integer[] order = new Integer[size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> params[i])
                .thenComparingDouble(i -> tokens[i])
                .thenComparingDouble(i -> flops[i])
                .thenComparingDouble(i -> loss[i])
                .thenComparingDouble(i -> x[i])
                .thenComparing(i -> runIds[i])
                .thenComparingDouble(i -> steps[i]));
        return select(Arrays.stream(order).mapToInt(Integer::intValue).toArray());
    }

    /** The points at the given indices, in that order (indices may repeat, as in a bootstrap resample). */
    public Points select(int[] indices) {
        return gather(indices, null);
    }

    /**
     * The points at {@code indices}, in that order, with run ids {@code ids} (null: each point's own); the logs are gathered
     * with the values, not computed again (a resample builds hundreds of these).
     */
    private Points gather(int[] indices, String[] ids) {
        int n = indices.length;
        double[] p = new double[n], t = new double[n], c = new double[n], l = new double[n], v = new double[n], s = new double[n];
        double[] lp = new double[n], lt = new double[n], lc = new double[n], ll = new double[n], lv = new double[n];
        String[] r = ids != null ? ids : new String[n];
        for (int k = 0; k < n; k++) {
            int i = indices[k];
            p[k] = params[i]; t[k] = tokens[i]; c[k] = flops[i]; l[k] = loss[i]; v[k] = x[i]; s[k] = steps[i];
            lp[k] = logParams[i]; lt[k] = logTokens[i]; lc[k] = logFlops[i]; ll[k] = logLoss[i]; lv[k] = logX[i];
            if (ids == null) r[k] = runIds[i];
        }
        return new Points(p, t, c, l, v, r, s, lp, lt, lc, ll, lv);
    }

    private static double[] logs(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = Math.log(values[i]);
        return out;
    }
}
