package dev.lawfit.fit;

import dev.lawfit.law.Law;

/**
 * A law that brings its own solver: a closed form (a loss-to-loss line given its irreducible losses),
 * variable projection (a training curve with one nonlinear parameter) or least squares from a few starts
 * (the downstream laws). Everything around the fit (intervals, backtest, predictions, tables) is the same.
 */
public interface SolvedLaw extends Law {

    Solver solver();
}
