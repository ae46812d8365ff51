package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.StartingGrid;
import dev.lawfit.law.Target;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How laws are fitted and checked: the Huber threshold, how many starts the search polishes (0 = every
 * grid point, the exhaustive search), the optimiser's settings, per-law grid overrides, the compute
 * budgets derived quantities are reported at, the bootstrap, and how many of the largest model sizes
 * the backtest holds out (0 turns it off).
 */
public record FitSettings(double huberDelta, int polishStarts, LbfgsSettings lbfgs,
                          Map<String, Map<String, double[]>> gridOverrides, double[] computeBudgets,
                          BootstrapSettings bootstrap, int backtestHoldOutSizes, double backtestFitFraction,
                          Law.HoldOut backtestSplit, Map<String, Integer> minPointsOverrides, List<Target> targets) implements Serializable {

    public static final double[] DEFAULT_BUDGETS = {1e21, 1e22, 1e23, 1e24, 1e25};
    /** Curve laws' backtest: fitted on checkpoints up to this fraction of the run, the rest predicted. */
    public static final double DEFAULT_FIT_FRACTION = 0.3;
    public static final FitSettings DEFAULT = new FitSettings(1e-3, 12, LbfgsSettings.DEFAULT, Map.of(), DEFAULT_BUDGETS,
            BootstrapSettings.DEFAULT, 1, DEFAULT_FIT_FRACTION, Law.HoldOut.LARGEST_SIZES, Map.of(), List.of());

    public FitSettings(double huberDelta, int polishStarts, LbfgsSettings lbfgs, Map<String, Map<String, double[]>> gridOverrides,
                       double[] computeBudgets, BootstrapSettings bootstrap, int backtestHoldOutSizes) {
        this(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, DEFAULT_FIT_FRACTION,
                Law.HoldOut.LARGEST_SIZES, Map.of(), List.of());
    }

    public FitSettings {
        if (backtestSplit == null || backtestSplit == Law.HoldOut.LATE_PROGRESS) {
            throw new IllegalArgumentException("backtest.hold_out must be largest_sizes, most_overtrained or highest_compute");
        }
        minPointsOverrides = minPointsOverrides == null ? Map.of() : Map.copyOf(minPointsOverrides);
        for (Map.Entry<String, Integer> e : minPointsOverrides.entrySet()) {
            if (e.getValue() == null || e.getValue() < 2) throw new IllegalArgumentException("fit.min_points." + e.getKey() + " must be at least 2, got " + e.getValue());
        }
        targets = targets == null ? List.of() : List.copyOf(targets);
        if (!(huberDelta > 0)) throw new IllegalArgumentException("fit.huber_delta must be > 0, got " + huberDelta);
        if (polishStarts < 0) {
            throw new IllegalArgumentException("fit.polish_starts must be >= 0 (0 polishes every grid point: the exhaustive search), got " + polishStarts);
        }
        if (backtestHoldOutSizes < 0) throw new IllegalArgumentException("backtest.hold_out_sizes must be >= 0");
        if (!(backtestFitFraction > 0 && backtestFitFraction < 1)) {
            throw new IllegalArgumentException("backtest.fit_fraction must be in (0, 1), got " + backtestFitFraction);
        }
        for (double b : computeBudgets) {
            if (!(b > 0) || Double.isInfinite(b)) throw new IllegalArgumentException("compute budgets must be finite and > 0, got " + b);
        }
    }

    public boolean exhaustive() {
        return polishStarts == 0;
    }

    public FitSettings withPolishStarts(int starts) {
        return new FitSettings(huberDelta, starts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, backtestFitFraction, backtestSplit, minPointsOverrides, targets);
    }

    public FitSettings withBootstrap(BootstrapSettings value) {
        return new FitSettings(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, value, backtestHoldOutSizes, backtestFitFraction, backtestSplit, minPointsOverrides, targets);
    }

    public FitSettings withBacktestHoldOutSizes(int sizes) {
        return new FitSettings(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, sizes, backtestFitFraction, backtestSplit, minPointsOverrides, targets);
    }

    public FitSettings withBacktestFitFraction(double fraction) {
        return new FitSettings(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, fraction, backtestSplit, minPointsOverrides, targets);
    }

    public FitSettings withHuberDelta(double delta) {
        return new FitSettings(delta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, backtestFitFraction, backtestSplit, minPointsOverrides, targets);
    }

    /** How the laws held out by size split their points (largest sizes, most over-trained or highest compute). */
    public FitSettings withBacktestSplit(Law.HoldOut split) {
        return new FitSettings(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, backtestFitFraction,
                split, minPointsOverrides, targets);
    }

    /** A spec's {@code fit.min_points}: per law, the fewest points it is fitted on (below the law's own safeguard, with a warning). */
    public FitSettings withMinPoints(Map<String, Integer> overrides) {
        return new FitSettings(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, backtestFitFraction,
                backtestSplit, overrides, targets);
    }

    /** The spec's {@code predict:} points. */
    public FitSettings withTargets(List<Target> value) {
        return new FitSettings(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, backtestFitFraction,
                backtestSplit, minPointsOverrides, value);
    }

    /** The split a law's backtest uses: its own when it follows progress, else the spec's. */
    public Law.HoldOut splitFor(Law law) {
        return law.holdOut() == Law.HoldOut.LATE_PROGRESS ? Law.HoldOut.LATE_PROGRESS : backtestSplit;
    }

    /** The fewest points a law is fitted on: the spec's override, else the law's own. */
    public int minPoints(Law law) {
        return minPointsOverrides.getOrDefault(law.name(), law.minPoints());
    }

    /** The points every (N, D, C) law predicts at with intervals: the spec's, else each compute budget at 20 tokens per parameter. */
    public List<Target> forecastTargets() {
        return targets.isEmpty() ? Target.defaults(computeBudgets) : targets;
    }

    public StartingGrid gridFor(Law law) {
        Map<String, double[]> overrides = gridOverrides.get(law.name());
        return overrides == null ? law.defaultGrid() : law.defaultGrid().withAxes(overrides);
    }

    /** A stable text of everything that changes a law's results, for fingerprints. */
    public String describe(Law law) {
        StringBuilder s = new StringBuilder();
        s.append(law.name()).append(";delta=").append(huberDelta).append(";polish=").append(polishStarts)
                .append(";lbfgs=").append(lbfgs).append(";budgets=").append(Arrays.toString(computeBudgets))
                .append(";bootstrap=").append(bootstrap.describe()).append(";backtest=").append(backtestHoldOutSizes)
                .append(";split=").append(splitFor(law)).append(";min_points=").append(minPoints(law));
        if (law.holdOut() == Law.HoldOut.LATE_PROGRESS) s.append(";fit_fraction=").append(backtestFitFraction);
        if (law.family() == dev.lawfit.law.Family.COMPUTE) forecastTargets().forEach(t -> s.append(";target=").append(t));
        gridFor(law).axes().forEach((axis, values) -> s.append(';').append(axis).append('=').append(Arrays.toString(values)));
        return s.toString();
    }
}
