package dev.lawfit.catalog;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.testing.GeneratedPoints;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * A known truth for every law of the catalog, and data generated from it with noise in the family's own
 * shape: (N, D) grids for the compute laws, one run's checkpoints for the curve laws, paired losses of a
 * (N, D) grid for the loss-to-loss line and reference losses with task errors for the downstream laws.
 * A catalog law without a case here fails the catalog-wide tests.
 */
final class CatalogCases {

    /** Truth in the law's optimiser coordinates; noise: relative for losses, absolute for errors. */
    record Case(double[] truth, double noise) {
    }

    static final double[] SIZES = GeneratedPoints.logSpaced(7e7, 7e9, 6);
    static final double[] TOKENS = GeneratedPoints.logSpaced(2e9, 3e11, 10);
    static final double[] UNIQUE = GeneratedPoints.logSpaced(1e9, 4e10, 4);
    static final double[] EPOCHS = {1, 2, 4, 8, 16};
    private static final double[] REFERENCE = {Math.log(1.8), Math.log(400), Math.log(1500), 0.34, 0.28};

    static final Map<String, Case> CASES = Map.ofEntries(
            Map.entry("chinchilla", new Case(new double[] {Math.log(1.69), Math.log(406.4), Math.log(410.7), 0.34, 0.28}, 0.005)),
            Map.entry("kaplan", new Case(new double[] {Math.log(1.7), Math.log(2e9), Math.log(5e10), 0.3, 0.4}, 0.003)),
            Map.entry("overtraining", new Case(new double[] {Math.log(1.8), Math.log(300), Math.log(900), 0.15}, 0.003)),
            Map.entry("data_constrained", new Case(new double[] {Math.log(1.69), Math.log(406.4), Math.log(410.7), 0.34, 0.28,
                    Math.log(15.4), Math.log(5.3)}, 0.003)),
            Map.entry("broken_power_compute", new Case(new double[] {Math.log(1.8), Math.log(3e3), 0.15, 0.25, 46, 0.5}, 0.002)),
            Map.entry("power_compute", new Case(new double[] {Math.log(1.8), Math.log(150), 0.1}, 0.003)),
            Map.entry("pure_params", new Case(new double[] {Math.log(40), 0.15}, 0.005)),
            Map.entry("pure_tokens", new Case(new double[] {Math.log(30), 0.1}, 0.005)),
            Map.entry("pure_compute", new Case(new double[] {Math.log(3), 0.05}, 0.005)),
            Map.entry("curve_power", new Case(new double[] {2.0, 0.8, 0.5}, 0.003)),
            Map.entry("curve_exponential", new Case(new double[] {2.5, 2.0, 5.0}, 0.003)),
            Map.entry("curve_hyperbolic", new Case(new double[] {2.2, 3.0, 20.0}, 0.003)),
            Map.entry("curve_log", new Case(new double[] {2.5, -0.3}, 0.003)),
            Map.entry("curve_cosine", new Case(new double[] {2.6, 0.3}, 0.003)),
            Map.entry("loss_line", new Case(new double[] {1.5, 1.0, 1.8, 2.2}, 0.002)),
            Map.entry("downstream_exponential", new Case(new double[] {0.9, 3.85, 0.845}, 0.01)),
            Map.entry("downstream_sigmoid", new Case(new double[] {0.25, 0.75, 3.0, 2.9}, 0.01)),
            // the schedule laws over the generated archive's schedules (ScheduleArchive's small model for the Multi-Power Law)
            Map.entry("multi_power", new Case(new double[] {3.15, Math.log(0.52), 0.51, Math.log(400), Math.log(2.0), 0.58, 0.64}, 0.001)),
            Map.entry("lr_annealing", new Case(new double[] {3.1, Math.log(0.5), 0.5, Math.log(0.4)}, 0.001)),
            Map.entry("step_power", new Case(new double[] {3.1, Math.log(100), 0.6}, 0.001)));

    /** The learning-rate schedules the schedule laws' cases read: the generated archive's, by run name. */
    static final Map<String, dev.lawfit.schedule.LrSchedule> SCHEDULES = new java.util.LinkedHashMap<>();

    static {
        dev.lawfit.generate.ScheduleArchive.SCHEDULES.forEach((name, shape) -> SCHEDULES.put(name, shape.toSchedule()));
        // two more peaks: with one peak learning rate C and gamma trade off along lr^-gamma, and no data tell them apart
        SCHEDULES.put("cosine_low_20000", new dev.lawfit.schedule.ScheduleShape("cosine", 1e-4, 1000, 20000, 1e-5, -1, null, null).toSchedule());
        SCHEDULES.put("wsd_high_20000", new dev.lawfit.schedule.ScheduleShape("wsd", 8e-4, 1000, 20000, 8e-5, 16000, "linear", null).toSchedule());
    }

    /** A catalog law as the catalog-wide tests use it: the schedule laws over {@link #SCHEDULES}. */
    static Law law(String name) {
        return LawCatalog.byName(name, LawCatalog.Options.DEFAULT.withSchedules(SCHEDULES, java.util.Set.of(),
                dev.lawfit.schedule.AnnealingLaw.DEFAULT_DECAY));
    }

    private CatalogCases() {
    }

    static Case of(Law law) {
        Case c = CASES.get(law.name());
        if (c == null) throw new AssertionError("catalog law " + law.name() + " has no test case in CatalogCases: every law is tested");
        return c;
    }

    /** Noise-free covariates in the family's shape (the target is filled by {@link #generate}). */
    static Points design(Law law) {
        switch (law.family()) {
            case CURVE -> {
                return dev.lawfit.generate.FamilySamples.run("run", 40, x -> 1);
            }
            case COMPUTE -> {
                Points grid = GeneratedPoints.fromLaw(law, of(law).truth(), SIZES, TOKENS, 0, 1);
                if (!law.covariates().contains("unique_tokens")) return grid;
                // the data-constrained law reads unique tokens: runs repeat 1 to 16 epochs of them
                return GeneratedPoints.repeated(law, of(law).truth(), SIZES, UNIQUE, EPOCHS, 0, 1);
            }
            case SCHEDULE -> {
                // the 20,000-step runs (the archive's constant, cosine, two-stage, WSD and linear, and two other peaks) at every 500 steps from the end of warm-up: progress x is the step over the run's last
                java.util.List<double[]> rows = new java.util.ArrayList<>();
                java.util.List<String> ids = new java.util.ArrayList<>();
                SCHEDULES.forEach((run, schedule) -> {
                    if (!run.endsWith("_20000")) return;
                    for (double step = 1000; step <= schedule.lastStep(); step += 500) {
                        rows.add(new double[] {step, step / schedule.lastStep()});
                        ids.add(run);
                    }
                });
                // a 100M model trained on 1M tokens a step
                int n = rows.size();
                double[] params = new double[n], tokens = new double[n], flops = new double[n], steps = new double[n], x = new double[n];
                for (int i = 0; i < n; i++) {
                    steps[i] = rows.get(i)[0];
                    x[i] = rows.get(i)[1];
                    params[i] = 1e8;
                    tokens[i] = steps[i] * 1e6;
                    flops[i] = 6 * params[i] * tokens[i];
                }
                return Points.of(params, tokens, flops, new double[n], x, ids.toArray(String[]::new), steps);
            }
            default -> {
                // the reference (x) loss follows a Chinchilla law over the (N, D) grid
                Points grid = GeneratedPoints.fromLaw(new dev.lawfit.law.ChinchillaLaw(), REFERENCE, SIZES, TOKENS, 0, 1);
                return grid.withX(grid.loss().clone());
            }
        }
    }

    /** Data from the case's truth with noise (seeded); the x covariate of a line gets the same relative noise. */
    static Points generate(Law law, long seed) {
        Case c = of(law);
        Points design = design(law);
        Random random = new Random(seed);
        int n = design.size();
        double[] target = new double[n];
        double[] x = design.x().clone();
        for (int i = 0; i < n; i++) {
            double value = law.predict(c.truth(), design, i);
            target[i] = law.target().equals("error") ? value + c.noise() * random.nextGaussian() : value * Math.exp(c.noise() * random.nextGaussian());
        }
        if (law.family() == dev.lawfit.law.Family.LOSS_TO_LOSS) {
            for (int i = 0; i < n; i++) x[i] *= Math.exp(c.noise() * random.nextGaussian());
        }
        return Points.of(design.params(), design.tokens(), design.flops(), target, x, design.runIds(), design.steps());
    }

    static double[] perturbed(double[] truth, Random random, double scale) {
        double[] out = Arrays.copyOf(truth, truth.length);
        for (int k = 0; k < out.length; k++) out[k] = truth[k] + scale * Math.max(0.05, Math.abs(truth[k])) * (2 * random.nextDouble() - 1);
        return out;
    }
}
