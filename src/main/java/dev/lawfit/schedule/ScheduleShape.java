package dev.lawfit.schedule;

import java.util.List;
import java.util.Locale;

/**
 * A learning-rate schedule described by its shape, as labs write them: a linear warm-up to {@code peakLr} over
 * {@code warmupSteps}, then until {@code totalSteps}:
 * <ul>
 *   <li>{@code constant}: the peak;</li>
 *   <li>{@code cosine}: final + (peak - final) (1 + cos(pi (t - W) / (T - W))) / 2;</li>
 *   <li>{@code linear}: a straight line from the peak to the final rate;</li>
 *   <li>{@code wsd} (warmup-stable-decay): the peak until {@code decayStart}, then to the final rate along
 *       {@code decayShape} (linear, cosine or exponential);</li>
 *   <li>{@code step}: the peak, then each of {@code drops} ([step, lr]) sets the rate from its step on.</li>
 * </ul>
 * Used for candidate schedules a lab has not trained yet: the fitted laws rank them by predicted final loss.
 */
public record ScheduleShape(String shape, double peakLr, int warmupSteps, int totalSteps, double finalLr, int decayStart,
                            String decayShape, List<double[]> drops) implements java.io.Serializable {

    public static final List<String> SHAPES = List.of("constant", "cosine", "linear", "wsd", "step");
    public static final List<String> DECAY_SHAPES = List.of("linear", "cosine", "exponential");

    public ScheduleShape {
        drops = drops == null ? List.of() : List.copyOf(drops);
        decayShape = decayShape == null ? "linear" : decayShape;
    }

    /** Checks the description; {@code key} names it in the message (e.g. schedule.candidates.wsd_10). */
    public void check(String key) {
        if (!SHAPES.contains(shape)) throw new IllegalArgumentException(key + ".shape must be one of " + SHAPES + ", got '" + shape + "'");
        if (!(peakLr > 0) || !Double.isFinite(peakLr)) throw new IllegalArgumentException(key + ".peak_lr must be > 0, got " + peakLr);
        if (warmupSteps < 0) throw new IllegalArgumentException(key + ".warmup_steps must be >= 0, got " + warmupSteps);
        if (totalSteps <= warmupSteps || totalSteps > LrSchedule.MAX_STEPS) {
            throw new IllegalArgumentException(key + ".total_steps must be after warmup_steps (" + warmupSteps + ") and at most "
                    + LrSchedule.MAX_STEPS + ", got " + totalSteps);
        }
        if (!(finalLr >= 0) || finalLr > peakLr) throw new IllegalArgumentException(key + ".final_lr must be in [0, peak_lr], got " + finalLr);
        if (shape.equals("wsd") && (decayStart <= warmupSteps || decayStart >= totalSteps)) {
            throw new IllegalArgumentException(key + ".decay_start must be between warmup_steps and total_steps for a wsd schedule, got " + decayStart);
        }
        if (!DECAY_SHAPES.contains(decayShape)) throw new IllegalArgumentException(key + ".decay_shape must be one of " + DECAY_SHAPES + ", got '" + decayShape + "'");
        if (decayShape.equals("exponential") && shape.equals("wsd") && !(finalLr > 0)) {
            throw new IllegalArgumentException(key + ".final_lr must be > 0 for an exponential decay");
        }
        if (shape.equals("step") && drops.isEmpty()) throw new IllegalArgumentException(key + ".drops needs at least one [step, lr] for a step schedule");
        for (double[] d : drops) {
            if (d.length != 2 || !(d[0] > warmupSteps) || d[0] > totalSteps || !(d[1] >= 0)) {
                throw new IllegalArgumentException(key + ".drops entries must be [step, lr] with warmup_steps < step <= total_steps and lr >= 0");
            }
        }
    }

    public LrSchedule toSchedule() {
        check(dev.lawfit.law.Family.SCHEDULE.label()); // the spec section of the family, in the message
        double[] lr = new double[totalSteps + 1];
        for (int t = 1; t <= totalSteps; t++) lr[t] = at(t);
        return LrSchedule.of(this, lr);
    }

    private double at(int t) {
        if (t <= warmupSteps) return warmupSteps == 0 ? peakLr : peakLr * t / warmupSteps;
        double span = totalSteps - warmupSteps, u = (t - warmupSteps) / span;
        return switch (shape) {
            case "constant" -> peakLr;
            case "cosine" -> finalLr + (peakLr - finalLr) * 0.5 * (1 + Math.cos(Math.PI * u));
            case "linear" -> peakLr + (finalLr - peakLr) * u;
            case "wsd" -> t <= decayStart ? peakLr : decay((t - decayStart) / (double) (totalSteps - decayStart));
            case "step" -> {
                double v = peakLr;
                int best = -1;
                for (double[] d : drops) if (d[0] <= t && d[0] > best) { best = (int) d[0]; v = d[1]; }
                yield v;
            }
            default -> throw new IllegalStateException(shape);
        };
    }

    private double decay(double u) {
        return switch (decayShape.toLowerCase(Locale.ROOT)) {
            case "cosine" -> finalLr + (peakLr - finalLr) * 0.5 * (1 + Math.cos(Math.PI * u));
            case "exponential" -> peakLr * Math.pow(finalLr / peakLr, u);
            default -> peakLr + (finalLr - peakLr) * u;
        };
    }
}
