package dev.lawfit.temporal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The temporal scaling law: at training progress x (tokens / planned tokens) the loss at token position i
 * is a0(x) / (1 + a1(x) i) + a2(x), each parameter following its own trajectory curve, and the average
 * loss is the mean over positions 1..n. In the reduced form (runs without per-position losses) only the
 * average is modelled: L(x) = {@code average}(x).
 */
public record TemporalLaw(Curve a0, Curve a1, Curve a2, int positions, Curve average) {

    public static TemporalLaw full(Curve a0, Curve a1, Curve a2, int positions) {
        return new TemporalLaw(a0, a1, a2, positions, null);
    }

    public static TemporalLaw reduced(Curve average) {
        return new TemporalLaw(null, null, null, 0, average);
    }

    public boolean isReduced() {
        return average != null;
    }

    /** Loss at 1-based position i. */
    public double positionLoss(double x, int i) {
        return a0.at(x) / (1 + Math.max(0, a1.at(x)) * i) + a2.at(x);
    }

    public double averageLoss(double x) {
        if (isReduced()) return average.at(x);
        double b0 = a0.at(x), b1 = Math.max(0, a1.at(x)), b2 = a2.at(x), sum = 0;
        for (int i = 1; i <= positions; i++) sum += 1 / (1 + b1 * i);
        return b0 * sum / positions + b2;
    }

    public String formula() {
        return isReduced() ? "L(x) = " + average.form().formula() + " (average loss only)"
                : "L_i(x) = a0(x)/(1 + a1(x)*i) + a2(x); a0: " + a0.form().formula() + "; a1: " + a1.form().formula()
                + "; a2: " + a2.form().formula() + "; x = tokens/total_tokens";
    }

    public Map<String, Double> parameters() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (isReduced()) {
            put(out, "L", average);
        } else {
            put(out, "a0", a0);
            put(out, "a1", a1);
            put(out, "a2", a2);
        }
        return out;
    }

    private static void put(Map<String, Double> out, String name, Curve c) {
        out.put(name + ".p0", c.p0());
        if (c.form() != TrajectoryForm.CONSTANT) out.put(name + ".p1", c.p1());
        if (c.form().hasTheta()) out.put(name + ".theta", c.theta());
    }
}
