package dev.lawfit.schedule;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.generate.ScheduleArchive;
import dev.lawfit.law.Points;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedule-aware laws in the core, without Spark: schedules, the block sums, gradients, recovery, the study. */
class ScheduleLawTest {

    static Map<String, LrSchedule> book() {
        Map<String, LrSchedule> book = new LinkedHashMap<>();
        ScheduleArchive.SCHEDULES.forEach((name, shape) -> book.put(name, shape.toSchedule()));
        return book;
    }

    static Points at(String run, double... steps) {
        int n = steps.length;
        double[] ones = new double[n];
        java.util.Arrays.fill(ones, 1);
        String[] ids = new String[n];
        java.util.Arrays.fill(ids, run);
        return Points.of(ones, ones, ones, ones, ones, ids, steps);
    }

    static double[] truth(String size) {
        double[] t = ScheduleArchive.TRUTH.get(size);
        return new double[] {t[0], Math.log(t[1]), t[2], Math.log(t[3]), Math.log(t[4]), t[5], t[6]};
    }

    @Test
    void schedulesInterpolateAndDescribeShapes() {
        LrSchedule linear = LrSchedule.interpolate(new double[] {100, 200, 300}, new double[] {1e-3, 1e-3, 5e-4}, -1);
        assertEquals(100, linear.warmupSteps(), "the warm-up ends where the rate first peaks");
        assertEquals(5e-4, linear.lr(50), 1e-15, "a linear warm-up from 0 before the first logged point");
        assertEquals(7.5e-4, linear.lr(250), 1e-15);
        LrSchedule step = LrSchedule.interpolate(new double[] {100, 200, 300}, new double[] {1e-3, 1e-3, 5e-4}, 100, LrSchedule.Interpolation.STEP);
        assertEquals(1e-3, step.lr(299), 1e-15, "a step change happens at the later point");
        assertEquals(5e-4, step.lr(300), 1e-15);
        assertEquals(1e-3 * 100, step.s1(200), 1e-12, "S1 sums the rate after warm-up");

        LrSchedule cosine = ScheduleArchive.SCHEDULES.get("cosine_20000").toSchedule();
        assertEquals(3e-4, cosine.lr(1000), 1e-15);
        assertEquals(3e-5, cosine.lr(20000), 1e-12, "a cosine ends at its final rate");
        LrSchedule wsd = ScheduleArchive.SCHEDULES.get("wsd_20000").toSchedule();
        assertEquals(3e-4, wsd.lr(16000), 1e-15);
        assertEquals((3e-4 + 3e-5) / 2, wsd.lr(18000), 1e-12, "a linear decay from decay_start");
        LrSchedule twoStage = ScheduleArchive.SCHEDULES.get("twostage_20000").toSchedule();
        assertEquals(3e-4, twoStage.lr(7999), 1e-15);
        assertEquals(9e-5, twoStage.lr(8000), 1e-15);
        assertTrue(ScheduleArchive.SCHEDULES.get("constant_20000").toSchedule().neverDecays());
    }

    @Test
    void aScheduleTravelsAsItsRecipe() throws Exception {
        LrSchedule cosine = ScheduleArchive.SCHEDULES.get("cosine_20000").toSchedule();
        LrSchedule logged = LrSchedule.interpolate(new double[] {100, 5000}, new double[] {1e-3, 1e-4}, 100);
        for (LrSchedule s : List.of(cosine, logged)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(s);
            }
            assertTrue(bytes.size() < 4000, "serialized as its recipe, not its per-step arrays: " + bytes.size() + " bytes");
            LrSchedule back = (LrSchedule) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
            assertEquals(s.lastStep(), back.lastStep());
            assertEquals(s.s1(s.lastStep()), back.s1(back.lastStep()), 0);
            assertEquals(s.warmupArea(), back.warmupArea(), 0);
        }
    }

    @Test
    void blockSumsMatchTheStepByStepSum() {
        Map<String, LrSchedule> book = book();
        MultiPowerLaw blocks = new MultiPowerLaw(book), exact = new MultiPowerLaw(book, java.util.Set.of(), 1);
        double worst = 0;
        for (String run : book.keySet()) {
            Points p = at(run, 1500, 5000, 8000, 8001, 8250, 12000, 16500, 19999, 20000);
            for (int i = 0; i < p.size(); i++) {
                double a = exact.predict(truth("s"), p, i), b = blocks.predict(truth("s"), p, i);
                worst = Math.max(worst, Math.abs(a - b) / a);
            }
        }
        assertTrue(worst < 2e-5, "block sums within 2e-5 of the exact sum: " + worst);
        // and the law is the formula written out, summed from step 1 (the warm-up's rises too, as the authors' code does)
        double[] th = truth("s");
        double l0 = th[0], a = Math.exp(th[1]), alpha = th[2], b = Math.exp(th[3]), c = Math.exp(th[4]), beta = th[5], gamma = th[6];
        for (String run : book.keySet()) {
            LrSchedule s = book.get(run);
            for (int t : new int[] {1500, 8250, 19999}) {
                double area = 0;
                for (int k = 1; k <= t; k++) area += s.lr(k);
                double drop = 0, tail = 0;
                for (int k = t; k >= 1; k--) {
                    tail += s.lr(k); // S_k(t)
                    double g = 1 - Math.pow(c * Math.pow(s.lr(k), -gamma) * tail + 1, -beta);
                    drop += (s.lr(k - 1) - s.lr(k)) * g;
                }
                double written = l0 + a * Math.pow(area, -alpha) - b * drop;
                double law = exact.predict(th, at(run, t), 0);
                assertEquals(written, law, 1e-9 * written, run + " at step " + t);
            }
        }
    }

    /**
     * lr_annealing is Tissue et al.'s formula written out: S1(s) the sum of the rates from step 1 to s, warm-up included,
     * S2 the momentum-decayed drops after warm-up; and the documentation says so (it once said "after warm-up").
     */
    @Test
    void theAnnealingLawIsItsFormulaWithS1FromStepOne() throws Exception {
        Map<String, LrSchedule> book = book();
        AnnealingLaw law = new AnnealingLaw(book, 0.999);
        double[] theta = {2.1, Math.log(0.8), 0.45, Math.log(2.0)};
        for (String run : book.keySet()) {
            LrSchedule s = book.get(run);
            for (int t : new int[] {500, 8250, 19999}) {
                double s1 = 0, m = 0, s2 = 0;
                for (int k = 1; k <= t; k++) {
                    s1 += s.lr(k);
                    m = 0.999 * m + (k > s.warmupSteps() ? s.lr(k - 1) - s.lr(k) : 0);
                    s2 += m;
                }
                double written = 2.1 + 0.8 * Math.pow(s1, -0.45) - 2.0 * s2;
                assertEquals(written, law.predict(theta, at(run, t), 0), 1e-9 * Math.abs(written), run + " at step " + t);
            }
        }
        java.nio.file.Path docs = java.nio.file.Path.of("docs/schedules.md");
        String text = java.nio.file.Files.exists(docs) ? java.nio.file.Files.readString(docs) : java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        assertTrue(text.contains("In\n`lr_annealing`, S1(s) is the learning-rate area from step 1 to s, warm-up included")
                || text.replace('\n', ' ').contains("`lr_annealing`, S1(s) is the learning-rate area from step 1 to s, warm-up included"),
                "the documentation states lr_annealing's S1 as the code computes it");
    }

    static List<ScheduleStudy.RunData> generated(String size) {
        Map<String, List<double[]>> byRun = new LinkedHashMap<>();
        for (ScheduleArchive.Row r : ScheduleArchive.runs(5, false)) {
            if (r.model().equals(size)) byRun.computeIfAbsent(r.runId().substring(size.length() + 1), k -> new ArrayList<>()).add(new double[] {r.step(), r.loss()});
        }
        List<ScheduleStudy.RunData> runs = new ArrayList<>();
        byRun.forEach((run, rows) -> runs.add(new ScheduleStudy.RunData(run, rows.stream().mapToDouble(x -> x[0]).toArray(),
                rows.stream().mapToDouble(x -> x[1]).toArray())));
        return runs;
    }

    @Test
    void recoversAKnownLawAndPredictsUnseenSchedulesTheRestOfRunsAndTheRanking() {
        ScheduleSettings settings = new ScheduleSettings(List.of("cosine_20000", "constant_20000", "twostage_20000"), List.of(0.3), null, 1000,
                null, 0.999, null, Map.of("wsd_10pct", new ScheduleShape("wsd", 3e-4, 1000, 20000, 3e-5, 18000, "linear", null)));
        Map<String, LrSchedule> book = book();
        book.put("wsd_10pct", settings.candidates().get("wsd_10pct").toSchedule());
        List<ScheduleLaw> laws = dev.lawfit.catalog.LawCatalog.scheduleLaws(settings, book);
        ScheduleStudy.Result result = ScheduleStudy.run(generated("s"), laws, null, settings, FitSettings.DEFAULT);

        Map<String, double[]> unseen = ScheduleStudy.summary(result.quality(), ScheduleStudy.UNSEEN, 1.0, ScheduleStudy.UNSEEN);
        Map<String, double[]> early = ScheduleStudy.summary(result.quality(), ScheduleStudy.EARLY, 0.3, ScheduleStudy.EARLY);
        // 0.1% noise: the mean absolute error of a perfect law is 0.08%
        assertTrue(unseen.get(MultiPowerLaw.NAME)[0] < 0.0012, "unseen schedules: " + unseen.get(MultiPowerLaw.NAME)[0]);
        assertTrue(unseen.get(MultiPowerLaw.NAME)[0] * 3 < unseen.get(StepPowerLaw.NAME)[0], "the schedule-blind baseline is worse");
        assertTrue(early.get(MultiPowerLaw.NAME)[0] * 5 < early.get(ScheduleStudy.RUN_POWER)[0], "early: " + early.get(MultiPowerLaw.NAME)[0]
                + " vs the run's own power law " + early.get(ScheduleStudy.RUN_POWER)[0]);
        ScheduleStudy.Rank first = result.ranking().stream().filter(r -> r.law().equals(MultiPowerLaw.NAME)).findFirst().orElseThrow();
        assertTrue(first.rankCorrelation() >= 0.9, "rank correlation " + first.rankCorrelation());
        assertTrue(result.ranking().stream().anyMatch(r -> r.name().equals("wsd_10pct") && r.kind().equals("candidate")));
        // intervals measured on the other runs (each run left out of its own): nominal 90%
        ScheduleIntervals.Result intervals = ScheduleIntervals.of(result, 0.9);
        Map<String, int[]> coverage = ScheduleIntervals.coverage(result, intervals);
        coverage.forEach((k, c) -> System.out.printf("generated coverage %-24s %d/%d = %.1f%%%n", k, c[0], c[1], 100.0 * c[0] / c[1]));
        for (String scenario : List.of("unseen", "early")) {
            int[] c = coverage.get(MultiPowerLaw.NAME + " " + scenario);
            assertTrue(c[0] >= 0.8 * c[1] && c[0] <= 0.995 * c[1], scenario + " coverage " + c[0] + "/" + c[1]);
        }
        int candidate = 0;
        for (int i = 0; i < result.ranking().size(); i++) {
            if (!result.ranking().get(i).name().equals("wsd_10pct") || !result.ranking().get(i).law().equals(MultiPowerLaw.NAME)) continue;
            ScheduleIntervals.Interval in = intervals.ranking().get(i);
            assertEquals(ScheduleIntervals.UNSEEN_RUNS, in.method());
            assertTrue(in.low() < result.ranking().get(i).predictedFinal() && result.ranking().get(i).predictedFinal() < in.high(), in.toString());
            candidate++;
        }
        assertEquals(1, candidate);

        // the parameters the data determine (L0, A, alpha, B) are recovered; C and gamma trade off along lr^-gamma
        var fit = dev.lawfit.fit.Fitter.fit(laws.get(0), ScheduleStudy.points(generated("s").stream()
                .filter(r -> settings.fitRuns().contains(r.runId())).toList(), 1.0), FitSettings.DEFAULT);
        double[] t = ScheduleArchive.TRUTH.get("s");
        assertEquals(t[0], fit.parameters().get("L0"), 0.02 * t[0]);
        assertEquals(t[1], fit.parameters().get("A"), 0.05 * t[1]);
        assertEquals(t[2], fit.parameters().get("alpha"), 0.05 * t[2]);
        assertEquals(t[3], fit.parameters().get("B"), 0.15 * t[3]);
    }

    @Test
    void theLossDropTermNeedsADecayingRun() {
        Map<String, LrSchedule> book = book();
        MultiPowerLaw law = new MultiPowerLaw(book);
        assertNotNull(law.unidentifiable(at("constant_20000", 2000, 5000, 9000)));
        assertNull(law.unidentifiable(at("cosine_20000", 2000, 5000, 9000)));
    }

    @Test
    void twoRunsOfOneScheduleGiveTheFloorOfTheErrors() {
        double[] steps = {1000, 2000, 3000, 4000, 5000, 6000};
        LrSchedule constant = LrSchedule.interpolate(new double[] {1000, 6000}, new double[] {1e-3, 1e-3}, 1000);
        LrSchedule decay = LrSchedule.interpolate(new double[] {1000, 3000, 6000}, new double[] {1e-3, 1e-3, 1e-4}, 1000);
        Map<String, LrSchedule> book = Map.of("a", constant, "b", constant, "fork", constant, "d", decay);
        double[] a = {4.0, 3.5, 3.2, 3.0, 2.9, 2.8};
        double[] b = {4.04, 3.5, 3.2, 3.0, 2.9, 2.8};       // another seed: 1% apart at the first checkpoint
        double[] d = {4.0, 3.49, 3.19, 2.9, 2.8, 2.7};      // a's schedule up to step 3000, then a decay
        List<ScheduleStudy.RunData> runs = List.of(new ScheduleStudy.RunData("a", steps, a), new ScheduleStudy.RunData("b", steps, b),
                new ScheduleStudy.RunData("d", steps, d), new ScheduleStudy.RunData("fork", steps, a.clone()));
        ScheduleStudy.Quality floor = ScheduleStudy.repeat(runs, book);
        assertNotNull(floor);
        assertEquals(ScheduleStudy.SAME_SCHEDULE, floor.law());
        assertEquals(6, floor.points(), "a and b share all six checkpoints (a and its fork are one run; d shares three)");
        assertEquals(0.04 / 4.02, floor.worstAre(), 1e-12);
        assertEquals(0.04 / 4.02 / 6, floor.meanAre(), 1e-12);
        assertTrue(floor.message().startsWith("a and b follow one learning-rate schedule up to step 6000"), floor.message());
        assertTrue(floor.message().contains("closer than 0.498%"), floor.message());
        assertNull(ScheduleStudy.repeat(List.of(runs.get(0), runs.get(3)), book), "a fork of one run is no repeat");
        // in a group of more runs than FLOOR_RUNS, pairs are looked for among the first ones only
        Map<String, LrSchedule> many = new java.util.HashMap<>();
        List<ScheduleStudy.RunData> group = new ArrayList<>();
        for (int k = 0; k < ScheduleStudy.FLOOR_RUNS + 2; k++) {
            String id = String.format("run%04d", k);
            double peak = k < ScheduleStudy.FLOOR_RUNS ? 1e-3 * (1 + k) : 5;   // the last two share a rate; the others each their own
            many.put(id, LrSchedule.interpolate(new double[] {1000, 6000}, new double[] {peak, peak}, 1000));
            group.add(new ScheduleStudy.RunData(id, steps, k % 2 == 0 ? a : b));
        }
        assertNull(ScheduleStudy.repeat(group, many), "the only pair is beyond the first " + ScheduleStudy.FLOOR_RUNS + " runs");
        assertNotNull(ScheduleStudy.repeat(group.subList(ScheduleStudy.FLOOR_RUNS - 1, group.size()), many));
    }
}
