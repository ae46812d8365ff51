package dev.lawfit.law;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A capability: a law of loss in (N, D) that gives the compute-optimal allocation under C = 6ND. Any law
 * that has it feeds the frontier (approach 3), the comparison table and the downstream error at a budget;
 * nothing looks a law up by its name for that.
 */
public interface ComputeOptimal extends Law {

    /** The exponents of the allocation N_opt = k_n C^a, D_opt = k_d C^b (C in FLOPs): {a, k_n, b, k_d}. */
    double[] allocation(double[] theta);

    /** The law's loss at model size N and tokens D, in logs. */
    double logLossAt(double[] theta, double logParams, double logTokens);

    /** N_opt, D_opt, tokens per parameter and the loss there at each budget, keyed {@code name@budget}. */
    default Map<String, Double> atBudgets(double[] theta, double[] computeBudgets) {
        double[] alloc = allocation(theta);
        Map<String, Double> d = new LinkedHashMap<>();
        for (double budget : computeBudgets) {
            String at = "@" + Budgets.label(budget); // keys as Budgets.Key writes them
            double logN = Math.log(alloc[1]) + alloc[0] * Math.log(budget);
            double logD = Math.log(alloc[3]) + alloc[2] * Math.log(budget);
            d.put("n_opt" + at, Math.exp(logN));
            d.put("d_opt" + at, Math.exp(logD));
            d.put("tokens_per_param" + at, Math.exp(logD - logN));
            d.put("loss" + at, Math.exp(logLossAt(theta, logN, logD)));
        }
        return d;
    }
}
