package dev.lawfit.frontier;

/**
 * A compute-optimal frontier: N_opt(C) = kN C^a, D_opt(C) = kD C^b (C in FLOPs), and the loss along it
 * L_opt(C) = kL C^lossExponent where the approach gives a power law for it (NaN otherwise).
 *
 * @param points how many frontier points the exponents were fitted on (envelope points, IsoFLOP
 *               budgets); 0 for the approach derived from a fitted law
 */
public record Frontier(String approach, double a, double kN, double b, double kD, double kL, double lossExponent,
                       int points, String message) {

    public double nOpt(double flops) {
        return kN * Math.pow(flops, a);
    }

    public double dOpt(double flops) {
        return kD * Math.pow(flops, b);
    }

    public double lossOpt(double flops) {
        return kL * Math.pow(flops, lossExponent);
    }

    /** kN with C in PF-days (1 PF-day = {@link dev.lawfit.law.FlopConvention#PF_DAY} FLOPs), as the linear-complexity study reports it. */
    public double kNPfDays() {
        return kN * Math.pow(dev.lawfit.law.FlopConvention.PF_DAY, a);
    }

    /** kD with C in PF-days. */
    public double kDPfDays() {
        return kD * Math.pow(dev.lawfit.law.FlopConvention.PF_DAY, b);
    }

    public boolean ok() {
        return message.isEmpty();
    }

    static Frontier failed(String approach, String message) {
        return new Frontier(approach, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, message);
    }
}
