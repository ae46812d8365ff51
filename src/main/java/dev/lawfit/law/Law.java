package dev.lawfit.law;

import java.util.List;
import java.util.Map;

/**
 * One law of any family: what it predicts ({@link #target}) from which covariates, its named parameters
 * with bounds and starting grid, the prediction with its analytic gradient, its derived quantities, its
 * natural held-out split ({@link #holdOut}) and its family. Every family implements this one interface
 * (the (N, D, C) laws, the training-curve laws, the loss-to-loss line, the downstream laws), so fitting,
 * bootstrap intervals, backtests, predictions and tables are the same code for all of them: one call,
 * {@code Fitter.fit(law, points, settings)}. A law that needs its own solver (closed forms, variable
 * projection) says so by implementing {@code dev.lawfit.fit.SolvedLaw}; the others are fitted by the
 * screened grid search on Huber-loss of log residuals. Everything is over primitive arrays; a law
 * allocates nothing per evaluation. Nothing outside the law classes knows a formula.
 */
public interface Law extends java.io.Serializable {

    /** How a law's held-out backtest splits a group's points. */
    enum HoldOut {
        /** Refit without the largest model sizes and predict them ({@code backtest.hold_out_sizes} of them). */
        LARGEST_SIZES,
        /** Refit without the most over-trained points (largest tokens per parameter D/N) and predict them. */
        MOST_OVERTRAINED,
        /** Refit without the highest-compute points and predict them. */
        HIGHEST_COMPUTE,
        /** Refit on a run's early checkpoints and predict the rest ({@code backtest.fit_fraction} of the covariate x, progress). */
        LATE_PROGRESS;

        /** The spec's and the tables' name, e.g. {@code most_overtrained}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The split a spec's {@code backtest.hold_out} names (the splits by level; late progress belongs to curve laws). */
        public static HoldOut byLabel(String label) {
            for (HoldOut h : values()) if (h != LATE_PROGRESS && h.label().equals(label)) return h;
            throw new IllegalArgumentException("backtest.hold_out must be largest_sizes, most_overtrained or highest_compute, got '" + label + "'");
        }
    }

    /**
     * The law's fixed description as one value ({@link LawDescription}: name, family, formula, target, covariates, coordinates
     * with bounds and starting grid, shape coordinates, held-out split, fewest points). A law gives this and its mathematics;
     * the getters below read it.
     */
    LawDescription description();

    /** The name used in job specs and output tables, e.g. {@code chinchilla}. */
    default String name() {
        return description().name();
    }

    /** The family the law belongs to, as the {@code family} column of the output tables says it. */
    default Family family() {
        return description().family();
    }

    /** What the law predicts, e.g. {@code loss}, {@code loss_y}, {@code error}. */
    default String target() {
        return description().target();
    }

    /** The covariates it reads, e.g. {@code N, D}. */
    default String covariates() {
        return description().covariates();
    }

    /** The natural held-out split of the law's data. */
    default HoldOut holdOut() {
        return description().holdOut();
    }

    /**
     * The prediction at point i (in the target's units). By default exp of {@link #logPredict}; laws
     * whose prediction may be zero or negative (an error share, a shifted power) override it.
     */
    default double predict(double[] theta, Points points, int i) {
        return Math.exp(logPredict(theta, points, i));
    }

    /** The prediction at point i; writes d(prediction)/d(theta) into {@code gradient}. */
    default double predict(double[] theta, Points points, int i, double[] gradient) {
        double value = Math.exp(logPredict(theta, points, i, gradient));
        for (int k = 0; k < gradient.length; k++) gradient[k] *= value;
        return value;
    }

    /**
     * The prediction (or with {@code log} its log) at points {@code index[0..count)} into {@code values[0..count)}, and
     * their gradients into {@code jacobian} (the k-th listed point's at k * dimension); {@code scratch} holds one gradient.
     * A solver evaluates a law this way, one call per evaluation rather than one per point, and lists only the points a
     * resample drew (about 63% of them, each once however often drawn), so a law whose resamples are many and cheap can
     * evaluate them in one tight loop of its own.
     */
    default void predictions(double[] theta, Points points, int[] index, int count, boolean log, double[] values, double[] jacobian,
                             double[] scratch) {
        int p = scratch.length;
        for (int k = 0; k < count; k++) {
            int i = index[k];
            values[k] = log ? logPredict(theta, points, i, scratch) : predict(theta, points, i, scratch);
            System.arraycopy(scratch, 0, jacobian, k * p, p);
        }
    }

    /** The law in one line, for the README and the output. */
    default String formula() {
        return description().formula();
    }

    /** Names of the coordinates the optimiser works in (e.g. log-coefficients). */
    default List<String> coordinateNames() {
        return description().coordinates();
    }

    default double[] lowerBounds() {
        return description().lowerBounds().clone();
    }

    default double[] upperBounds() {
        return description().upperBounds().clone();
    }

    /** The default grid of starting points in optimiser coordinates. */
    default StartingGrid defaultGrid() {
        return description().grid();
    }

    /**
     * The coordinates that set the law's shape (its exponents). The search polishes the best start of
     * each distinct combination of their starting values, so it cannot spend every polish on one
     * plateau where a term has vanished.
     */
    default List<String> shapeCoordinates() {
        return description().shapeCoordinates();
    }

    /**
     * Whether the screened grid search polishes its starts by Levenberg-Marquardt (true) or by L-BFGS-B. A law whose
     * objective has many basins close in value may keep L-BFGS-B, whose polishes land where the field's procedure lands.
     */
    default boolean gaussNewtonSearch() {
        return true;
    }

    /** Fewer points than this and the law is not fitted (status too_few_points). */
    default int minPoints() {
        return description().minPoints();
    }

    /**
     * Why these points cannot determine the law's parameters (e.g. a single model size for an exponent in
     * N), or null when they can. Such a group gets status too_few_points instead of an arbitrary fit.
     */
    default String unidentifiable(Points points) {
        return null;
    }

    /**
     * What a fit of these points should say beside its parameters (e.g. a parameter the group cannot determine and
     * that stays at its published value), or null.
     */
    default String note(Points points) {
        return null;
    }

    /**
     * The law's own prediction targets (e.g. a loss-to-loss line at the L_x values a spec lists), by name; the (N, D, C)
     * laws predict at the settings' targets instead. Empty by default.
     */
    default Map<String, Double> forecasts(double[] theta) {
        return Map.of();
    }

    /** Predicted log loss at point {@code i}. */
    double logPredict(double[] theta, Points points, int i);

    /** Predicted log loss at point {@code i}; writes d(log prediction)/d(theta) into {@code gradient}. */
    double logPredict(double[] theta, Points points, int i, double[] gradient);

    /** The law's parameters as users know them (e.g. E, A, B, alpha, beta), in a stable order. */
    Map<String, Double> parameters(double[] theta);

    /**
     * The optimiser coordinates of the given parameters: the inverse of {@link #parameters}, so a published row
     * (or a bootstrap resample's estimates) can be turned back into a law to draw or predict with. By default
     * the parameters are the coordinates.
     */
    default double[] theta(Map<String, Double> parameters) {
        return coordinateNames().stream().mapToDouble(parameters::get).toArray();
    }

    /**
     * Quantities derived from the parameters (e.g. compute-optimal exponents), and for each training
     * compute budget those that depend on one (named {@code name@budget}, see {@link Budgets#label}); may be empty.
     */
    Map<String, Double> derived(double[] theta, double[] computeBudgets);

    /**
     * {@link #parameters(double[])} written into {@code out} from {@code from}, in the same order, without a map: a bootstrap
     * writes a thousand resamples' estimates per group. By default from the map; a law whose resamples are cheap writes them itself.
     */
    default void parameters(double[] theta, double[] out, int from) {
        for (double v : parameters(theta).values()) out[from++] = v;
    }

    /** {@link #derived(double[], double[])} written into {@code out} from {@code from}, in the same order. */
    default void derived(double[] theta, double[] computeBudgets, double[] out, int from) {
        for (double v : derived(theta, computeBudgets).values()) out[from++] = v;
    }

    /** {@link #forecasts(double[])} written into {@code out} from {@code from}, in the same order. */
    default void forecasts(double[] theta, double[] out, int from) {
        for (double v : forecasts(theta).values()) out[from++] = v;
    }

    default int dimension() {
        return coordinateNames().size();
    }

    /**
     * How far point {@code i} of {@code at} lies outside the data {@code fit} was fitted on, in natural-log units: 0 inside,
     * ln 2 at twice the largest value. The (N, D, C) laws measure the box of model size, tokens, compute and tokens per
     * parameter, by the coordinate that extrapolates most (a forecast at 20x the compute is ln 20 away); a family with a
     * covariate of its own says how it extrapolates along it.
     */
    default double distance(Points fit, Points at, int i) {
        double d = 0;
        double[][] columns = {fit.params(), fit.tokens(), fit.flops()};
        double[] values = {at.params()[i], at.tokens()[i], at.flops()[i]};
        for (int c = 0; c < columns.length; c++) d = Math.max(d, outside(columns[c], values[c]));
        double[] ratios = new double[fit.size()];
        for (int k = 0; k < ratios.length; k++) ratios[k] = fit.tokens()[k] / fit.params()[k];
        return Math.max(d, outside(ratios, at.tokens()[i] / at.params()[i]));
    }

    /**
     * Whether coordinate k's lower (or upper) bound is the edge of the parameter's own domain (an error rate's floor at 0),
     * where an estimate may rightly sit, rather than a box the search is kept in; false by default.
     */
    default boolean naturalBound(int k, boolean lower) {
        return false;
    }

    /** Why a forecast of the law is undefined (NaN), as the end of a sentence (e.g. ": at or below E_x = 1.8"); empty by default. */
    default String undefinedBecause(double[] theta) {
        return "";
    }

    /** How far each of the law's own forecasts ({@link #forecasts}) lies outside {@code fit}, by name; empty by default. */
    default Map<String, Double> forecastDistances(Points fit) {
        return Map.of();
    }

    /** How far {@code value} lies outside the range of {@code values}, in natural-log units (0 inside). */
    static double outside(double[] values, double value) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (!(v > 0) || Double.isInfinite(v)) continue;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!(value > 0) || !(hi > 0)) return 0;
        return Math.max(0, Math.max(Math.log(value / hi), Math.log(lo / value)));
    }
}
