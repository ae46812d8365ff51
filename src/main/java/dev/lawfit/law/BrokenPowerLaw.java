package dev.lawfit.law;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A broken power law in compute with one break (Caballero et al. 2023): L(C) = E + A C^-alpha (1 + (C / C_b)^(1/f))^(-delta f).
 * Well below the break C_b the loss falls with exponent alpha, well above it with alpha + delta; f sets how sharp the
 * bend is. Fitted in logs, log L = LSE(e, a - alpha log C - delta f softplus((log C - log C_b) / f)).
 */
public final class BrokenPowerLaw implements Law {

    private static final long serialVersionUID = 1L;
    private static final List<String> COORDINATES = List.of("e", "a", "alpha", "delta", "log_cb", "f");

    private static final LawDescription DESCRIPTION = LawDescription.of("broken_power_compute", "L(C) = E + A*C^-alpha*(1 + (C/C_b)^(1/f))^(-delta*f)")
            .withCovariates("C")
            .withCoordinates(COORDINATES, new double[] {-10, -10, 0, -1, 25, 0.05}, new double[] {5, 60, 3, 2, 80, 3})
            // 3 x 7 x 4 x 3 x 7 x 2 = 3,528 starts; the break anywhere from 1e15 to 1e26 FLOPs.
            .withGrid(StartingGrid.of("e", new double[] {-1, 0, 1}, "a", StartingGrid.range(0, 30, 5),
                "alpha", new double[] {0.02, 0.05, 0.1, 0.2}, "delta", new double[] {-0.05, 0.05, 0.15},
                "log_cb", StartingGrid.range(35, 60, 4), "f", new double[] {0.3, 1}))
            .withShape(List.of("alpha", "delta", "log_cb"))
            .withMinPoints(8);

    @Override
    public LawDescription description() {
        return DESCRIPTION;
    }

    /** Its basins (where the break sits) are close in value: the Levenberg-Marquardt search found a worse one on 52 of 200 groups. */
    @Override
    public boolean gaussNewtonSearch() {
        return false;
    }

    @Override
    public String unidentifiable(Points points) {
        if (Points.distinct(points.params()) < 2) return Compute.ONE_SIZE;
        int budgets = Points.distinct(points.flops());
        return budgets < 6 ? name() + " needs at least 6 compute values (a bend takes two slopes and where it is); the group has " + budgets : null;
    }

    @Override
    public double logPredict(double[] theta, Points points, int i) {
        return log(theta, points.logFlops()[i], null);
    }

    @Override
    public double logPredict(double[] theta, Points points, int i, double[] gradient) {
        return log(theta, points.logFlops()[i], gradient);
    }

    private static double log(double[] theta, double logC, double[] gradient) {
        double alpha = theta[2], delta = theta[3], logCb = theta[4], f = theta[5];
        double z = (logC - logCb) / f;
        double softplus = z > 30 ? z + Math.exp(-z) : Math.log1p(Math.exp(z));
        double sigmoid = 1 / (1 + Math.exp(-z));
        double t = theta[1] - alpha * logC - delta * f * softplus;
        double total = LogSumExp.of(theta[0], t);
        if (gradient != null) {
            double we = Math.exp(theta[0] - total), wt = Math.exp(t - total);
            gradient[0] = we;
            gradient[1] = wt;
            gradient[2] = -wt * logC;
            gradient[3] = -wt * f * softplus;
            gradient[4] = wt * delta * sigmoid;
            gradient[5] = -wt * delta * (softplus - sigmoid * z);
        }
        return total;
    }

    @Override
    public Map<String, Double> parameters(double[] theta) {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("E", Math.exp(theta[0]));
        p.put("A", Math.exp(theta[1]));
        p.put("alpha", theta[2]);
        p.put("delta", theta[3]);
        p.put("C_b", Math.exp(theta[4]));
        p.put("f", theta[5]);
        return p;
    }

    @Override
    public double[] theta(Map<String, Double> p) {
        return new double[] {Math.log(p.get("E")), Math.log(p.get("A")), p.get("alpha"), p.get("delta"), Math.log(p.get("C_b")), p.get("f")};
    }

    /** The exponent after the break, alpha + delta. */
    @Override
    public Map<String, Double> derived(double[] theta, double[] computeBudgets) {
        return Map.of("alpha_after", theta[2] + theta[3]);
    }
}
