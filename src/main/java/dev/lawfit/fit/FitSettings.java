package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.StartingGrid;

import java.util.Map;

/**
 * How a law is fitted: the Huber threshold, how many of the best grid points are polished by L-BFGS-B
 * (0 = every grid point, the exhaustive search), the optimiser's settings and per-law grid overrides.
 */
public record FitSettings(double huberDelta, int polishStarts, LbfgsSettings lbfgs,
                          Map<String, Map<String, double[]>> gridOverrides) implements java.io.Serializable {

    public static final FitSettings DEFAULT = new FitSettings(1e-3, 25, LbfgsSettings.DEFAULT, Map.of());

    public boolean exhaustive() {
        return polishStarts <= 0;
    }

    public FitSettings withPolishStarts(int starts) {
        return new FitSettings(huberDelta, starts, lbfgs, gridOverrides);
    }

    public StartingGrid gridFor(Law law) {
        Map<String, double[]> overrides = gridOverrides.get(law.name());
        return overrides == null ? law.defaultGrid() : law.defaultGrid().withAxes(overrides);
    }

    /** A stable text of everything that changes a fit's result, for fingerprints. */
    public String describe(Law law) {
        StringBuilder s = new StringBuilder();
        s.append(law.name()).append(";delta=").append(huberDelta).append(";polish=").append(polishStarts)
                .append(";lbfgs=").append(lbfgs);
        gridFor(law).axes().forEach((axis, values) -> s.append(';').append(axis).append('=').append(java.util.Arrays.toString(values)));
        return s.toString();
    }
}
