package dev.lawfit.law;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loss against training compute: L(C) = E + A * C^-alpha, fitted as log L = LSE(a - alpha log C, e). */
public final class PowerComputeLaw implements Law {

    private static final List<String> COORDINATES = List.of("e", "a", "alpha");

    /** The catalog's name of the law. */
    public static final String NAME = "power_compute";

    private static final LawDescription DESCRIPTION = LawDescription.of(NAME, "L(C) = E + A*C^-alpha")
            .withCovariates("C")
            .withCoordinates(COORDINATES, new double[] {-10, -10, 0}, new double[] {5, 60, 3})
            // Compute exponents are small (0.03 to 0.3 in the literature) and log C is 40 to 60: a fine grid there.
            .withGrid(StartingGrid.of(
                "e", new double[] {-1, -0.5, 0, 0.5, 1},
                "a", StartingGrid.range(0, 30, 2.5),
                "alpha", new double[] {0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0}))
            .withShape(List.of("alpha"))
            .withMinPoints(5);

    @Override
    public LawDescription description() {
        return DESCRIPTION;
    }

    @Override
    public String unidentifiable(Points points) {
        if (Points.distinct(points.params()) < 2) return Compute.ONE_SIZE;
        int budgets = Points.distinct(points.flops());
        return budgets < 3 ? "power_compute needs at least 3 compute values; the group has " + budgets : null;
    }

    @Override
    public double logPredict(double[] theta, Points points, int i) {
        double t1 = theta[1] - theta[2] * points.logFlops()[i];
        double t2 = theta[0];
        double m = Math.max(t1, t2);
        return m + Math.log(Math.exp(t1 - m) + Math.exp(t2 - m));
    }

    @Override
    public double logPredict(double[] theta, Points points, int i, double[] gradient) {
        double logC = points.logFlops()[i];
        double t1 = theta[1] - theta[2] * logC;
        double t2 = theta[0];
        double m = Math.max(t1, t2);
        double w1 = Math.exp(t1 - m);
        double w2 = Math.exp(t2 - m);
        double sum = w1 + w2;
        w1 /= sum;
        w2 /= sum;
        gradient[0] = w2;
        gradient[1] = w1;
        gradient[2] = -w1 * logC;
        return m + Math.log(sum);
    }

    @Override
    public Map<String, Double> parameters(double[] theta) {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("E", Math.exp(theta[0]));
        p.put("A", Math.exp(theta[1]));
        p.put("alpha", theta[2]);
        return p;
    }

    @Override
    public Map<String, Double> derived(double[] theta, double[] computeBudgets) {
        return Map.of();
    }

    @Override
    public double[] theta(Map<String, Double> p) {
        return new double[] {Math.log(p.get("E")), Math.log(p.get("A")), p.get("alpha")};
    }
}
