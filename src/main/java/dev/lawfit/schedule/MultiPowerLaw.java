package dev.lawfit.schedule;

import dev.lawfit.law.Points;
import dev.lawfit.law.StartingGrid;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Multi-Power Law of Luo et al. 2025 ("A Multi-Power Law for Loss Curve Prediction Across Learning Rate
 * Schedules", arXiv:2503.12811): L(t) = L0 + A (S1(t) + S_W)^-alpha - LD(t), with
 * LD(t) = B sum_k (lr_{k-1} - lr_k) G(lr_k^-gamma S_k(t)), S_k(t) = sum of the LR from step k to t,
 * G(x) = 1 - (C x + 1)^-beta. As in the authors' implementation, the sum runs over every step from the first,
 * the warm-up's rises included (negative drops, adding about B lr_peak to the loss once the warm-up is long past),
 * so the parameters are on the published ones' scale: summed from the warm-up's end, the published parameters
 * predict the authors' runs 0.110 (25M) and 0.133 (100M) nats too low. The sum over steps is taken over blocks
 * of drops, finest next to t ({@link LrSchedule#decayBlocks}): each block's drop mass at its mass-weighted
 * position, exact for a step drop and within 1e-5 of the step-by-step sum on the published runs (ScheduleLawTest).
 */
public final class MultiPowerLaw extends ScheduleLaw {

    private static final long serialVersionUID = 1L;

    /** Built on first use (not serialised: an executor builds its own). */
    private transient dev.lawfit.law.LawDescription description;

    @Override
    public dev.lawfit.law.LawDescription description() {
        if (description == null) {
            description = describe(NAME, "L(t) = L0 + A (S1(t) + S_W)^-alpha - B sum_k (lr_{k-1} - lr_k) (1 - (C lr_k^-gamma S_k(t) + 1)^-beta)")
                    .withCoordinates(List.of("L0", "log_A", "alpha", "log_B", "log_C", "beta", "gamma"), new double[] {0, Math.log(1e-6), 0.01, Math.log(1e-3), Math.log(1e-8), 0.01, 0}, new double[] {20, Math.log(1e4), 3, Math.log(1e6), Math.log(1e6), 5, 3})
                    .withGrid(StartingGrid.of("L0", new double[] {2, 3}, "log_A", new double[] {Math.log(0.3), Math.log(1)},
                "alpha", new double[] {0.3, 0.6}, "log_B", new double[] {Math.log(100), Math.log(500)},
                "log_C", new double[] {Math.log(0.5), Math.log(2), Math.log(8)}, "beta", new double[] {0.3, 0.6, 1.0},
                "gamma", new double[] {0.3, 0.65}))
                    .withMinPoints(10);
        }
        return description;
    }
    public static final String NAME = "multi_power";
    /** Largest block of drops summed as one. */
    public static final int MAX_BLOCK = 128;

    private final int maxBlock;
    /** Each schedule's block rows by step (schedules compare by identity: a cache per schedule object). */
    private transient Map<LrSchedule, Map<Integer, double[]>> blocks;

    public MultiPowerLaw(Map<String, LrSchedule> schedules) {
        this(schedules, java.util.Set.of(), MAX_BLOCK);
    }

    public MultiPowerLaw(Map<String, LrSchedule> schedules, java.util.Set<String> candidates) {
        this(schedules, candidates, MAX_BLOCK);
    }

    public MultiPowerLaw(Map<String, LrSchedule> schedules, java.util.Set<String> candidates, int maxBlock) {
        super(schedules, candidates);
        this.maxBlock = maxBlock;
    }

    @Override
    public String unidentifiable(Points points) {
        boolean decays = false;
        for (int i = 0; i < points.size() && !decays; i++) {
            LrSchedule s = schedule(points, i);
            decays = s.decaysBy(step(points, i));
        }
        return decays ? null : "multi_power needs a run whose learning rate decays before a fitted checkpoint (its loss-drop term B, C, beta, gamma"
                + " is set by annealing); every fitted run here keeps a constant rate";
    }

    private double[] blocksOf(Points points, int i) {
        if (blocks == null) blocks = new ConcurrentHashMap<>();
        LrSchedule s = schedule(points, i);
        int t = step(points, i);
        // an identity hash is not unique: two schedules could have shared a key built from it
        return blocks.computeIfAbsent(s, k -> new ConcurrentHashMap<>()).computeIfAbsent(t, k -> {
            double[] raw = new double[3 * s.maxBlocks(maxBlock)];
            int rows = s.decayBlocks(t, maxBlock, raw);
            double[] out = new double[3 * rows];
            for (int r = 0; r < rows; r++) {
                out[3 * r] = raw[3 * r];
                out[3 * r + 1] = raw[3 * r + 1];
                out[3 * r + 2] = raw[3 * r + 2] < -600 ? Double.NEGATIVE_INFINITY : raw[3 * r + 2];
            }
            return out;
        });
    }

    @Override
    protected double value(double[] theta, Points points, int i, double[] gradient) {
        LrSchedule s = schedule(points, i);
        int t = step(points, i);
        double a = Math.exp(theta[1]), alpha = theta[2], b = Math.exp(theta[3]), c = Math.exp(theta[4]), beta = theta[5], gamma = theta[6];
        double area = s.s1(t) + s.warmupArea();
        double logArea = Math.log(area);
        double u = Math.exp(-alpha * logArea);
        double[] rows = blocksOf(points, i);
        double sumG = 0, sumC = 0, sumBeta = 0, sumGamma = 0;
        for (int r = 0; r < rows.length; r += 3) {
            double m = rows[r], sk = rows[r + 1], logLr = rows[r + 2];
            if (sk <= 0) continue;
            if (logLr == Double.NEGATIVE_INFINITY) { // the rate reached 0: G = 1
                sumG += m;
                continue;
            }
            double x = Math.exp(Math.log(sk) - gamma * logLr);
            double cx1 = c * x + 1, logCx1 = Math.log(cx1);
            double pw = Math.exp(-beta * logCx1);
            sumG += m * (1 - pw);
            if (gradient != null) {
                double dGdx = beta * c * pw / cx1;
                sumC += m * dGdx * x;                 // dG/dlogC = dG/dx * x (since d(Cx)/dlogC = Cx)
                sumBeta += m * logCx1 * pw;           // dG/dbeta
                sumGamma += m * dGdx * (-logLr) * x;  // dG/dgamma
            }
        }
        if (gradient != null) {
            gradient[0] = 1;
            gradient[1] = a * u;
            gradient[2] = -a * u * logArea;
            gradient[3] = -b * sumG;
            gradient[4] = -b * sumC;
            gradient[5] = -b * sumBeta;
            gradient[6] = -b * sumGamma;
        }
        return theta[0] + a * u - b * sumG;
    }

    @Override
    public Map<String, Double> derived(double[] theta, double[] computeBudgets) {
        return Map.of();
    }
}
