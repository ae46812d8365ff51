package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits every law to one group's points. A law that cannot be fitted is recorded with its status and
 * message; it never stops the other laws or the group.
 */
public final class GroupFitter {

    /** The group's points in canonical order, and one fit per law (predictions index into those points). */
    public record GroupFit(Points points, List<LawFit> fits) {
    }

    private final List<Law> laws;
    private final FitSettings settings;

    public GroupFitter(List<Law> laws, FitSettings settings) {
        this.laws = List.copyOf(laws);
        this.settings = settings;
    }

    public GroupFit fit(Points rawPoints) {
        Points points = rawPoints.canonicalOrder();
        List<LawFit> fits = new ArrayList<>(laws.size());
        for (Law law : laws) fits.add(fitOne(law, points));
        return new GroupFit(points, fits);
    }

    public LawFit fitOne(Law law, Points points) {
        long started = System.nanoTime();
        String fingerprint = Fingerprint.of(points, settings.describe(law));
        int n = points.size();
        if (n < law.minPoints()) {
            return LawFit.notFitted(law.name(), law.formula(), FitStatus.TOO_FEW_POINTS,
                    law.name() + " needs at least " + law.minPoints() + " points, the group has " + n,
                    n, millisSince(started), fingerprint);
        }
        String unidentifiable = law.unidentifiable(points);
        if (unidentifiable != null) {
            return LawFit.notFitted(law.name(), law.formula(), FitStatus.TOO_FEW_POINTS, unidentifiable, n,
                    millisSince(started), fingerprint);
        }
        try {
            ScreenedGridSearch.Outcome best = ScreenedGridSearch.minimize(law, points, settings, null);
            double[] theta = best.theta();
            double[] predicted = new double[n];
            double squaredLog = 0, residualSquares = 0, meanLoss = 0;
            for (int i = 0; i < n; i++) meanLoss += points.loss()[i] / n;
            double totalSquares = 0;
            for (int i = 0; i < n; i++) {
                double logPrediction = law.logPredict(theta, points, i);
                predicted[i] = Math.exp(logPrediction);
                double logResidual = logPrediction - points.logLoss()[i];
                squaredLog += logResidual * logResidual;
                double residual = points.loss()[i] - predicted[i];
                residualSquares += residual * residual;
                double deviation = points.loss()[i] - meanLoss;
                totalSquares += deviation * deviation;
            }
            if (!Double.isFinite(best.objective())) {
                return LawFit.notFitted(law.name(), law.formula(), FitStatus.FAILED,
                        "the objective is not finite at any start", n, millisSince(started), fingerprint);
            }
            Backtest.Result backtest = settings.backtestHoldOutSizes() > 0 ? Backtest.run(law, points, settings) : null;
            return new LawFit(law.name(), law.formula(), FitStatus.OK, "", law.parameters(theta), law.derived(theta, settings.computeBudgets()),
                    theta, n, best.objective(), Math.sqrt(squaredLog / n),
                    totalSquares > 0 ? 1 - residualSquares / totalSquares : Double.NaN,
                    best.gridPoints(), best.startsPolished(), best.objectiveEvaluations(), best.iterations(),
                    best.stopReason(), millisSince(started), fingerprint, predicted, backtest);
        } catch (RuntimeException e) {
            return LawFit.notFitted(law.name(), law.formula(), FitStatus.FAILED,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), n, millisSince(started), fingerprint);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
