package dev.lawfit.catalog;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.FitStatus;
import dev.lawfit.fit.Fitter;
import dev.lawfit.fit.LawFit;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every law of the catalog, fitted by the one call {@code Fitter.fit} to data generated from its known
 * truth: noise-free data give the truth back (to 1e-3), noisy data give it back within a few times the
 * noise, and the fit carries predictions and a backtest with a baseline.
 */
class CatalogRecoveryTest {

    static Stream<String> laws() {
        return LawCatalog.names().stream();
    }

    private static FitSettings settings(Law law) {
        FitSettings s = FitSettings.DEFAULT;
        return law.family() == dev.lawfit.law.Family.CURVE ? s.withHuberDelta(0.01) : s;
    }

    @ParameterizedTest
    @MethodSource("laws")
    void noiseFreeDataGiveTheTruthBack(String name) {
        Law law = CatalogCases.law(name);
        Points exact = CatalogCases.generate(law, 1);
        double[] truth = CatalogCases.of(law).truth();
        Points clean = Points.of(exact.params(), exact.tokens(), exact.flops(), predictions(law, truth, CatalogCases.design(law)),
                CatalogCases.design(law).x(), exact.runIds(), exact.steps());
        LawFit fit = Fitter.fit(law, clean.canonicalOrder(), settings(law));
        assertEquals(FitStatus.OK, fit.status(), fit.message());
        for (int k = 0; k < truth.length; k++) {
            double value = fit.theta()[k];
            assertEquals(truth[k], value, 2e-3 * Math.max(1, Math.abs(truth[k])), name + " " + law.coordinateNames().get(k));
        }
        assertTrue(fit.r2() > 0.9999, name + " r2 " + fit.r2());
    }

    @ParameterizedTest
    @MethodSource("laws")
    void noisyDataGiveTheTruthBackClosely(String name) {
        Law law = CatalogCases.law(name);
        LawFit fit = Fitter.fit(law, CatalogCases.generate(law, 11).canonicalOrder(), settings(law));
        assertEquals(FitStatus.OK, fit.status(), fit.message());
        double[] truth = CatalogCases.of(law).truth();
        Points clean = CatalogCases.design(law);
        // judged where it matters, on the predictions: within 3x the noise of the noise-free curve everywhere
        double worst = 0;
        for (int i = 0; i < clean.size(); i++) {
            double t = law.predict(truth, clean, i), p = law.predict(fit.theta(), clean, i);
            worst = Math.max(worst, law.target().equals("error") ? Math.abs(p - t) : Math.abs(p / t - 1));
        }
        assertTrue(worst < 3 * CatalogCases.of(law).noise(), name + " worst deviation from the truth " + worst);
        assertEquals(fit.nPoints(), fit.predicted().length);
        assertTrue(fit.backtest() != null && fit.backtest().status() == FitStatus.OK, name + " backtest "
                + (fit.backtest() == null ? "off" : fit.backtest().message()));
        assertTrue(fit.backtest().meanAre() < fit.backtest().baselineMeanAre(),
                name + " backtest ARE " + fit.backtest().meanAre() + " vs baseline " + fit.backtest().baselineMeanAre());
    }

    private static double[] predictions(Law law, double[] theta, Points design) {
        double[] out = new double[design.size()];
        for (int i = 0; i < out.length; i++) out[i] = law.predict(theta, design, i);
        return out;
    }
}
