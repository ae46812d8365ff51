package dev.lawfit.generate;

import dev.lawfit.law.Points;
import dev.lawfit.schedule.LrSchedule;
import dev.lawfit.schedule.MultiPowerLaw;
import dev.lawfit.schedule.ScheduleShape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generated training curves under learning-rate schedules: two model sizes, six schedules each (constant,
 * cosine, WSD, two-stage, linear decay, and a cosine twice as long), a checkpoint every 250 steps after a
 * 1,000-step warm-up, the loss drawn from a known Multi-Power Law per size with 0.1% noise, and the learning
 * rate logged at every checkpoint (column {@code lr}). With {@code badRows}, three rows break the schedule
 * contract (a negative rate, a missing one, two rates at one step), to be rejected with their reasons.
 */
public final class ScheduleArchive {

    /** One checkpoint: the contract's columns plus its learning rate. */
    public record Row(String runId, String model, double params, long step, double loss, Double lr) {
    }

    public static final double NOISE = 0.001;
    public static final int WARMUP = 1000;
    /** The true law of each size: L0, A, alpha, B, C, beta, gamma (near the published 25M and 100M fits). */
    public static final Map<String, double[]> TRUTH = new LinkedHashMap<>();

    static {
        TRUTH.put("s", new double[] {3.15, 0.52, 0.51, 400, 2.0, 0.58, 0.64});
        TRUTH.put("m", new double[] {2.78, 0.60, 0.45, 450, 2.1, 0.60, 0.65});
    }

    public static final Map<String, ScheduleShape> SCHEDULES = new LinkedHashMap<>();

    static {
        SCHEDULES.put("constant_20000", shape("constant", 20000, 0, -1, List.of()));
        SCHEDULES.put("cosine_20000", shape("cosine", 20000, 3e-5, -1, List.of()));
        SCHEDULES.put("twostage_20000", shape("step", 20000, 0, -1, List.of(new double[] {8000, 9e-5})));
        SCHEDULES.put("wsd_20000", shape("wsd", 20000, 3e-5, 16000, List.of()));
        SCHEDULES.put("linear_20000", shape("linear", 20000, 0, -1, List.of()));
        SCHEDULES.put("cosine_40000", shape("cosine", 40000, 3e-5, -1, List.of()));
    }

    private static ScheduleShape shape(String shape, int total, double finalLr, int decayStart, List<double[]> drops) {
        return new ScheduleShape(shape, 3e-4, WARMUP, total, finalLr, decayStart, "linear", drops);
    }

    private ScheduleArchive() {
    }

    public static String runId(String model, String schedule) {
        return model + "/" + schedule;
    }

    public static List<Row> runs(long seed, boolean badRows) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, double[]> size : TRUTH.entrySet()) {
            Map<String, LrSchedule> book = new LinkedHashMap<>();
            SCHEDULES.forEach((name, shape) -> book.put(runId(size.getKey(), name), shape.toSchedule()));
            MultiPowerLaw law = new MultiPowerLaw(book);
            double[] t = size.getValue();
            double[] theta = {t[0], Math.log(t[1]), t[2], Math.log(t[3]), Math.log(t[4]), t[5], t[6]};
            for (Map.Entry<String, LrSchedule> run : book.entrySet()) {
                for (int step = WARMUP; step <= run.getValue().lastStep(); step += 250) {
                    Points at = Points.of(new double[] {1}, new double[] {1}, new double[] {1}, new double[] {1}, new double[] {1},
                            new String[] {run.getKey()}, new double[] {step});
                    double loss = law.predict(theta, at, 0) * (1 + NOISE * random.nextGaussian());
                    rows.add(new Row(run.getKey(), size.getKey(), size.getKey().equals("s") ? 2.5e7 : 1e8, step, loss, run.getValue().lr(step)));
                }
            }
        }
        if (badRows) {
            rows.add(new Row("s/cosine_20000", "s", 2.5e7, 20100, 3.3, -1e-4));     // a negative rate
            rows.add(new Row("s/wsd_20000", "s", 2.5e7, 20100, 3.3, null));         // no rate, run not described
            rows.add(new Row("m/constant_20000", "m", 1e8, 5000, 3.3, 1e-4));       // a second rate at a logged step
        }
        return rows;
    }
}
