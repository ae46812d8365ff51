package dev.lawfit.schedule;

import java.util.Arrays;

/**
 * One run's learning rate at every optimiser step 0..T, with its warm-up length W, and the sums the
 * schedule-aware laws read in O(1): the LR area P(t) = sum of the LR over steps 1..t, the post-warm-up area
 * S1(t) = P(t) - P(W), the warm-up area S_W = P(W), and prefix sums of the step-to-step changes
 * d_s = lr(s-1) - lr(s) from step 1 (their mass, and their first moments in P and in lr; the warm-up's rises
 * are negative drops), so a sum over the changes before a step is a handful of block sums ({@link #decayBlocks}).
 *
 * Built from known (step, lr) points (a run's checkpoints, or a dense schedule table) by interpolation
 * between them ({@link Interpolation}); before the first point the LR rises linearly from 0 at step 0 (a linear
 * warm-up). A run's warm-up ends at the first step where the LR reaches its maximum, unless given.
 */
public final class LrSchedule implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    /** Schedules longer than this many steps are refused (a step column in tokens, not steps). */
    public static final int MAX_STEPS = 50_000_000;

    /** How the LR runs between two known points. */
    public enum Interpolation {
        /** A straight line (cosine, linear and WSD decays logged every few steps). */
        LINEAR,
        /** The earlier value until the later point's step (step and two-stage schedules). */
        STEP;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Interpolation byLabel(String label) {
            for (Interpolation i : values()) if (i.label().equals(label)) return i;
            throw new IllegalArgumentException("schedule.interpolation must be linear or step, got '" + label + "'");
        }
    }

    /**
     * What a schedule is built from (its logged points or its shape): a schedule travels to Spark's tasks as this,
     * a few hundred numbers, and is rebuilt there, not as its per-step arrays (megabytes for a long run).
     */
    private record Recipe(double[] steps, double[] lrs, int warmup, Interpolation mode, ScheduleShape shape, double[] dense)
            implements java.io.Serializable {
        private Object readResolve() {
            if (shape != null) return shape.toSchedule();
            if (dense != null) return LrSchedule.of(dense, warmup);
            return LrSchedule.interpolate(steps, lrs, warmup, mode);
        }
    }

    private Recipe recipe;

    private Object writeReplace() {
        return recipe;
    }

    private final int warmup;
    private final double[] lr;
    private final double[] area;          // P(t)
    // prefix sums over s in [1, t] of the positive and the negative drops: mass, mass * P(s-1), mass * log lr(s)
    private final double[] upMass, upArea, upLr, downMass, downArea, downLr;

    private LrSchedule(int warmup, double[] lr) {
        this.warmup = warmup;
        this.lr = lr;
        int n = lr.length;
        area = new double[n];
        for (int t = 1; t < n; t++) area[t] = area[t - 1] + lr[t];
        upMass = new double[n]; upArea = new double[n]; upLr = new double[n];
        downMass = new double[n]; downArea = new double[n]; downLr = new double[n];
        for (int s = 1; s < n; s++) {
            double d = lr[s - 1] - lr[s];
            double pos = Math.max(d, 0), neg = Math.max(-d, 0);
            upMass[s] = upMass[s - 1] + pos;
            upArea[s] = upArea[s - 1] + pos * area[s - 1];
            double logLr = Math.log(Math.max(lr[s], 1e-300));
            upLr[s] = upLr[s - 1] + pos * logLr;
            downMass[s] = downMass[s - 1] + neg;
            downArea[s] = downArea[s - 1] + neg * area[s - 1];
            downLr[s] = downLr[s - 1] + neg * logLr;
        }
    }

    /**
     * The schedule through the given (step, lr) points (steps need not be sorted; equal steps must agree).
     * {@code warmupSteps} < 0 means: where the LR first reaches its maximum.
     */
    public static LrSchedule interpolate(double[] steps, double[] lrs, int warmupSteps) {
        return interpolate(steps, lrs, warmupSteps, Interpolation.LINEAR);
    }

    public static LrSchedule interpolate(double[] steps, double[] lrs, int warmupSteps, Interpolation mode) {
        if (steps.length != lrs.length || steps.length == 0) throw new IllegalArgumentException("a schedule needs at least one (step, lr) point");
        Integer[] order = new Integer[steps.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(steps[a], steps[b]));
        double last = steps[order[order.length - 1]];
        if (!(last >= 0) || last > MAX_STEPS) throw new IllegalArgumentException("schedule steps must be in [0, " + MAX_STEPS + "], got " + last);
        int end = (int) Math.round(last);
        double[] lr = new double[end + 1];
        int prevStep = 0;
        double prevLr = 0;
        boolean first = true;
        for (Integer k : order) {
            int s = (int) Math.round(steps[k]);
            double v = lrs[k];
            if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + v + " at step " + s);
            if (!first && s == prevStep) {
                if (Math.abs(v - prevLr) > 1e-12 * Math.max(1, Math.abs(v))) {
                    throw new IllegalArgumentException("two learning rates at step " + s + ": " + prevLr + " and " + v);
                }
                continue;
            }
            boolean step = !first && mode == Interpolation.STEP;
            if (first && s == 0) {
                lr[0] = v;
            } else if (step) {
                for (int t = prevStep + 1; t < s; t++) lr[t] = prevLr;
                lr[s] = v;
            } else {
                for (int t = prevStep + 1; t <= s; t++) lr[t] = prevLr + (v - prevLr) * (t - prevStep) / (double) (s - prevStep);
            }
            prevStep = s;
            prevLr = v;
            first = false;
        }
        LrSchedule out = new LrSchedule(warmupSteps >= 0 ? Math.min(warmupSteps, end) : peakStep(lr), lr);
        out.recipe = new Recipe(steps.clone(), lrs.clone(), warmupSteps, mode, null, null);
        return out;
    }

    /** A schedule given step by step (lr[t] at step t). */
    public static LrSchedule of(double[] lr, int warmupSteps) {
        double[] copy = lr.clone();
        LrSchedule out = new LrSchedule(warmupSteps >= 0 ? Math.min(warmupSteps, copy.length - 1) : peakStep(copy), copy);
        out.recipe = new Recipe(null, null, warmupSteps, null, null, copy);
        return out;
    }

    /** A schedule from its shape (travels as the shape). */
    static LrSchedule of(ScheduleShape shape, double[] lr) {
        LrSchedule out = new LrSchedule(shape.warmupSteps(), lr);
        out.recipe = new Recipe(null, null, shape.warmupSteps(), null, shape, null);
        return out;
    }

    private static int peakStep(double[] lr) {
        int best = 0;
        for (int t = 1; t < lr.length; t++) if (lr[t] > lr[best] * (1 + 1e-12)) best = t;
        return best;
    }

    public int warmupSteps() {
        return warmup;
    }

    public int lastStep() {
        return lr.length - 1;
    }

    public double lr(int step) {
        return lr[clamp(step)];
    }

    /** LR area of the warm-up, S_W. */
    public double warmupArea() {
        return area[warmup];
    }

    /** LR area after warm-up up to step t, S1(t) (0 during warm-up). */
    public double s1(int t) {
        return Math.max(0, area[clamp(t)] - area[warmup]);
    }

    /** LR area of steps 1..t. */
    public double area(int t) {
        return area[clamp(t)];
    }

    private int clamp(int t) {
        return Math.max(0, Math.min(t, lr.length - 1));
    }

    /** True when the LR has dropped after warm-up by step t. */
    public boolean decaysBy(int t) {
        return upMass[clamp(t)] - upMass[warmup] > 0;
    }

    /** True when the LR never drops after warm-up (a constant schedule: nothing to anneal). */
    public boolean neverDecays() {
        return upMass[lr.length - 1] - upMass[warmup] <= 0;
    }

    /**
     * The changes of the rate at steps 1..t as blocks (the warm-up's rises too, as negative drops), finest next
     * to t (1, 2, 4, ... steps, then at most {@code maxBlock}): each block's positive and negative drop mass with
     * its mass-weighted LR area P(s-1) and log LR, so sum_s d_s f(lr_s, P(t) - P(s-1)) ~ sum_blocks mass
     * f(lr_mean, P(t) - P_mean), exact for a block holding one drop. A block across which the rate changes by more than
     * a fifth (end to end) is halved until it does not: its drops sit at different rates, where one mean would misplace
     * them (a two-stage drop logged across 200 steps erred by 1e-4 of the loss in one block). Fills
     * {@code out} with rows (mass, S = P(t) - P_mean, mean log lr); returns the row count.
     */
    public int decayBlocks(int t, int maxBlock, double[] out) {
        t = clamp(t);
        int rows = 0, hi = t, size = 1;
        double pt = area[t];
        while (hi > 0) {
            int lo = Math.max(0, hi - size);
            while (hi - lo > 1 && changes(lo, hi)) lo = hi - (hi - lo) / 2;
            rows = block(lo, hi, pt, upMass, upArea, upLr, 1, out, rows);
            rows = block(lo, hi, pt, downMass, downArea, downLr, -1, out, rows);
            hi = lo;
            size = Math.min(size * 2, maxBlock);
        }
        return rows;
    }

    /** A block may span at most this relative change of the rate. */
    static final double BLOCK_RATE_CHANGE = 0.2;

    /** Whether the rate changes by more than {@link #BLOCK_RATE_CHANGE} from step lo to step hi. */
    private boolean changes(int lo, int hi) {
        double a = lr[Math.min(lo, lr.length - 1)], b = lr[Math.min(hi, lr.length - 1)];
        double top = Math.max(a, b), bottom = Math.min(a, b);
        return top > 0 && (bottom <= 0 || top / bottom > 1 + BLOCK_RATE_CHANGE);
    }

    private static int block(int lo, int hi, double pt, double[] mass, double[] moment, double[] lrMoment, int sign, double[] out, int rows) {
        double m = mass[hi] - mass[lo];
        if (m <= 0) return rows;
        out[3 * rows] = sign * m;
        out[3 * rows + 1] = Math.max(0, pt - (moment[hi] - moment[lo]) / m);
        out[3 * rows + 2] = (lrMoment[hi] - lrMoment[lo]) / m;
        return rows + 1;
    }

    /** Rows {@link #decayBlocks} can write for a step (an upper bound). */
    public int maxBlocks(int maxBlock) {
        // blocks halved where the rate changes: at most about log2(maxBlock) more per change, bounded by one block a step
        int halvings = 1 + 32 - Integer.numberOfLeadingZeros(Math.max(1, maxBlock));
        return Math.min(2 * lr.length + 8, 2 * (lr.length / Math.max(1, maxBlock) + 64) * halvings);
    }
}
