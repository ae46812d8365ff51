package dev.lawfit.frontier;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.GroupFitter;
import dev.lawfit.fit.LawFit;
import dev.lawfit.law.ChinchillaLaw;
import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.law.Points;
import dev.lawfit.testing.GeneratedPoints;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hoffmann's three approaches on checkpoints generated from a known Chinchilla law. */
class ComputeOptimalFrontierTest {

    private static final double E = 1.69, A = 406.4, B = 410.7, ALPHA = 0.34, BETA = 0.28;
    private static final double TRUE_A = BETA / (ALPHA + BETA);

    /** 10 runs from 50M to 10B parameters, 60 checkpoints each from 1B to 3T tokens, noise-free. */
    static Points study(int shortRun) {
        double[] sizes = GeneratedPoints.logSpaced(5e7, 1e10, 10);
        double[] tokens = GeneratedPoints.logSpaced(1e9, 3e12, 60);
        double[] theta = {Math.log(E), Math.log(A), Math.log(B), ALPHA, BETA};
        Points all = GeneratedPoints.fromLaw(new ChinchillaLaw(), theta, sizes, tokens, 0, 1);
        List<Integer> keep = new ArrayList<>();
        String[] runs = new String[all.size()];
        for (int i = 0; i < all.size(); i++) {
            int size = java.util.Arrays.binarySearch(sizes, all.params()[i]);
            runs[i] = "run-" + size;
            // the short run stops at 5e10 tokens: budgets beyond its last checkpoint must not use it
            if (size != shortRun || all.tokens()[i] <= 5e10) keep.add(i);
        }
        Points labelled = Points.of(all.params(), all.tokens(), all.flops(), all.loss(), runs, new double[all.size()]);
        return labelled.select(keep.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void theThreeApproachesAgreeOnTheAllocationExponent() {
        Points points = study(-1);
        LawFit chinchilla = new GroupFitter(List.of(new ChinchillaLaw()), FitSettings.DEFAULT.withBacktestHoldOutSizes(0))
                .fitOne(new ChinchillaLaw(), points);
        double[] alloc = new ChinchillaLaw().allocation(chinchilla.theta());
        Frontier fromLaw = new Frontier("chinchilla", alloc[0], alloc[1], alloc[2], alloc[3], Double.NaN, Double.NaN, 0, "");
        Frontier envelope = ComputeOptimalFrontier.envelope(points);
        Frontier isoFlop = ComputeOptimalFrontier.isoFlop(points, 12);
        System.out.printf("a: truth %.4f, chinchilla %.4f, envelope %.4f (%d points), isoflop %.4f (%d budgets)%n",
                TRUE_A, fromLaw.a(), envelope.a(), envelope.points(), isoFlop.a(), isoFlop.points());
        assertEquals(TRUE_A, fromLaw.a(), 1e-3, "approach 3 on noise-free data is the truth");
        assertEquals(TRUE_A, isoFlop.a(), 0.03, "approach 2");
        assertEquals(TRUE_A, envelope.a(), 0.06, "approach 1 (the envelope jumps between 10 discrete sizes)");
        assertEquals(1 - TRUE_A, isoFlop.b(), 0.03, "with C = 6ND, b = 1 - a");
        double c = 1e21;
        assertEquals(fromLaw.nOpt(c), isoFlop.nOpt(c), 0.25 * fromLaw.nOpt(c), "N_opt at 1e21 FLOPs");
        assertTrue(isoFlop.dOpt(c) * isoFlop.nOpt(c) * 6 / c > 0.9 && isoFlop.dOpt(c) * isoFlop.nOpt(c) * 6 / c < 1.1, "C = 6 N D along the frontier");
    }

    @Test
    void isoFlopBudgetsUseOnlyRunsThatReachThem() {
        Points points = study(9);
        double shortRunEnd = 6 * 1e10 * 5e10;
        List<ComputeOptimalFrontier.IsoFlopMinimum> minima = ComputeOptimalFrontier.isoFlopMinima(points, 12);
        assertFalse(minima.isEmpty());
        for (ComputeOptimalFrontier.IsoFlopMinimum m : minima) {
            int expected = 0;
            for (String run : java.util.Arrays.stream(points.runIds()).distinct().toList()) {
                double first = Double.MAX_VALUE, last = 0;
                for (int i = 0; i < points.size(); i++) {
                    if (points.runIds()[i].equals(run)) {
                        first = Math.min(first, points.flops()[i]);
                        last = Math.max(last, points.flops()[i]);
                    }
                }
                if (first <= m.flops() && m.flops() <= last) expected++;
            }
            assertEquals(expected, m.runs(), "runs bracketing " + m.flops());
        }
        assertTrue(minima.stream().anyMatch(m -> m.flops() > shortRunEnd), "budgets beyond the short run still get a minimum");
    }

    @Test
    void pureComputeLawRecoversThePublishedLlamaFit() {
        // LLaMA in the linear-complexity study: L(C) = 3.7087 C^-0.0798, C in PF-days
        double[] flops = GeneratedPoints.logSpaced(1e18, 1e23, 25);
        double[] loss = new double[flops.length];
        for (int i = 0; i < flops.length; i++) loss[i] = 3.7087 * Math.pow(flops[i] / 8.64e19, -0.0798);
        // the frontier's runs: a size per budget (20 tokens per parameter)
        double[] sizes = java.util.Arrays.stream(flops).map(c -> Math.sqrt(c / 120)).toArray();
        double[] tokens = java.util.Arrays.stream(sizes).map(n -> 20 * n).toArray();
        Points points = Points.of(sizes, tokens, flops, loss);
        LawFit fit = new GroupFitter(List.of(LawCatalog.byName("pure_compute")), FitSettings.DEFAULT)
                .fitOne(LawCatalog.byName("pure_compute"), points);
        assertEquals(3.7087, fit.parameters().get("k"), 1e-4);
        assertEquals(0.0798, fit.parameters().get("alpha"), 1e-6, "the papers' sign: L = k C^-alpha with alpha > 0");
    }

    @Test
    void closedFormParabolaMatchesCommonsMathLeastSquares() {
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 3 + random.nextInt(8);
            double[] x = new double[n], y = new double[n];
            org.apache.commons.math3.fitting.WeightedObservedPoints observed = new org.apache.commons.math3.fitting.WeightedObservedPoints();
            for (int i = 0; i < n; i++) {
                x[i] = 16 + 6 * random.nextDouble();
                y[i] = 2 + 0.05 * (x[i] - 19) * (x[i] - 19) + 0.01 * random.nextGaussian();
                observed.add(x[i], y[i]);
            }
            double[] expected = org.apache.commons.math3.fitting.PolynomialCurveFitter.create(2).fit(observed.toList());
            double[] actual = ComputeOptimalFrontier.parabola(x, y, n);
            for (int k = 0; k < 3; k++) assertEquals(expected[k], actual[k], 1e-6 * Math.max(1, Math.abs(expected[k])), "coefficient " + k);
            assertEquals(-expected[1] / (2 * expected[2]), -actual[1] / (2 * actual[2]), 1e-9);
        }
        assertEquals(null, ComputeOptimalFrontier.parabola(new double[] {1, 1, 1}, new double[] {1, 2, 3}, 3), "one x value has no parabola");
    }

    /** Approaches 1 and 2 get run-bootstrap intervals from the shared bootstrap; approach 3's are its law's. */
    @Test
    void theDataApproachesGetRunBootstrapIntervals() {
        Points points = study(-1);
        LawFit chinchilla = new GroupFitter(List.of(new ChinchillaLaw()), FitSettings.DEFAULT.withBacktestHoldOutSizes(0))
                .fitOne(new ChinchillaLaw(), points);
        dev.lawfit.fit.BootstrapSettings bootstrap = new dev.lawfit.fit.BootstrapSettings(100, 0.95, "points", false, 3, 100);
        List<FrontierAnalysis.Result> results = FrontierAnalysis.analyse(points, List.of(new ChinchillaLaw()), List.of(chinchilla),
                new double[] {1e21}, bootstrap);
        for (FrontierAnalysis.Result r : results.subList(0, 2)) {
            dev.lawfit.fit.Bootstrap.Intervals ci = r.intervals();
            double a = r.frontier().a();
            System.out.printf("%s: a %.4f in [%.4f, %.4f], se %.4f (%d resamples, %d failed)%n", r.frontier().approach(), a,
                    ci.low().get("a"), ci.high().get("a"), ci.standardError().get("a"), ci.resamples(), ci.failed());
            assertEquals(100, ci.resamples());
            assertTrue(ci.low().get("a") <= a && a <= ci.high().get("a"), r.frontier().approach() + ": the estimate lies in its interval");
            assertTrue(ci.standardError().get("a") > 0 && ci.high().get("a") - ci.low().get("a") < 0.3, "a real, finite spread");
            assertTrue(ci.low().get("a") <= TRUE_A && TRUE_A <= ci.high().get("a"), r.frontier().approach() + ": the interval covers the truth "
                    + TRUE_A);
        }
        assertEquals(null, results.get(2).intervals(), "approach 3's intervals are on its law's row");
        assertEquals(null, FrontierAnalysis.analyse(points, List.of(), List.of(), new double[] {1e21}).get(0).intervals(), "off without a bootstrap");
    }

    /**
     * An IsoFLOP design (Hoffmann's approach 2 as labs run it): one final checkpoint per run, 7 sizes at each of 5
     * budgets, with 0.3% noise. Nothing can be interpolated inside a run; the runs sharing a budget are its profile.
     */
    @Test
    void anIsoFlopDesignGivesItsProfilesDirectly() {
        double[] theta = {Math.log(E), Math.log(A), Math.log(B), ALPHA, BETA};
        ChinchillaLaw law = new ChinchillaLaw();
        double[] budgets = GeneratedPoints.logSpaced(1e18, 1e21, 5);
        java.util.Random random = new java.util.Random(3);
        int n = budgets.length * 7;
        double[] p = new double[n], d = new double[n], c = new double[n], l = new double[n], steps = new double[n];
        String[] runs = new String[n];
        int k = 0;
        for (double budget : budgets) {
            double[] alloc = law.allocation(theta);
            double nOpt = alloc[1] * Math.pow(budget, alloc[0]);
            for (double size : GeneratedPoints.logSpaced(nOpt / 8, nOpt * 8, 7)) {
                p[k] = size;
                d[k] = budget / (6 * size);
                c[k] = budget * (1 + 0.01 * (random.nextDouble() - 0.5)); // budgets are met to within 1%
                l[k] = Math.exp(law.logLossAt(theta, Math.log(size), Math.log(d[k])) + 0.003 * random.nextGaussian());
                runs[k] = "run-" + k;
                k++;
            }
        }
        Points design = Points.of(p, d, c, l, runs, steps);
        Frontier isoFlop = ComputeOptimalFrontier.isoFlop(design, FrontierAnalysis.ISOFLOP_BUDGETS);
        System.out.printf("IsoFLOP design: a %.4f (truth %.4f) from %d budgets%n", isoFlop.a(), TRUE_A, isoFlop.points());
        assertTrue(isoFlop.ok(), isoFlop.message());
        assertEquals(5, isoFlop.points(), "one profile per budget");
        assertEquals(TRUE_A, isoFlop.a(), 0.02, "the allocation exponent");
    }

    /**
     * A group of one model size (a sweep grouped by its size column): its checkpoints make a "lower envelope" with
     * a = 0, b = 1, and a power law in compute through them is a training curve. Neither is reported ok.
     */
    @Test
    void oneModelSizeIsNoFrontierAndNoComputeLaw() {
        double[] theta = {Math.log(E), Math.log(A), Math.log(B), ALPHA, BETA};
        Points one = GeneratedPoints.fromLaw(new ChinchillaLaw(), theta, new double[] {4e8}, GeneratedPoints.logSpaced(1e9, 1e11, 20), 0.001, 2);
        dev.lawfit.frontier.Frontier envelope = ComputeOptimalFrontier.envelope(one);
        assertFalse(envelope.ok());
        assertTrue(envelope.message().contains("1 model size(s) (the group has 1)"), envelope.message());
        dev.lawfit.frontier.Frontier isoFlop = ComputeOptimalFrontier.isoFlop(one, FrontierAnalysis.ISOFLOP_BUDGETS);
        assertFalse(isoFlop.ok());
        assertTrue(isoFlop.message().contains("the group has 1 model size(s)"), isoFlop.message());
        for (String name : List.of("power_compute", "pure_compute", "broken_power_compute")) {
            LawFit fit = dev.lawfit.fit.Fitter.fit(LawCatalog.byName(name), one, FitSettings.DEFAULT);
            assertEquals("too_few_points", fit.status().label(), name);
            assertTrue(fit.message().contains("within one size, loss against compute is a training curve"), fit.message());
        }
        assertEquals("ok", dev.lawfit.fit.Fitter.fit(LawCatalog.byName("pure_tokens"), one, FitSettings.DEFAULT).status().label(),
                "loss against tokens at one size is a law of its own");
    }
}
