package dev.lawfit.fit;

import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.frontier.Frontier;
import dev.lawfit.frontier.FrontierAnalysis;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each degenerate fit found on public data gets its named flag, and none of them is plain ok (issue 27, item 4): a broken
 * power law whose loss rises with compute, a parameter at its bound, an optimiser stopped at its limit, an implausible
 * allocation, an irreducible loss the data do not determine, an estimate outside its own interval, a diverging run inside
 * the data, approaches that disagree. And the same points give the same fit in any order.
 */
class DiagnosticsTest {

    /** A Chinchilla archive: sizes x tokens-per-parameter ratios x checkpoints, loss from the law with multiplicative noise. */
    static Points chinchilla(long seed, double noise) {
        Random random = new Random(seed);
        List<double[]> rows = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        for (double n : new double[] {2e7, 5e7, 1e8, 2e8, 5e8, 1e9}) {
            for (double ratio : new double[] {5, 20, 80}) {
                for (int c = 1; c <= 4; c++) {
                    double d = n * ratio * c / 4;
                    double loss = (1.7 + 400 / Math.pow(n, 0.34) + 410 / Math.pow(d, 0.28)) * (1 + noise * random.nextGaussian());
                    rows.add(new double[] {n, d, 6 * n * d, loss, c});
                    runs.add("n" + (long) n + "-r" + (int) ratio);
                }
            }
        }
        return points(rows, runs);
    }

    static Points points(List<double[]> rows, List<String> runs) {
        int k = rows.size();
        double[] n = new double[k], d = new double[k], c = new double[k], l = new double[k], x = new double[k], s = new double[k];
        for (int i = 0; i < k; i++) {
            n[i] = rows.get(i)[0];
            d[i] = rows.get(i)[1];
            c[i] = rows.get(i)[2];
            l[i] = rows.get(i)[3];
            x[i] = Double.NaN;
            s[i] = rows.get(i)[4];
        }
        return Points.of(n, d, c, l, x, runs.toArray(String[]::new), s);
    }

    private static List<String> names(LawFit fit) {
        return Diagnostics.names(fit.flags());
    }

    @Test
    void aCleanFitIsPlainOk() {
        LawFit fit = Fitter.fit(LawCatalog.byName("chinchilla"), chinchilla(1, 0.002), FitSettings.DEFAULT, false);
        assertEquals(FitStatus.OK, fit.status(), fit.message());
        assertTrue(fit.flags().isEmpty(), "" + fit.flags());
    }

    /** Found on public data: broken_power_compute ok on groups whose loss rises with compute after the break. */
    @Test
    void aBrokenPowerLawWhoseLossRisesWithComputeIsNotOk() {
        List<double[]> rows = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        Random random = new Random(4);
        for (double n : new double[] {2e7, 5e7, 1e8, 2e8, 5e8, 1e9, 2e9}) {
            double d = 20 * n, c = 6 * n * d;
            // falls as a power of compute, then rises past the break at 1e19 FLOPs (exponent -0.1 + 0.4)
            double loss = 2 + 300 * Math.pow(c, -0.1) * Math.pow(1 + c / 1e19, 0.4);
            for (int k = 0; k < 3; k++) {
                rows.add(new double[] {n, d * (1 + 0.01 * k), c * (1 + 0.01 * k), loss * (1 + 0.002 * random.nextGaussian()), k});
                runs.add("n" + (long) n + "-" + k);
            }
        }
        LawFit fit = Fitter.fit(LawCatalog.byName("broken_power_compute"), points(rows, runs), FitSettings.DEFAULT, false);
        assertNotEquals(FitStatus.OK, fit.status(), fit.message());
        assertTrue(names(fit).contains(Diagnostics.NOT_MONOTONE), fit.flags() + "");
        assertTrue(fit.message().contains("not_monotone: the law's loss rises along compute"), fit.message());
    }

    @Test
    void aParameterAtItsBoundAndAnOptimiserAtItsLimitAreFlagged() {
        Law law = LawCatalog.byName("chinchilla");
        Points points = chinchilla(2, 0.002);
        double[] theta = {Math.log(1.7), Math.log(400), Math.log(410), 0.34, law.upperBounds()[4]};
        List<Diagnostics.Flag> flags = Diagnostics.of(law, points, theta, "max iterations reached", FitSettings.DEFAULT);
        assertTrue(Diagnostics.names(flags).containsAll(List.of(Diagnostics.AT_BOUND, Diagnostics.NOT_CONVERGED)), "" + flags);
        assertTrue(Diagnostics.messages(flags).contains("beta at its upper bound 3"), Diagnostics.messages(flags));
        assertEquals(FitStatus.OK_WITH_WARNINGS, Diagnostics.status(flags));
        // a search that fell back to L-BFGS-B and stopped there is the same
        List<Diagnostics.Flag> fallback = Diagnostics.of(law, points, new double[] {Math.log(1.7), Math.log(400), Math.log(410), 0.34, 0.28},
                ScreenedGridSearch.FALLBACK + "max iterations reached", FitSettings.DEFAULT);
        assertEquals(List.of(Diagnostics.NOT_CONVERGED), Diagnostics.names(fallback));
    }

    /** Found on public data: a frontier at 0.026 tokens per parameter, ok. */
    @Test
    void anImplausibleAllocationIsFlagged() {
        Law law = LawCatalog.byName("chinchilla");
        // alpha = beta: tokens per parameter = (B / A)^(2 / (alpha + beta)) at every budget; B = 0.026^0.3 A gives 0.026
        double[] theta = {Math.log(1.7), Math.log(400), Math.log(400 * Math.pow(0.026, 0.3)), 0.3, 0.3};
        List<Diagnostics.Flag> flags = Diagnostics.of(law, chinchilla(3, 0.002), theta, "converged", FitSettings.DEFAULT);
        assertTrue(Diagnostics.names(flags).contains(Diagnostics.IMPLAUSIBLE), "" + flags);
        assertTrue(Diagnostics.messages(flags).contains("tokens_per_param@1e21 = 0.02600"), Diagnostics.messages(flags));
        assertEquals(FitStatus.OK_WITH_WARNINGS, Diagnostics.status(flags));
    }

    /** Found on public data: E's interval [0.06, 2.10] and estimates outside their own intervals, ok. */
    @Test
    void anUndeterminedIrreducibleLossAndAnEstimateOutsideItsIntervalAreFlagged() {
        List<Diagnostics.Flag> flags = Diagnostics.ofIntervals(Map.of("E", 1.2, "alpha", 0.30), Map.of("E", 0.06, "alpha", 0.31),
                Map.of("E", 2.10, "alpha", 0.40));
        assertEquals(List.of(Diagnostics.OUTSIDE_INTERVAL, Diagnostics.UNDETERMINED), Diagnostics.names(flags));
        assertTrue(Diagnostics.messages(flags).contains("alpha = 0.3000 [0.3100, 0.4000]"), Diagnostics.messages(flags));
        assertTrue(Diagnostics.messages(flags).contains("the data do not determine E = 1.200 [0.06000, 2.100]"), Diagnostics.messages(flags));
        assertTrue(Diagnostics.ofIntervals(Map.of("E", 1.7, "alpha", 0.34), Map.of("E", 1.6, "alpha", 0.32), Map.of("E", 1.8, "alpha", 0.36)).isEmpty());
    }

    /** Found on public data: a run whose loss rises late inside the fitted data, ok. */
    @Test
    void aDivergingRunInsideTheDataIsFlagged() {
        Points clean = chinchilla(5, 0.002);
        double[] loss = clean.loss().clone();
        // the last checkpoint of one run 8% above its lowest
        int last = -1;
        for (int i = 0; i < clean.size(); i++) if (clean.runIds()[i].equals("n200000000-r20")) last = i;
        loss[last] *= 1.08;
        Points diverged = Points.of(clean.params(), clean.tokens(), clean.flops(), loss, clean.x(), clean.runIds(), clean.steps());
        LawFit fit = Fitter.fit(LawCatalog.byName("chinchilla"), diverged, FitSettings.DEFAULT, false);
        assertEquals(FitStatus.OK_WITH_WARNINGS, fit.status(), fit.message());
        assertTrue(names(fit).contains(Diagnostics.DIVERGING_RUN), "" + fit.flags());
        assertTrue(fit.message().contains("n200000000-r20"), fit.message());
    }

    /** Found on public data: two frontier approaches 2x apart, ok. */
    @Test
    void approachesThatDisagreeAreFlaggedOnEveryRow() {
        Frontier envelope = new Frontier("envelope", 0.5, 0.1, 0.5, 1.7, Double.NaN, Double.NaN, 10, "");
        Frontier isoflop = new Frontier("isoflop", 0.5, 0.25, 0.5, 0.7, Double.NaN, Double.NaN, 12, "");
        List<FrontierAnalysis.Result> results = FrontierAnalysis.flagDisagreement(List.of(
                new FrontierAnalysis.Result(envelope, Map.of(), Map.of(), Map.of(), null),
                new FrontierAnalysis.Result(isoflop, Map.of(), Map.of(), Map.of(), null)), 1e24);
        for (FrontierAnalysis.Result r : results) {
            assertEquals(List.of(Diagnostics.APPROACHES_DISAGREE), Diagnostics.names(r.flags()));
            assertTrue(Diagnostics.messages(r.flags()).contains("2.5x apart"), Diagnostics.messages(r.flags()));
        }
        // exponents whose intervals do not overlap, N_opt within 2x
        Bootstrap.Intervals narrowLow = new Bootstrap.Intervals(Map.of("a", 0.48), Map.of("a", 0.50), Map.of(), 100, 0);
        Bootstrap.Intervals narrowHigh = new Bootstrap.Intervals(Map.of("a", 0.52), Map.of("a", 0.55), Map.of(), 100, 0);
        Frontier near = new Frontier("isoflop", 0.535, 0.1 * Math.pow(1e24, -0.035), 0.5, 1.7, Double.NaN, Double.NaN, 12, "");
        Frontier base = new Frontier("envelope", 0.49, 0.1 * Math.pow(1e24, 0.01), 0.5, 1.7, Double.NaN, Double.NaN, 12, "");
        assertFalse(FrontierAnalysis.flagDisagreement(List.of(
                new FrontierAnalysis.Result(base, Map.of(), Map.of(), Map.of(), narrowLow),
                new FrontierAnalysis.Result(near, Map.of(), Map.of(), Map.of(), narrowHigh)), 1e24).get(0).flags().isEmpty());
        // the same two without intervals, N_opt equal at the top budget: no flag
        assertTrue(FrontierAnalysis.flagDisagreement(List.of(
                new FrontierAnalysis.Result(base, Map.of(), Map.of(), Map.of(), null),
                new FrontierAnalysis.Result(near, Map.of(), Map.of(), Map.of(), null)), 1e24).get(0).flags().isEmpty());
    }

    /**
     * Found on public data: filtering the input (the same points, the same fingerprint) changed a fit's objective: what a
     * task fitted before reached the fit. The same points, in any order, after any other groups, on any thread, give the
     * same fit to the last bit.
     */
    @Test
    void theSamePointsInAnyOrderAfterAnyOtherGroupGiveTheSameFit() throws Exception {
        Points points = chinchilla(6, 0.01);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) order.add(i);
        List<Law> laws = List.of(LawCatalog.byName("chinchilla"), LawCatalog.byName("broken_power_compute"));
        GroupFitter fitter = new GroupFitter(laws, FitSettings.DEFAULT);
        GroupFitter.GroupFit first = fitter.fit(points);
        for (long seed = 1; seed <= 1; seed++) {
            fitter.fit(chinchilla(100 + seed, 0.03)); // another group fitted first, on this thread
            Collections.shuffle(order, new Random(seed));
            assertSameFits(first, fitter.fit(pick(points, order)));
        }
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            assertSameFits(first, other.submit(() -> new GroupFitter(laws, FitSettings.DEFAULT).fit(pick(points, order))).get());
        } finally {
            other.shutdownNow();
        }
    }

    private static void assertSameFits(GroupFitter.GroupFit expected, GroupFitter.GroupFit actual) {
        for (int l = 0; l < expected.fits().size(); l++) {
            LawFit a = expected.fits().get(l), b = actual.fits().get(l);
            assertEquals(a.fingerprint(), b.fingerprint(), a.law() + ": the fingerprint ignores the order");
            assertEquals(a.objective(), b.objective(), 0.0, a.law() + ": objective");
            assertEquals(a.parameters(), b.parameters(), a.law() + ": parameters");
            assertEquals(a.forecasts(), b.forecasts(), a.law() + ": forecasts");
            assertEquals(a.status(), b.status(), a.law() + ": status");
        }
    }

    static Points pick(Points p, List<Integer> order) {
        int k = order.size();
        double[] n = new double[k], d = new double[k], c = new double[k], l = new double[k], x = new double[k], s = new double[k];
        String[] runs = new String[k];
        for (int j = 0; j < k; j++) {
            int i = order.get(j);
            n[j] = p.params()[i];
            d[j] = p.tokens()[i];
            c[j] = p.flops()[i];
            l[j] = p.loss()[i];
            x[j] = p.x()[i];
            s[j] = p.steps()[i];
            runs[j] = p.runIds()[i];
        }
        return Points.of(n, d, c, l, x, runs, s);
    }
}
