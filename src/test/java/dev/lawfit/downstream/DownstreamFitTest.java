package dev.lawfit.downstream;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DownstreamFitTest {

    private static double[] losses(int n) {
        double[] l = new double[n];
        for (int i = 0; i < n; i++) l[i] = 2.0 + 2.0 * i / (n - 1);
        return l;
    }

    /** Gadre et al.'s form with epsilon 0.85, k 2.5, gamma 1.2, plus 0.3 points of error noise. */
    @Test
    void recoversTheExponentialForm() {
        double[] l = losses(40);
        double[] err = new double[l.length];
        Random random = new Random(3);
        for (int i = 0; i < l.length; i++) err[i] = 0.85 - 2.5 * Math.exp(-1.2 * l[i]) + 0.003 * random.nextGaussian();
        DownstreamFit.Result fit = DownstreamFit.fit(DownstreamForm.EXPONENTIAL, l, err);
        assertEquals("ok", fit.status(), fit.message());
        assertEquals(0.85, fit.parameters().get("epsilon"), 0.03);
        assertEquals(1.2, fit.parameters().get("gamma"), 0.25);
        assertEquals(0.85 - 2.5 * Math.exp(-1.2 * 2.5), fit.predict(2.5), 0.005);
        assertTrue(fit.r2() > 0.98, "r2 " + fit.r2());
    }

    @Test
    void recoversTheSigmoidForm() {
        double[] l = losses(40);
        double[] err = new double[l.length];
        for (int i = 0; i < l.length; i++) err[i] = 0.25 + 0.5 / (1 + Math.exp(-3 * (l[i] - 3.0)));
        DownstreamFit.Result fit = DownstreamFit.fit(DownstreamForm.SIGMOID, l, err);
        assertEquals("ok", fit.status(), fit.message());
        assertEquals(0.25, fit.parameters().get("floor"), 1e-4);
        assertEquals(0.75, fit.parameters().get("ceiling"), 1e-4);
        assertEquals(3.0, fit.parameters().get("s"), 1e-3);
        assertEquals(3.0, fit.parameters().get("l0"), 1e-4);
    }

    @Test
    void tooFewPairsIsAStatus() {
        DownstreamFit.Result fit = DownstreamFit.fit(DownstreamForm.EXPONENTIAL, new double[] {2, 3}, new double[] {0.5, 0.6});
        assertEquals("too_few_points", fit.status());
        assertTrue(fit.message().contains("2 pairs"), fit.message());
    }
}
