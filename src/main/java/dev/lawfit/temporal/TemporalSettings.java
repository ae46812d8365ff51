package dev.lawfit.temporal;

import java.util.List;

/**
 * How the temporal law is fitted: the fractions of each run's planned tokens to fit on, the curve form of
 * each hyperbolic parameter's trajectory (a0, a1, a2) and of the reduced law for runs with average loss
 * only, the warm-up fraction the cosine form starts at, checkpoints to skip at the start, and the baselines.
 */
public record TemporalSettings(List<Double> fitFractions, TrajectoryForm a0Form, TrajectoryForm a1Form, TrajectoryForm a2Form,
                               TrajectoryForm averageForm, double warmupFraction, double skipFraction, List<TrajectoryForm> baselines,
                               double huberDelta, int minFitCheckpoints, boolean jointRefinement) implements java.io.Serializable {

    public static final TemporalSettings DEFAULT = new TemporalSettings(List.of(0.1, 0.2, 0.3), TrajectoryForm.LOG,
            TrajectoryForm.HYPERBOLIC, TrajectoryForm.POWER, TrajectoryForm.POWER, 0.0, 0.0,
            List.of(TrajectoryForm.POWER, TrajectoryForm.EXPONENTIAL), 0.01, 3, true);

    public TemporalSettings withJointRefinement(boolean value) {
        return new TemporalSettings(fitFractions, a0Form, a1Form, a2Form, averageForm, warmupFraction, skipFraction, baselines,
                huberDelta, minFitCheckpoints, value);
    }

    public TemporalSettings withAverageForm(TrajectoryForm value) {
        return new TemporalSettings(fitFractions, a0Form, a1Form, a2Form, value, warmupFraction, skipFraction, baselines,
                huberDelta, minFitCheckpoints, jointRefinement);
    }

    public TemporalSettings {
        fitFractions = List.copyOf(fitFractions);
        baselines = List.copyOf(baselines);
        if (fitFractions.isEmpty()) throw new IllegalArgumentException("temporal.fit_fractions needs at least one fraction in (0, 1)");
        for (double f : fitFractions) {
            if (!(f > 0 && f < 1)) throw new IllegalArgumentException("temporal.fit_fractions must be in (0, 1), got " + f);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) throw new IllegalArgumentException("temporal.warmup_fraction must be in [0, 1)");
        if (!(skipFraction >= 0 && skipFraction < 1)) throw new IllegalArgumentException("temporal.skip_fraction must be in [0, 1)");
        if (!(huberDelta > 0)) throw new IllegalArgumentException("temporal.huber_delta must be > 0");
        if (minFitCheckpoints < 3) {
            throw new IllegalArgumentException("temporal.min_fit_checkpoints must be at least 3 (a trajectory curve has up to 3 parameters), got " + minFitCheckpoints);
        }
    }
}
