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
        Law law = CatalogCases.law(name);
        double[] truth = CatalogCases.of(law).truth();
        double[] back = law.theta(law.parameters(truth));
        for (int k = 0; k < truth.length; k++) assertEquals(truth[k], back[k], 1e-12 * Math.max(1, Math.abs(truth[k])), name + " " + k);
    }

    @ParameterizedTest
    @MethodSource("laws")
    void analyticGradientMatchesCentralDifferences(String name) {
        Law law = CatalogCases.law(name);
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

    /**
     * A law's one-call evaluation of a list of its points (what the solvers use) equals its point-by-point prediction and
     * gradient, in the target's units and in logs, in the list's order, and writes nothing past the list; its array-written
     * estimates equal its maps.
     */
    @ParameterizedTest
    @MethodSource("laws")
    void evaluatingAllPointsAtOnceMatchesPointByPoint(String name) {
        Law law = CatalogCases.law(name);
        Points points = CatalogCases.design(law);
        int n = points.size(), p = law.dimension();
        double[] theta = CatalogCases.perturbed(CatalogCases.of(law).truth(), new Random(11), 0.1);
        // every point but each third, last first: the list need not be in the points' order
        int[] index = new int[n];
        int count = 0;
        for (int i = n - 1; i >= 0; i--) if (i % 3 != 1) index[count++] = i;
        for (boolean log : new boolean[] {false, true}) {
            double[] values = new double[n], jacobian = new double[n * p];
            java.util.Arrays.fill(values, -7);
            java.util.Arrays.fill(jacobian, -7);
            law.predictions(theta, points, index, count, log, values, jacobian, new double[p]);
            for (int k = count; k < n; k++) assertEquals(-7, values[k], name + ": nothing written past the list");
            for (int k = count * p; k < n * p; k++) assertEquals(-7, jacobian[k], name + ": no gradient written past the list");
            for (int k = 0; k < count; k++) {
                int i = index[k];
                double[] gradient = new double[p];
                double value = log ? law.logPredict(theta, points, i, gradient) : law.predict(theta, points, i, gradient);
                assertEquals(value, values[k], 1e-12 * Math.max(1, Math.abs(value)), name + " value at " + i + (log ? " (log)" : ""));
                for (int j = 0; j < p; j++) {
                    assertEquals(gradient[j], jacobian[k * p + j], 1e-12 * Math.max(1, Math.abs(gradient[j])),
                            name + " d/d" + law.coordinateNames().get(j) + " at " + i + (log ? " (log)" : ""));
                }
            }
        }
        double[] budgets = {1e21, 1e23};
        java.util.Map<String, Double> parameters = law.parameters(theta), derived = law.derived(theta, budgets), forecasts = law.forecasts(theta);
        double[] row = new double[parameters.size() + derived.size() + forecasts.size()];
        law.parameters(theta, row, 0);
        law.derived(theta, budgets, row, parameters.size());
        law.forecasts(theta, row, parameters.size() + derived.size());
        java.util.List<Double> expected = new java.util.ArrayList<>(parameters.values());
        expected.addAll(derived.values());
        expected.addAll(forecasts.values());
        for (int k = 0; k < row.length; k++) assertEquals(expected.get(k), row[k], 0.0, name + " estimate " + k);
    }

    /** A law's description as one value says what its getters say, part by part (a described law's getters read it). */
    @ParameterizedTest
    @MethodSource("laws")
    void theDescriptionIsTheGetters(String name) {
        Law law = CatalogCases.law(name);
        dev.lawfit.law.LawDescription d = law.description();
        assertEquals(name, d.name());
        assertEquals(law.family(), d.family());
        assertEquals(law.formula(), d.formula());
        assertEquals(law.target(), d.target());
        assertEquals(law.covariates(), d.covariates());
        assertEquals(law.coordinateNames(), d.coordinates());
        assertEquals(java.util.Arrays.toString(law.lowerBounds()), java.util.Arrays.toString(d.lowerBounds()));
        assertEquals(java.util.Arrays.toString(law.upperBounds()), java.util.Arrays.toString(d.upperBounds()));
        assertEquals(law.defaultGrid().axes().keySet(), d.grid().axes().keySet());
        assertEquals(law.shapeCoordinates(), d.shapeCoordinates());
        assertEquals(law.holdOut(), d.holdOut());
        assertEquals(law.minPoints(), d.minPoints());
        assertEquals(law.dimension(), d.coordinates().size());
    }
}
