package dev.lawfit.catalog;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every law of the catalog: its analytic gradient equals central differences, in the target's units and in logs. */
class CatalogGradientTest {

    static Stream<String> laws() {
        return LawCatalog.names().stream();
    }

    @ParameterizedTest
    @MethodSource("laws")
    void parametersAndCoordinatesAreInverses(String name) {
        Law law = LawCatalog.byName(name);
        double[] truth = CatalogCases.of(law).truth();
        double[] back = law.theta(law.parameters(truth));
        for (int k = 0; k < truth.length; k++) assertEquals(truth[k], back[k], 1e-12 * Math.max(1, Math.abs(truth[k])), name + " " + k);
    }

    @ParameterizedTest
    @MethodSource("laws")
    void analyticGradientMatchesCentralDifferences(String name) {
        Law law = LawCatalog.byName(name);
        Points points = CatalogCases.design(law);
        Random random = new Random(7);
        for (int trial = 0; trial < 10; trial++) {
            double[] theta = CatalogCases.perturbed(CatalogCases.of(law).truth(), random, 0.1);
            for (int i = 0; i < points.size(); i += 7) {
                double[] gradient = new double[theta.length];
                double value = law.predict(theta, points, i, gradient);
                assertEquals(law.predict(theta, points, i), value, 1e-12 * Math.max(1, Math.abs(value)), "value with and without gradient");
                double[] logGradient = new double[theta.length];
                double logValue = law.logPredict(theta, points, i, logGradient);
                assertEquals(Math.log(value), logValue, 1e-9, name + " log prediction");
                for (int k = 0; k < theta.length; k++) {
                    double h = 1e-6 * Math.max(1, Math.abs(theta[k]));
                    double[] up = theta.clone(), down = theta.clone();
                    up[k] += h;
                    down[k] -= h;
                    double numeric = (law.predict(up, points, i) - law.predict(down, points, i)) / (2 * h);
                    assertEquals(numeric, gradient[k], 1e-5 * Math.max(1, Math.abs(numeric)),
                            name + " d/d" + law.coordinateNames().get(k) + " at point " + i);
                    double logNumeric = (law.logPredict(up, points, i) - law.logPredict(down, points, i)) / (2 * h);
                    assertEquals(logNumeric, logGradient[k], 1e-5 * Math.max(1, Math.abs(logNumeric)),
                            name + " d log/d" + law.coordinateNames().get(k) + " at point " + i);
                }
            }
        }
    }
}
