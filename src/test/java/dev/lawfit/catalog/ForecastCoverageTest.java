package dev.lawfit.catalog;

import dev.lawfit.fit.Bootstrap;
import dev.lawfit.fit.BootstrapSettings;
import dev.lawfit.fit.ExtrapolationError;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.Fitter;
import dev.lawfit.fit.LawFit;
import dev.lawfit.fit.RollingOrigin;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.law.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forecast intervals that cover the truth at about their level where the truth is known and the law is wrong: archives of
 * many groups generated from one law (each group its own parameters, 0.5% noise), fitted by another on every size but the
 * two largest, asked for the losses of those two (up to 4x the model size and 12x the compute beyond the fit). Nominal 90%
 * intervals (rolling-origin extrapolation error, a group's own or pooled, with the bootstrap) must cover 80-95% of the held-out
 * losses; the bootstrap-only intervals are reported beside them (they cover far less where the law is misspecified).
 */
class ForecastCoverageTest {

    static final double[] SIZES = dev.lawfit.testing.GeneratedPoints.logSpaced(5e7, 8e9, 8);
    static final double[] RATIOS = {5, 10, 20, 40, 80};
    static final int GROUPS = 24, HELD = 2;

    record Coverage(int covered, int bootstrapCovered, int targets, int own, int pooled) {
    }

    static Coverage measure(Law truthLaw, Law fitted, long seed) {
        FitSettings settings = FitSettings.DEFAULT.withBacktestHoldOutSizes(0);
        Random random = new Random(seed);
        double[] base = CatalogCases.of(truthLaw).truth();
        List<ExtrapolationError.Stats> stats = new ArrayList<>();
        List<Object[]> pending = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            double[] truth = CatalogCases.perturbed(base, random, 0.05);
            Points shape = dev.lawfit.testing.GeneratedPoints.ratioDesign(SIZES, RATIOS);
            int total = shape.size();
            double[] p = shape.params(), d = shape.tokens(), c = shape.flops(), l = new double[total];
            for (int i = 0; i < total; i++) l[i] = truthLaw.predict(truth, shape, i) * Math.exp(0.005 * random.nextGaussian());
            Points all = Points.of(p, d, c, l);
            double cut = SIZES[SIZES.length - HELD - 1];
            int[] train = java.util.stream.IntStream.range(0, total).filter(i -> p[i] <= cut * 1.0001).toArray();
            int[] held = java.util.stream.IntStream.range(0, total).filter(i -> p[i] > cut * 1.0001).toArray();
            Points trainPoints = all.select(train);
            List<Target> targets = new ArrayList<>();
            for (int i : held) targets.add(Target.ofSizeTokens("t" + i, p[i], d[i], null, Double.NaN));
            FitSettings s = settings.withTargets(targets).withBootstrap(new BootstrapSettings(200, 0.9, "points", false, 5, 200));
            LawFit fit = Fitter.fit(fitted, trainPoints, s, false);
            if (!fit.ok()) continue;
            Bootstrap.Intervals boot = Bootstrap.intervals(fitted, trainPoints, s, fit.theta(), fit.groupSeed());
            ExtrapolationError.Stats own = ExtrapolationError.Stats.of(RollingOrigin.run(fitted, trainPoints, s));
            stats.add(own);
            Points heldPoints = all.select(held);
            for (int k = 0; k < held.length; k++) {
                String name = Bootstrap.FORECAST + "t" + held[k];
                pending.add(new Object[] {own, fit.forecasts().get("t" + held[k]), boot.low().getOrDefault(name, Double.NaN),
                        boot.high().getOrDefault(name, Double.NaN), fitted.distance(trainPoints, heldPoints, k), heldPoints.loss()[k], fit.rmseLog()});
            }
        }
        ExtrapolationError.Stats pooled = ExtrapolationError.pool(stats);
        int covered = 0, bootCovered = 0, own = 0, pooledUsed = 0;
        for (Object[] t : pending) {
            ExtrapolationError.Calibration chosen = ExtrapolationError.choose((ExtrapolationError.Stats) t[0], pooled);
            ExtrapolationError.Interval interval = ExtrapolationError.interval((Double) t[1], (Double) t[2], (Double) t[3], (Double) t[6], (Double) t[4],
                    chosen, 0.9);
            double observed = (Double) t[5];
            if (interval.low() <= observed && observed <= interval.high()) covered++;
            if ((Double) t[2] <= observed && observed <= (Double) t[3]) bootCovered++;
            if (ExtrapolationError.SHRUNK.equals(interval.method()) || ExtrapolationError.GROUP.equals(interval.method())) own++;
            if (ExtrapolationError.POOLED.equals(interval.method())) pooledUsed++;
        }
        return new Coverage(covered, bootCovered, pending.size(), own, pooledUsed);
    }

    @ParameterizedTest(name = "{0} data fitted by {1}")
    @CsvSource({"chinchilla, chinchilla", "kaplan, chinchilla", "chinchilla, kaplan", "broken_power_compute, chinchilla",
            "broken_power_compute, power_compute", "chinchilla, power_compute"})
    void ninetyPercentIntervalsCoverAboutNinetyPercentOfHeldOutLosses(String truth, String fitted) {
        Coverage c = measure(LawCatalog.byName(truth), LawCatalog.byName(fitted), 31);
        double rate = c.covered() / (double) c.targets();
        System.out.printf("%s data, %s fitted: 90%% intervals covered %d of %d held-out losses (%.3f; own folds shrunk to pooled %d, pooled alone %d); "
                + "bootstrap-only %d (%.3f)%n", truth, fitted, c.covered(), c.targets(), rate, c.own(), c.pooled(), c.bootstrapCovered(),
                c.bootstrapCovered() / (double) c.targets());
        assertTrue(rate >= 0.80 && rate <= 0.95, truth + " fitted by " + fitted + ": coverage " + rate);
    }
}
