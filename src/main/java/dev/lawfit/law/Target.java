package dev.lawfit.law;

import java.util.List;

/**
 * A point a lab wants a prediction at (the run it is about to launch): model size N, tokens D, compute C and,
 * for the data-constrained law, the unique tokens available (NaN: as many as D, no repetition). Given as
 * (N, D), or as (C, M) with M = D/N tokens per parameter and C = 6ND, as Gadre et al. write their targets.
 */
public record Target(String name, double params, double tokens, double flops, double uniqueTokens) implements java.io.Serializable {

    /** Tokens per parameter of the default targets (Chinchilla's compute-optimal rule of thumb). */
    public static final double DEFAULT_RATIO = 20;

    public Target {
        for (double v : new double[] {params, tokens, flops}) {
            if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException("a prediction target needs finite positive N, D and C, got " + v);
        }
        if (!Double.isNaN(uniqueTokens) && !(uniqueTokens > 0 && !Double.isInfinite(uniqueTokens))) {
            throw new IllegalArgumentException("unique_tokens must be a finite positive number, got " + uniqueTokens);
        }
        if (name == null || name.isBlank()) name = "N=" + Budgets.label(params) + ",D=" + Budgets.label(tokens);
    }

    /** Model size and tokens; C = 6ND unless given. */
    public static Target ofSizeTokens(String name, double params, double tokens, Double flops, double uniqueTokens) {
        return new Target(name, params, tokens, flops == null ? 6 * params * tokens : flops, uniqueTokens);
    }

    /** Compute and tokens per parameter: N = (C / (6M))^(1/2), D = M N. */
    public static Target ofComputeRatio(String name, double flops, double ratio, double uniqueTokens) {
        if (!(ratio > 0) || Double.isInfinite(ratio)) throw new IllegalArgumentException("tokens_per_param must be a finite positive number, got " + ratio);
        double n = Math.sqrt(flops / (6 * ratio));
        return new Target(name == null || name.isBlank() ? "C=" + Budgets.label(flops) + ",M=" + plain(ratio) : name,
                n, ratio * n, flops, uniqueTokens);
    }

    /** A ratio as people write it: 20, 640, 2.5. */
    static String plain(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-9 ? Long.toString((long) Math.rint(v)) : String.format(java.util.Locale.ROOT, "%.3g", v);
    }

    /** The targets used when a spec names none: each compute budget at {@link #DEFAULT_RATIO} tokens per parameter. */
    public static List<Target> defaults(double[] computeBudgets) {
        return java.util.Arrays.stream(computeBudgets).mapToObj(c -> ofComputeRatio(null, c, DEFAULT_RATIO, Double.NaN)).toList();
    }

    public double ratio() {
        return tokens / params;
    }

    /** The targets as points a law predicts at (the target column NaN, x the unique tokens). */
    public static Points points(List<Target> targets) {
        int n = targets.size();
        double[] p = new double[n], d = new double[n], c = new double[n], l = new double[n], x = new double[n], s = new double[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            Target t = targets.get(i);
            p[i] = t.params; d[i] = t.tokens; c[i] = t.flops; l[i] = Double.NaN; x[i] = t.uniqueTokens; s[i] = Double.NaN; names[i] = t.name;
        }
        return Points.of(p, d, c, l, x, names, s);
    }
}
