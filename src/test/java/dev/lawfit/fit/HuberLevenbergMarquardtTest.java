package dev.lawfit.fit;

import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A weighted run (a bootstrap resample) makes its first normal equations from per-point terms at its start instead of from
 * the residuals and gradients themselves: it must reach what the same run reaches on the points repeated as often as they
 * were drawn (the unweighted path), and give the same answer to the bit whether its start's terms were cached or not.
 */
class HuberLevenbergMarquardtTest {

    @Test
    void aWeightedRunReachesWhatItsRepeatedPointsReach() {
        for (String name : new String[] {"curve_power", "chinchilla", "power_compute"}) {
            Law law = LawCatalog.byName(name);
            Points points = dev.lawfit.generate.FamilySamples.of(law, 1).get(0);
            boolean curve = law.family() == dev.lawfit.law.Family.CURVE;
            FitSettings settings = curve ? FitSettings.DEFAULT.withHuberDelta(dev.lawfit.temporal.TemporalSettings.DEFAULT.huberDelta())
                    : FitSettings.DEFAULT;
            // a resample's stop (a fit's 1e-14 has chinchilla crawl 30-odd steps along its flat valley, where rounding alone moves
            // the path by a step or two)
            HuberLevenbergMarquardt.Options options = (curve
                    ? HuberLevenbergMarquardt.Options.FIT.withKind(HuberLevenbergMarquardt.Residual.RELATIVE) : HuberLevenbergMarquardt.Options.FIT)
                    .withRelativeDecrease(HuberLevenbergMarquardt.RESAMPLE_DECREASE);
            double[] theta = Fitter.fit(law, points, settings, false).theta();
            SplittableRandom random = new SplittableRandom(17);
            HuberLevenbergMarquardt.Workspace shared = new HuberLevenbergMarquardt.Workspace(law.dimension(), points.size());
            for (int resample = 0; resample < 20; resample++) {
                double[] weights = new double[points.size()];
                for (int i = 0; i < weights.length; i++) weights[random.nextInt(weights.length)] += 1;
                HuberLevenbergMarquardt.Outcome weighted = HuberLevenbergMarquardt.minimize(law, points, weights, settings.huberDelta(),
                        theta, shared, options);
                HuberLevenbergMarquardt.Outcome fresh = HuberLevenbergMarquardt.minimize(law, points, weights, settings.huberDelta(),
                        theta, new HuberLevenbergMarquardt.Workspace(law.dimension(), points.size()), options);
                assertArrayEquals(fresh.x(), weighted.x(), name + " resample " + resample + ": a cached start gives the same estimates to the bit");
                assertEquals(fresh.objective(), weighted.objective(), 0.0);
                HuberLevenbergMarquardt.Outcome repeated = HuberLevenbergMarquardt.minimize(law, points.repeated(weights), null,
                        settings.huberDelta(), theta, new HuberLevenbergMarquardt.Workspace(law.dimension(), points.size()), options);
                assertTrue(weighted.converged() && repeated.converged(), name + " resample " + resample);
                // the same steps: its first normal equations equal the repeated points' to rounding (a wrong term would still
                // end at the optimum, later)
                assertTrue(Math.abs(weighted.iterations() - repeated.iterations()) <= 1 && Math.abs(weighted.evaluations() - repeated.evaluations()) <= 1,
                        name + " resample " + resample + ": " + weighted.iterations() + "/" + weighted.evaluations() + " steps/evaluations against "
                                + repeated.iterations() + "/" + repeated.evaluations());
                assertEquals(repeated.objective(), weighted.objective(), 1e-9 * repeated.objective(), name + " resample " + resample);
                for (int k = 0; k < theta.length; k++) {
                    assertEquals(repeated.x()[k], weighted.x()[k], 1e-6 * Math.max(1, Math.abs(repeated.x()[k])),
                            name + " resample " + resample + " coordinate " + k);
                }
            }
        }
    }
}
