package dev.lawfit.testing;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.Random;

/** Points on a grid of sizes and token counts whose loss follows a known law, with log-normal noise. */
public final class GeneratedPoints {

    private GeneratedPoints() {
    }

    public static Points fromLaw(Law law, double[] theta, double[] sizes, double[] tokenCounts, double noise, long seed) {
        Random random = new Random(seed);
        int n = sizes.length * tokenCounts.length;
        double[] p = new double[n], d = new double[n], c = new double[n], l = new double[n];
        int i = 0;
        for (double size : sizes) {
            for (double tokens : tokenCounts) {
                p[i] = size; d[i] = tokens; c[i] = 6 * size * tokens; l[i] = 1; i++;
            }
        }
        Points shape = Points.of(p, d, c, l);
        for (int k = 0; k < n; k++) {
            l[k] = Math.exp(law.logPredict(theta, shape, k) + noise * random.nextGaussian());
        }
        return Points.of(p, d, c, l);
    }

    /**
     * A repeated-data design: every size trained on each unique-token count for each number of epochs (D = epochs x U),
     * the unique tokens in the covariate x; loss from the law with log-normal noise.
     */
    public static Points repeated(Law law, double[] theta, double[] sizes, double[] uniqueTokens, double[] epochs, double noise, long seed) {
        Random random = new Random(seed);
        int n = sizes.length * uniqueTokens.length * epochs.length;
        double[] p = new double[n], d = new double[n], c = new double[n], l = new double[n], x = new double[n], s = new double[n];
        String[] runs = new String[n];
        int i = 0;
        for (double size : sizes) {
            for (double unique : uniqueTokens) {
                for (double e : epochs) {
                    p[i] = size; d[i] = e * unique; c[i] = 6 * size * d[i]; x[i] = unique; l[i] = 1; s[i] = Double.NaN;
                    runs[i] = "N" + (long) size + "_U" + (long) unique + "_e" + e;
                    i++;
                }
            }
        }
        Points shape = Points.of(p, d, c, l, x, runs, s);
        for (int k = 0; k < n; k++) l[k] = Math.exp(law.logPredict(theta, shape, k) + noise * random.nextGaussian());
        return Points.of(p, d, c, l, x, runs, s);
    }

    /**
     * Every size trained at every tokens-per-parameter ratio (D = ratio x N), sizes in the outer loop; loss 1 everywhere,
     * for the caller to fill from a law.
     */
    public static Points ratioDesign(double[] sizes, double[] ratios) {
        int n = sizes.length * ratios.length;
        double[] p = new double[n], d = new double[n], c = new double[n], l = new double[n];
        int i = 0;
        for (double size : sizes) {
            for (double ratio : ratios) {
                p[i] = size; d[i] = ratio * size; c[i] = 6 * p[i] * d[i]; l[i] = 1; i++;
            }
        }
        return Points.of(p, d, c, l);
    }

    public static double[] logSpaced(double from, double to, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) out[i] = Math.exp(Math.log(from) + (Math.log(to) - Math.log(from)) * i / (count - 1));
        return out;
    }
}
