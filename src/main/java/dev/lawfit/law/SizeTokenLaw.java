package dev.lawfit.law;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the laws of loss in model size N and tokens D with an irreducible term share (Chinchilla's and Kaplan's
 * forms): parameters E, A, B, alpha, beta, fitted in the coordinates e = log E, a = log A, b = log B, alpha,
 * beta; the exponents set the shape; at least 7 points and 3 values each of N and D (with fewer, an exponent and
 * its coefficient, or E, trade off freely); a compute-optimal allocation under C = 6ND.
 */
public abstract class SizeTokenLaw implements ComputeOptimal {

    private static final long serialVersionUID = 1L;
    private static final List<String> COORDINATES = List.of("e", "a", "b", "alpha", "beta");

    /** A law in (N, D) over these coordinates: its description from its name, formula, bounds and grid. */
    protected static LawDescription describe(String name, String formula, double[] lower, double[] upper, StartingGrid grid) {
        return LawDescription.of(name, formula).withCovariates("N, D").withCoordinates(COORDINATES, lower, upper).withGrid(grid)
                .withShape(List.of("alpha", "beta")).withMinPoints(7);
    }

    @Override
    public String unidentifiable(Points points) {
        int sizes = Points.distinct(points.params());
        int tokenCounts = Points.distinct(points.tokens());
        if (sizes < 3 || tokenCounts < 3) {
            return name() + " needs at least 3 model sizes and 3 token counts; the group has " + sizes + " and " + tokenCounts;
        }
        return null;
    }

    @Override
    public double logPredict(double[] theta, Points points, int i) {
        return logLossAt(theta, points.logParams()[i], points.logTokens()[i]);
    }

    @Override
    public Map<String, Double> parameters(double[] theta) {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("E", Math.exp(theta[0]));
        p.put("A", Math.exp(theta[1]));
        p.put("B", Math.exp(theta[2]));
        p.put("alpha", theta[3]);
        p.put("beta", theta[4]);
        return p;
    }

    @Override
    public double[] theta(Map<String, Double> p) {
        return new double[] {Math.log(p.get("E")), Math.log(p.get("A")), Math.log(p.get("B")), p.get("alpha"), p.get("beta")};
    }

    /** The allocation exponents a and b, then N_opt, D_opt, tokens per parameter and loss at each budget. */
    @Override
    public Map<String, Double> derived(double[] theta, double[] computeBudgets) {
        double[] alloc = allocation(theta);
        Map<String, Double> d = new LinkedHashMap<>();
        d.put("a", alloc[0]);
        d.put("b", alloc[2]);
        d.putAll(extraDerived(theta));
        d.putAll(atBudgets(theta, computeBudgets));
        return d;
    }

    /** Quantities a law adds after a and b (Chinchilla's G). */
    protected Map<String, Double> extraDerived(double[] theta) {
        return Map.of();
    }
}
