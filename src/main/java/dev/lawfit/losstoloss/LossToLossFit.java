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
    static final int SHIFT_REFINEMENTS = 16;

    private LossToLossFit() {
    }

    /** K and kappa for given E_x, E_y; failed when fewer than 3 pairs lie above both. */
    public static ShiftedPowerLine withIrreducible(double[] lx, double[] ly, double ex, double ey, String source) {
        return withIrreducible(lx, ly, ex, ey, source, false);
    }

    /** Huber's tuning constant: 95% efficiency under normal errors. */
    static final double HUBER_K = 1.345;
    static final int ROBUST_ITERATIONS = 30;

    /**
     * K and kappa for given E_x, E_y: least squares of log(L_y - E_y) on log(L_x - E_x); with {@code robust}, Huber-weighted
     * (iteratively reweighted, the threshold 1.345 robust standard deviations of the residuals, from their median absolute
     * deviation), so a loss spike does not pull the line.
     */
    public static ShiftedPowerLine withIrreducible(double[] lx, double[] ly, double ex, double ey, String source, boolean robust) {
        int m = lx.length;
        double[] u = new double[m], v = new double[m], w = new double[m];
        for (int i = 0; i < m; i++) {
            if (!(lx[i] > ex && ly[i] > ey)) return ShiftedPowerLine.failed(source, m);
            u[i] = Math.log(lx[i] - ex);
            v[i] = Math.log(ly[i] - ey);
            w[i] = 1;
        }
        if (m < 3) return ShiftedPowerLine.failed(source, m);
        double[] line = weightedLine(u, v, w);
        if (line == null) return ShiftedPowerLine.failed(source, m);
        if (robust) {
            double[] r = new double[m];
            for (int iteration = 0; iteration < ROBUST_ITERATIONS; iteration++) {
                for (int i = 0; i < m; i++) r[i] = v[i] - line[0] - line[1] * u[i];
                double delta = HUBER_K * Math.max(1e-9, robustScale(r));
                for (int i = 0; i < m; i++) w[i] = Math.abs(r[i]) <= delta ? 1 : delta / Math.abs(r[i]);
                double[] next = weightedLine(u, v, w);
                if (next == null) break;
                boolean converged = Math.abs(next[0] - line[0]) < 1e-12 && Math.abs(next[1] - line[1]) < 1e-12;
                line = next;
                if (converged) break;
            }
        }
        return scored(lx, ly, Math.exp(line[0]), line[1], ex, ey, source);
    }

    /** Weighted least squares v = a + b u: {a, b}, or null when u does not vary. */
    private static double[] weightedLine(double[] u, double[] v, double[] w) {
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < u.length; i++) {
            sw += w[i];
            sx += w[i] * u[i];
            sy += w[i] * v[i];
            sxx += w[i] * u[i] * u[i];
            sxy += w[i] * u[i] * v[i];
        }
        double det = sw * sxx - sx * sx;
        if (!(det > 1e-300)) return null;
        double b = (sw * sxy - sx * sy) / det;
        return new double[] {(sy - b * sx) / sw, b};
    }

    /** 1.4826 x the median absolute deviation from the median: the standard deviation of normal errors, robustly. */
    static double robustScale(double[] r) {
        double[] sorted = r.clone();
        java.util.Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        double[] dev = new double[r.length];
        for (int i = 0; i < r.length; i++) dev[i] = Math.abs(r[i] - median);
        java.util.Arrays.sort(dev);
        return 1.4826 * dev[dev.length / 2];
    }

    /** E_x, E_y fitted jointly with K and kappa. */
    public static ShiftedPowerLine joint(double[] lx, double[] ly) {
        return joint(lx, ly, false);
    }

    /**
     * E_x, E_y fitted jointly with K and kappa; with {@code robust}, each cell's line is Huber-weighted and cells are
     * compared by the Huber loss of their residuals in loss space (threshold from the plain fit's robust scale).
     */
    public static ShiftedPowerLine joint(double[] lx, double[] ly, boolean robust) {
        return joint(lx, ly, robust, Double.NaN, Double.NaN);
    }

    /**
     * As above; with a previous fit's E_x, E_y (a bootstrap resample of the same data: not NaN), the search covers a box of
     * a tenth of the loss range around them instead of the whole range.
     */
    public static ShiftedPowerLine joint(double[] lx, double[] ly, boolean robust, double nearX, double nearY) {
        if (lx.length < 4) return ShiftedPowerLine.failed(JOINT, lx.length);
        double delta = Double.NaN;
        if (robust) {
            ShiftedPowerLine plain = joint(lx, ly, false, nearX, nearY);
            if (!plain.ok()) return plain;
            double[] r = new double[lx.length];
            for (int i = 0; i < r.length; i++) r[i] = ly[i] - plain.predict(lx[i]);
            delta = HUBER_K * Math.max(1e-9, robustScale(r));
        }
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        for (int i = 0; i < lx.length; i++) {
            minX = Math.min(minX, lx[i]);
            minY = Math.min(minY, ly[i]);
        }
        double loX = 0, hiX = minX, loY = 0, hiY = minY;
        if (!Double.isNaN(nearX) && !Double.isNaN(nearY)) {
            loX = Math.max(0, nearX - 0.1 * minX);
            hiX = Math.min(minX, nearX + 0.1 * minX);
            loY = Math.max(0, nearY - 0.1 * minY);
            hiY = Math.min(minY, nearY + 0.1 * minY);
        }
        ShiftedPowerLine best = null;
        double bestObjective = Double.POSITIVE_INFINITY;
        for (int round = 0; round <= REFINEMENTS; round++) {
            double stepX = (hiX - loX) / GRID, stepY = (hiY - loY) / GRID;
            for (int a = 0; a < GRID; a++) {
                for (int b = 0; b < GRID; b++) {
                    double ex = loX + stepX * (a + 0.5), ey = loY + stepY * (b + 0.5);
                    if (ex >= minX || ey >= minY) continue;
                    ShiftedPowerLine line = withIrreducible(lx, ly, ex, ey, JOINT, robust);
                    if (!line.ok()) continue;
                    double objective = robust ? huber(line, lx, ly, delta) : line.rss();
                    if (best == null || objective < bestObjective) {
                        best = line;
                        bestObjective = objective;
                    }
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

    /**
     * One shape and a vertical offset per level: L_y = K (L_x - E_x)^kappa + c_level. For fixed (E_x, kappa) the model is
     * linear in K and the intercepts, solved in closed form (within-level regression); (E_x, kappa) are searched on a
     * grid over [0, min L_x) x [0.05, 5] (log-spaced, 24 x 24), then 9 x 9 grids zooming in around the best cell, 16 times.
     *
     * @param level index of each point's level, 0 .. levels - 1 (every level must have points)
     * @param near  a previous fit's result (e.g. on the full data, for a bootstrap resample): the search starts in a small
     *              box around its shape instead of the whole grid; null for the whole grid
     * @return {K, kappa, E_x, rss, c_0, ..., c_{levels-1}}, or null when nothing could be fitted
     */
    public static double[] parallelShifts(double[] lx, double[] ly, int[] level, int levels, double[] near) {
        double minX = Double.POSITIVE_INFINITY;
        for (double v : lx) minX = Math.min(minX, v);
        double loX, hiX, loK, hiK;
        if (near == null) {
            loX = 0;
            hiX = minX;
            loK = Math.log(0.05);
            hiK = Math.log(5);
        } else {
            loX = Math.max(0, near[2] - 0.05 * minX);
            hiX = Math.min(minX, near[2] + 0.05 * minX);
            loK = Math.log(near[1]) - 0.2;
            hiK = Math.log(near[1]) + 0.2;
        }
        double[] best = null;
        double[] logs = new double[lx.length], u = new double[lx.length];
        // a coarse grid, then small grids zooming in (each round keeps 4 of 9 cells a side): offsets of a few
        // thousandths of a nat need the shape to about 1e-6
        for (int round = 0; round <= SHIFT_REFINEMENTS; round++) {
            int cells = round == 0 && near == null ? GRID : 9;
            double stepX = (hiX - loX) / cells, stepK = (hiK - loK) / cells;
            for (int a = 0; a < cells; a++) {
                double ex = loX + stepX * (a + 0.5);
                if (ex >= minX) continue;
                for (int i = 0; i < lx.length; i++) logs[i] = Math.log(lx[i] - ex);
                for (int b = 0; b < cells; b++) {
                    double kappa = Math.exp(loK + stepK * (b + 0.5));
                    for (int i = 0; i < lx.length; i++) u[i] = Math.exp(kappa * logs[i]);
                    double[] fit = withinLevels(u, ly, level, levels);
                    if (fit != null && (best == null || fit[1] < best[3])) {
                        best = new double[4 + levels];
                        best[0] = fit[0];
                        best[1] = kappa;
                        best[2] = ex;
                        best[3] = fit[1];
                        System.arraycopy(fit, 2, best, 4, levels);
                    }
                }
            }
            if (best == null) return null;
            loX = Math.max(0, best[2] - 2 * stepX);
            hiX = Math.min(minX, best[2] + 2 * stepX);
            loK = Math.log(best[1]) - 2 * stepK;
            hiK = Math.log(best[1]) + 2 * stepK;
        }
        return best;
    }

    /** Least squares of y on u with an intercept per level: {K, rss, c_0, ...}; null when u does not vary within levels. */
    private static double[] withinLevels(double[] u, double[] y, int[] level, int levels) {
        double[] su = new double[levels], sy = new double[levels];
        int[] count = new int[levels];
        for (int i = 0; i < u.length; i++) {
            su[level[i]] += u[i];
            sy[level[i]] += y[i];
            count[level[i]]++;
        }
        double suu = 0, suy = 0;
        for (int i = 0; i < u.length; i++) {
            int l = level[i];
            double du = u[i] - su[l] / count[l];
            suu += du * du;
            suy += du * (y[i] - sy[l] / count[l]);
        }
        if (!(suu > 1e-300) || !Double.isFinite(suu)) return null;
        double k = suy / suu;
        double[] out = new double[2 + levels];
        out[0] = k;
        for (int l = 0; l < levels; l++) out[2 + l] = (sy[l] - k * su[l]) / count[l];
        double rss = 0;
        for (int i = 0; i < u.length; i++) {
            double r = y[i] - k * u[i] - out[2 + level[i]];
            rss += r * r;
        }
        out[1] = rss;
        return Double.isFinite(rss) ? out : null;
    }

    private static double huber(ShiftedPowerLine line, double[] lx, double[] ly, double delta) {
        double total = 0;
        for (int i = 0; i < lx.length; i++) {
            double r = Math.abs(ly[i] - line.predict(lx[i]));
            total += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta);
        }
        return total;
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
