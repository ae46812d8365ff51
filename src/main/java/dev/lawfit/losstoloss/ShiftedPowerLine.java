package dev.lawfit.losstoloss;

/**
 * A fitted loss-to-loss line, L_y = K (L_x - E_x)^kappa + E_y, with how it was obtained and its fit on
 * the pairs: sum of squared residuals in loss space, RMSE, R^2 and the number of pairs.
 */
public record ShiftedPowerLine(double k, double kappa, double ex, double ey, String eSource, double rss, double rmse, double r2, int n) {

    public double predict(double lx) {
        return lx > ex ? k * Math.pow(lx - ex, kappa) + ey : Double.NaN;
    }

    public boolean ok() {
        return Double.isFinite(k) && Double.isFinite(kappa) && Double.isFinite(rss);
    }

    public static ShiftedPowerLine failed(String source, int n) {
        return new ShiftedPowerLine(Double.NaN, Double.NaN, Double.NaN, Double.NaN, source, Double.NaN, Double.NaN, Double.NaN, n);
    }
}
