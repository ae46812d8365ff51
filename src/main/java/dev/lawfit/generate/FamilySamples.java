package dev.lawfit.generate;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated groups in each family's shape, as the core sees them (no Spark), for the benchmark's trust-cost case and the
 * solver tests: Chinchilla groups of 40 points for the
 * compute laws; for a curve law, one run's 40 checkpoints of a power curve in training progress; for the loss-to-loss
 * line, the 32 checkpoints of 4 sizes x 8 token counts evaluated on two sets (x: a Chinchilla loss, y on a shifted power
 * line of it), as the loss-to-loss job fits them (each loss's own compute fit gives E_x and E_y).
 */
public final class FamilySamples {

    private FamilySamples() {
    }

    public static List<Points> of(Law law, int groups) {
        return switch (law.family()) {
            case CURVE -> curves(groups, 31);
            case LOSS_TO_LOSS -> lossLines(groups, 37);
            default -> GroupedArchive.byModel(SyntheticArchive.manyGroups(groups, 40, 29));
        };
    }

    /** Runs of L(x) = p0 + p1 x^-theta, x = tokens / planned tokens, 0.3% noise. */
    public static List<Points> curves(int groups, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Points> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            double p0 = 2.0 + 0.2 * random.nextDouble(), p1 = 0.6 + 0.4 * random.nextDouble(), theta = 0.3 + 0.4 * random.nextDouble();
            out.add(run("run-" + g, 40, x -> (p0 + p1 * Math.pow(x, -theta)) * (1 + 0.003 * gaussian(random))));
        }
        return out;
    }

    /**
     * One run of a 410M model planned for 20B tokens, its {@code checkpoints} evenly spaced in progress x = (i + 1) / n (the
     * curve laws' covariate), step i + 1, loss {@code lossAt(x)} (called in checkpoint order).
     */
    public static Points run(String runId, int checkpoints, java.util.function.DoubleUnaryOperator lossAt) {
        int n = checkpoints;
        double[] p = new double[n], d = new double[n], c = new double[n], l = new double[n], x = new double[n], s = new double[n];
        String[] runs = new String[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i + 1) / (double) n;
            p[i] = 4.1e8;
            d[i] = x[i] * 2e10;
            c[i] = 6 * p[i] * d[i];
            l[i] = lossAt.applyAsDouble(x[i]);
            s[i] = i + 1;
            runs[i] = runId;
        }
        return Points.of(p, d, c, l, x, runs, s);
    }

    /** Paired losses of 4 sizes x 8 token counts: x = a Chinchilla loss, y = 1.3 (x - 1.8)^0.85 + 2.0, 0.3% noise on each. */
    public static List<Points> lossLines(int groups, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] sizes = {50e6, 100e6, 200e6, 400e6};
        List<Points> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            double a = 400 + 60 * random.nextDouble(), b = 400 + 60 * random.nextDouble();
            int n = sizes.length * 8;
            double[] p = new double[n], d = new double[n], c = new double[n], ly = new double[n], lx = new double[n], s = new double[n];
            String[] runs = new String[n];
            int i = 0;
            for (double size : sizes) {
                for (int k = 1; k <= 8; k++, i++) {
                    p[i] = size;
                    d[i] = size * 5 * k;
                    c[i] = 6 * p[i] * d[i];
                    lx[i] = (1.8 + a / Math.pow(size, 0.34) + b / Math.pow(d[i], 0.28)) * (1 + 0.003 * gaussian(random));
                    ly[i] = (1.3 * Math.pow(lx[i] - 1.8, 0.85) + 2.0) * (1 + 0.003 * gaussian(random));
                    s[i] = k;
                    runs[i] = "line-" + g + "-" + (long) (size / 1e6) + "m";
                }
            }
            out.add(Points.of(p, d, c, ly, lx, runs, s));
        }
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17
        double u = 1 - random.nextDouble(), v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
