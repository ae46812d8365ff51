package dev.lawfit.catalog;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.Fitter;
import dev.lawfit.fit.LawFit;
import dev.lawfit.fit.ScreenedGridSearch;
import dev.lawfit.fit.Solution;
import dev.lawfit.fit.Solver;
import dev.lawfit.law.ChinchillaLaw;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.testing.EpochChinchillaPoints;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resample solver (bounded Levenberg-Marquardt, L-BFGS-B where it does not converge) reaches the optimum L-BFGS-B
 * reaches, to 1e-9 of the objective, on every resample of a corpus: every grid-searched law of the catalog on its generated
 * data, and Epoch's Chinchilla points; and it falls back rarely.
 */
class ResampleSolverTest {

    private static final int RESAMPLES = 60;

    /** Worse-by ratios beyond 1e-9 and fallbacks, per law. */
    private static String compare(Law law, Points points, long seed, List<String> worse) {
        // the schedule laws' polishes sum a schedule per point and step: a dozen of their resamples cost what 60 of another's do
        int resamples = law.family() == dev.lawfit.law.Family.SCHEDULE ? 12 : RESAMPLES;
        FitSettings settings = FitSettings.DEFAULT;
        LawFit full = Fitter.fit(law, points, settings, false);
        assertTrue(full.ok(), law.name() + ": " + full.message());
        SplittableRandom random = new SplittableRandom(seed);
        double[] weights = new double[points.size()];
        int fallbacks = 0;
        double largest = 0;
        for (int r = 0; r < resamples; r++) {
            java.util.Arrays.fill(weights, 0);
            for (int i = 0; i < weights.length; i++) weights[random.nextInt(weights.length)] += 1;
            Solution lm = ScreenedGridSearch.polish(law, points, settings, weights, full.theta());
            Solution lbfgs = ScreenedGridSearch.polishLbfgs(law, points, settings, weights, full.theta());
            if (lm.stopReason().startsWith(ScreenedGridSearch.FALLBACK)) fallbacks++;
            double excess = (lm.objective() - lbfgs.objective()) / lbfgs.objective();
            largest = Math.max(largest, excess);
            if (excess > 1e-9) worse.add(law.name() + " resample " + r + ": " + lm.objective() + " vs L-BFGS-B " + lbfgs.objective());
        }
        return law.name() + ": largest excess " + largest + ", fallbacks " + fallbacks + " of " + resamples;
    }

    @Test
    void reachesTheLbfgsOptimumOnEveryResampleOfTheCatalog() {
        List<String> worse = new ArrayList<>(), summary = new ArrayList<>();
        for (String name : LawCatalog.names()) {
            Law law = CatalogCases.law(name);
            if (Solver.of(law) != ScreenedGridSearch.INSTANCE) continue; // laws with their own solver
            summary.add(compare(law, CatalogCases.generate(law, 11), 5, worse));
        }
        System.out.println(String.join("\n", summary));
        assertTrue(worse.isEmpty(), worse.size() + " resamples worse than L-BFGS-B:\n" + String.join("\n", worse.subList(0, Math.min(20, worse.size()))));
    }

    /**
     * A curve law's resample (its own solver: Levenberg-Marquardt from the run's fit, stopping once Gauss-Newton expects less
     * than 1e-10 of the objective, every point's evaluation at that start made once per run and reused) ends within 1e-9 of
     * the objective a fresh, fully converged run from the same start reaches (its own workspace, the fit's 1e-14 stop).
     */
    @Test
    void aCurveResampleEndsWithinTheStopOfItsOptimum() {
        List<String> worse = new ArrayList<>();
        FitSettings settings = FitSettings.DEFAULT.withHuberDelta(dev.lawfit.temporal.TemporalSettings.DEFAULT.huberDelta());
        int checked = 0;
        for (String name : LawCatalog.names()) {
            Law law = CatalogCases.law(name);
            if (law.family() != dev.lawfit.law.Family.CURVE) continue;
            for (Points points : List.of(CatalogCases.generate(law, 13), dev.lawfit.generate.FamilySamples.curves(1, 5).get(0))) {
                LawFit full = Fitter.fit(law, points, settings, false);
                if (!full.ok()) continue;
                SplittableRandom random = new SplittableRandom(3);
                double[] weights = new double[points.size()];
                for (int r = 0; r < RESAMPLES; r++) {
                    java.util.Arrays.fill(weights, 0);
                    for (int i = 0; i < weights.length; i++) weights[random.nextInt(weights.length)] += 1;
                    Solution fast = Solver.of(law).solve(law, points, weights, settings, full.theta());
                    dev.lawfit.fit.HuberLevenbergMarquardt.Outcome tight = dev.lawfit.fit.HuberLevenbergMarquardt.minimize(law, points, weights,
                            settings.huberDelta(), full.theta(), new dev.lawfit.fit.HuberLevenbergMarquardt.Workspace(law.dimension(), points.size()),
                            dev.lawfit.fit.HuberLevenbergMarquardt.Options.FIT.withKind(dev.lawfit.fit.HuberLevenbergMarquardt.Residual.RELATIVE));
                    double excess = (fast.objective() - tight.objective()) / tight.objective();
                    if (!(excess <= 1e-9)) worse.add(name + " resample " + r + ": " + fast.objective() + " vs " + tight.objective());
                    checked++;
                }
            }
        }
        assertTrue(checked >= 8 * RESAMPLES, "curve resamples checked: " + checked);
        assertTrue(worse.isEmpty(), worse.size() + " curve resamples short of their optimum:\n" + String.join("\n", worse.subList(0, Math.min(20, worse.size()))));
    }

    /**
     * Epoch's points have a flat ridge along B and beta with several local minima on it: L-BFGS-B's own path there depends on
     * the BLAS build (with the JDK's vector module it reaches 0.0011244753 on resample 58, without it 0.0011244816, where
     * Levenberg-Marquardt ends). The two solvers agree to 1e-9 on all but such resamples, and those differ by under 1e-5.
     */
    @Test
    void reachesTheLbfgsOptimumOnEpochsPointsUpToItsRidge() throws Exception {
        List<String> worse = new ArrayList<>();
        System.out.println(compare(new ChinchillaLaw(), EpochChinchillaPoints.load(), 9, worse));
        assertTrue(worse.size() <= 2, String.join("\n", worse));
        for (String w : worse) {
            String[] parts = w.replaceAll(".*: ", "").split(" vs L-BFGS-B ");
            double lm = Double.parseDouble(parts[0]), lbfgs = Double.parseDouble(parts[1]);
            assertTrue((lm - lbfgs) / lbfgs < 1e-5, w);
        }
    }

    /**
     * A compute fit over 4 sizes x 8 token counts (what a loss-to-loss line's irreducible losses stand on) has a flat valley in
     * which E trades off against the other terms: on some resamples Gauss-Newton crawls along it to its iteration limit. The
     * reweighted steps carry those to a converged optimum, as low as L-BFGS-B's or lower, and almost none is handed over.
     */
    @Test
    void aFlatValleyIsFollowedNotHandedOver() {
        Law law = new ChinchillaLaw();
        FitSettings settings = FitSettings.DEFAULT;
        SplittableRandom random = new SplittableRandom(41);
        int reweighted = 0, fallbacks = 0, total = 0;
        List<String> worse = new ArrayList<>();
        List<Points> lines = dev.lawfit.generate.FamilySamples.lossLines(20, 37);
        for (int g = 0; g < lines.size(); g++) {
            Points line = lines.get(g);
            double[] p = line.params(), d = line.tokens(), c = line.flops(), lx = line.x(), ly = line.loss();
            for (double[] l : List.of(lx, ly)) {
                Points points = Points.of(p, d, c, l).canonicalOrder();
                LawFit full = Fitter.fit(law, points, settings, false);
                assertTrue(full.ok(), full.message());
                double[] weights = new double[points.size()];
                for (int r = 0; r < 200; r++) {
                    java.util.Arrays.fill(weights, 0);
                    for (int k = 0; k < weights.length; k++) weights[random.nextInt(weights.length)] += 1;
                    Solution polished = ScreenedGridSearch.polish(law, points, settings, weights, full.theta());
                    total++;
                    if (polished.stopReason().startsWith(ScreenedGridSearch.FALLBACK)) fallbacks++;
                    if (!polished.stopReason().equals(ScreenedGridSearch.REWEIGHTED)) continue;
                    reweighted++;
                    Solution lbfgs = ScreenedGridSearch.polishLbfgs(law, points, settings, weights, full.theta());
                    if (polished.objective() > lbfgs.objective() * (1 + 1e-9)) worse.add("group " + g + " resample " + r + ": " + polished.objective() + " vs L-BFGS-B " + lbfgs.objective());
                }
            }
        }
        System.out.println("flat valleys: " + reweighted + " of " + total + " resamples followed by reweighted steps, " + fallbacks + " handed to L-BFGS-B");
        assertTrue(reweighted > 0, "the corpus should contain flat valleys");
        assertTrue(worse.isEmpty(), String.join("\n", worse));
        assertTrue(fallbacks <= total / 500, fallbacks + " of " + total + " handed to L-BFGS-B");
    }
}
