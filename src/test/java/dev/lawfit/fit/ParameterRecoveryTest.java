package dev.lawfit.fit;

import dev.lawfit.law.ChinchillaLaw;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.law.PowerComputeLaw;
import dev.lawfit.testing.GeneratedPoints;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Known laws, 0.5% log-normal noise, 60 points: the fit must land near the truth. Tolerances are
 * a few times the spread seen over seeds at this noise (exponents within 5%, E within 2%, the
 * coefficients A and B, which trade off against the exponents, within 30%).
 */
class ParameterRecoveryTest {

    private static final double[] SIZES = GeneratedPoints.logSpaced(7e7, 7e9, 6);
    private static final double[] TOKENS = GeneratedPoints.logSpaced(2e9, 3e11, 10);
    private final GroupFitter fitter = new GroupFitter(List.of(new ChinchillaLaw(), new PowerComputeLaw()), FitSettings.DEFAULT);

    @Test
    void recoversChinchillaParameters() {
        Law law = new ChinchillaLaw();
        double[] truth = {Math.log(1.69), Math.log(406.4), Math.log(410.7), 0.34, 0.28};
        Points points = GeneratedPoints.fromLaw(law, truth, SIZES, TOKENS, 0.005, 11);
        LawFit fit = fitter.fitOne(law, points);
        assertEquals(FitStatus.OK, fit.status(), fit.message());
        Map<String, Double> p = fit.parameters();
        assertEquals(1.69, p.get("E"), 0.02 * 1.69);
        assertEquals(0.34, p.get("alpha"), 0.05 * 0.34);
        assertEquals(0.28, p.get("beta"), 0.05 * 0.28);
        assertEquals(406.4, p.get("A"), 0.3 * 406.4);
        assertEquals(410.7, p.get("B"), 0.3 * 410.7);
        assertEquals(0.28 / 0.62, fit.derived().get("a"), 0.02);
        assertTrue(fit.r2() > 0.99, "r2 " + fit.r2());
    }

    @Test
    void recoversNoiseFreeChinchillaExactly() {
        Law law = new ChinchillaLaw();
        double[] truth = {Math.log(1.8), Math.log(500), Math.log(2000), 0.35, 0.37};
        LawFit fit = fitter.fitOne(law, GeneratedPoints.fromLaw(law, truth, SIZES, TOKENS, 0, 1));
        assertEquals(1.8, fit.parameters().get("E"), 1e-4);
        assertEquals(0.35, fit.parameters().get("alpha"), 1e-4);
        assertEquals(0.37, fit.parameters().get("beta"), 1e-4);
        assertTrue(fit.objective() < 1e-12, "objective " + fit.objective());
    }

    @Test
    void recoversComputePowerLaw() {
        Law law = new PowerComputeLaw();
        double[] truth = {Math.log(1.8), Math.log(150), 0.1};
        Points points = GeneratedPoints.fromLaw(law, truth, SIZES, TOKENS, 0.003, 5);
        LawFit fit = fitter.fitOne(law, points);
        assertEquals(FitStatus.OK, fit.status(), fit.message());
        assertEquals(1.8, fit.parameters().get("E"), 0.03 * 1.8);
        assertEquals(0.1, fit.parameters().get("alpha"), 0.1 * 0.1);
    }

    @Test
    void aSingleModelSizeCannotDetermineTheExponentInN() {
        Law law = new ChinchillaLaw();
        double[] truth = {Math.log(1.8), Math.log(500), Math.log(2000), 0.35, 0.37};
        Points oneSize = GeneratedPoints.fromLaw(law, truth, new double[] {1e9}, TOKENS, 0.005, 2);
        LawFit fit = fitter.fitOne(law, oneSize);
        assertEquals(FitStatus.TOO_FEW_POINTS, fit.status());
        assertTrue(fit.message().contains("3 model sizes"), fit.message());
        // L(C) has 10 compute values, but inside one size they are one run's training curve, not a scaling law
        LawFit inC = fitter.fitOne(new PowerComputeLaw(), oneSize);
        assertEquals(FitStatus.TOO_FEW_POINTS, inC.status());
        assertTrue(inC.message().contains("needs at least 2 sizes; the group has 1"), inC.message());
    }

    @Test
    void tooFewPointsIsAStatusNotACrash() {
        Points three = Points.of(new double[] {1e8, 2e8, 3e8}, new double[] {1e9, 1e9, 1e9},
                new double[] {6e17, 1.2e18, 1.8e18}, new double[] {3, 2.9, 2.8});
        LawFit fit = fitter.fitOne(new ChinchillaLaw(), three);
        assertEquals(FitStatus.TOO_FEW_POINTS, fit.status());
        assertTrue(fit.message().contains("at least 7 points"), fit.message());
    }
}
