package dev.lawfit.losstoloss;

/**
 * Fits L_y = K (L_x - E_x)^kappa + E_y to paired losses (the same checkpoints on datasets x and y), as
 * Brandfonbrener et al. 2024 and Mayilvahanan et al. 2025 do. Given the irreducible losses E_x, E_y, K and
 * kappa follow in closed form: least squares of log(L_y - E_y) = kappa log(L_x - E_x) + log K. Without
 * them ("joint"), E_x and E_y are searched on a grid over [0, min L_x) x [0, min L_y), keeping the lowest
 * squared error in loss space, then refined on a finer grid around the best cell.
 */
public final class LossToLossFit {

    public static final String GIVEN = "compute_fit";
    public static final String JOINT = "joint";
    static final int GRID = 24;
    static final int REFINEMENTS = 3;

    private LossToLossFit() {
    }

    /** K and kappa for given E_x, E_y; failed when fewer than 3 pairs lie above both. */
    public static ShiftedPowerLine withIrreducible(double[] lx, double[] ly, double ex, double ey, String source) {
        int n = 0;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < lx.length; i++) {
            if (!(lx[i] > ex && ly[i] > ey)) continue;
            double u = Math.log(lx[i] - ex), v = Math.log(ly[i] - ey);
            n++;
            sx += u;
            sy += v;
            sxx += u * u;
            sxy += u * v;
        }
        if (n < 3 || n < lx.length) return ShiftedPowerLine.failed(source, lx.length);
        double det = n * sxx - sx * sx;
        if (!(det > 1e-300)) return ShiftedPowerLine.failed(source, lx.length);
        double kappa = (n * sxy - sx * sy) / det;
        double k = Math.exp((sy - kappa * sx) / n);
        return scored(lx, ly, k, kappa, ex, ey, source);
    }

    /** E_x, E_y fitted jointly with K and kappa. */
    public static ShiftedPowerLine joint(double[] lx, double[] ly) {
        if (lx.length < 4) return ShiftedPowerLine.failed(JOINT, lx.length);
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        for (int i = 0; i < lx.length; i++) {
            minX = Math.min(minX, lx[i]);
            minY = Math.min(minY, ly[i]);
        }
        double loX = 0, hiX = minX, loY = 0, hiY = minY;
        ShiftedPowerLine best = null;
        for (int round = 0; round <= REFINEMENTS; round++) {
            double stepX = (hiX - loX) / GRID, stepY = (hiY - loY) / GRID;
            for (int a = 0; a < GRID; a++) {
                for (int b = 0; b < GRID; b++) {
                    double ex = loX + stepX * (a + 0.5), ey = loY + stepY * (b + 0.5);
                    if (ex >= minX || ey >= minY) continue;
                    ShiftedPowerLine line = withIrreducible(lx, ly, ex, ey, JOINT);
                    if (line.ok() && (best == null || line.rss() < best.rss())) best = line;
                }
            }
            if (best == null) return ShiftedPowerLine.failed(JOINT, lx.length);
            loX = Math.max(0, best.ex() - 2 * stepX);
            hiX = Math.min(minX, best.ex() + 2 * stepX);
            loY = Math.max(0, best.ey() - 2 * stepY);
            hiY = Math.min(minY, best.ey() + 2 * stepY);
        }
        return best;
    }

    static ShiftedPowerLine scored(double[] lx, double[] ly, double k, double kappa, double ex, double ey, String source) {
        double rss = 0, mean = 0, tss = 0;
        for (double v : ly) mean += v;
        mean /= ly.length;
        for (int i = 0; i < lx.length; i++) {
            double r = k * Math.pow(lx[i] - ex, kappa) + ey - ly[i];
            rss += r * r;
            tss += (ly[i] - mean) * (ly[i] - mean);
        }
        return new ShiftedPowerLine(k, kappa, ex, ey, source, rss, Math.sqrt(rss / lx.length), tss > 0 ? 1 - rss / tss : Double.NaN, lx.length);
    }
}
