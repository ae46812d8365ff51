package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

/**
 * How a law's parameters are found from data. {@code weights} (nullable) say how often each point counts
 * (a bootstrap resample); {@code start} (nullable) is a known good point to start from (the full fit's
 * optimum, for a resample). Throws when no fit can be found; the caller records that as a failed fit.
 */
public interface Solver extends java.io.Serializable {

    Solution solve(Law law, Points points, double[] weights, FitSettings settings, double[] start);

    /** The solver a law is fitted with: its own, or the screened grid search. */
    static Solver of(Law law) {
        return law instanceof SolvedLaw solved ? solved.solver() : ScreenedGridSearch.INSTANCE;
    }
}
