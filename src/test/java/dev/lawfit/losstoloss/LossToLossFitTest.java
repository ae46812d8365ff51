package dev.lawfit.losstoloss;

import dev.lawfit.generate.CheckpointEvaluation;
import dev.lawfit.generate.LossToLossArchive;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossToLossFitTest {

    /** Pairs (x loss, y loss, params, tokens, dataset, model) of a generated archive. */
    record Pairs(double[] lx, double[] ly, double[] params, double[] tokens, String[] dataset, String[] model) {
    }

    static Pairs pairs(String lineFactor, java.util.function.Predicate<CheckpointEvaluation> keep) {
        List<CheckpointEvaluation> rows = LossToLossArchive.families(17, lineFactor);
        List<CheckpointEvaluation> x = new ArrayList<>(), y = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += 2) {
            if (!keep.test(rows.get(i))) continue;
            x.add(rows.get(i));
            y.add(rows.get(i + 1));
        }
        return new Pairs(x.stream().mapToDouble(CheckpointEvaluation::loss).toArray(), y.stream().mapToDouble(CheckpointEvaluation::loss).toArray(),
                x.stream().mapToDouble(CheckpointEvaluation::params).toArray(), x.stream().mapToDouble(CheckpointEvaluation::tokens).toArray(),
                x.stream().map(CheckpointEvaluation::dataset).toArray(String[]::new), x.stream().map(CheckpointEvaluation::model).toArray(String[]::new));
    }

    @Test
    void closedFormRecoversKAndKappaGivenTheIrreducibleLosses() {
        Random random = new Random(3);
        double[] lx = new double[40], ly = new double[40];
        LossToLossArchive.Line truth = LossToLossArchive.LINES[0];
        for (int i = 0; i < lx.length; i++) {
            lx[i] = 2.2 + 2 * random.nextDouble();
            ly[i] = truth.y(lx[i]);
        }
        ShiftedPowerLine line = LossToLossFit.withIrreducible(lx, ly, truth.ex(), truth.ey(), LossToLossFit.GIVEN);
        assertEquals(truth.k(), line.k(), 1e-9);
        assertEquals(truth.kappa(), line.kappa(), 1e-9);
        ShiftedPowerLine joint = LossToLossFit.joint(lx, ly);
        System.out.printf("joint on exact pairs: K %.4f kappa %.4f E_x %.4f E_y %.4f%n", joint.k(), joint.kappa(), joint.ex(), joint.ey());
        // E_x, E_y and kappa trade off along a shallow valley: the line is pinned down, each parameter less so
        assertEquals(truth.kappa(), joint.kappa(), 0.1);
        assertEquals(truth.ex(), joint.ex(), 0.2);
        assertEquals(truth.ey(), joint.ey(), 0.2);
        assertTrue(joint.rmse() < 1e-3, "rmse " + joint.rmse());
    }

    @Test
    void recoversTheLineOfAGeneratedFamilyFromNoisyPairs() {
        Pairs p = pairs("dataset", r -> r.dataset().equals("fineweb") && r.model().equals("llama"));
        LossToLossArchive.Line truth = LossToLossArchive.LINES[0];
        ShiftedPowerLine joint = LossToLossFit.joint(p.lx(), p.ly());
        IrreducibleLoss.Estimate ex = IrreducibleLoss.fromComputeFit(p.params(), p.tokens(), p.lx());
        assertTrue(ex.ok(), ex.message());
        System.out.printf("fineweb: joint K %.3f kappa %.3f E_x %.3f E_y %.3f; compute-fit E_x %.3f%n", joint.k(), joint.kappa(),
                joint.ex(), joint.ey(), ex.e());
        assertEquals(LossToLossArchive.E_X, ex.e(), 0.1, "E_x from the x loss's own compute fit");
        ShiftedPowerLine given = LossToLossFit.withIrreducible(p.lx(), p.ly(), ex.e(), truth.ey(), LossToLossFit.GIVEN);
        assertEquals(truth.kappa(), given.kappa(), 0.1);
        assertEquals(truth.k(), given.k(), 0.15);
        // predictions on the line are what matter: within 0.5% over the pairs
        for (int i = 0; i < p.lx().length; i++) assertEquals(truth.y(p.lx()[i]), joint.predict(p.lx()[i]), 0.005 * p.ly()[i]);
    }

    @Test
    void verdictsSayWhichFactorMovesTheLine() {
        for (String lineFactor : List.of("dataset", "model")) {
            Pairs p = pairs(lineFactor, r -> true);
            LineFactorTest.Result dataset = LineFactorTest.test("dataset", p.lx(), p.ly(), p.dataset());
            LineFactorTest.Result model = LineFactorTest.test("model", p.lx(), p.ly(), p.model());
            System.out.printf("line by %s: dataset %s (improvement %.3f, p %.2g), model %s (improvement %.3f, p %.2g)%n", lineFactor,
                    dataset.verdict(), dataset.improvement(), dataset.pValue(), model.verdict(), model.improvement(), model.pValue());
            assertEquals(lineFactor.equals("dataset") ? "moves_line" : "no_effect", dataset.verdict());
            assertEquals(lineFactor.equals("model") ? "moves_line" : "no_effect", model.verdict());
        }
        double[] one = {3, 3.1, 3.2, 3.3, 3.4};
        assertEquals("single_level", LineFactorTest.test("tokenizer", one, one, new String[] {"a", "a", "a", "a", "a"}).verdict());
    }

    static final double[] SIZES = {50e6, 100e6, 200e6, 400e6};
    static final String[] DATA = {"fineweb", "slimpajama"};

    /**
     * Families whose line is shifted by size and by pretraining data: L_y = 1.3 (L_x - 1.8)^0.85 + 2.0 + the size's shift
     * (0 to {@code sizeShift} over 4 sizes) + the data's (0 or {@code dataShift}), noise 0.003 nats on L_y; 200
     * checkpoints per run, L_x from a Chinchilla law.
     */
    static Pairs shifted(double sizeShift, double dataShift, long seed) {
        return shifted(sizeShift, dataShift, seed, 0.003);
    }

    static Pairs shifted(double sizeShift, double dataShift, long seed, double noise) {
        Random random = new Random(seed);
        List<Double> x = new ArrayList<>(), y = new ArrayList<>(), n = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (int d = 0; d < DATA.length; d++) {
            for (int s = 0; s < SIZES.length; s++) {
                for (int c = 1; c <= 200; c++) {
                    double tokens = SIZES[s] * 0.2 * c;
                    double lx = 1.8 + 400 / Math.pow(SIZES[s], 0.34) + 400 / Math.pow(tokens, 0.28);
                    double ly = 1.3 * Math.pow(lx - 1.8, 0.85) + 2.0 + sizeShift * s / (SIZES.length - 1) + dataShift * d + noise * random.nextGaussian();
                    x.add(lx);
                    y.add(ly);
                    n.add(SIZES[s]);
                    data.add(DATA[d]);
                }
            }
        }
        return new Pairs(x.stream().mapToDouble(Double::doubleValue).toArray(), y.stream().mapToDouble(Double::doubleValue).toArray(),
                n.stream().mapToDouble(Double::doubleValue).toArray(), new double[x.size()], data.toArray(String[]::new), new String[x.size()]);
    }

    /** The rows of one pretraining set (the test of size within it). */
    static int[] within(Pairs p, String dataset) {
        return java.util.stream.IntStream.range(0, p.lx().length).filter(i -> p.dataset()[i].equals(dataset)).toArray();
    }

    static double[] at(double[] values, int[] idx) {
        return java.util.Arrays.stream(idx).mapToDouble(i -> values[i]).toArray();
    }

    static String[] sizes(Pairs p, int[] idx) {
        return java.util.Arrays.stream(idx).mapToObj(i -> String.valueOf((long) p.params()[i])).toArray(String[]::new);
    }

    /**
     * Size shifts the line by 0.005 nats and the data by 0.5: within each pretraining set size is significant but below
     * the 0.02-nat tolerance, the data (within each size) moves the line; the effects are within 20% of the truth. And
     * the reverse.
     */
    @Test
    void effectsInNatsSeparateALimitedImpactFromAMovedLine() {
        for (boolean reverse : new boolean[] {false, true}) {
            double sizeShift = reverse ? 0.5 : 0.005, dataShift = reverse ? 0.005 : 0.5;
            Pairs p = shifted(sizeShift, dataShift, reverse ? 5 : 3);
            for (String dataset : DATA) {
                int[] idx = within(p, dataset);
                LineFactorTest.Result size = LineFactorTest.test("params", at(p.lx(), idx), at(p.ly(), idx), sizes(p, idx));
                System.out.printf("size within %s (shift %.3f): %s, effect %.4f [%.4f, %.4f], p %.2g, offsets %s%n", dataset, sizeShift,
                        size.verdict(), size.effect(), size.effectLow(), size.effectHigh(), size.pValue(), size.offsets());
                assertEquals(reverse ? "moves_line" : "below_tolerance", size.verdict(), size.message());
                assertEquals(sizeShift, size.effect(), 0.2 * sizeShift, "the size effect in nats");
                double smallest = size.offsets().get(String.valueOf((long) SIZES[0])), largest = size.offsets().get(String.valueOf((long) SIZES[3]));
                assertEquals(sizeShift, largest - smallest, 0.2 * sizeShift, "the largest size's offset from the smallest's");
                assertTrue(size.effectLow() <= size.effect() && size.effect() <= size.effectHigh(), "the interval holds the estimate");
                if (!reverse) assertTrue(size.message().contains("below the tolerance of 0.02 nats"), size.message());
            }
            for (double n : SIZES) {
                int[] idx = java.util.stream.IntStream.range(0, p.lx().length).filter(i -> p.params()[i] == n).toArray();
                LineFactorTest.Result data = LineFactorTest.test("dataset", at(p.lx(), idx), at(p.ly(), idx),
                        java.util.Arrays.stream(idx).mapToObj(i -> p.dataset()[i]).toArray(String[]::new));
                assertEquals(reverse ? "below_tolerance" : "moves_line", data.verdict(), data.message());
                assertEquals(dataShift, data.effect(), 0.2 * dataShift, "the data effect in nats");
                assertEquals(dataShift, data.offsets().get("slimpajama") - data.offsets().get("fineweb"), 0.2 * dataShift);
            }
        }
    }

    /** A level with too few points is dropped with its name and count; the factor is tested on the rest. */
    @Test
    void thinLevelsAreDroppedByName() {
        Pairs p = shifted(0, 0.5, 9);
        int[] idx = java.util.stream.IntStream.range(0, p.lx().length).filter(i -> p.params()[i] == SIZES[0] && (p.dataset()[i].equals("fineweb")
                || i % 200 < 3)).toArray();
        String[] levels = java.util.Arrays.stream(idx).mapToObj(i -> p.dataset()[i].equals("fineweb") ? "fineweb" : "thin").toArray(String[]::new);
        LineFactorTest.Result r = LineFactorTest.test("dataset", at(p.lx(), idx), at(p.ly(), idx), levels);
        assertEquals(java.util.Map.of("thin", 3), r.dropped());
        assertTrue(r.message().contains("thin (3)"), r.message());
        assertEquals("too_few_points", r.verdict(), "one level left");
        String[] three = java.util.Arrays.stream(java.util.stream.IntStream.range(0, p.lx().length).toArray())
                .mapToObj(i -> i < 5 ? "thin" : p.dataset()[i]).toArray(String[]::new);
        LineFactorTest.Result rest = LineFactorTest.test("dataset", p.lx(), p.ly(), three);
        assertEquals(2, rest.levels(), "tested on the two levels left");
        assertEquals("moves_line", rest.verdict());
    }

    /** One loss spike: the plain line is pulled by it, the robust (Huber) line is not. */
    @Test
    void aRobustLineIgnoresALossSpike() {
        Random random = new Random(4);
        int n = 60;
        double[] lx = new double[n], ly = new double[n];
        for (int i = 0; i < n; i++) {
            lx[i] = 2.4 + 2.0 * i / n;
            ly[i] = 1.3 * Math.pow(lx[i] - 1.8, 0.85) + 2.0 + 0.003 * random.nextGaussian();
        }
        ly[n / 2] += 0.6; // a spike at one checkpoint
        ShiftedPowerLine plain = LossToLossFit.withIrreducible(lx, ly, 1.8, 2.0, "test", false);
        ShiftedPowerLine robust = LossToLossFit.withIrreducible(lx, ly, 1.8, 2.0, "test", true);
        double plainError = 0, robustError = 0;
        for (double x = 2.4; x <= 4.4; x += 0.1) {
            double truth = 1.3 * Math.pow(x - 1.8, 0.85) + 2.0;
            plainError = Math.max(plainError, Math.abs(plain.predict(x) - truth));
            robustError = Math.max(robustError, Math.abs(robust.predict(x) - truth));
        }
        assertTrue(robustError < 0.005, "robust line within 0.005 nats of the truth: " + robustError);
        assertTrue(plainError > 3 * robustError, "the plain line is pulled by the spike: " + plainError + " vs " + robustError);
        assertEquals(0.85, robust.kappa(), 0.01);
        ShiftedPowerLine joint = LossToLossFit.joint(lx, ly, true);
        for (double x = 2.4; x <= 4.4; x += 0.1) {
            assertEquals(1.3 * Math.pow(x - 1.8, 0.85) + 2.0, joint.predict(x), 0.01, "robust joint line at " + x);
        }
    }

    /** Two levels of pairs: x spread over each level's range, y from {@code line} plus the level's offset and noise. */
    private static double[][] levels(double[][] ranges, java.util.function.DoubleUnaryOperator[] lines, int perLevel, long seed) {
        Random random = new Random(seed);
        int n = ranges.length * perLevel;
        double[] x = new double[n], y = new double[n], level = new double[n];
        for (int l = 0; l < ranges.length; l++) {
            for (int k = 0; k < perLevel; k++) {
                int i = l * perLevel + k;
                x[i] = ranges[l][0] + (ranges[l][1] - ranges[l][0]) * k / (perLevel - 1);
                y[i] = lines[l].applyAsDouble(x[i]) + 0.002 * random.nextGaussian();
                level[i] = l;
            }
        }
        return new double[][] {x, y, level};
    }

    private static String[] names(double[] level) {
        String[] out = new String[level.length];
        for (int i = 0; i < out.length; i++) out[i] = "level" + (int) level[i];
        return out;
    }

    /** Levels whose y barely depends on x: the common shape collapses to its grid's edge, and the test says so. */
    @Test
    void aCollapsedCommonShapeIsFlagged() {
        // y linear in log x (the shape found on public data: kappa 0.05, E_x 0, K 50) and y flat (E_x pinned at the smallest L_x)
        for (java.util.function.DoubleUnaryOperator shape : new java.util.function.DoubleUnaryOperator[] {x -> 2.0 + 0.3 * Math.log(x), x -> 2.0}) {
            double[][] d = levels(new double[][] {{3, 4}, {3, 4}}, new java.util.function.DoubleUnaryOperator[] {shape, x -> shape.applyAsDouble(x) + 0.5}, 20, 3);
            LineFactorTest.Result r = LineFactorTest.test("dataset", d[0], d[1], names(d[2]));
            assertTrue(r.flags().contains(LineFactorTest.COLLAPSED_SHAPE), r.flags() + ": " + r.message());
            assertTrue(r.message().contains("collapsed"), r.message());
        }
        // a proper line with an offset: no flag
        double[][] d = levels(new double[][] {{2.0, 3.6}, {2.0, 3.6}}, new java.util.function.DoubleUnaryOperator[] {
                x -> 1.0 + 0.6 * Math.pow(x - 1.0, 0.9), x -> 1.1 + 0.6 * Math.pow(x - 1.0, 0.9)}, 20, 5);
        assertTrue(LineFactorTest.test("dataset", d[0], d[1], names(d[2])).flags().isEmpty());
    }

    /** Levels on disjoint x ranges with lines of different shapes: the offsets absorb the common shape's lack of fit. */
    @Test
    void levelsOnDisjointRangesThatOneShapeCannotFitAreFlagged() {
        double[][] d = levels(new double[][] {{3.0, 3.6}, {2.0, 2.6}}, new java.util.function.DoubleUnaryOperator[] {
                x -> 1.0 + 0.8 * Math.pow(x - 1.5, 1.6), x -> 1.2 + 0.5 * Math.pow(x - 1.0, 0.5)}, 20, 5);
        LineFactorTest.Result r = LineFactorTest.test("dataset", d[0], d[1], names(d[2]));
        assertTrue(r.flags().contains(LineFactorTest.DISJOINT_RANGES), r.flags() + ": " + r.message());
        // the same two levels over one x range: no such flag
        double[][] same = levels(new double[][] {{2.0, 3.6}, {2.0, 3.6}}, new java.util.function.DoubleUnaryOperator[] {
                x -> 1.0 + 0.6 * Math.pow(x - 1.0, 0.9), x -> 1.1 + 0.6 * Math.pow(x - 1.0, 0.9)}, 20, 5);
        assertTrue(!LineFactorTest.test("dataset", same[0], same[1], names(same[2])).flags().contains(LineFactorTest.DISJOINT_RANGES));
    }

    /** loss_to_loss.robust reaches the factor tests: their lines are the Huber-weighted ones. */
    @Test
    void robustLinesReachTheFactorTests() {
        double[][] d = levels(new double[][] {{2.0, 3.6}, {2.0, 3.6}}, new java.util.function.DoubleUnaryOperator[] {
                x -> 1.0 + 0.6 * Math.pow(x - 1.0, 0.9), x -> 1.1 + 0.6 * Math.pow(x - 1.0, 0.9)}, 20, 7);
        d[1][7] += 0.4; // a loss spike
        LineFactorTest.Settings robust = new LineFactorTest.Settings(0.02, 8, 0, 0.95, 1, true, 0);
        LineFactorTest.Result r = LineFactorTest.test("dataset", d[0], d[1], names(d[2]), robust);
        ShiftedPowerLine expected = LossToLossFit.joint(d[0], d[1], true);
        assertEquals(expected.k(), r.pooled().k(), 1e-12);
        assertTrue(Math.abs(LossToLossFit.joint(d[0], d[1], false).k() - expected.k()) > 1e-6, "the spike moves the plain line");
    }

    /** A size factor with one or two runs per size is tested over bins of size, where every size alone would be dropped. */
    @Test
    void aSizeFactorWithFewRunsPerSizeIsTestedInBins() {
        double[] sizes = {1e8, 1.4e8, 2e8, 2.8e8, 4e8, 8e8, 1.6e9, 2.2e9, 3.2e9, 6.4e9, 9e9, 1.28e10};
        int n = sizes.length * 4;
        double[] x = new double[n], y = new double[n], params = new double[n];
        Random noise = new Random(11);
        for (int i = 0; i < n; i++) {
            params[i] = sizes[i / 4];
            x[i] = 3.6 - 0.1 * Math.log(params[i] / 1e8) - 0.05 * (i % 4);
            y[i] = 1.0 + 0.6 * Math.pow(x[i] - 1.0, 0.9) + 0.002 * noise.nextGaussian();
        }
        String[] plain = new String[n];
        for (int i = 0; i < n; i++) plain[i] = String.valueOf(params[i]);
        assertEquals("too_few_points", LineFactorTest.test("params", x, y, plain).verdict(), "every size alone has under 8 pairs");
        LineFactorTest.Settings binned = new LineFactorTest.Settings(0.02, 8, 0, 0.95, 1, false, 3);
        LineFactorTest.Result r = LineFactorTest.test("params", x, y, binned.sizeLevels(params), binned);
        assertEquals(3, r.levels(), r.message());
        assertEquals("no_effect", r.verdict(), r.message());
    }

    /** A predict_x value at or below the line's E_x gives no forecast, and the fit says why. */
    @Test
    void aForecastBelowTheLinesIrreducibleLossIsFlagged() {
        java.util.List<Double> predictX = java.util.List.of(0.5, 3.0);
        dev.lawfit.law.Law law = new LossLineLaw(LossToLossFit.JOINT, false, predictX);
        double[][] d = levels(new double[][] {{2.0, 3.6}}, new java.util.function.DoubleUnaryOperator[] {x -> 1.0 + 0.6 * Math.pow(x - 1.0, 0.9)}, 30, 9);
        double[] ones = new double[30];
        java.util.Arrays.fill(ones, 1);
        String[] runs = new String[30];
        java.util.Arrays.fill(runs, "run");
        dev.lawfit.law.Points points = dev.lawfit.law.Points.of(ones, ones, ones, d[1], d[0], runs, new double[30]);
        dev.lawfit.fit.LawFit fit = dev.lawfit.fit.Fitter.fit(law, points, dev.lawfit.fit.FitSettings.DEFAULT.withBacktestHoldOutSizes(0), false);
        assertEquals(dev.lawfit.fit.FitStatus.OK_WITH_WARNINGS, fit.status(), fit.message());
        assertTrue(fit.message().contains("undefined_forecast: the law is undefined at L_x=0.5: at or below the line's E_x"), fit.message());
    }
}
