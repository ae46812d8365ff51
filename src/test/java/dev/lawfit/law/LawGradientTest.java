package dev.lawfit.law;

import dev.lawfit.catalog.LawCatalog;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LawGradientTest {

    @ParameterizedTest
    @ValueSource(strings = {"chinchilla", "power_compute"})
    void analyticGradientMatchesCentralDifferences(String name) {
        Law law = LawCatalog.byName(name);
        Random random = new Random(7);
        double[] n = {7e7, 4e8, 3e9}, d = {2e9, 5e10, 3e11}, c = new double[3], l = {3.1, 2.6, 2.2};
        for (int i = 0; i < 3; i++) c[i] = 6 * n[i] * d[i];
        Points points = Points.of(n, d, c, l);
        for (int trial = 0; trial < 20; trial++) {
            double[] theta = new double[law.dimension()];
            for (int k = 0; k < theta.length; k++) {
                double lo = Math.max(law.lowerBounds()[k], -2), hi = Math.min(law.upperBounds()[k], 12);
                theta[k] = lo + (hi - lo) * random.nextDouble();
            }
            for (int i = 0; i < points.size(); i++) {
                double[] gradient = new double[theta.length];
                double value = law.logPredict(theta, points, i, gradient);
                assertEquals(law.logPredict(theta, points, i), value, 1e-12, "value with and without gradient");
                for (int k = 0; k < theta.length; k++) {
                    double h = 1e-6;
                    double[] up = theta.clone(), down = theta.clone();
                    up[k] += h;
                    down[k] -= h;
                    double numeric = (law.logPredict(up, points, i) - law.logPredict(down, points, i)) / (2 * h);
                    assertEquals(numeric, gradient[k], 1e-6 * Math.max(1, Math.abs(numeric)),
                            name + " d/d" + law.coordinateNames().get(k) + " at point " + i);
                }
            }
        }
    }
}
