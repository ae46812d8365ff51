package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.StartingGrid;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;

/**
 * How laws are fitted and checked: the Huber threshold, how many starts the search polishes (0 = every
 * grid point, the exhaustive search), the optimiser's settings, per-law grid overrides, the compute
 * budgets derived quantities are reported at, the bootstrap, and how many of the largest model sizes
 * the backtest holds out (0 turns it off).
 */
public record FitSettings(double huberDelta, int polishStarts, LbfgsSettings lbfgs,
                          Map<String, Map<String, double[]>> gridOverrides, double[] computeBudgets,
                          BootstrapSettings bootstrap, int backtestHoldOutSizes, double backtestFitFraction) implements Serializable {

    public static final double[] DEFAULT_BUDGETS = {1e21, 1e22, 1e23, 1e24, 1e25};
    /** Curve laws' backtest: fitted on checkpoints up to this fraction of the run, the rest predicted. */
    public static final double DEFAULT_FIT_FRACTION = 0.3;
    public static final FitSettings DEFAULT = new FitSettings(1e-3, 12, LbfgsSettings.DEFAULT, Map.of(), DEFAULT_BUDGETS,
            BootstrapSettings.DEFAULT, 1, DEFAULT_FIT_FRACTION);

    public FitSettings(double huberDelta, int polishStarts, LbfgsSettings lbfgs, Map<String, Map<String, double[]>> gridOverrides,
                       double[] computeBudgets, BootstrapSettings bootstrap, int backtestHoldOutSizes) {
        this(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, DEFAULT_FIT_FRACTION);
    }

    public FitSettings {
        if (!(huberDelta > 0)) throw new IllegalArgumentException("fit.huber_delta must be > 0, got " + huberDelta);
        if (backtestHoldOutSizes < 0) throw new IllegalArgumentException("backtest.hold_out_sizes must be >= 0");
        if (!(backtestFitFraction > 0 && backtestFitFraction < 1)) {
            throw new IllegalArgumentException("backtest.fit_fraction must be in (0, 1), got " + backtestFitFraction);
        }
        for (double b : computeBudgets) {
            if (!(b > 0) || Double.isInfinite(b)) throw new IllegalArgumentException("compute budgets must be finite and > 0, got " + b);
        }
    }

    public boolean exhaustive() {
        return polishStarts <= 0;
    }

    public FitSettings withPolishStarts(int starts) {
        return new FitSettings(huberDelta, starts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, backtestFitFraction);
    }

    public FitSettings withBootstrap(BootstrapSettings value) {
        return new FitSettings(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, value, backtestHoldOutSizes, backtestFitFraction);
    }

    public FitSettings withBacktestHoldOutSizes(int sizes) {
        return new FitSettings(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, sizes, backtestFitFraction);
    }

    public FitSettings withBacktestFitFraction(double fraction) {
        return new FitSettings(huberDelta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, fraction);
    }

    public FitSettings withHuberDelta(double delta) {
        return new FitSettings(delta, polishStarts, lbfgs, gridOverrides, computeBudgets, bootstrap, backtestHoldOutSizes, backtestFitFraction);
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
                .append(";bootstrap=").append(bootstrap.describe()).append(";backtest=").append(backtestHoldOutSizes);
        if (law.holdOut() == Law.HoldOut.LATE_PROGRESS) s.append(";fit_fraction=").append(backtestFitFraction);
        gridFor(law).axes().forEach((axis, values) -> s.append(';').append(axis).append('=').append(Arrays.toString(values)));
        return s.toString();
    }
}
