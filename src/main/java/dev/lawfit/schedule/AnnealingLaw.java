package dev.lawfit.schedule;

import dev.lawfit.law.Points;
import dev.lawfit.law.StartingGrid;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The learning-rate annealing law of Tissue et al. 2024 ("Scaling Law with Learning Rate Annealing",
 * arXiv:2408.11029): L(s) = L0 + A S1(s)^-alpha - C S2(s), with S1 the LR area up to step s (warm-up
 * included) and S2 the annealing area, S2(s) = sum_{i<=s} m_i, m_i = lambda m_{i-1} + (lr_{i-1} - lr_i),
 * the drops after warm-up carried with momentum lambda (0.999 in the paper; {@code schedule.annealing_decay}).
 */
public final class AnnealingLaw extends ScheduleLaw {

    private static final long serialVersionUID = 1L;

    /** Built on first use (not serialised: an executor builds its own). */
    private transient dev.lawfit.law.LawDescription description;

    @Override
    public dev.lawfit.law.LawDescription description() {
        if (description == null) {
            description = describe(NAME, "L(s) = L0 + A S1(s)^-alpha - C S2(s), S2 = sum_i m_i, m_i = " + decay + " m_{i-1} + (lr_{i-1} - lr_i)")
                    .withCoordinates(List.of("L0", "log_A", "alpha", "log_C"), new double[] {0, Math.log(1e-6), 0.01, Math.log(1e-6)}, new double[] {20, Math.log(1e4), 3, Math.log(1e6)})
                    .withGrid(StartingGrid.of("L0", new double[] {2, 3}, "log_A", new double[] {Math.log(0.3), Math.log(1)},
                "alpha", new double[] {0.2, 0.5, 0.8}, "log_C", new double[] {Math.log(0.1), Math.log(1), Math.log(10)}))
                    .withMinPoints(6);
        }
        return description;
    }
    public static final String NAME = "lr_annealing";
    public static final double DEFAULT_DECAY = 0.999;

    private final double decay;
    private transient Map<LrSchedule, double[]> annealing;

    public AnnealingLaw(Map<String, LrSchedule> schedules, double decay) {
        this(schedules, decay, java.util.Set.of());
    }

    public AnnealingLaw(Map<String, LrSchedule> schedules, double decay, java.util.Set<String> candidates) {
        super(schedules, candidates);
        if (!(decay >= 0 && decay < 1)) throw new IllegalArgumentException("schedule.annealing_decay must be in [0, 1), got " + decay);
        this.decay = decay;
    }

    /** S2 at every step of a schedule. */
    private synchronized double[] s2(LrSchedule s) {
        if (annealing == null) annealing = new HashMap<>();
        return annealing.computeIfAbsent(s, k -> {
            double[] out = new double[k.lastStep() + 1];
            double m = 0, sum = 0;
            for (int t = 1; t <= k.lastStep(); t++) {
                m = decay * m + (t > k.warmupSteps() ? k.lr(t - 1) - k.lr(t) : 0);
                sum += m;
                out[t] = sum;
            }
            return out;
        });
    }

    @Override
    protected double value(double[] theta, Points points, int i, double[] gradient) {
        LrSchedule s = schedule(points, i);
        int t = Math.min(step(points, i), s.lastStep());
        double a = Math.exp(theta[1]), alpha = theta[2], c = Math.exp(theta[3]);
        double logArea = Math.log(s.area(t));
        double u = Math.exp(-alpha * logArea);
        double annealed = s2(s)[Math.max(0, t)];
        if (gradient != null) {
            gradient[0] = 1;
            gradient[1] = a * u;
            gradient[2] = -a * u * logArea;
            gradient[3] = -c * annealed;
        }
        return theta[0] + a * u - c * annealed;
    }
}
