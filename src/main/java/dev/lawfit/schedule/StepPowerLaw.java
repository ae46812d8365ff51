package dev.lawfit.schedule;

import dev.lawfit.law.Points;
import dev.lawfit.law.StartingGrid;

import java.util.List;
import java.util.Map;

/**
 * The schedule-blind baseline: one power law in the optimiser step, L(t) = L0 + A t^-alpha, fitted jointly
 * over the runs of a group. It predicts the same curve for every schedule, so it cannot tell two schedules
 * apart; a schedule-aware law must beat it to be worth its parameters.
 */
public final class StepPowerLaw extends ScheduleLaw {

    private static final long serialVersionUID = 1L;

    /** Built on first use (not serialised: an executor builds its own). */
    private transient dev.lawfit.law.LawDescription description;

    @Override
    public dev.lawfit.law.LawDescription description() {
        if (description == null) {
            description = describe(NAME, "L(t) = L0 + A t^-alpha")
                    .withCovariates("step")
                    .withCoordinates(List.of("L0", "log_A", "alpha"), new double[] {0, Math.log(1e-6), 0.01}, new double[] {20, Math.log(1e6), 3})
                    .withGrid(StartingGrid.of("L0", new double[] {1, 2, 3}, "log_A", new double[] {Math.log(1), Math.log(10), Math.log(100)},
                "alpha", new double[] {0.1, 0.3, 0.6}))
                    .withMinPoints(4);
        }
        return description;
    }
    public static final String NAME = "step_power";

    public StepPowerLaw(Map<String, LrSchedule> schedules) {
        this(schedules, java.util.Set.of());
    }

    public StepPowerLaw(Map<String, LrSchedule> schedules, java.util.Set<String> candidates) {
        super(schedules, candidates);
    }

    @Override
    protected double value(double[] theta, Points points, int i, double[] gradient) {
        double logT = Math.log(Math.max(1, points.steps()[i]));
        double a = Math.exp(theta[1]), u = Math.exp(-theta[2] * logT);
        if (gradient != null) {
            gradient[0] = 1;
            gradient[1] = a * u;
            gradient[2] = -a * u * logT;
        }
        return theta[0] + a * u;
    }
}
