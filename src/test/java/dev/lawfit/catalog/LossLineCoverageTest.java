package dev.lawfit.catalog;

import dev.lawfit.fit.Bootstrap;
import dev.lawfit.fit.BootstrapSettings;
import dev.lawfit.fit.ExtrapolationError;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.Fitter;
import dev.lawfit.fit.LawFit;
import dev.lawfit.fit.RollingOrigin;
import dev.lawfit.law.ChinchillaLaw;
import dev.lawfit.law.Points;
import dev.lawfit.losstoloss.LossLineLaw;
import dev.lawfit.losstoloss.LossToLossFit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loss-to-loss forecasts ({@code predict_x}) covered at about their level where the truth is known and the line is only an
 * approximation: in every group the x and the y losses each follow their own Chinchilla law over a grid of sizes and tokens
 * (different exponents and irreducible losses, 0.5% noise on both), so L_y as a function of L_x is close to, but not, a
 * shifted power law. The line is fitted on every size but the two largest and asked for L_y at those sizes' L_x values (lower
 * losses than any fitted: the extrapolation a lab makes for a bigger model). Nominal 90% intervals (the line's rolling-origin
 * folds, pooled over the groups, with its bootstrap) must cover 80-95% of the held-out L_y; the bootstrap's alone are printed.
 */
class LossLineCoverageTest {

    static final double[] SIZES = dev.lawfit.testing.GeneratedPoints.logSpaced(5e7, 8e9, 8);
    static final double[] RATIOS = {5, 10, 20, 40, 80};
    static final int GROUPS = 16, HELD = 2;

    @Test
    void ninetyPercentIntervalsCoverAboutNinetyPercentOfHeldOutLosses() {
        Random random = new Random(37);
        ChinchillaLaw chinchilla = new ChinchillaLaw();
        double[] xBase = {Math.log(1.8), Math.log(400), Math.log(1500), 0.34, 0.28};
        double[] yBase = {Math.log(2.3), Math.log(900), Math.log(2500), 0.30, 0.31};
        List<ExtrapolationError.Stats> stats = new ArrayList<>();
        List<double[]> pending = new ArrayList<>();
        List<ExtrapolationError.Stats> owners = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            double[] xTruth = CatalogCases.perturbed(xBase, random, 0.05), yTruth = CatalogCases.perturbed(yBase, random, 0.05);
            Points shape = dev.lawfit.testing.GeneratedPoints.ratioDesign(SIZES, RATIOS);
            int total = shape.size();
            double[] p = shape.params(), d = shape.tokens(), c = shape.flops();
            double[] lx = new double[total], ly = new double[total];
            for (int i = 0; i < total; i++) {
                lx[i] = chinchilla.predict(xTruth, shape, i) * Math.exp(0.005 * random.nextGaussian());
                ly[i] = chinchilla.predict(yTruth, shape, i) * Math.exp(0.005 * random.nextGaussian());
            }
            String[] runs = new String[total];
            double[] steps = new double[total];
            for (int i = 0; i < total; i++) {
                runs[i] = "r" + (long) p[i];
                steps[i] = i;
            }
            Points all = Points.of(p, d, c, ly, lx, runs, steps);
            double cut = SIZES[SIZES.length - HELD - 1];
            int[] train = java.util.stream.IntStream.range(0, total).filter(i -> p[i] <= cut * 1.0001).toArray();
            int[] held = java.util.stream.IntStream.range(0, total).filter(i -> p[i] > cut * 1.0001).toArray();
            Points trainPoints = all.select(train), heldPoints = all.select(held);
            List<Double> predictX = new ArrayList<>();
            for (int i : held) predictX.add(lx[i]);
            LossLineLaw line = new LossLineLaw(LossToLossFit.GIVEN, false, predictX);
            FitSettings s = FitSettings.DEFAULT.withBacktestHoldOutSizes(0).withBootstrap(new BootstrapSettings(100, 0.9, "points", false, 5, 100));
            LawFit fit = Fitter.fit(line, trainPoints, s, false);
            if (!fit.ok()) continue;
            Bootstrap.Intervals boot = Bootstrap.intervals(line, trainPoints, s, fit.theta(), fit.groupSeed());
            ExtrapolationError.Stats own = ExtrapolationError.Stats.of(RollingOrigin.run(line, trainPoints, s.withBacktestHoldOutSizes(1)));
            stats.add(own);
            for (int k = 0; k < held.length; k++) {
                String target = "L_x=" + lx[held[k]];
                owners.add(own);
                pending.add(new double[] {fit.forecasts().get(target), boot.low().getOrDefault(Bootstrap.FORECAST + target, Double.NaN),
                        boot.high().getOrDefault(Bootstrap.FORECAST + target, Double.NaN), line.distance(trainPoints, heldPoints, k),
                        ly[held[k]], fit.rmseLog()});
            }
        }
        ExtrapolationError.Stats pooled = ExtrapolationError.pool(stats);
        int covered = 0, bootCovered = 0;
        for (int t = 0; t < pending.size(); t++) {
            double[] v = pending.get(t);
            ExtrapolationError.Interval interval = ExtrapolationError.interval(v[0], v[1], v[2], v[5], v[3],
                    ExtrapolationError.choose(owners.get(t), pooled), 0.9);
            if (interval.low() <= v[4] && v[4] <= interval.high()) covered++;
            if (v[1] <= v[4] && v[4] <= v[2]) bootCovered++;
        }
        double rate = covered / (double) pending.size();
        System.out.printf("loss lines (two Chinchilla losses): 90%% intervals covered %d of %d held-out L_y (%.3f); bootstrap-only %d (%.3f)%n",
                covered, pending.size(), rate, bootCovered, bootCovered / (double) pending.size());
        assertTrue(pending.size() >= GROUPS * HELD * RATIOS.length / 2, "lines fitted: " + pending.size());
        assertTrue(rate >= 0.80 && rate <= 0.95, "coverage " + rate);
    }
}
