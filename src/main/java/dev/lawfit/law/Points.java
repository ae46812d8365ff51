package dev.lawfit.law;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The checkpoint evaluations of one group, as primitive columns. Logs are computed once here so the
 * objective's hot loop only reads arrays. {@code runIds} and {@code steps} label points for output
 * (a step is NaN where unknown); the laws never read them.
 */
public record Points(double[] params, double[] tokens, double[] flops, double[] loss,
                     String[] runIds, double[] steps,
                     double[] logParams, double[] logTokens, double[] logFlops, double[] logLoss) {

    public static Points of(double[] params, double[] tokens, double[] flops, double[] loss,
                            String[] runIds, double[] steps) {
        int n = loss.length;
        if (params.length != n || tokens.length != n || flops.length != n || runIds.length != n || steps.length != n) {
            throw new IllegalArgumentException("all point columns must have the same length " + n);
        }
        return new Points(params, tokens, flops, loss, runIds, steps,
                logs(params), logs(tokens), logs(flops), logs(loss));
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
                .thenComparing(i -> runIds[i])
                .thenComparingDouble(i -> steps[i]));
        return select(Arrays.stream(order).mapToInt(Integer::intValue).toArray());
    }

    /** The points at the given indices, in that order (indices may repeat, as in a bootstrap resample). */
    public Points select(int[] indices) {
        int n = indices.length;
        double[] p = new double[n], t = new double[n], c = new double[n], l = new double[n], s = new double[n];
        String[] r = new String[n];
        for (int k = 0; k < n; k++) {
            int i = indices[k];
            p[k] = params[i]; t[k] = tokens[i]; c[k] = flops[i]; l[k] = loss[i]; r[k] = runIds[i]; s[k] = steps[i];
        }
        return of(p, t, c, l, r, s);
    }

    private static double[] logs(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = Math.log(values[i]);
        return out;
    }
}
